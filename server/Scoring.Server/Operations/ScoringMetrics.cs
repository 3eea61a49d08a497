using System.Diagnostics.Metrics;

namespace Scoring.Server.Operations;

/// <summary>The service's own metrics (System.Diagnostics.Metrics), exported for Prometheus at /metrics.</summary>
public sealed class ScoringMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Scoring";

    private readonly Counter<long> _evaluations;
    private readonly Counter<long> _batchParcels;
    private readonly Counter<long> _cacheLookups;
    private readonly Histogram<double> _rpcDuration;

    public ScoringMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _evaluations = meter.CreateCounter<long>("scoring_evaluations", "{parcel}", "Parcels evaluated, by classification");
        _batchParcels = meter.CreateCounter<long>("scoring_batch_parcels", "{parcel}", "Parcels received on BatchEvaluate streams");
        _cacheLookups = meter.CreateCounter<long>("scoring_cache_lookups", "{parcel}", "Indicator-cache lookups of parcels, by hit or miss");
        _rpcDuration = meter.CreateHistogram("scoring_rpc_duration", "s", "RPC duration, by method and status", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        });
    }

    /// <summary>Counts one evaluation.</summary>
    public void Evaluated(Engine.Evaluation.Classification classification) =>
        _evaluations.Add(1, new KeyValuePair<string, object?>("classification", classification.ToString()));

    /// <summary>Counts evaluations per classification number (index 1..5), e.g. one chunk's.</summary>
    public void Evaluated(ReadOnlySpan<int> byClassification)
    {
        for (var c = 1; c < byClassification.Length; c++)
            if (byClassification[c] > 0)
                _evaluations.Add(byClassification[c], new KeyValuePair<string, object?>("classification", ((Engine.Evaluation.Classification)c).ToString()));
    }

    /// <summary>Counts the parcels of a batch chunk.</summary>
    public void BatchParcels(int count) => _batchParcels.Add(count);

    /// <summary>Counts cache lookups.</summary>
    public void CacheLookups(int hits, int misses)
    {
        if (hits > 0) _cacheLookups.Add(hits, new KeyValuePair<string, object?>("result", "hit"));
        if (misses > 0) _cacheLookups.Add(misses, new KeyValuePair<string, object?>("result", "miss"));
    }

    /// <summary>Records one RPC's duration.</summary>
    public void Rpc(string method, string status, TimeSpan elapsed) =>
        _rpcDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("status", status));
}
