using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scoring.Benchmarks.V1;
using Scoring.V1;

namespace Scoring.Benchmarks;

/// <summary>
/// The transport ceiling: a Kestrel HTTP/2 gRPC host, configured like the real server (loopback,
/// HTTP/2 only, 64 MB messages, logging below warnings off), whose methods only parse and answer.
/// Runs as its own process: the benchmark started with <c>--pass-through</c>.
/// </summary>
internal static class PassThroughHost
{
    /// <summary>
    /// Serves until stdin closes. Args: --basic FILE (the real basic Evaluations of the workload's parcels 0, 1, 2 …,
    /// length-delimited) --full FILE (the real full EvaluateParcelResponses of the unary calls' parcels 0, 1, 2 …, the same).
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string? basic = null, full = null;
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--basic") basic = args[++i];
            else if (args[i] == "--full") full = args[++i];
        }
        if (basic is null || full is null)
        {
            await Console.Error.WriteLineAsync("--pass-through needs --basic FILE and --full FILE");
            return 2;
        }
        var answers = new PassThroughAnswers(
            PassThroughAnswers.Read(basic, Evaluation.Parser),
            PassThroughAnswers.Read(full, EvaluateParcelResponse.Parser));
        answers.CheckSize();

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.Services.AddSingleton(answers);
        var app = builder.Build();
        app.MapGrpcService<PassThroughService>();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"Now listening on: {address}");
        await Console.In.ReadToEndAsync(); // the benchmark closes stdin (or dies)
        await app.StopAsync();
        return 0;
    }
}

/// <summary>
/// The precomputed answers: a real server's basic evaluations of the workload's parcels (one per distinct value set) and
/// its full EvaluateParcel responses for the unary calls' parcels. Parcel n (its id ends in n) is answered with the real
/// answer of parcel n mod their count, so that the ceiling sends what the server sends: the same sizes, texts and
/// suggested modes, which vary from parcel to parcel.
/// </summary>
internal sealed class PassThroughAnswers(IReadOnlyList<Evaluation> basic, IReadOnlyList<EvaluateParcelResponse> full)
{
    /// <summary>The real basic answers, in parcel order.</summary>
    public IReadOnlyList<Evaluation> Basic { get; } = basic.Count > 0 ? basic : throw new ArgumentException("no basic answer", nameof(basic));

    /// <summary>The real full-view responses, in parcel order.</summary>
    public IReadOnlyList<EvaluateParcelResponse> Full { get; } = full.Count > 0 ? full : throw new ArgumentException("no full response", nameof(full));

    /// <summary>The real full-view response for <paramref name="parcelId"/>'s parcel.</summary>
    public EvaluateParcelResponse FullFor(string parcelId) => Full[(int)(NumberOf(parcelId) % Full.Count)];

    /// <summary>Writes <paramref name="messages"/> (length-delimited) for <see cref="Read"/>.</summary>
    public static void Write(string path, IEnumerable<IMessage> messages)
    {
        using var file = File.Create(path);
        foreach (var message in messages) message.WriteDelimitedTo(file);
    }

    /// <summary>Reads the messages <see cref="Write"/> wrote.</summary>
    public static List<T> Read<T>(string path, MessageParser<T> parser) where T : IMessage<T>
    {
        using var file = File.OpenRead(path);
        var messages = new List<T>();
        while (file.Position < file.Length) messages.Add(parser.ParseDelimitedFrom(file));
        return messages;
    }

    /// <summary>One result of the real basic shape and size for <paramref name="parcelId"/>: the real answer of its parcel.</summary>
    public BatchResult Result(string parcelId)
    {
        var answer = Basic[(int)(NumberOf(parcelId) % Basic.Count)];
        return new()
        {
            ParcelId = parcelId,
            Evaluation = new Evaluation
            {
                ParcelId = parcelId,
                ModelVersion = answer.ModelVersion,
                Score = answer.Score,
                Classification = answer.Classification,
                Disposition = answer.Disposition,
                Completeness = answer.Completeness,
                Level = answer.Level,
                AreaMu = answer.AreaMu,
                UnitId = answer.UnitId, // the real answer names the parcel's unit and street: the same bytes here
                Street = answer.Street,
                Elements = { answer.Elements }, // shared, read-only: the same bytes as the real ones
                FailedVetoes = { answer.FailedVetoes },
                UnknownVetoes = { answer.UnknownVetoes },
                SpatialFacts = { answer.SpatialFacts },
                ClearanceZone = answer.ClearanceZone,
                RedevelopmentModes = { answer.RedevelopmentModes },
                Warnings = { answer.Warnings },
            },
        };
    }

    // The workload's ids end in the parcel's number (prefix + n); an id that does not is answered as parcel 0.
    private static long NumberOf(string parcelId)
    {
        var digits = parcelId.Length;
        while (digits > 0 && char.IsAsciiDigit(parcelId[digits - 1]) && parcelId.Length - digits < 18) digits--;
        return digits == parcelId.Length ? 0 : long.Parse(parcelId.AsSpan(digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Throws unless every answer made here has the real answer's size: a field the basic view gained and this copy
    /// missed would make the ceiling answer fewer bytes than the server.
    /// </summary>
    public void CheckSize()
    {
        for (var n = 0; n < Basic.Count; n++)
        {
            var real = Basic[n];
            var made = Result(real.ParcelId).Evaluation;
            if (made.CalculateSize() != real.CalculateSize())
                throw new InvalidOperationException($"the pass-through's basic answer for {real.ParcelId} is {made.CalculateSize()} bytes, the real one {real.CalculateSize()}: copy the fields the basic view gained, and answer parcel n with the answer of parcel n");
        }
    }

    /// <summary>Mean size of the basic answers, in bytes, and the share of them suggesting at least one redevelopment mode.</summary>
    public (double MeanBytes, double WithModes) Shape() =>
        (Basic.Average(e => e.CalculateSize()), Basic.Count(e => e.RedevelopmentModes.Count > 0) / (double)Basic.Count);
}

/// <summary>scoring.bench.v1.PassThrough: parse, answer, nothing else.</summary>
internal sealed class PassThroughService(PassThroughAnswers answers) : PassThrough.PassThroughBase
{
    public override async Task Batch(IAsyncStreamReader<BatchEvaluateRequest> requestStream,
        IServerStreamWriter<BatchEvaluateResponse> responseStream, ServerCallContext context)
    {
        var token = context.CancellationToken;
        while (await requestStream.MoveNext(token))
        {
            var chunk = requestStream.Current;
            var response = new BatchEvaluateResponse();
            foreach (var parcel in chunk.Parcels) response.Results.Add(answers.Result(parcel.ParcelId));
            if (chunk.Columns is { } columns)
                foreach (var row in columns.Rows) response.Results.Add(answers.Result(row.ParcelId));
            await responseStream.WriteAsync(response, token);
        }
    }

    public override Task<EvaluateParcelResponse> Unary(EvaluateParcelRequest request, ServerCallContext context) =>
        Task.FromResult(answers.FullFor(request.Parcel?.ParcelId ?? ""));
}
