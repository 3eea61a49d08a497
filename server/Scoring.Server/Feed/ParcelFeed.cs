using System.Globalization;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Server.Models;
using Scoring.Storage.Parcels;
using Scoring.Storage.Units;

namespace Scoring.Server.Feed;

/// <summary>What is wrong with one item of a feed chunk, or (index -1) with the chunk as a whole.</summary>
/// <param name="Index">The parcel's or unit's index in the chunk; -1 for the chunk.</param>
/// <param name="ParcelId">The refused parcel's id, for a parcel.</param>
/// <param name="UnitId">The refused unit's id, for a unit.</param>
/// <param name="Violations">Each offending field, with paths from the chunk (parcels[i]…, units[i]…, source, as_of).</param>
public sealed record FeedError(int Index, string? ParcelId, string? UnitId, IReadOnlyList<FieldViolation> Violations)
{
    /// <summary>Whether the error is about a parcel's data (rather than the chunk or a unit).</summary>
    public bool IsParcel => ParcelId is not null;
}

/// <summary>What one feed chunk did.</summary>
/// <param name="Accepted">Parcels stored.</param>
/// <param name="ValuesWritten">Indicator values, category keys and veto answers recorded.</param>
/// <param name="UnitsAccepted">Management units stored.</param>
/// <param name="Errors">What was refused, in chunk order (the chunk itself first).</param>
public sealed record FeedResult(int Accepted, int ValuesWritten, int UnitsAccepted, IReadOnlyList<FeedError> Errors);

/// <summary>
/// The indicator cache's feed: one chunk of one source's data as of one date. The chunk's own fields are
/// checked first (a bad one refuses the chunk, not the stream); each parcel is then checked against the
/// active model and each unit on its own, and what passes is written, parcels in pieces of at most
/// <see cref="PieceParcels"/> (each piece one transaction) and units in another, before the chunk is acknowledged.
/// </summary>
public sealed class ParcelFeed(ModelCatalog models, IParcelStore parcels, IUnitStore unitStore, TimeProvider time)
{
    /// <summary>
    /// Unless configured (<c>Storage:IngestPieceParcels</c>), each chunk is one transaction, as the contract promises.
    /// </summary>
    public const int DefaultPieceParcels = 0;

    /// <summary>
    /// Most parcels of a chunk written in one transaction; 0 (the default) writes each chunk in one. An operator may
    /// trade the chunk's atomicity for latency: the single writer takes the small writes waiting (recorded
    /// evaluations, activations) between two pieces, so they wait for one piece at most instead of a whole chunk.
    /// </summary>
    public int PieceParcels { get; init; } = DefaultPieceParcels;

    /// <summary>Told after parcels were stored (the neighbour index of contiguous renewal then reads the cache again).</summary>
    public Action? ParcelsStored { get; init; }

    /// <summary>The coordinate system of a geometry that names none (<c>Spatial:DefaultCrs</c>).</summary>
    public int DefaultEpsg { get; init; } = Engine.Spatial.CoordinateSystems.Cgcs2000;

    /// <summary>The most parcels plus units one chunk may carry.</summary>
    public const int MaxChunkItems = 10_000;

    /// <summary>The longest source name.</summary>
    public const int MaxSourceLength = 64;

    /// <summary>Checks and stores one chunk.</summary>
    public async Task<FeedResult> UpsertAsync(string source, string asOfText, IReadOnlyList<ParcelWrite> parcelWrites, IReadOnlyList<UnitWrite> unitWrites,
        CancellationToken cancellationToken)
    {
        var chunkViolations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(source)) chunkViolations.Add(new("source", "is required: name the data source, e.g. tax-bureau"));
        else ParcelText.Check("source", source, MaxSourceLength, chunkViolations);
        if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
            chunkViolations.Add(new("as_of", $"'{asOfText}' is not a date YYYY-MM-DD"));
        else if (asOf > DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(1))
            chunkViolations.Add(new("as_of", $"{asOfText} is in the future; as_of is the date the values describe"));
        if (parcelWrites.Count + unitWrites.Count > MaxChunkItems)
            chunkViolations.Add(new("parcels", $"a chunk carries at most {MaxChunkItems} parcels and units; this one carries {parcelWrites.Count + unitWrites.Count}"));
        if (chunkViolations.Count > 0) return new FeedResult(0, 0, 0, [new FeedError(-1, null, null, chunkViolations)]);

