using System.Runtime.CompilerServices;
using System.ComponentModel;
namespace VisionGen.ObjectDetection;

/// <summary>
/// Where one scale's raw YOLO head output lies in a buffer: <c>[4·regMax + classes, Height, Width]</c> (NCHW, batch 1)
/// from <see cref="Offset"/>, with <see cref="Stride"/> input pixels per cell.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <param name="Offset">Index of the output's first float in the buffer.</param>
/// <param name="Height">Cells down.</param>
/// <param name="Width">Cells across.</param>
/// <param name="Stride">Input pixels per cell (input height / <paramref name="Height"/>).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct YoloLevel(int Offset, int Height, int Width, int Stride);

/// <summary>
/// Post-processing of a YOLOv8-style anchor-free head for one image: for every cell of every scale, the best class
/// (sigmoid of its logit; the first class on ties) is a candidate when its score is strictly above the threshold; the
/// best <see cref="DetectionSettings.TopKCandidates"/> candidates over all scales (score descending, then scale, row,
/// column) are decoded — each side's distance is the expected value of a softmax over <c>regMax</c> bins, and the box is
/// (cx − l, cy − t, cx + r, cy + b) · stride around the cell centre (x + 0.5, y + 0.5) — and go through class-wise NMS
/// (<see cref="Nms.ClassWise"/>, torchvision's <c>batched_nms</c>); the best <see cref="DetectionSettings.DetectionsPerImage"/>
/// are clipped to the image. Allocation-free.
/// </summary>
/// <remarks>
/// ultralytics' <c>non_max_suppression</c> (<c>multi_label=False</c>) shifts boxes by class · 7680 and calls
/// <c>torchvision.ops.nms</c>, which suppresses the same boxes up to the float rounding of the shifted coordinates, and
/// clips boxes only when it scales them to the original picture; here the kept boxes are clipped to the input.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class YoloPostprocess
{
    /// <summary>The most bins a side's distribution may have.</summary>
    public const int MaxRegMax = 64;

    /// <summary>Runs post-processing for one image.</summary>
    /// <param name="settings">Thresholds and caps; <see cref="DetectionSettings.TopKCandidates"/> counts candidates over all scales.</param>
    /// <param name="heads">The buffer holding every scale's raw output.</param>
    /// <param name="levels">Where each scale lies in <paramref name="heads"/>, finest first.</param>
    /// <param name="classes">Classes scored per cell.</param>
    /// <param name="regMax">Bins per side (1 to <see cref="MaxRegMax"/>).</param>
    /// <param name="imageHeight">Input height, for clipping.</param>
    /// <param name="imageWidth">Input width, for clipping.</param>
    /// <param name="workspace">Scratch for <see cref="DetectionSettings.TopKCandidates"/> candidates on one level.</param>
    /// <param name="results">Receives detections by score descending; at most min(DetectionsPerImage, length) are written.</param>
    /// <returns>Number of detections written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per call: full speed from the first one
    public static int Run(in DetectionSettings settings, ReadOnlySpan<float> heads, ReadOnlySpan<YoloLevel> levels, int classes, int regMax,
        int imageHeight, int imageWidth, PostprocessWorkspace workspace, Span<Detection> results)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        settings.Validate();
        if (classes <= 0) throw new ArgumentOutOfRangeException(nameof(classes), classes, "A YOLO head scores at least one class.");
        if (regMax is <= 0 or > MaxRegMax) throw new ArgumentOutOfRangeException(nameof(regMax), regMax, $"regMax must be 1 to {MaxRegMax}.");
        if (settings.TopKCandidates > workspace.TopKCandidates)
            throw new ArgumentException($"TopKCandidates {settings.TopKCandidates} exceeds the workspace's {workspace.TopKCandidates}.", nameof(workspace));
        int channels = 4 * regMax + classes;
        long cells = 0;
        for (int l = 0; l < levels.Length; l++)
        {
            YoloLevel level = levels[l];
            if (level.Height <= 0 || level.Width <= 0 || level.Stride <= 0 || level.Offset < 0)
                throw new ArgumentException($"Level {l} ({level}) needs a positive size and stride and a non-negative offset.", nameof(levels));
            long end = level.Offset + (long)channels * level.Height * level.Width;
            if (end > heads.Length)
                throw new ArgumentException($"Level {l} ends at {end}, past the {heads.Length} floats of the head buffer ({channels} channels of {level.Height}x{level.Width}).", nameof(heads));
            cells += (long)level.Height * level.Width;
        }
        if (cells * classes > int.MaxValue) throw new ArgumentException("The levels hold more than 2^31 cell-class pairs.", nameof(levels));

        float threshold = settings.ScoreThreshold;
        // sigmoid is monotone: a cell whose best logit is well below logit(threshold) cannot pass (the exact float32
        // test on the sigmoid follows for the rest).
        float pre = threshold > 0 && threshold < 1 ? (float)(Math.Log(threshold / (1.0 - threshold)) - 1e-3) : float.NegativeInfinity;
        int topK = settings.TopKCandidates;
        Span<ulong> heap = workspace.Heap.AsSpan(0, topK);
        int h = 0;
        int cellBase = 0;
        for (int l = 0; topK > 0 && l < levels.Length; l++)
        {
            YoloLevel level = levels[l];
            int plane = level.Height * level.Width;
            ReadOnlySpan<float> logits = heads.Slice(level.Offset + 4 * regMax * plane, classes * plane);
            for (int p = 0; p < plane; p++)
            {
                float best = logits[p];
                for (int c = 1; c < classes; c++)
                {
                    float x = logits[c * plane + p];
                    if (x > best || float.IsNaN(x)) best = x;
                }
                if (!(best > pre)) continue; // also a cell with a NaN logit: never a candidate
                float score = BestScore(logits, plane, p, classes, out int label);
                if (!(score > threshold)) continue;
                // The key carries the cell and its best class, so decoding needs neither again.
                ulong key = SortKey.Descending(score, (uint)((cellBase + p) * classes + label));
                if (h < topK) PostprocessCore.HeapPush(heap, ref h, key);
                else if (key < heap[0]) PostprocessCore.HeapReplaceTop(heap, h, key);
            }
            cellBase += plane;
        }

        Span<ulong> selected = heap[..h];
        selected.Sort();
        Span<float> bins = stackalloc float[regMax];
        for (int i = 0; i < selected.Length; i++)
        {
            int flat = SortKey.Index(selected[i]), cell = flat / classes;
            int l = 0, first = 0;
            while (cell - first >= levels[l].Height * levels[l].Width)
            {
                first += levels[l].Height * levels[l].Width;
                l++;
            }
            YoloLevel level = levels[l];
            int plane = level.Height * level.Width, p = cell - first;
            ReadOnlySpan<float> output = heads.Slice(level.Offset, channels * plane);
            float cx = p % level.Width + 0.5f, cy = p / level.Width + 0.5f;
            float left = Expected(output, plane, p, 0, regMax, bins), top = Expected(output, plane, p, 1, regMax, bins);
            float right = Expected(output, plane, p, 2, regMax, bins), bottom = Expected(output, plane, p, 3, regMax, bins);
            Span<float> box = workspace.Boxes.AsSpan(4 * i, 4);
            box[0] = (cx - left) * level.Stride;
            box[1] = (cy - top) * level.Stride;
            box[2] = (cx + right) * level.Stride;
            box[3] = (cy + bottom) * level.Stride;
            workspace.Scores[i] = SortKey.Score(selected[i]);
            workspace.Labels[i] = flat % classes;
        }

        int total = selected.Length;
        int cap = Math.Min(settings.DetectionsPerImage, results.Length);
        Span<int> keep = workspace.Keep.AsSpan(0, Math.Min(cap, total));
        int kept = Nms.ClassWise(workspace.Boxes.AsSpan(0, 4 * total), workspace.Scores.AsSpan(0, total), workspace.Labels.AsSpan(0, total), settings.NmsThreshold, workspace.Nms, keep);
        for (int i = 0; i < kept; i++)
        {
            int k = keep[i];
            Span<float> box = workspace.Boxes.AsSpan(4 * k, 4);
            BoxCoder.ClipToImage(box, imageHeight, imageWidth);
            results[i] = new Detection(box[0], box[1], box[2], box[3], workspace.Scores[k], workspace.Labels[k]);
        }
        return kept;
    }

    // The best class's sigmoid score; the first class wins ties of the sigmoid (as torch's max over the scores).
    private static float BestScore(ReadOnlySpan<float> logits, int plane, int p, int classes, out int label)
    {
        float best = Sigmoid(logits[p]);
        label = 0;
        for (int c = 1; c < classes; c++)
        {
            float s = Sigmoid(logits[c * plane + p]);
            if (s > best)
            {
                best = s;
                label = c;
            }
        }
        return best;
    }

    // Expected bin index of one side's distribution: softmax (max subtracted) over regMax logits, then Σ i·p_i.
    private static float Expected(ReadOnlySpan<float> output, int plane, int p, int side, int regMax, Span<float> bins)
    {
        int start = side * regMax * plane + p;
        float max = float.NegativeInfinity;
        for (int i = 0; i < regMax; i++)
        {
            float v = output[start + i * plane];
            bins[i] = v;
            if (v > max) max = v;
        }
        float sum = 0f, weighted = 0f;
        for (int i = 0; i < regMax; i++)
        {
            float e = MathF.Exp(bins[i] - max);
            sum += e;
            weighted += e * i;
        }
        return weighted / sum;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
