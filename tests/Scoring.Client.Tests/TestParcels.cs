using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary>Parcels whose evaluations are worked out by hand from domain.md's curves and Table 1 weights.</summary>
internal static class TestParcels
{
    public static readonly string[] AllVetoes =
        ["legal_land_certificate", "land_use_plan", "spatial_plan", "contract_performance", "safety", "environmental", "nimby", "construction"];

    /// <summary>
    /// Every indicator on a curve point, so each utility is read off domain.md's table directly:
    ///   population 0.10·1 + 0.45·0.6 + 0.27·0.6 + 0.18·0            = 0.532
    ///   land       0.44·1 + 0.31·1 + 0.06·0 + 0.19·0.6              = 0.864
    ///   enterprise 0.38·0.8 + 0.31·1 + 0.23·0.3 + 0.08·1             = 0.763
    ///   industry   0.56·0.6 + 0.11·1 + 0.33·1                        = 0.776
    ///   economy    0.13·0.6 + 0.16·1 + 0.18·1 + 0.20·0.3 + 0.16·0.6 + 0.11·0.6 + 0.06·1 = 0.700
    ///   energy     0.29·1 + 0.29·0 + 0.18·0.6 + 0.06·1 + 0.18·0.6    = 0.566
    /// score = 0.05·0.532 + 0.25·0.864 + 0.16·0.763 + 0.11·0.776 + 0.32·0.700 + 0.11·0.566 = 0.7363 → EFFICIENT.
    /// </summary>
    public const double OnCurvePointsScore = 0.7363;

    /// <summary>The parcel whose score is <see cref="OnCurvePointsScore"/>.</summary>
    public static ParcelInput OnCurvePoints(string id) => new()
    {
        ParcelId = id,
        Level = Level.Park,
        AreaMu = 120,
        Indicators =
        {
            ["talent_count"] = 100, ["jobs_per_mu"] = 3, ["insured_count"] = 20, ["turnover_rate"] = 40,
            ["far"] = 1.5, ["building_density"] = 50, ["green_ratio"] = 30, ["idle_ratio"] = 15,
            ["patent_count"] = 0, ["bidding_wins"] = 5,
            ["investment_per_mu"] = 300, ["chain_efficiency"] = 50,
            ["total_output"] = 2000, ["total_tax"] = 2000, ["output_per_mu"] = 900, ["tax_per_mu"] = 6,
            ["net_profit"] = 100, ["total_assets"] = 4000, ["debt_ratio"] = 60,
            ["water_per_output"] = 1, ["power_per_output"] = 1200, ["wastewater_discharge"] = 1500,
            ["solid_waste"] = 5, ["wastewater_per_output"] = 5,
        },
        Categories = { ["enterprise_type"] = "above_scale", ["registration_status"] = "active", ["industry_potential"] = "leading" },
        Vetoes = { AllVetoes.ToDictionary(v => v, _ => true) },
    };

    /// <summary>A parcel the server refuses: green_ratio −5 is outside its range [0, 100].</summary>
    public static ParcelInput OutOfRange(string id)
    {
        var parcel = OnCurvePoints(id);
        parcel.Indicators["green_ratio"] = -5;
        return parcel;
    }

    /// <summary>An endless sequence of good parcels, counting how many were taken.</summary>
    public sealed class Endless
    {
        private long _taken;

        /// <summary>Parcels taken from the sequence so far.</summary>
        public long Taken => Interlocked.Read(ref _taken);

        public async IAsyncEnumerable<ParcelInput> Parcels([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
        {
            for (var n = 0L; ; n++)
            {
                token.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _taken);
                yield return OnCurvePoints($"E{n:D7}");
                if (n % 256 == 0) await Task.Yield();
            }
        }
    }
}
