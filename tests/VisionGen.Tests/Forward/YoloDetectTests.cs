using VisionGen.Kernels;
using VisionGen.ObjectDetection;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;
using static VisionGen.Nn;

namespace VisionGen.Tests.Forward;

/// <summary>
/// Python <c>YoloDetector</c> of scripts/fixtures/make_forward_fixtures.py: five strided ultralytics Convs (P3/8, P4/16,
/// P5/32 from the last three) and a Detect-style head per scale (box branch Conv + 1×1 to 4·16 bins, class branch Conv +
/// 1×1 to 5 logits, joined by Cat), declared with <c>[YoloHead]</c>.
/// </summary>
[VisionModel(Channels = 3, Height = 96, Width = 128)]
[YoloHead(Classes = 5, RegMax = 16)]
public sealed partial class ForwardYoloDetector
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        x = Conv(Conv(x, "model.0", 8, 2), "model.1", 16, 2);
        var p3 = Conv(x, "model.2", 32, 2);
        var p4 = Conv(p3, "model.3", 32, 2);
        var p5 = Conv(p4, "model.4", 32, 2);
        return (Scale(p3, 0), Scale(p4, 1), Scale(p5, 2));
    }

    // torch.cat((cv2[i](p), cv3[i](p)), 1): box bins first, then class logits.
    static Tensor Scale(Tensor p, int i) =>
        Cat(Conv2d(Conv(p, $"model.5.cv2.{i}.0", 64, 1), $"model.5.cv2.{i}.1", 64, 1),
            Conv2d(Conv(p, $"model.5.cv3.{i}.0", 32, 1), $"model.5.cv3.{i}.1", 5, 1));

    // ultralytics Conv(k = 3): Conv2d(bias=False) + BatchNorm2d(eps=1e-3) + SiLU.
    static Tensor Conv(Tensor x, string name, int channels, int stride) =>
        Silu(BatchNorm2d(Conv2d(x, $"{name}.conv", channels, 3, stride: stride, padding: 1, bias: false), $"{name}.bn", eps: 1e-3f));
}

/// <summary>
/// <c>[YoloHead]</c>'s Detect (network, DFL decoding, best class, threshold, top-k, class-wise NMS, clipping) against the
/// fixture script's PyTorch post-processing (written from the public description of YOLOv8's head, torchvision's
/// batched_nms) on the same weights and input, with the declared settings and with tighter ones passed to Detect; the
/// raw scale outputs against PyTorch's; the GPU runner; no allocation per call.
/// </summary>
public sealed class YoloDetectTests(ITestOutputHelper log)
{
    private const string Name = "yolo_det";

    private static Dictionary<string, float[]> Io() => Fixtures.ReadF32(Fixtures.PathOf(Name + ".io.safetensors"));

    private static ForwardYoloDetector LoadCpu() => ForwardYoloDetector.Load(Fixtures.PathOf(Name + ".safetensors"));

    private static readonly DetectionSettings Tight = new(0.12f, 0.5, 20, 60);

    [Fact]
    public void DetectMatchesPyTorch()
    {
        Dictionary<string, float[]> io = Io();
        using ForwardYoloDetector net = LoadCpu();
        var results = new ObjectDetection.Detection[ForwardYoloDetector.MaxDetections];
        int found = net.Detect(io["input"], results);
        AssertSame("CPU, declared settings", io["detections"], results.AsSpan(0, found));
    }

    [Fact]
    public void DetectWithOtherSettingsMatchesPyTorch()
    {
        Dictionary<string, float[]> io = Io();
        using ForwardYoloDetector net = LoadCpu();
        var results = new ObjectDetection.Detection[ForwardYoloDetector.MaxDetections];
        int found = net.Detect(io["input"], results, Tight);
        AssertSame("CPU, score 0.12, IoU 0.5, 20 detections, 60 candidates", io["detections_low"], results.AsSpan(0, found));
    }

    [Fact]
    public void RawScaleOutputsMatchPyTorch()
    {
        var (input, expected, names, lengths) = ForwardParity.ReadCase("", Name);
        using ForwardYoloDetector net = LoadCpu();
        net.RunHeads(input);
        float[] actual = [.. net.Output0, .. net.Output1, .. net.Output2];
        ForwardParity.AssertOutputs(log, Name + " CPU raw outputs", expected, actual, names, lengths);
        Assert.Equal(12 * 16 + 6 * 8 + 3 * 4, ForwardYoloDetector.AnchorCount);
    }

    [Fact]
    public void GpuRunnerDetectsTheSame()
    {
        Dictionary<string, float[]> io = Io();
        using GpuContext context = GpuContext.Create();
        using ForwardYoloDetector.Gpu gpu = ForwardYoloDetector.LoadGpu(Fixtures.PathOf(Name + ".safetensors"), context);
        var results = new ObjectDetection.Detection[ForwardYoloDetector.MaxDetections];
        AssertSame($"GPU ({context.Description}), declared settings", io["detections"], results.AsSpan(0, gpu.Detect(io["input"], results)));
        AssertSame($"GPU ({context.Description}), tight settings", io["detections_low"], results.AsSpan(0, gpu.Detect(io["input"], results, Tight)));
        var (_, expected, names, lengths) = ForwardParity.ReadCase("", Name);
        ForwardParity.AssertOutputs(log, Name + " GPU raw outputs", expected, [.. gpu.Output0, .. gpu.Output1, .. gpu.Output2], names, lengths);
    }

