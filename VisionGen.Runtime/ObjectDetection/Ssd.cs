using System.Runtime.CompilerServices;
using System.ComponentModel;
namespace VisionGen.ObjectDetection;

/// <summary>
/// SSD's default boxes exactly as torchvision 0.14's <c>DefaultBoxGenerator</c> (models/detection/anchor_utils.py)
/// computes them: per level the (width, height) pairs (s, s), (√(s·s′), √(s·s′)) and for every aspect ratio r
/// (s·√r, s/√r) and (s/√r, s·√r) in double, rounded to float32 and clamped to [0, 1] when clipping; centres
/// ((x + 0.5) / f, (y + 0.5) / f) in float32 with f the image size over the step (or the feature-map size without steps);
/// boxes in input pixels as (centre ∓ 0.5·size) · image size. Load-time code: it allocates its results.
/// </summary>
public static class DefaultBoxGenerator
{
    /// <summary>
    /// torchvision's scales when none are given: <c>min + (max − min)·k / (levels − 1)</c> for each level, then 1.0
    /// (one more than the levels: the last level's s′ uses it); <c>[min, max]</c> for a single level.
    /// </summary>
    /// <param name="levels">Feature maps.</param>
    /// <param name="minRatio">torchvision's <c>min_ratio</c> (0.15 by default, 0.2 for SSDlite).</param>
    /// <param name="maxRatio">torchvision's <c>max_ratio</c> (0.9 by default, 0.95 for SSDlite).</param>
    /// <returns>A new array of <c>levels + 1</c> scales.</returns>
    public static double[] Scales(int levels, double minRatio, double maxRatio)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levels);
        if (levels == 1) return [minRatio, maxRatio];
        var scales = new double[levels + 1];
        double range = maxRatio - minRatio;
        for (int k = 0; k < levels; k++) scales[k] = minRatio + range * k / (levels - 1.0);
        scales[levels] = 1.0;
        return scales;
    }

    /// <summary>Default boxes per location of every level: 2 + 2 · (aspect ratios of the level), as <c>num_anchors_per_location</c>.</summary>
    /// <param name="aspectRatios">Aspect ratios of every level.</param>
    /// <returns>A new array with one count per level.</returns>
    public static int[] BoxesPerLocation(int[][] aspectRatios)
    {
        ArgumentNullException.ThrowIfNull(aspectRatios);
        var counts = new int[aspectRatios.Length];
        for (int k = 0; k < counts.Length; k++) counts[k] = 2 + 2 * aspectRatios[k].Length;
        return counts;
    }

    /// <summary>
    /// All default boxes of an image, <c>[N, 4]</c> xyxy in input pixels, in torchvision's order: level, then location
    /// (row y, then column x), then the level's (width, height) pairs.
    /// </summary>
    /// <param name="imageHeight">Input height in pixels.</param>
    /// <param name="imageWidth">Input width in pixels.</param>
    /// <param name="featureSizes">Feature-map size (H, W) of every level.</param>
    /// <param name="aspectRatios">Aspect ratios of every level (torchvision's integers, e.g. [2, 3]).</param>
    /// <param name="scales">At least <c>levels + 1</c> scales (<see cref="Scales"/> or an explicit list).</param>
    /// <param name="steps">The step of every level, or null to take the feature-map sizes (torchvision's <c>steps=None</c>).</param>
    /// <param name="clip">Clamp the relative widths and heights into [0, 1] (torchvision's <c>clip</c>).</param>
    /// <returns>A new array of <c>4 · Σ H·W·(2 + 2·ratios)</c> floats.</returns>
    public static float[] Generate(int imageHeight, int imageWidth, (int H, int W)[] featureSizes, int[][] aspectRatios, double[] scales, int[]? steps, bool clip)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(aspectRatios);
        ArgumentNullException.ThrowIfNull(scales);
        if (imageHeight <= 0 || imageWidth <= 0) throw new ArgumentOutOfRangeException(nameof(imageHeight), "Image size must be positive.");
        int levels = featureSizes.Length;
        if (aspectRatios.Length != levels) throw new ArgumentException($"aspectRatios has {aspectRatios.Length} levels, featureSizes {levels}.", nameof(aspectRatios));
        if (scales.Length < levels + 1) throw new ArgumentException($"{levels} levels need {levels + 1} scales, got {scales.Length}.", nameof(scales));
        if (steps is not null && steps.Length != levels) throw new ArgumentException($"steps has {steps.Length} entries for {levels} levels.", nameof(steps));
        long total = 0;
        for (int k = 0; k < levels; k++)
        {
            var (h, w) = featureSizes[k];
            if (h <= 0 || w <= 0) throw new ArgumentOutOfRangeException(nameof(featureSizes), $"Level {k} feature size ({h}, {w}) must be positive.");
            if (steps is not null && steps[k] <= 0) throw new ArgumentOutOfRangeException(nameof(steps), $"Step {steps[k]} must be positive.");
            total += (long)h * w * (2 + 2 * aspectRatios[k].Length);
        }
        var boxes = new float[checked((int)(4 * total))];
        float imageW = imageWidth, imageH = imageHeight;
        int o = 0;
        for (int k = 0; k < levels; k++)
        {
            float[] wh = WidthHeightPairs(scales[k], scales[k + 1], aspectRatios[k], clip);
            var (h, w) = featureSizes[k];
            // torchvision divides a float32 tensor by a Python number: the number is rounded to float32 first.
            float fx = steps is null ? w : (float)((double)imageWidth / steps[k]);
            float fy = steps is null ? h : (float)((double)imageHeight / steps[k]);
            for (int y = 0; y < h; y++)
            {
                float cy = (y + 0.5f) / fy;
                for (int x = 0; x < w; x++)
                {
                    float cx = (x + 0.5f) / fx;
                    for (int p = 0; p < wh.Length; p += 2)
                    {
                        float halfW = 0.5f * wh[p], halfH = 0.5f * wh[p + 1];
                        boxes[o++] = (cx - halfW) * imageW;
                        boxes[o++] = (cy - halfH) * imageH;
                        boxes[o++] = (cx + halfW) * imageW;
                        boxes[o++] = (cy + halfH) * imageH;
                    }
                }
            }
        }
        return boxes;
    }

    private static float[] WidthHeightPairs(double scale, double nextScale, int[] ratios, bool clip)
    {
        var pairs = new float[2 * (2 + 2 * ratios.Length)];
        double prime = Math.Sqrt(scale * nextScale);
        int i = 0;
        void Add(double width, double height)
        {
            float fw = (float)width, fh = (float)height;
            if (clip)
            {
                fw = Math.Clamp(fw, 0f, 1f);
                fh = Math.Clamp(fh, 0f, 1f);
            }
            pairs[i++] = fw;
            pairs[i++] = fh;
        }
        Add(scale, scale);
        Add(prime, prime);
        foreach (int r in ratios)
        {
            if (r <= 0) throw new ArgumentOutOfRangeException(nameof(ratios), $"Aspect ratio {r} must be positive.");
            double root = Math.Sqrt(r);
            Add(scale * root, scale / root);
            Add(scale / root, scale * root);
        }
        return pairs;
    }
}

