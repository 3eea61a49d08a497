using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Scoring.Cli.Input;
using Scoring.Cli.Terminal;
using Scoring.V1;
using Spectre.Console;

namespace Scoring.Cli.Commands;

/// <summary><c>scoring clearance reconcile</c>: the year's clearance task per street against the clearance zones.</summary>
internal static class ClearanceCommands
{
    public static Command Build(CliContext ctx, Option<Uri> server)
    {
        var quotas = new Argument<string>("QUOTAS") { Description = "CSV with the columns street, quota_mu and optionally cleared (ids of parcels already cleared, separated by ';')." };
        var modelVersion = new Option<string?>("--model-version") { Description = "Place parcels with this model's clearance rule (default: the active one).", HelpName = "version" };
        var year = new Option<int>("--year") { Description = "The year of the task, for the record.", HelpName = "year" };
        var reconcile = new Command("reconcile",
            "Reconciles each street's (街道) annual clearance quota with its clearance zones: the area in each tier, the area already " +
            "cleared, the shortfall (taken from the tiers, must first, else land to find elsewhere) or the surplus, owed back one for one (拆一补一).")
        {
            quotas, modelVersion, year,
        };
        reconcile.SetAction(async (parse, token) =>
        {
            var request = new ReconcileClearanceRequest { ModelVersion = parse.GetValue(modelVersion) ?? "", Year = parse.GetValue(year) };
            request.Quotas.AddRange(await ReadQuotasAsync(parse.GetValue(quotas)!, token));
            return await Program.CallAsync(ctx, parse.GetValue(server)!, "ReconcileClearance", async client =>
            {
                var r = await client.Reports.ReconcileClearanceAsync(request, cancellationToken: token);
                Render(ctx, r);
                return ExitCodes.Ok;
            });
        });
        return new Command("clearance", "The clearance plan (清退): annual tasks per street.") { reconcile };
    }

    /// <summary>Reads the quota CSV: street, quota_mu and optionally cleared (parcel ids separated by ';').</summary>
    public static async Task<List<StreetQuota>> ReadQuotasAsync(string path, CancellationToken token)
    {
        InputFile.Require(path, "quotas", "a .csv file");
        await using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions { HasHeader = true, Separator = ',', TrimWhitespace = true }, leaveOpen: false);
        await csv.ReadHeaderAsync(token);
        var headers = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Col(string name) => headers.IndexOf(name);
        foreach (var column in new[] { "street", "quota_mu" })
            if (Col(column) < 0) throw new UsageException($"quotas file '{path}' has no {column} column; the header is street,quota_mu[,cleared]");
        var quotas = new List<StreetQuota>();
        while (await csv.ReadAsync(token))
        {
            string Cell(string name) => Col(name) is var i and >= 0 ? csv.GetString(i).Trim() : "";
            if (!ParcelRowBuilder.TryNumber(Cell("quota_mu"), out var quota))
                throw new UsageException($"quotas file '{path}', row {csv.RowNumber}: quota_mu '{Cell("quota_mu")}' is not a number");
            var q = new StreetQuota { Street = Cell("street"), QuotaMu = quota };
            q.ClearedParcelIds.AddRange(Cell("cleared").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            quotas.Add(q);
        }
        return quotas;
    }

    private static void Render(CliContext ctx, ReconcileClearanceResponse r)
    {
        static string A(double mu) => mu.ToString("N1", CultureInfo.InvariantCulture);
        var table = new Table().Title($"Clearance, model {Markup.Escape(r.ModelVersion)} (亩)")
            .AddColumns("street", "quota", "must", "encouraged", "considered", "cleared", "shortfall", "surplus", "zones left", "find elsewhere", "拆一补一");
        foreach (var s in r.Streets)
            table.AddRow(Markup.Escape(s.Street), A(s.QuotaMu), A(s.MustMu), A(s.EncouragedMu), A(s.ConsideredMu), A(s.ClearedMu), A(s.ShortfallMu),
                A(s.SurplusMu), A(s.RemainingZoneMu), A(s.SupplementaryNeededMu), A(s.CompensationMu));
        for (var i = 1; i < table.Columns.Count; i++) table.Columns[i].RightAligned();
        ctx.Console.Write(table);
        ctx.Out.WriteLine($"total: quota {A(r.TotalQuotaMu)} 亩, cleared {A(r.TotalClearedMu)} 亩, short {A(r.TotalShortfallMu)} 亩, owed back (拆一补一) {A(r.TotalCompensationMu)} 亩");
        if (r.UnknownParcelIds.Count > 0)
            ctx.Out.WriteLine($"not counted (not cached, or in another street): {string.Join(", ", r.UnknownParcelIds)}");
    }
}
