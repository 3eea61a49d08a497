using System.Text;
using Scoring.Storage.Evaluations;
using Scoring.Storage.Models;
using Scoring.Storage.Paging;
using Scoring.Storage.Parcels;
using Scoring.Storage.Units;
using Scoring.Testing;

namespace Scoring.Storage.Tests;

public abstract class PageTokenTests(StoreUnderTest target) : IDisposable
{
    private readonly ScoringStores _stores = target.Open();
    private IParcelStore Parcels => _stores.Parcels;
    private IEvaluationStore Evaluations => _stores.Evaluations;
    private IModelStore Models => _stores.Models;
    private IUnitStore Units => _stores.Units;

    public void Dispose() => target.Dispose();

    private static string Base64Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TheoryData<string> ListingNames => ["parcels", "evaluations", "models", "audit", "units"];

    // Every listing by the name its tokens carry, as a call with a page size and a token.
    private Dictionary<string, Func<int, string?, Task<string?>>> Listings() => new()
    {
        ["parcels"] = async (size, token) => (await Parcels.ListAsync(null, size, token)).NextPageToken,
        ["evaluations"] = async (size, token) => (await Evaluations.ListAsync("P1", size, token)).NextPageToken,
        ["models"] = async (size, token) => (await Models.ListAsync(size, token)).NextPageToken,
        ["audit"] = async (size, token) => (await Models.ListAuditAsync(size, token)).NextPageToken,
        ["units"] = async (size, token) => (await Units.ListAsync(size, token)).NextPageToken,
    };

    // Two of everything, so a page of one has a next page.
    private async Task TwoOfEach()
    {
        await Parcels.UpsertAsync("s", new DateOnly(2024, 6, 30), [new ParcelWrite("P1"), new ParcelWrite("P2")]);
        await Units.UpsertAsync([new UnitWrite("U1"), new UnitWrite("U2")]);
        await Evaluations.AppendAsync([
            new EvaluationRecord("P1", "1", 0.5, 1, 1, 1, "{}", default),
            new EvaluationRecord("P1", "1", 0.6, 1, 1, 1, "{}", default),
        ]);
        await Models.EnsureInitialAsync(v => $$"""{"version":"{{v}}"}""", "system"); // version 1 and two audit records
        await Models.AddAsync(new NewModel
        {
            ParentVersion = 1, Author = "alice", Note = "", Action = AuditActions.UpdateWeights,
            DocumentJsonFor = v => $$"""{"version":"{{v}}"}""",
        }, activate: false, null);
    }

    [StoreFact]
    public void Token_decodes_to_the_parts_it_was_made_from()
    {
        var token = PageToken.Encode("parcels", "U1", null, "2", "P-007");

        Assert.Equal(new string?[] { "U1", null, "2", "P-007" }, PageToken.Decode(token, "parcels", 4));
        Assert.DoesNotContain('=', token);
    }

    [StoreTheory]
    [InlineData("!!!", "is not base64url text")]
    [InlineData("a", "is not base64url text")]                           // one character is never whole base64
    [InlineData("bm90IGpzb24", "is not a page token")]                   // "not json"
    [InlineData("bnVsbA", "is not a page token")]                        // "null"
    [InlineData("W10", "is not a page token")]                           // "[]"
    [InlineData("WyJtb2RlbHMiLDVd", "is not a page token")]              // ["models",5]
    [InlineData("WyJhdWRpdCIsIjQiXQ", "belongs to the audit listing, not to the models listing")] // ["audit","4"]
    [InlineData("WyJtb2RlbHMiLCI0IiwiMyJd", "has 2 parts where a token of the models listing has 1")] // ["models","4","3"]
    public void Token_that_is_not_one_of_the_listings_is_refused_saying_why(string token, string reason)
    {
        var refused = Assert.Throws<InvalidPageTokenException>(() => PageToken.Decode(token, "models", 1));

        Assert.Equal("pageToken", refused.ParamName);
        Assert.Equal(reason, refused.Reason);
        Assert.StartsWith($"The page token {reason}.", refused.Message);
    }

    [StoreFact]
    public void Hand_made_base64url_of_the_test_tokens_is_what_it_claims()
    {
        // The theory above writes its tokens by hand; this keeps them honest.
        Assert.Equal("bm90IGpzb24", Base64Url("not json"));
        Assert.Equal("bnVsbA", Base64Url("null"));
        Assert.Equal("W10", Base64Url("[]"));
        Assert.Equal("WyJtb2RlbHMiLDVd", Base64Url("""["models",5]"""));
        Assert.Equal("WyJhdWRpdCIsIjQiXQ", Base64Url("""["audit","4"]"""));
        Assert.Equal("WyJtb2RlbHMiLCI0IiwiMyJd", Base64Url("""["models","4","3"]"""));
    }

    [StoreTheory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1000)]
    public void Page_size_zero_is_the_default_and_large_ones_are_cut_to_the_maximum(int requested, int size)
    {
        Assert.Equal(size, PageToken.PageSize(requested));
    }

    [StoreFact]
    public void Negative_page_size_is_refused_naming_the_page_size()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => PageToken.PageSize(-1));

        Assert.Equal("pageSize", refused.ParamName);
    }

    [StoreTheory]
    [MemberData(nameof(ListingNames))]
    public async Task Each_listing_refuses_a_made_up_token_and_every_other_listings_token(string listing)
    {
        await TwoOfEach();
        var listings = Listings();
        var list = listings[listing];

        var madeUp = await Assert.ThrowsAsync<InvalidPageTokenException>(() => list(1, "!!!"));
        Assert.Equal("pageToken", madeUp.ParamName);
        foreach (var (other, listOther) in listings.Where(l => l.Key != listing))
        {
            var token = await listOther(1, null);
            Assert.NotNull(token);
            var refused = await Assert.ThrowsAsync<InvalidPageTokenException>(() => list(1, token));
            Assert.Equal("pageToken", refused.ParamName);
            Assert.Equal($"belongs to the {other} listing, not to the {listing} listing", refused.Reason);
        }
        // Its own token is taken.
        await list(1, await list(1, null));
    }

    [StoreTheory]
    [MemberData(nameof(ListingNames))]
    public async Task Each_listing_refuses_a_negative_page_size(string listing)
    {
        var refused = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Listings()[listing](-1, null));

        Assert.Equal("pageSize", refused.ParamName);
    }
}

/// <summary>The tests of <see cref="PageTokenTests"/> on a SQLite file.</summary>
public sealed class SqlitePageTokenTests() : PageTokenTests(new SqliteUnderTest());

/// <summary>The tests of <see cref="PageTokenTests"/> on PostgreSQL.</summary>
[Collection(PostgresCluster.Collection), NeedsTool(PostgresCluster.Program, PostgresCluster.Package)]
public sealed class PostgresPageTokenTests(PostgresCluster cluster) : PageTokenTests(new PostgresUnderTest(cluster, typeof(PostgresPageTokenTests)));
