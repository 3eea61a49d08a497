using Microsoft.Data.Sqlite;
using Npgsql;
using Scoring.Server.Extensions;
using Scoring.V1;

namespace Scoring.Cli.Tests;

/// <summary>
/// <c>migrate --from "Data Source=…" --to "Host=…"</c> moves the sample district, fed to a server on SQLite through the
/// console client, into PostgreSQL and verifies it; a row changed in the target afterwards is caught.
/// </summary>
[Collection(PostgresCluster.Collection)]
public sealed class MoveDistrictTests(ServerFixture server, PostgresCluster cluster) : IClassFixture<ServerFixture>
{
    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "samples", name);

    private string SourceFile => Path.Combine(server.DataDirectory, "scoring.db");

    [ToolFact(PostgresCluster.Program, PostgresCluster.Package)]
    public async Task The_sample_district_is_moved_into_PostgreSQL_and_verified_and_a_row_changed_there_is_caught()
    {
        // The README's sample: 5,000 rows, 4,996 stored with 167,346 values, 16 units; one layer; three parcels evaluated
        // (one of them again with robustness).
        using var cli = new CliRunner();
        var ingest = await CliRunner.RunAsync("ingest", Sample("jiangning-5000.csv"), "--source", "planning-bureau", "--as-of", "2024-12-31",
            "--units", Sample("jiangning-units.csv"), "--errors", cli.PathOf("errors.csv"), "--server", server.Address.ToString());
        Assert.Contains("rows in 5000 = rows stored 4996 + rows in errors 4 (2 unreadable, 2 refused by the server); 167346 values written", ingest.Out);
        var layer = await CliRunner.RunAsync("layer", "upload", "--kind", "ecological-red-line", "--note", "2026 plan",
            Sample("spatial/layers/ecological-red-line.geojson"), "--server", server.Address.ToString());
        Assert.True(layer.ExitCode == 0, layer.ToString());
        var scoring = new ScoringService.ScoringServiceClient(server.Channel);
        foreach (var id in new[] { "320115-10S00-0001", "320115-01P02-0001", "320115-01P02-0002" })
            await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id } });
        // One more with robustness: its contested verdict and probability are moved and checked too.
        await scoring.EvaluateParcelAsync(new EvaluateParcelRequest
            { Parcel = new ParcelInput { ParcelId = "320115-10S00-0001" }, View = EvaluationView.Robustness });
        await WaitForEvaluationsAsync(4);
        // A label on the default model: its row and its audit record move too.
        await new ModelService.ModelServiceClient(server.Channel).SetModelLabelAsync(new SetModelLabelRequest { Label = "official", Version = "1" });

        var target = await cluster.CreateDatabaseAsync("moved_sample");
        var moved = await MigrateAsync("--from", $"Data Source={SourceFile}", "--to", target);

        Assert.True(moved.Code == 0, moved.Output);
        Assert.Equal(
        [
            Row("parcels", 4996), Row("value_writes", 4996), Row("management_units", 16), Row("models", 1), Row("model_requests", 0),
            Row("model_labels", 1), Row("audit_log", 3), Row("evaluations", 4), Row("layers", 1),
        ], TableRows(moved.Output));
        Assert.Contains($"verified: 9 tables, {4996 + 4996 + 16 + 1 + 1 + 3 + 4 + 1:N0} rows, the same in both", moved.Output);
        Assert.Equal(167346, await TargetScalarAsync(target, "SELECT sum(value_count) FROM value_writes;"));
        Assert.Equal(1, await TargetScalarAsync(target, "SELECT count(*) FROM evaluations WHERE contested IS NOT NULL AND p_below_threshold IS NOT NULL;"));

        // A changed area in the target: only the parcels differ.
        await TargetScalarAsync(target, "UPDATE parcels SET area_mu = area_mu + 1 WHERE id = '320115-01P02-0001' RETURNING 1;");
        var checkedAgain = await MigrateAsync("--from", $"Data Source={SourceFile}", "--to", target, "--verify-only");

        Assert.Equal(1, checkedAgain.Code);
        Assert.Equal(["parcels"], MismatchedTables(checkedAgain.Output));
        Assert.Contains("NOT verified: 1 of 9 tables differ", checkedAgain.Output);

        // And a target that holds a district is not written over without --force.
        var again = await MigrateAsync("--from", $"Data Source={SourceFile}", "--to", target);
        Assert.Equal(2, again.Code);
        Assert.Contains("the target database is not empty (parcels: 4,996, value_writes: 4,996, management_units: 16, models: 1, model_labels: 1, audit_log: 3, evaluations: 4, layers: 1); give --force", again.Error);
    }

    private static string Row(string table, long rows) => $"{table} {rows:N0} {rows:N0} ok";

    // Each table line as "table rows rows check", checksums left out (they are compared by the command itself).
    private static List<string> TableRows(string output) =>
        [.. output.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5] is "ok" or "MISMATCH").Select(f => $"{f[0]} {f[1]} {f[2]} {f[5]}")];

    private static List<string> MismatchedTables(string output) =>
        [.. TableRows(output).Where(r => r.EndsWith("MISMATCH", StringComparison.Ordinal)).Select(r => r.Split(' ')[0])];

    private static async Task<(int Code, string Output, string Error)> MigrateAsync(params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await MoveCommand.RunAsync(["migrate", .. arguments], output, error);
        return (code, output.ToString() + error, error.ToString());
    }

    private static async Task<long> TargetScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // Single evaluations are recorded in groups in the background: wait until they are in the file.
    private async Task WaitForEvaluationsAsync(long count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var connection = new SqliteConnection($"Data Source={SourceFile};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = new SqliteCommand("SELECT count(*) FROM evaluations;", connection);
            if ((long)(await command.ExecuteScalarAsync())! >= count || DateTime.UtcNow > deadline) return;
            await Task.Delay(50);
        }
    }
}
