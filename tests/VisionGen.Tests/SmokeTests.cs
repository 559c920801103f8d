namespace VisionGen.Tests;

public class SmokeTests
{
    [Fact]
    public void MobileNetRoundingMatchesTorchvisionForWidth1() =>
        Assert.Equal(32, VisionGen.Ops.MobileNetV2Layout.MakeDivisible(32 * 1.0));
}
