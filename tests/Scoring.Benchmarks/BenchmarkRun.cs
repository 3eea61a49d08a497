using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Scoring.Benchmarks.V1;
using Scoring.Engine.Model;
using Scoring.V1;
using static Scoring.Benchmarks.MarkdownReport;

namespace Scoring.Benchmarks;

/// <summary>
/// One benchmark run: the engine in process, then the real server and the pass-through ceiling as
/// child processes on loopback, driven by this process as the client; the report at the end.
/// </summary>
internal sealed partial class BenchmarkRun(BenchmarkOptions options)
{
    private const double StreamTarget = 200_000; // 1,000,000 parcels in at most 5 s
    private const double RatioTarget = 0.70;
    private const double P99TargetMs = 5;
    private const double EngineTarget = 5_000_000;
    private const double MemoryTargetMb = 300;
    private const double IngestTarget = 500_000;
    private const double IngestFloorTarget = 0.50; // of the raw floor measured in the same run
    private const int PoolParcels = 5_000; // pre-built parcels per stream, cycled (few, so they stay in cache as fresh ones would)
    private const int IngestChunk = 1000;
    private const int UnaryParcels = 1024;
    private const string UnaryPrefix = "unary-";

    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly Method<byte[], byte[]> RawBatchEvaluate = new(MethodType.DuplexStreaming, "scoring.v1.ScoringService", "BatchEvaluate", Bytes, Bytes);
    private static readonly Method<byte[], byte[]> RawPassThrough = new(MethodType.DuplexStreaming, "scoring.bench.v1.PassThrough", "Batch", Bytes, Bytes);

    private readonly List<StreamRow> _streams = [];
    private readonly List<CallRow> _calls = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private EngineResults? _engine;
    private IngestResult? _ingest;
    private IReadOnlyList<CostStep> _steps = [];
    private double? _serverAfterStreams, _passThroughPeak;
    private (double MeanBytes, double WithModes)? _answerShape;
    private readonly double? _machineBusyAtStart = CpuAccount.MachineBusySeconds();
    private readonly double? _ownCpuAtStart = CpuAccount.ProcessSeconds();
    private readonly string _loadAtStart = CpuAccount.LoadAverage();
    private double? _othersCpu;
    private ChildProcess? _server, _passThrough;
    private Grpc.Net.Client.GrpcChannel? _serverChannel;