        var errors = new List<FeedError>();
        var model = models.Active;
        var accepted = new List<ParcelWrite>(parcelWrites.Count);
        // A parcel (or unit) may appear once per chunk: the first occurrence is read as usual, every later one is
        // refused as a duplicate, so the acknowledgement counts exactly the parcels stored.
        var firstIndex = new Dictionary<string, int>(parcelWrites.Count, StringComparer.Ordinal);
        for (var i = 0; i < parcelWrites.Count; i++)
        {
            var p = parcelWrites[i];
            var prefix = $"parcels[{i}].";
            var violations = new List<FieldViolation>();
            if (ParcelReader.ParcelIdProblem(p.ParcelId) is null && !firstIndex.TryAdd(p.ParcelId, i))
                violations.Add(new(prefix + "parcel_id", Duplicate("parcel", "parcels", firstIndex[p.ParcelId])));
            else
            {
                ParcelReader.Read(model, p.ToFacts(), violations, prefix);
                CheckText(p, violations, prefix);
                if (violations.Count == 0) p = Spatial.ParcelOutlines.Fold(p, DefaultEpsg, violations, prefix);
            }
            if (violations.Count == 0) accepted.Add(p);
            else errors.Add(new FeedError(i, p.ParcelId, null, violations));
        }
        var units = new List<UnitWrite>(unitWrites.Count);
        var firstUnit = new Dictionary<string, int>(unitWrites.Count, StringComparer.Ordinal);
        for (var i = 0; i < unitWrites.Count; i++)
        {
            var violations = string.IsNullOrWhiteSpace(unitWrites[i].UnitId) || firstUnit.TryAdd(unitWrites[i].UnitId, i)
                ? CheckUnit(unitWrites[i], $"units[{i}].")
                : [new($"units[{i}].unit_id", Duplicate("unit", "units", firstUnit[unitWrites[i].UnitId]))];
            if (violations.Count == 0) units.Add(unitWrites[i]);
            else errors.Add(new FeedError(i, null, unitWrites[i].UnitId, violations));
        }

        // The chunk is acknowledged only once every piece has committed, so nothing acknowledged is lost. A chunk that
        // fails part-way may leave earlier pieces stored, unacknowledged; sent again, it leaves the cache as one
        // success would (same as_of: the later receipt wins), its values logged twice.
        var counts = default(UpsertCounts);
        var piece = PieceParcels > 0 ? PieceParcels : Math.Max(accepted.Count, 1);
        for (var start = 0; start < accepted.Count; start += piece)
        {
            var written = await parcels.UpsertAsync(source, asOf, accepted.GetRange(start, Math.Min(piece, accepted.Count - start)), cancellationToken);
            counts = new UpsertCounts(counts.Parcels + written.Parcels, counts.Values + written.Values);
        }
        var unitsAccepted = units.Count > 0 ? await unitStore.UpsertAsync(units, cancellationToken) : 0;
        if (accepted.Count > 0) ParcelsStored?.Invoke();
        return new FeedResult(counts.Parcels, counts.Values, unitsAccepted, errors);
    }

    /// <summary>The largest total area of a management unit, in 亩 (10,000,000 亩 ≈ 6,667 km², a whole city).</summary>
    public const double MaxUnitAreaMu = 10_000_000;

    /// <summary>
    /// The problems of a management unit: id, name, level, areas (in 亩, finite, 0 to <see cref="MaxUnitAreaMu"/>,
    /// industrial within total).
    /// </summary>
    public static List<FieldViolation> CheckUnit(UnitWrite u, string prefix)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(u.UnitId)) violations.Add(new(prefix + "unit_id", "is required"));
        else ParcelText.Check("unit_id", u.UnitId, ParcelText.MaxUnitIdLength, violations, prefix);
        ParcelText.Check("name", u.Name, ParcelText.MaxNameLength, violations, prefix);
        if (u.Level is < (int)ParcelLevel.Unspecified or > (int)ParcelLevel.Scattered) violations.Add(new(prefix + "level", $"{u.Level} is not a Level value"));
        if (u.TotalAreaMu is { } total && !(double.IsFinite(total) && total is >= 0 and <= MaxUnitAreaMu))
            violations.Add(new(prefix + "total_area_mu", $"must be a finite number from 0 to {MaxUnitAreaMu:0} 亩"));
        if (u.IndustrialAreaMu is { } industrial && !(double.IsFinite(industrial) && industrial is >= 0 and <= MaxUnitAreaMu))
            violations.Add(new(prefix + "industrial_area_mu", $"must be a finite number from 0 to {MaxUnitAreaMu:0} 亩"));
        if (u is { TotalAreaMu: { } t, IndustrialAreaMu: { } ind } && ind > t)
            violations.Add(new(prefix + "industrial_area_mu", $"{ind} exceeds the unit's total area {t}"));
        return violations;
    }

    /// <summary>The text a parcel write stores: unit id, street, name, enterprise name and geometry.</summary>
    public static void CheckText(ParcelWrite p, List<FieldViolation> violations, string prefix)
    {
        ParcelText.Check("unit_id", p.UnitId, ParcelText.MaxUnitIdLength, violations, prefix);
        ParcelText.Check("street", p.Street, ParcelText.MaxStreetLength, violations, prefix);
        ParcelText.Check("name", p.Name, ParcelText.MaxNameLength, violations, prefix);
        ParcelText.Check("enterprise_name", p.EnterpriseName, ParcelText.MaxEnterpriseNameLength, violations, prefix);
        ParcelText.Check("geometry", p.Geometry, ParcelText.MaxGeometryLength, violations, prefix, multiLine: true);
    }

    private static string Duplicate(string kind, string list, int first) =>
        $"this {kind} is already given at {list}[{first}] of this chunk; a {kind} may appear once per chunk (the first is read, later ones are refused)";
}
