using VisionGen.Kernels;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

/// <summary>
/// <c>[EfficientNet(B0)] [BiFpn] [RetinaNetHead]</c> against the reference module of scripts/fixtures/make_bifpn_fixtures.py
/// (torch.nn, written from the EfficientDet paper; torchvision has no BiFPN) on the same random weights, at 97×131: the raw
/// head outputs, level by level (each pyramid level's slice of the head outputs is computed from that level of the neck
/// alone), within the classifier contract; the detections one to one with torchvision's <c>postprocess_detections</c>;
/// Detect allocating nothing. The same for a light MobileNetV3-Small + BiFPN at 33×47, also on the GPU runner, and for VGG-11
/// at 75×99, whose flooring pools make every downsampling resize.
/// </summary>
public class BiFpnTests(ITestOutputHelper log)
{
    private const int Anchors = 9;

    private static Dictionary<string, float[]> Io(string name) => Fixtures.ReadF32(Fixtures.PathOf($"{name}.io.safetensors"));

    private static string Weights(string name) => Fixtures.PathOf($"{name}.safetensors");

    /// <summary>Checks each level's slice (P3 … P6 or P7, anchors in torchvision's level-major order) and the whole output.</summary>
    private void AssertHeads(string what, Dictionary<string, float[]> io, int channels, int classes, ReadOnlySpan<float> classLogits, ReadOnlySpan<float> boxRegression)
    {
        int start = 0;
        for (int level = 3; io.ContainsKey($"p{level}"); level++)
        {
            float[] p = io[$"p{level}"];
            int cells = p.Length / channels * Anchors;
            Fixtures.AssertWithinContract(log, $"{what} cls_logits at P{level}", io["cls_logits"].AsSpan(start * classes, cells * classes), classLogits.Slice(start * classes, cells * classes));
            Fixtures.AssertWithinContract(log, $"{what} bbox_regression at P{level}", io["bbox_regression"].AsSpan(start * 4, cells * 4), boxRegression.Slice(start * 4, cells * 4));
            start += cells;
        }
        Assert.Equal(io["anchors"].Length / 4, start);
        Fixtures.AssertWithinContract(log, $"{what} cls_logits", io["cls_logits"], classLogits);
        Fixtures.AssertWithinContract(log, $"{what} bbox_regression", io["bbox_regression"], boxRegression);
    }

    /// <summary>Every torchvision detection has its own counterpart (same label, score within 1e-4, box within 1e-3 relative).</summary>
    private void AssertDetections(string what, Dictionary<string, float[]> io, ReadOnlySpan<Det> ours, int atLeast)
    {
        float[] boxes = io["det_boxes"], scores = io["det_scores"], labels = io["det_labels"];
        Assert.True(scores.Length >= atLeast, $"{what}: the fixture should give at least {atLeast} detections, it gives {scores.Length}");
        Assert.Equal(scores.Length, ours.Length);
        var used = new bool[ours.Length];
        double maxScore = 0, maxBox = 0;
        for (int t = 0; t < scores.Length; t++)
        {
            int best = -1;
            double bestErr = double.MaxValue;
            for (int o = 0; o < ours.Length; o++)
            {
                if (used[o] || ours[o].Label != (int)labels[t]) continue;
                double err = Math.Abs(ours[o].Score - scores[t]) + Math.Max(Math.Max(Math.Abs(ours[o].X1 - boxes[4 * t]), Math.Abs(ours[o].Y1 - boxes[4 * t + 1])),
                    Math.Max(Math.Abs(ours[o].X2 - boxes[4 * t + 2]), Math.Abs(ours[o].Y2 - boxes[4 * t + 3])));
                if (err < bestErr) { bestErr = err; best = o; }
            }
            Assert.True(best >= 0, $"{what}: torchvision detection {t} (label {labels[t]}, score {scores[t]}) has no counterpart");
            used[best] = true;
            Det d = ours[best];
            double scale = Math.Max(1.0, Enumerable.Range(0, 4).Max(k => Math.Abs(boxes[4 * t + k])));
            maxBox = Math.Max(maxBox, new[] { d.X1 - boxes[4 * t], d.Y1 - boxes[4 * t + 1], d.X2 - boxes[4 * t + 2], d.Y2 - boxes[4 * t + 3] }.Max(Math.Abs) / scale);
            maxScore = Math.Max(maxScore, Math.Abs(d.Score - scores[t]));
        }
        log.WriteLine($"{what}: {scores.Length} detections matched one to one; max score error {maxScore:E2}, max relative box error {maxBox:E2}");
        Assert.True(maxScore <= 1e-4, $"{what}: score error {maxScore}");
        Assert.True(maxBox <= 1e-3, $"{what}: relative box error {maxBox}");
    }