    /// <summary>Runs every measurement and returns the Markdown report.</summary>
    public async Task<string> RunAsync()
    {
        var model = ModelCompiler.Compile(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Models", "default-model.json")));
        var workload = new ParcelWorkload(model);
        var inProcess = new InProcessMeasurements(workload, options.EngineDuration);

        // 11. Spreadsheets: the console client's writer, each district in a child process; alone, no server is started.
        if (options.Runs("xlsx"))
        {
            var large = options.Quick ? 100_000 : 1_000_000;
            Progress($"spreadsheets: the CLI's .xlsx writer, {N(SmallSheet)} and {N(large)} rows, each in a process of its own");
            var sheets = Directory.CreateTempSubdirectory("scoring-bench-xlsx-");
            try
            {
                _spreadsheets = await SpreadsheetWriting.MeasureAsync(SmallSheet, large, sheets.FullName);
            }
            finally
            {
                sheets.Delete(recursive: true);
            }
            if (options.Parts.Count == 1) return Render(workload, ServerUsesServerGc());
        }

        // 4. The engine alone, first, while nothing else runs on the machine.
        if (options.Runs("engine"))
        {
            Progress("engine alone, in process");
            _engine = new EngineResults(inProcess.ReadAndScore(explain: false), inProcess.ReadAndScore(explain: true), inProcess.ScoreOnly());
        }

        var folder = Directory.CreateTempSubdirectory("scoring-bench-");
        try
        {
            Progress("starting the server");
            await using var server = await ChildProcess.StartAsync("the server", options.ServerDll ?? "Scoring.Server.dll",
            [
                "--urls", "http://127.0.0.1:0",
                $"--ConnectionStrings:Scoring=Data Source={Path.Combine(folder.FullName, "scoring.db")}",
                "--Logging:LogLevel:Default=Warning",
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            ], options.HostEnvironment);
            using var serverChannel = Channel(server.Address);
            _serverChannel = serverChannel;
            var scoring = new ScoringService.ScoringServiceClient(serverChannel);

            // The pass-through answers with what the real server answers for the same parcel.
            // The full answers of the unary calls' parcels, with their ids: they differ in size like the basic ones.
            var fulls = new List<EvaluateParcelResponse>(UnaryParcels);
            for (var n = 0; n < UnaryParcels; n++)
                fulls.Add(await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = workload.MapParcel(n, UnaryPrefix), SkipHistory = true }));
            var full = fulls[0];
            // Every distinct parcel's real basic answer: they differ in size (suggested modes, their reasons).
            var answers = await BasicAnswersAsync(scoring, workload.Chunk(ParcelForm.Columnar, 0, ParcelWorkload.Distinct, "template-"));
            var basic = (await BasicAnswersAsync(scoring, workload.Chunk(ParcelForm.Map, 0, 1, "template-"))).Single();
            if (!basic.Equals(answers[0])) throw new InvalidOperationException("the server answers parcel 0 differently in map and columnar form");
            _answerShape = new PassThroughAnswers(answers, fulls).Shape();
            var basicFile = Path.Combine(folder.FullName, "basic.bin");
            var fullFile = Path.Combine(folder.FullName, "full.bin");
            PassThroughAnswers.Write(basicFile, answers);
            PassThroughAnswers.Write(fullFile, fulls);

            Progress("starting the pass-through");
            // Same GC mode as the server (its runtimeconfig), unless --host-env says otherwise for both.
            var passThroughEnvironment = new Dictionary<string, string> { ["DOTNET_gcServer"] = ServerUsesServerGc() ? "1" : "0" };
            foreach (var (key, value) in options.HostEnvironment) passThroughEnvironment[key] = value;
            await using var passThrough = await ChildProcess.StartAsync("the pass-through", "Scoring.Benchmarks.dll",
                ["--pass-through", "--basic", basicFile, "--full", fullFile], passThroughEnvironment);
            using var ceilingChannel = Channel(passThrough.Address);
            var ceiling = new PassThrough.PassThroughClient(ceilingChannel);
            Progress($"server pid {server.Id} on {server.Address}, pass-through pid {passThrough.Id} on {passThrough.Address}");
            (_server, _passThrough) = (server, passThrough);

            try
            {
                var targets = new StreamTargets(
                    o => scoring.BatchEvaluate(o), o => ceiling.Batch(o),
                    o => serverChannel.CreateCallInvoker().AsyncDuplexStreamingCall(RawBatchEvaluate, null, o),
                    o => ceilingChannel.CreateCallInvoker().AsyncDuplexStreamingCall(RawPassThrough, null, o));

                // 1, 2 and 5: the streams, with the server's peak working set through each.
                foreach (var form in new[] { ParcelForm.Map, ParcelForm.Columnar })
                    if (options.Runs(Name(form))) await StreamsAsync(workload, form, targets, server);
                _serverAfterStreams = server.WorkingSetMb();

                // 3. EvaluateParcel against the pass-through's bare unary call.
                if (options.Runs("unary")) await UnaryCallsAsync(workload, scoring, ceiling);

                // 6. Ingest, then evaluate by id.
                if (options.Runs("ingest")) _ingest = await IngestAsync(workload, new ParcelService.ParcelServiceClient(serverChannel), scoring);

                // 8 and 9. Recorded evaluations while ingest runs, briefly and then as a soak.
                if (options.Runs("mixed") || options.Runs("soak")) await MixedLoadAsync(workload, serverChannel, Path.Combine(folder.FullName, "scoring.db"));

                // 12. The same cached-district work on PostgreSQL, and replicas following an activation.
                if (options.Runs("postgres")) await PostgresAsync(workload, server, serverChannel);

                // 13. Verdict robustness: the kernels in process, then the robustness view against the basic view.
                if (options.Runs("robustness")) await RobustnessAsync(workload, scoring);

                // 10. A fresh server holding a large cached district.
                if (options.Runs("cache-memory")) await CachedMemoryAsync(workload);

                if (options.Runs("costs"))
                {
                    Progress("per-step costs, in process");
                    _steps = await inProcess.BreakdownAsync(options.Chunk, basic, full);
                }
                server.EnsureAlive();
                passThrough.EnsureAlive();
                _passThroughPeak = passThrough.PeakWorkingSetMb();
                _othersCpu = CpuAccount.MachineBusySeconds() - _machineBusyAtStart - (CpuAccount.ProcessSeconds() - _ownCpuAtStart)
                    - CpuAccount.ProcessSeconds(server.Id) - CpuAccount.ProcessSeconds(passThrough.Id);
                return Render(workload, ServerUsesServerGc());
            }
            catch (Exception e) when (e is RpcException or InvalidOperationException or IOException)
            {
                // A host that died says why in its output.
                server.EnsureAlive();
                passThrough.EnsureAlive();
                throw;
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { folder.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private async Task StreamsAsync(ParcelWorkload workload, ParcelForm form, StreamTargets targets, ChildProcess server)
    {
        var sizes = new[] { options.Chunk, options.OtherChunk }.Distinct().Where(c => c <= 10_000).ToArray();
        var plans = sizes.ToDictionary(c => c, c => new ChunkPlan(workload, form, c, options.Parcels));

        // Warm both hosts (and this client) up on every path measured below.
        Progress($"{Name(form)}: warm-up");
        var warm = new ChunkPlan(workload, form, options.Chunk, Math.Min(options.Parcels, 10L * options.Chunk));
        foreach (var mode in Enum.GetValues<ClientMode>())
        {
            await StreamAsync(targets, ceiling: true, warm, mode);
            await StreamAsync(targets, ceiling: false, warm, mode);
        }

        foreach (var chunk in sizes)
        {
            await Measure(ceiling: true, plans[chunk], ClientMode.PreBuilt);
            await Measure(ceiling: false, plans[chunk], ClientMode.PreBuilt);
        }
        var best = _streams.Where(s => !s.Ceiling && s.Form == form).MaxBy(s => s.Outcome.Rate)!.Chunk;
        foreach (var mode in new[] { ClientMode.BuiltAsItGoes, ClientMode.PreSerialised })
        {
            await Measure(ceiling: true, plans[best], mode);
            await Measure(ceiling: false, plans[best], mode);
        }

        async Task Measure(bool ceiling, ChunkPlan plan, ClientMode mode)
        {
            Progress($"{Name(form)}, chunk {plan.Chunk}, {Name(mode)}: {(ceiling ? "pass-through" : "BatchEvaluate")}");
            GC.Collect();
            if (!ceiling) server.ResetPeak();
            var (outcome, cpu) = await WithCpu(ceiling, () => StreamAsync(targets, ceiling, plan, mode));
            if (outcome.Errors > 0) throw new InvalidOperationException($"{outcome.Errors} parcels came back as errors");
            _streams.Add(new StreamRow(ceiling, form, plan.Chunk, mode, outcome, ceiling ? null : server.PeakWorkingSetMb(), cpu.Per(outcome.Parcels)));
        }
    }

    private async Task<StreamOutcome> StreamAsync(StreamTargets targets, bool ceiling, ChunkPlan plan, ClientMode mode)
    {
        if (mode == ClientMode.PreSerialised)
        {
            var bytes = plan.Serialised();
            return await ChunkStream.RunAsync(ceiling ? targets.RawCeiling : targets.RawServer, plan.Chunks, bytes, ChunkStream.Count, plan.Parcels, options.Window);
        }
        Func<int, BatchEvaluateRequest> chunkAt = mode == ClientMode.PreBuilt ? plan.PreBuilt : plan.Build;
        return await ChunkStream.RunAsync(ceiling ? targets.Ceiling : targets.Server, plan.Chunks, chunkAt, ChunkStream.Count, plan.Parcels, options.Window);
    }

    private async Task UnaryCallsAsync(ParcelWorkload workload, ScoringService.ScoringServiceClient scoring, PassThrough.PassThroughClient ceiling)
    {
        var parcels = Enumerable.Range(0, UnaryParcels).Select(n => workload.MapParcel(n, UnaryPrefix)).ToArray();
        Func<long, Task> Evaluate(bool skipHistory) => async n =>
        {
            var parcel = parcels[n % parcels.Length];
            var response = await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = parcel, SkipHistory = skipHistory });
            if (response.Evaluation.ParcelId != parcel.ParcelId) throw new InvalidOperationException("EvaluateParcel answered for another parcel");
        };
        Func<long, Task> bare = async n => _ = await ceiling.UnaryAsync(new EvaluateParcelRequest { Parcel = parcels[n % parcels.Length], SkipHistory = true });

        await Calls("EvaluateParcel, full parcel inline, skip_history (what-if)", Evaluate(skipHistory: true), isCeiling: false);
        await Calls("EvaluateParcel, full parcel inline, with history (default)", Evaluate(skipHistory: false), isCeiling: false);
        await Calls("pass-through Unary (same request, the server's full response for that parcel, precomputed)", bare, isCeiling: true);
    }

    private async Task Calls(string name, Func<long, Task> call, bool isCeiling, string group = "unary", int[]? callerCounts = null)
    {
        Progress($"{name}: warm-up");
        await ConcurrentCallers.RunAsync(16, options.Warmup, call);
        foreach (var callers in callerCounts ?? [1, 16])
        {
            Progress($"{name}: {callers} caller(s)");
            GC.Collect();
            var (outcome, cpu) = await WithCpu(isCeiling, () => ConcurrentCallers.RunAsync(callers, options.CallDuration, call));
            _calls.Add(new CallRow(group, name, isCeiling, outcome, cpu.Per(outcome.Calls)));
        }
    }

    private async Task<IngestResult> IngestAsync(ParcelWorkload workload, ParcelService.ParcelServiceClient parcels, ScoringService.ScoringServiceClient scoring)
    {
        var asOf = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        UpsertParcelsRequest Chunk(string prefix, long first, int count)
        {
            var request = new UpsertParcelsRequest { Source = "bench-feed", AsOf = asOf };
            for (var i = 0; i < count; i++) request.Parcels.Add(workload.MapParcel(first + i, prefix));
            return request;
        }
        async Task<(StreamOutcome Outcome, long Values)> Feed(UpsertParcelsRequest[] chunks)
        {
            long values = 0;
            var outcome = await ChunkStream.RunAsync(o => parcels.UpsertParcels(o), chunks.Length, k => chunks[k],
                r => { values += r.ValuesWritten; return (r.Accepted + r.Errors.Count, r.Errors.Count); },
                chunks.Sum(c => (long)c.Parcels.Count), options.IngestWindow);
            if (outcome.Errors > 0) throw new InvalidOperationException($"UpsertParcels refused {outcome.Errors} parcels");
            return (outcome, values);
        }

        Progress("ingest: warm-up");
        await Feed([.. Enumerable.Range(0, 3).Select(k => Chunk("ingest-warm-", k * IngestChunk, IngestChunk))]);
        var total = options.IngestParcels;
        var prebuilt = Enumerable.Range(0, (total + IngestChunk - 1) / IngestChunk)
            .Select(k => Chunk("ingest-", (long)k * IngestChunk, Math.Min(IngestChunk, total - k * IngestChunk))).ToArray();
        Progress($"ingest: raw floor, {total:N0} parcels x {workload.ValuesPerParcel} values by bare prepared INSERTs in process");
        GC.Collect();
        var floorFolder = Directory.CreateTempSubdirectory("scoring-bench-floor-");
        IngestFloor.Result floor;
        try
        {
            floor = IngestFloor.Measure(floorFolder.FullName, prebuilt);
        }
        finally
        {
            floorFolder.Delete(recursive: true);
        }
        Progress($"ingest: {total:N0} parcels x {workload.ValuesPerParcel} values over UpsertParcels");
        GC.Collect();
        var ((feed, written), cpu) = await WithCpu(false, () => Feed(prebuilt));
        if (written != (long)total * workload.ValuesPerParcel)
            throw new InvalidOperationException($"{written} values written; {(long)total * workload.ValuesPerParcel} expected");

        Func<long, Task> ById(bool skipHistory) => async n =>
        {
            var id = "ingest-" + (n % total).ToString(CultureInfo.InvariantCulture);
            var response = await scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = new ParcelInput { ParcelId = id }, SkipHistory = skipHistory });
            if (response.Evaluation.Indicators.Count == 0 || response.Evaluation.Indicators[0].Origin != ValueOrigin.Cache)
                throw new InvalidOperationException($"{id} was not evaluated from the cache");
        };
        await Calls("EvaluateParcel by id only, skip_history (what-if)", ById(skipHistory: true), isCeiling: false, "by-id", [16]);
        await Calls("EvaluateParcel by id only, with history (default)", ById(skipHistory: false), isCeiling: false, "by-id", [16]);
        var stored = await StoredDistrictAsync(parcels, scoring, total);
        return new IngestResult(feed, written, cpu.Per(feed.Parcels), floor, stored);
    }

    // The cached district scored three ways: EvaluateStored (nothing sent), BatchEvaluate with id-only rows, and the
    // impact preview of a dry-run weight update (every cached parcel under two models).
    private async Task<StoredResults> StoredDistrictAsync(ParcelService.ParcelServiceClient parcels, ScoringService.ScoringServiceClient scoring, int total)
    {
        async Task<StreamOutcome> Stored()
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            long results = 0, errors = 0;
            using var call = parcels.EvaluateStored(new EvaluateStoredRequest { ChunkSize = options.Chunk });
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                var (r, e) = ChunkStream.Count(response);
                (results, errors) = (results + r, errors + e);
            }
            return new StreamOutcome(results, results, errors, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        var rows = IdOnlyChunks("ingest-", total);
        var weights = new WeightTable();
        weights.Weights.AddRange((await new ModelService.ModelServiceClient(_serverChannel!).GetModelAsync(new GetModelRequest())).Model.Weights);

        Progress("stored district: warm-up");
        await Stored();
        Progress("stored district: EvaluateStored over every cached parcel");
        GC.Collect();
        var (evaluateStored, storedCpu) = await WithCpu(false, Stored);
        Progress($"stored district: BatchEvaluate with {total:N0} id-only columnar rows");
        GC.Collect();
        var (byId, byIdCpu) = await WithCpu(false, () => ChunkStream.RunAsync(o => scoring.BatchEvaluate(o), rows.Length, k => rows[k], ChunkStream.Count, total, options.Window));
        Progress("stored district: impact preview of a dry-run weight update");
        GC.Collect();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var preview = await scoring.UpdateWeightsAsync(new UpdateWeightsRequest { Weights = weights, DryRun = true });
        var impact = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (evaluateStored.Errors > 0 || byId.Errors > 0) throw new InvalidOperationException("the cached district came back with errors");
        return new StoredResults(evaluateStored, storedCpu.Per(evaluateStored.Parcels), byId, byIdCpu.Per(byId.Parcels), preview.Impact.ParcelCount, impact);
    }

    private string AnswerShape() => _answerShape is { } shape
        ? $"\n- Basic answers: {F(shape.MeanBytes, 0)} bytes on average over the {N(ParcelWorkload.Distinct)} value sets, {F(100 * shape.WithModes, 1)} % of them suggesting a redevelopment mode; the pass-through answers parcel n with the server's real answer for parcel n mod {N(ParcelWorkload.Distinct)}."
        : "";

    private string Render(ParcelWorkload workload, bool gcServer)
    {
        var r = new MarkdownReport();
        var summary = new List<IReadOnlyList<string>>();
        var hostEnvironment = options.HostEnvironment.Count == 0 ? "" : $"; host environment: {string.Join(", ", options.HostEnvironment.Select(e => $"{e.Key}={e.Value}"))}";
        r.Heading(2, "Scoring benchmark" + (options.Quick ? " (quick smoke run: figures not representative)" : ""));
        r.Text($"""
            - Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGb()} GB RAM, {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}
            - .NET: {RuntimeInformation.FrameworkDescription}; build {Configuration}; server GC (from the server's runtimeconfig) in the server and the pass-through: {(gcServer ? "on" : "off")}{hostEnvironment}
            - Client, server and pass-through share the machine; the server and the pass-through are child processes on 127.0.0.1, over HTTP/2 (h2c).{(options.ServerDll is { } dll ? $" The server measured is {dll} (--server)." : "")}
            - Run: {_started:yyyy-MM-dd HH:mm} UTC, {(DateTimeOffset.UtcNow - _started).TotalSeconds:F0} s; {N(options.Parcels)} parcels per stream, chunk {options.Chunk} (and {options.OtherChunk}), {options.Window} chunks in flight, {options.CallDuration.TotalSeconds:0.#} s per EvaluateParcel measurement{(options.Parts.Count < BenchmarkOptions.AllParts.Count ? $"; only {string.Join(", ", options.Parts)}" : "")}.
            - Other processes on the machine during the run: {Others()} (1-minute load average at the start: {_loadAtStart}); the figures assume a quiet machine.
            - Parcels: the default model's {workload.NumericCodes.Length} numeric indicators (map form: a {workload.NumericCodes.Length}-entry map<string, double>), {workload.CategoryCodes.Length} categories and {workload.VetoCodes.Length} vetoes ({workload.ValuesPerParcel} values), level, area, industry code, unit and street; {ParcelWorkload.Distinct} distinct value sets; basic view, no history.{AnswerShape()}
            """);

        if (_streams.Count > 0) RenderStreams(r, summary);
        if (_calls.Any(c => c.Group == "unary")) RenderUnary(r, summary);
        if (_engine is { } engine)
        {
            r.Heading(3, "4. The engine alone, in process, one thread");
            r.Table(["Work per parcel", "Parcels/s (one thread = per core)", "ns per parcel", "Target", "Status"],
            [
                ["ParcelReader.ReadInto (map facts) + Evaluator.Score, reused Scorecard and ParcelVector", N(engine.Read.Rate), F(engine.Read.MicrosecondsEach * 1000, 0), "≥ 5,000,000/s", Status(engine.Read.Rate >= EngineTarget)],
                ["the same + Evaluator.Explain (full view)", N(engine.Explained.Rate), F(engine.Explained.MicrosecondsEach * 1000, 0), "", ""],
                ["Evaluator.Score alone (vector already laid out)", N(engine.ScoreOnly.Rate), F(engine.ScoreOnly.MicrosecondsEach * 1000, 0), "", ""],
            ]);
            summary.Add(["Engine alone ≥ 5,000,000 parcels/s per core (ReadInto + Score)", $"{N(engine.Read.Rate)}/s (Score alone {N(engine.ScoreOnly.Rate)}/s)", Status(engine.Read.Rate >= EngineTarget)]);
        }
        if (_streams.Count > 0) RenderMemory(r, summary);
        if (_ingest is { } ingest) RenderIngest(r, summary, workload, ingest);
        if (_steps.Count > 0)
        {
            r.Heading(3, "Cost per step, in process, one thread (where the time goes)");
            r.Table(["Side", "Step", "µs per parcel", "Bytes per parcel", "Note"],
                _steps.Select(s => (IReadOnlyList<string>)[s.Side, s.Step, F(s.MicrosecondsPerParcel, 3), s.BytesPerParcel is { } b ? N(b) : "", s.Note]));
            r.Text($"Chunk steps are per parcel of a {options.Chunk:N0}-parcel chunk. HTTP/2 framing and flow control, thread hops, the server's middleware and GC under load are not in these figures; they are in the measured rates above.");
        }

        RenderWriters(r, summary, workload);
        RenderSpreadsheets(r, summary);
        RenderPostgres(r, summary);
        RenderRobustness(r, summary);

        r.Heading(3, "Targets");
        r.Table(["Target", "Measured", "Status"], summary);
        return r.ToString();
    }

    private const int SmallSheet = 5_000;
    private IReadOnlyList<SpreadsheetRun>? _spreadsheets;

    private void RenderSpreadsheets(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        if (_spreadsheets is not [var small, var large]) return;
        r.Heading(3, "11. Spreadsheets: the console client's .xlsx writer (MiniExcel, streamed)");
        r.Table(["Rows", "Seconds", "Rows/s", "Peak working set (VmHWM, whole process)", "File", "The process's first file (5,000 rows, cold)"],
            _spreadsheets.Select(s => (IReadOnlyList<string>)[N(s.Rows), F(s.Seconds, 2), N(s.Rate), $"{F(s.PeakMb, 0)} MB", $"{F(s.FileMb, 1)} MB", $"{F(s.FirstSeconds, 2)} s"]));
        var ratio = large.PeakMb / small.PeakMb;
        r.Text($"Each process (dotnet Scoring.Benchmarks.dll --xlsx-child N FILE) first writes {N(SpreadsheetWriting.FirstRows)} rows, as a fresh `scoring` run would (JIT included), then the measured file: evaluations as a basic view answers them, the Chinese columns of `scoring evaluate` (six element scores), the summary sheet. Peak memory of {N(large.Rows)} rows against {N(small.Rows)}: {F(ratio, 2)} ×.");
        summary.Add([$"A {N(small.Rows)}-parcel spreadsheet writes well under a second (cold, in a fresh process)", $"{F(small.FirstSeconds, 2)} s ({F(small.Seconds, 2)} s warm)", Status(small.FirstSeconds < 1)]);
        summary.Add([$"{N(large.Rows)} rows stream in constant memory (peak vs {N(small.Rows)} rows)", $"{F(large.PeakMb, 0)} MB vs {F(small.PeakMb, 0)} MB: {F(ratio, 2)} ×", Status(ratio < 1.5)]);
    }

    private void RenderStreams(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        r.Heading(3, "1. Transport ceiling: the pass-through (parse and answer, nothing evaluated)");
        r.Table(["Form", "Chunk", "Client", "Parcels/s", "Seconds", "Host CPU µs/parcel", "Client CPU µs/parcel"],
            _streams.Where(s => s.Ceiling).Select(s => (IReadOnlyList<string>)
                [Name(s.Form), N(s.Chunk), Name(s.Mode), N(s.Outcome.Rate), F(s.Outcome.Elapsed.TotalSeconds, 2), s.Cpu.HostText, s.Cpu.ClientText]));

        r.Heading(3, $"2. BatchEvaluate on the real server (basic view), {N(options.Parcels)} parcels");
        r.Table(["Form", "Chunk", "Client", "Parcels/s", "Seconds", "Ceiling parcels/s", "Ratio", "Server CPU µs/parcel", "Client CPU µs/parcel", "Server peak WS", "≥ 200,000/s (1M in ≤ 5 s)", "≥ 70 % of ceiling"],
            _streams.Where(s => !s.Ceiling).Select(s =>
            {
                var ceiling = Ceiling(s);
                var ratio = s.Outcome.Rate / ceiling.Outcome.Rate;
                return (IReadOnlyList<string>)
                [
                    Name(s.Form), N(s.Chunk), Name(s.Mode), N(s.Outcome.Rate), F(s.Outcome.Elapsed.TotalSeconds, 2), N(ceiling.Outcome.Rate),
                    Percent(ratio), s.Cpu.HostText, s.Cpu.ClientText, s.PeakMb is { } mb ? $"{mb:F0} MB" : "—", Status(s.Outcome.Rate >= StreamTarget), Status(ratio >= RatioTarget),
                ];
            }));
        r.Text("Host / server / client CPU: user + system CPU time of that process during the measurement (/proc/pid/stat), per parcel; the host is the pass-through in table 1 and the real server in table 2. Ratio: against the pass-through with the same form, chunk size and client. Pre-built: a few chunks built before the clock starts and cycled (the client still serialises each one it sends); built as it goes: the client builds each chunk's messages just before writing it; pre-serialised: the client writes ready bytes and skims the responses without parsing them, so nearly all of the CPU left is the server's. Both chunk sizes are run pre-built; the other clients use the chunk size that was better for the real server.");
        foreach (var form in _streams.Select(s => s.Form).Distinct())
        {
            var best = _streams.Where(s => !s.Ceiling && s.Form == form && s.Mode != ClientMode.PreSerialised).MaxBy(s => s.Outcome.Rate)!;
            var ratio = best.Outcome.Rate / Ceiling(best).Outcome.Rate;
            summary.Add([$"BatchEvaluate {Name(form)}: 1,000,000 parcels in ≤ 5 s", $"{F(1_000_000 / best.Outcome.Rate, 2)} s ({N(best.Outcome.Rate)}/s, chunk {best.Chunk}, {Name(best.Mode)})", Status(best.Outcome.Rate >= StreamTarget)]);
            summary.Add([$"BatchEvaluate {Name(form)}: ≥ 70 % of the ceiling", $"{Percent(ratio)} (chunk {best.Chunk}, {Name(best.Mode)})", Status(ratio >= RatioTarget)]);
        }
    }

    private void RenderUnary(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        var bare16 = _calls.Single(c => c.IsCeiling && c.Outcome.Callers == 16);
        r.Heading(3, "3. EvaluateParcel (full view, full parcel inline) against a bare unary call of the same size");
        r.Table(["Call", "Callers", "Calls/s", "p50 ms", "p99 ms", "Host CPU µs/call", "Client CPU µs/call", "vs bare unary at 16", "p99 < 5 ms", "≥ 70 % of bare unary"],
            _calls.Where(c => c.Group == "unary").Select(c => (IReadOnlyList<string>)
            [
                c.Name, c.Outcome.Callers.ToString(CultureInfo.InvariantCulture), N(c.Outcome.Rate), F(c.Outcome.P50Ms, 2), F(c.Outcome.P99Ms, 2), c.Cpu.HostText, c.Cpu.ClientText,
                c.IsCeiling ? "" : Percent(c.Outcome.Rate / bare16.Outcome.Rate),
                c.IsCeiling ? "" : Status(c.Outcome.P99Ms < P99TargetMs),
                c.IsCeiling || c.Outcome.Callers != 16 ? "" : Status(c.Outcome.Rate / bare16.Outcome.Rate >= RatioTarget),
            ]));
        foreach (var c in _calls.Where(c => c.Group == "unary" && !c.IsCeiling && c.Outcome.Callers == 16))
        {
            summary.Add([$"{c.Name}: ≥ 70 % of bare unary at 16", $"{Percent(c.Outcome.Rate / bare16.Outcome.Rate)} ({N(c.Outcome.Rate)} vs {N(bare16.Outcome.Rate)} calls/s)", Status(c.Outcome.Rate / bare16.Outcome.Rate >= RatioTarget)]);
            summary.Add([$"{c.Name}: p99 < 5 ms at 16", $"{F(c.Outcome.P99Ms, 2)} ms", Status(c.Outcome.P99Ms < P99TargetMs)]);
        }
    }

    private void RenderMemory(MarkdownReport r, List<IReadOnlyList<string>> summary)
    {
        var peaks = _streams.Where(s => !s.Ceiling && s.PeakMb is not null).ToList();
        r.Heading(3, "5. Server memory through the streams");
        if (peaks.Count == 0)
        {
            r.Text("VmHWM is not available (no /proc).");
            return;
        }
        var rows = new List<IReadOnlyList<string>>();
        foreach (var form in peaks.Select(s => s.Form).Distinct())
        {
            var mine = peaks.Where(s => s.Form == form).ToList();
            var worst = mine.MaxBy(s => s.PeakMb)!;
            rows.Add([$"server, peak through a {N(options.Parcels)}-parcel {Name(form)} stream, worst run", $"{worst.PeakMb:F0} MB (chunk {worst.Chunk}, {Name(worst.Mode)})", "< 300 MB", Status(worst.PeakMb < MemoryTargetMb)]);
            var best = mine.MinBy(s => s.PeakMb)!;
            rows.Add([$"server, peak through a {N(options.Parcels)}-parcel {Name(form)} stream, best run", $"{best.PeakMb:F0} MB (chunk {best.Chunk}, {Name(best.Mode)})", "", ""]);
        }
        rows.Add(["server, resident after all streams", _serverAfterStreams is { } after ? $"{after:F0} MB" : "—", "", ""]);
        rows.Add(["pass-through, peak over its whole life (for comparison)", _passThroughPeak is { } pt ? $"{pt:F0} MB" : "—", "", ""]);
        r.Table(["Process", "Peak working set (VmHWM)", "Target", "Status"], rows);
        var max = peaks.Max(s => s.PeakMb!.Value);
        summary.Add(["Peak server memory < 300 MB through the stream (worst run)", $"{max:F0} MB", Status(max < MemoryTargetMb)]);
        r.Text("The peak is reset (/proc/pid/clear_refs) before each real stream, so each figure covers one stream; every run's figure is in table 2.");
    }

    private void RenderIngest(MarkdownReport r, List<IReadOnlyList<string>> summary, ParcelWorkload workload, IngestResult ingest)
    {
        var valuesRate = ingest.Values / ingest.Feed.Elapsed.TotalSeconds;
        var floor = ingest.Floor;
        var ratio = valuesRate / floor.ValuesPerSecond;
        var floorCpu = floor.CpuSeconds is { } c ? F(c * 1e6 / floor.Parcels, 0) : "—";
        r.Heading(3, "6. Ingest over UpsertParcels and evaluate by id");
        r.Table(["Measurement", "Rate", "Details", "Target", "Status"],
            new List<IReadOnlyList<string>>
            {
                new[] { "raw floor: the same rows by bare prepared single-row INSERTs, in process, one transaction per chunk", $"{N(floor.ValuesPerSecond)} values/s", $"{N(floor.Parcels)} parcel rows and as many log rows ({N(floor.Values)} values) in {F(floor.Elapsed.TotalSeconds, 2)} s; CPU {floorCpu} µs/parcel", "", "" },
                new[] { $"UpsertParcels, chunks of {IngestChunk:N0} parcels x {workload.ValuesPerParcel} values, {options.IngestWindow} in flight", $"{N(valuesRate)} values/s", $"{N(ingest.Feed.Parcels)} parcels, {N(ingest.Values)} values in {F(ingest.Feed.Elapsed.TotalSeconds, 2)} s ({N(ingest.Feed.Rate)} parcels/s); server CPU {ingest.Cpu.HostText} µs/parcel, client {ingest.Cpu.ClientText} µs/parcel", "≥ 500,000 values/s", Status(valuesRate >= IngestTarget) },
                new[] { "UpsertParcels against the raw floor", Percent(ratio), "values/s of UpsertParcels ÷ values/s of the raw floor, same run", "≥ 50 %", Status(ratio >= IngestFloorTarget) },
            }.Concat(_calls.Where(c => c.Group == "by-id").Select(c => (IReadOnlyList<string>)
                [$"{c.Name}, {c.Outcome.Callers} callers", $"{N(c.Outcome.Rate)} calls/s", $"p50 {F(c.Outcome.P50Ms, 2)} ms, p99 {F(c.Outcome.P99Ms, 2)} ms; server CPU {c.Cpu.HostText} µs/call, client {c.Cpu.ClientText} µs/call", "", ""])));
        r.Text("Raw floor: per parcel one parcels row (its attributes and a blob of its packed values' length) and one value_writes log row with a blob of its received values' length, inserted by two prepared statements into a scratch file of the service's schema with the server writer's pragmas (WAL, synchronous NORMAL, foreign keys, 64 MiB cache, no automatic checkpoint), one transaction per chunk, in this process: no network, parsing, checks, reads or merging.");
        summary.Add(["Ingest ≥ 50 % of the raw floor (same run)", $"{Percent(ratio)} ({N(valuesRate)} vs {N(floor.ValuesPerSecond)} values/s)", Status(ratio >= IngestFloorTarget)]);
        summary.Add(["Ingest ≥ 500,000 values/s", $"{N(valuesRate)} values/s", Status(valuesRate >= IngestTarget)]);
        RenderStored(r, summary, ingest.Stored);
    }

    private void RenderStored(MarkdownReport r, List<IReadOnlyList<string>> summary, StoredResults s)
    {
        // The inline columnar rate of this run, same chunk, pre-built client: what the stored paths are held to.
        var inline = _streams.FirstOrDefault(x => !x.Ceiling && x.Form == ParcelForm.Columnar && x.Chunk == options.Chunk && x.Mode == ClientMode.PreBuilt);
        var inlineWhatIf = _calls.FirstOrDefault(c => c.Group == "unary" && !c.IsCeiling && c.Outcome.Callers == 16 && c.Name.Contains("what-if", StringComparison.Ordinal));
        var byIdWhatIf = _calls.FirstOrDefault(c => c.Group == "by-id" && c.Name.Contains("what-if", StringComparison.Ordinal));
        string Ratio(double value, double? baseline) => baseline is > 0 ? Percent(value / baseline.Value) : "n/a";
        var storedRate = s.EvaluateStored.Rate;
        var impactPerParcel = s.Impact.TotalSeconds / Math.Max(1, s.ImpactParcels);
        var storedPerParcel = s.EvaluateStored.Elapsed.TotalSeconds / Math.Max(1, s.EvaluateStored.Parcels);
        r.Heading(3, "7. The cached district: EvaluateStored, id-only BatchEvaluate, impact preview");
        r.Table(["Measurement", "Rate", "Details", "Target", "Status"], new List<IReadOnlyList<string>>
        {
            new[] { "EvaluateStored, every cached parcel, basic view", $"{N(storedRate)} parcels/s", $"{N(s.EvaluateStored.Parcels)} parcels in {F(s.EvaluateStored.Elapsed.TotalSeconds, 2)} s; server CPU {s.StoredCpu.HostText} µs/parcel; {Ratio(storedRate, inline?.Outcome.Rate)} of inline columnar BatchEvaluate", "≥ 100 % of inline columnar", Status(inline is not null && storedRate >= inline.Outcome.Rate) },
            new[] { "BatchEvaluate, id-only columnar rows (read from the cache)", $"{N(s.ById.Rate)} parcels/s", $"{N(s.ById.Parcels)} parcels in {F(s.ById.Elapsed.TotalSeconds, 2)} s; server CPU {s.ByIdCpu.HostText} µs/parcel; {Ratio(s.ById.Rate, inline?.Outcome.Rate)} of inline columnar", "≥ 60 % of inline columnar", Status(inline is not null && s.ById.Rate >= 0.6 * inline.Outcome.Rate) },
            new[] { "Impact preview (dry-run UpdateWeights) over every cached parcel", $"{N(s.ImpactParcels / Math.Max(s.Impact.TotalSeconds, 1e-9))} parcels/s", $"{N(s.ImpactParcels)} parcels in {F(s.Impact.TotalSeconds, 2)} s; {F(impactPerParcel / storedPerParcel, 2)} × EvaluateStored per parcel", "≤ 2 × EvaluateStored", Status(impactPerParcel <= 2 * storedPerParcel) },
            new[] { "EvaluateParcel by id, what-if, 16 callers", byIdWhatIf is null ? "n/a" : $"{N(byIdWhatIf.Outcome.Rate)} calls/s", $"{Ratio(byIdWhatIf?.Outcome.Rate ?? 0, inlineWhatIf?.Outcome.Rate)} of EvaluateParcel with the parcel inline (what-if, 16 callers)", "≥ 70 % of inline", Status(byIdWhatIf is not null && inlineWhatIf is not null && byIdWhatIf.Outcome.Rate >= 0.7 * inlineWhatIf.Outcome.Rate) },
        });
        summary.Add(["EvaluateStored ≥ 100 % of inline columnar BatchEvaluate", Ratio(storedRate, inline?.Outcome.Rate), Status(inline is not null && storedRate >= inline.Outcome.Rate)]);
        summary.Add(["BatchEvaluate id-only ≥ 60 % of inline columnar", Ratio(s.ById.Rate, inline?.Outcome.Rate), Status(inline is not null && s.ById.Rate >= 0.6 * inline.Outcome.Rate)]);
        summary.Add(["Impact preview ≤ 2 × EvaluateStored", $"{F(impactPerParcel / storedPerParcel, 2)} ×", Status(impactPerParcel <= 2 * storedPerParcel)]);
        summary.Add(["EvaluateParcel by id, what-if, ≥ 70 % of inline what-if (16 callers)", Ratio(byIdWhatIf?.Outcome.Rate ?? 0, inlineWhatIf?.Outcome.Rate), Status(byIdWhatIf is not null && inlineWhatIf is not null && byIdWhatIf.Outcome.Rate >= 0.7 * inlineWhatIf.Outcome.Rate)]);
    }

    private string Others()
    {
        if (_othersCpu is not { } seconds) return "unknown";
        var share = seconds / ((DateTimeOffset.UtcNow - _started).TotalSeconds * Environment.ProcessorCount);
        return $"{Math.Max(seconds, 0):F0} CPU-seconds ({Percent(Math.Max(share, 0))} of the machine)";
    }

    private StreamRow Ceiling(StreamRow real) =>
        _streams.Single(s => s.Ceiling && s.Form == real.Form && s.Chunk == real.Chunk && s.Mode == real.Mode);

    // BatchEvaluate chunks of id-only columnar rows for the parcels prefix0 … prefix(total-1), options.Chunk rows each.
    private BatchEvaluateRequest[] IdOnlyChunks(string prefix, int total) =>
        [.. Enumerable.Range(0, (total + options.Chunk - 1) / options.Chunk).Select(k =>
        {
            var chunk = new BatchEvaluateRequest { Columns = new ParcelColumns() };
            for (var i = k * options.Chunk; i < Math.Min(total, (k + 1) * options.Chunk); i++)
                chunk.Columns.Rows.Add(new ParcelRow { ParcelId = prefix + i.ToString(CultureInfo.InvariantCulture) });
            return chunk;
        })];

    // UpsertParcels chunk k (IngestChunk parcels) of the parcels prefix0 … prefix(total-1), as of asOf.
    private static UpsertParcelsRequest FeedChunk(ParcelWorkload workload, string source, string asOf, string prefix, int total, int k)
    {
        var request = new UpsertParcelsRequest { Source = source, AsOf = asOf };
        for (var i = k * IngestChunk; i < Math.Min(total, (k + 1) * IngestChunk); i++) request.Parcels.Add(workload.MapParcel(i, prefix));
        return request;
    }

    // The basic answers of one chunk, in order (a chunk the server may split into several responses).
    private static async Task<List<Evaluation>> BasicAnswersAsync(ScoringService.ScoringServiceClient scoring, BatchEvaluateRequest chunk)
    {
        var sent = chunk.Parcels.Count + (chunk.Columns?.Rows.Count ?? 0);
        using var call = scoring.BatchEvaluate();
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        var answers = new List<Evaluation>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
            foreach (var result in call.ResponseStream.Current.Results)
                answers.Add(result.Evaluation ?? throw new InvalidOperationException($"BatchEvaluate refused the benchmark's parcel: {result.Error}"));
        return answers.Count == sent ? answers : throw new InvalidOperationException($"{sent} parcels sent but {answers.Count} answers came back");
    }

    private static GrpcChannel Channel(Uri address) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 * 1024 * 1024 });

    private bool ServerUsesServerGc()
    {
        var server = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "Scoring.Server.dll");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(server, ".runtimeconfig.json")));
        return doc.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var props)
            && props.TryGetProperty("System.GC.Server", out var gc) && gc.GetBoolean();
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static string MemoryGb() => F(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024 / 1024, 0);

    private static void Progress(string what) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {what}");

    private static string Name(ParcelForm form) => form == ParcelForm.Map ? "map" : "columnar";

    private static string Name(ClientMode mode) => mode switch
    {
        ClientMode.PreBuilt => "pre-built",
        ClientMode.BuiltAsItGoes => "built as it goes",
        _ => "pre-serialised",
    };

