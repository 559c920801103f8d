using Microsoft.CodeAnalysis;

namespace VisionGen.Tests.Generator;

/// <summary>One test per diagnostic id: the id, its location (the offending attribute) and an actionable message.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string source, string id)
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n" + source);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.Sources); // an invalid declaration generates nothing rather than code that fails later
        return diagnostic;
    }

    private static string At(Diagnostic d, string source) =>
        ("using VisionGen;\n" + source).Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

    [Fact]
    public void VG0001_NotPartial()
    {
        const string src = "[VisionModel(Height = 32, Width = 32)][ResNet] public class Net { }";
        Diagnostic d = Single(src, "VG0001");
        Assert.Contains("partial", d.GetMessage());
        Assert.StartsWith("[VisionModel", At(d, src));
    }

    [Fact]
    public void VG0002_UnsupportedDepth()
    {
        const string src = "[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 20)][ClassifierHead(Classes = 3)] public partial class Net;";
        Diagnostic d = Single(src, "VG0002");
        Assert.Contains("20", d.GetMessage());
        Assert.Equal("ResNet(Depth = 20)", At(d, src));
    }

    [Theory]
    [InlineData("[VisionModel(Height = 0, Width = 32)][ResNet] public partial class Net;", "Height")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][ResNet][ClassifierHead(Classes = -1)] public partial class Net;", "Classes")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][Conv2d(\"0\", 0, 3)] public partial class Net;", "out channels")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][Conv2d(\"0\", 4, 3, Stride = 0)] public partial class Net;", "Stride")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][MobileNetV2(WidthMultiplier = 0f)] public partial class Net;", "WidthMultiplier")]
    public void VG0003_NonPositiveSize(string src, string what)
    {
        Diagnostic d = Single(src, "VG0003");
        Assert.Contains(what, d.GetMessage());
    }

    [Fact]
    public void VG0004_KernelLargerThanPaddedInput()
    {
        const string src = "[VisionModel(Channels = 1, Height = 4, Width = 4)][Conv2d(\"0\", 4, 7, Padding = 1)] public partial class Net;";
        Diagnostic d = Single(src, "VG0004");
        Assert.Contains("7x7", d.GetMessage());
        Assert.StartsWith("Conv2d(\"0\"", At(d, src));
    }

    [Fact]
    public void VG0005_SpatialSizeReachesZero()
    {
        // 8 -> 4 -> 2 -> 1 -> 0: the fourth pool would produce an empty image.
        const string src = "[VisionModel(Channels = 1, Height = 8, Width = 8)][MaxPool2d(2)][MaxPool2d(2)][MaxPool2d(2)][MaxPool2d(2)] public partial class Net;";
        Diagnostic d = Single(src, "VG0005");
        Assert.Contains("8x8", d.GetMessage());
        Assert.Contains("MaxPool2d", d.GetMessage());
    }

    [Theory]
    [InlineData("[VisionModel(Channels = 3, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3, InChannels = 1)] public partial class Net;", "InChannels = 1")]
    [InlineData("[VisionModel(Channels = 3, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3, Groups = 2)] public partial class Net;", "Groups = 2")]
    [InlineData("[VisionModel(Channels = 3, Height = 8, Width = 8)][Conv2d(\"0\", 6, 3)][GroupNorm(\"1\", 4)] public partial class Net;", "4 groups must divide the 6 channels")]
    public void VG0006_ChannelMismatch(string src, string text)
    {
        Diagnostic d = Single(src, "VG0006");
        Assert.Contains(text, d.GetMessage());
    }

    [Theory]
    [InlineData("[VisionModel(Channels = 1, Height = 4, Width = 4)][Flatten][Linear(\"fc\", 3, InFeatures = 15)] public partial class Net;", "16 features")]
    [InlineData("[VisionModel(Channels = 1, Height = 4, Width = 4)][Conv2d(\"0\", 2, 3)][Linear(\"fc\", 3)] public partial class Net;", "Flatten")]
    public void VG0007_LinearInputMismatch(string src, string text)
    {
        Diagnostic d = Single(src, "VG0007");
        Assert.Contains(text, d.GetMessage());
        Assert.StartsWith("Linear", At(d, src));
    }

    [Fact]
    public void VG0008_HeadWithoutBackbone()
    {
        const string src = "[VisionModel(Height = 32, Width = 32)][ClassifierHead(Classes = 10)] public partial class Net;";
        Diagnostic d = Single(src, "VG0008");
        Assert.StartsWith("ClassifierHead", At(d, src));
        Assert.StartsWith("[ClassifierHead] needs a backbone", d.GetMessage());
        Assert.StartsWith("[FcosHead] needs a backbone", Single("[VisionModel(Height = 32, Width = 32)][FcosHead(Classes = 2)] public partial class Net;", "VG0008").GetMessage());
    }

    [Theory]
    [InlineData("[VisionModel(Height = 64, Width = 64)][ResNet][MobileNetV2] public partial class Net;", "[ResNet] and [MobileNetV2]")]
    [InlineData("[VisionModel(Height = 64, Width = 64)][ResNet][Conv2d(\"0\", 4, 3)] public partial class Net;", "custom layers")]
    public void VG0009_TwoBackbones(string src, string text)
    {
        Diagnostic d = Single(src, "VG0009");
        Assert.Contains(text, d.GetMessage());
    }

    [Fact]
    public void VG0010_EmptyModel() =>
        Single("[VisionModel(Height = 32, Width = 32)] public partial class Net;", "VG0010");

    [Theory]
    [InlineData("public partial class Outer { [VisionModel(Height = 32, Width = 32)][ResNet] public partial class Net; }", "nested")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][ResNet] public partial class Net<T>;", "generic")]
    public void VG0011_UnsupportedClass(string src, string text) =>
        Assert.Contains(text, Single(src, "VG0011").GetMessage());

    [Fact]
    public void VG0012_DuplicatePrefix() =>
        Assert.Contains("'0'", Single("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3)][Conv2d(\"0\", 4, 3)] public partial class Net;", "VG0012").GetMessage());

    [Fact]
    public void VG0013_PoolPaddingTooLarge() =>
        Single("[VisionModel(Channels = 1, Height = 8, Width = 8)][MaxPool2d(2, Padding = 2)] public partial class Net;", "VG0013");

    [Fact]
    public void VG0014_NegativePadding() =>
        Single("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3, Padding = -1)] public partial class Net;", "VG0014");

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    public void TinyInputsStillBuildAResNetBecausePaddingKeepsEveryStageNonEmpty(int h, int w)
    {
        // torchvision accepts these too: every ResNet stage pads, so no spatial size ever reaches zero.
        GeneratorRun run = GeneratorHarness.Run($"using VisionGen; [VisionModel(Height = {h}, Width = {w})][ResNet(Depth = 18)][ClassifierHead(Classes = 2)] public partial class Net;");
        Assert.Empty(run.Diagnostics);
        Assert.Single(run.Sources);
    }

    [Fact]
    public void VG0015_TensorTooLarge() =>
        Assert.Contains("too large", Single("[VisionModel(Channels = 3, Height = 60000, Width = 60000)][Conv2d(\"0\", 4, 3)] public partial class Net;", "VG0015").GetMessage());

    [Fact]
    public void VG0016_TwoHeads() =>
        Assert.Contains("[ClassifierHead] and [RetinaNetHead]", Single("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck][ClassifierHead(Classes = 2)][RetinaNetHead(Classes = 2)] public partial class Net;", "VG0016").GetMessage());

    [Fact]
    public void VG0017_DetectionHeadWithoutNeck()
    {
        const string src = "[VisionModel(Height = 64, Width = 64)][ResNet][FcosHead(Classes = 3)] public partial class Net;";
        Diagnostic d = Single(src, "VG0017");
        Assert.StartsWith("FcosHead", At(d, src));
    }

    [Fact]
    public void VG0018_NeckWithoutDetectionHead() =>
        Single("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck][ClassifierHead(Classes = 2)] public partial class Net;", "VG0018");

    [Theory]
    [InlineData("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck(Stages = [3, 5])][RetinaNetHead(Classes = 2)] public partial class Net;", "1 to 4")]
    [InlineData("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck(Stages = [4, 3])][RetinaNetHead(Classes = 2)] public partial class Net;", "increasing")]
    [InlineData("[VisionModel(Height = 64, Width = 64)][MobileNetV2][FpnNeck(Stages = [6])][RetinaNetHead(Classes = 2)] public partial class Net;", "0 to 5")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3)][FpnNeck][RetinaNetHead(Classes = 2)] public partial class Net;", "custom stack")]
    public void VG0019_NeckFedByStagesTheBackboneLacks(string src, string text) =>
        Assert.Contains(text, Single(src, "VG0019").GetMessage());

    [Theory]
    [InlineData("NmsThreshold = 0f")]
    [InlineData("ScoreThreshold = 1.5f")]
    [InlineData("AspectRatios = [1f, -2f]")]
    public void VG0020_ValueOutOfRange(string setting) =>
        Single($"[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck][RetinaNetHead(Classes = 2, {setting})] public partial class Net;", "VG0020");

    [Fact]
    public void VG0020_WeightMemoryOutsideTheEnum() =>
        Assert.Contains("WeightMemory.Fast or WeightMemory.Compact",
            Single("[VisionModel(Height = 64, Width = 64, WeightMemory = (WeightMemory)2)][ResNet][ClassifierHead(Classes = 2)] public partial class Net;", "VG0020").GetMessage());

    [Fact]
    public void VG0021_AnchorSizesDoNotMatchLevels() =>
        Assert.Contains("5 levels", Single("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck][RetinaNetHead(Classes = 2, AnchorSizes = [32, 64])] public partial class Net;", "VG0021").GetMessage());

    [Fact]
    public void DetectionClassCountMustBePositive() =>
        Assert.Contains("Classes", Single("[VisionModel(Height = 64, Width = 64)][ResNet][FpnNeck][RetinaNetHead(Classes = 0)] public partial class Net;", "VG0003").GetMessage());

    [Fact]
    public void EveryErrorIsReportedNotJustTheFirst()
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen; [VisionModel(Height = 0, Width = -3)][ResNet(Depth = 7)][ClassifierHead(Classes = 0)] public class Net { }");
        Assert.Equal(new[] { "VG0001", "VG0002", "VG0003", "VG0003", "VG0003" }, run.Diagnostics.Select(d => d.Id).OrderBy(x => x));
    }

    [Theory]
    [InlineData("[VisionModel(Height = \"big\", Width = 32)][ResNet] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][ResNet(Depth = )] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][Conv2d()] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][Conv2d(null, 3, 3)][Linear(\"x\")] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][ResNet(Depht = 18)] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)][NoSuchLayer] public partial class Net;")]
    [InlineData("[VisionModel(Height = 32, Width = 32)] public partial struct Net;")]
    [InlineData("[VisionModel(Height = int.MaxValue, Width = int.MaxValue)][Conv2d(\"0\", 4, 3)] public partial class Net;")]
    public void MalformedArgumentsNeverCrashTheGenerator(string src)
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n" + src);
        // The harness asserts the generator threw nothing; the user must still be told what is wrong.
        Assert.True(run.CompilationErrors.Length + run.Diagnostics.Length > 0, "a malformed declaration produced no error at all");
    }
}
