using Scoring.Engine.Curves;
using Scoring.Engine.Model;
using static Scoring.Engine.Tests.TestParcels;

namespace Scoring.Engine.Tests;

public class UtilityCurveTests
{
    [Theory]
    [InlineData(0, 0)]        // first point
    [InlineData(1.5, 0.3)]    // 0→0, 3→0.6: 0.6 × 1.5/3 = 0.3
    [InlineData(3, 0.6)]      // inner point
    [InlineData(5.5, 0.8)]    // 3→0.6, 8→1: 0.6 + 0.4 × (5.5 − 3)/(8 − 3) = 0.6 + 0.4 × 0.5
    [InlineData(7, 0.92)]     // 0.6 + 0.4 × 4/5 = 0.92
    [InlineData(8, 1)]        // last point
    public void Linear_curve_interpolates_between_neighbouring_points(double value, double expected)
    {
        var curve = new UtilityCurve([0, 3, 8], [0, 0.6, 1], log: false);
        Assert.Equal(expected, curve.Evaluate(value), Tolerance);
    }

    [Theory]
    [InlineData(-10, 0)]      // below the first point → its utility
    [InlineData(-0.001, 0)]
    [InlineData(8.001, 1)]    // above the last point → its utility
    [InlineData(1e9, 1)]
    public void Linear_curve_is_clamped_outside_its_points(double value, double expected)
    {
        var curve = new UtilityCurve([0, 3, 8], [0, 0.6, 1], log: false);
        Assert.Equal(expected, curve.Evaluate(value), Tolerance);
    }

    [Theory]
    [InlineData(5, 1)]        // below 10 → 1
    [InlineData(12.5, 0.8)]   // 10→1, 15→0.6: 1 − 0.4 × 2.5/5 = 0.8
    [InlineData(27.5, 0.3)]   // 15→0.6, 40→0: 0.6 − 0.6 × 12.5/25 = 0.3
    [InlineData(50, 0)]       // above 40 → 0
    public void Decreasing_curve_interpolates_and_clamps(double value, double expected)
    {
        var curve = new UtilityCurve([10, 15, 40], [1, 0.6, 0], log: false);
        Assert.Equal(expected, curve.Evaluate(value), Tolerance);
    }

    [Fact]
    public void Log_curve_interpolates_in_log10_of_one_plus_value()
    {
        // Points 0→0, 9→1 with log: t = log10(1 + x) runs from log10(1) = 0 to log10(10) = 1,
        // so the utility is log10(1 + x) itself.
        var curve = new UtilityCurve([0, 9], [0, 1], log: true);

        // x = √10 − 1: log10(√10) = 0.5.
        Assert.Equal(0.5, curve.Evaluate(Math.Sqrt(10) - 1), Tolerance);
        // x = 10^0.25 − 1: 0.25.
        Assert.Equal(0.25, curve.Evaluate(Math.Pow(10, 0.25) - 1), Tolerance);
        // x = 4.5 is the linear midpoint, not the log one: log10(5.5) = 0.740362689494244...
        // (log10 5.5 = log10 11 − log10 2 = 1.041392685158225 − 0.301029995663981).
        Assert.Equal(0.740362689494244, curve.Evaluate(4.5), Tolerance);
    }

    [Theory]
    [InlineData(-500, 0)]     // log10(1 − 500) is undefined: the value clamps to the first point before the log
    [InlineData(-1, 0)]       // log10(0) would be −∞
    [InlineData(0, 0)]
    [InlineData(99, 1)]       // last point
    [InlineData(1e12, 1)]
    public void Log_curve_clamps_before_taking_the_log(double value, double expected)
    {
        var curve = new UtilityCurve([0, 99], [0, 1], log: true);
        Assert.Equal(expected, curve.Evaluate(value), Tolerance);
    }

    [Fact]
    public void Single_point_curve_is_constant()
    {
        var curve = new UtilityCurve([5], [0.7], log: false);
        Assert.Equal(0.7, curve.Evaluate(-100), Tolerance);
        Assert.Equal(0.7, curve.Evaluate(5), Tolerance);
        Assert.Equal(0.7, curve.Evaluate(100), Tolerance);
    }

    [Fact]
    public void Curve_needs_as_many_utilities_as_values()
    {
        var e = Assert.Throws<ArgumentException>(() => new UtilityCurve([0, 1], [0], log: false));
        Assert.Equal("values", e.ParamName);
        Assert.Throws<ArgumentException>(() => new UtilityCurve([], [], log: false));
    }

