using System.Data.Common;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Models;
using Scoring.Storage.Paging;
using Scoring.Storage.Parcels;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class ModelStoreTests(StoreUnderTest target) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero); // TempDatabase's clock

    private readonly IModelStore _store = target.Open().Models;


    public void Dispose() => target.Dispose();

    internal static string Doc(int version) => $$"""{"id":"jiangning","version":"{{version}}"}""";

    private static NewModel Weights(int? parent, string author = "alice", string note = "expert round") => new()
    {
        ParentVersion = parent, Author = author, Note = note, DocumentJsonFor = Doc, Action = AuditActions.UpdateWeights,
    };

    // Two items, so every figure is easy to write out: the store keeps them as given and checks none of the AHP.
    private static readonly StoredJudgment Judgment = new("elements", ["economy", "land_use"], [1, 2, 0.5, 1], "alice");
    private static readonly StoredConsistency Consistency = new("elements", ["economy", "land_use"], [0.75, 0.25], 2, 0, 0,
        [new ExpertConsistency("alice", 2, 0, 0), new ExpertConsistency("bob", 2.5, 0.25, 0.125)]);

    private long Count(string table) => target.Scalar($"SELECT count(*) FROM {table};");

    private async Task<List<AuditRecord>> AllAudit(IModelStore store)
    {
        var records = new List<AuditRecord>();
        string? token = null;
        do
        {
            var page = await store.ListAuditAsync(0, token);
            records.AddRange(page.Records);
            token = page.NextPageToken;
        } while (token is not null);
        return records;
    }

    [StoreFact]
    public async Task New_database_gets_the_default_model_as_version_1_active_with_two_audit_records()
    {
        var stored = await _store.EnsureInitialAsync(Doc, "system");

        Assert.Equal(new StoredModel(1, null, "system", Start, ModelStore.InitialNote, """{"id":"jiangning","version":"1"}""",
            [], []), stored);
        Assert.Equal(1, await _store.GetActiveVersionAsync());
        Assert.Equal(stored, await _store.GetAsync(1));
        Assert.Equal(
        [
            new AuditRecord(2, Start, "system", "activate_model", 1, null, ModelStore.InitialNote, null),
            new AuditRecord(1, Start, "system", "create_model", 1, null, ModelStore.InitialNote, null),
        ], (await _store.ListAuditAsync(10, null)).Records);
    }

    [StoreFact]
    public async Task Ensure_initial_again_from_another_database_instance_returns_the_active_version_and_adds_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), activate: true, null);
        var calls = 0;
        var again = target.Open().Models;

        var stored = await again.EnsureInitialAsync(v => { calls++; return Doc(v); }, "other-replica");

        Assert.Equal(2, stored.Version);
        Assert.Equal("alice", stored.Author);
        Assert.Equal(0, calls);
        Assert.Equal(2, Count("models"));
        Assert.Equal(4, Count("audit_log"));
    }

    [StoreFact]
    public async Task Two_instances_starting_at_once_store_one_default_model()
    {
        var first = target.Open().Models;
        var second = target.Open().Models;

        var both = await Task.WhenAll(
            Task.Run(() => first.EnsureInitialAsync(Doc, "replica-a")),
            Task.Run(() => second.EnsureInitialAsync(Doc, "replica-b")));

        Assert.Equal(both[0], both[1]);
        Assert.Equal(1, both[0].Version);
        Assert.Equal(1, Count("models"));
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public async Task Added_versions_are_numbered_2_and_3_and_keep_parent_author_note_time_and_json()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var numbers = new List<int>();
        target.Clock.Advance(TimeSpan.FromHours(1));

        var second = await _store.AddAsync(new NewModel
        {
            ParentVersion = 1, Author = "alice", Note = "expert round 2", DocumentJsonFor = v => { numbers.Add(v); return Doc(v); },
            Action = AuditActions.UpdateWeights, Judgments = [Judgment], Consistency = [Consistency],
        }, activate: false, null);
        target.Clock.Advance(TimeSpan.FromMinutes(30));
        var third = await _store.AddAsync(new NewModel
        {
            ParentVersion = 2, Author = "bob", Note = "Pukou adaptation", DocumentJsonFor = Doc, Action = AuditActions.CreateModel,
            DetailsJson = """{"district":"Pukou"}""",
        }, activate: false, null);

        var nine = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var halfPastNine = new DateTimeOffset(2025, 3, 1, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal([2], numbers);
        Assert.Equal(new StoredModel(2, 1, "alice", nine, "expert round 2", """{"id":"jiangning","version":"2"}""",
            [Judgment], [Consistency]), second);
        Assert.Equal(new StoredModel(3, 2, "bob", halfPastNine, "Pukou adaptation", """{"id":"jiangning","version":"3"}""",
            [], []), third);
        Assert.Equal(second, await _store.GetAsync(2));
        Assert.Equal(third, await _store.GetAsync(3));
        Assert.Equal(1, await _store.GetActiveVersionAsync()); // not activated
        Assert.Equal(
        [
            new AuditRecord(4, halfPastNine, "bob", "create_model", 3, null, "Pukou adaptation", """{"district":"Pukou"}"""),
            new AuditRecord(3, nine, "alice", "update_weights", 2, null, "expert round 2", null),
        ], (await _store.ListAuditAsync(2, null)).Records);
    }

    [StoreFact]
    public async Task Adding_with_activate_makes_the_new_version_active_and_audits_the_switch_from_the_old_one()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        target.Clock.Advance(TimeSpan.FromHours(2));

        var stored = await _store.AddAsync(Weights(1, note: "Table 1 revised"), activate: true, expectedActiveVersion: "1");

        var ten = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(2, stored.Version);
        Assert.Equal(2, await _store.GetActiveVersionAsync());
        Assert.Equal(
        [
            new AuditRecord(4, ten, "alice", "activate_model", 2, 1, "Table 1 revised", null),
            new AuditRecord(3, ten, "alice", "update_weights", 2, null, "Table 1 revised", null),
        ], (await _store.ListAuditAsync(2, null)).Records);
    }

    [StoreFact]
    public async Task Activating_an_earlier_version_rolls_back_and_is_audited_with_the_version_it_replaced()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), activate: true, null);
        target.Clock.Advance(TimeSpan.FromDays(1));

        var result = await _store.ActivateAsync(1, "carol", "v2 misclassifies Binjiang", expectedActiveVersion: "2");

        Assert.True(result.Changed);
        Assert.Equal(2, result.PreviousVersion);
        Assert.Equal(1, result.Model.Version);
        Assert.Equal("""{"id":"jiangning","version":"1"}""", result.Model.DocumentJson);
        Assert.Equal(1, await _store.GetActiveVersionAsync());
        Assert.Equal(new AuditRecord(5, new DateTimeOffset(2025, 3, 2, 8, 0, 0, TimeSpan.Zero), "carol", "activate_model", 1, 2,
            "v2 misclassifies Binjiang", null), (await _store.ListAuditAsync(1, null)).Records.Single());
        Assert.Equal(2, Count("models")); // a rollback stores no new version
    }

    [StoreFact]
    public async Task Activating_the_active_version_succeeds_without_writing_anything()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        var result = await _store.ActivateAsync(1, "carol", "again", expectedActiveVersion: "1");

        Assert.False(result.Changed);
        Assert.Equal(1, result.PreviousVersion);
        Assert.Equal(1, result.Model.Version);
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public async Task Add_expecting_another_active_version_is_refused_and_writes_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), activate: true, null); // another planner got there first
        var calls = 0;

        var refused = await Assert.ThrowsAsync<ActiveVersionChangedException>(() => _store.AddAsync(
            Weights(1, author: "bob", note: "late") with { DocumentJsonFor = v => { calls++; return Doc(v); } },
            activate: true, expectedActiveVersion: "1"));

        Assert.Equal("1", refused.ExpectedVersion);
        Assert.Equal(2, refused.ActiveVersion);
        Assert.Equal(0, calls);
        Assert.Equal(2, Count("models"));
        Assert.Equal(4, Count("audit_log"));
        Assert.Equal(2, await _store.GetActiveVersionAsync());
    }

    [StoreFact]
    public async Task Activate_expecting_another_active_version_is_refused_and_writes_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), activate: true, null);

        var refused = await Assert.ThrowsAsync<ActiveVersionChangedException>(
            () => _store.ActivateAsync(1, "carol", "rollback", expectedActiveVersion: "3"));

        Assert.Equal("3", refused.ExpectedVersion);
        Assert.Equal(2, refused.ActiveVersion);
        Assert.Equal(2, await _store.GetActiveVersionAsync());
        Assert.Equal(4, Count("audit_log"));
    }

    [StoreFact]
    public async Task Expecting_a_version_on_a_database_without_an_active_one_is_refused()
    {
        var refused = await Assert.ThrowsAsync<ActiveVersionChangedException>(
            () => _store.AddAsync(Weights(null), activate: true, expectedActiveVersion: "1"));

        Assert.Null(refused.ActiveVersion);
        Assert.Equal(0, Count("models"));
    }

    [StoreFact]
    public async Task Activating_an_unknown_version_is_refused_naming_it()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        var refused = await Assert.ThrowsAsync<ModelVersionNotFoundException>(() => _store.ActivateAsync(42, "carol", "", null));

        Assert.Equal(42, refused.Version);
        Assert.Contains("42", refused.Message);
        Assert.Equal(1, await _store.GetActiveVersionAsync());
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public async Task Adding_with_an_unknown_parent_is_refused_and_writes_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        var refused = await Assert.ThrowsAsync<ModelVersionNotFoundException>(() => _store.AddAsync(Weights(7), false, null));

        Assert.Equal(7, refused.Version);
        Assert.Equal(1, Count("models"));
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public async Task Document_that_is_not_json_is_refused_and_nothing_is_written()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        await Assert.ThrowsAnyAsync<DbException>(() => _store.AddAsync(
            Weights(1) with { DocumentJsonFor = _ => "{not json", Action = AuditActions.CreateModel }, true, null));

        Assert.Equal(1, Count("models"));
        Assert.Equal(2, Count("audit_log"));
        Assert.Equal(1, await _store.GetActiveVersionAsync());
    }

    [StoreFact]
    public async Task New_model_recorded_as_an_activation_is_refused()
    {
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(
            Weights(null) with { Action = AuditActions.ActivateModel }, true, null));

        Assert.Equal("model", refused.ParamName);
    }

    [StoreFact]
    public async Task Unknown_version_reads_as_null()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        Assert.Null(await _store.GetAsync(2));
    }

    [StoreFact]
    public async Task Eight_concurrent_adds_get_distinct_consecutive_versions_and_an_unbroken_activation_chain()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var other = target.Open().Models; // half the writers through a second instance on the same file

        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _store : other).AddAsync(Weights(1, author: $"expert{i}"), activate: true, null))));

        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9], added.Select(m => m.Version).Order());
        Assert.All(added, m => Assert.Equal(Doc(m.Version), m.DocumentJson));
        Assert.Equal(8, added.Select(m => m.Author).Distinct().Count());
        Assert.Equal(9, Count("models"));
        Assert.Equal(2 + 8 * 2, Count("audit_log"));
        Assert.Equal(9, await _store.GetActiveVersionAsync()); // the last one stored was the last one activated
        // Oldest first, each activation replaced the one before it.
        var activations = (await AllAudit(_store)).Where(r => r.Action == "activate_model").Reverse().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], activations.Select(r => r.Version));
        Assert.Equal([null, 1, 2, 3, 4, 5, 6, 7, 8], activations.Select(r => r.PreviousVersion));
    }

    [StoreFact]
    public async Task Audit_records_list_newest_first_in_pages()
    {
        await _store.EnsureInitialAsync(Doc, "system");                   // 1 create v1, 2 activate v1
        target.Clock.Advance(TimeSpan.FromHours(1));
        await _store.AddAsync(Weights(1), activate: true, null);           // 3 update_weights v2, 4 activate v2
        target.Clock.Advance(TimeSpan.FromHours(1));
        await _store.ActivateAsync(1, "carol", "rollback", null);          // 5 activate v1

        var seen = new List<(long, string, int, int?, int)>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await _store.ListAuditAsync(2, token);
            seen.AddRange(page.Records.Select(r => (r.Id, r.Action, r.Version, r.PreviousVersion, r.At.Hour)));
            token = page.NextPageToken;
            pages++;
        } while (token is not null);

        Assert.Equal(3, pages); // 2 + 2 + 1
        Assert.Equal(
        [
            (5L, "activate_model", 1, (int?)2, 10),
            (4L, "activate_model", 2, 1, 9),
            (3L, "update_weights", 2, null, 9),
            (2L, "activate_model", 1, null, 8),
            (1L, "create_model", 1, null, 8),
        ], seen);
    }

    [StoreFact]
    public async Task Models_list_newest_first_in_pages_with_the_active_version()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        for (var parent = 1; parent <= 4; parent++) await _store.AddAsync(Weights(parent), activate: parent == 2, null);

        var first = await _store.ListAsync(2, null);
        var second = await _store.ListAsync(2, first.NextPageToken);
        var third = await _store.ListAsync(2, second.NextPageToken);

        Assert.Equal([5, 4], first.Models.Select(m => m.Version));
        Assert.Equal([3, 2], second.Models.Select(m => m.Version));
        Assert.Equal([1], third.Models.Select(m => m.Version));
        Assert.Null(third.NextPageToken);
        Assert.Equal(3, first.ActiveVersion);
        Assert.Equal([4, 3, 2, 1, null], first.Models.Concat(second.Models).Concat(third.Models).Select(m => m.ParentVersion));
    }

    [StoreFact]
    public async Task All_versions_list_oldest_first()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), false, null);
        await _store.AddAsync(Weights(1), false, null);

        var all = await _store.ListAllAsync();

        Assert.Equal([1, 2, 3], all.Select(m => m.Version));
        Assert.Equal([Doc(1), Doc(2), Doc(3)], all.Select(m => m.DocumentJson));
    }

    [StoreFact]
    public async Task Empty_store_lists_nothing_and_has_no_active_version()
    {
        var page = await _store.ListAsync(0, null);

        Assert.Empty(page.Models);
        Assert.Null(page.ActiveVersion);
        Assert.Null(page.NextPageToken);
        Assert.Empty(await _store.ListAllAsync());
        Assert.Empty((await _store.ListAuditAsync(0, null)).Records);
        Assert.Null(await _store.GetActiveVersionAsync());
    }

    [StoreFact]
    public async Task Page_token_of_the_audit_listing_is_refused_by_the_model_listing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var audit = await _store.ListAuditAsync(1, null);

        var refused = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _store.ListAsync(1, audit.NextPageToken));

        Assert.Equal("pageToken", refused.ParamName);
    }

    private string? Text(string sql)
    {
        using var connection = target.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() as string;
    }

    [StoreFact]
    public async Task Judgments_and_consistency_are_kept_in_the_json_shape_databases_already_hold_and_read_back_typed()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        var bob = new StoredJudgment("elements", ["economy", "land_use"], [1, 4, 0.25, 1], "bob");

        var stored = await _store.AddAsync(Weights(1) with { Judgments = [Judgment, bob], Consistency = [Consistency] }, false, null);
        var weightsOnly = await _store.AddAsync(Weights(2), false, null);

        Assert.Equal(
            """[{"group":"elements","items":["economy","land_use"],"values":[1,2,0.5,1],"expert":"alice"},""" +
            """{"group":"elements","items":["economy","land_use"],"values":[1,4,0.25,1],"expert":"bob"}]""",
            Text("SELECT judgments_json FROM models WHERE version = 2;"));
        Assert.Equal(
            """[{"group":"elements","items":["economy","land_use"],"weights":[0.75,0.25],"lambda_max":2,"ci":0,"cr":0,"experts":[""" +
            """{"expert":"alice","lambda_max":2,"ci":0,"cr":0},{"expert":"bob","lambda_max":2.5,"ci":0.25,"cr":0.125}]}]""",
            Text("SELECT consistency_json FROM models WHERE version = 2;"));
        var read = (await _store.GetAsync(2))!;
        Assert.Equal([Judgment, bob], read.Judgments);
        Assert.Equal([Consistency], read.Consistency);
        Assert.Equal(stored, read);
        // No judgments: NULL columns, read back as empty lists.
        Assert.Null(Text("SELECT judgments_json FROM models WHERE version = 3;"));
        Assert.Null(Text("SELECT consistency_json FROM models WHERE version = 3;"));
        Assert.Empty(weightsOnly.Judgments);
        Assert.Empty((await _store.GetAsync(3))!.Consistency);
    }

    [StoreFact]
    public async Task Consistency_written_before_experts_were_kept_reads_back_with_no_experts()
    {
        // As an older build wrote it (the schema is there: the store opened the database).
        using (var connection = target.Raw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO models (version, parent_version, author, created_at, note, document_json, judgments_json, consistency_json)
                VALUES (1, NULL, 'alice', '2024-07-01T00:00:00.0000000Z', 'expert round', '{"version":"1"}',
                        '[{"group":"economy","items":["output_per_mu","tax_per_mu","net_profit"],"values":[1,3,5,0.3333333333333333,1,3,0.2,0.3333333333333333,1],"expert":"carol"}]',
                        '[{"group":"economy","items":["output_per_mu","tax_per_mu","net_profit"],"weights":[0.637,0.258,0.105],"lambda_max":3.039,"ci":0.0193,"cr":0.0372}]');
                """;
            command.ExecuteNonQuery();
        }

        var model = (await _store.GetAsync(1))!;

        Assert.Equal(new StoredJudgment("economy", ["output_per_mu", "tax_per_mu", "net_profit"],
            [1, 3, 5, 1 / 3.0, 1, 3, 0.2, 1 / 3.0, 1], "carol"), Assert.Single(model.Judgments));
        var consistency = Assert.Single(model.Consistency);
        Assert.Equal(new StoredConsistency("economy", ["output_per_mu", "tax_per_mu", "net_profit"], [0.637, 0.258, 0.105],
            3.039, 0.0193, 0.0372, []), consistency);
        Assert.Empty(consistency.Experts);
    }

    [StoreFact]
    public async Task Judgments_json_cannot_hold_are_refused_before_anything_is_written()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        var nan = await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(
            Weights(1) with { Judgments = [Judgment with { Values = [1, double.NaN, 0.5, 1] }] }, false, null));
        var infinite = await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(
            Weights(1) with { Consistency = [Consistency with { Experts = [new ExpertConsistency("bob", double.PositiveInfinity, 0, 0)] }] },
            false, null));
        var nullItems = await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(
            Weights(1) with { Judgments = [Judgment with { Items = null! }] }, false, null));

        Assert.Equal("model", nan.ParamName);
        Assert.Contains("judgments[0].values must be a finite number", nan.Message);
        Assert.Contains("consistency[0].experts[0].lambda_max must be a finite number", infinite.Message);
        Assert.Contains("judgments[0] lacks", nullItems.Message);
        Assert.Equal(1, Count("models"));
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public async Task A_label_points_at_a_version_moves_and_is_removed_each_change_audited_with_the_label()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.AddAsync(Weights(1), activate: false, null); // version 2, audit 3
        target.Clock.Advance(TimeSpan.FromDays(1));
        var day2 = Start.AddDays(1);

        Assert.Equal(new LabelChange("official", 1, null, true), await _store.SetLabelAsync("official", 1, "carol", "round 1"));
        Assert.Equal([new ModelLabel("official", 1, target.Kept(day2), "carol")], await _store.ListLabelsAsync());
        target.Clock.Advance(TimeSpan.FromDays(1));
        var day3 = Start.AddDays(2);
        Assert.Equal(new LabelChange("official", 2, 1, true), await _store.SetLabelAsync("official", 2, "dave", "round 2 adopted"));
        Assert.Equal(new LabelChange("candidate", 2, null, true), await _store.SetLabelAsync("candidate", 2, "dave", ""));
        Assert.Equal(new LabelChange("candidate", null, 2, true), await _store.SetLabelAsync("candidate", null, "dave", "withdrawn"));

        Assert.Equal([new ModelLabel("official", 2, target.Kept(day3), "dave")], await _store.ListLabelsAsync());
        Assert.Equal(
        [
            new AuditRecord(7, target.Kept(day3), "dave", "remove_model_label", 2, null, "withdrawn", """{"label":"candidate"}"""),
            new AuditRecord(6, target.Kept(day3), "dave", "set_model_label", 2, null, "", """{"label":"candidate"}"""),
            new AuditRecord(5, target.Kept(day3), "dave", "set_model_label", 2, 1, "round 2 adopted", """{"label":"official"}"""),
            new AuditRecord(4, target.Kept(day2), "carol", "set_model_label", 1, null, "round 1", """{"label":"official"}"""),
        ], (await _store.ListAuditAsync(4, null)).Records);
        Assert.Equal("official", ModelLabels.FromAuditDetails((await _store.ListAuditAsync(4, null)).Records[^1].DetailsJson));
        // Another replica on the same database reads the same labels.
        Assert.Equal(await _store.ListLabelsAsync(), await target.Open().Models.ListLabelsAsync());
    }

    [StoreFact]
    public async Task Setting_a_label_to_the_version_it_names_writes_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");
        await _store.SetLabelAsync("official", 1, "carol", "");

        Assert.Equal(new LabelChange("official", 1, 1, false), await _store.SetLabelAsync("official", 1, "dave", "again"));

        Assert.Equal(3, Count("audit_log"));
        Assert.Equal("carol", (await _store.ListLabelsAsync()).Single().SetBy);
    }

    [StoreFact]
    public async Task An_unknown_version_a_label_never_set_and_a_badly_spelled_label_are_refused_writing_nothing()
    {
        await _store.EnsureInitialAsync(Doc, "system");

        Assert.Equal(7, (await Assert.ThrowsAsync<ModelVersionNotFoundException>(() => _store.SetLabelAsync("official", 7, "carol", ""))).Version);
        Assert.Equal("official", (await Assert.ThrowsAsync<ModelLabelNotFoundException>(() => _store.SetLabelAsync("official", null, "carol", ""))).Label);
        foreach (var bad in new[] { "", "42", "Official", "-x", "a b", new string('a', 65) })
            await Assert.ThrowsAsync<ArgumentException>(() => _store.SetLabelAsync(bad, 1, "carol", ""));

        Assert.Equal(0, Count("model_labels"));
        Assert.Equal(2, Count("audit_log"));
    }

    [StoreFact]
    public void Typed_judgments_compare_by_their_contents()
    {
        Assert.Equal(new StoredJudgment("g", ["a", "b"], [1, 2, 0.5, 1], "e"), new StoredJudgment("g", ["a", "b"], [1, 2, 0.5, 1], "e"));
        Assert.NotEqual(new StoredJudgment("g", ["a", "b"], [1, 2, 0.5, 1], "e"), new StoredJudgment("g", ["a", "b"], [1, 3, 0.5, 1], "e"));
        Assert.NotEqual(Consistency, Consistency with { Experts = [Consistency.Experts[0]] });
        Assert.NotEqual(Consistency, Consistency with { Weights = [0.25, 0.75] });
    }
}

/// <summary>The tests of <see cref="ModelStoreTests"/> on a SQLite file.</summary>
public sealed class SqliteModelStoreTests() : ModelStoreTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="ModelStoreTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresModelStoreTests(PostgresCluster cluster) : ModelStoreTests(new PostgresUnderTest(cluster, typeof(PostgresModelStoreTests)));
