using VisionGen.Metrics;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

public class MetricsTests
{
    private static Det D(float x1, float y1, float x2, float y2, float score, int label = 0) => new(x1, y1, x2, y2, score, label);

    private static GroundTruth G(float x1, float y1, float x2, float y2, int label = 0) => new(x1, y1, x2, y2, label);

    [Fact]
    public void IouOfHandComputedPairs()
    {
        Assert.Equal(1f / 7f, Iou.Of([0f, 0f, 2f, 2f], [1f, 1f, 3f, 3f]), 1e-7f);
        Assert.Equal(0f, Iou.Of([0f, 0f, 1f, 1f], [2f, 2f, 3f, 3f]));
        Assert.Equal(1f, Iou.Of([1f, 2f, 5f, 9f], [1f, 2f, 5f, 9f]));
        Assert.Equal(0.25f, Iou.Of([0f, 0f, 4f, 4f], [0f, 0f, 2f, 2f]));
        Assert.Equal(0f, Iou.Of([3f, 3f, 3f, 3f], [3f, 3f, 3f, 3f])); // empty boxes: 0 (torchvision: NaN)
        Assert.Equal(0.5f, Iou.Of(D(0, 0, 10, 10, 1f), G(0, 0, 10, 5)));
    }

    [Fact]
    public void IouMatrixMatchesTorchvisionBoxIou()
    {
        var c = RuntimeFixtures.Json.GetProperty("box_iou");
        float[] a = RuntimeFixtures.Floats(c.GetProperty("a")), b = RuntimeFixtures.Floats(c.GetProperty("b")), expected = RuntimeFixtures.Floats(c.GetProperty("iou"));
        var iou = new float[expected.Length];
        Iou.Matrix(a, b, iou);
        for (int i = 0; i < iou.Length; i++) Assert.Equal(expected[i], iou[i], 1e-6f);
        Assert.Contains(iou, v => v == 0f);
        Assert.Contains(iou, v => v > 0.999f);
    }

    [Fact]
    public void MatchingIsGreedyByScoreLikeCoco()
    {
        // Two ground truths of class 0, one of class 1.
        GroundTruth[] gts = [G(0, 0, 10, 10), G(20, 0, 30, 10), G(0, 20, 10, 30, 1)];
        Det[] dets =
        [
            D(0, 0, 10, 9, 0.6f),        // IoU 0.9 with gt0, but lower score
            D(0, 0, 10, 8, 0.9f),        // IoU 0.8 with gt0, higher score: takes gt0 first
            D(20, 0, 30, 10, 0.7f),      // exact gt1
            D(0, 20, 10, 30, 0.8f, 0),   // right place, wrong class: no match
            D(50, 50, 60, 60, 0.95f, 1), // nothing there
        ];
        int[] match = DetectionMetrics.Match(dets, gts, 0.5);
        Assert.Equal([-1, 0, 1, -1, -1], match);

        var counts = DetectionMetrics.Count([new EvaluationImage(dets, gts)], numClasses: 3, iouThreshold: 0.5);
        // TP 2, FP 3, FN 1 (the class-1 ground truth); TN: class 2 has neither ground truth nor detections.
        Assert.Equal(new ConfusionCounts(2, 3, 1, 1), counts);
        Assert.Equal(2.0 / 5, counts.Precision, 12);
        Assert.Equal(2.0 / 3, counts.Recall, 12);
        Assert.Equal(1.0 / 4, counts.Specificity, 12);
        Assert.Equal(2 * 0.4 * (2.0 / 3) / (0.4 + 2.0 / 3), counts.F1, 12);

        // A score threshold drops the 0.6 and 0.7 detections: gt1 becomes a miss.
        var high = DetectionMetrics.Count([new EvaluationImage(dets, gts)], 3, 0.5, scoreThreshold: 0.75f);
        Assert.Equal(new ConfusionCounts(1, 2, 2, 1), high);
    }

    [Fact]
    public void EmptyCountsHaveZeroRates()
    {
        var none = new ConfusionCounts(0, 0, 0, 0);
        Assert.Equal(0, none.Precision);
        Assert.Equal(0, none.Recall);
        Assert.Equal(0, none.F1);
        Assert.Equal(0, none.Specificity);
        Assert.Equal(new ConfusionCounts(1, 2, 3, 4), new ConfusionCounts(1, 0, 3, 0) + new ConfusionCounts(0, 2, 0, 4));
    }

