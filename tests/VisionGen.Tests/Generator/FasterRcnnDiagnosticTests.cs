using Microsoft.CodeAnalysis;

namespace VisionGen.Tests.Generator;

/// <summary>Invalid <c>[FasterRcnnHead]</c> declarations: an error at the attribute, no generated code.</summary>
public class FasterRcnnDiagnosticTests
{
    private static Diagnostic Single(string source, string id)
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n" + source);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.Sources);
        return diagnostic;
    }

    private static string At(Diagnostic d, string source) =>
        ("using VisionGen;\n" + source).Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

    [Fact]
    public void WithoutNeckIsVG0017AtTheHead()
    {
        const string src = "[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FasterRcnnHead(Classes = 3)] public partial class Net;";
        Assert.StartsWith("FasterRcnnHead", At(Single(src, "VG0017"), src));
    }

    [Theory]
    [InlineData("RpnNmsThreshold = 0f", "RpnNmsThreshold")]
    [InlineData("RpnScoreThreshold = 1f", "RpnScoreThreshold")]
    [InlineData("NmsThreshold = 1.5f", "NmsThreshold")]
    [InlineData("AspectRatios = [0f]", "AspectRatios")]
    public void OutOfRangeSettingIsVG0020(string setting, string name)
    {
        string src = $"[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FpnNeck][FasterRcnnHead(Classes = 3, {setting})] public partial class Net;";
        Diagnostic d = Single(src, "VG0020");
        Assert.Contains(name, d.GetMessage());
        Assert.StartsWith("FasterRcnnHead", At(d, src));
    }

    [Theory]
    [InlineData("Classes = 0")]
    [InlineData("RpnPostNmsTopN = 0")]
    [InlineData("RepresentationSize = -4")]
    public void NonPositiveCountIsVG0003(string setting) =>
        Single($"[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FpnNeck][FasterRcnnHead({setting})] public partial class Net;", "VG0003");

    [Fact]
    public void OneSizePerLevelMustMatchTheLevelsVG0021() =>
        Assert.Contains("5 levels", Single("[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FpnNeck][FasterRcnnHead(Classes = 3, AnchorSizes = [32, 64])] public partial class Net;", "VG0021").GetMessage());

    [Fact]
    public void AllSizesOnEveryLevelAcceptsAnyCount()
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FpnNeck][FasterRcnnHead(Classes = 3, AnchorSizes = [32, 64], AllSizesOnEveryLevel = true)] public partial class Net;");
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(run.Sources, s => s.Source.Contains("[32f, 64f]", StringComparison.Ordinal));
    }
}
