using Microsoft.CodeAnalysis;
using VisionGen.Tests.Generator;

namespace VisionGen.Tests.Zoo;

/// <summary>
/// Invalid backbone declarations, in the style of DiagnosticTests: the id, its location (the backbone attribute, where
/// the user fixes it), a message naming what is allowed, and no generated code.
/// </summary>
public class ZooDiagnosticTests
{
    private static (Diagnostic Diagnostic, string At) Single(string source, string id)
    {
        string full = "using VisionGen;\n" + source;
        GeneratorRun run = GeneratorHarness.Run(full);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.Sources);
        return (diagnostic, full.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("[VGG(Depth = 12)]", "[VGG] Depth must be 11, 13, 16 or 19", "12")]
    [InlineData("[ResNet(Depth = 18, Groups = 32, WidthPerGroup = 4)]", "1 and 64 for Depth = 18", "BasicBlock")]
    [InlineData("[ResNet(Depth = 34, WidthPerGroup = 128)]", "1 and 64 for Depth = 34", "Depth = 50 or more")]
    [InlineData("[ResNet(Depth = 50, Groups = 100000, WidthPerGroup = 64)]", "Groups · WidthPerGroup must be at most 131072", "6400000")]
    [InlineData("[MobileNetV3(WidthMultiplier = 1000f)]", "[MobileNetV3] WidthMultiplier must be at most 100", "1000")]
    [InlineData("[MobileNetV3(Size = (MobileNetV3Size)2)]", "[MobileNetV3] Size must be Large or Small", "2")]
    [InlineData("[EfficientNet(Variant = (EfficientNetVariant)8)]", "[EfficientNet] Variant must be one of B0 … B7", "8")]
    [InlineData("[EfficientNetV2(Size = (EfficientNetV2Size)(-1))]", "[EfficientNetV2] Size must be S, M or L", "-1")]
    public void VG0020_UnsupportedConfiguration(string backbone, string message, string value)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 64, Width = 64)]{backbone}[ClassifierHead(Classes = 3)] public partial class Net;", "VG0020");
        Assert.Contains(message, d.GetMessage());
        Assert.Contains(value, d.GetMessage());
        Assert.Equal(backbone.Substring(1, backbone.Length - 2), at);
    }

    [Theory]
    [InlineData("[GoogLeNet(TransformInput = true)]", "[GoogLeNet] TransformInput")]
    [InlineData("[InceptionV3(TransformInput = true)]", "[InceptionV3] TransformInput")]
    public void VG0020_TransformInputNeedsThreeChannels(string backbone, string what)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Channels = 1, Height = 96, Width = 96)]{backbone} public partial class Net;", "VG0020");
        Assert.Contains(what + " must be false with 1 input channels", d.GetMessage());
        Assert.Equal(backbone.Substring(1, backbone.Length - 2), at);
    }

    [Theory]
    [InlineData("[ResNet(Depth = 50, Groups = 0)]", "[ResNet] Groups")]
    [InlineData("[ResNet(Depth = 101, WidthPerGroup = -4)]", "[ResNet] WidthPerGroup")]
    [InlineData("[MobileNetV3(WidthMultiplier = 0f)]", "[MobileNetV3] WidthMultiplier")]
    [InlineData("[MobileNetV3(WidthMultiplier = float.NaN)]", "[MobileNetV3] WidthMultiplier")]
    public void VG0003_NonPositiveOption(string backbone, string what)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 64, Width = 64)]{backbone} public partial class Net;", "VG0003");
        Assert.Contains(what + " must be positive", d.GetMessage());
        Assert.Equal(backbone.Substring(1, backbone.Length - 2), at);
    }

    [Theory]
    [InlineData("[InceptionV3]", 74, 90)]   // torchvision's minimum is 75x75
    [InlineData("[InceptionV3]", 40, 40)]   // Mixed_6a, a stride-2 block, is where it fails: one diagnostic, not one per branch
    [InlineData("[GoogLeNet]", 14, 40)]     // and 15x15
    [InlineData("[VGG(Depth = 11)]", 31, 64)] // five 2x2 pools need 32 pixels
    public void VG0005_InputTooSmallForTheBackbone(string backbone, int height, int width)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = {height}, Width = {width})]{backbone}[ClassifierHead(Classes = 3)] public partial class Net;", "VG0005");
        Assert.Contains($"{height}x{width} input is too small", d.GetMessage());
        Assert.Equal(backbone.Substring(1, backbone.Length - 2), at);
    }

    [Fact]
    public void VG0009_TwoBackbones()
    {
        (Diagnostic d, _) = Single("[VisionModel(Height = 64, Width = 64)][VGG(Depth = 11)][EfficientNet] public partial class Net;", "VG0009");
        Assert.Contains("[VGG] and [EfficientNet]", d.GetMessage());
    }

    [Fact]
    public void VG0019_FpnNeckOnANewBackbone()
    {
        const string src = "[VisionModel(Height = 128, Width = 128)][EfficientNet][FpnNeck][RetinaNetHead(Classes = 3)] public partial class Net;";
        (Diagnostic d, string at) = Single(src, "VG0019");
        Assert.Contains("does not support [EfficientNet] yet", d.GetMessage());
        Assert.StartsWith("FpnNeck", at);
    }
}
