using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Scoring.Engine.Evaluation;
using Scoring.Engine.Robustness;
using Scoring.V1;
using static Scoring.Benchmarks.MarkdownReport;

namespace Scoring.Benchmarks;

/// <summary>Part robustness (issue 16): the scoring kernel both ways in process, then the robustness view on the server.</summary>
internal sealed partial class BenchmarkRun
{
    private const int RobustnessSmall = 5_000;
    private const double RobustnessSmallTargetSeconds = 1;
    private const double RobustnessRatioTarget = 0.10;

    private sealed record KernelRow(string Kernel, double Seconds, double? CpuSeconds, long DrawScores);
    private sealed record RobustnessFigures(IReadOnlyList<KernelRow> Kernels, int Draws, StreamOutcome Small, StreamOutcome Basic, StreamOutcome Robust);

    private RobustnessFigures? _robustness;

    private async Task RobustnessAsync(ParcelWorkload workload, ScoringService.ScoringServiceClient scoring)
    {
        Progress("robustness: the kernels in process (Vector<double> against MathNet's matrix product)");
        var model = workload.Model;
        var draws = WeightSampler.Draw(model, []);
        var kernels = new List<KernelRow>();
        for (var round = 0; round < 2; round++) // the first round warms both up
        {
            kernels.Clear();
            kernels.Add(VectorKernel(workload, draws));
            kernels.Add(MatrixKernel(workload, draws));
        }

        BatchEvaluateRequest[] Pool(int chunk, EvaluationView view) =>
            [.. Enumerable.Range(0, 5).Select(k => { var c = workload.Chunk(ParcelForm.Columnar, (long)k * chunk, chunk, "robust-"); c.View = view; return c; })];
        async Task<StreamOutcome> Stream(long parcels, EvaluationView view)
        {
            var chunk = (int)Math.Min(options.Chunk, parcels);
            var pool = Pool(chunk, view);
            var outcome = await ChunkStream.RunAsync(o => scoring.BatchEvaluate(o), (int)((parcels + chunk - 1) / chunk), k => pool[k % pool.Length],
                ChunkStream.Count, parcels, options.Window);
            if (outcome.Errors > 0) throw new InvalidOperationException($"{outcome.Errors} parcels came back as errors");
            return outcome;
        }

        Progress("robustness: warm-up (the version's draws are made on first use)");
        await Stream(options.Chunk, EvaluationView.Robustness);
        await Stream(options.Chunk, EvaluationView.Basic);
        Progress($"robustness: {N(RobustnessSmall)} parcels, robustness view");
        var small = await Stream(RobustnessSmall, EvaluationView.Robustness);
        Progress($"robustness: {N(options.Parcels)} parcels, basic view");
        GC.Collect();
        var basic = await Stream(options.Parcels, EvaluationView.Basic);
        Progress($"robustness: {N(options.Parcels)} parcels, robustness view");
        GC.Collect();
        var robust = await Stream(options.Parcels, EvaluationView.Robustness);
        _robustness = new RobustnessFigures([.. kernels], draws.Count, small, basic, robust);
    }

    // The engine's kernel: per parcel, Vector<double> multiply-adds over blocks of 1,000 draws, early stopping.
    private static KernelRow VectorKernel(ParcelWorkload workload, WeightDraws draws)
    {
        var batch = new RobustnessBatch(workload.Model, draws);
        var card = new Scorecard(workload.Model);
        for (var n = 0; n < RobustnessSmall; n++)
        {
            Evaluator.Score(workload.Vector(n), card);
            batch.Add(card);
        }
        var (started, cpu) = (Stopwatch.GetTimestamp(), CpuAccount.ProcessSeconds());
        var results = batch.Assess();
        return new KernelRow("Vector<double>, four parcels per pass (RobustnessBatch, the one kept)", Stopwatch.GetElapsedTime(started).TotalSeconds,
            CpuAccount.ProcessSeconds() - cpu, results.Sum(r => (long)r.Draws));
    }

