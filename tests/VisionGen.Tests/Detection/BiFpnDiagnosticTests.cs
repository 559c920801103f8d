using Microsoft.CodeAnalysis;
using VisionGen.Tests.Generator;

namespace VisionGen.Tests.Detection;

/// <summary>
/// Invalid <c>[BiFpn]</c> declarations: the id, where it points (the offending argument, or the attribute when the problem
/// is the combination), a message naming what is allowed, and no generated code.
/// </summary>
public class BiFpnDiagnosticTests
{
    private static (Diagnostic Diagnostic, string At) Single(string declaration, string id)
    {
        string full = "using VisionGen;\n" + declaration + " public partial class Net;";
        GeneratorRun run = GeneratorHarness.Run(full);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.Sources);
        return (diagnostic, full.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    private const string Model = "[VisionModel(Height = 64, Width = 96)][ResNet(Depth = 18)]";

    [Theory]
    [InlineData("Channels = 0", "[BiFpn] Channels must be positive, but it is 0")]
    [InlineData("Repeats = 0", "[BiFpn] Repeats must be positive, but it is 0")]
    [InlineData("Repeats = -2", "[BiFpn] Repeats must be positive, but it is -2")]
    public void VG0003_NonPositiveWidthOrRepeats(string argument, string message)
    {
        (Diagnostic d, string at) = Single($"{Model}[BiFpn({argument})][RetinaNetHead(Classes = 3)]", "VG0003");
        Assert.Equal(message, d.GetMessage());
        Assert.Equal(argument, at);
    }

    [Theory]
    [InlineData("Levels = 2", "[BiFpn] Levels must be from 3 (P3–P5) to 7 (P3–P9), but it is 2")]
    [InlineData("Levels = 8", "[BiFpn] Levels must be from 3 (P3–P5) to 7 (P3–P9), but it is 8")]
    [InlineData("Eps = 0f", "[BiFpn] Eps must be a finite positive number, but it is 0")]
    [InlineData("Eps = float.NaN", "[BiFpn] Eps must be a finite positive number, but it is NaN")]
    public void VG0020_LevelsOrEpsOutOfRange(string argument, string message)
    {
        (Diagnostic d, string at) = Single($"{Model}[BiFpn({argument})][RetinaNetHead(Classes = 3)]", "VG0020");
        Assert.Equal(message, d.GetMessage());
        Assert.Equal(argument, at);
    }

    [Fact]
    public void VG0019_BackboneWithoutEnoughLevels()
    {
        // ResNet-18 at 8x8: layer1 is 2x2 and layer2-4 are all 1x1, so there are only two resolutions to read.
        (Diagnostic d, string at) = Single("[VisionModel(Height = 8, Width = 8)][ResNet(Depth = 18)][BiFpn][RetinaNetHead(Classes = 3)]", "VG0019");
        Assert.Contains("three successive resolutions, but at this input size the backbone has only 2 (2×2, 1×1)", d.GetMessage());
        Assert.Equal("BiFpn", at);
    }

    [Theory]
    [InlineData("[Conv2d(\"0\", 8, 3, Stride = 2)][ReLU]", "a custom stack has no stages")]
    [InlineData("[GoogLeNet]", "it does not support [GoogLeNet] yet")]
    public void VG0019_BackboneWithoutStagesToRead(string backbone, string message)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 96, Width = 96)]{backbone}[BiFpn][RetinaNetHead(Classes = 3)]", "VG0019");
        Assert.Contains(message, d.GetMessage());
        Assert.Equal("BiFpn", at);
    }

    [Fact]
    public void VG0018_BiFpnWithoutDetectionHead()
    {
        (Diagnostic d, string at) = Single($"{Model}[BiFpn][ClassifierHead(Classes = 3)]", "VG0018");
        Assert.StartsWith("[BiFpn] produces pyramid levels for a detection head", d.GetMessage());
        Assert.Equal("BiFpn", at);
    }

    [Fact]
    public void VG0020_TwoNecks()
    {
        (Diagnostic d, string at) = Single($"{Model}[FpnNeck][BiFpn][RetinaNetHead(Classes = 3)]", "VG0020");
        Assert.Contains("[BiFpn] must be the only neck, but [FpnNeck] is declared too", d.GetMessage());
        Assert.Equal("BiFpn", at);
    }

    [Fact]
    public void VG0017_HeadWithoutNeckNamesBothNecks()
    {
        (Diagnostic d, _) = Single($"{Model}[FcosHead(Classes = 3)]", "VG0017");
        Assert.Contains("add [FpnNeck] or [BiFpn]", d.GetMessage());
    }
}
