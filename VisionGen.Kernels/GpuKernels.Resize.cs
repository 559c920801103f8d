using ILGPU;
using ILGPU.Runtime;

namespace VisionGen.Kernels;

// Nearest and bilinear resizing of planes (torch's F.interpolate), as VisionGen.Cpu.Resize.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ResizeArgs> _nearest = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ResizeArgs> _bilinear = null!;

    internal struct ResizeArgs
    {
        public int Planes, InHeight, InWidth, OutHeight, OutWidth, AlignCorners;
        public float ScaleY, ScaleX;
    }

    private void LoadResize()
    {
        _nearest = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ResizeArgs>(NearestKernel);
        _bilinear = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ResizeArgs>(BilinearKernel);
    }

    /// <summary>
    /// Nearest resize of <paramref name="planes"/> planes, torch's <c>F.interpolate(mode="nearest")</c>, as
    /// <c>VisionGen.Cpu.Resize.Nearest</c>: output (y, x) reads input (min(⌊y·scaleY⌋, inH − 1), min(⌊x·scaleX⌋, inW − 1))
    /// with the float scales passed in (1/scale_factor, or in/out, exactly as ATen's compute_scales_value gives them).
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="scaleY">Input rows per output row (finite, ≥ 0).</param>
    /// <param name="scaleX">Input columns per output column (finite, ≥ 0).</param>
    /// <param name="input">planes·inHeight·inWidth floats.</param>
    /// <param name="output">planes·outHeight·outWidth floats; must not overlap the input.</param>
    public void Nearest(int planes, int inHeight, int inWidth, int outHeight, int outWidth, float scaleY, float scaleX,
        ArrayView<float> input, ArrayView<float> output)
    {
        var args = CheckResize(planes, inHeight, inWidth, outHeight, outWidth, false, scaleY, scaleX, input, output, out int n);
        _nearest(Launch(), GridStride(n), input, output, args);
    }

    /// <summary>
    /// Bilinear resize of <paramref name="planes"/> planes, ATen's upsample_bilinear2d in float, as
    /// <c>VisionGen.Cpu.Resize.Bilinear</c>: src = alignCorners ? scale·dst : max(scale·(dst + ½) − ½, 0),
    /// i0 = ⌊src⌋, i1 = i0 + (i0 &lt; in − 1 ? 1 : 0), l1 = src − i0, l0 = 1 − l1, and
    /// y = l0h·(l0w·x[h0, w0] + l1w·x[h0, w1]) + l1h·(l0w·x[h1, w0] + l1w·x[h1, w1]).
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="alignCorners">torch's align_corners.</param>
    /// <param name="scaleY">ATen's area_pixel_compute_scale for the rows (finite, ≥ 0).</param>
    /// <param name="scaleX">ATen's area_pixel_compute_scale for the columns (finite, ≥ 0).</param>
    /// <param name="input">planes·inHeight·inWidth floats.</param>
    /// <param name="output">planes·outHeight·outWidth floats; must not overlap the input.</param>
    public void Bilinear(int planes, int inHeight, int inWidth, int outHeight, int outWidth, bool alignCorners,
        float scaleY, float scaleX, ArrayView<float> input, ArrayView<float> output)
    {
        var args = CheckResize(planes, inHeight, inWidth, outHeight, outWidth, alignCorners, scaleY, scaleX, input, output, out int n);
        _bilinear(Launch(), GridStride(n), input, output, args);
    }

    private static ResizeArgs CheckResize(int planes, int inHeight, int inWidth, int outHeight, int outWidth, bool alignCorners,
        float scaleY, float scaleX, ArrayView<float> input, ArrayView<float> output, out int n)
    {
        Positive(planes, nameof(planes)); Positive(inHeight, nameof(inHeight)); Positive(inWidth, nameof(inWidth));
        Positive(outHeight, nameof(outHeight)); Positive(outWidth, nameof(outWidth));
        // A NaN or negative scale would index outside the plane.
        if (!float.IsFinite(scaleY) || scaleY < 0f) throw new ArgumentOutOfRangeException(nameof(scaleY), scaleY, "Scale must be finite and non-negative.");
        if (!float.IsFinite(scaleX) || scaleX < 0f) throw new ArgumentOutOfRangeException(nameof(scaleX), scaleX, "Scale must be finite and non-negative.");
        int inLength = LaunchLength((long)planes * inHeight * inWidth, nameof(input));
        n = LaunchLength((long)planes * outHeight * outWidth, nameof(output));
        Need(input, inLength, nameof(input));
        Need(output, n, nameof(output));
        CheckOverlap(input, inLength, output, n, nameof(input), sameStartAllowed: false);
        return new ResizeArgs
        {
            Planes = planes, InHeight = inHeight, InWidth = inWidth, OutHeight = outHeight, OutWidth = outWidth,
            AlignCorners = alignCorners ? 1 : 0, ScaleY = scaleY, ScaleX = scaleX,
        };
    }

    // ---- device code ----

    private static void NearestKernel(ArrayView<float> x, ArrayView<float> y, ResizeArgs p)
    {
        int n = p.Planes * p.OutHeight * p.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % p.OutWidth;
            int t = i / p.OutWidth;
            int oy = t % p.OutHeight;
            int plane = t / p.OutHeight;
            int sy = NearestIndex(oy, p.InHeight, p.OutHeight, p.ScaleY);
            int sx = NearestIndex(ox, p.InWidth, p.OutWidth, p.ScaleX);
            y[i] = x[(plane * p.InHeight + sy) * p.InWidth + sx];
        }
    }

    /// <summary>
    /// ATen's nearest_idx, as the CPU's Resize.Nearest: the index itself when out = in, half of it when out = 2·in (whatever
    /// the scale), else min(floor(d·scale), in − 1) — one product and a floor, no multiply-add a PTX compiler could fuse.
    /// </summary>
    private static int NearestIndex(int dst, int inSize, int outSize, float scale)
    {
        if (outSize == inSize) return dst;
        if (outSize == 2 * inSize) return dst >> 1;
        int src = (int)MathF.Floor(dst * scale);
        return src > inSize - 1 ? inSize - 1 : src;
    }

    /// <summary>ATen's area_pixel_compute_source_index (linear modes): where output index <paramref name="dst"/> samples.</summary>
    private static float SourceIndex(float scale, int dst, int alignCorners)
    {
        if (alignCorners != 0) return scale * dst;
        float src = scale * (dst + 0.5f) - 0.5f;
        return src < 0f ? 0f : src;
    }

    private static void BilinearKernel(ArrayView<float> x, ArrayView<float> y, ResizeArgs p)
    {
        int n = p.Planes * p.OutHeight * p.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % p.OutWidth;
            int t = i / p.OutWidth;
            int oy = t % p.OutHeight;
            int plane = t / p.OutHeight;

            // ATen samples row d itself when the axis keeps its size (whatever the scale), as the CPU's Resize.Bilinear.
            float sy = p.OutHeight == p.InHeight ? oy : SourceIndex(p.ScaleY, oy, p.AlignCorners);
            int h0 = (int)sy;
            if (h0 > p.InHeight - 1) h0 = p.InHeight - 1; // only a scale larger than the caller's sizes allow gets here
            int h1 = h0 + (h0 < p.InHeight - 1 && p.OutHeight != p.InHeight ? 1 : 0);
            float lh1 = sy - h0, lh0 = 1f - lh1;

            float sx = p.OutWidth == p.InWidth ? ox : SourceIndex(p.ScaleX, ox, p.AlignCorners);
            int w0 = (int)sx;
            if (w0 > p.InWidth - 1) w0 = p.InWidth - 1;
            int w1 = w0 + (w0 < p.InWidth - 1 && p.OutWidth != p.InWidth ? 1 : 0);
            float lw1 = sx - w0, lw0 = 1f - lw1;

            int row0 = (plane * p.InHeight + h0) * p.InWidth, row1 = (plane * p.InHeight + h1) * p.InWidth;
            y[i] = lh0 * (lw0 * x[row0 + w0] + lw1 * x[row0 + w1]) + lh1 * (lw0 * x[row1 + w0] + lw1 * x[row1 + w1]);
        }
    }
}
