namespace Scoring.Cli.Tests;

/// <summary>
/// <c>scoring model label</c> and <c>scoring model compare</c> against the hand-counted district of
/// <see cref="ComparedDistrict"/> (its remarks work out every figure asserted here).
/// </summary>
public sealed class ModelLabelAndCompareTests(ComparedDistrict district) : IClassFixture<ComparedDistrict>
{
    private string Server => district.Address.ToString();

    [Fact]
    public async Task A_label_is_set_moved_shown_in_the_list_and_removed()
    {
        var set = await CliRunner.RunAsync("model", "label", "cli-official", district.VersionA, "--note", "round 1", "--server", Server);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains($"label cli-official → version {district.VersionA}", set.Out);

        var moved = await CliRunner.RunAsync("model", "label", "cli-official", district.VersionB, "--server", Server);
        Assert.Contains($"label cli-official → version {district.VersionB} (moved from {district.VersionA})", moved.Out);
        var again = await CliRunner.RunAsync("model", "label", "cli-official", district.VersionB, "--server", Server);
        Assert.Contains($"label cli-official already names version {district.VersionB}; nothing changed", again.Out);

        var list = await CliRunner.RunAsync("model", "list", "--server", Server);
        Assert.Matches($@"│\s+{district.VersionB}\s+│\s+{district.VersionA}\s+│.*│\s+cli-official\s+│", list.Out);
        var show = await CliRunner.RunAsync("model", "show", "cli-official", "--server", Server);
        Assert.Matches($@"version\s+{district.VersionB}\b", show.Out);

        var removed = await CliRunner.RunAsync("model", "label", "cli-official", "--remove", "--server", Server);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Contains($"label cli-official removed (it named version {district.VersionB})", removed.Out);
    }

    [Fact]
    public async Task A_label_needs_a_version_or_remove_and_a_bad_label_is_refused_by_the_server()
    {
        var neither = await CliRunner.RunAsync("model", "label", "cli-x", "--server", Server);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("give either the VERSION the label is to name, or --remove", neither.Err);

        var bad = await CliRunner.RunAsync("model", "label", "42", district.VersionA, "--server", Server);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("label", bad.Err);
        Assert.Contains("is all digits", bad.Err);
    }

    [Fact]
    public async Task Compare_prints_the_hand_counted_transitions_street_areas_and_changed_parcels()
    {
        var run = await CliRunner.RunAsync("model", "compare", district.VersionA, district.VersionB, "--unit", ComparedDistrict.Unit, "--server", Server);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"version {district.VersionA} → {district.VersionB}: 8 parcels compared, 4 change classification or disposition", run.Out);
        Assert.Matches(@"│\s+EFFICIENT\s+│\s+INEFFICIENT_SCORE\s+│\s+2\s+│\s+32\s+│", run.Out);
        Assert.Matches(@"│\s+INEFFICIENT_SCORE\s+│\s+REVIEW\s+│\s+1\s+│\s+8\s+│", run.Out);
        Assert.Matches(@"│\s+IDENTIFIED_INEFFICIENT\s+│\s+RETAINED\s+│\s+2\s+│\s+18\s+│", run.Out);
        Assert.Matches(@"│\s+dongshan\s+│\s+4\s+│\s+10\s+│\s+32\s+│\s+\+22\s+│", run.Out);
        Assert.Matches(@"│\s+moling\s+│\s+4\s+│\s+20\s+│\s+12\s+│\s+-8\s+│", run.Out);
        Assert.Matches(@"│\s+CMP-5\s+│\s+moling\s+│\s+8\s+│\s+0\.5500 → 0\.6400\s+│\s+INEFFICIENT_SCORE → REVIEW\s+│\s+IDENTIFIED_INEFFICIENT → RETAINED\s+│", run.Out);
        Assert.Matches(@"│\s+CMP-6\s+│\s+dongshan\s+│\s+12\s+│\s+0\.7000 → 0\.5800\s+│\s+EFFICIENT → INEFFICIENT_SCORE\s+│\s+LOCALLY_REPORTED\s+│", run.Out);
    }

    [Fact]
    public async Task Compare_by_label_and_street_lists_the_first_page_and_counts_the_rest()
    {
        await CliRunner.RunAsync("model", "label", "cli-base", district.VersionA, "--server", Server);

        var street = await CliRunner.RunAsync("model", "compare", "cli-base", district.VersionB, "--street", "dongshan", "--page-size", "2", "--server", Server);

        Assert.True(street.ExitCode == 0, street.ToString());
        // dongshan: CMP-1, CMP-2 and CMP-6 change; the page holds the first two.
        Assert.Contains($"version {district.VersionA} → {district.VersionB}: 4 parcels compared, 3 change classification or disposition", street.Out);
        Assert.Contains("CMP-2", street.Out);
        Assert.DoesNotContain("CMP-6", street.Out);
        Assert.Contains("1 more changed parcels", street.Out);
    }
}
