using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Scoring.Server.Extensions;
using Scoring.Storage;
using Scoring.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Scoring.Server.Tests;

/// <summary>
/// Storage faults made with real files under a running server, seen over gRPC and REST, then their cause removed:
/// health comes back to SERVING and writes are taken again without a restart, every write acknowledged before the
/// fault is still there and no refused write is.
/// </summary>
public sealed class StorageRecoveryTests : IAsyncLifetime
{
    private static readonly JsonParser StatusParser = new(JsonParser.Settings.Default.WithTypeRegistry(
        Google.Protobuf.Reflection.TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "scoring-recovery-" + Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _apps = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly List<Process> _processes = [];
    private readonly List<string> _mounts = [];

    private string DataDirectory => Path.Combine(_directory, "data");
    private string DatabasePath => Path.Combine(DataDirectory, "scoring.db");
    private string BackupDirectory => Path.Combine(_directory, "backups");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var d in _disposables) d.Dispose();
        foreach (var p in _processes)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
        }
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        foreach (var mount in _mounts) Run("umount", "-l", mount);
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>A server in this process with a gRPC (HTTP/2) and a REST (HTTP/1.1) endpoint.</summary>
    private async Task<Endpoints> Start(string databasePath)
    {
        var (grpcPort, restPort) = (FreePort(), FreePort());
        var app = ScoringApp.Create(
        [
            $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{grpcPort}", "--Kestrel:Endpoints:Grpc:Protocols=Http2",
            $"--Kestrel:Endpoints:Rest:Url=http://127.0.0.1:{restPort}", "--Kestrel:Endpoints:Rest:Protocols=Http1",
            "--environment", "Development", "--Logging:LogLevel:Default=None",
            $"--ConnectionStrings:Scoring=Data Source={databasePath}", $"--Storage:BackupDirectory={BackupDirectory}",
        ]);
        _apps.Add(app);
        await app.StartAsync();
        return Connect(grpcPort, restPort);
    }

