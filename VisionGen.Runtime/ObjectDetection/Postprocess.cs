using System.Runtime.CompilerServices;
using System.ComponentModel;
namespace VisionGen.ObjectDetection;

/// <summary>
/// Post-processing settings of a detection head, with torchvision's names and defaults
/// (<see cref="ForRetinaNet"/>, <see cref="ForFcos"/>).
/// </summary>
/// <param name="ScoreThreshold">Candidates need a score strictly above this (compared in float32, as torch compares a float tensor with a Python scalar).</param>
/// <param name="NmsThreshold">IoU above which a box of the same class is suppressed (compared in double, as torchvision's NMS kernel).</param>
/// <param name="DetectionsPerImage">Most detections returned after NMS (<c>detections_per_img</c>).</param>
/// <param name="TopKCandidates">Most candidates kept per pyramid level before NMS (<c>topk_candidates</c>).</param>
public readonly record struct DetectionSettings(float ScoreThreshold, double NmsThreshold, int DetectionsPerImage, int TopKCandidates)
{
    /// <summary>torchvision <c>RetinaNet</c> defaults: score 0.05, NMS 0.5, 300 detections, 1000 candidates per level.</summary>
    /// <returns>The settings.</returns>
    public static DetectionSettings ForRetinaNet() => new(0.05f, 0.5, 300, 1000);

    /// <summary>torchvision <c>FCOS</c> defaults: score 0.2, NMS 0.6, 100 detections, 1000 candidates per level.</summary>
    /// <returns>The settings.</returns>
    public static DetectionSettings ForFcos() => new(0.2f, 0.6, 100, 1000);

    internal void Validate()
    {
        if (float.IsNaN(ScoreThreshold)) throw new ArgumentException("ScoreThreshold is NaN.");
        if (double.IsNaN(NmsThreshold)) throw new ArgumentException("NmsThreshold is NaN.");
        if (DetectionsPerImage < 0) throw new ArgumentException($"DetectionsPerImage ({DetectionsPerImage}) must not be negative.");
        if (TopKCandidates < 0) throw new ArgumentException($"TopKCandidates ({TopKCandidates}) must not be negative.");
    }
}

/// <summary>
/// Scratch memory for <see cref="RetinaNetPostprocess"/> and <see cref="FcosPostprocess"/>, created once
/// (at model load) so that post-processing allocates nothing per call. Memory is O(levels · topK), not
/// O(anchors · classes): per-level top-k uses a bounded heap. Not thread-safe: one workspace per thread.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PostprocessWorkspace
{
    internal readonly ulong[] Heap;
    internal readonly float[] Boxes;
    internal readonly float[] Scores;
    internal readonly int[] Labels;
    internal readonly int[] Keep;
    internal readonly NmsWorkspace Nms;

    /// <summary>Creates a workspace for up to <paramref name="levels"/> pyramid levels of <paramref name="topKCandidates"/> candidates each.</summary>
    /// <param name="topKCandidates">Most candidates per level (≥ the settings' <see cref="DetectionSettings.TopKCandidates"/>).</param>
    /// <param name="levels">Most pyramid levels a call will pass.</param>
    public PostprocessWorkspace(int topKCandidates, int levels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(topKCandidates);
        ArgumentOutOfRangeException.ThrowIfNegative(levels);
        TopKCandidates = topKCandidates;
        Levels = levels;
        int capacity = checked(topKCandidates * levels);
        Heap = new ulong[topKCandidates];
        Boxes = new float[checked(4 * capacity)];
        Scores = new float[capacity];
        Labels = new int[capacity];
        Keep = new int[capacity];
        Nms = new NmsWorkspace(capacity);
    }

    /// <summary>Creates a workspace sized for <paramref name="settings"/> and <paramref name="levels"/> levels.</summary>
    /// <param name="settings">The settings calls will use.</param>
    /// <param name="levels">Number of pyramid levels.</param>
    public PostprocessWorkspace(in DetectionSettings settings, int levels) : this(settings.TopKCandidates, levels) { }

    /// <summary>Most candidates per level this workspace holds.</summary>
    public int TopKCandidates { get; }

    /// <summary>Most pyramid levels this workspace holds.</summary>
    public int Levels { get; }
}

