using Scoring.V1;

namespace Scoring.Testing;

/// <summary>
/// A server holding a small district worked out by hand for CompareModels, and two versions of a two-element model:
/// version A weighs land and economy 0.5/0.5, version B (UpdateWeights from A) 0.8/0.2. Each element has one indicator on
/// a straight line, so utilities and scores are plain arithmetic:
/// <code>
///   u(far) = far on [0, 1]      u(tax_per_mu) = tax_per_mu / 10 on [0, 10]
///   A: score = 0.5·u(far) + 0.5·u(tax)      B: score = 0.8·u(far) + 0.2·u(tax)
///   threshold 0.6, review band 0.05: below 0.6 INEFFICIENT_SCORE, below 0.65 REVIEW, else EFFICIENT
/// </code>
/// The eight parcels of unit <see cref="Unit"/> (street, area 亩, far, tax_per_mu, flags → A, B):
/// <code>
///   CMP-1 dongshan 10  0.9  2            A 0.45+0.10=0.55 IS, identified   B 0.72+0.04=0.76 E,  retained
///   CMP-2 dongshan 20  0.4 10            A 0.20+0.50=0.70 E,  retained     B 0.32+0.20=0.52 IS, identified
///   CMP-3 moling   30  1.0 10            A 1.00 E, retained                B 1.00 E, retained
///   CMP-4 moling    5  0.2  1            A 0.10+0.05=0.15 IS, identified   B 0.16+0.02=0.18 IS, identified
///   CMP-5 moling    8  0.7  4            A 0.35+0.20=0.55 IS, identified   B 0.56+0.08=0.64 REVIEW, retained
///   CMP-6 dongshan 12  0.5  9 reported   A 0.25+0.45=0.70 E, reported      B 0.40+0.18=0.58 IS, reported
///   CMP-7 moling    7  1.0 10 safety no  A veto, identified                B veto, identified
///   CMP-8 dongshan 15  0.8  6 red line   A 0.40+0.30=0.70 E, clearance     B 0.64+0.12=0.76 E, clearance
/// </code>
/// The model has only the safety check. Its spatial rules are given: the default ones name indicators it lacks.
/// </summary>
public sealed class ComparedDistrict : ServerFixture
{
    /// <summary>The management unit the district's parcels belong to.</summary>
    public const string Unit = "cmp-district";

    /// <summary>The two-element model, as a whole document (the store assigns the version).</summary>
    public const string ModelDocument = """
        {
          "id": "two-streets", "version": "", "name": "Two-element comparison model",
          "threshold": 0.6, "review_band": 0.05, "min_completeness": 0.7, "missing_data": "renormalize",
          "max_value_age_days": 100000, "top_shortfalls": 2,
          "veto_groups": [ { "code": "other", "name": "其他评价" } ],
          "vetoes": [ { "code": "safety", "group": "other", "name": "是否符合安全要求" } ],
          "spatial": { "clearance_rules": [ { "zone": "must", "when": { "in_ecological_red_line": true } } ], "redevelopment_rules": [] },
          "elements": [
            { "code": "land", "name": "土地利用", "weight": 0.5, "indicators": [
              { "code": "far", "name": "容积率", "unit": "ratio", "weight": 1, "range": { "min": 0 }, "curve": { "points": [[0, 0], [1, 1]] } } ] },
            { "code": "economy", "name": "经济效益", "weight": 0.5, "indicators": [
              { "code": "tax_per_mu", "name": "亩均税收", "unit": "万元/亩", "weight": 1, "range": { "min": 0 }, "curve": { "points": [[0, 0], [10, 1]] } } ] }
          ]
        }
        """;

    /// <summary>Version A (land 0.5, economy 0.5).</summary>
    public string VersionA { get; private set; } = "";

    /// <summary>Version B (land 0.8, economy 0.2), derived from A.</summary>
    public string VersionB { get; private set; } = "";

    /// <summary>A parcel of the district (inline form): <paramref name="far"/>, <paramref name="tax"/> and the safety answer.</summary>
    public static ParcelInput Parcel(string id, string street, double area, double far, double tax, bool safe = true)
    {
        var parcel = new ParcelInput { ParcelId = id, Level = Level.Park, AreaMu = area, UnitId = Unit, Street = street };
        parcel.Indicators.Add("far", far);
        parcel.Indicators.Add("tax_per_mu", tax);
        parcel.Vetoes.Add("safety", safe);
        return parcel;
    }

    /// <summary>Starts the server, stores the district and the two versions (neither active).</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var reported = Parcel("CMP-6", "dongshan", 12, 0.5, 9);
        reported.LocallyReported = true;
        var redLine = Parcel("CMP-8", "dongshan", 15, 0.8, 6);
        redLine.InEcologicalRedLine = true;
        var chunk = new UpsertParcelsRequest
        {
            Source = "survey", AsOf = "2026-06-30",
            Parcels =
            {
                Parcel("CMP-1", "dongshan", 10, 0.9, 2), Parcel("CMP-2", "dongshan", 20, 0.4, 10), Parcel("CMP-3", "moling", 30, 1.0, 10),
                Parcel("CMP-4", "moling", 5, 0.2, 1), Parcel("CMP-5", "moling", 8, 0.7, 4), reported,
                Parcel("CMP-7", "moling", 7, 1.0, 10, safe: false), redLine,
            },
        };
        using (var upsert = new ParcelService.ParcelServiceClient(Channel).UpsertParcels())
        {
            await upsert.RequestStream.WriteAsync(chunk);
            await upsert.RequestStream.CompleteAsync();
            while (await upsert.ResponseStream.MoveNext(CancellationToken.None))
                if (upsert.ResponseStream.Current.Errors.Count > 0 || upsert.ResponseStream.Current.Accepted != 8)
                    throw new InvalidOperationException($"the district was not stored: {upsert.ResponseStream.Current}");
        }
        var models = new ModelService.ModelServiceClient(Channel);
        VersionA = (await models.CreateModelAsync(new CreateModelRequest { DocumentJson = ModelDocument, Note = "two streets" })).Model.Version;
        var weights = new WeightTable
        {
            Weights = { new Weight { Group = "elements", Code = "land", Weight_ = 0.8 }, new Weight { Group = "elements", Code = "economy", Weight_ = 0.2 } },
        };
        VersionB = (await new ScoringService.ScoringServiceClient(Channel).UpdateWeightsAsync(
            new UpdateWeightsRequest { BaseVersion = VersionA, Weights = weights, Note = "land first" })).ModelVersion;
    }
}