    /// <summary>The built server as its own process, run as the unprivileged user nobody (the tests run as root).</summary>
    private async Task<Endpoints> StartAsNobody(string databasePath)
    {
        var (grpcPort, restPort) = (FreePort(), FreePort());
        var home = Path.Combine(_directory, "home");
        Directory.CreateDirectory(home);
        Run("chown", "-R", "nobody:nogroup", _directory);
        var info = new ProcessStartInfo("setpriv")
        {
            ArgumentList =
            {
                "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env", $"HOME={home}", "dotnet",
                Path.Combine(AppContext.BaseDirectory, "Scoring.Server.dll"),
                $"--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:{grpcPort}", "--Kestrel:Endpoints:Grpc:Protocols=Http2",
                $"--Kestrel:Endpoints:Rest:Url=http://127.0.0.1:{restPort}", "--Kestrel:Endpoints:Rest:Protocols=Http1",
                $"--ConnectionStrings:Scoring=Data Source={databasePath}", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var process = Process.Start(info)!;
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var endpoints = Connect(grpcPort, restPort);
        // Listening once health answers at all (NOT_SERVING is an answer).
        await Until(async () =>
        {
            Assert.False(process.HasExited, $"the server exited with {(process.HasExited ? process.ExitCode : 0)}");
            try { await Health(endpoints.Grpc); return true; }
            catch (RpcException) { return false; }
        }, "the server to listen", seconds: 90);
        return endpoints;
    }

    private Endpoints Connect(int grpcPort, int restPort)
    {
        var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{restPort}") };
        _disposables.Add(channel);
        _disposables.Add(http);
        return new Endpoints(channel, http);
    }

    private sealed record Endpoints(GrpcChannel Grpc, HttpClient Rest)
    {
        public ScoringService.ScoringServiceClient Scoring => new(Grpc);
        public ParcelService.ParcelServiceClient Parcels => new(Grpc);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: {errors}");
    }

    // Polls until the condition holds, for at most the given seconds (the machine is shared: generous).
    private static async Task Until(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(seconds)) throw new Xunit.Sdk.XunitException($"waited {seconds} s for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<ServingStatus> Health(GrpcChannel channel) =>
        (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status;

    private static Task UntilServing(Endpoints server) =>
        Until(async () => await Health(server.Grpc) == ServingStatus.Serving, "health SERVING");

    private static EvaluateParcelRequest Recorded(string id) => new() { Parcel = HandWorkedParcel.Input(id) };

    private static async Task<UpsertParcelsResponse> Upsert(Endpoints server, params string[] ids)
    {
        using var call = server.Parcels.UpsertParcels();
        var chunk = new UpsertParcelsRequest { Source = "recovery-test", AsOf = "2025-06-30" };
        foreach (var id in ids) chunk.Parcels.Add(HandWorkedParcel.Input(id));
        await call.RequestStream.WriteAsync(chunk);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext());
        return call.ResponseStream.Current;
    }

    private static void AssertFault(RpcException e, StatusCode code, string reason)
    {
        Assert.Equal(code, e.StatusCode);
        var info = e.GetRpcStatus()!.GetDetail<ErrorInfo>();
        Assert.Equal((reason, "scoring.v1"), (info.Reason, info.Domain));
    }

    // A recorded evaluation over REST (it writes the history): the HTTP status and the google.rpc.Status body.
    private static async Task<(HttpStatusCode Status, Google.Rpc.Status? Body)> RecordedOverRest(Endpoints server, string id)
    {
        using var response = await server.Rest.PostAsync("/v1/parcels:evaluate",
            new StringContent(JsonFormatter.Default.Format(Recorded(id)), System.Text.Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? null : StatusParser.Parse<Google.Rpc.Status>(json));
    }

    private static async Task AssertRestFault(Endpoints server, string id, HttpStatusCode status, StatusCode code, string reason)
    {
        var (answered, body) = await RecordedOverRest(server, id);
        Assert.Equal(status, answered);
        Assert.Equal((int)code, body!.Code);
        var info = body.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal((reason, "scoring.v1"), (info.Reason, info.Domain));
    }

    private static async Task AssertStored(Endpoints server, IEnumerable<string> present, IEnumerable<string> absent)
    {
        foreach (var id in present)
            Assert.Equal(id, (await server.Parcels.GetParcelAsync(new GetParcelRequest { ParcelId = id })).Parcel.Attributes.ParcelId);
        foreach (var id in absent)
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
                server.Parcels.GetParcelAsync(new GetParcelRequest { ParcelId = id }).ResponseAsync)).StatusCode);
    }

    private static long Count(string databasePath, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void MoveSet(string from, string to)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(from + suffix)) File.Move(from + suffix, to + suffix);
    }

