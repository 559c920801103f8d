using VisionGen.ObjectDetection;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Metrics;

/// <summary>A ground-truth object: an xyxy box in input pixels and its class label.</summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
/// <param name="Label">Class index.</param>
public readonly record struct GroundTruth(float X1, float Y1, float X2, float Y2, int Label);

/// <summary>The detections and the ground truth of one image.</summary>
/// <param name="Detections">What the detector returned (any order; scores are used for ranking).</param>
/// <param name="GroundTruths">The annotated objects.</param>
public readonly record struct EvaluationImage(Det[] Detections, GroundTruth[] GroundTruths);

/// <summary>How the precision–recall curve is integrated into average precision.</summary>
public enum ApInterpolation
{
    /// <summary>COCO (pycocotools): precision made monotone from the right, sampled at the 101 recalls 0, 0.01, …, 1 and averaged.</summary>
    Coco101,

    /// <summary>PASCAL VOC 2010+: area under the monotone (right-maximum) precision envelope at every recall step.</summary>
    AllPoints,
}

/// <summary>
/// True/false positives and negatives at one IoU threshold, and the rates derived from them.
/// A detection is a true positive when matched to a ground truth (see <see cref="DetectionMetrics.Match"/>),
/// otherwise a false positive; an unmatched ground truth is a false negative. Detection has no natural true
/// negative, so <see cref="TrueNegatives"/> counts (image, class) pairs with neither a ground truth nor a
/// detection of that class — the image-level "correctly absent" count specificity is computed from.
/// Ratios with a zero denominator are 0 (scikit-learn's <c>zero_division=0</c>).
/// </summary>
/// <param name="TruePositives">Matched detections.</param>
/// <param name="FalsePositives">Unmatched detections.</param>
/// <param name="FalseNegatives">Unmatched ground truths.</param>
/// <param name="TrueNegatives">(image, class) pairs with no ground truth and no detection.</param>
public readonly record struct ConfusionCounts(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>TN / (TN + FP).</summary>
    public double Specificity => Ratio(TrueNegatives, TrueNegatives + FalsePositives);

    /// <summary>2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall.</summary>
    public double F1 => Ratio(2.0 * TruePositives, 2.0 * TruePositives + FalsePositives + FalseNegatives);

    /// <summary>Element-wise sum.</summary>
    /// <param name="a">First counts.</param>
    /// <param name="b">Second counts.</param>
    /// <returns>The sum.</returns>
    public static ConfusionCounts operator +(ConfusionCounts a, ConfusionCounts b)
        => new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.FalseNegatives + b.FalseNegatives, a.TrueNegatives + b.TrueNegatives);

    private static double Ratio(double num, double den) => den == 0 ? 0 : num / den;
}

/// <summary>
/// Detection metrics with COCO (pycocotools) matching: per image and class, detections in descending score
/// order (stable) each take the still-unmatched ground truth of the same class with the highest IoU, if that
/// IoU is ≥ the threshold (equal IoUs go to the later ground truth, as pycocotools). IoU is computed in double.
/// Unlike pycocotools there are no crowd regions, area ranges or per-image detection caps. Not a hot path:
/// these methods allocate.
/// </summary>
public static class DetectionMetrics
{
    /// <summary>COCO's IoU thresholds 0.50, 0.55, …, 0.95 (computed as numpy's <c>linspace</c>).</summary>
    public static IReadOnlyList<double> CocoIouThresholds { get; } = Enumerable.Range(0, 10).Select(i => i == 9 ? 0.95 : i * ((0.95 - 0.5) / 9) + 0.5).ToArray();

    /// <summary>
    /// Matches the detections of one image to its ground truth at an IoU threshold.
    /// </summary>
    /// <param name="detections">Detections of one image.</param>
    /// <param name="truths">Ground truth of the same image.</param>
    /// <param name="iouThreshold">Smallest IoU of a match.</param>
    /// <returns>For every detection, the index of its matched ground truth, or −1.</returns>
    public static int[] Match(ReadOnlySpan<Det> detections, ReadOnlySpan<GroundTruth> truths, double iouThreshold)
    {
        var match = new int[detections.Length];
        Array.Fill(match, -1);
        var taken = new bool[truths.Length];
        foreach (int d in ScoreOrder(detections))
        {
            double best = Math.Min(iouThreshold, 1 - 1e-10);
            int bestIndex = -1;
            for (int g = 0; g < truths.Length; g++)
            {
                if (taken[g] || truths[g].Label != detections[d].Label) continue;
                double iou = IouDouble(detections[d], truths[g]);
                if (iou < best) continue;
                best = iou;
                bestIndex = g;
            }
            if (bestIndex >= 0)
            {
                taken[bestIndex] = true;
                match[d] = bestIndex;
            }
        }
        return match;
    }

