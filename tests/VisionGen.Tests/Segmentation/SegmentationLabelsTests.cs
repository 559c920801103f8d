namespace VisionGen.Tests.Segmentation;

/// <summary><c>Segmentation.Labels</c>, the argmax behind every <c>Segment</c>, against a naive loop; ties go to the first class, as torch.argmax.</summary>
public class SegmentationLabelsTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 3, 7)]
    [InlineData(2, 5, 300)] // more than one 256-pixel chunk, two images
    [InlineData(3, 256, 17)]
    public void MatchesANaiveArgmax(int batch, int classes, int plane)
    {
        var random = new Random(batch * 1000 + classes * 10 + plane);
        // Values from a small set, so ties are frequent.
        float[] logits = Enumerable.Range(0, batch * classes * plane).Select(_ => (float)random.Next(-3, 4)).ToArray();
        var labels = new byte[batch * plane];
        global::VisionGen.Segmentation.Labels(logits, batch, classes, labels);
        for (int n = 0; n < batch; n++)
        {
            for (int p = 0; p < plane; p++)
            {
                int best = 0;
                for (int k = 1; k < classes; k++)
                {
                    if (logits[(n * classes + k) * plane + p] > logits[(n * classes + best) * plane + p]) best = k;
                }
                Assert.Equal(best, labels[n * plane + p]);
            }
        }
        Assert.Equal(0, Allocations.Fewest(() => { global::VisionGen.Segmentation.Labels(logits, batch, classes, labels); }, rounds: 3));
    }

    [Fact]
    public void RejectsMismatchedSizes()
    {
        Assert.Throws<ArgumentException>("classes", () => global::VisionGen.Segmentation.Labels(new float[257], 1, 257, new byte[1]));
        Assert.Throws<ArgumentException>("logits", () => global::VisionGen.Segmentation.Labels(new float[7], 1, 2, new byte[4]));
        Assert.Throws<ArgumentException>("labels", () => global::VisionGen.Segmentation.Labels(new float[6], 2, 2, new byte[3]));
    }
}
