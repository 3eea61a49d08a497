using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Scoring.Server.Extensions;
using Scoring.Storage;
using Scoring.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Server.Tests;

/// <summary>Storage faults made with real files under a real server: each has its status, reason and health, and recovers.</summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-faults-" + Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _apps = [];
    private readonly List<GrpcChannel> _channels = [];

    private string DatabasePath => Path.Combine(_directory, "data", "scoring.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private async Task<(WebApplication App, GrpcChannel Channel)> Start(string connectionString, params string[] extra)
    {
        var app = ScoringApp.Create(
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Development", "--Logging:LogLevel:Default=None",
            $"--ConnectionStrings:Scoring={connectionString}", .. extra,
        ]);
        _apps.Add(app);
        await app.StartAsync();
        var channel = GrpcChannel.ForAddress(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _channels.Add(channel);
        return (app, channel);
    }

    private static EvaluateParcelRequest Recorded(string id) => new() { Parcel = HandWorkedParcel.Input(id) };

    private static EvaluateParcelRequest Unrecorded(string id) => new() { Parcel = HandWorkedParcel.Input(id), SkipHistory = true };

    private static async Task<ServingStatus> Health(GrpcChannel channel) =>
        (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status;

    private static void AssertFault(RpcException e, StatusCode code, string reason)
    {
        Assert.Equal(code, e.StatusCode);
        var info = e.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal(reason, info.Reason);
        Assert.Equal("scoring.v1", info.Domain);
    }

    private static async Task<UpsertParcelsResponse> UpsertOne(GrpcChannel channel, string id)
    {
        using var call = new ParcelService.ParcelServiceClient(channel).UpsertParcels();
        await call.RequestStream.WriteAsync(new UpsertParcelsRequest { Source = "fault-test", AsOf = "2025-06-30", Parcels = { HandWorkedParcel.Input(id) } });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        return call.ResponseStream.Current;
    }

    [Fact]
    public async Task Deleting_the_data_directory_under_a_running_server_refuses_every_later_write_as_STORAGE_MISSING_and_health_NOT_SERVING()
    {
        var (_, channel) = await Start($"Data Source={DatabasePath}");
        var scoring = new ScoringService.ScoringServiceClient(channel);
        Assert.Equal(1, (await UpsertOne(channel, "DEL-0")).Accepted);
        Assert.Equal(ServingStatus.Serving, await Health(channel));

        // Recorded evaluations run all along; the directory goes in the middle.
        using var stop = new CancellationTokenSource();
        long deletedAt = long.MaxValue;
        var answered = new List<(long Started, StatusCode Status, string? Reason)>();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await scoring.EvaluateParcelAsync(Recorded($"DEL-{i}"));
                    lock (answered) answered.Add((started, StatusCode.OK, null));
                }
                catch (RpcException e)
                {
                    lock (answered) answered.Add((started, e.StatusCode, e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason));
                }
            }
        });
        // Polled, not slept: a loaded machine may take long over the first calls.
        await Until(() => { lock (answered) return answered.Count(a => a.Status == StatusCode.OK) >= 3; });
        Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true);
        Interlocked.Exchange(ref deletedAt, Stopwatch.GetTimestamp());
        await Until(() => { lock (answered) return answered.Count(a => a.Started > deletedAt) >= 3; });
        await stop.CancelAsync();
        await writer;

        Assert.Contains(answered, a => a.Started < deletedAt && a.Status == StatusCode.OK);
        var after = answered.Where(a => a.Started > deletedAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.Equal((StatusCode.Unavailable, "STORAGE_MISSING"), (a.Status, a.Reason)));

        var upsert = await Assert.ThrowsAsync<RpcException>(() => UpsertOne(channel, "DEL-LATE"));
        AssertFault(upsert, StatusCode.Unavailable, "STORAGE_MISSING");
        Assert.Equal(ServingStatus.NotServing, await Health(channel));
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task A_full_database_answers_writes_RESOURCE_EXHAUSTED_STORAGE_FULL_keeps_reads_and_takes_writes_again_once_the_limit_is_raised()
    {
        var (first, _) = await Start($"Data Source={DatabasePath}");
        await first.StopAsync();
        SqliteConnection.ClearAllPools();
        // Storage:MaxPageCount=1 holds the file at the size it has (the pragma never shrinks it): the first write
        // needing a new page fails.
        var (app, channel) = await Start($"Data Source={DatabasePath}", "--Storage:MaxPageCount=1");
        var scoring = new ScoringService.ScoringServiceClient(channel);

        // Each table fills its free space first; then both recorded evaluations and the cache's ingest are refused.
        AssertFault(await FirstFailure(i => scoring.EvaluateParcelAsync(Recorded($"FULL-{i}")).ResponseAsync), StatusCode.ResourceExhausted, "STORAGE_FULL");
        AssertFault(await FirstFailure(i => UpsertOne(channel, $"FULL-UPSERT-{i}")), StatusCode.ResourceExhausted, "STORAGE_FULL");
        // Reads and unrecorded evaluations go on; health stays SERVING.
        Assert.Equal(HandWorkedParcel.Score, (await scoring.EvaluateParcelAsync(Unrecorded("FULL-READ"))).Evaluation.Score, 9);
        Assert.Equal(ServingStatus.Serving, await Health(channel));

        // Space is freed (the limit raised): the next write goes through, no restart.
        app.Services.GetRequiredService<ScoringDatabase>().MaxPageCount = null;
        Assert.Equal(1, (await UpsertOne(channel, "FULL-UPSERT")).Accepted);
        Assert.Equal(HandWorkedParcel.Score, (await scoring.EvaluateParcelAsync(Recorded("FULL-AGAIN"))).Evaluation.Score, 9);
    }

    [Fact]
    public async Task A_read_only_database_answers_writes_UNAVAILABLE_STORAGE_READ_ONLY_with_health_NOT_SERVING_while_reads_go_on()
    {
        var (first, firstChannel) = await Start($"Data Source={DatabasePath}");
        Assert.Equal(1, (await UpsertOne(firstChannel, "RO-1")).Accepted);
        await first.StopAsync();
        SqliteConnection.ClearAllPools();

        // The tests run as root, which writes through any chmod; Mode=ReadOnly makes SQLite open the file
        // read-only (O_RDONLY), as it does by itself for a server user without write permission.
        var (_, channel) = await Start($"Data Source={DatabasePath};Mode=ReadOnly");
        var scoring = new ScoringService.ScoringServiceClient(channel);

        AssertFault(await Assert.ThrowsAsync<RpcException>(() => scoring.EvaluateParcelAsync(Recorded("RO-2")).ResponseAsync),
            StatusCode.Unavailable, "STORAGE_READ_ONLY");
        AssertFault(await Assert.ThrowsAsync<RpcException>(() => UpsertOne(channel, "RO-3")), StatusCode.Unavailable, "STORAGE_READ_ONLY");
        Assert.Equal(ServingStatus.NotServing, await Health(channel));
        Assert.Equal(HandWorkedParcel.Score, (await scoring.EvaluateParcelAsync(Unrecorded("RO-4"))).Evaluation.Score, 9);
        Assert.Equal("RO-1", (await new ParcelService.ParcelServiceClient(channel).GetParcelAsync(new GetParcelRequest { ParcelId = "RO-1" })).Parcel.Attributes.ParcelId);
    }

    // 300 parcels in the cache, so that the file has pages enough to damage some in the middle.
    private static async Task Fill(GrpcChannel channel)
    {
        using var call = new ParcelService.ParcelServiceClient(channel).UpsertParcels();
        var chunk = new UpsertParcelsRequest { Source = "fault-test", AsOf = "2025-06-30" };
        for (var i = 0; i < 300; i++) chunk.Parcels.Add(HandWorkedParcel.Input($"DMG-{i:D3}"));
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        Assert.Equal(300, call.ResponseStream.Current.Accepted);
    }

    // Copies the WAL into the file, then writes garbage over every page (4 KiB each) but the first, so that whichever
    // table a call reads next is damaged: only pages a connection has cached already can escape.
    internal static void Damage(string databasePath)
    {
        using (var raw = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            // The server's own background checkpoint may hold the checkpoint lock for a moment (the pragma then answers
            // busy = 1 instead of failing): try again until every page is in the file, so that all of them get damaged.
            command.CommandText = "PRAGMA busy_timeout = 1000;";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            for (var attempt = 0; ; attempt++)
            {
                using var reader = command.ExecuteReader();
                reader.Read();
                if (reader.GetInt64(0) == 0) break;
                Assert.True(attempt < 50, "the WAL could not be checkpointed into the file");
                Thread.Sleep(20);
            }
        }
        var length = new FileInfo(databasePath).Length;
        Assert.True(length >= 64 * 4096, $"the file has only {length} bytes");
        using var file = new FileStream(databasePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = 4096;
        file.Write(Enumerable.Repeat((byte)0xA5, (int)(length - 4096)).ToArray());
    }

    [Fact]
    public async Task Pages_damaged_under_a_running_server_answer_UNAVAILABLE_STORAGE_CORRUPT_and_health_NOT_SERVING()
    {
        var (_, channel) = await Start($"Data Source={DatabasePath}");
        await Fill(channel);
        Assert.Equal(ServingStatus.Serving, await Health(channel));

        Damage(DatabasePath);

        // Whichever call first meets a damaged page answers STORAGE_CORRUPT: the same feed again (a write over
        // every parcel's rows), then every parcel read back.
        var cache = new ParcelService.ParcelServiceClient(channel);
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await Fill(channel);
            for (var i = 0; i < 300; i++) await cache.GetParcelAsync(new GetParcelRequest { ParcelId = $"DMG-{i:D3}" });
            await cache.ListParcelsAsync(new ListParcelsRequest { PageSize = 1000 });
        });
        AssertFault(failure, StatusCode.Unavailable, "STORAGE_CORRUPT");
        Assert.Equal(ServingStatus.NotServing, await Health(channel));
    }

    [Fact]
    public async Task Starting_on_a_damaged_file_ends_with_one_line_and_exit_code_2()
    {
        var (app, channel) = await Start($"Data Source={DatabasePath}");
        await Fill(channel);
        // Disposed, not only stopped: its connections close, so none can keep the checkpoint from reaching the file.
        await app.StopAsync();
        await app.DisposeAsync();
        _apps.Remove(app);
        SqliteConnection.ClearAllPools();
        Damage(DatabasePath);

        var (exit, output, errors) = await RunServer($"Data Source={DatabasePath}");

        Assert.Equal(2, exit);
        Assert.DoesNotContain("Exception", output);
        var line = Assert.Single(errors);
        Assert.StartsWith($"scoring: cannot start: the database {DatabasePath} cannot be opened: the database file is damaged", line);
    }

    [Fact]
    public async Task Starting_with_a_data_directory_that_cannot_be_created_ends_with_one_line_and_exit_code_2()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "data"), "a file where the data directory should be");

        var (exit, output, errors) = await RunServer($"Data Source={DatabasePath}");

        Assert.Equal(2, exit);
        Assert.DoesNotContain("Exception", output);
        var line = Assert.Single(errors);
        Assert.StartsWith($"scoring: cannot start: the data directory {Path.Combine(_directory, "data")} cannot be created", line);
    }

    // Polls a condition every 10 ms for at most 30 seconds.
    private static async Task Until(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new Xunit.Sdk.XunitException("waited 30 s for the recorded evaluations");
            await Task.Delay(10);
        }
    }

    // Repeats a write until it fails (at most 1,000 times).
    private static async Task<RpcException> FirstFailure(Func<int, Task> write)
    {
        for (var i = 0; i < 1000; i++)
        {
            try { await write(i); }
            catch (RpcException e) { return e; }
        }
        throw new Xunit.Sdk.XunitException("1,000 writes went through a database that should be full");
    }

    // The built server as its own process, to see its exit code and everything it prints.
    private static Task<(int Exit, string Output, string[] Errors)> RunServer(string connectionString) =>
        ServerProcess.RunToExitAsync("--urls", "http://127.0.0.1:0", $"--ConnectionStrings:Scoring={connectionString}");
}