    [Fact]
    public void DetectAllocatesNothing()
    {
        Dictionary<string, float[]> io = Io();
        using ForwardYoloDetector net = LoadCpu();
        float[] input = io["input"];
        var results = new ObjectDetection.Detection[ForwardYoloDetector.MaxDetections];
        net.Detect(input, results);
        net.Detect(input, results, Tight);
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            net.Detect(input, results);
            net.Detect(input, results, Tight);
        }, rounds: 3));
    }

    [Fact]
    public void BadSettingsAndShortBuffersAreClearErrors()
    {
        Dictionary<string, float[]> io = Io();
        using ForwardYoloDetector net = LoadCpu();
        var results = new ObjectDetection.Detection[4];
        Assert.Equal(4, net.Detect(io["input"], results)); // a short results span caps the count
        var tooMany = new DetectionSettings(0.25f, 0.7, 300, ForwardYoloDetector.DefaultSettings.TopKCandidates + 1);
        Assert.Contains("TopKCandidates", Assert.Throws<ArgumentException>(() => net.Detect(io["input"], results, tooMany)).Message);
        Assert.Throws<ArgumentException>(() => net.Detect(new float[3], results));
        Assert.Equal(4, net.Detect(io["input"], results)); // the failed calls left the model usable
    }

    [Fact]
    public void PostprocessDecodesOneCellByHandAndRejectsInconsistentArguments()
    {
        // One 2x2 scale, stride 8, RegMax 2, 2 classes: channels 0-7 box bins (all 0: each side's distance is 0.5),
        // channels 8-9 class logits, all -10 except class 1 at row 1, column 0 (logit 2, score 1/(1+e^-2)).
        const int plane = 4;
        float[] heads = new float[(4 * 2 + 2) * plane];
        for (int c = 8; c < 10; c++) heads.AsSpan(c * plane, plane).Fill(-10f);
        heads[9 * plane + 2] = 2f;
        YoloLevel[] levels = [new(0, 2, 2, 8)];
        var settings = new DetectionSettings(0.25f, 0.7, 10, 4);
        var workspace = new PostprocessWorkspace(4, 1);
        var results = new ObjectDetection.Detection[10];
        Assert.Equal(1, YoloPostprocess.Run(settings, heads, levels, 2, 2, 16, 16, workspace, results));
        // Centre (0.5, 1.5) cells; box (0.5 - 0.5, 1.5 - 0.5, 0.5 + 0.5, 1.5 + 0.5) x 8 = (0, 8, 8, 16), clipped to 16x16.
        Assert.Equal(new ObjectDetection.Detection(0f, 8f, 8f, 16f, 1f / (1f + MathF.Exp(-2f)), 1), results[0]);

        Assert.Throws<ArgumentOutOfRangeException>(() => YoloPostprocess.Run(settings, heads, levels, 2, 0, 16, 16, workspace, results));
        Assert.Contains("past the", Assert.Throws<ArgumentException>(() => YoloPostprocess.Run(settings, heads.AsSpan(1), levels, 2, 2, 16, 16, workspace, results)).Message);
        Assert.Contains("TopKCandidates", Assert.Throws<ArgumentException>(() => YoloPostprocess.Run(settings with { TopKCandidates = 5 }, heads, levels, 2, 2, 16, 16, workspace, results)).Message);
    }

    /// <summary>Same detections in the same order: labels equal, scores within 1e-5, boxes within 1e-3 of a pixel.</summary>
    private void AssertSame(string what, float[] reference, ReadOnlySpan<ObjectDetection.Detection> ours)
    {
        int count = reference.Length / 6;
        Assert.True(count >= 10, $"{what}: the fixture should give many detections, it gives {count}");
        Assert.Equal(count, ours.Length);
        double scoreErr = 0, boxErr = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> r = reference.AsSpan(6 * i, 6);
            ObjectDetection.Detection d = ours[i];
            Assert.Equal((int)r[5], d.Label);
            scoreErr = Math.Max(scoreErr, Math.Abs(d.Score - r[4]));
            boxErr = Math.Max(boxErr, new[] { d.X1 - r[0], d.Y1 - r[1], d.X2 - r[2], d.Y2 - r[3] }.Max(Math.Abs));
        }
        log.WriteLine($"{what}: {count} detections equal in order and label; max score error {scoreErr:E2}, max box error {boxErr:E2} px");
        Assert.True(scoreErr <= 1e-5, $"{what}: score error {scoreErr}");
        Assert.True(boxErr <= 1e-3, $"{what}: box error {boxErr} px");
    }
}