#if DEBUG
    private const string Configuration = "Debug (figures not representative: run with -c Release)";
#else
    private const string Configuration = "Release";
#endif

    private enum ClientMode { PreBuilt, BuiltAsItGoes, PreSerialised }

    private sealed record StreamRow(bool Ceiling, ParcelForm Form, int Chunk, ClientMode Mode, StreamOutcome Outcome, double? PeakMb, CpuUse Cpu);

    private sealed record CallRow(string Group, string Name, bool IsCeiling, CallOutcome Outcome, CpuUse Cpu);

    /// <summary>CPU microseconds per item: the host's (server or pass-through) and this client's.</summary>
    private readonly record struct CpuUse(double? Host, double? Client)
    {
        public CpuUse Per(long items) => new(Host * 1e6 / items, Client * 1e6 / items);
        public string HostText => Host is { } h ? F(h, Host < 10 ? 1 : 0) : "—";
        public string ClientText => Client is { } c ? F(c, Client < 10 ? 1 : 0) : "—";
    }

    // CPU seconds the host (server or pass-through) and this process spend while `run` runs.
    private async Task<(T Result, CpuUse Cpu)> WithCpu<T>(bool ceiling, Func<Task<T>> run)
    {
        var host = ceiling ? _passThrough! : _server!;
        double? host0 = CpuAccount.ProcessSeconds(host.Id), self0 = CpuAccount.ProcessSeconds();
        var result = await run();
        double? host1 = CpuAccount.ProcessSeconds(host.Id), self1 = CpuAccount.ProcessSeconds();
        return (result, new CpuUse(host1 - host0, self1 - self0));
    }

    private sealed record EngineResults(ThreadRate Read, ThreadRate Explained, ThreadRate ScoreOnly);

    private sealed record IngestResult(StreamOutcome Feed, long Values, CpuUse Cpu, IngestFloor.Result Floor, StoredResults Stored);

    private sealed record StoredResults(StreamOutcome EvaluateStored, CpuUse StoredCpu, StreamOutcome ById, CpuUse ByIdCpu, int ImpactParcels, TimeSpan Impact);

    private sealed record StreamTargets(
        Func<CallOptions, AsyncDuplexStreamingCall<BatchEvaluateRequest, BatchEvaluateResponse>> Server,
        Func<CallOptions, AsyncDuplexStreamingCall<BatchEvaluateRequest, BatchEvaluateResponse>> Ceiling,
        Func<CallOptions, AsyncDuplexStreamingCall<byte[], byte[]>> RawServer,
        Func<CallOptions, AsyncDuplexStreamingCall<byte[], byte[]>> RawCeiling);

    /// <summary>The chunks of one stream: a pool pre-built (and pre-serialised) before the clock starts, cycled; or each built when sent.</summary>
    private sealed class ChunkPlan(ParcelWorkload workload, ParcelForm form, int chunk, long parcels)
    {
        private BatchEvaluateRequest[]? _pool;
        private BatchEvaluateRequest? _last;
        private byte[][]? _poolBytes;
        private byte[]? _lastBytes;

        public int Chunk => chunk;
        public long Parcels => parcels;
        public int Chunks { get; } = (int)((parcels + chunk - 1) / chunk);
        private int LastSize => (int)(parcels - (long)(Chunks - 1) * chunk);
        private string Prefix => form == ParcelForm.Map ? "map-" : "col-";

        /// <summary>Chunk k from the pre-built pool.</summary>
        public BatchEvaluateRequest PreBuilt(int k)
        {
            EnsurePool();
            return k == Chunks - 1 && _last is not null ? _last : _pool![k % _pool.Length];
        }

        /// <summary>Chunk k built now (fresh ids).</summary>
        public BatchEvaluateRequest Build(int k) => workload.Chunk(form, (long)k * chunk, k == Chunks - 1 ? LastSize : chunk, Prefix);

        /// <summary>A function from k to chunk k's bytes, serialised before the clock starts.</summary>
        public Func<int, byte[]> Serialised()
        {
            EnsurePool();
            _poolBytes ??= [.. _pool!.Select(c => c.ToByteArray())];
            _lastBytes ??= _last?.ToByteArray();
            return k => k == Chunks - 1 && _lastBytes is not null ? _lastBytes : _poolBytes[k % _poolBytes.Length];
        }

        private void EnsurePool()
        {
            if (_pool is not null) return;
            var size = Math.Clamp(PoolParcels / chunk, 2, Math.Max(Chunks, 2));
            _pool = [.. Enumerable.Range(0, size).Select(k => workload.Chunk(form, (long)k * chunk, chunk, Prefix))];
            if (LastSize != chunk) _last = workload.Chunk(form, (long)(Chunks - 1) * chunk, LastSize, Prefix);
        }
    }
}
