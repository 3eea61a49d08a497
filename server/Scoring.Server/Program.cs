using Scoring.Server.Extensions;

// `migrate --from "Data Source=…" --to "Host=…"`: move a district from its SQLite file into PostgreSQL and verify it.
if (MoveCommand.Asks(args)) return await MoveCommand.RunAsync(args, Console.Out, Console.Error);

// `migrate`: open the store, bring its schema up to date (and seed the default model), then exit; a deployment's
// migration step (deploy/kubernetes: the scoring-migrate Job) before the replicas roll.
var migrateOnly = args is ["migrate", ..];
if (migrateOnly) args = [.. args[1..], "--Scoring:LoadModelsInBackground=false"];

WebApplication? app = null;
try
{
    app = ScoringApp.Create(args);
    if (migrateOnly)
    {
        Console.WriteLine("scoring: the store's schema is up to date and the active model loaded");
        await app.DisposeAsync();
        return 0;
    }
    await app.StartAsync();
}
catch (Exception e)
{
    // Port in use, bad configuration, unreadable certificate, unusable database: one line and exit code 2, no stack trace.
    Console.Error.WriteLine($"scoring: cannot {(migrateOnly ? "migrate" : "start")}: {StartupFailures.Describe(e, app?.Configuration)}");
    return StartupFailures.ExitCode;
}
await app.WaitForShutdownAsync();
return 0;
