using System.Diagnostics;
using Google.Protobuf;
using Scoring.Engine.Evaluation;
using Scoring.Storage;
using Scoring.Storage.Parcels;
using Scoring.V1;

namespace Scoring.Benchmarks;

/// <summary>How many items one thread got through, in how long.</summary>
internal readonly record struct ThreadRate(long Items, TimeSpan Elapsed)
{
    /// <summary>Items per second.</summary>
    public double Rate => Items / Elapsed.TotalSeconds;
    /// <summary>Microseconds per item.</summary>
    public double MicrosecondsEach => Elapsed.TotalMilliseconds * 1000 / Items;
}

/// <summary>One step of the per-parcel cost breakdown, measured alone on one thread.</summary>
internal sealed record CostStep(string Side, string Step, double MicrosecondsPerParcel, double? BytesPerParcel = null, string Note = "");

/// <summary>The engine alone and the per-parcel cost of each step a batch goes through, in process, on one thread.</summary>
internal sealed class InProcessMeasurements(ParcelWorkload workload, TimeSpan duration)
{
    private static double _sink;
    private TimeSpan _duration = duration;

    /// <summary>ParcelReader.ReadInto + Evaluator.Score into a reused Scorecard and ParcelVector (+ Explain when asked).</summary>
    public ThreadRate ReadAndScore(bool explain)
    {
        var model = workload.Model;
        var facts = Enumerable.Range(0, ParcelWorkload.Distinct).Select(n => workload.Facts(n)).ToArray();
        var card = new Scorecard(model);
        var vector = new ParcelVector(model, "");
        var violations = new List<FieldViolation>();
        return Repeat(facts.Length, () =>
        {
            var sum = 0.0;
            foreach (var f in facts)
            {
                violations.Clear();
                if (!ParcelReader.ReadInto(model, f, vector, violations)) throw new InvalidOperationException(violations[0].ToString());
                Evaluator.Score(vector, card);
                sum += explain ? Evaluator.Explain(vector, card).TopShortfalls.Length : card.Score;
            }
            _sink += sum;
        });
    }

    /// <summary>Evaluator.Score alone, the vectors already laid out (what a columnar row costs the engine).</summary>
    public ThreadRate ScoreOnly()
    {
        var vectors = Enumerable.Range(0, ParcelWorkload.Distinct).Select(n => workload.Vector(n)).ToArray();
        var card = new Scorecard(workload.Model);
        return Repeat(vectors.Length, () =>
        {
            var sum = 0.0;
            foreach (var v in vectors)
            {
                Evaluator.Score(v, card);
                sum += card.Score;
            }
            _sink += sum;
        });
    }

    /// <summary>Build, serialise and parse of the messages one parcel travels in, and the cache queries of the server.</summary>
    public async Task<IReadOnlyList<CostStep>> BreakdownAsync(int chunk, Evaluation basicTemplate, EvaluateParcelResponse fullResponse)
    {
        // Many small steps: a second each is plenty once the code is warm.
        _duration = TimeSpan.FromSeconds(Math.Min(_duration.TotalSeconds / 2, 1));
        var steps = new List<CostStep>();
        foreach (var form in new[] { ParcelForm.Map, ParcelForm.Columnar })
        {
            var name = form == ParcelForm.Map ? "map" : "columnar";
            var built = Repeat(chunk, () => _sink += workload.Chunk(form, 0, chunk, "cost-").CalculateSize());
            steps.Add(new("client", $"build a {name} chunk's messages", built.MicrosecondsEach));
            var request = workload.Chunk(form, 0, chunk, "cost-");
            var bytes = request.ToByteArray();
            steps.Add(new("client", $"serialise a {name} chunk", Repeat(chunk, () => _sink += request.ToByteArray().Length).MicrosecondsEach, bytes.Length / (double)chunk));
            steps.Add(new("server", $"parse a {name} chunk", Repeat(chunk, () => _sink += BatchEvaluateRequest.Parser.ParseFrom(bytes).Parcels.Count).MicrosecondsEach, bytes.Length / (double)chunk));
        }

        var read = ReadAndScore(explain: false);
        steps.Add(new("server", "engine: ReadInto + Score (map facts)", read.MicrosecondsEach));
        steps.Add(new("server", "engine: Score alone (vector laid out)", ScoreOnly().MicrosecondsEach));

        var ids = Enumerable.Range(0, chunk).Select(i => $"cost-{i}").ToArray();
        steps.Add(new("server", "build the basic results (BatchResult + Evaluation + 6 ElementScore)",
            Repeat(chunk, () => _sink += BasicResponse(ids, basicTemplate).Results.Count).MicrosecondsEach));
        var response = BasicResponse(ids, basicTemplate);
        var responseBytes = response.ToByteArray();
        steps.Add(new("server", "serialise the basic response chunk", Repeat(chunk, () => _sink += response.ToByteArray().Length).MicrosecondsEach, responseBytes.Length / (double)chunk));
        steps.Add(new("client", "parse the basic response chunk", Repeat(chunk, () => _sink += BatchEvaluateResponse.Parser.ParseFrom(responseBytes).Results.Count).MicrosecondsEach, responseBytes.Length / (double)chunk));

        var unary = new EvaluateParcelRequest { Parcel = workload.MapParcel(0, "unary-"), SkipHistory = true };
        var unaryBytes = unary.ToByteArray();
        steps.Add(new("client", "EvaluateParcel: serialise the request", Repeat(1, () => _sink += unary.ToByteArray().Length).MicrosecondsEach, unaryBytes.Length, "per call"));
        steps.Add(new("server", "EvaluateParcel: parse the request", Repeat(1, () => _sink += EvaluateParcelRequest.Parser.ParseFrom(unaryBytes).Parcel.Indicators.Count).MicrosecondsEach, unaryBytes.Length, "per call"));
        steps.Add(new("server", "EvaluateParcel: ReadInto + Score + Explain", ReadAndScore(explain: true).MicrosecondsEach, null, "per call"));
        var fullBytes = fullResponse.ToByteArray();
        steps.Add(new("server", "EvaluateParcel: serialise the full response", Repeat(1, () => _sink += fullResponse.ToByteArray().Length).MicrosecondsEach, fullBytes.Length, "per call"));
        steps.Add(new("client", "EvaluateParcel: parse the full response", Repeat(1, () => _sink += EvaluateParcelResponse.Parser.ParseFrom(fullBytes).Evaluation.Indicators.Count).MicrosecondsEach, fullBytes.Length, "per call"));

        steps.AddRange(await CacheStepsAsync(chunk));
        return steps;
    }

