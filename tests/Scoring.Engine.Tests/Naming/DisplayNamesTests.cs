using Scoring.Engine.Evaluation;
using Scoring.Engine.Model;
using Scoring.Engine.Naming;
using Scoring.Engine.Spatial;

namespace Scoring.Engine.Tests.Naming;

public sealed class DisplayNamesTests
{
    [Fact]
    public void A_dotnet_member_finds_its_proto_value_as_protoc_names_it()
    {
        Assert.Equal(new DisplayName("必须清退区", "Must be cleared"), DisplayNames.Member(nameof(ClearanceZone), nameof(ClearanceZone.Must)));
        Assert.Equal(new DisplayName("低效(评分)", "Inefficient (score)"), DisplayNames.Member(nameof(Classification), nameof(Classification.InefficientScore)));
        Assert.Equal(new DisplayName("正在推进的更新项目", "Redevelopment project under way"), DisplayNames.Member("LayerKind", "RedevelopmentProject"));
        Assert.Null(DisplayNames.Member(nameof(ClearanceZone), "Nowhere"));
        Assert.Null(DisplayNames.Member("NoSuchEnum", "Must"));
    }

    [Fact]
    public void Every_member_of_the_engines_verdict_enums_has_a_Chinese_and_an_English_name()
    {
        var named = Enum.GetNames<Classification>().Select(m => DisplayNames.Member(nameof(Classification), m))
            .Concat(Enum.GetNames<Disposition>().Select(m => DisplayNames.Member(nameof(Disposition), m)))
            .Concat(Enum.GetNames<ClearanceZone>().Select(m => DisplayNames.Member(nameof(ClearanceZone), m)))
            .Concat(Enum.GetNames<RedevelopmentMode>().Select(m => DisplayNames.Member(nameof(RedevelopmentMode), m)))
            .Concat(Enum.GetNames<ParcelLevel>().Select(m => DisplayNames.Member("Level", m)));

        Assert.All(named, n => Assert.True(n is { Zh.Length: > 0, En.Length: > 0 }));
        Assert.Equal("现状保留", DisplayNames.Of(Disposition.Retained).In(DisplayLanguage.Zh));
        Assert.Equal("Identified as inefficient", DisplayNames.Of(Disposition.IdentifiedInefficient).In(DisplayLanguage.En));
        Assert.Equal(("", ""), (DisplayNames.Of((Classification)0).Zh, DisplayNames.Of((Classification)0).En));
    }

    [Fact]
    public void A_mode_is_named_by_the_code_a_models_rules_give_it()
    {
        Assert.Equal(new DisplayName("工改高标准厂房", "Industrial to high-standard factories"), DisplayNames.Mode("high_standard_factory"));
        Assert.Equal("工业生态修复", DisplayNames.Mode("ecological_restoration")?.Zh);
        Assert.Null(DisplayNames.Mode("skyscraper"));
    }

    [Fact]
    public void The_default_models_codes_have_English_names_and_keep_the_models_Chinese()
    {
        var model = DefaultModel.Model;

        Assert.All(model.Elements, e => Assert.True(DisplayNames.Of(e).En != e.Code && DisplayNames.Of(e).Zh == e.Name, e.Code));
        Assert.All(model.Indicators, i => Assert.True(DisplayNames.Of(i).En != i.Code && DisplayNames.Of(i).Zh == i.Name, i.Code));
        Assert.All(model.Vetoes, v => Assert.True(DisplayNames.Of(v).En != v.Code && DisplayNames.Of(v).Zh == v.Name, v.Code));
        Assert.Equal(new DisplayName("能源消耗", "Energy consumption"), DisplayNames.Of(model.Elements[5]));
        // A district's own code that the table does not know shows its code in English.
        Assert.Equal(new DisplayName("岗位密度", "job_density"), DisplayNames.Of(new ElementDefinition(0, "job_density", "岗位密度", 1, [])));
    }
}