/// <summary>
/// Scratch memory for <see cref="SsdPostprocess"/>, created once (at model load) so that post-processing allocates
/// nothing per call: a bounded heap of <c>TopKCandidates</c> per foreground class and the candidates entering NMS.
/// Not thread-safe: one workspace per thread.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SsdPostprocessWorkspace
{
    internal readonly ulong[] Heaps;
    internal readonly int[] Counts;
    internal readonly float[] Probabilities;
    internal readonly float[] Boxes;
    internal readonly float[] Scores;
    internal readonly int[] Labels;
    internal readonly int[] Keep;
    internal readonly NmsWorkspace Nms;

    /// <summary>Creates a workspace for <paramref name="classes"/> classes (background included) and up to <paramref name="topKCandidates"/> candidates per class.</summary>
    /// <param name="topKCandidates">Most candidates per class (≥ the settings' <see cref="DetectionSettings.TopKCandidates"/>).</param>
    /// <param name="classes">Classes the head scores, the background class included.</param>
    public SsdPostprocessWorkspace(int topKCandidates, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topKCandidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        TopKCandidates = topKCandidates;
        Classes = classes;
        int capacity = checked(topKCandidates * (classes - 1));
        Heaps = new ulong[capacity];
        Counts = new int[classes];
        Probabilities = new float[classes];
        Boxes = new float[checked(4 * capacity)];
        Scores = new float[capacity];
        Labels = new int[capacity];
        Keep = new int[capacity];
        Nms = new NmsWorkspace(capacity);
    }

    /// <summary>Creates a workspace sized for <paramref name="settings"/> and <paramref name="classes"/> classes.</summary>
    /// <param name="settings">The settings calls will use.</param>
    /// <param name="classes">Classes the head scores, the background class included.</param>
    public SsdPostprocessWorkspace(in DetectionSettings settings, int classes) : this(settings.TopKCandidates, classes) { }

    /// <summary>Most candidates per class this workspace holds.</summary>
    public int TopKCandidates { get; }

    /// <summary>Classes (background included) this workspace is sized for.</summary>
    public int Classes { get; }
}

