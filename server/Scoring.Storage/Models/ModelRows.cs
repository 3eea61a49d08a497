using System.Globalization;
using Scoring.Storage.Paging;

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

/// <summary>A <c>model_labels</c> row.</summary>
internal sealed class LabelRow
{
    public string Label { get; set; } = "";
    public int Version { get; set; }
    public string SetAt { get; set; } = "";
    public string SetBy { get; set; } = "";

    public ModelLabel ToLabel() => new(Label, Version, StoredText.ParseTime(SetAt), SetBy);
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

/// <summary>
/// The SQL both model stores read with, given how a store reads a time column as <see cref="StoredText"/> text (SQLite
/// keeps that text; PostgreSQL formats its <c>timestamptz</c>), and the page tokens of their two listings.
/// </summary>
internal static class ModelSql
{
    private const string ModelListing = "models";
    private const string AuditListing = "audit";

    /// <summary>The columns of a <see cref="ModelRow"/>.</summary>
    public static string ModelColumns(Func<string, string> time) => $"""
        version AS Version, parent_version AS ParentVersion, author AS Author, {time("created_at")} AS CreatedAt, note AS Note,
        document_json AS DocumentJson, judgments_json AS JudgmentsJson, consistency_json AS ConsistencyJson
        """;

    /// <summary>The columns of an <see cref="AuditRow"/>.</summary>
    public static string AuditColumns(Func<string, string> time) => $"""
        id AS Id, {time("at")} AS At, actor AS Actor, action AS Action, version AS Version, previous_version AS PreviousVersion,
        note AS Note, details_json AS DetailsJson
        """;

    /// <summary>The <see cref="RequestRow"/> of <c>@RequestId</c>.</summary>
    public static string Request(Func<string, string> time) => $"""
        SELECT request_id AS RequestId, request_hash AS RequestHash, version AS Version, {time("created_at")} AS CreatedAt
        FROM model_requests WHERE request_id = @RequestId;
        """;

    /// <summary>Every <see cref="LabelRow"/>, in label order.</summary>
    public static string Labels(Func<string, string> time) => $"""
        SELECT label AS Label, version AS Version, {time("set_at")} AS SetAt, set_by AS SetBy FROM model_labels ORDER BY label;
        """;

    /// <summary>The version a page of the versions starts below; above every version for the first page.</summary>
    public static long VersionsBefore(string? pageToken) =>
        string.IsNullOrEmpty(pageToken) ? int.MaxValue : PageToken.Number(PageToken.Decode(pageToken, ModelListing, 1)[0]);

    /// <summary>Cuts the versions read (one more than a page) to the page; the next page's token, or null.</summary>
    public static string? VersionsNext(List<ModelRow> rows, int size) =>
        PageToken.CutPage(rows, size, ModelListing, r => [r.Version.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>The audit id a page of the audit log starts below; above every id for the first page.</summary>
    public static long AuditBefore(string? pageToken) =>
        string.IsNullOrEmpty(pageToken) ? long.MaxValue : PageToken.Number(PageToken.Decode(pageToken, AuditListing, 1)[0]);

    /// <summary>Cuts the audit records read (one more than a page) to the page; the next page's token, or null.</summary>
    public static string? AuditNext(List<AuditRow> rows, int size) =>
        PageToken.CutPage(rows, size, AuditListing, r => [r.Id.ToString(CultureInfo.InvariantCulture)]);
}
