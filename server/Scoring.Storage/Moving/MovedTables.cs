using Scoring.Storage.Evaluations;

namespace Scoring.Storage.Moving;

/// <summary>How a column's values are read from either store, written to PostgreSQL and written out canonically.</summary>
internal enum ColumnKind
{
    /// <summary>Text (also JSON kept as text).</summary>
    Text,
    /// <summary>JSON, a <c>json</c> column in PostgreSQL.</summary>
    Json,
    /// <summary>A 32-bit integer (<c>integer</c>).</summary>
    Int,
    /// <summary>A 64-bit integer (<c>bigint</c>).</summary>
    Long,
    /// <summary>A double (<c>double precision</c>).</summary>
    Real,
    /// <summary>Yes or no: 0/1 in SQLite, <c>boolean</c> in PostgreSQL.</summary>
    Flag,
    /// <summary>A time: <see cref="StoredText"/> text in SQLite, <c>timestamptz</c> in PostgreSQL (to the microsecond).</summary>
    Time,
    /// <summary>A date: <c>yyyy-MM-dd</c> text in SQLite, <c>date</c> in PostgreSQL.</summary>
    Date,
    /// <summary>Bytes (packed values).</summary>
    Bytes,
}

/// <summary>A column moved: its PostgreSQL name and kind, and the SQLite expression that reads it when it differs from the name.</summary>
internal sealed record MovedColumn(string Name, ColumnKind Kind, string? SqliteExpression = null);

/// <summary>
/// A table moved, its columns in the order both stores are read in, its key (rows are read, copied and hashed in key
/// order, byte order for text) and the identity column whose sequence follows the copied ids.
/// </summary>
internal sealed record MovedTable(string Name, string Key, MovedColumn[] Columns, string? Identity = null)
{
    /// <summary>The tables of a district, parents before children.</summary>
    public static readonly MovedTable[] All =
    [
        new("parcels", "id",
        [
            new("id", ColumnKind.Text), new("name", ColumnKind.Text), new("enterprise_name", ColumnKind.Text), new("level", ColumnKind.Int),
            new("area_mu", ColumnKind.Real), new("unit_id", ColumnKind.Text), new("street", ColumnKind.Text), new("industry_code", ColumnKind.Text),
            new("inside_development_boundary", ColumnKind.Flag), new("in_ecological_red_line", ColumnKind.Flag),
            new("redevelopment_underway", ColumnKind.Flag), new("locally_reported", ColumnKind.Flag), new("geometry", ColumnKind.Text),
            new("created_at", ColumnKind.Time), new("updated_at", ColumnKind.Time), new("current_values", ColumnKind.Bytes),
            new("attributes_as_of", ColumnKind.Json),
        ]),
        new("value_writes", "receipt",
        [
            new("receipt", ColumnKind.Long), new("parcel_id", ColumnKind.Text), new("source", ColumnKind.Text), new("as_of", ColumnKind.Date),
            new("received_at", ColumnKind.Time), new("value_count", ColumnKind.Int), new("received", ColumnKind.Bytes),
        ], Identity: "receipt"),
        new("management_units", "id",
        [
            new("id", ColumnKind.Text), new("name", ColumnKind.Text), new("level", ColumnKind.Int), new("total_area_mu", ColumnKind.Real),
            new("industrial_area_mu", ColumnKind.Real), new("created_at", ColumnKind.Time), new("updated_at", ColumnKind.Time),
        ]),
        new("models", "version",
        [
            new("version", ColumnKind.Int), new("parent_version", ColumnKind.Int), new("author", ColumnKind.Text), new("created_at", ColumnKind.Time),
            new("note", ColumnKind.Text), new("document_json", ColumnKind.Json), new("judgments_json", ColumnKind.Json),
            new("consistency_json", ColumnKind.Json),
            // SQLite keeps the active version in a table of its own.
            new("is_active", ColumnKind.Flag, "coalesce((SELECT a.version FROM active_model a WHERE a.id = 1) = version, 0)"),
        ]),
        new("model_requests", "request_id",
        [
            new("request_id", ColumnKind.Text), new("request_hash", ColumnKind.Text), new("version", ColumnKind.Int), new("created_at", ColumnKind.Time),
        ]),
        new("model_labels", "label",
        [
            new("label", ColumnKind.Text), new("version", ColumnKind.Int), new("set_at", ColumnKind.Time), new("set_by", ColumnKind.Text),
        ]),
        new("audit_log", "id",
        [
            new("id", ColumnKind.Long), new("at", ColumnKind.Time), new("actor", ColumnKind.Text), new("action", ColumnKind.Text),
            new("version", ColumnKind.Int), new("previous_version", ColumnKind.Int), new("note", ColumnKind.Text), new("details_json", ColumnKind.Json),
        ], Identity: "id"),
        new("evaluations", "id",
        [
            new("id", ColumnKind.Long), new("parcel_id", ColumnKind.Text), new("model_version", ColumnKind.Text), new("score", ColumnKind.Real),
            new("classification", ColumnKind.Int), new("disposition", ColumnKind.Int), new("completeness", ColumnKind.Real),
            new("inputs_json", ColumnKind.Text, EvaluationStore.InputsText("inputs_json")), new("evaluated_at", ColumnKind.Time), new("level", ColumnKind.Int), new("area_mu", ColumnKind.Real),
            new("unit_id", ColumnKind.Text), new("street", ColumnKind.Text), new("clearance_zone", ColumnKind.Int), new("failed_vetoes", ColumnKind.Text),
            new("top_shortfalls", ColumnKind.Text), new("redevelopment_modes", ColumnKind.Text), new("contested", ColumnKind.Flag),
            new("p_below_threshold", ColumnKind.Real),
        ], Identity: "id"),
        new("layers", "layer_id, version",
        [
            new("layer_id", ColumnKind.Text), new("version", ColumnKind.Int), new("kind", ColumnKind.Int), new("name", ColumnKind.Text),
            new("crs", ColumnKind.Int), new("geojson", ColumnKind.Json), new("feature_count", ColumnKind.Int), new("area_mu", ColumnKind.Real),
            new("author", ColumnKind.Text), new("created_at", ColumnKind.Time), new("note", ColumnKind.Text),
        ]),
    ];

    /// <summary>The query that reads the table in key order on <paramref name="provider"/>.</summary>
    public string Select(StorageProvider provider) =>
        provider == StorageProvider.Sqlite
            ? $"SELECT {string.Join(", ", Columns.Select(c => c.SqliteExpression is { } e ? $"{e} AS {c.Name}" : c.Name))} FROM {Name} ORDER BY {Key};"
            // Text keys in byte order, as SQLite's BINARY compares them.
            : $"SELECT {string.Join(", ", Columns.Select(c => c.Name))} FROM {Name} ORDER BY {string.Join(", ", Key.Split(", ").Select(k => Columns.Single(c => c.Name == k).Kind == ColumnKind.Text ? $"{k} COLLATE \"C\"" : k))};";
}
