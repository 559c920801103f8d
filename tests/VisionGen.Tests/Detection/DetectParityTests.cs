using VisionGen.ObjectDetection;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Detection;

/// <summary>
/// Final detections of the generated <c>Detect</c> (network + anchors + decoding + class-wise NMS) against torchvision's
/// <c>postprocess_detections</c> on the same weights and input: matched one to one — same labels, scores within 1e-4,
/// boxes within 1e-3 relative.
/// </summary>
public class DetectParityTests(ITestOutputHelper log)
{
    private void AssertMatches(string caseName, Dictionary<string, float[]> io, ReadOnlySpan<global::VisionGen.ObjectDetection.Detection> ours, ReadOnlySpan<float> anchors)
        => AssertMatches(log, caseName, io, ours, anchors);

    /// <summary>The one-to-one comparison with torchvision's detections (also used by the SSD tests).</summary>
    internal static void AssertMatches(ITestOutputHelper log, string caseName, Dictionary<string, float[]> io, ReadOnlySpan<global::VisionGen.ObjectDetection.Detection> ours, ReadOnlySpan<float> anchors)
    {
        float[] boxes = io["det_boxes"], scores = io["det_scores"], labels = io["det_labels"];
        Assert.True(scores.Length > 20, $"{caseName}: the fixture should exercise NMS with many detections");
        Assert.Equal(scores.Length, ours.Length);

        float[] refAnchors = io["anchors"];
        double anchorErr = 0;
        for (int i = 0; i < refAnchors.Length; i++) anchorErr = Math.Max(anchorErr, Math.Abs(refAnchors[i] - anchors[i]));
        Assert.True(anchorErr <= 1e-3, $"{caseName}: anchors differ by {anchorErr}");

        var used = new bool[ours.Length];
        double maxScoreErr = 0, maxBoxErr = 0;
        for (int t = 0; t < scores.Length; t++)
        {
            // Scores can tie to 1e-7, so match by label and box rather than by position.
            int best = -1;
            double bestErr = double.MaxValue;
            for (int o = 0; o < ours.Length; o++)
            {
                if (used[o] || ours[o].Label != (int)labels[t]) continue;
                double err = Math.Max(Math.Max(Math.Abs(ours[o].X1 - boxes[4 * t]), Math.Abs(ours[o].Y1 - boxes[4 * t + 1])),
                                      Math.Max(Math.Abs(ours[o].X2 - boxes[4 * t + 2]), Math.Abs(ours[o].Y2 - boxes[4 * t + 3])))
                             + Math.Abs(ours[o].Score - scores[t]);
                if (err < bestErr) { bestErr = err; best = o; }
            }
            Assert.True(best >= 0, $"{caseName}: torchvision detection {t} (label {labels[t]}, score {scores[t]}) has no counterpart");
            used[best] = true;
            global::VisionGen.ObjectDetection.Detection d = ours[best];
            double scale = Math.Max(1.0, new[] { boxes[4 * t], boxes[4 * t + 1], boxes[4 * t + 2], boxes[4 * t + 3] }.Max(Math.Abs));
            double boxErr = new[] { d.X1 - boxes[4 * t], d.Y1 - boxes[4 * t + 1], d.X2 - boxes[4 * t + 2], d.Y2 - boxes[4 * t + 3] }.Max(v => Math.Abs(v)) / scale;
            maxScoreErr = Math.Max(maxScoreErr, Math.Abs(d.Score - scores[t]));
            maxBoxErr = Math.Max(maxBoxErr, boxErr);
        }
        log.WriteLine($"{caseName}: {scores.Length} detections matched one to one; max score error {maxScoreErr:E2}, max relative box error {maxBoxErr:E2}");
        Assert.True(maxScoreErr <= 1e-4, $"{caseName}: score error {maxScoreErr}");
        Assert.True(maxBoxErr <= 1e-3, $"{caseName}: relative box error {maxBoxErr}");
    }

    [Fact]
    public void RetinaNetResNet50()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_r50.io.safetensors"));
        using var net = ParityRetinaNet.Load(Fixtures.PathOf("retinanet_r50.safetensors"));
        var results = new global::VisionGen.ObjectDetection.Detection[ParityRetinaNet.MaxDetections];
        int count = net.Detect(io["input"], results);
        AssertMatches("retinanet_r50", io, results.AsSpan(0, count), net.Anchors);
    }

    [Fact]
    public void RetinaNetMobileNetV2()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_mnv2.io.safetensors"));
        using var net = ParityRetinaNetMobile.Load(Fixtures.PathOf("retinanet_mnv2.safetensors"));
        var results = new global::VisionGen.ObjectDetection.Detection[ParityRetinaNetMobile.MaxDetections];
        int count = net.Detect(io["input"], results);
        AssertMatches("retinanet_mnv2", io, results.AsSpan(0, count), net.Anchors);
    }

    [Fact]
    public void FcosResNet50()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("fcos_r50.io.safetensors"));
        using var net = ParityFcos.Load(Fixtures.PathOf("fcos_r50.safetensors"));
        var results = new global::VisionGen.ObjectDetection.Detection[ParityFcos.MaxDetections];
        int count = net.Detect(io["input"], results);
        AssertMatches("fcos_r50", io, results.AsSpan(0, count), net.Anchors);
    }

    [Fact]
    public void DetectAllocatesNothingAndHonoursSettings()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_mnv2.io.safetensors"));
        using var net = ParityRetinaNetMobile.Load(Fixtures.PathOf("retinanet_mnv2.safetensors"));
        var results = new global::VisionGen.ObjectDetection.Detection[ParityRetinaNetMobile.MaxDetections];
        float[] input = io["input"];
        for (int i = 0; i < 40; i++) net.Detect(input, results);
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 50; i++) net.Detect(input, results); }, rounds: 3));

        // A stricter score threshold and a smaller cap, through the options overload.
        var strict = ParityRetinaNetMobile.DefaultSettings with { ScoreThreshold = 0.2f, DetectionsPerImage = 5 };
        int count = net.Detect(input, results, strict);
        Assert.InRange(count, 1, 5);
        for (int i = 0; i < count; i++) Assert.True(results[i].Score > 0.2f);
        Assert.Equal(0.05f, ParityRetinaNetMobile.DefaultSettings.ScoreThreshold);
        Assert.Equal(300, ParityRetinaNetMobile.MaxDetections);
    }
}
