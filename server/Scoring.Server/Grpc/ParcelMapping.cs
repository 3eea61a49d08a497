using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Scoring.Storage.Parcels;
using Scoring.V1;
using Scoring.Storage.Units;
using StoredUnit = Scoring.Storage.Units.ManagementUnit;
using StoredValue = Scoring.Storage.Parcels.CachedValue;

namespace Scoring.Server.Grpc;

/// <summary>Maps ParcelService messages to the cache's records and back.</summary>
internal static class ParcelMapping
{
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
