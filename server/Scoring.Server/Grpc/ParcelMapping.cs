using Grpc.Core;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Parcels;
using Scoring.V1;
using Scoring.Storage.Units;
using StoredUnit = Scoring.Storage.Units.ManagementUnit;
using StoredValue = Scoring.Storage.Parcels.CachedValue;

namespace Scoring.Server.Grpc;

/// <summary>Maps ParcelService messages to the cache's records and back.</summary>
internal static class ParcelMapping
{
    /// <summary>
    /// The listing a ListEvaluations request asks for: null for one parcel's whole history newest first (the listing
    /// it always had), else a district listing. Throws INVALID_ARGUMENT naming each bad field.
    /// </summary>
    public static EvaluationFilter? ToFilter(ListEvaluationsRequest r)
    {
        var violations = new List<Engine.Evaluation.FieldViolation>();
        if (r.ParcelId.Length > 0 && Engine.Evaluation.ParcelReader.ParcelIdProblem(r.ParcelId) is { } idProblem) violations.Add(new("parcel_id", idProblem));
        Defined(r.Classification, "classification", violations);
        Defined(r.Disposition, "disposition", violations);
        Defined(r.ClearanceZone, "clearance_zone", violations);
        Defined(r.Level, "level", violations);
        EvaluationOrder? order = r.OrderBy switch
        {
            "" => r.ParcelId.Length > 0 ? EvaluationOrder.EvaluateTime : EvaluationOrder.ParcelId,
            "parcel_id" => EvaluationOrder.ParcelId,
            "score" => EvaluationOrder.Score,
            "evaluate_time" => EvaluationOrder.EvaluateTime,
            _ => null,
        };
        if (order is null) violations.Add(new("order_by", $"'{RichErrors.Clip(r.OrderBy, 40)}' is not an order; use parcel_id, score or evaluate_time"));
        if (violations.Count > 0) throw RichErrors.InvalidArgument(violations, RichErrors.Reasons.InvalidRequest).ToRpcException();

        var filter = new EvaluationFilter
        {
            ParcelId = NullIfEmpty(r.ParcelId),
            Classification = r.Classification == Classification.Unspecified ? null : (int)r.Classification,
            Disposition = r.Disposition == Disposition.Unspecified ? null : (int)r.Disposition,
            ClearanceZone = r.ClearanceZone == ClearanceZone.Unspecified ? null : (int)r.ClearanceZone,
            Street = NullIfEmpty(r.Street),
            UnitId = NullIfEmpty(r.UnitId),
            Level = r.Level == Level.Unspecified ? null : (int)r.Level,
            ModelVersion = NullIfEmpty(r.ModelVersion),
            LatestOnly = r.LatestOnly,
            Order = order!.Value,
        };
        return filter.ParcelId is not null && filter == new EvaluationFilter { ParcelId = filter.ParcelId, Order = EvaluationOrder.EvaluateTime } ? null : filter;
    }

    private static void Defined<T>(T value, string field, List<Engine.Evaluation.FieldViolation> violations) where T : struct, System.Enum
    {
        if (!System.Enum.IsDefined(value))
            violations.Add(new(field, $"{Convert.ToInt32(value, CultureInfo.InvariantCulture)} is not a {typeof(T).Name} value"));
    }

    /// <summary>An evaluation as the history keeps it.</summary>
    public static V1.EvaluationRecord ToProto(this Storage.Evaluations.EvaluationRecord e) => new()
    {
        ParcelId = e.ParcelId,
        ModelVersion = e.ModelVersion,
        Score = e.Score,
        Classification = (Classification)e.Classification,
        Disposition = (Disposition)e.Disposition,
        Completeness = e.Completeness,
        EvaluateTime = Timestamp.FromDateTimeOffset(e.EvaluatedAt),
        InputsJson = e.InputsJson,
        Level = (Level)(e.Level ?? 0),
        AreaMu = e.AreaMu ?? 0,
        UnitId = e.UnitId ?? "",
        Street = e.Street ?? "",
        ClearanceZone = (ClearanceZone)(e.ClearanceZone ?? 0),
        FailedVetoes = { e.FailedVetoes ?? [] },
        TopShortfalls = { e.TopShortfalls ?? [] },
        RedevelopmentModes = { (e.RedevelopmentModes ?? []).Select(m => (RedevelopmentMode)m) },
    };