    [Fact]
    public void Anchoring_moves_the_value_of_the_point_with_the_given_utility()
    {
        // The FAR curve 0→0, 1.0→0.6, 1.5→1 with its 0.6 point moved to 0.7.
        var far = new UtilityCurve([0, 1.0, 1.5], [0, 0.6, 1], log: false);
        var anchored = far.WithAnchor(0.6, 0.7);

        Assert.Equal([0, 0.7, 1.5], anchored.Values);
        Assert.Equal(0.6, anchored.Evaluate(0.7), Tolerance);
        // 0.6 + 0.4 × (1.1 − 0.7)/(1.5 − 0.7) = 0.6 + 0.4 × 0.5 = 0.8
        Assert.Equal(0.8, anchored.Evaluate(1.1), Tolerance);
        // The original is unchanged: 0.6 × 0.7/1.0 = 0.42.
        Assert.Equal(0.42, far.Evaluate(0.7), Tolerance);
    }

    [Fact]
    public void Anchoring_a_utility_the_curve_does_not_have_changes_nothing()
    {
        var far = new UtilityCurve([0, 1.0, 1.5], [0, 0.6, 1], log: false);
        Assert.Same(far, far.WithAnchor(0.5, 0.7));
    }
}

public class DefaultCurveTests
{
    private static double Utility(string code, double value) =>
        DefaultModel.Model.IndicatorsByCode[code].Curve!.Evaluate(value);

    /// <summary>(indicator, raw value, utility worked out from the curve table of domain.md).</summary>
    public static TheoryData<string, double, double> LinearCases => new()
    {
        // jobs_per_mu 0→0, 3→0.6, 8→1
        { "jobs_per_mu", 1.5, 0.3 },      // 0.6 × 1.5/3
        { "jobs_per_mu", 5.5, 0.8 },      // 0.6 + 0.4 × 2.5/5
        // turnover_rate 10→1, 15→0.6, 40→0
        { "turnover_rate", 12.5, 0.8 },   // 1 − 0.4 × 2.5/5
        { "turnover_rate", 27.5, 0.3 },   // 0.6 − 0.6 × 12.5/25
        // far 0→0, 1.0→0.6, 1.5→1
        { "far", 0.5, 0.3 },              // 0.6 × 0.5/1.0
        { "far", 1.25, 0.8 },             // 0.6 + 0.4 × 0.25/0.5
        // green_ratio 15→1, 20→0.6, 30→0
        { "green_ratio", 17.5, 0.8 },     // 1 − 0.4 × 2.5/5
        { "green_ratio", 25, 0.3 },       // 0.6 − 0.6 × 5/10
        // idle_ratio 0→1, 15→0.6, 50→0
        { "idle_ratio", 7.5, 0.8 },       // 1 − 0.4 × 7.5/15
        { "idle_ratio", 32.5, 0.3 },      // 0.6 − 0.6 × 17.5/35
        // bidding_wins 0→0.5, 2→0.7, 5→1
        { "bidding_wins", 1, 0.6 },       // 0.5 + 0.2 × 1/2
        { "bidding_wins", 3.5, 0.85 },    // 0.7 + 0.3 × 1.5/3
        // investment_per_mu 0→0, 300→0.6, 500→1
        { "investment_per_mu", 150, 0.3 },  // 0.6 × 150/300
        { "investment_per_mu", 400, 0.8 },  // 0.6 + 0.4 × 100/200
        // chain_efficiency 0→0, 20→0.6, 50→1
        { "chain_efficiency", 10, 0.3 },  // 0.6 × 10/20
        { "chain_efficiency", 35, 0.8 },  // 0.6 + 0.4 × 15/30
        // output_per_mu 0→0, 300→0.6, 900→1
        { "output_per_mu", 150, 0.3 },    // 0.6 × 150/300
        { "output_per_mu", 600, 0.8 },    // 0.6 + 0.4 × 300/600
        // tax_per_mu 0→0, 6→0.3, 20→0.6, 50→1 (four points)
        { "tax_per_mu", 3, 0.15 },        // 0.3 × 3/6
        { "tax_per_mu", 6, 0.3 },         // point
        { "tax_per_mu", 13, 0.45 },       // 0.3 + 0.3 × 7/14
        { "tax_per_mu", 35, 0.8 },        // 0.6 + 0.4 × 15/30
        // debt_ratio 60→1, 70→0.6, 100→0
        { "debt_ratio", 65, 0.8 },        // 1 − 0.4 × 5/10
        { "debt_ratio", 85, 0.3 },        // 0.6 − 0.6 × 15/30
        // water_per_output 1→1, 6→0.6, 24→0
        { "water_per_output", 3.5, 0.8 }, // 1 − 0.4 × 2.5/5
        { "water_per_output", 15, 0.3 },  // 0.6 − 0.6 × 9/18
        // power_per_output 100→1, 400→0.6, 1200→0
        { "power_per_output", 250, 0.8 }, // 1 − 0.4 × 150/300
        { "power_per_output", 800, 0.3 }, // 0.6 − 0.6 × 400/800
        // wastewater_discharge 500→1, 1500→0.6, 6000→0
        { "wastewater_discharge", 1000, 0.8 },  // 1 − 0.4 × 500/1000
        { "wastewater_discharge", 3750, 0.3 },  // 0.6 − 0.6 × 2250/4500
        // solid_waste 5→1, 30→0.6, 150→0
        { "solid_waste", 17.5, 0.8 },     // 1 − 0.4 × 12.5/25
        { "solid_waste", 90, 0.3 },       // 0.6 − 0.6 × 60/120
        // wastewater_per_output 0.8→1, 5→0.6, 16→0
        { "wastewater_per_output", 2.9, 0.8 },  // 1 − 0.4 × 2.1/4.2
        { "wastewater_per_output", 10.5, 0.3 }, // 0.6 − 0.6 × 5.5/11
    };

