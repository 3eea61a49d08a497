using Scoring.Server.Extensions;
using Scoring.Storage;

WebApplication app;
try
{
    app = ScoringApp.Create(args);
}
catch (StorageFaultException e)
{
    // A damaged database or a data directory that cannot be created: one line and a non-zero exit, no stack trace.
    Console.Error.WriteLine($"scoring: cannot start: {e.Message}");
    return 1;
}
app.Run();
return 0;