    [Fact]
    public async Task A_file_replaced_under_a_running_server_is_STORAGE_MISSING_over_gRPC_and_REST_gets_no_write_and_the_original_put_back_serves_again()
    {
        var server = await Start(DatabasePath);
        Assert.Equal(2, (await Upsert(server, "REP-1", "REP-2")).Accepted);
        // A database of this service with the same schema, made by another server: only its identity differs.
        var other = Path.Combine(_directory, "other.db");
        new ScoringDatabase($"Data Source={other}").Dispose();
        var aside = Path.Combine(_directory, "aside.db");

        MoveSet(DatabasePath, aside);
        File.Move(other, DatabasePath);

        AssertFault(await Assert.ThrowsAsync<RpcException>(() => server.Scoring.EvaluateParcelAsync(Recorded("REP-X")).ResponseAsync),
            StatusCode.Unavailable, "STORAGE_MISSING");
        AssertFault(await Assert.ThrowsAsync<RpcException>(() => Upsert(server, "REP-Y")), StatusCode.Unavailable, "STORAGE_MISSING");
        await AssertRestFault(server, "REP-Z", HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable, "STORAGE_MISSING");
        Assert.Equal(ServingStatus.NotServing, await Health(server.Grpc));

        File.Move(DatabasePath, other);
        MoveSet(aside, DatabasePath);
        await UntilServing(server);

        Assert.Equal(1, (await Upsert(server, "REP-3")).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await RecordedOverRest(server, "REP-3")).Status);
        await AssertStored(server, ["REP-1", "REP-2", "REP-3"], ["REP-Y"]);
        // Nothing of the refused writes reached the other file.
        Assert.Equal(0, Count(other, "SELECT count(*) FROM parcels;"));
        Assert.Equal(0, Count(other, "SELECT count(*) FROM evaluations;"));
    }

    [Fact]
    public async Task A_deleted_data_directory_is_STORAGE_MISSING_over_gRPC_and_REST_and_serves_again_once_restored_from_a_backup()
    {
        var server = await Start(DatabasePath);
        Assert.Equal(3, (await Upsert(server, "DIR-1", "DIR-2", "DIR-3")).Accepted);
        var backup = await new OperationsService.OperationsServiceClient(server.Grpc).CreateBackupAsync(new CreateBackupRequest());

        Directory.Delete(DataDirectory, recursive: true);

        AssertFault(await Assert.ThrowsAsync<RpcException>(() => Upsert(server, "DIR-X")), StatusCode.Unavailable, "STORAGE_MISSING");
        await AssertRestFault(server, "DIR-Y", HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable, "STORAGE_MISSING");
        Assert.Equal(ServingStatus.NotServing, await Health(server.Grpc));
        Assert.False(File.Exists(DatabasePath)); // no new, empty database in its place

        Directory.CreateDirectory(DataDirectory);
        File.Copy(Path.Combine(backup.Directory, backup.FileName), DatabasePath);
        await UntilServing(server);

        Assert.Equal(1, (await Upsert(server, "DIR-4")).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await RecordedOverRest(server, "DIR-4")).Status);
        await AssertStored(server, ["DIR-1", "DIR-2", "DIR-3", "DIR-4"], ["DIR-X"]);
    }

    [Fact]
    public async Task Damaged_pages_are_STORAGE_CORRUPT_and_the_server_serves_again_once_the_file_is_restored_from_a_backup()
    {
        var server = await Start(DatabasePath);
        var ids = Enumerable.Range(0, 300).Select(i => $"DMG-{i:D3}").ToArray();
        Assert.Equal(300, (await Upsert(server, ids)).Accepted);
        var backup = await new OperationsService.OperationsServiceClient(server.Grpc).CreateBackupAsync(new CreateBackupRequest());
        StorageFaultTests.Damage(DatabasePath);

        // Whichever call first meets a damaged page answers STORAGE_CORRUPT: the same chunk again, then every parcel read.
        var failure = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await Upsert(server, ids);
            foreach (var id in ids) await server.Parcels.GetParcelAsync(new GetParcelRequest { ParcelId = id });
            await server.Parcels.ListParcelsAsync(new ListParcelsRequest { PageSize = 1000 });
        });
        AssertFault(failure, StatusCode.Unavailable, "STORAGE_CORRUPT");
        Assert.Equal(ServingStatus.NotServing, await Health(server.Grpc));

        // The README's steps while the server runs: the damaged file and its -wal and -shm go, the snapshot comes in.
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(DatabasePath + suffix);
        File.Copy(Path.Combine(backup.Directory, backup.FileName), DatabasePath);
        await UntilServing(server);

        Assert.Equal(1, (await Upsert(server, "DMG-NEW")).Accepted);
        Assert.Equal(HandWorkedParcel.Score, (await server.Scoring.EvaluateParcelAsync(Recorded("DMG-NEW"))).Evaluation.Score, 9);
        await AssertStored(server, [.. ids, "DMG-NEW"], []);
    }

    [Fact]
    public async Task A_server_without_write_permission_is_STORAGE_READ_ONLY_reads_go_on_and_writes_are_taken_once_permission_is_restored()
    {
        var first = await Start(DatabasePath);
        Assert.Equal(2, (await Upsert(first, "RO-1", "RO-2")).Accepted);
        await _apps[0].StopAsync();
        await _apps[0].DisposeAsync();
        _apps.Clear();
        SqliteConnection.ClearAllPools();

        // The server runs as nobody, who owns the folder, and the file has lost its write permission. (A server that
        // opened the file writable keeps writing through its descriptor, and that is on disk; this one opens it
        // read-only, as any server started or reconnecting after the change would.)
        Run("chmod", "0444", DatabasePath);
        var server = await StartAsNobody(DatabasePath);
        Assert.Equal(ServingStatus.NotServing, await Health(server.Grpc));

        AssertFault(await Assert.ThrowsAsync<RpcException>(() => server.Scoring.EvaluateParcelAsync(Recorded("RO-X")).ResponseAsync),
            StatusCode.Unavailable, "STORAGE_READ_ONLY");
        AssertFault(await Assert.ThrowsAsync<RpcException>(() => Upsert(server, "RO-Y")), StatusCode.Unavailable, "STORAGE_READ_ONLY");
        await AssertRestFault(server, "RO-Z", HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable, "STORAGE_READ_ONLY");
        await AssertStored(server, ["RO-1", "RO-2"], ["RO-Y"]);
        Assert.Equal(HandWorkedParcel.Score,
            (await server.Scoring.EvaluateParcelAsync(new EvaluateParcelRequest { Parcel = HandWorkedParcel.Input("RO-READ"), SkipHistory = true })).Evaluation.Score, 9);

        // SQLite made the -wal and -shm with the file's mode: the operator gives all three their permission back.
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(DatabasePath + suffix)) Run("chmod", "0644", DatabasePath + suffix);
        await UntilServing(server);

        Assert.Equal(1, (await Upsert(server, "RO-3")).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await RecordedOverRest(server, "RO-3")).Status);
        await AssertStored(server, ["RO-1", "RO-2", "RO-3"], ["RO-Y"]);
    }

    [Fact]
    public async Task A_full_file_system_is_RESOURCE_EXHAUSTED_STORAGE_FULL_over_gRPC_and_REST_reads_go_on_and_writes_resume_once_space_is_freed()
    {
        var mount = Path.Combine(_directory, "small");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount);
        _mounts.Add(mount);
        var filler = Path.Combine(mount, "filler");
        var server = await Start(Path.Combine(mount, "scoring.db"));
        // What is left of the 2 MiB after the empty database, save about 64 KiB, goes to a file the test frees later.
        var free = new DriveInfo(mount).AvailableFreeSpace;
        File.WriteAllBytes(filler, new byte[Math.Max(0, free - 64 * 1024)]);

        var acknowledged = new List<string>();
        RpcException? full = null;
        for (var c = 0; c < 200 && full is null; c++)
        {
            var chunk = Enumerable.Range(0, 5).Select(i => $"FULL-{c:D3}-{i:D2}").ToArray();
            try
            {
                Assert.Equal(5, (await Upsert(server, chunk)).Accepted);
                acknowledged.AddRange(chunk);
            }
            catch (RpcException e) { full = e; }
        }

        Assert.NotNull(full);
        AssertFault(full, StatusCode.ResourceExhausted, "STORAGE_FULL");
        var refused = $"FULL-{acknowledged.Count / 5:D3}-00";
        // Every recorded evaluation fills the history's free space first, then is refused.
        HttpStatusCode rest = HttpStatusCode.OK;
        Google.Rpc.Status? body = null;
        for (var i = 0; i < 2000 && rest == HttpStatusCode.OK; i++) (rest, body) = await RecordedOverRest(server, $"FULL-REST-{i}");
        Assert.Equal(HttpStatusCode.TooManyRequests, rest);
        Assert.Equal(((int)StatusCode.ResourceExhausted, "STORAGE_FULL"),
            (body!.Code, body.Details.Single(d => d.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>().Reason));
        // Reads go on and health stays SERVING.
        Assert.Equal(ServingStatus.Serving, await Health(server.Grpc));
        await AssertStored(server, acknowledged, [refused]);

        File.Delete(filler);

        Assert.Equal(1, (await Upsert(server, "FULL-AFTER")).Accepted);
        Assert.Equal(HttpStatusCode.OK, (await RecordedOverRest(server, "FULL-AFTER")).Status);
        await AssertStored(server, [.. acknowledged, "FULL-AFTER"], [refused]);
    }
}
