using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Scoring.Cli.Terminal;

/// <summary>Receives how far a run has got.</summary>
internal interface IProgressReport
{
    /// <summary>Rows done so far, out of an estimated total (exact once the input has been read to the end).</summary>
    void Report(long done, long estimatedTotal);
}

/// <summary>Shows a run's progress: a live bar with rate and ETA on a terminal, plain periodic lines on standard error otherwise.</summary>
internal static class ProgressDisplay
{
    private const string RateKey = "rate";
    private const string EtaKey = "eta";

    /// <summary>How often the plain display writes a line.</summary>
    public static TimeSpan PlainInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="work"/> while showing its progress under <paramref name="title"/>.</summary>
    public static async Task<T> RunAsync<T>(CliContext ctx, string title, Func<IProgressReport, Task<T>> work)
    {
        if (!ctx.IsTerminal)
        {
            var plain = new PlainReport(ctx.Err, title);
            var result = await work(plain);
            plain.Finish();
            return result;
        }

        return await ctx.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new CountColumn(),
                new RateColumn(), new EtaColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(title, maxValue: 1);
                var result = await work(new LiveReport(task));
                task.MaxValue = Math.Max(task.Value, 1);
                task.StopTask();
                return result;
            });
    }

    // Spectre's own speed estimate samples value changes, which come in bursts of a chunk: the rate and
    // the ETA are computed here over the whole run instead and kept in the task's state.
    private sealed class LiveReport(ProgressTask task) : IProgressReport
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Report(long done, long estimatedTotal)
        {
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            var rate = done / seconds;
            var total = Math.Max(Math.Max(estimatedTotal, done), 1);
            task.State.Update<double>(RateKey, _ => rate);
            task.State.Update<double>(EtaKey, _ => rate > 0 ? (total - done) / rate : double.NaN);
            task.MaxValue = total;
            task.Value = done;
        }
    }

    private sealed class PlainReport(TextWriter err, string title) : IProgressReport
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _last = TimeSpan.Zero;
        private long _done;

        public void Report(long done, long estimatedTotal)
        {
            _done = done;
            var now = _clock.Elapsed;
            if (now - _last < PlainInterval) return;
            _last = now;
            var rate = done / Math.Max(now.TotalSeconds, 1e-3);
            var remaining = rate > 0 && estimatedTotal > done ? TimeSpan.FromSeconds((estimatedTotal - done) / rate) : TimeSpan.Zero;
            var share = estimatedTotal > 0 ? Math.Min(100.0, 100.0 * done / estimatedTotal) : 0;
            err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title}: {done:N0} of ~{Math.Max(estimatedTotal, done):N0} rows ({share:0}%), {rate:N0} rows/s, ETA {Clock(remaining)}"));
        }

        public void Finish()
        {
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            err.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{title}: {_done:N0} rows in {seconds:0.0} s ({_done / seconds:N0} rows/s)"));
        }
    }

    /// <summary>m:ss or h:mm:ss.</summary>
    public static string Clock(TimeSpan t) =>
        t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.State.Get<double>(RateKey):N0} rows/s"));
    }

    private sealed class EtaColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var eta = task.State.Get<double>(EtaKey);
            return new Text(task.IsFinished || double.IsNaN(eta) || eta <= 0 ? "ETA -:--" : "ETA " + Clock(TimeSpan.FromSeconds(eta)));
        }
    }

    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:N0}/~{task.MaxValue:N0}"));
    }
}
