namespace Scoring.Engine.Curves;

/// <summary>
/// A raw value → utility curve: (value, utility) points with strictly increasing values, linear
/// between points and clamped outside them. With <see cref="Log"/> the interpolation runs in
/// log10(1 + value); values are clamped to the first and last point before the log is taken.
/// </summary>
public sealed class UtilityCurve
{
    private readonly double[] _xs;
    private readonly double[] _us;
    private readonly double[] _ts; // the interpolation coordinate: x, or log10(1 + x)

    /// <summary>Creates a curve; the caller has validated the points.</summary>
    public UtilityCurve(IReadOnlyList<double> values, IReadOnlyList<double> utilities, bool log)
    {
        if (values.Count == 0 || values.Count != utilities.Count)
            throw new ArgumentException("a curve needs as many utilities as values, at least one", nameof(values));
        _xs = [.. values];
        _us = [.. utilities];
        Log = log;
        _ts = log ? [.. _xs.Select(x => Math.Log10(1 + x))] : _xs;
    }

    /// <summary>The point values.</summary>
    public IReadOnlyList<double> Values => _xs;

    /// <summary>The point utilities.</summary>
    public IReadOnlyList<double> Utilities => _us;

    /// <summary>Whether interpolation runs in log10(1 + value).</summary>
    public bool Log { get; }

    /// <summary>The utility of a raw value.</summary>
    public double Evaluate(double value)
    {
        var last = _xs.Length - 1;
        if (value <= _xs[0]) return _us[0];
        if (value >= _xs[last]) return _us[last];
        var t = Log ? Math.Log10(1 + value) : value;
        var i = 1;
        while (_xs[i] < value) i++;
        var f = (t - _ts[i - 1]) / (_ts[i] - _ts[i - 1]);
        return _us[i - 1] + f * (_us[i] - _us[i - 1]);
    }

    /// <summary>A copy of this curve with the value of the first point at <paramref name="utility"/> replaced.</summary>
    public UtilityCurve WithAnchor(double utility, double value)
    {
        var xs = (double[])_xs.Clone();
        var i = Array.IndexOf(_us, utility);
        if (i < 0) return this;
        xs[i] = value;
        return new UtilityCurve(xs, _us, Log);
    }

    /// <summary>Index of the first point whose utility is exactly <paramref name="utility"/>, or -1.</summary>
    public int IndexOfUtility(double utility) => Array.IndexOf(_us, utility);
}
