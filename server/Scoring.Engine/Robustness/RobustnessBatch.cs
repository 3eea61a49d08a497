using System.Numerics;
using System.Runtime.InteropServices;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;

namespace Scoring.Engine.Robustness;

/// <summary>
/// Scores a chunk of parcels under every weight draw of their model version, in fixed blocks of
/// <see cref="BlockSize"/> draws: after each block, a parcel whose Wilson interval is decisive stops, the others go on
/// with the next block, so the result is the same however the parcels are chunked. Not thread-safe: one per chunk.
/// </summary>
public sealed class RobustnessBatch
{
    /// <summary>Draws scored between two checks of the interval.</summary>
    public const int BlockSize = 1_000;

    private readonly ScoringModel _model;
    private readonly WeightDraws _draws;
    private readonly int _indicators;
    private readonly int _elements;
    private readonly bool _renormalize;
    private readonly double _cut;
    private readonly List<Parcel> _parcels = [];
    private double[] _utilities = [];
    private bool[] _present = [];
    private readonly double[] _scores = new double[BlockSize];
    private readonly double[] _elementScore = new double[BlockSize];
    private readonly double[] _presentWeight = new double[BlockSize];
    private readonly double[] _weightSum = new double[BlockSize];

    private readonly record struct Parcel(bool Complete, bool VetoFailed, ulong ElementMissing, ulong ElementComplete, FlipPoint Flip);

