using System.Runtime.CompilerServices;
namespace VisionGen.ObjectDetection;

/// <summary>
/// Scratch memory for <see cref="Nms"/>, sized once for the largest candidate count, so that
/// suppression allocates nothing per call. Not thread-safe: use one workspace per thread.
/// </summary>
public sealed class NmsWorkspace
{
    internal readonly ulong[] Order;
    internal readonly bool[] Suppressed;
    internal readonly float[] Areas;

    /// <summary>Creates a workspace for up to <paramref name="capacity"/> candidate boxes.</summary>
    /// <param name="capacity">Largest number of boxes a call will pass.</param>
    public NmsWorkspace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        Order = new ulong[capacity];
        Suppressed = new bool[capacity];
        Areas = new float[capacity];
    }

    /// <summary>Largest number of boxes this workspace accepts.</summary>
    public int Capacity { get; }
}

/// <summary>
/// Greedy non-maximum suppression equal to torchvision's <c>ops.nms</c> and <c>ops.batched_nms</c>
/// (0.14, CPU): candidates are visited by score descending, equal scores by ascending index (torchvision's
/// CPU kernel sorts with <c>stable=True</c>); a box is suppressed when its IoU with a kept box of the same
/// class, computed in float32, is strictly greater than the threshold compared in double
/// (<c>(double)iou &gt; iouThreshold</c>, as the C++ kernel compares a float with a double).
/// Kept indices are written in that visiting order, i.e. by score descending, and the output stops when
/// <c>keep</c> is full — the same as torchvision's <c>keep[:detections_per_img]</c>.
/// </summary>
/// <remarks>
/// <c>batched_nms</c> has two regimes and both are reproduced bit for bit: up to 1000 boxes
/// (<c>boxes.numel() ≤ 4000</c>) it adds a per-class offset <c>label · (max coordinate + 1)</c> to the
/// coordinates before computing IoU (float32 rounding of the shifted boxes changes IoU slightly), above
/// that it runs plain NMS per class on the original coordinates. One documented difference: above 1000
/// boxes torchvision re-sorts the kept indices with a non-stable sort, so the relative order of kept boxes
/// with exactly equal scores is unspecified there; here it is always ascending index.
/// </remarks>
public static class Nms
{
    /// <summary>Largest candidate count for which torchvision's <c>batched_nms</c> uses the coordinate-offset trick on CPU.</summary>
    public const int CoordinateTrickMaxBoxes = 1000;

    /// <summary>Single-class NMS, as <c>torchvision.ops.nms</c>.</summary>
    /// <param name="boxes">Boxes, <c>[n, 4]</c> xyxy.</param>
    /// <param name="scores">Scores, <c>[n]</c>.</param>
    /// <param name="iouThreshold">Boxes with IoU strictly above this are suppressed.</param>
    /// <param name="workspace">Scratch with capacity ≥ n.</param>
    /// <param name="keep">Receives kept indices by score descending; its length caps the count.</param>
    /// <returns>Number of indices written to <paramref name="keep"/>.</returns>
    public static int Run(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold, NmsWorkspace workspace, Span<int> keep)
        => Core(boxes, scores, default, false, iouThreshold, workspace, keep);

