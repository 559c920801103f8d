namespace VisionGen.Tests.Generator;

/// <summary>The generated source for representative declarations, compared with approved snapshots.</summary>
public class SnapshotTests
{
    private static void VerifyModel(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Assert.Empty(run.Diagnostics);
        (string hintName, string text) = Assert.Single(run.Sources);
        Snapshot.Verify(text, hintName, method: method);
    }

    [Fact]
    public void SmallCustomStack() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 1, Height = 28, Width = 28)]
        [Conv2d("0", 8, 3, Padding = 1, Bias = false)]
        [BatchNorm2d("1")]
        [ReLU]
        [MaxPool2d(2)]
        [Conv2d("4", 16, 3, Stride = 2, Padding = 1)]
        [ReLU6]
        [GlobalAvgPool]
        [Flatten]
        [Linear("8", 10)]
        public partial class TinyNet;
        """);

    [Fact]
    public void ResNet18Folded() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224)]
        [ResNet(Depth = 18)]
        [ClassifierHead(Classes = 1000)]
        public partial class ResNet18;
        """);

    [Fact]
    public void ResNet18Unfolded() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224, FoldBatchNorm = false)]
        [ResNet(Depth = 18)]
        [ClassifierHead(Classes = 1000)]
        public partial class ResNet18Unfolded;
        """);

    [Fact]
    public void MobileNetV2() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224)]
        [MobileNetV2(WidthMultiplier = 1.0f)]
        [ClassifierHead(Classes = 1000)]
        internal partial class MobileNet;
        """);

    [Fact]
    public void FcosMobileNetFpn() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 64)]
        [MobileNetV2(WidthMultiplier = 0.5f)]
        [FpnNeck(OutChannels = 32, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
        [FcosHead(Classes = 3)]
        public partial class TinyFcos;
        """);
}
