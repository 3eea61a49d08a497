using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Identification;
using Scoring.Server.Operations;
using Scoring.Storage;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;

namespace Scoring.Server.Tests.Identification;

/// <summary>
/// The application layer on a real SQLite file, without a server: the stores, the one entrance, impact
/// analysis, and the default model compiled from the server's own document.
/// </summary>
public sealed class ApplicationLayer : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-app-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public ApplicationLayer()
    {
        Database = new ScoringDatabase($"Data Source={Path.Combine(_directory, "scoring.db")}", TimeProvider.System);
        Parcels = new ParcelStore(Database);
        History = new EvaluationStore(Database);
        Writer = new HistoryWriter(History, NullLogger<HistoryWriter>.Instance);
        Evaluations = new ParcelEvaluations(Parcels, History, Writer, TimeProvider.System, new ScoringMetrics(_services.GetRequiredService<IMeterFactory>()));
        Impact = new ImpactAnalysis(Parcels, new WeightDrawSource(new Models.ModelRegistry(new Storage.Models.ModelStore(Database))));
    }

    /// <summary>The default model (Table 1 and domain.md's curves) as version "1".</summary>
    public static ScoringModel DefaultModel { get; } = ModelCompiler.Compile(DefaultDocument with { Version = "1" });

    /// <summary>The server's default model document.</summary>
    public static ModelDocument DefaultDocument => ModelDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json")));

    public ScoringDatabase Database { get; }
    /// <summary>The database file.</summary>
    public string DatabaseFile => Path.Combine(_directory, "scoring.db");
    public ParcelStore Parcels { get; }
    public EvaluationStore History { get; }
    public HistoryWriter Writer { get; }
    public ParcelEvaluations Evaluations { get; }
    public ImpactAnalysis Impact { get; }

    /// <summary>Evaluates a chunk in one session and collects what became of each parcel.</summary>
    public async Task<List<Outcome>> EvaluateAsync(ScoringModel model, bool record, params ParcelFacts[] chunk)
    {
        var sink = new Collector();
        await Evaluations.EvaluateAsync(Evaluations.Open(model, record), chunk, sink, CancellationToken.None);
        return sink.Outcomes;
    }

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        Database.Dispose();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>What became of one parcel, copied out of the session's reused buffers.</summary>
    public sealed record Outcome(string ParcelId, EvaluationResult? Result, string? UnitId, string? Street,
        IReadOnlyDictionary<string, ValueProvenance> Provenance, IReadOnlyList<FieldViolation> Violations, bool NotFound);

    private sealed class Collector : IEvaluationSink
    {
        public List<Outcome> Outcomes { get; } = [];

        public void Evaluated(int index, in EvaluatedParcel parcel)
        {
            var provenance = new Dictionary<string, ValueProvenance>(StringComparer.Ordinal);
            foreach (var ind in parcel.Model.Indicators) provenance[ind.Code] = parcel.IndicatorProvenance(ind.Index);
            foreach (var veto in parcel.Model.Vetoes) provenance["veto:" + veto.Code] = parcel.VetoProvenance(veto.Index);
            Outcomes.Add(new Outcome(parcel.Vector.ParcelId, parcel.Explain(), parcel.UnitId, parcel.Street, provenance, [], false));
        }

        public void Refused(int index, string parcelId, IReadOnlyList<FieldViolation> violations) =>
            Outcomes.Add(new Outcome(parcelId, null, null, null, new Dictionary<string, ValueProvenance>(), [.. violations], false));

        public void NotFound(int index, string parcelId) =>
            Outcomes.Add(new Outcome(parcelId, null, null, null, new Dictionary<string, ValueProvenance>(), [], true));
    }
}
