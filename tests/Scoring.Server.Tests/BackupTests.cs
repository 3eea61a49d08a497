using Google.Rpc;
using Grpc.Core;
using Scoring.V1;
using static Scoring.Testing.SecuredServerFixture;

namespace Scoring.Server.Tests;

public sealed class BackupTests(SecuredServerFixture server) : IClassFixture<SecuredServerFixture>
{
    private static Metadata Key(string key) => new() { { "x-api-key", key } };

    private OperationsService.OperationsServiceClient Operations => new(server.Channel);

    [Fact]
    public async Task CreateBackup_as_admin_writes_a_snapshot_of_the_reported_size_into_backups_beside_the_database()
    {
        var before = DateTimeOffset.UtcNow;
        var r = await Operations.CreateBackupAsync(new CreateBackupRequest(), Key(AdminKey));

        var directory = Path.Combine(server.DataDirectory, "backups");
        Assert.Equal(directory, r.Directory);
        Assert.Matches(@"^scoring-\d{8}T\d{6}Z(-\d+)?\.db$", r.FileName);
        var file = new FileInfo(Path.Combine(directory, r.FileName));
        Assert.True(file.Exists);
        Assert.Equal(file.Length, r.SizeBytes);
        Assert.True(r.SizeBytes > 0);
        // The name is the create time, to the second.
        Assert.StartsWith(r.CreateTime.ToDateTimeOffset().ToString("'scoring-'yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture), r.FileName);
        Assert.InRange(r.CreateTime.ToDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task CreateBackup_over_REST_is_POST_v1_backups()
    {
        using var http = new HttpClient { BaseAddress = server.RestAddress };
        http.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        using var response = await http.PostAsync("/v1/backups", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        var r = Google.Protobuf.JsonParser.Default.Parse<CreateBackupResponse>(body);
        Assert.Equal(new FileInfo(Path.Combine(server.DataDirectory, "backups", r.FileName)).Length, r.SizeBytes);
    }

    [Fact]
    public async Task CreateBackup_is_refused_to_a_reader_and_a_writer()
    {
        var reader = await Assert.ThrowsAsync<RpcException>(() => Operations.CreateBackupAsync(new CreateBackupRequest(), Key(ReaderKey)).ResponseAsync);
        var writer = await Assert.ThrowsAsync<RpcException>(() => Operations.CreateBackupAsync(new CreateBackupRequest(), Key(WriterKey)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, reader.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, writer.StatusCode);
    }
}

/// <summary>A server whose backup directory lies below a regular file, so it can never be created (even as root).</summary>
public sealed class UnwritableBackupServer : ServerFixture
{
    /// <summary>Makes the file in the way; the server starts in <see cref="ServerFixture.InitializeAsync"/>.</summary>
    public UnwritableBackupServer()
    {
        Directory.CreateDirectory(DataDirectory);
        File.WriteAllText(FileInTheWay, "a regular file");
    }

    /// <summary>The regular file.</summary>
    public string FileInTheWay => Path.Combine(DataDirectory, "not-a-folder");

    /// <summary>The configured backup directory.</summary>
    public string BackupDirectory => Path.Combine(FileInTheWay, "backups");

    protected override IEnumerable<string> ExtraArgs => [$"--Storage:BackupDirectory={BackupDirectory}"];
}

public sealed class UnwritableBackupDirectoryTests(UnwritableBackupServer server) : IClassFixture<UnwritableBackupServer>
{
    [Fact]
    public async Task A_backup_directory_that_cannot_be_created_is_FAILED_PRECONDITION_naming_the_folder()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            new OperationsService.OperationsServiceClient(server.Channel).CreateBackupAsync(new CreateBackupRequest()).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        var status = e.GetRpcStatus()!;
        var info = status.GetDetail<ErrorInfo>();
        Assert.Equal("BACKUP_DIRECTORY_UNWRITABLE", info.Reason);
        Assert.Equal("scoring.v1", info.Domain);
        Assert.Equal(server.BackupDirectory, info.Metadata["directory"]);
        Assert.Equal(server.BackupDirectory, Assert.Single(status.GetDetail<PreconditionFailure>().Violations).Subject);
        Assert.Contains(server.BackupDirectory, status.Message);
        Assert.Equal("a regular file", await File.ReadAllTextAsync(server.FileInTheWay));
    }
}
