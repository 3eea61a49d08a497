namespace Scoring.Storage.Evaluations;

/// <summary>One evaluation to keep in a parcel's history.</summary>
/// <param name="ParcelId">Cadastral id.</param>
/// <param name="ModelVersion">Version of the model that produced it.</param>
/// <param name="Score">Composite score in [0, 1].</param>
/// <param name="Classification">Classification (as <see cref="Scoring.Engine.Evaluation.Classification"/>).</param>
/// <param name="Disposition">Disposition (as <see cref="Scoring.Engine.Evaluation.Disposition"/>).</param>
/// <param name="Completeness">Sum of the model's global weights of the indicators present.</param>
/// <param name="InputsJson">The inputs evaluated, as JSON, so the result can be traced and replayed.</param>
/// <param name="EvaluatedAt">When it was evaluated; the default value means "now" by the database's clock.</param>
public sealed record EvaluationRecord(string ParcelId, string ModelVersion, double Score, int Classification,
    int Disposition, double Completeness, string InputsJson, DateTimeOffset EvaluatedAt);

/// <summary>An evaluation as kept: its id in the log and what was recorded.</summary>
/// <param name="Id">Id in the evaluation log; larger ids were appended later.</param>
/// <param name="Evaluation">The evaluation, with the time it was recorded under.</param>
public sealed record StoredEvaluation(long Id, EvaluationRecord Evaluation);

/// <summary>One page of a parcel's evaluation history.</summary>
/// <param name="Evaluations">Newest first.</param>
/// <param name="NextPageToken">Token for the next page; null on the last page.</param>
public sealed record EvaluationPage(IReadOnlyList<StoredEvaluation> Evaluations, string? NextPageToken);