    // What the server's cache costs: the one query per map-form chunk, and one parcel by id.
    private async Task<IReadOnlyList<CostStep>> CacheStepsAsync(int chunk)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"scoring-bench-cache-{Guid.NewGuid():N}");
        try
        {
            using var database = new ScoringDatabase($"Data Source={Path.Combine(folder, "cache.db")}");
            var store = new ParcelStore(database);
            var writes = Enumerable.Range(0, chunk).Select(i =>
            {
                var p = workload.MapParcel(i, "cached-");
                return new ParcelWrite(p.ParcelId)
                {
                    Level = (int)p.Level, AreaMu = p.AreaMu, UnitId = p.UnitId, Street = p.Street, IndustryCode = p.IndustryCode,
                    Indicators = p.Indicators, Categories = p.Categories, Vetoes = p.Vetoes,
                };
            }).ToList();
            await store.UpsertAsync("bench", DateOnly.FromDateTime(DateTime.UtcNow), writes);
            var unknown = Enumerable.Range(0, chunk).Select(i => $"uncached-{i}").ToArray();
            var known = writes.Select(w => w.ParcelId).ToArray();
            return
            [
                new("server", $"cache: GetManyAsync of {chunk:N0} ids the cache does not hold", (await RepeatAsync(chunk, async () => _sink += (await store.GetManyAsync(unknown)).Count)).MicrosecondsEach, null, "per parcel (the stream's map-form case)"),
                new("server", $"cache: GetManyAsync of {chunk:N0} cached ids (35 values each)", (await RepeatAsync(chunk, async () => _sink += (await store.GetManyAsync(known)).Count)).MicrosecondsEach, null, "per parcel"),
                new("server", "cache: GetAsync of one cached parcel", (await RepeatAsync(1, async () => _sink += (await store.GetAsync(known[7]))!.Indicators.Count)).MicrosecondsEach, null, "per call (evaluate by id)"),
            ];
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The basic results of a chunk as the server builds them (ChunkEvaluator.ToProto, basic view).</summary>
    private static BatchEvaluateResponse BasicResponse(string[] ids, Evaluation template)
    {
        var response = new BatchEvaluateResponse();
        foreach (var id in ids)
        {
            var e = new Evaluation
            {
                ParcelId = id, ModelVersion = template.ModelVersion, Score = template.Score, Classification = template.Classification,
                Disposition = template.Disposition, Completeness = template.Completeness, Level = template.Level, AreaMu = template.AreaMu,
            };
            foreach (var el in template.Elements)
                e.Elements.Add(new ElementScore { Code = el.Code, Weight = el.Weight, Score = el.Score, Missing = el.Missing });
            response.Results.Add(new BatchResult { ParcelId = id, Evaluation = e });
        }
        return response;
    }

    // Runs `once` (which handles itemsPerRun items) for half the duration to warm up, then measures for the duration.
    private ThreadRate Repeat(int itemsPerRun, Action once)
    {
        var warmUntil = Stopwatch.GetTimestamp() + (long)(_duration.TotalSeconds / 2 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUntil) once();
        long runs = 0;
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(_duration.TotalSeconds * Stopwatch.Frequency);
        do
        {
            once();
            runs++;
        } while (Stopwatch.GetTimestamp() < stopAt);
        return new ThreadRate(runs * itemsPerRun, Stopwatch.GetElapsedTime(started));
    }

    private async Task<ThreadRate> RepeatAsync(int itemsPerRun, Func<Task> once)
    {
        var warmUntil = Stopwatch.GetTimestamp() + (long)(_duration.TotalSeconds / 4 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmUntil) await once();
        long runs = 0;
        var started = Stopwatch.GetTimestamp();
        var stopAt = started + (long)(_duration.TotalSeconds / 2 * Stopwatch.Frequency);
        do
        {
            await once();
            runs++;
        } while (Stopwatch.GetTimestamp() < stopAt);
        return new ThreadRate(runs * itemsPerRun, Stopwatch.GetElapsedTime(started));
    }
}
