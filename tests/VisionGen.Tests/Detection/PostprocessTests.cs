using VisionGen.ObjectDetection;
using Xunit.Abstractions;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

public class PostprocessTests(ITestOutputHelper log)
{
    private static readonly Dictionary<string, float[]> Refs = RuntimeFixtures.Tensors("detection_post.safetensors");

    private sealed record Case(string Name, bool Fcos, DetectionSettings Settings, float[] Logits, float[] Deltas, float[] Centerness,
        float[] Anchors, int[] PerLevel, int Height, int Width, int Candidates);

    private static Case Load(string name)
    {
        var c = RuntimeFixtures.Case("post", name);
        bool fcos = c.GetProperty("head").GetString() == "fcos";
        var settings = new DetectionSettings(c.GetProperty("score_thresh").GetSingle(), c.GetProperty("nms_thresh").GetDouble(),
            c.GetProperty("detections_per_img").GetInt32(), c.GetProperty("topk_candidates").GetInt32());
        Assert.Equal(fcos ? DetectionSettings.ForFcos() : DetectionSettings.ForRetinaNet(), settings); // our defaults are torchvision's
        int[] image = RuntimeFixtures.Ints(c.GetProperty("image"));
        return new Case(name, fcos, settings, Refs[name + ".cls_logits"], Refs[name + ".bbox_regression"],
            fcos ? Refs[name + ".bbox_ctrness"] : [], Refs[name + ".anchors"], RuntimeFixtures.Ints(c.GetProperty("anchors_per_level")),
            image[0], image[1], c.GetProperty("candidates").GetInt32());
    }

    private static int Run(Case c, PostprocessWorkspace ws, Span<Det> results) => c.Fcos
        ? FcosPostprocess.Run(c.Settings, c.Logits, c.Deltas, c.Centerness, c.Anchors, c.PerLevel, c.Height, c.Width, ws, results)
        : RetinaNetPostprocess.Run(c.Settings, c.Logits, c.Deltas, c.Anchors, c.PerLevel, c.Height, c.Width, ws, results);

    [Theory]
    [InlineData("retina_big")]    // > 1000 candidates per level (top-k cuts), per-class NMS path, 300-detection cap
    [InlineData("retina_small")]  // < 1000 candidates: coordinate-offset NMS path
    [InlineData("fcos_big")]
    [InlineData("fcos_small")]
    public void DetectionsMatchTorchvisionPostprocessDetections(string name)
    {
        Case c = Load(name);
        float[] refBoxes = Refs[name + ".det_boxes"], refScores = Refs[name + ".det_scores"];
        int[] refLabels = RuntimeFixtures.AsInts(Refs[name + ".det_labels"]);
        Assert.True(refScores.Length < c.Candidates, "NMS or the cap must actually remove candidates");

        var ws = new PostprocessWorkspace(c.Settings, c.PerLevel.Length);
        var results = new Det[c.Settings.DetectionsPerImage];
        int n = Run(c, ws, results);

        Assert.Equal(refScores.Length, n);
        double maxScoreErr = 0, maxBoxRel = 0;
        for (int i = 0; i < n; i++)
        {
            Det d = results[i];
            Assert.Equal(refLabels[i], d.Label);
            maxScoreErr = Math.Max(maxScoreErr, Math.Abs(d.Score - refScores[i]));
            float[] box = [d.X1, d.Y1, d.X2, d.Y2];
            for (int k = 0; k < 4; k++)
                maxBoxRel = Math.Max(maxBoxRel, Math.Abs(box[k] - refBoxes[4 * i + k]) / Math.Max(1.0, Math.Abs(refBoxes[4 * i + k])));
        }
        log.WriteLine($"{name}: {c.Candidates} candidates -> {n} detections; max |score - ref| = {maxScoreErr:E2}, max box rel err = {maxBoxRel:E2}");
        Assert.True(maxScoreErr <= 1e-4, $"score error {maxScoreErr:E2}");
        Assert.True(maxBoxRel <= 1e-3, $"box error {maxBoxRel:E2}");
    }

    [Theory]
    [InlineData("retina_big")]
    [InlineData("fcos_small")]
    public void AllocatesNothingAfterWarmUp(string name)
    {
        Case c = Load(name);
        var ws = new PostprocessWorkspace(c.Settings, c.PerLevel.Length);
        var results = new Det[c.Settings.DetectionsPerImage];
        int n = 0;
        long bytes = RuntimeFixtures.AllocatedBytes(() => n = Run(c, ws, results), 5);
        Assert.Equal(0, bytes);
        Assert.True(n > 0);
    }

    [Fact]
    public void ShortResultBufferGetsTheBestDetections()
    {
        Case c = Load("retina_small");
        var ws = new PostprocessWorkspace(c.Settings, c.PerLevel.Length);
        var all = new Det[c.Settings.DetectionsPerImage];
        int n = Run(c, ws, all);
        var few = new Det[5];
        Assert.Equal(5, Run(c, ws, few));
        Assert.Equal(all[..5], few);
        Assert.True(n > 5);
    }

    [Fact]
    public void MismatchedInputsAreRejected()
    {
        Case c = Load("retina_small");
        var ws = new PostprocessWorkspace(c.Settings, c.PerLevel.Length);
        var results = new Det[10];
        Assert.Throws<ArgumentException>(() => RetinaNetPostprocess.Run(c.Settings, c.Logits, c.Deltas.AsSpan(4), c.Anchors, c.PerLevel, 128, 160, ws, results));
        Assert.Throws<ArgumentException>(() => RetinaNetPostprocess.Run(c.Settings, c.Logits.AsSpan(1), c.Deltas, c.Anchors, c.PerLevel, 128, 160, ws, results));
        Assert.Throws<ArgumentException>(() => RetinaNetPostprocess.Run(c.Settings, c.Logits, c.Deltas, c.Anchors, c.PerLevel.AsSpan(1), 128, 160, ws, results));
        Assert.Throws<ArgumentException>(() => RetinaNetPostprocess.Run(c.Settings, c.Logits, c.Deltas, c.Anchors, c.PerLevel, 128, 160, new PostprocessWorkspace(10, 5), results));
        Assert.Throws<ArgumentException>(() => FcosPostprocess.Run(DetectionSettings.ForFcos(), c.Logits, c.Deltas, new float[3], c.Anchors, c.PerLevel, 128, 160, ws, results));
    }
}