    /// <summary>
    /// Class-wise NMS, as <c>torchvision.ops.batched_nms(boxes, scores, labels, iouThreshold)</c> followed by
    /// <c>keep[:keep.Length]</c>: boxes of different labels never suppress each other.
    /// </summary>
    /// <param name="boxes">Boxes, <c>[n, 4]</c> xyxy.</param>
    /// <param name="scores">Scores, <c>[n]</c>.</param>
    /// <param name="labels">Class of every box, <c>[n]</c>.</param>
    /// <param name="iouThreshold">Boxes with IoU strictly above this are suppressed.</param>
    /// <param name="workspace">Scratch with capacity ≥ n.</param>
    /// <param name="keep">Receives kept indices by score descending; its length caps the count.</param>
    /// <returns>Number of indices written to <paramref name="keep"/>.</returns>
    public static int ClassWise(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double iouThreshold, NmsWorkspace workspace, Span<int> keep)
    {
        if (labels.Length != scores.Length) throw new ArgumentException($"labels has {labels.Length} entries, scores {scores.Length}.", nameof(labels));
        return Core(boxes, scores, labels, true, iouThreshold, workspace, keep);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per call: full speed from the first one
    private static int Core(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, bool classWise, double iouThreshold, NmsWorkspace workspace, Span<int> keep)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        int n = scores.Length;
        if (boxes.Length != 4 * n) throw new ArgumentException($"boxes has {boxes.Length} floats, expected 4 × {n}.", nameof(boxes));
        if (n > workspace.Capacity) throw new ArgumentException($"{n} boxes exceed the workspace capacity {workspace.Capacity}.", nameof(workspace));
        if (n == 0 || keep.IsEmpty) return 0;

        // torchvision's coordinate trick: shift every class by label * (max coordinate + 1), in float32.
        bool offsetTrick = classWise && n <= CoordinateTrickMaxBoxes;
        float offsetUnit = 0f;
        if (offsetTrick)
        {
            float max = boxes[0];
            for (int i = 1; i < boxes.Length; i++) max = MaxPropagateNaN(max, boxes[i]);
            offsetUnit = max + 1f;
        }

        Span<ulong> order = workspace.Order.AsSpan(0, n);
        Span<bool> suppressed = workspace.Suppressed.AsSpan(0, n);
        Span<float> areas = workspace.Areas.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            order[i] = SortKey.Descending(scores[i], (uint)i);
            float off = offsetTrick ? labels[i] * offsetUnit : 0f;
            float x1 = boxes[4 * i] + off, y1 = boxes[4 * i + 1] + off, x2 = boxes[4 * i + 2] + off, y2 = boxes[4 * i + 3] + off;
            areas[i] = (x2 - x1) * (y2 - y1);
        }
        suppressed.Clear();
        order.Sort();

        int count = 0;
        for (int oi = 0; oi < n; oi++)
        {
            int i = SortKey.Index(order[oi]);
            if (suppressed[i]) continue;
            keep[count++] = i;
            if (count == keep.Length) break;
            int li = classWise ? labels[i] : 0;
            float offI = offsetTrick ? li * offsetUnit : 0f;
            float ix1 = boxes[4 * i] + offI, iy1 = boxes[4 * i + 1] + offI, ix2 = boxes[4 * i + 2] + offI, iy2 = boxes[4 * i + 3] + offI;
            float iarea = areas[i];
            for (int oj = oi + 1; oj < n; oj++)
            {
                int j = SortKey.Index(order[oj]);
                if (suppressed[j] || (classWise && labels[j] != li)) continue;
                // std::max / std::min exactly as the C++ kernel (NaN handling included).
                float xx1 = StdMax(ix1, boxes[4 * j] + offI);
                float yy1 = StdMax(iy1, boxes[4 * j + 1] + offI);
                float xx2 = StdMin(ix2, boxes[4 * j + 2] + offI);
                float yy2 = StdMin(iy2, boxes[4 * j + 3] + offI);
                float w = StdMax(0f, xx2 - xx1), h = StdMax(0f, yy2 - yy1);
                float inter = w * h;
                float ovr = inter / (iarea + areas[j] - inter);
                if (ovr > iouThreshold) suppressed[j] = true;
            }
        }
        return count;
    }

    private static float StdMax(float a, float b) => a < b ? b : a;

    private static float StdMin(float a, float b) => b < a ? b : a;

    private static float MaxPropagateNaN(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a > b ? a : b;
}

/// <summary>
/// 64-bit sort keys whose ascending order is (score descending, index ascending): the high 32 bits are the
/// score's IEEE bits mapped to a monotone unsigned order and inverted, the low 32 bits the index.
/// Sorting a <c>Span&lt;ulong&gt;</c> allocates nothing, unlike sorting with a comparer.
/// </summary>
internal static class SortKey
{
    public static ulong Descending(float score, uint index)
    {
        uint bits = BitConverter.SingleToUInt32Bits(score);
        uint ordered = (bits & 0x8000_0000u) != 0 ? ~bits : bits | 0x8000_0000u; // ascending with score
        return ((ulong)~ordered << 32) | index;
    }

    public static int Index(ulong key) => (int)(uint)key;

    public static float Score(ulong key)
    {
        uint ordered = ~(uint)(key >> 32);
        uint bits = (ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
