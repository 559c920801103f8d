namespace FashionSegmentation;

/// <summary>
/// Mean IoU and pixel accuracy exactly as scripts/train_fashion_segmentation.py defines them: one confusion matrix
/// M[truth, prediction] over every pixel of every canvas (dataset level, not per image);
/// IoU(c) = M[c,c] / (row_c + col_c − M[c,c]); mean IoU = mean over the labels present in the ground truth
/// (background included; the foreground mean leaves label 0 out); pixel accuracy = trace / total.
/// </summary>
internal sealed class SegmentationMetrics(int labels)
{
    private readonly long[,] _confusion = new long[labels, labels];

    public int Labels { get; } = labels;

    public long Count(int truth, int prediction) => _confusion[truth, prediction];

    public void Add(ReadOnlySpan<byte> truth, ReadOnlySpan<byte> prediction)
    {
        for (int i = 0; i < truth.Length; i++) _confusion[truth[i], prediction[i]]++;
    }

    /// <summary>IoU of <paramref name="label"/>, or null when it never occurs in the ground truth.</summary>
    public double? Iou(int label)
    {
        long truthCount = 0, predictedCount = 0;
        for (int k = 0; k < Labels; k++)
        {
            truthCount += _confusion[label, k];
            predictedCount += _confusion[k, label];
        }
        if (truthCount == 0) return null;
        long hit = _confusion[label, label];
        return (double)hit / (truthCount + predictedCount - hit);
    }

    public double MeanIou(bool includeBackground = true)
    {
        double sum = 0;
        int present = 0;
        for (int c = includeBackground ? 0 : 1; c < Labels; c++)
        {
            if (Iou(c) is double iou)
            {
                sum += iou;
                present++;
            }
        }
        return sum / present;
    }

    public double PixelAccuracy()
    {
        long hit = 0, total = 0;
        for (int t = 0; t < Labels; t++)
        for (int p = 0; p < Labels; p++)
        {
            total += _confusion[t, p];
            if (t == p) hit += _confusion[t, p];
        }
        return (double)hit / total;
    }
}
