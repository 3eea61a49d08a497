extern alias cli;
extern alias sdk;
using System.Diagnostics;
using System.Globalization;
using cli::Scoring.Cli.Input;
using cli::Scoring.Cli.Output;
using Evaluation = sdk::Scoring.V1.Evaluation;
using SdkClassification = sdk::Scoring.V1.Classification;
using SdkDisposition = sdk::Scoring.V1.Disposition;
using SdkLevel = sdk::Scoring.V1.Level;

namespace Scoring.Benchmarks;

/// <summary>One spreadsheet written by the console client's writer in a process of its own.</summary>
/// <param name="Rows">Evaluations written.</param>
/// <param name="Seconds">From the first row to the file in place.</param>
/// <param name="PeakMb">The process's peak working set (VmHWM), start-up included.</param>
/// <param name="FileMb">The file's size.</param>
/// <param name="FirstSeconds">The process's first file (5,000 rows, before the measured one): start-up costs (JIT) included.</param>
internal sealed record SpreadsheetRun(int Rows, double Seconds, double PeakMb, double FileMb, double FirstSeconds)
{
    /// <summary>Rows per second.</summary>
    public double Rate => Rows / Seconds;
}

/// <summary>
/// Part xlsx: the CLI's spreadsheet writer (MiniExcel fed through a bounded channel, rows on one sheet, the summary on a
/// second), writing a small district and a large one, each in a fresh child process, so that the two peaks compare:
/// streaming means the large file needs no more memory than the small one.
/// </summary>
internal static class SpreadsheetWriting
{
    /// <summary>Writes <paramref name="small"/> and then <paramref name="large"/> rows, each in a child process.</summary>
    public static async Task<IReadOnlyList<SpreadsheetRun>> MeasureAsync(int small, int large, string folder)
    {
        var runs = new List<SpreadsheetRun>();
        foreach (var rows in new[] { small, large })
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Scoring.Benchmarks.dll"));
            foreach (var a in new[] { "--xlsx-child", rows.ToString(CultureInfo.InvariantCulture), Path.Combine(folder, $"district-{rows}.xlsx") })
                info.ArgumentList.Add(a);
            using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the spreadsheet writer");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"the spreadsheet writer failed: {await error}");
            var f = (await output).Trim().Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            runs.Add(new SpreadsheetRun((int)f[0], f[1], f[2], f[3], f[4]));
        }
        return runs;
    }

    /// <summary>
    /// The child: writes a first file of <see cref="FirstRows"/> rows (what a fresh `scoring` run pays), then <paramref name="rows"/>
    /// evaluations to <paramref name="path"/>, and prints rows, seconds, peak MB, file MB and the first file's seconds.
    /// </summary>
    public static async Task<int> ChildAsync(int rows, string path)
    {
        var first = await WriteAsync(FirstRows, path + ".first.xlsx");
        var measured = await WriteAsync(rows, path);
        var peakKb = File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rows} {measured.TotalSeconds:F3} {peakKb / 1024:F1} {new FileInfo(path).Length / 1048576.0:F2} {first.TotalSeconds:F3}"));
        return 0;
    }

    /// <summary>Rows of the first file each child writes.</summary>
    public const int FirstRows = 5_000;

    private static async Task<TimeSpan> WriteAsync(int rows, string path)
    {
        ModelElement[] elements =
        [
            new("population", "人口就业"), new("land", "土地利用"), new("enterprise", "企业底数"),
            new("industry", "产业集聚"), new("economy", "经济效益"), new("energy", "能源消耗"),
        ];
        var summary = new RunSummary();
        var file = new RecordFile<Evaluation>(path, OutputFormat.Xlsx, Labels.Zh, EvaluationColumns.For(elements, Labels.Zh, code => code),
            e => e.ParcelId, "评价结果", summary);
        var clock = Stopwatch.StartNew();
        await using (var writer = RecordWriter<Evaluation>.Create(file))
        {
            for (var i = 0; i < rows; i++)
            {
                // Evaluations as a basic view answers them: varied scores, verdicts, units and a failed veto now and then.
                var score = 0.3 + (i * 7919 % 6000) / 10_000.0;
                var e = new Evaluation
                {
                    ParcelId = $"320115-{i:D8}", ModelVersion = "1", Score = score, Completeness = 1, AreaMu = 10 + i % 90,
                    Classification = score < 0.6 ? SdkClassification.InefficientScore : score < 0.65 ? SdkClassification.Review : SdkClassification.Efficient,
                    Disposition = score < 0.6 ? SdkDisposition.IdentifiedInefficient : SdkDisposition.Retained,
                    Level = (SdkLevel)(1 + i % 3), UnitId = $"unit-{i % 17}",
                };
                foreach (var (el, k) in elements.Select((el, k) => (el, k)))
                    e.Elements.Add(new sdk::Scoring.V1.ElementScore { Code = el.Code, Weight = 1.0 / 6, Score = Math.Min(1, score + k * 0.01) });
                if (i % 37 == 0) e.FailedVetoes.Add("safety");
                await writer.WriteAsync(e, null, CancellationToken.None);
                summary.Add(e, e.UnitId);
            }
            await writer.CommitAsync(CancellationToken.None);
        }
        return clock.Elapsed;
    }
}