    // The same blocks as matrix products: draws (1,000 × 27) × utilities (27 × parcels still undecided), single-threaded.
    private static KernelRow MatrixKernel(ParcelWorkload workload, WeightDraws draws)
    {
        MathNet.Numerics.Control.UseSingleThread();
        var model = workload.Model;
        var card = new Scorecard(model);
        var utilities = Matrix<double>.Build.Dense(model.Indicators.Length, RobustnessSmall);
        for (var n = 0; n < RobustnessSmall; n++)
        {
            Evaluator.Score(workload.Vector(n), card);
            utilities.SetColumn(n, card.Utilities);
        }
        var weights = Matrix<double>.Build.DenseOfRowArrays(Enumerable.Range(0, draws.Count).Select(draws.GlobalWeightsOf));
        var cut = model.Threshold - Evaluator.Tolerance;
        var (started, cpu) = (Stopwatch.GetTimestamp(), CpuAccount.ProcessSeconds());
        var below = new int[RobustnessSmall];
        var used = new int[RobustnessSmall];
        var active = Enumerable.Range(0, RobustnessSmall).ToList();
        for (var start = 0; start < draws.Count && active.Count > 0; start += RobustnessBatch.BlockSize)
        {
            var length = Math.Min(RobustnessBatch.BlockSize, draws.Count - start);
            var block = weights.SubMatrix(start, length, 0, weights.ColumnCount);
            var columns = Matrix<double>.Build.DenseOfColumnVectors(active.Select(utilities.Column));
            var scores = block * columns;
            var next = new List<int>(active.Count);
            for (var c = 0; c < active.Count; c++)
            {
                var j = active[c];
                for (var n = 0; n < length; n++) if (scores[n, c] < cut) below[j]++;
                used[j] += length;
                var (low, high) = WilsonInterval.Of(below[j], used[j]);
                if (!WilsonInterval.IsDecisive(low, high)) next.Add(j);
            }
            active = next;
        }
        return new KernelRow("MathNet Matrix<double> product per block (managed provider, one thread)", Stopwatch.GetElapsedTime(started).TotalSeconds,
            CpuAccount.ProcessSeconds() - cpu, used.Sum(u => (long)u));
    }

    private void RenderRobustness(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        if (_robustness is not { } x) return;
        r.Heading(3, "13. Robustness of verdicts: weight draws per parcel");
        r.Table(["Kernel (in process, 5,000 parcels, early stopping in blocks of 1,000)", "Seconds", "CPU seconds (process)", "Draw scores", "Draw scores per CPU second"],
            x.Kernels.Select(k => (IReadOnlyList<string>)[k.Kernel, F(k.Seconds, 3), k.CpuSeconds is { } c ? F(c, 3) : "n/a", N(k.DrawScores),
                k.CpuSeconds is { } s ? N(k.DrawScores / s) : "n/a"]));
        r.Table(["BatchEvaluate (columnar, chunk " + N(options.Chunk) + ")", "Parcels", "Seconds", "Parcels/s"],
        [
            ["robustness view", N(x.Small.Parcels), F(x.Small.Elapsed.TotalSeconds, 3), N(x.Small.Rate)],
            ["basic view", N(x.Basic.Parcels), F(x.Basic.Elapsed.TotalSeconds, 2), N(x.Basic.Rate)],
            ["robustness view", N(x.Robust.Parcels), F(x.Robust.Elapsed.TotalSeconds, 2), N(x.Robust.Rate)],
        ]);
        r.Text($"The default model's {N(x.Draws)} Dirichlet draws (α = 100); the robustness view is the full view plus robustness.");
        summary.Add([$"{N(RobustnessSmall)} parcels with robustness in under 1 s", $"{F(x.Small.Elapsed.TotalSeconds, 3)} s", Status(x.Small.Elapsed.TotalSeconds < RobustnessSmallTargetSeconds)]);
        var ratio = x.Robust.Rate / x.Basic.Rate;
        summary.Add([$"{N(x.Robust.Parcels)} parcels with robustness at ≥ 10 % of the basic view's rate", $"{N(x.Robust.Rate)}/s vs {N(x.Basic.Rate)}/s: {F(100 * ratio, 1)} %", Status(ratio >= RobustnessRatioTarget)]);
    }
}
