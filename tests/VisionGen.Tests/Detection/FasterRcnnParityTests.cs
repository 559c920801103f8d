using VisionGen.Tests.Parity;
using Xunit.Abstractions;
using Det = global::VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

/// <summary>
/// The generated Faster R-CNN against torchvision 0.14 on the same weights and input (make_faster_rcnn_fixtures.py,
/// GeneralizedRCNNTransform bypassed): the RPN head's raw outputs within the numerics contract, the same anchors, the
/// same proposals in the same order, the box predictor's outputs within the contract, and the final detections one to
/// one (same labels, scores within 1e-4, boxes within 1e-3 relative). Detect allocates nothing.
/// </summary>
public class FasterRcnnParityTests(ITestOutputHelper log)
{
    [Fact]
    public void MobileNetV3LargeFpn()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("frcnn_mnv3.io.safetensors"));
        using var net = ParityFasterRcnnMobile.Load(Fixtures.PathOf("frcnn_mnv3.safetensors"));
        var results = new Det[ParityFasterRcnnMobile.MaxDetections];
        int count = net.Detect(io["input"], results);
        Check(log, 1, "frcnn_mnv3", io, net.Objectness, net.RpnBoxDeltas, net.Anchors, net.Proposals, net.ProposalScores, net.ClassLogits, net.BoxRegression, results.AsSpan(0, count));

        // A second call allocates nothing and gives the same detections.
        float[] input = io["input"];
        var again = new Det[ParityFasterRcnnMobile.MaxDetections];
        int count2 = 0;
        Assert.Equal(0, Allocations.Fewest(() => count2 = net.Detect(input, again), rounds: 3));
        Assert.Equal(results.AsSpan(0, count).ToArray(), again.AsSpan(0, count2).ToArray());

        // Settings: a stricter score threshold and a smaller cap.
        var strict = ParityFasterRcnnMobile.DefaultSettings with { ScoreThreshold = 0.25f, DetectionsPerImage = 3 };
        int few = net.Detect(input, again, strict);
        Assert.InRange(few, 1, 3);
        for (int i = 0; i < few; i++) Assert.True(again[i].Score > 0.25f);
        Assert.Equal(1000, ParityFasterRcnnMobile.MaxProposals);
        Assert.Equal(100, ParityFasterRcnnMobile.MaxDetections);
    }

    [Fact]
    public void ResNet50Fpn()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("frcnn_r50.io.safetensors"));
        using var net = ParityFasterRcnn.Load(Fixtures.PathOf("frcnn_r50.safetensors"));
        var results = new Det[ParityFasterRcnn.MaxDetections];
        int count = net.Detect(io["input"], results);
        // ResNet-50's pyramid carries up to ~5e-5 relative error (the RPN logits show it, within the contract), and fc6
        // sums 12544 products of it: the box predictor's rows are held to 2x the contract.
        Check(log, 2, "frcnn_r50", io, net.Objectness, net.RpnBoxDeltas, net.Anchors, net.Proposals, net.ProposalScores, net.ClassLogits, net.BoxRegression, results.AsSpan(0, count));
        Assert.Equal(0, Allocations.Fewest(() => { net.Detect(io["input"], results); }, rounds: 3));
    }

    [Fact]
    public void SmallDeclarationWithOtherSettings()
    {
        // Representation size, channels and proposal counts other than the builders' (make_faster_rcnn_fixtures.py frcnn_tiny).
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("frcnn_tiny.io.safetensors"));
        using var net = ParityFasterRcnnTiny.Load(Fixtures.PathOf("frcnn_tiny.safetensors"));
        var results = new Det[ParityFasterRcnnTiny.MaxDetections];
        int count = net.Detect(io["input"], results);
        Check(log, 1, "frcnn_tiny", io, net.Objectness, net.RpnBoxDeltas, net.Anchors, net.Proposals, net.ProposalScores, net.ClassLogits, net.BoxRegression, results.AsSpan(0, count));
        Assert.Equal(20, ParityFasterRcnnTiny.MaxProposals);
    }

    private static void CompareRows(ITestOutputHelper log, string name, string what, float[] expected, ReadOnlySpan<float> actual, int width, int[] ourIndex,
        List<int> exact, List<int> moved, double headTolerance)
    {
        float[] e = exact.SelectMany(i => expected.AsSpan(i * width, width).ToArray()).ToArray();
        float[] a = new float[e.Length];
        for (int r = 0; r < exact.Count; r++) actual.Slice(ourIndex[exact[r]] * width, width).CopyTo(a.AsSpan(r * width));
        if (headTolerance == 1)
        {
            Fixtures.AssertWithinContract(log, $"{name} {what} ({exact.Count} proposals equal to 1e-5)", e, a);
        }
        else
        {
            double refMax = e.Max(v => Math.Abs((double)v)), maxErr = 0;
            for (int i = 0; i < e.Length; i++) maxErr = Math.Max(maxErr, Math.Abs(e[i] - a[i]));
            double bound = headTolerance * (1e-4 * refMax + 1e-5);
            log.WriteLine($"{name} {what} ({exact.Count} proposals equal to 1e-5): max|y-ref| = {maxErr:E3}, max|ref| = {refMax:E3}, bound {bound:E3} ({headTolerance} x the contract)");
            Assert.True(maxErr <= bound, $"{name} {what}: max|y-ref| = {maxErr:E3} exceeds {bound:E3}");
        }
        double maxRef = expected.Max(v => Math.Abs((double)v)), err = 0;
        foreach (int i in moved)
            for (int c = 0; c < width; c++) err = Math.Max(err, Math.Abs(expected[i * width + c] - actual[ourIndex[i] * width + c]));
        log.WriteLine($"{name} {what}: {moved.Count} proposals further apart, max|y-ref| = {err:E3} (max|ref| {maxRef:E3})");
        Assert.True(err <= 1e-3 * maxRef, $"{name} {what}: rows of moved proposals differ by {err:E3}");
    }

    /// <summary>The largest coordinate difference of two boxes over max(1, the reference box's largest |coordinate|).</summary>
    internal static double BoxDistance(float[] a, int i, ReadOnlySpan<float> b, int j)
    {
        double d = 0, scale = 1;
        for (int c = 0; c < 4; c++)
        {
            d = Math.Max(d, Math.Abs(a[4 * i + c] - b[4 * j + c]));
            scale = Math.Max(scale, Math.Abs(a[4 * i + c]));
        }
        return d / scale;
    }

    internal static void Check(ITestOutputHelper log, double headTolerance, string name, Dictionary<string, float[]> io, ReadOnlySpan<float> objectness, ReadOnlySpan<float> deltas, ReadOnlySpan<float> anchors,
        ReadOnlySpan<float> proposals, ReadOnlySpan<float> proposalScores, ReadOnlySpan<float> classLogits, ReadOnlySpan<float> boxRegression, ReadOnlySpan<Det> ours)
    {
        Fixtures.AssertWithinContract(log, name + " RPN objectness", io["objectness"], objectness);
        Fixtures.AssertWithinContract(log, name + " RPN box deltas", io["rpn_deltas"], deltas);
        Assert.Equal(io["anchors"], anchors.ToArray());

        // Proposals: the same boxes in the same order, except that proposals whose scores are within 1e-4 of each other
        // (sigmoid of logits that agree only to the contract, ~1e-4 relative) may come in either order: those are matched
        // by box and counted. Boxes agree to 1e-3 relative (a delta error of 6e-5 moves a 512-pixel anchor's box by 0.03
        // pixel). Then the box predictor's rows are compared proposal by proposal.
        float[] refProposals = io["proposals"], refScores = io["proposal_scores"];
        int p = refScores.Length;
        Assert.True(p >= 20, $"{name}: the fixture should have many proposals");
        Assert.Equal(p, proposalScores.Length);
        var ourIndex = new int[p];
        var taken = new bool[p];
        int reordered = 0;
        double proposalErr = 0, scoreErr = 0;
        for (int i = 0; i < p; i++)
        {
            int j = BoxDistance(refProposals, i, proposals, i) <= 1e-3 && !taken[i] ? i : -1;
            for (int o = 0; j < 0 && o < p; o++)
            {
                if (!taken[o] && BoxDistance(refProposals, i, proposals, o) <= 1e-3 && Math.Abs(refScores[i] - proposalScores[o]) <= 1e-4) j = o;
            }
            Assert.True(j >= 0, $"{name}: torchvision proposal {i} (score {refScores[i]}) has no counterpart among the proposals with a tied score");
            if (j != i) reordered++;
            taken[j] = true;
            ourIndex[i] = j;
            proposalErr = Math.Max(proposalErr, BoxDistance(refProposals, i, proposals, j));
            scoreErr = Math.Max(scoreErr, Math.Abs(refScores[i] - proposalScores[j]));
        }
        log.WriteLine($"{name}: {p} proposals equal ({reordered} at another position among tied scores); max relative box error {proposalErr:E2}, max score error {scoreErr:E2}");
        Assert.True(scoreErr <= 1e-4, $"{name}: proposal score error {scoreErr}");

        // The box predictor's rows, proposal by proposal. A proposal decoded from deltas that agree to the contract can
        // sit up to ~1e-4 relative away from torchvision's (0.01 pixel on a 128-pixel image), which moves RoIAlign's
        // bilinear samples: rows of proposals that agree to 1e-5 relative are held to the contract (times
        // headTolerance), the others (counted and logged) to 1e-3 of max|ref|.
        int k = classLogits.Length / p;
        var exact = new List<int>();
        var moved = new List<int>();
        for (int i = 0; i < p; i++) (BoxDistance(refProposals, i, proposals, ourIndex[i]) <= 1e-5 ? exact : moved).Add(i);
        CompareRows(log, name, "class logits", io["class_logits"], classLogits, k, ourIndex, exact, moved, headTolerance);
        CompareRows(log, name, "box regression", io["box_regression"], boxRegression, 4 * k, ourIndex, exact, moved, headTolerance);

        float[] boxes = io["det_boxes"], scores = io["det_scores"], labels = io["det_labels"];
        Assert.True(scores.Length > 10, $"{name}: the fixture should exercise NMS with many detections");
        Assert.Equal(scores.Length, ours.Length);
        double maxScoreErr = 0, maxBoxErr = 0;
        int sameOrder = 0;
        var used = new bool[ours.Length];
        for (int t = 0; t < scores.Length; t++)
        {
            // Softmax scores can tie to 1e-7, so match by label and box rather than by position.
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
            Assert.True(best >= 0, $"{name}: torchvision detection {t} (label {labels[t]}, score {scores[t]}) has no counterpart");
            used[best] = true;
            if (best == t) sameOrder++;
            Det d = ours[best];
            double scale = Math.Max(1.0, new[] { boxes[4 * t], boxes[4 * t + 1], boxes[4 * t + 2], boxes[4 * t + 3] }.Max(Math.Abs));
            double boxErr = new[] { d.X1 - boxes[4 * t], d.Y1 - boxes[4 * t + 1], d.X2 - boxes[4 * t + 2], d.Y2 - boxes[4 * t + 3] }.Max(v => Math.Abs(v)) / scale;
            maxScoreErr = Math.Max(maxScoreErr, Math.Abs(d.Score - scores[t]));
            maxBoxErr = Math.Max(maxBoxErr, boxErr);
        }
        log.WriteLine($"{name}: {scores.Length} detections matched one to one ({sameOrder} at the same position); max score error {maxScoreErr:E2}, max relative box error {maxBoxErr:E2}");
        Assert.True(maxScoreErr <= 1e-4, $"{name}: score error {maxScoreErr}");
        Assert.True(maxBoxErr <= 1e-3, $"{name}: relative box error {maxBoxErr}");
    }
}
