using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary>
/// <see cref="ScoringClient.SetModelLabelAsync"/>, <see cref="ScoringClient.CompareModelsAsync"/> and
/// <see cref="ScoringClient.ChangedParcelsAsync"/> against the hand-counted district of <see cref="ComparedDistrict"/>.
/// </summary>
public sealed class ModelVersionsTests(ComparedDistrict district) : IClassFixture<ComparedDistrict>
{
    [Fact]
    public async Task A_label_names_a_version_for_the_comparison_and_every_changed_parcel_is_listed_page_after_page()
    {
        using var client = new ScoringClient(district.Address);
        var set = await client.SetModelLabelAsync("sdk-candidate", district.VersionB, "for review");
        Assert.Equal((district.VersionB, true), (set.Version, set.Changed));

        var request = new CompareModelsRequest
        {
            BaseVersion = district.VersionA, CandidateVersion = "sdk-candidate", PageSize = 1, Selection = new ParcelSelection { UnitId = ComparedDistrict.Unit },
        };
        var first = await client.CompareModelsAsync(request);
        var all = new List<ChangedParcel>();
        await foreach (var parcel in client.ChangedParcelsAsync(request)) all.Add(parcel);

        Assert.Equal((district.VersionB, 4), (first.CandidateVersion, first.ChangedCount));
        Assert.Equal(["CMP-1"], first.ChangedParcels.Select(p => p.ParcelId));
        // CMP-1, CMP-2, CMP-5 and CMP-6 change, one page each.
        Assert.Equal(["CMP-1", "CMP-2", "CMP-5", "CMP-6"], all.Select(p => p.ParcelId));
        Assert.Equal(1, request.PageSize);
        Assert.Equal("", request.PageToken);

        var removed = await client.SetModelLabelAsync("sdk-candidate", null);
        Assert.Equal(("", district.VersionB), (removed.Version, removed.PreviousVersion));
    }
}