    /// <summary>A batch for parcels scored with <paramref name="model"/>, whose draws are <paramref name="draws"/>.</summary>
    public RobustnessBatch(ScoringModel model, WeightDraws draws)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(draws);
        if (draws.Version != model.Version) throw new ArgumentException($"draws of version '{draws.Version}' for model '{model.Version}'", nameof(draws));
        if (model.Elements.Length > 64) throw new ArgumentException("at most 64 elements", nameof(model));
        (_model, _draws) = (model, draws);
        (_indicators, _elements) = (model.Indicators.Length, model.Elements.Length);
        _renormalize = model.MissingData == MissingDataPolicy.Renormalize;
        _cut = model.Threshold - Evaluator.Tolerance;
    }

    /// <summary>The draws the batch scores with.</summary>
    public WeightDraws Draws => _draws;

    /// <summary>How many parcels were added.</summary>
    public int Count => _parcels.Count;

    /// <summary>Forgets the parcels added, keeping the buffers.</summary>
    public void Clear() => _parcels.Clear();

    /// <summary>Adds the parcel just scored into <paramref name="card"/>; returns its position in the batch.</summary>
    public int Add(Scorecard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var at = _parcels.Count;
        if ((at + 1) * _indicators > _utilities.Length)
        {
            Array.Resize(ref _utilities, Math.Max(64, at * 2) * _indicators);
            Array.Resize(ref _present, _utilities.Length);
        }
        card.Utilities.AsSpan().CopyTo(_utilities.AsSpan(at * _indicators, _indicators));
        card.Present.AsSpan().CopyTo(_present.AsSpan(at * _indicators, _indicators));
        ulong missing = 0, complete = 0;
        for (var e = 0; e < _elements; e++)
        {
            if (card.ElementMissing[e]) missing |= 1UL << e;
            if (card.ElementComplete[e]) complete |= 1UL << e;
        }
        var allComplete = !_renormalize || complete == (_elements == 64 ? ulong.MaxValue : (1UL << _elements) - 1);
        _parcels.Add(new Parcel(allComplete, card.AnyVetoFailed, missing, complete, FlipPoint.Of(card)));
        return at;
    }

    /// <summary>Scores every parcel added under the draws, block by block, and tells each one's robustness, in order.</summary>
    public VerdictRobustness[] Assess()
    {
        var count = _parcels.Count;
        var below = new int[count];
        var used = new int[count];
        var active = Enumerable.Range(0, count).ToList();
        var next = new List<int>(count);
        for (var start = 0; start < _draws.Count && active.Count > 0; start += BlockSize)
        {
            var length = Math.Min(BlockSize, _draws.Count - start);
            next.Clear();
            // Complete parcels four at a time (one load of a draw's weight serves four), the others one by one.
            var group = new List<int>(Lanes);
            foreach (var j in active)
            {
                if (!_parcels[j].Complete)
                {
                    below[j] += CountBelow(j, start, length);
                    continue;
                }
                group.Add(j);
                if (group.Count < Lanes) continue;
                CountBelowComplete(group, start, length, below);
                group.Clear();
            }
            if (group.Count > 0) CountBelowComplete(group, start, length, below);
            foreach (var j in active)
            {
                used[j] += length;
                var (low, high) = WilsonInterval.Of(below[j], used[j]);
                if (!WilsonInterval.IsDecisive(low, high)) next.Add(j);
            }
            (active, next) = (next, active);
        }

        var results = new VerdictRobustness[count];
        for (var j = 0; j < count; j++)
        {
            var p = _parcels[j];
            var (low, high) = used[j] > 0 ? WilsonInterval.Of(below[j], used[j]) : (0.0, 1.0);
            results[j] = new VerdictRobustness(
                used[j] > 0 ? (double)below[j] / used[j] : double.NaN, low, high, used[j],
                p.VetoFailed || WilsonInterval.IsDecisive(low, high),
                p.Flip.ElementIndex >= 0 ? _model.Elements[p.Flip.ElementIndex].Code : null, p.Flip.WeightChange);
        }
        return results;
    }

    private const int Lanes = 4;
    private Vector<double>[] _broadcast = [];

    // Draws [start, start + length) of up to four complete parcels scoring below the threshold, added to below[j]:
    // per run of Vector<double>.Count draws, each draw's global weights · each parcel's utilities, held in registers.
    private void CountBelowComplete(List<int> group, int start, int length, int[] below)
    {
        var indicators = _indicators;
        if (_broadcast.Length < Lanes * indicators) _broadcast = new Vector<double>[Lanes * indicators];
        var u = _broadcast.AsSpan(0, Lanes * indicators);
        for (var p = 0; p < Lanes; p++)
        {
            var row = p < group.Count ? _utilities.AsSpan(group[p] * indicators, indicators) : default;
            for (var i = 0; i < indicators; i++) u[i * Lanes + p] = new Vector<double>(p < group.Count ? row[i] : 0);
        }
        var width = Vector<double>.Count;
        var cut = new Vector<double>(_cut);
        var weights = _draws.GlobalWeights;
        Span<long> counts = stackalloc long[Lanes];
        int n = 0;
        for (; n + width <= length; n += width)
        {
            Vector<double> a0 = default, a1 = default, a2 = default, a3 = default;
            for (var i = 0; i < indicators; i++)
            {
                var g = new Vector<double>(weights[i].AsSpan(start + n, width));
                a0 = Vector.FusedMultiplyAdd(g, u[i * Lanes], a0);
                a1 = Vector.FusedMultiplyAdd(g, u[i * Lanes + 1], a1);
                a2 = Vector.FusedMultiplyAdd(g, u[i * Lanes + 2], a2);
                a3 = Vector.FusedMultiplyAdd(g, u[i * Lanes + 3], a3);
            }
            // A lane below the cut is all ones (−1 as a long).
            counts[0] -= Vector.Sum(Vector.LessThan(a0, cut));
            counts[1] -= Vector.Sum(Vector.LessThan(a1, cut));
            counts[2] -= Vector.Sum(Vector.LessThan(a2, cut));
            counts[3] -= Vector.Sum(Vector.LessThan(a3, cut));
        }
        for (; n < length; n++)
        {
            for (var p = 0; p < group.Count; p++)
            {
                var score = 0.0;
                for (var i = 0; i < indicators; i++) score += weights[i][start + n] * u[i * Lanes + p][0];
                if (score < _cut) counts[p]++;
            }
        }
        for (var p = 0; p < group.Count; p++) below[group[p]] += (int)counts[p];
    }

    // Draws [start, start + length) of parcel j scoring below the threshold.
    private int CountBelow(int j, int start, int length)
    {
        var scores = _scores.AsSpan(0, length);
        ScoreWithMissing(j, start, scores);
        var count = 0;
        foreach (var s in scores) if (s < _cut) count++;
        return count;
    }

    // Missing data under renormalisation, as the score does it: an incomplete element's score over its present
    // indicators' weights, and the element weights over the elements with data when any has none.
    private void ScoreWithMissing(int j, int start, Span<double> scores)
    {
        var length = scores.Length;
        var parcel = _parcels[j];
        var u = _utilities.AsSpan(j * _indicators, _indicators);
        var present = _present.AsSpan(j * _indicators, _indicators);
        var elementScore = _elementScore.AsSpan(0, length);
        var presentWeight = _presentWeight.AsSpan(0, length);
        var weightSum = _weightSum.AsSpan(0, length);
        scores.Clear();
        weightSum.Clear();
        var starts = _model.ElementStarts;
        for (var e = 0; e < _elements; e++)
        {
            if ((parcel.ElementMissing & (1UL << e)) != 0) continue;
            var complete = (parcel.ElementComplete & (1UL << e)) != 0;
            elementScore.Clear();
            presentWeight.Clear();
            for (var i = starts[e]; i < starts[e + 1]; i++)
            {
                if (!present[i]) continue;
                var local = _draws.LocalWeights[i].AsSpan(start, length);
                MultiplyAdd(elementScore, local, u[i]);
                if (!complete) MultiplyAdd(presentWeight, local, 1);
            }
            var w = _draws.ElementWeights[e].AsSpan(start, length);
            for (var n = 0; n < length; n++)
            {
                var s = complete ? elementScore[n] : presentWeight[n] > 0 ? elementScore[n] / presentWeight[n] : 0;
                scores[n] += w[n] * s;
                weightSum[n] += w[n];
            }
        }
        if (parcel.ElementMissing == 0) return;
        for (var n = 0; n < length; n++) scores[n] = weightSum[n] > 0 ? scores[n] / weightSum[n] : 0;
    }

    // target += x · a, Vector<double> wide.
    private static void MultiplyAdd(Span<double> target, ReadOnlySpan<double> x, double a)
    {
        var wide = MemoryMarshal.Cast<double, Vector<double>>(target);
        var xs = MemoryMarshal.Cast<double, Vector<double>>(x);
        var factor = new Vector<double>(a);
        for (var k = 0; k < wide.Length; k++) wide[k] = Vector.FusedMultiplyAdd(xs[k], factor, wide[k]);
        for (var n = wide.Length * Vector<double>.Count; n < target.Length; n++) target[n] += x[n] * a;
    }
}