/// <summary>
/// SSD post-processing, equal to torchvision 0.14 <c>SSD.postprocess_detections</c> for one image: softmax over the
/// classes of every default box (the background class 0 included, then skipped), boxes decoded with
/// <c>BoxCoder(weights=(10, 10, 5, 5))</c> and clipped to the image; per foreground class the scores strictly above the
/// threshold, the best <see cref="DetectionSettings.TopKCandidates"/> of them; then class-wise NMS over all classes
/// (<see cref="Nms.ClassWise"/>, candidates in torchvision's class-major order) and the best
/// <see cref="DetectionSettings.DetectionsPerImage"/>. Allocation-free.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <remarks>
/// Equal scores inside a class's top-k are ordered by ascending default-box index; torchvision's <c>topk</c> leaves that
/// order unspecified, so results can differ only when two candidates have bit-identical float32 scores.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SsdPostprocess
{
    /// <summary>Runs post-processing for one image.</summary>
    /// <param name="settings">Thresholds and caps; <see cref="DetectionSettings.TopKCandidates"/> counts per class here.</param>
    /// <param name="classLogits">Classification logits, <c>[numBoxes, numClasses]</c> (class 0 the background).</param>
    /// <param name="boxDeltas">Box regression, <c>[numBoxes, 4]</c> (dx, dy, dw, dh) before the (10, 10, 5, 5) weights.</param>
    /// <param name="defaultBoxes">Default boxes, <c>[numBoxes, 4]</c> xyxy, as <see cref="DefaultBoxGenerator.Generate"/>.</param>
    /// <param name="imageHeight">Image height for clipping.</param>
    /// <param name="imageWidth">Image width for clipping.</param>
    /// <param name="workspace">Scratch sized for these settings and classes.</param>
    /// <param name="results">Receives detections by score descending; at most min(DetectionsPerImage, length) are written.</param>
    /// <returns>Number of detections written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per call: full speed from the first one
    public static int Run(in DetectionSettings settings, ReadOnlySpan<float> classLogits, ReadOnlySpan<float> boxDeltas, ReadOnlySpan<float> defaultBoxes,
        int imageHeight, int imageWidth, SsdPostprocessWorkspace workspace, Span<Detection> results)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        settings.Validate();
        if (defaultBoxes.Length % 4 != 0) throw new ArgumentException($"defaultBoxes has {defaultBoxes.Length} floats, not a multiple of 4.", nameof(defaultBoxes));
        int boxes = defaultBoxes.Length / 4;
        if (boxDeltas.Length != defaultBoxes.Length) throw new ArgumentException($"box regression has {boxDeltas.Length} floats, expected 4 × {boxes} boxes.", nameof(boxDeltas));
        if (boxes == 0) return 0;
        if (classLogits.Length % boxes != 0 || classLogits.Length == 0)
            throw new ArgumentException($"class logits has {classLogits.Length} floats, not numClasses × {boxes} boxes.", nameof(classLogits));
        int classes = classLogits.Length / boxes;
        if (classes != workspace.Classes) throw new ArgumentException($"{classes} classes, but the workspace is sized for {workspace.Classes}.", nameof(workspace));
        int topK = settings.TopKCandidates;
        if (topK > workspace.TopKCandidates) throw new ArgumentException($"TopKCandidates {topK} exceeds the workspace's {workspace.TopKCandidates}.", nameof(workspace));

        Span<int> counts = workspace.Counts;
        counts.Clear();
        Span<float> p = workspace.Probabilities;
        float threshold = settings.ScoreThreshold;
        if (topK > 0)
        {
            for (int a = 0; a < boxes; a++)
            {
                Softmax(classLogits.Slice(a * classes, classes), p);
                for (int c = 1; c < classes; c++)
                {
                    float s = p[c];
                    if (!(s > threshold)) continue;
                    ulong key = SortKey.Descending(s, (uint)a);
                    Span<ulong> heap = workspace.Heaps.AsSpan((c - 1) * topK, topK);
                    ref int h = ref counts[c];
                    if (h < topK) PostprocessCore.HeapPush(heap, ref h, key);
                    else if (key < heap[0]) PostprocessCore.HeapReplaceTop(heap, h, key);
                }
            }
        }

        // torchvision concatenates the classes in order, each class's candidates by score descending.
        int total = 0;
        for (int c = 1; c < classes; c++)
        {
            Span<ulong> selected = workspace.Heaps.AsSpan((c - 1) * topK, counts[c]);
            selected.Sort();
            foreach (ulong key in selected)
            {
                int a = SortKey.Index(key);
                Span<float> box = workspace.Boxes.AsSpan(4 * total, 4);
                BoxCoder.Decode(defaultBoxes.Slice(4 * a, 4), boxDeltas.Slice(4 * a, 4), box, 10f, 10f, 5f, 5f, BoxCoder.DefaultClip);
                BoxCoder.ClipToImage(box, imageHeight, imageWidth);
                workspace.Scores[total] = SortKey.Score(key);
                workspace.Labels[total] = c;
                total++;
            }
        }

        int cap = Math.Min(settings.DetectionsPerImage, results.Length);
        Span<int> keep = workspace.Keep.AsSpan(0, Math.Min(cap, total));
        int kept = Nms.ClassWise(workspace.Boxes.AsSpan(0, 4 * total), workspace.Scores.AsSpan(0, total), workspace.Labels.AsSpan(0, total),
            settings.NmsThreshold, workspace.Nms, keep);
        for (int i = 0; i < kept; i++)
        {
            int k = keep[i];
            Span<float> b = workspace.Boxes.AsSpan(4 * k, 4);
            results[i] = new Detection(b[0], b[1], b[2], b[3], workspace.Scores[k], workspace.Labels[k]);
        }
        return kept;
    }

    /// <summary>F.softmax over one row in float32 as torch's CPU kernel: exp(x − max), summed, times the reciprocal of the sum.</summary>
    private static void Softmax(ReadOnlySpan<float> logits, Span<float> p)
    {
        float max = float.NegativeInfinity;
        foreach (float x in logits) max = MathF.Max(max, x);
        float sum = 0f;
        for (int c = 0; c < logits.Length; c++)
        {
            float e = MathF.Exp(logits[c] - max);
            p[c] = e;
            sum += e;
        }
        float inverse = 1f / sum;
        for (int c = 0; c < logits.Length; c++) p[c] *= inverse;
    }
}
