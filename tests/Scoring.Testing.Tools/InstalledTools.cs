namespace Scoring.Testing;

/// <summary>
/// Programs from Debian's packages that some tests start for real (nginx, PostgreSQL, chromium), found on the PATH or in
/// the folders Debian installs them to that are not on every PATH (/usr/sbin, /usr/lib/postgresql/N/bin).
/// </summary>
public static class InstalledTools
{
    /// <summary>The full path of <paramref name="program"/>, or null when it is not installed.</summary>
    public static string? Find(string program)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"])
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal).Select(d => Path.Combine(d, "bin"))
                : []);
        return folders.Select(f => Path.Combine(f, program)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Whether the run must not skip tests that need <paramref name="program"/>: <c>SCORING_REQUIRE_TOOLS=1</c> (CI sets it,
    /// after installing them), so a missing program fails those tests instead.
    /// </summary>
    public static bool Required => Environment.GetEnvironmentVariable("SCORING_REQUIRE_TOOLS") == "1";

    /// <summary>
    /// Why a test that needs <paramref name="program"/> (from the Debian package <paramref name="package"/>) is skipped, or
    /// null when it runs: the program is installed, or <see cref="Required"/>.
    /// </summary>
    public static string? SkipReason(string program, string package) =>
        Find(program) is null && !Required
            ? $"{program} is not installed (apt-get install {package}); CI installs it and sets SCORING_REQUIRE_TOOLS=1"
            : null;
}

/// <summary>
/// A fact that starts a program from Debian's packages. Without it installed the test is skipped, with the reason and the
/// package to install, unless <see cref="InstalledTools.Required"/>: then it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : Xunit.FactAttribute
{
    /// <summary>A fact that needs <paramref name="program"/>, from the Debian package <paramref name="package"/>.</summary>
    public ToolFactAttribute(string program, string package)
    {
        Skip = InstalledTools.SkipReason(program, package);
    }
}
