using System.Data.Common;
using Scoring.Storage.Models;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

/// <summary>Request ids (AIP-155) kept with the versions their calls created, in the same transaction.</summary>
public abstract class ModelRequestTests(StoreUnderTest target) : IDisposable
{
    private readonly IModelStore _store = target.Open().Models;


    public void Dispose() => target.Dispose();

    private static string Doc(int version) => $$"""{"id":"jiangning","version":"{{version}}"}""";

    private static NewModel Round(string? requestId, string? hash, string author = "alice") => new()
    {
        ParentVersion = 1, Author = author, Note = "expert round", DocumentJsonFor = Doc, Action = AuditActions.UpdateWeights,
        RequestId = requestId, RequestHash = hash,
    };

    private long Count(string table) => target.Scalar($"SELECT count(*) FROM {table};");

    [StoreFact]
    public async Task A_version_stored_with_a_request_id_is_found_by_it_with_the_hash_and_time()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        target.Clock.Advance(TimeSpan.FromHours(1));

        var added = await _store.AddOnceAsync(Round("round-7", "hash-a"), activate: false, null);

        Assert.False(added.Replayed);
        Assert.Equal(2, added.Model.Version);
        Assert.Equal(new ModelRequest("round-7", "hash-a", 2, new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)),
            await _store.FindByRequestAsync("round-7"));
        Assert.Null(await _store.FindByRequestAsync("round-8"));
        Assert.Equal(1, Count("model_requests"));
    }

    [StoreFact]
    public async Task Adding_again_with_the_same_id_and_hash_gives_back_the_first_version_writing_nothing_even_when_the_expected_version_is_stale()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var first = await _store.AddOnceAsync(Round("round-7", "hash-a"), activate: true, expectedActiveVersion: "1");
        var calls = 0;

        // Version 1 is no longer active: the first call made version 2 active.
        var retry = await _store.AddOnceAsync(Round("round-7", "hash-a") with { DocumentJsonFor = v => { calls++; return Doc(v); } },
            activate: true, expectedActiveVersion: "1");

        Assert.True(retry.Replayed);
        Assert.Equal(first.Model, retry.Model);
        Assert.Equal(0, calls);
        Assert.Equal(2, Count("models"));
        Assert.Equal(4, Count("audit_log")); // version 1: created, activated; version 2: created, activated
        Assert.Equal(2, await _store.GetActiveVersionAsync());
    }

    [StoreFact]
    public async Task A_replay_does_not_activate_its_version_again_after_a_rollback()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Round("round-7", "hash-a"), activate: true, null);
        await _store.ActivateAsync(1, "carol", "rollback", null);

        var retry = await _store.AddOnceAsync(Round("round-7", "hash-a"), activate: true, null);

        Assert.True(retry.Replayed);
        Assert.Equal(1, await _store.GetActiveVersionAsync());
        Assert.Equal(5, Count("audit_log"));
    }

    [StoreFact]
    public async Task The_same_id_with_another_hash_is_refused_and_writes_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Round("round-7", "hash-a"), activate: false, null);

        var refused = await Assert.ThrowsAsync<RequestIdReusedException>(() => _store.AddAsync(Round("round-7", "hash-b"), activate: true, null));

        Assert.Equal("round-7", refused.RequestId);
        Assert.Equal(2, Count("models"));
        Assert.Equal(3, Count("audit_log"));
        Assert.Equal(1, await _store.GetActiveVersionAsync());
        Assert.Equal("hash-a", (await _store.FindByRequestAsync("round-7"))!.RequestHash);
    }

    [StoreFact]
    public async Task Eight_concurrent_adds_with_one_request_id_store_one_version_and_all_get_it()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var other = target.Open().Models; // half the callers through a second instance on the same file

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _store : other).AddOnceAsync(Round("round-7", "hash-a", author: $"expert{i}"), activate: true, expectedActiveVersion: "1"))));

        Assert.All(added, a => Assert.Equal(2, a.Model.Version));
        Assert.Single(added, a => !a.Replayed);
        Assert.Equal(2, Count("models"));
        Assert.Equal(4, Count("audit_log"));
        Assert.Equal(1, Count("model_requests"));
    }

    [StoreFact]
    public async Task A_failure_storing_the_request_id_leaves_no_version_behind()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        // Fails the last insert of the transaction, after the version and its audit record are written.
        target.Execute(target.Provider == StorageProvider.Sqlite
            ? "CREATE TRIGGER refuse_requests BEFORE INSERT ON model_requests BEGIN SELECT RAISE(ABORT, 'refused'); END;"
            : """
              CREATE FUNCTION refuse_requests() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END; $$;
              CREATE TRIGGER refuse_requests BEFORE INSERT ON model_requests FOR EACH ROW EXECUTE FUNCTION refuse_requests();
              """);

        await Assert.ThrowsAnyAsync<DbException>(() => _store.AddAsync(Round("round-7", "hash-a"), activate: true, null));

        Assert.Equal(1, Count("models"));
        Assert.Equal(2, Count("audit_log"));
        Assert.Equal(0, Count("model_requests"));
        Assert.Equal(1, await _store.GetActiveVersionAsync());
    }

    [StoreTheory]
    [InlineData("round-7", null)]
    [InlineData(null, "hash-a")]
    [InlineData("", "hash-a")]
    public async Task A_request_id_without_its_hash_or_empty_is_refused_before_anything_is_written(string? requestId, string? hash)
    {
        await _store.EnsureInitialAsync(Doc, "system");

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(Round(requestId, hash), activate: false, null));

        Assert.Equal("model", refused.ParamName);
        Assert.Equal(1, Count("models"));
    }
}

/// <summary>The tests of <see cref="ModelRequestTests"/> on a SQLite file.</summary>
public sealed class SqliteModelRequestTests() : ModelRequestTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ModelRequestTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresModelRequestTests(PostgresCluster cluster) : ModelRequestTests(new PostgresUnderTest(cluster, typeof(PostgresModelRequestTests)));
