using System.Net;
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
    /// <summary>Serves until stdin closes. Args: --basic FILE (an Evaluation) --full FILE (an EvaluateParcelResponse).</summary>
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
            Evaluation.Parser.ParseFrom(await File.ReadAllBytesAsync(basic)),
            EvaluateParcelResponse.Parser.ParseFrom(await File.ReadAllBytesAsync(full)));
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

/// <summary>The precomputed answers: a real server's basic evaluation and full EvaluateParcel response.</summary>
internal sealed class PassThroughAnswers(Evaluation basic, EvaluateParcelResponse full)
{
    /// <summary>The full-view response, as the real server gave it for the benchmark's parcel.</summary>
    public EvaluateParcelResponse Full { get; } = full;

    /// <summary>One result of the real basic shape and size for <paramref name="parcelId"/>.</summary>
    public BatchResult Result(string parcelId) => new()
    {
        ParcelId = parcelId,
        Evaluation = new Evaluation
        {
            ParcelId = parcelId,
            ModelVersion = basic.ModelVersion,
            Score = basic.Score,
            Classification = basic.Classification,
            Disposition = basic.Disposition,
            Completeness = basic.Completeness,
            Level = basic.Level,
            AreaMu = basic.AreaMu,
            UnitId = basic.UnitId, // the real answer names the parcel's unit and street: the same bytes here
            Street = basic.Street,
            Elements = { basic.Elements }, // shared, read-only: the same bytes as the real ones
            FailedVetoes = { basic.FailedVetoes },
            UnknownVetoes = { basic.UnknownVetoes },
            SpatialFacts = { basic.SpatialFacts },
            ClearanceZone = basic.ClearanceZone,
            RedevelopmentModes = { basic.RedevelopmentModes },
            Warnings = { basic.Warnings },
        },
    };

    /// <summary>
    /// Throws unless an answer made here has the real answer's size: a field the basic view gained and this copy missed
    /// would make the ceiling answer fewer bytes than the server.
    /// </summary>
    public void CheckSize()
    {
        var made = Result(basic.ParcelId).Evaluation;
        if (made.CalculateSize() != basic.CalculateSize())
            throw new InvalidOperationException($"the pass-through's basic answer is {made.CalculateSize()} bytes, the real one {basic.CalculateSize()}: copy the fields the basic view gained");
    }
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
        Task.FromResult(answers.Full);
}
