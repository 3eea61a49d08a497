namespace Scoring.Maps.Tests;

/// <summary>The legend's words, now read from the one table of display names: the paper's Figure 3 and the planners' layers.</summary>
public sealed class LegendTests
{
    [Fact]
    public void The_legend_names_each_disposition_as_the_papers_Figure_3()
    {
        Assert.Equal(["正在推进", "生态清退", "地方上报", "低效认定", "现状保留"], Legend.Order.Select(Legend.Name));
        Assert.Equal("未评价", Legend.Name(MapDisposition.Unknown));
    }

    [Fact]
    public void The_legend_names_each_layer_kind()
    {
        Assert.Equal(["城镇开发边界", "生态保护红线", "必须清退区", "鼓励清退区", "可考虑清退区"], Enum.GetValues<MapLayerKind>().Select(Legend.Name));
    }
}
