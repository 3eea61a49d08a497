using System.Data.Common;
using System.Globalization;
using Scoring.Storage.Paging;

namespace Scoring.Storage.Parcels;

/// <summary>The parcel listing's page tokens and the columns of a whole parcel, as both parcel stores use them.</summary>
internal static class ParcelListing
{
    private const string Listing = "parcels";

    /// <summary>
    /// Every column of a parcel but its values, each named with AS (SQLite leaves the name of an unaliased result column
    /// unspecified), over <c>parcels p</c>; the same SQL in either store.
    /// </summary>
    public const string ParcelColumns = """
        p.id AS id, p.name AS name, p.enterprise_name AS enterprise_name, p.level AS level, p.area_mu AS area_mu,
        p.unit_id AS unit_id, p.street AS street, p.industry_code AS industry_code,
        p.inside_development_boundary AS inside_development_boundary, p.in_ecological_red_line AS in_ecological_red_line,
        p.redevelopment_underway AS redevelopment_underway, p.locally_reported AS locally_reported,
        p.geometry AS geometry, p.created_at AS created_at, p.updated_at AS updated_at
        """;

    /// <summary>Parcels read for a list of ids, by id (an id listed twice was read twice).</summary>
    public static IReadOnlyDictionary<string, CachedParcel> ById(List<CachedParcel> found)
    {
        var byId = new Dictionary<string, CachedParcel>(found.Count, StringComparer.Ordinal);
        foreach (var parcel in found) byId[parcel.ParcelId] = parcel;
        return byId;
    }

    // The id a page of the filter's listing starts after; null for the first page.
    private static string? After(ParcelFilter filter, string? pageToken)
    {
        if (string.IsNullOrEmpty(pageToken)) return null;
        var parts = PageToken.Decode(pageToken, Listing, 4);
        if (parts[0] != filter.UnitId || parts[1] != filter.Street || parts[2] != Level(filter))
            throw new InvalidPageTokenException("belongs to a parcel listing with another filter");
        return parts[3] ?? throw new InvalidPageTokenException("does not hold a position");
    }

    /// <summary>
    /// One page of parcel attributes in id order, read on <paramref name="connection"/> in the store's SQL (parameters named
    /// with <paramref name="prefix"/>, <paramref name="always"/> its true literal); see <see cref="IParcelStore.ListAsync"/>.
    /// </summary>
    /// <exception cref="InvalidPageTokenException">The page token is not one of this listing's.</exception>
    public static async Task<ParcelPage> ListAsync(DbConnection connection, char prefix, string always, ParcelFilter? filter, int pageSize,
        string? pageToken, CancellationToken cancellationToken)
    {
        filter ??= ParcelFilter.None;
        var size = PageToken.PageSize(pageSize);
        var after = After(filter, pageToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {ParcelColumns} FROM parcels p WHERE {Where(filter, prefix, always)} AND p.id > {prefix}after ORDER BY p.id LIMIT {prefix}limit;";
        // One more row than the page tells whether a next page exists.
        foreach (var (name, value) in Parameters(filter, prefix, after ?? "").Append(new($"{prefix}limit", size + 1)))
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        var parcels = new List<ParcelAttributes>(size + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var columns = new AttributeColumns(reader);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) parcels.Add(columns.Read());
        }
        var next = PageToken.CutPage(parcels, size, Listing, p => [filter.UnitId, filter.Street, Level(filter), p.ParcelId]);
        return new ParcelPage(parcels, next);
    }

    /// <summary>
    /// The conditions of <paramref name="filter"/> over <c>parcels p</c>, only those in use (so the planner can take the
    /// matching (column, id) index), after <paramref name="always"/> (the store's true literal); parameters named with
    /// <paramref name="prefix"/>.
    /// </summary>
    public static string Where(ParcelFilter filter, char prefix, string always)
    {
        var where = new List<string> { always };
        if (filter.UnitId is not null) where.Add($"p.unit_id = {prefix}unit_id");
        if (filter.Street is not null) where.Add($"p.street = {prefix}street");
        if (filter.Level is not null) where.Add($"p.level = {prefix}level");
        return string.Join(" AND ", where);
    }

