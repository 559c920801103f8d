using Microsoft.CodeAnalysis;
using VisionGen.Kernels;
using VisionGen.ObjectDetection;
using VisionGen.Tests.Generator;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

// torchvision's SSD detectors declared as a user would, matching scripts/fixtures/make_ssd_fixtures.py: smaller inputs than
// the builders' 300×300 and 320×320 (the default boxes follow the feature-map sizes and steps, as in torchvision).

[VisionModel(Channels = 3, Height = 276, Width = 300)]
[Ssd300Vgg16(Classes = 4)]
public partial class ParitySsd300;

[VisionModel(Channels = 3, Height = 160, Width = 192)]
[SsdLite320MobileNetV3Large(Classes = 3)]
public partial class ParitySsdLite;

// The same weights at 48×64, for the GPU runner on ILGPU's CPU accelerator.
[VisionModel(Channels = 3, Height = 48, Width = 64)]
[SsdLite320MobileNetV3Large(Classes = 3)]
public partial class ParitySsdLiteTiny;

/// <summary>
/// SSD300-VGG16 and SSDlite320-MobileNetV3-Large against torchvision 0.14 (transform bypassed): the raw head outputs
/// within the numeric contract, the default boxes, and the final detections of <c>Detect</c> one to one with
/// <c>SSD.postprocess_detections</c>; allocation-free; the SSDlite GPU runner on whatever accelerator GpuContext picks.
/// </summary>
public sealed class SsdTests(ITestOutputHelper log)
{
    private static void AssertAnchors(string what, float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double err = 0;
        for (int i = 0; i < expected.Length; i++) err = Math.Max(err, Math.Abs(expected[i] - actual[i]));
        // torchvision computes the boxes in float32 as DefaultBoxGenerator does here: equal to the last bit or two.
        Assert.True(err <= 1e-4, $"{what}: default boxes differ by {err}");
    }