    private static EvaluationImage[] HandCase() =>
    [
        // Image A: gts g0, g1; detections TP (0.9), FP (0.8), FP duplicate of g0 (0.6).
        new([D(0, 0, 10, 10, 0.9f), D(40, 40, 50, 50, 0.8f), D(0, 0, 10, 10, 0.6f)], [G(0, 0, 10, 10), G(20, 20, 30, 30)]),
        // Image B: gt g2; detection TP (0.7).
        new([D(60, 60, 70, 70, 0.7f)], [G(60, 60, 70, 70)]),
    ];

    [Fact]
    public void AveragePrecisionByHand()
    {
        // Ranked: 0.9 TP, 0.8 FP, 0.7 TP, 0.6 FP with 3 ground truths.
        // recall 1/3, 1/3, 2/3, 2/3; precision 1, 1/2, 2/3, 1/2; envelope 1, 2/3, 2/3, 1/2.
        // COCO 101-point: recalls 0..0.33 (34 points) -> 1; 0.34..0.66 (33 points) -> 2/3; 0.67..1 -> 0.
        Assert.Equal((34 + 33 * (2.0 / 3)) / 101, DetectionMetrics.AveragePrecision(HandCase(), 0, 0.5), 12);
        // All points: 1/3·1 + 1/3·2/3.
        Assert.Equal(1.0 / 3 + 2.0 / 9, DetectionMetrics.AveragePrecision(HandCase(), 0, 0.5, ApInterpolation.AllPoints), 12);
        // A class without ground truth is NaN and left out of the mean.
        double[] perClass = DetectionMetrics.AveragePrecisionPerClass(HandCase(), 2, 0.5);
        Assert.True(double.IsNaN(perClass[1]));
        Assert.Equal(perClass[0], DetectionMetrics.MeanAveragePrecision(HandCase(), 2), 12);
    }

    [Fact]
    public void PerfectDetectionsHaveApOneAndMapAveragesClasses()
    {
        EvaluationImage[] images =
        [
            new([D(0, 0, 10, 10, 0.9f, 0), D(20, 20, 30, 30, 0.8f, 1)], [G(0, 0, 10, 10, 0), G(20, 20, 30, 30, 1)]),
            new([D(5, 5, 9, 9, 0.3f, 1)], [G(50, 50, 60, 60, 1)]), // class 1: one FP, one miss
        ];
        Assert.Equal(1.0, DetectionMetrics.AveragePrecision(images, 0, 0.5), 12);
        // Class 1 ranked: 0.8 TP, 0.3 FP; 2 gts: recall 1/2, 1/2; precision 1, 1/2 -> 101-point: 51 points of 1.
        Assert.Equal(51.0 / 101, DetectionMetrics.AveragePrecision(images, 1, 0.5), 12);
        Assert.Equal((1.0 + 51.0 / 101) / 2, DetectionMetrics.MeanAveragePrecision(images, 2, 0.5), 12);
    }

    [Fact]
    public void CocoMapOverTenThresholdsByHand()
    {
        // One box with IoU exactly 0.8: a true positive at 0.50 … 0.80 (7 thresholds), a miss at 0.85, 0.90, 0.95.
        EvaluationImage[] images = [new([D(0, 0, 10, 8, 0.5f)], [G(0, 0, 10, 10)])];
        Assert.Equal(0.7, DetectionMetrics.CocoMeanAveragePrecision(images, 1), 12);
        Assert.Equal(10, DetectionMetrics.CocoIouThresholds.Count);
        Assert.Equal(0.8999999999999999, DetectionMetrics.CocoIouThresholds[8]); // numpy.linspace(.5, .95, 10)[8]
        // A class with no ground truth and no detection changes nothing; an image with only a false positive halves AP.
        Assert.Equal(0.7, DetectionMetrics.CocoMeanAveragePrecision(images, 3), 12);
    }

    [Fact]
    public void RankingApMatchesScikitLearn()
    {
        int cases = 0;
        foreach (var c in RuntimeFixtures.Json.GetProperty("ranking_ap").EnumerateArray())
        {
            bool[] labels = c.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32() == 1).ToArray();
            float[] scores = RuntimeFixtures.Floats(c.GetProperty("scores"));
            double expected = c.GetProperty("ap").GetDouble();
            Assert.Equal(expected, DetectionMetrics.RankingAveragePrecision(labels, scores), 12);
            cases++;
        }
        Assert.Equal(5, cases);
        Assert.Equal(1.0, DetectionMetrics.RankingAveragePrecision([true, true, false], [0.9f, 0.8f, 0.1f]), 12);
        // Tied scores form one step: both items at 0.5 -> precision 1/2 at recall 1.
        Assert.Equal(0.5, DetectionMetrics.RankingAveragePrecision([true, false], [0.5f, 0.5f]), 12);
    }
}
