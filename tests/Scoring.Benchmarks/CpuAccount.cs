using System.Globalization;

namespace Scoring.Benchmarks;

/// <summary>
/// CPU time from /proc: the machine's busy time and a process's own, so that the report can say how much
/// of the machine other processes took during the run (the figures assume a quiet machine).
/// </summary>
internal static class CpuAccount
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Busy CPU seconds of the whole machine since boot (all cores; idle and iowait left out); null without /proc.</summary>
    public static double? MachineBusySeconds()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            foreach (var i in new[] { 1, 2, 3, 6, 7, 8 }) if (i < fields.Length) busy += long.Parse(fields[i], CultureInfo.InvariantCulture);
            return busy / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>User + system CPU seconds of process <paramref name="pid"/> (0 = this one); null when it cannot be read.</summary>
    public static double? ProcessSeconds(int pid = 0)
    {
        try
        {
            var text = File.ReadAllText(pid == 0 ? "/proc/self/stat" : $"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start at state, field 3; utime and stime are fields 14 and 15.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The 1-minute load average, as /proc/loadavg gives it.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