    [Fact]
    public void Ssd300Vgg16MatchesTorchvision()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("ssd300_vgg16.io.safetensors"));
        using var net = ParitySsd300.Load(Fixtures.PathOf("ssd300_vgg16.safetensors"));
        Assert.Equal(ParitySsd300.AnchorCount, io["anchors"].Length / 4);
        AssertAnchors("ssd300_vgg16", io["anchors"], net.Anchors);
        var results = new Det[ParitySsd300.MaxDetections];
        int count = net.Detect(io["input"], results);
        Fixtures.AssertWithinContract(log, "ssd300_vgg16 cls_logits", io["cls_logits"], net.ClassLogits);
        Fixtures.AssertWithinContract(log, "ssd300_vgg16 bbox_regression", io["bbox_regression"], net.BoxRegression);
        DetectParityTests.AssertMatches(log, "ssd300_vgg16", io, results.AsSpan(0, count), net.Anchors);
        // One run only (VGG-16 at 276×300 is the slowest network in the suite): SsdPostprocess's allocation-free Detect is
        // measured on SSDlite below, and the L2 norm kernel in NormalizationTests.AllAreAllocationFree.
        Assert.Equal(new DetectionSettings(0.01f, 0.45, 200, 400), ParitySsd300.DefaultSettings);
    }

    [Fact]
    public void SsdLite320MatchesTorchvision()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("ssdlite320.io.safetensors"));
        using var net = ParitySsdLite.Load(Fixtures.PathOf("ssdlite320.safetensors"));
        Assert.Equal(ParitySsdLite.AnchorCount, io["anchors"].Length / 4);
        AssertAnchors("ssdlite320", io["anchors"], net.Anchors);
        var results = new Det[ParitySsdLite.MaxDetections];
        int count = net.Detect(io["input"], results);
        Fixtures.AssertWithinContract(log, "ssdlite320 cls_logits", io["cls_logits"], net.ClassLogits);
        Fixtures.AssertWithinContract(log, "ssdlite320 bbox_regression", io["bbox_regression"], net.BoxRegression);
        DetectParityTests.AssertMatches(log, "ssdlite320", io, results.AsSpan(0, count), net.Anchors);
        Assert.Equal(new DetectionSettings(0.001f, 0.55, 300, 300), ParitySsdLite.DefaultSettings);
    }

    [Fact]
    public void SsdLiteDetectAllocatesNothingAndHonoursSettings()
    {
        // The 48×64 model (same code, a few milliseconds a call), warmed past the JIT's tier-up (30 calls) as DetectParityTests does.
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("ssdlite320.tiny.io.safetensors"));
        using var net = ParitySsdLiteTiny.Load(Fixtures.PathOf("ssdlite320.safetensors"));
        var results = new Det[ParitySsdLiteTiny.MaxDetections];
        float[] input = io["input"];
        for (int i = 0; i < 40; i++) net.Detect(input, results);
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 50; i++) net.Detect(input, results); }, rounds: 3));

        var strict = ParitySsdLiteTiny.DefaultSettings with { ScoreThreshold = 0.6f, DetectionsPerImage = 7 };
        int count = net.Detect(input, results, strict);
        Assert.InRange(count, 1, 7);
        for (int i = 0; i < count; i++) Assert.True(results[i].Score > 0.6f && results[i].Label is 1 or 2);

        // Bad input is refused without touching the model: wrong length, NaN, a top-k beyond the workspace.
        Assert.Throws<ArgumentException>(() => net.Detect(input.AsSpan(1), results));
        float[] nan = (float[])input.Clone();
        nan[17] = float.NaN;
        Assert.Throws<ArgumentException>(() => net.Detect(nan, results));
        Assert.Throws<ArgumentException>(() => net.Detect(input, results, ParitySsdLiteTiny.DefaultSettings with { TopKCandidates = 301 }));
        Assert.Equal(count, net.Detect(input, results, strict));
    }

    [Fact]
    public void SsdLiteGpuRunnerMatchesTorchvision()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("ssdlite320.tiny.io.safetensors"));
        using GpuContext context = GpuContext.Create();
        using var gpu = ParitySsdLiteTiny.LoadGpu(Fixtures.PathOf("ssdlite320.safetensors"), context);
        var results = new Det[ParitySsdLiteTiny.MaxDetections];
        int count = gpu.Detect(io["input"], results);
        Fixtures.AssertWithinContract(log, $"ssdlite320 cls_logits GPU on {context.Description}", io["cls_logits"], gpu.ClassLogits);
        Fixtures.AssertWithinContract(log, $"ssdlite320 bbox_regression GPU on {context.Description}", io["bbox_regression"], gpu.BoxRegression);
        DetectParityTests.AssertMatches(log, "ssdlite320 GPU", io, results.AsSpan(0, count), io["anchors"]);
    }

    [Fact]
    public void DefaultBoxGeneratorScalesAreTorchvisions()
    {
        // torchvision's repr of ssdlite320's generator: scales=[0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.0] (Python doubles).
        Assert.Equal(new[] { 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.0 }, DefaultBoxGenerator.Scales(6, 0.2, 0.95).Select(s => Math.Round(s, 12)));
        Assert.Equal(new[] { 0.15, 0.9 }, DefaultBoxGenerator.Scales(1, 0.15, 0.9));
        Assert.Equal(new[] { 4, 6, 6, 6, 4, 4 }, DefaultBoxGenerator.BoxesPerLocation([[2], [2, 3], [2, 3], [2, 3], [2], [2]]));
        Assert.Throws<ArgumentException>(() => DefaultBoxGenerator.Generate(300, 300, [(2, 2)], [[2]], [0.1], null, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => DefaultBoxGenerator.Generate(300, 300, [(2, 2)], [[0]], [0.1, 0.2], null, true));
    }

    [Fact]
    public void SsdPostprocessRejectsMismatchedInputs()
    {
        var settings = new DetectionSettings(0.01f, 0.45, 10, 5);
        var ws = new SsdPostprocessWorkspace(settings, 3);
        float[] anchors = [0, 0, 10, 10, 5, 5, 20, 20];
        var results = new Det[10];
        Assert.Throws<ArgumentException>(() => SsdPostprocess.Run(settings, new float[6], new float[7], anchors, 32, 32, ws, results));
        Assert.Throws<ArgumentException>(() => SsdPostprocess.Run(settings, new float[8], new float[8], anchors, 32, 32, ws, results));
        Assert.Throws<ArgumentException>(() => SsdPostprocess.Run(settings with { TopKCandidates = 6 }, new float[6], new float[8], anchors, 32, 32, ws, results));
        // Two boxes. The first is background-dominated: softmax(5, 0, 0) gives its classes 0.0066, below 0.01. The second,
        // softmax(0, 2, 1) = (0.090, 0.665, 0.245), yields both classes on the same box (different classes never suppress
        // each other); zero deltas decode to the default box itself; class 0 is never reported.
        float[] logits = [5, 0, 0, 0, 2, 1];
        int n = SsdPostprocess.Run(settings, logits, new float[8], anchors, 32, 32, ws, results);
        Assert.Equal(2, n);
        Assert.Equal(1, results[0].Label);
        Assert.Equal(2, results[1].Label);
        Assert.Equal(0.66524096, results[0].Score, 1e-6);
        Assert.Equal(0.24472847, results[1].Score, 1e-6);
        Assert.Equal(new Det(5, 5, 20, 20, results[0].Score, 1), results[0]);
    }
}

