namespace Scoring.Engine.Tests;

public class SmokeTests
{
    [Fact]
    public void Default_model_has_six_elements_and_27_indicators()
    {
        Assert.Equal(6, DefaultModel.Model.Elements.Length);
        Assert.Equal(27, DefaultModel.Model.Indicators.Length);
        Assert.Equal(8, DefaultModel.Model.Vetoes.Length);
    }
}
