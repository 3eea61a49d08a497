using Scoring.Server.Extensions;

var app = ScoringApp.Create(args);
app.Run();
