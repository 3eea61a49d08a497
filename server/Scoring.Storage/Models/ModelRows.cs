namespace Scoring.Storage.Models;

/// <summary>A <c>models</c> row as both stores read it (times as <see cref="StoredText"/> text).</summary>
internal sealed class ModelRow
{
    public int Version { get; set; }
    public int? ParentVersion { get; set; }
    public string Author { get; set; } = "";
    public string CreatedAt { get; set; } = "";
    public string Note { get; set; } = "";
    public string DocumentJson { get; set; } = "";
    public string? JudgmentsJson { get; set; }
    public string? ConsistencyJson { get; set; }

    public StoredModel ToModel() => new(Version, ParentVersion, Author, StoredText.ParseTime(CreatedAt), Note, DocumentJson,
        JudgmentColumns.ReadJudgments(JudgmentsJson), JudgmentColumns.ReadConsistency(ConsistencyJson));
}

/// <summary>A <c>model_requests</c> row.</summary>
internal sealed class RequestRow
{
    public string RequestId { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public int Version { get; set; }
    public string CreatedAt { get; set; } = "";

    public ModelRequest ToRequest() => new(RequestId, RequestHash, Version, StoredText.ParseTime(CreatedAt));
}

/// <summary>An <c>audit_log</c> row.</summary>
internal sealed class AuditRow
{
    public long Id { get; set; }
    public string At { get; set; } = "";
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public int Version { get; set; }
    public int? PreviousVersion { get; set; }
    public string Note { get; set; } = "";
    public string? DetailsJson { get; set; }

    public AuditRecord ToRecord() => new(Id, StoredText.ParseTime(At), Actor, Action, Version, PreviousVersion, Note, DetailsJson);
}