    [Theory]
    [MemberData(nameof(LinearCases))]
    public void Default_linear_curves_interpolate_as_in_the_domain_table(string code, double value, double expected) =>
        Assert.Equal(expected, Utility(code, value), Tolerance);

    /// <summary>
    /// Log curves: the log-midpoint of two points a→u1, b→u2 is x with 1 + x = √((1 + a)(1 + b)),
    /// where log10(1 + x) is halfway, so the utility is (u1 + u2)/2.
    /// </summary>
    public static TheoryData<string, double, double> LogCases => new()
    {
        // talent_count 0→0, 10→0.6, 100→1
        { "talent_count", 10, 0.6 },
        { "talent_count", Math.Sqrt(11 * 101) - 1, 0.8 },       // log-midpoint of 10 and 100: (0.6 + 1)/2
        { "talent_count", Math.Sqrt(1 * 11) - 1, 0.3 },         // log-midpoint of 0 and 10: (0 + 0.6)/2
        { "talent_count", Math.Pow(11, 0.25) * Math.Pow(101, 0.75) - 1, 0.9 }, // three quarters of the way: 0.6 + 0.4 × 0.75
        // insured_count 0→0, 20→0.6, 200→1
        { "insured_count", Math.Sqrt(21 * 201) - 1, 0.8 },
        { "insured_count", Math.Sqrt(21) - 1, 0.3 },
        // patent_count 0→0.3, 1→0.6, 10→1
        { "patent_count", Math.Sqrt(1 * 2) - 1, 0.45 },         // (0.3 + 0.6)/2
        { "patent_count", Math.Sqrt(2 * 11) - 1, 0.8 },         // (0.6 + 1)/2
        // total_output 100→0, 2000→0.6, 50000→1
        { "total_output", Math.Sqrt(101 * 2001) - 1, 0.3 },
        { "total_output", Math.Sqrt(2001 * 50001) - 1, 0.8 },
        // total_tax 5→0, 100→0.6, 2000→1
        { "total_tax", Math.Sqrt(6 * 101) - 1, 0.3 },
        { "total_tax", Math.Sqrt(101 * 2001) - 1, 0.8 },
        // net_profit 0→0, 100→0.6, 2000→1
        { "net_profit", Math.Sqrt(101) - 1, 0.3 },
        { "net_profit", Math.Sqrt(101 * 2001) - 1, 0.8 },
        // total_assets 500→0, 4000→0.6, 100000→1
        { "total_assets", Math.Sqrt(501 * 4001) - 1, 0.3 },
        { "total_assets", Math.Sqrt(4001 * 100001.0) - 1, 0.8 },
    };