/// <summary>
/// RetinaNet post-processing, equal to torchvision 0.14 <c>RetinaNet.postprocess_detections</c> for one image:
/// per level, scores = sigmoid(logits) over every (anchor, class), keep scores &gt; threshold, keep the top-k by
/// score, decode with <see cref="BoxCoder"/>, clip to the image; then class-wise NMS over all levels
/// (<see cref="Nms.ClassWise"/>) and keep the best <see cref="DetectionSettings.DetectionsPerImage"/>.
/// Allocation-free.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <remarks>
/// Equal scores inside a level's top-k are ordered by ascending (anchor, class) index; torchvision's
/// <c>topk</c> leaves that order unspecified, so results can differ from torchvision only when two
/// candidates have bit-identical float32 scores.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RetinaNetPostprocess
{
    /// <summary>Runs post-processing for one image.</summary>
    /// <param name="settings">Thresholds and caps (<see cref="DetectionSettings.ForRetinaNet"/> for torchvision's defaults).</param>
    /// <param name="classLogits">Classification logits, <c>[numAnchors, numClasses]</c>, levels concatenated.</param>
    /// <param name="boxDeltas">Box regression, <c>[numAnchors, 4]</c> (dx, dy, dw, dh).</param>
    /// <param name="anchors">Anchors, <c>[numAnchors, 4]</c> xyxy, as <see cref="AnchorGenerator.Generate"/>.</param>
    /// <param name="anchorsPerLevel">Anchor count of every level; sums to numAnchors.</param>
    /// <param name="imageHeight">Image height for clipping.</param>
    /// <param name="imageWidth">Image width for clipping.</param>
    /// <param name="workspace">Scratch sized for these settings and levels.</param>
    /// <param name="results">Receives detections by score descending; at most min(DetectionsPerImage, length) are written.</param>
    /// <returns>Number of detections written.</returns>
    public static int Run(in DetectionSettings settings, ReadOnlySpan<float> classLogits, ReadOnlySpan<float> boxDeltas, ReadOnlySpan<float> anchors,
        ReadOnlySpan<int> anchorsPerLevel, int imageHeight, int imageWidth, PostprocessWorkspace workspace, Span<Detection> results)
        => PostprocessCore.Run(false, settings, classLogits, boxDeltas, default, anchors, anchorsPerLevel, imageHeight, imageWidth, workspace, results);
}

/// <summary>
/// FCOS post-processing, equal to torchvision 0.14 <c>FCOS.postprocess_detections</c> for one image:
/// per level, scores = sqrt(sigmoid(logits) · sigmoid(centerness)), keep scores &gt; threshold, keep the top-k,
/// decode with <see cref="BoxLinearCoder"/> (normalized by anchor size), clip to the image; then class-wise
/// NMS and keep the best <see cref="DetectionSettings.DetectionsPerImage"/>. Allocation-free.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <remarks>Tie order inside a level's top-k as in <see cref="RetinaNetPostprocess"/>.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FcosPostprocess
{
    /// <summary>Runs post-processing for one image.</summary>
    /// <param name="settings">Thresholds and caps (<see cref="DetectionSettings.ForFcos"/> for torchvision's defaults).</param>
    /// <param name="classLogits">Classification logits, <c>[numAnchors, numClasses]</c>, levels concatenated.</param>
    /// <param name="boxRegression">Box regression, <c>[numAnchors, 4]</c> (l, t, r, b) in anchor-size units.</param>
    /// <param name="centerness">Centerness logits, <c>[numAnchors]</c>.</param>
    /// <param name="anchors">Anchors, <c>[numAnchors, 4]</c> xyxy.</param>
    /// <param name="anchorsPerLevel">Anchor count of every level; sums to numAnchors.</param>
    /// <param name="imageHeight">Image height for clipping.</param>
    /// <param name="imageWidth">Image width for clipping.</param>
    /// <param name="workspace">Scratch sized for these settings and levels.</param>
    /// <param name="results">Receives detections by score descending; at most min(DetectionsPerImage, length) are written.</param>
    /// <returns>Number of detections written.</returns>
    public static int Run(in DetectionSettings settings, ReadOnlySpan<float> classLogits, ReadOnlySpan<float> boxRegression, ReadOnlySpan<float> centerness,
        ReadOnlySpan<float> anchors, ReadOnlySpan<int> anchorsPerLevel, int imageHeight, int imageWidth, PostprocessWorkspace workspace, Span<Detection> results)
    {
        if (centerness.Length * 4 != anchors.Length)
            throw new ArgumentException($"centerness has {centerness.Length} values, expected one per anchor ({anchors.Length / 4}).", nameof(centerness));
        return PostprocessCore.Run(true, settings, classLogits, boxRegression, centerness, anchors, anchorsPerLevel, imageHeight, imageWidth, workspace, results);
    }
}