    /// <summary>Counts TP, FP, FN and TN over images at an IoU threshold, ignoring detections scored below <paramref name="scoreThreshold"/>.</summary>
    /// <param name="images">The evaluation set.</param>
    /// <param name="numClasses">Number of classes (labels in [0, numClasses)), used for true negatives.</param>
    /// <param name="iouThreshold">Smallest IoU of a match.</param>
    /// <param name="scoreThreshold">Detections with a lower score are dropped first.</param>
    /// <returns>The counts.</returns>
    public static ConfusionCounts Count(IReadOnlyList<EvaluationImage> images, int numClasses, double iouThreshold, float scoreThreshold = 0f)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (EvaluationImage image in images)
        {
            Det[] dets = (image.Detections ?? []).Where(d => d.Score >= scoreThreshold).ToArray();
            GroundTruth[] gts = image.GroundTruths ?? [];
            int[] match = Match(dets, gts, iouThreshold);
            int matched = match.Count(m => m >= 0);
            tp += matched;
            fp += dets.Length - matched;
            fn += gts.Length - matched;
            for (int c = 0; c < numClasses; c++)
                if (!dets.Any(d => d.Label == c) && !gts.Any(g => g.Label == c)) tn++;
        }
        return new ConfusionCounts(tp, fp, fn, tn);
    }

    /// <summary>
    /// Average precision of one class at one IoU threshold, over all images (pycocotools' accumulate: all
    /// detections of the class ranked by score, stable across images in image order).
    /// </summary>
    /// <param name="images">The evaluation set.</param>
    /// <param name="label">The class.</param>
    /// <param name="iouThreshold">Smallest IoU of a match.</param>
    /// <param name="interpolation">How the curve is integrated.</param>
    /// <returns>AP in [0, 1]; NaN when the class has no ground truth (COCO's −1, left out of means).</returns>
    public static double AveragePrecision(IReadOnlyList<EvaluationImage> images, int label, double iouThreshold, ApInterpolation interpolation = ApInterpolation.Coco101)
    {
        ArgumentNullException.ThrowIfNull(images);
        var ranked = new List<(float Score, bool TruePositive)>();
        int positives = 0;
        foreach (EvaluationImage image in images)
        {
            Det[] dets = (image.Detections ?? []).Where(d => d.Label == label).ToArray();
            GroundTruth[] gts = (image.GroundTruths ?? []).Where(g => g.Label == label).ToArray();
            positives += gts.Length;
            int[] match = Match(dets, gts, iouThreshold);
            foreach (int d in ScoreOrder(dets)) ranked.Add((dets[d].Score, match[d] >= 0));
        }
        if (positives == 0) return double.NaN;
        // Stable sort by descending score across images (numpy mergesort of -score).
        (float Score, bool TruePositive)[] order = ranked.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Score).ThenBy(x => x.i).Select(x => x.r).ToArray();
        int n = order.Length;
        var recall = new double[n];
        var precision = new double[n];
        double tp = 0, fp = 0;
        for (int i = 0; i < n; i++)
        {
            if (order[i].TruePositive) tp++; else fp++;
            recall[i] = tp / positives;
            precision[i] = tp / (fp + tp + Math.BitIncrement(1.0) - 1.0);
        }
        for (int i = n - 1; i > 0; i--)
            if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];

        if (interpolation == ApInterpolation.Coco101)
        {
            double sum = 0;
            for (int r = 0; r <= 100; r++)
            {
                double threshold = r * 0.01;
                int idx = LowerBound(recall, threshold);
                if (idx < n) sum += precision[idx];
            }
            return sum / 101;
        }
        double ap = 0, previousRecall = 0;
        for (int i = 0; i < n; i++)
        {
            ap += (recall[i] - previousRecall) * precision[i];
            previousRecall = recall[i];
        }
        return ap;
    }

    /// <summary>AP of every class at one IoU threshold (NaN for classes without ground truth).</summary>
    /// <param name="images">The evaluation set.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="iouThreshold">Smallest IoU of a match.</param>
    /// <param name="interpolation">How the curve is integrated.</param>
    /// <returns>One AP per class.</returns>
    public static double[] AveragePrecisionPerClass(IReadOnlyList<EvaluationImage> images, int numClasses, double iouThreshold, ApInterpolation interpolation = ApInterpolation.Coco101)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        var ap = new double[numClasses];
        for (int c = 0; c < numClasses; c++) ap[c] = AveragePrecision(images, c, iouThreshold, interpolation);
        return ap;
    }

    /// <summary>Mean AP over the classes that have ground truth, at one IoU threshold (mAP@0.5 by default, COCO's AP50).</summary>
    /// <param name="images">The evaluation set.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="iouThreshold">Smallest IoU of a match.</param>
    /// <param name="interpolation">How the curve is integrated.</param>
    /// <returns>mAP in [0, 1]; NaN when no class has ground truth.</returns>
    public static double MeanAveragePrecision(IReadOnlyList<EvaluationImage> images, int numClasses, double iouThreshold = 0.5, ApInterpolation interpolation = ApInterpolation.Coco101)
        => MeanIgnoringNaN(AveragePrecisionPerClass(images, numClasses, iouThreshold, interpolation));

    /// <summary>COCO mAP@[.5:.95]: the mean of 101-point AP over the classes with ground truth and the ten IoU thresholds <see cref="CocoIouThresholds"/>.</summary>
    /// <param name="images">The evaluation set.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <returns>mAP in [0, 1]; NaN when no class has ground truth.</returns>
    public static double CocoMeanAveragePrecision(IReadOnlyList<EvaluationImage> images, int numClasses)
        => MeanIgnoringNaN(CocoIouThresholds.SelectMany(t => AveragePrecisionPerClass(images, numClasses, t, ApInterpolation.Coco101)));

    /// <summary>
    /// Average precision of a ranking, as scikit-learn's <c>average_precision_score</c>: Σ (Rₙ − Rₙ₋₁)·Pₙ over
    /// the distinct score thresholds (equal scores form one step), without interpolation.
    /// </summary>
    /// <param name="relevant">Whether each item is a positive.</param>
    /// <param name="scores">Score of each item.</param>
    /// <returns>AP in [0, 1]; NaN when there is no positive (scikit-learn warns and returns a meaningless value there).</returns>
    public static double RankingAveragePrecision(ReadOnlySpan<bool> relevant, ReadOnlySpan<float> scores)
    {
        if (relevant.Length != scores.Length) throw new ArgumentException("relevant and scores differ in length.");
        int n = scores.Length;
        int positives = 0;
        foreach (bool r in relevant) if (r) positives++;
        if (positives == 0) return double.NaN;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        float[] s = scores.ToArray();
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]));
        double ap = 0, tp = 0, fp = 0, previousRecall = 0;
        for (int i = 0; i < n;)
        {
            float score = s[order[i]];
            for (; i < n && s[order[i]] == score; i++)
            {
                if (relevant[order[i]]) tp++; else fp++;
            }
            double recall = tp / positives;
            ap += (recall - previousRecall) * (tp / (tp + fp));
            previousRecall = recall;
        }
        return ap;
    }

    private static int[] ScoreOrder(ReadOnlySpan<Det> detections)
    {
        var order = new int[detections.Length];
        var scores = new float[detections.Length];
        for (int i = 0; i < order.Length; i++) { order[i] = i; scores[i] = detections[i].Score; }
        return order.OrderByDescending(i => scores[i]).ToArray(); // LINQ ordering is stable
    }

    private static double IouDouble(in Det d, in GroundTruth g)
    {
        double w = Math.Min((double)d.X2, g.X2) - Math.Max((double)d.X1, g.X1);
        double h = Math.Min((double)d.Y2, g.Y2) - Math.Max((double)d.Y1, g.Y1);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        double union = ((double)d.X2 - d.X1) * ((double)d.Y2 - d.Y1) + ((double)g.X2 - g.X1) * ((double)g.Y2 - g.Y1) - inter;
        return union > 0 ? inter / union : 0;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static double MeanIgnoringNaN(IEnumerable<double> values)
    {
        double sum = 0;
        int count = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v)) continue;
            sum += v;
            count++;
        }
        return count == 0 ? double.NaN : sum / count;
    }
}