    [Theory]
    [MemberData(nameof(LogCases))]
    public void Default_log_curves_interpolate_in_log10_of_one_plus_value(string code, double value, double expected) =>
        Assert.Equal(expected, Utility(code, value), Tolerance);

    [Fact]
    public void Log_curve_is_not_linear_between_its_points()
    {
        // talent_count at 55, the linear midpoint of 10 and 100, is well past the log midpoint
        // (√(11 × 101) − 1 ≈ 32.33), so its utility is above the linear 0.8:
        // 0.6 + 0.4 × (log10 56 − log10 11)/(log10 101 − log10 11)
        //   = 0.6 + 0.4 × (1.748188027 − 1.041392685)/(2.004321374 − 1.041392685)
        //   = 0.6 + 0.4 × 0.706795342/0.962928689 = 0.6 + 0.4 × 0.7340059 = 0.89360236
        Assert.Equal(0.89360236, Utility("talent_count", 55), 1e-8);
    }

    public static TheoryData<string, double, double> ClampCases => new()
    {
        // below the first point → the first utility
        { "talent_count", 0, 0 },
        { "total_output", 50, 0 },        // first point 100: clamps before the log
        { "total_output", 0, 0 },
        { "total_tax", 1, 0 },            // first point 5
        { "net_profit", -500, 0 },        // negative profit: clamps to 0→0 before the log
        { "net_profit", -1, 0 },
        { "total_assets", 100, 0 },       // first point 500
        { "patent_count", 0, 0.3 },       // first point 0→0.3
        { "turnover_rate", 5, 1 },
        { "green_ratio", 0, 1 },
        { "debt_ratio", 30, 1 },
        { "water_per_output", 0.5, 1 },
        { "power_per_output", 50, 1 },
        { "wastewater_discharge", 0, 1 },
        { "solid_waste", 1, 1 },
        { "wastewater_per_output", 0.1, 1 },
        // above the last point → the last utility
        { "talent_count", 1000, 1 },
        { "jobs_per_mu", 20, 1 },
        { "far", 3.5, 1 },
        { "total_output", 1e6, 1 },
        { "net_profit", 1e5, 1 },
        { "total_assets", 1e7, 1 },
        { "bidding_wins", 12, 1 },
        { "turnover_rate", 60, 0 },
        { "green_ratio", 45, 0 },
        { "idle_ratio", 80, 0 },
        { "debt_ratio", 150, 0 },
        { "water_per_output", 30, 0 },
        { "solid_waste", 500, 0 },
        { "wastewater_per_output", 20, 0 },
    };

    [Theory]
    [MemberData(nameof(ClampCases))]
    public void Default_curves_clamp_below_the_first_and_above_the_last_point(string code, double value, double expected) =>
        Assert.Equal(expected, Utility(code, value), Tolerance);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(15, 0.3)]     // 0→0, 30→0.6: 0.6 × 15/30
    [InlineData(30, 0.6)]     // lower shoulder
    [InlineData(35, 0.8)]     // 30→0.6, 40→1: 0.6 + 0.4 × 5/10
    [InlineData(40, 1)]       // plateau 40..65
    [InlineData(50, 1)]
    [InlineData(65, 1)]
    [InlineData(72.5, 0.8)]   // 65→1, 80→0.6: 1 − 0.4 × 7.5/15
    [InlineData(80, 0.6)]     // upper shoulder
    [InlineData(90, 0.3)]     // 80→0.6, 100→0: 0.6 − 0.6 × 10/20
    [InlineData(100, 0)]
    public void Building_density_is_a_band_penalising_both_too_sparse_and_too_dense(double density, double expected) =>
        Assert.Equal(expected, Utility("building_density", density), Tolerance);

    [Fact]
    public void Every_numeric_minimum_maps_to_six_tenths()
    {
        foreach (var (code, value) in AtMinimum)
            Assert.True(Math.Abs(Utility(code, value) - 0.6) <= Tolerance, $"{code} at {value}");
    }

    [Fact]
    public void Default_curve_applies_without_level_or_industry()
    {
        var model = DefaultModel.Model;
        var far = model.IndicatorsByCode["far"];
        foreach (var level in Enum.GetValues<ParcelLevel>())
        {
            // 0.6 × 0.7/1.0 = 0.42 on the default FAR curve
            Assert.Equal(0.42, model.CurveFor(far, level, -1).Evaluate(0.7), Tolerance);
        }
    }
}
