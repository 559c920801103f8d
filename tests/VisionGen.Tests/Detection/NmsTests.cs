using VisionGen.ObjectDetection;

namespace VisionGen.Tests.Detection;

public class NmsTests
{
    private static readonly Dictionary<string, float[]> Refs = RuntimeFixtures.Tensors("detection_nms.safetensors");

    [Theory]
    [InlineData("small")]   // 600 boxes: batched_nms coordinate-offset path
    [InlineData("large")]   // 1800 boxes: per-class path
    [InlineData("single")]  // ops.nms
    public void KeptIndicesEqualTorchvision(string name)
    {
        var c = RuntimeFixtures.Case("nms", name);
        float[] boxes = Refs[name + ".boxes"], scores = Refs[name + ".scores"];
        int[] labels = RuntimeFixtures.AsInts(Refs[name + ".labels"]);
        int[] expected = RuntimeFixtures.AsInts(Refs[name + ".keep"]);
        double threshold = c.GetProperty("iou_threshold").GetDouble();
        Assert.True(expected.Length < scores.Length * 3 / 4, "the fixture should suppress heavily");

        var ws = new NmsWorkspace(scores.Length);
        var keep = new int[scores.Length];
        int count = c.GetProperty("class_wise").GetBoolean()
            ? Nms.ClassWise(boxes, scores, labels, threshold, ws, keep)
            : Nms.Run(boxes, scores, threshold, ws, keep);
        Assert.Equal(expected, keep[..count]);

        // A shorter output keeps torchvision's prefix (keep[:k]).
        var first = new int[17];
        int k = c.GetProperty("class_wise").GetBoolean() ? Nms.ClassWise(boxes, scores, labels, threshold, ws, first) : Nms.Run(boxes, scores, threshold, ws, first);
        Assert.Equal(expected[..17], first[..k]);
    }

    [Fact]
    public void ThresholdIsComparedInDoubleLikeTheTorchvisionKernel()
    {
        // IoU = 60/100 = 0.6f = 0.60000002 > 0.6 (double): torchvision suppresses the second box.
        float[] boxes = [0, 0, 10, 10, 0, 0, 10, 6];
        var keep = new int[2];
        Assert.Equal(1, Nms.Run(boxes, [0.9f, 0.8f], 0.6, new NmsWorkspace(2), keep));
        Assert.Equal(0, keep[0]);
    }

    [Fact]
    public void EqualScoresKeepTheLowerIndexFirst()
    {
        float[] boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10, 50, 50, 60, 60];
        var keep = new int[4];
        int n = Nms.Run(boxes, [0.5f, 0.5f, 0.5f, 0.5f], 0.5, new NmsWorkspace(4), keep);
        Assert.Equal([0, 3], keep[..n]);
    }

    [Fact]
    public void DifferentClassesNeverSuppressEachOther()
    {
        float[] boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10];
        var keep = new int[3];
        int n = Nms.ClassWise(boxes, [0.7f, 0.9f, 0.8f], [0, 1, 0], 0.5, new NmsWorkspace(3), keep);
        Assert.Equal([1, 2], keep[..n]); // 0 is suppressed by 2 (same class), not by 1
    }

    [Fact]
    public void AllocatesNothingAfterWarmUp()
    {
        float[] boxes = Refs["large.boxes"], scores = Refs["large.scores"];
        int[] labels = RuntimeFixtures.AsInts(Refs["large.labels"]);
        float[] sBoxes = Refs["small.boxes"], sScores = Refs["small.scores"];
        int[] sLabels = RuntimeFixtures.AsInts(Refs["small.labels"]);
        var ws = new NmsWorkspace(scores.Length);
        var keep = new int[scores.Length];
        int kept = 0;
        long bytes = RuntimeFixtures.AllocatedBytes(() =>
        {
            kept = Nms.ClassWise(boxes, scores, labels, 0.6, ws, keep);
            kept += Nms.ClassWise(sBoxes, sScores, sLabels, 0.5, ws, keep);
        }, 5);
        Assert.Equal(0, bytes);
        Assert.True(kept > 0);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        var ws = new NmsWorkspace(2);
        Assert.Throws<ArgumentException>(() => Nms.Run(new float[12], new float[3], 0.5, ws, new int[3]));     // over capacity
        Assert.Throws<ArgumentException>(() => Nms.Run(new float[7], new float[2], 0.5, ws, new int[2]));      // boxes not 4 × n
        Assert.Throws<ArgumentException>(() => Nms.ClassWise(new float[8], new float[2], new int[1], 0.5, ws, new int[2]));
    }
}