internal static class PostprocessCore
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per call: full speed from the first one
    public static int Run(bool fcos, in DetectionSettings settings, ReadOnlySpan<float> logits, ReadOnlySpan<float> deltas, ReadOnlySpan<float> centerness,
        ReadOnlySpan<float> anchors, ReadOnlySpan<int> anchorsPerLevel, int imageHeight, int imageWidth, PostprocessWorkspace ws, Span<Detection> results)
    {
        ArgumentNullException.ThrowIfNull(ws);
        settings.Validate();
        if (anchors.Length % 4 != 0) throw new ArgumentException($"anchors has {anchors.Length} floats, not a multiple of 4.", nameof(anchors));
        int numAnchors = anchors.Length / 4;
        if (deltas.Length != anchors.Length) throw new ArgumentException($"box regression has {deltas.Length} floats, expected 4 × {numAnchors} anchors.", nameof(deltas));
        long sum = 0;
        foreach (int n in anchorsPerLevel)
        {
            if (n < 0) throw new ArgumentException("anchorsPerLevel has a negative count.", nameof(anchorsPerLevel));
            sum += n;
        }
        if (sum != numAnchors) throw new ArgumentException($"anchorsPerLevel sums to {sum}, but there are {numAnchors} anchors.", nameof(anchorsPerLevel));
        if (numAnchors == 0) return 0;
        if (logits.Length % numAnchors != 0 || logits.Length == 0)
            throw new ArgumentException($"class logits has {logits.Length} floats, not numClasses × {numAnchors} anchors.", nameof(logits));
        int classes = logits.Length / numAnchors;
        if (anchorsPerLevel.Length > ws.Levels) throw new ArgumentException($"{anchorsPerLevel.Length} levels exceed the workspace's {ws.Levels}.", nameof(ws));
        if (settings.TopKCandidates > ws.TopKCandidates) throw new ArgumentException($"TopKCandidates {settings.TopKCandidates} exceeds the workspace's {ws.TopKCandidates}.", nameof(ws));

        float threshold = settings.ScoreThreshold;
        // Cheap pre-filter on the logit: sigmoid is monotone, so a logit well below logit(t) cannot pass.
        // (FCOS: sqrt(s·c) ≤ sqrt(s) so s must exceed t².) The exact float32 test follows for the rest.
        float pre = float.NegativeInfinity;
        double pt = fcos ? (double)threshold * threshold : threshold;
        if (pt > 0 && pt < 1) pre = (float)(Math.Log(pt / (1 - pt)) - 1e-3);

        int topK = settings.TopKCandidates;
        Span<ulong> heap = ws.Heap.AsSpan(0, topK);
        int total = 0, anchorStart = 0;
        for (int l = 0; l < anchorsPerLevel.Length; l++)
        {
            int count = anchorsPerLevel[l];
            if ((long)count * classes > uint.MaxValue) throw new ArgumentException($"Level {l} has too many anchor-class pairs.", nameof(anchorsPerLevel));
            int h = 0;
            if (topK > 0)
            {
                ReadOnlySpan<float> levelLogits = logits.Slice(anchorStart * classes, count * classes);
                for (int a = 0; a < count; a++)
                {
                    float ctr = fcos ? Sigmoid(centerness[anchorStart + a]) : 0f;
                    ReadOnlySpan<float> row = levelLogits.Slice(a * classes, classes);
                    for (int c = 0; c < row.Length; c++)
                    {
                        float x = row[c];
                        if (x <= pre) continue;
                        float s = Sigmoid(x);
                        if (fcos) s = MathF.Sqrt(s * ctr);
                        if (!(s > threshold)) continue;
                        ulong key = SortKey.Descending(s, (uint)(a * classes + c));
                        if (h < topK) HeapPush(heap, ref h, key);
                        else if (key < heap[0]) HeapReplaceTop(heap, h, key);
                    }
                }
            }
            Span<ulong> selected = heap[..h];
            selected.Sort();
            for (int i = 0; i < selected.Length; i++)
            {
                int flat = SortKey.Index(selected[i]);
                int anchor = anchorStart + flat / classes;
                Span<float> box = ws.Boxes.AsSpan(4 * total, 4);
                if (fcos) BoxLinearCoder.Decode(anchors.Slice(4 * anchor, 4), deltas.Slice(4 * anchor, 4), box, true);
                else BoxCoder.Decode(anchors.Slice(4 * anchor, 4), deltas.Slice(4 * anchor, 4), box);
                BoxCoder.ClipToImage(box, imageHeight, imageWidth);
                ws.Scores[total] = SortKey.Score(selected[i]);
                ws.Labels[total] = flat % classes;
                total++;
            }
            anchorStart += count;
        }

        int cap = Math.Min(settings.DetectionsPerImage, results.Length);
        Span<int> keep = ws.Keep.AsSpan(0, Math.Min(cap, total));
        int kept = Nms.ClassWise(ws.Boxes.AsSpan(0, 4 * total), ws.Scores.AsSpan(0, total), ws.Labels.AsSpan(0, total), settings.NmsThreshold, ws.Nms, keep);
        for (int i = 0; i < kept; i++)
        {
            int k = keep[i];
            results[i] = new Detection(ws.Boxes[4 * k], ws.Boxes[4 * k + 1], ws.Boxes[4 * k + 2], ws.Boxes[4 * k + 3], ws.Scores[k], ws.Labels[k]);
        }
        return kept;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    // Max-heap on the key: the root is the worst candidate kept so far.
    internal static void HeapPush(Span<ulong> heap, ref int count, ulong key)
    {
        int i = count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (heap[parent] >= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    internal static void HeapReplaceTop(Span<ulong> heap, int count, ulong key)
    {
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= count) break;
            if (child + 1 < count && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= key) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = key;
    }
}
