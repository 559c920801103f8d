using System.Diagnostics;
using Xunit.Abstractions;

namespace VisionGen.Tests.Generator;

/// <summary>Every torchvision configuration a user may declare generates code that compiles, without diagnostics (generation time is logged, not asserted).</summary>
public class CoverageTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("[ResNet(Depth = 18)]", 224, 224)]
    [InlineData("[ResNet(Depth = 34)]", 97, 131)]
    [InlineData("[ResNet(Depth = 50)]", 224, 224)]
    [InlineData("[ResNet(Depth = 101)]", 160, 96)]
    [InlineData("[ResNet(Depth = 152)]", 224, 224)]
    [InlineData("[MobileNetV2(WidthMultiplier = 0.35f)]", 96, 96)]
    [InlineData("[MobileNetV2(WidthMultiplier = 0.5f)]", 127, 65)]
    [InlineData("[MobileNetV2(WidthMultiplier = 1.3f)]", 224, 224)]
    [InlineData("[ResNet(Depth = 101)][FpnNeck(Stages = [1, 2, 3, 4], ExtraBlocks = FpnExtra.MaxPool)][RetinaNetHead(Classes = 7, AnchorSizes = [16, 32, 64, 128, 256])]", 256, 192)]
    [InlineData("[EfficientNetV2(Size = EfficientNetV2Size.S)][BiFpn(Channels = 32, Repeats = 2, Levels = 6)][FcosHead(Classes = 3)]", 127, 161)]
    public void GeneratesCompilableCode(string backbone, int height, int width)
    {
        string head = backbone.Contains("Head") ? "" : "[ClassifierHead(Classes = 11)]";
        var clock = Stopwatch.StartNew();
        GeneratorRun run = GeneratorHarness.Run($"using VisionGen; namespace App; [VisionModel(Channels = 3, Height = {height}, Width = {width})]{backbone}{head} public partial class Net;");
        log.WriteLine($"{backbone}: generated {run.Sources.Sum(s => s.Source.Length) / 1024} KiB in {clock.ElapsedMilliseconds} ms");
        Assert.Empty(run.Diagnostics);
        Assert.Single(run.Sources);
        Assert.Empty(run.CompilationErrors);
    }
}