    /// <summary>The parameters of <see cref="Where"/> and of the position <c>after</c>, named with <paramref name="prefix"/>.</summary>
    public static List<KeyValuePair<string, object>> Parameters(ParcelFilter filter, char prefix, string after)
    {
        var parameters = new List<KeyValuePair<string, object>>(4);
        if (filter.UnitId is not null) parameters.Add(new($"{prefix}unit_id", filter.UnitId));
        if (filter.Street is not null) parameters.Add(new($"{prefix}street", filter.Street));
        if (filter.Level is not null) parameters.Add(new($"{prefix}level", filter.Level.Value));
        parameters.Add(new($"{prefix}after", after));
        return parameters;
    }

    private static string? Level(ParcelFilter filter) => filter.Level?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Reads a parcel's attributes by column name, resolved once per result set, from either store: flags stored as 0/1
/// (SQLite) or booleans (PostgreSQL), times as <see cref="StoredText"/> text or <c>timestamptz</c>. Columns a read leaves
/// out (the names and times of a scoring read) come back null and <see cref="DateTimeOffset.MinValue"/>.
/// </summary>
internal sealed class AttributeColumns(DbDataReader reader)
{
    private readonly int _id = reader.GetOrdinal("id");
    private readonly int _name = Optional(reader, "name");
    private readonly int _enterpriseName = Optional(reader, "enterprise_name");
    private readonly int _level = reader.GetOrdinal("level");
    private readonly int _areaMu = reader.GetOrdinal("area_mu");
    private readonly int _unitId = reader.GetOrdinal("unit_id");
    private readonly int _street = reader.GetOrdinal("street");
    private readonly int _industryCode = reader.GetOrdinal("industry_code");
    private readonly int _insideDevelopmentBoundary = reader.GetOrdinal("inside_development_boundary");
    private readonly int _inEcologicalRedLine = reader.GetOrdinal("in_ecological_red_line");
    private readonly int _redevelopmentUnderway = reader.GetOrdinal("redevelopment_underway");
    private readonly int _locallyReported = reader.GetOrdinal("locally_reported");
    private readonly int _geometry = reader.GetOrdinal("geometry");
    private readonly int _createdAt = Optional(reader, "created_at");
    private readonly int _updatedAt = Optional(reader, "updated_at");

    /// <summary>The current row's attributes.</summary>
    public ParcelAttributes Read() => new(
        reader.GetString(_id),
        Text(_name),
        Text(_enterpriseName),
        reader.IsDBNull(_level) ? null : reader.GetInt32(_level),
        reader.IsDBNull(_areaMu) ? null : reader.GetDouble(_areaMu),
        Text(_unitId),
        Text(_street),
        Text(_industryCode),
        Flag(_insideDevelopmentBoundary),
        Flag(_inEcologicalRedLine),
        Flag(_redevelopmentUnderway),
        Flag(_locallyReported),
        Text(_geometry),
        Time(_createdAt),
        Time(_updatedAt));

    /// <summary>Every row as a cached parcel, its values still packed (the <c>current_values</c> column).</summary>
    public static List<CachedParcel> ReadParcels(DbDataReader reader)
    {
        var parcels = new List<CachedParcel>();
        var columns = new AttributeColumns(reader);
        var packed = reader.GetOrdinal("current_values");
        while (reader.Read())
        {
            var attributes = columns.Read();
            // Every row holds its packed values since migration 8; NULL would be a parcel without any.
            parcels.Add(reader.IsDBNull(packed)
                ? new CachedParcel(attributes, CachedParcel.NoValues, CachedParcel.NoValues, CachedParcel.NoValues)
                : new CachedParcel(attributes, (byte[])reader.GetValue(packed)));
        }
        return parcels;
    }

    private string? Text(int i) => i < 0 || reader.IsDBNull(i) ? null : reader.GetString(i);

    private bool? Flag(int i) => reader.IsDBNull(i) ? null : reader.GetValue(i) is bool b ? b : reader.GetInt64(i) != 0;

    private DateTimeOffset Time(int i) =>
        i < 0 ? DateTimeOffset.MinValue
        : reader.GetValue(i) is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))
        : StoredText.ParseTime(reader.GetString(i));

    private static int Optional(DbDataReader reader, string name)
    {
        for (var i = 0; i < reader.FieldCount; i++)
            if (reader.GetName(i) == name) return i;
        return -1;
    }
}
