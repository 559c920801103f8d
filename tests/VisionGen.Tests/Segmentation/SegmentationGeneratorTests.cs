using Microsoft.CodeAnalysis;
using VisionGen.Tests.Generator;

namespace VisionGen.Tests.Segmentation;

/// <summary>
/// Segmentation heads in the generator: invalid combinations are diagnostics at the attribute the user fixes (and no
/// code), torchvision's dilation is the default under a head, and one generated model (CPU and GPU runner) is snapshot-tested.
/// </summary>
public class SegmentationGeneratorTests
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

    [Theory]
    [InlineData("[ResNet(Depth = 50)]", "LrasppHead(Classes = 3)", "[LrasppHead]'s backbone must be [MobileNetV3]", "but it is [ResNet]")]
    [InlineData("[VGG(Depth = 11)]", "DeepLabV3Head(Classes = 3)", "[DeepLabV3Head]'s backbone must be [ResNet] or [MobileNetV3]", "but it is [VGG]")]
    [InlineData("[MobileNetV2]", "FcnHead", "[FcnHead]'s backbone must be [ResNet] or [MobileNetV3]", "but it is [MobileNetV2]")]
    public void VG0020_HeadOnAnUnsupportedBackbone(string backbone, string head, string message, string actual)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 64, Width = 64)]{backbone}[{head}]", "VG0020");
        Assert.Contains(message, d.GetMessage());
        Assert.Contains(actual, d.GetMessage());
        Assert.Equal(head, at);
    }

    [Theory]
    [InlineData("ResNet(Depth = 18, ReplaceStrideWithDilation = [false, true, true])", "must be all false for Depth = 18", "BasicBlock")]
    [InlineData("ResNet(Depth = 34, ReplaceStrideWithDilation = [false, false, true])", "must be all false for Depth = 34", "Depth = 50 or more")]
    [InlineData("ResNet(Depth = 50, ReplaceStrideWithDilation = [true, true])", "must be three flags, for layer2, layer3 and layer4", "it has 2")]
    public void VG0020_BadDilation(string backbone, string message, string detail)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 64, Width = 64)][{backbone}][DeepLabV3Head(Classes = 3)]", "VG0020");
        Assert.Contains("[ResNet] ReplaceStrideWithDilation " + message, d.GetMessage());
        Assert.Contains(detail, d.GetMessage());
        Assert.Equal(backbone, at);
    }

    [Theory]
    [InlineData("DeepLabV3Head(Classes = 0)", "[DeepLabV3Head] Classes")]
    [InlineData("FcnHead(Classes = -2)", "[FcnHead] Classes")]
    [InlineData("LrasppHead(InterChannels = 0)", "[LrasppHead] InterChannels")]
    public void VG0003_NonPositiveHeadOption(string head, string what)
    {
        string backbone = head.StartsWith("Lraspp", StringComparison.Ordinal) ? "[MobileNetV3]" : "[ResNet(Depth = 50)]";
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 64, Width = 64)]{backbone}[{head}]", "VG0003");
        Assert.Contains(what + " must be positive", d.GetMessage());
        Assert.Equal(head, at);
    }

    [Fact]
    public void OtherCombinationsUseTheExistingDiagnostics()
    {
        Assert.StartsWith("[FcnHead] needs a backbone", Single("[VisionModel(Height = 64, Width = 64)][FcnHead]", "VG0008").Diagnostic.GetMessage());
        Assert.Contains("[DeepLabV3Head] and [ClassifierHead]", Single("[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][DeepLabV3Head][ClassifierHead]", "VG0016").Diagnostic.GetMessage());
        Assert.Equal("FpnNeck", Single("[VisionModel(Height = 64, Width = 64)][ResNet(Depth = 50)][FpnNeck][DeepLabV3Head]", "VG0018").At);
    }

    [Fact]
    public void TorchvisionsDilationIsTheDefaultUnderASegmentationHead()
    {
        // deeplabv3_resnet50: layer4's 3x3 convs dilated 4 (its first block 2), output stride 8; declared flags win.
        string Generate(string backbone)
        {
            GeneratorRun run = GeneratorHarness.Run($"using VisionGen; [VisionModel(Height = 64, Width = 64)]{backbone}[FcnHead(Classes = 2)] public partial class Net;");
            Assert.Empty(run.Diagnostics);
            return Assert.Single(run.Sources).Source;
        }
        string byDefault = Generate("[ResNet(Depth = 50)]");
        Assert.Contains("resnet50 (replace_stride_with_dilation=[False, True, True])", byDefault);
        Assert.Contains("1x2048x8x8", byDefault);
        Assert.Equal(byDefault, Generate("[ResNet(Depth = 50, ReplaceStrideWithDilation = [false, true, true])]"));
        string undilated = Generate("[ResNet(Depth = 50, ReplaceStrideWithDilation = [false, false, false])]");
        Assert.Contains("1x2048x2x2", undilated);
        Assert.DoesNotContain("replace_stride_with_dilation", undilated);
    }

    [Theory]
    [InlineData("[ResNet(Depth = 101)][DeepLabV3Head]", 96, 80)]       // deeplabv3_resnet101
    [InlineData("[ResNet(Depth = 101)][FcnHead(Classes = 3)]", 65, 97)] // fcn_resnet101
    [InlineData("[MobileNetV3(Size = MobileNetV3Size.Small, ReducedTail = true)][DeepLabV3Head(Classes = 2)]", 64, 48)]
    [InlineData("[ResNet(Depth = 50, Groups = 32, WidthPerGroup = 4)][FcnHead(Classes = 300)]", 40, 40)] // no byte labels: Run only
    public void OtherConfigurationsGenerateCompilableCode(string declaration, int height, int width)
    {
        GeneratorRun run = GeneratorHarness.Run($"using VisionGen; namespace App; [VisionModel(Height = {height}, Width = {width})]{declaration} public partial class Net;");
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        string source = Assert.Single(run.Sources).Source;
        Assert.Equal(!declaration.Contains("300"), source.Contains("public void Segment("));
    }

    /// <summary>LRASPP on a narrow MobileNetV3-Small: the CPU model with Segment and the GPU runner with its Segment.</summary>
    [Fact]
    public void LrasppCpuAndGpu()
    {
        GeneratorRun run = GeneratorHarness.Run(withKernels: true, """
            using VisionGen;
            namespace Demo;
            [VisionModel(Channels = 3, Height = 48, Width = 64)]
            [MobileNetV3(Size = MobileNetV3Size.Small, WidthMultiplier = 0.25f)]
            [LrasppHead(Classes = 3, InterChannels = 16)]
            public partial class TinyLraspp;
            """);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.Diagnostics);
        (string hintName, string text) = Assert.Single(run.Sources);
        Snapshot.Verify(text, hintName);
    }
}
