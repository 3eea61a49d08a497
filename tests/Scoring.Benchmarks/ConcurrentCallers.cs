using System.Diagnostics;

namespace Scoring.Benchmarks;

/// <summary>The outcome of concurrent callers: calls per second and latency percentiles.</summary>
internal readonly record struct CallOutcome(int Callers, long Calls, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    /// <summary>Calls per second, all callers together.</summary>
    public double Rate => Calls / Elapsed.TotalSeconds;
}

/// <summary>Callers that each make one call after another for a fixed time.</summary>
internal static class ConcurrentCallers
{
    /// <summary>Runs <paramref name="callers"/> loops of <paramref name="call"/> (given a call number) for <paramref name="duration"/>.</summary>
    public static async Task<CallOutcome> RunAsync(int callers, TimeSpan duration, Func<long, Task> call)
    {
        var latencies = new List<long>[callers];
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = new Task[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            loops[c] = Task.Run(async () =>
            {
                var mine = new List<long>(1 << 16);
                long n = (long)caller << 32;
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await call(n++);
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                }
                latencies[caller] = mine;
            });
        }
        await Task.WhenAll(loops);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new CallOutcome(callers, all.Length, elapsed, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(long[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        var index = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