/// <summary>Invalid SSD declarations: the id, the attribute as location, an actionable message, no generated code.</summary>
public class SsdDiagnosticTests
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
    [InlineData("Ssd300Vgg16(Classes = 1)", "VG0020", "[Ssd300Vgg16] Classes must be at least 2")]
    [InlineData("SsdLite320MobileNetV3Large(ScoreThreshold = 1.5f)", "VG0020", "[SsdLite320MobileNetV3Large] ScoreThreshold must be in [0, 1)")]
    [InlineData("SsdLite320MobileNetV3Large(NmsThreshold = 0f)", "VG0020", "NmsThreshold must be in (0, 1]")]
    [InlineData("Ssd300Vgg16(TopKCandidates = 0)", "VG0003", "[Ssd300Vgg16] TopKCandidates must be positive")]
    [InlineData("Ssd300Vgg16(DetectionsPerImage = -1)", "VG0003", "[Ssd300Vgg16] DetectionsPerImage must be positive")]
    public void BadSettingsAreReportedAtTheAttribute(string attribute, string id, string message)
    {
        (Diagnostic d, string at) = Single($"[VisionModel(Height = 300, Width = 300)][{attribute}] public partial class Net;", id);
        Assert.Contains(message, d.GetMessage());
        Assert.Equal(attribute, at);
    }

    [Fact]
    public void InputTooSmallForTheExtraBlocksIsReportedAtTheAttribute()
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n[VisionModel(Height = 200, Width = 300)][Ssd300Vgg16] public partial class Net;");
        Diagnostic d = Assert.Single(run.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("backbone.extra", d.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("[ResNet(Depth = 18)][Ssd300Vgg16]", "VG0009")]
    [InlineData("[SsdLite320MobileNetV3Large][ClassifierHead(Classes = 3)]", "VG0016")]
    public void AnSsdDeclaresItsOwnBackboneAndHead(string attributes, string id)
    {
        GeneratorRun run = GeneratorHarness.Run($"using VisionGen;\n[VisionModel(Height = 320, Width = 320)]{attributes} public partial class Net;");
        Assert.Contains(run.Diagnostics, d => d.Id == id);
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void AnFpnNeckIsRefused()
    {
        (Diagnostic d, string at) = Single("[VisionModel(Height = 320, Width = 320)][SsdLite320MobileNetV3Large][FpnNeck] public partial class Net;", "VG0019");
        Assert.Contains("remove [FpnNeck]", d.GetMessage());
        Assert.Equal("FpnNeck", at);
    }
}