    /// <summary>A cache write; unset fields (empty, 0, unspecified, absent) leave the cached value as it is.</summary>
    public static ParcelWrite ToWrite(this ParcelInput p) => new(p.ParcelId)
    {
        Name = NullIfEmpty(p.Name),
        EnterpriseName = NullIfEmpty(p.EnterpriseName),
        Level = p.Level == Level.Unspecified ? null : (int)p.Level,
        AreaMu = p.AreaMu == 0 ? null : p.AreaMu,
        UnitId = NullIfEmpty(p.UnitId),
        Street = NullIfEmpty(p.Street),
        IndustryCode = NullIfEmpty(p.IndustryCode),
        Geometry = NullIfEmpty(p.Geometry),
        Crs = NullIfEmpty(p.Crs),
        InsideDevelopmentBoundary = p.HasInsideDevelopmentBoundary ? p.InsideDevelopmentBoundary : null,
        InEcologicalRedLine = p.HasInEcologicalRedLine ? p.InEcologicalRedLine : null,
        RedevelopmentUnderway = p.HasRedevelopmentUnderway ? p.RedevelopmentUnderway : null,
        LocallyReported = p.HasLocallyReported ? p.LocallyReported : null,
        Indicators = p.Indicators,
        Categories = p.Categories,
        Vetoes = p.Vetoes,
    };

    /// <summary>A unit write; unset fields leave the cached value as it is.</summary>
    public static UnitWrite ToWrite(this V1.ManagementUnit u) => new(u.UnitId)
    {
        Name = NullIfEmpty(u.Name),
        Level = u.Level == Level.Unspecified ? null : (int)u.Level,
        TotalAreaMu = u.HasTotalAreaMu ? u.TotalAreaMu : null,
        IndustrialAreaMu = u.HasIndustrialAreaMu ? u.IndustrialAreaMu : null,
    };

    /// <summary>A unit as the contract shows it.</summary>
    public static V1.ManagementUnit ToProto(this StoredUnit u)
    {
        var unit = new V1.ManagementUnit { UnitId = u.UnitId, Name = u.Name ?? "", Level = (Level)(u.Level ?? 0) };
        if (u.TotalAreaMu is { } total) unit.TotalAreaMu = total;
        if (u.IndustrialAreaMu is { } industrial) unit.IndustrialAreaMu = industrial;
        return unit;
    }

    /// <summary>A parcel's attributes only.</summary>
    public static Parcel ToProto(this ParcelAttributes a) => new()
    {
        Attributes = Attributes(a),
        CreateTime = Timestamp.FromDateTimeOffset(a.CreatedAt),
        UpdateTime = Timestamp.FromDateTimeOffset(a.UpdatedAt),
    };

    /// <summary>A cached parcel with its current values and their provenance.</summary>
    public static Parcel ToProto(this CachedParcel c)
    {
        var parcel = c.Attributes.ToProto();
        foreach (var v in c.Indicators.Values.OrderBy(v => v.Code, StringComparer.Ordinal))
        {
            parcel.Attributes.Indicators[v.Code] = v.Number!.Value;
            parcel.Values.Add(v.ToProto(ValueKind.Number));
        }
        foreach (var v in c.Categories.Values.OrderBy(v => v.Code, StringComparer.Ordinal))
        {
            parcel.Attributes.Categories[v.Code] = v.Category!;
            parcel.Values.Add(v.ToProto(ValueKind.Category));
        }
        foreach (var v in c.Vetoes.Values.OrderBy(v => v.Code, StringComparer.Ordinal))
        {
            parcel.Attributes.Vetoes[v.Code] = v.Veto!.Value;
            parcel.Values.Add(v.ToProto(ValueKind.Veto));
        }
        return parcel;
    }

    /// <summary>A cached value with its provenance.</summary>
    public static V1.CachedValue ToProto(this StoredValue v, ValueKind kind)
    {
        var value = new V1.CachedValue
        {
            Code = v.Code,
            Kind = kind,
            Category = v.Category ?? "",
            Source = v.Source,
            AsOf = v.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ReceiveTime = Timestamp.FromDateTimeOffset(v.ReceivedAt),
        };
        if (v.Number is { } n) value.Number = n;
        if (v.Veto is { } met) value.Met = met;
        return value;
    }

    /// <summary>The kind of a stored value.</summary>
    public static ValueKind KindOf(StoredValue v) =>
        v.Number is not null ? ValueKind.Number : v.Category is not null ? ValueKind.Category : ValueKind.Veto;

    private static ParcelInput Attributes(ParcelAttributes a)
    {
        var p = new ParcelInput
        {
            ParcelId = a.ParcelId,
            Name = a.Name ?? "",
            EnterpriseName = a.EnterpriseName ?? "",
            Level = (Level)(a.Level ?? 0),
            AreaMu = a.AreaMu ?? 0,
            UnitId = a.UnitId ?? "",
            Street = a.Street ?? "",
            IndustryCode = a.IndustryCode ?? "",
            Geometry = a.Geometry ?? "",
        };
        if (a.InsideDevelopmentBoundary is { } inside) p.InsideDevelopmentBoundary = inside;
        if (a.InEcologicalRedLine is { } red) p.InEcologicalRedLine = red;
        if (a.RedevelopmentUnderway is { } underway) p.RedevelopmentUnderway = underway;
        if (a.LocallyReported is { } reported) p.LocallyReported = reported;
        return p;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
