using VisionGen.ObjectDetection;

namespace VisionGen.Metrics;

/// <summary>
/// Intersection over union of axis-aligned xyxy boxes, with torchvision's <c>ops.box_iou</c> formula
/// (areas <c>(x2 − x1)·(y2 − y1)</c>, no +1; the intersection's sides clamped at 0), in float32.
/// A pair whose union is not positive (two empty boxes) has IoU 0, where torchvision returns NaN.
/// </summary>
public static class Iou
{
    /// <summary>IoU of two boxes, each 4 floats xyxy.</summary>
    /// <param name="a">First box.</param>
    /// <param name="b">Second box.</param>
    /// <returns>The IoU in [0, 1].</returns>
    public static float Of(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length < 4 || b.Length < 4) throw new ArgumentException("Boxes are 4 floats xyxy.");
        return Of(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    }

    /// <summary>IoU of a detection and a ground-truth box.</summary>
    /// <param name="detection">The detection.</param>
    /// <param name="truth">The ground truth.</param>
    /// <returns>The IoU in [0, 1].</returns>
    public static float Of(in ObjectDetection.Detection detection, in GroundTruth truth)
        => Of(detection.X1, detection.Y1, detection.X2, detection.Y2, truth.X1, truth.Y1, truth.X2, truth.Y2);

    /// <summary>IoU of every pair: <c>result[i·M + j] = IoU(a[i], b[j])</c>, as <c>torchvision.ops.box_iou(a, b)</c>. Allocation-free.</summary>
    /// <param name="a">N boxes, <c>[N, 4]</c> xyxy.</param>
    /// <param name="b">M boxes, <c>[M, 4]</c> xyxy.</param>
    /// <param name="result">Receives the <c>[N, M]</c> matrix, row-major.</param>
    public static void Matrix(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result)
    {
        if (a.Length % 4 != 0 || b.Length % 4 != 0) throw new ArgumentException("Box lists are [count, 4] floats.");
        int n = a.Length / 4, m = b.Length / 4;
        if (result.Length < n * m) throw new ArgumentException($"result holds {result.Length} floats, needs {n} × {m}.", nameof(result));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
                result[i * m + j] = Of(a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3], b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]);
    }

    internal static float Of(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2)
    {
        float areaA = (ax2 - ax1) * (ay2 - ay1);
        float areaB = (bx2 - bx1) * (by2 - by1);
        float w = MathF.Max(MathF.Min(ax2, bx2) - MathF.Max(ax1, bx1), 0f);
        float h = MathF.Max(MathF.Min(ay2, by2) - MathF.Max(ay1, by1), 0f);
        float inter = w * h;
        float union = areaA + areaB - inter;
        return union > 0f ? inter / union : 0f;
    }
}
