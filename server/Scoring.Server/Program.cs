using Scoring.Server.Extensions;

WebApplication? app = null;
try
{
    app = ScoringApp.Create(args);
    await app.StartAsync();
}
catch (Exception e)
{
    // Port in use, bad configuration, unreadable certificate, unusable database: one line and exit code 2, no stack trace.
    Console.Error.WriteLine($"scoring: cannot start: {StartupFailures.Describe(e, app?.Configuration)}");
    return StartupFailures.ExitCode;
}
await app.WaitForShutdownAsync();
return 0;