    [Fact]
    public void EfficientNetB0HeadOutputsMatchTheReferenceModule()
    {
        Dictionary<string, float[]> io = Io("bifpn_effdet_b0");
        using var net = BiFpnEfficientDet.Load(Weights("bifpn_effdet_b0"));
        Assert.Equal(BiFpnEfficientDet.AnchorCount, io["anchors"].Length / 4);
        net.RunHeads(io["input"]);
        AssertHeads("bifpn_effdet_b0", io, 64, 4, net.ClassLogits, net.BoxRegression);
    }

    [Fact]
    public void EfficientNetB0DetectionsMatchTorchvisionPostprocessAndAllocateNothing()
    {
        Dictionary<string, float[]> io = Io("bifpn_effdet_b0");
        using var net = BiFpnEfficientDet.Load(Weights("bifpn_effdet_b0"));
        var results = new Det[BiFpnEfficientDet.MaxDetections];
        int count = net.Detect(io["input"], results);
        float[] anchors = io["anchors"];
        ReadOnlySpan<float> ours = net.Anchors;
        for (int i = 0; i < anchors.Length; i++) Assert.True(Math.Abs(anchors[i] - ours[i]) <= 1e-3, $"anchor value {i}: {ours[i]} vs {anchors[i]}");
        AssertDetections("bifpn_effdet_b0", io, results.AsSpan(0, count), atLeast: 100);

        float[] input = io["input"];
        net.Detect(input, results);
        Assert.Equal(0, Allocations.Fewest(() => { net.Detect(input, results); }, rounds: 3));
    }

    [Fact]
    public void MobileNetV3SmallHeadsAndDetectionsMatchTheReferenceModule()
    {
        Dictionary<string, float[]> io = Io("bifpn_mnv3s");
        using var net = BiFpnMobileNetTiny.Load(Weights("bifpn_mnv3s"));
        var results = new Det[BiFpnMobileNetTiny.MaxDetections];
        int count = net.Detect(io["input"], results);
        AssertHeads("bifpn_mnv3s", io, 16, 3, net.ClassLogits, net.BoxRegression);
        AssertDetections("bifpn_mnv3s", io, results.AsSpan(0, count), atLeast: 30);
    }

    /// <summary>The odd-size rule going down: a max pool that gives ⌈n/2⌉ where the backbone floored, resized to the coarser level.</summary>
    [Fact]
    public void VggWithFlooringPoolsMatchesTheReferenceModule()
    {
        Dictionary<string, float[]> io = Io("bifpn_vgg11");
        using var net = BiFpnVgg.Load(Weights("bifpn_vgg11"));
        var results = new Det[BiFpnVgg.MaxDetections];
        int count = net.Detect(io["input"], results);
        AssertHeads("bifpn_vgg11", io, 16, 2, net.ClassLogits, net.BoxRegression);
        AssertDetections("bifpn_vgg11", io, results.AsSpan(0, count), atLeast: 30);
    }

    [Fact]
    public void GpuRunnerMatchesTheReferenceModule()
    {
        Dictionary<string, float[]> io = Io("bifpn_mnv3s");
        using GpuContext context = GpuContext.Create();
        using var gpu = BiFpnMobileNetTiny.LoadGpu(Weights("bifpn_mnv3s"), context);
        var results = new Det[BiFpnMobileNetTiny.MaxDetections];
        int count = gpu.Detect(io["input"], results);
        AssertHeads($"bifpn_mnv3s GPU on {context.Description}", io, 16, 3, gpu.ClassLogits, gpu.BoxRegression);
        AssertDetections($"bifpn_mnv3s GPU on {context.Description}", io, results.AsSpan(0, count), atLeast: 30);
    }
}
