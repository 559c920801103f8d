using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary>
/// 2-D convolution over one CHW image with a fused epilogue y = act(conv + bias + residual).
/// Pointwise (1×1, stride 1, no padding) runs as a GEMM on the input, depthwise runs a direct kernel
/// vectorized along the output width, everything else is im2col into scratch plus GEMM, per group.
/// </summary>
public static unsafe class Conv2d
{
    /// <summary>Floats <see cref="PackWeights"/> writes for this shape.</summary>
    public static int PackedWeightLength(in Conv2dShape s) => s.WeightLength;

    /// <summary>
    /// Converts a PyTorch weight [OutC, InC/Groups, KH, KW] into the layout <see cref="Forward"/> reads.
    /// Call once at load time.
    /// </summary>
    /// <param name="s">Convolution shape.</param>
    /// <param name="torchWeight">Weight as PyTorch stores it, <see cref="Conv2dShape.WeightLength"/> floats.</param>
    /// <param name="packed">Destination, at least <see cref="PackedWeightLength"/> floats.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span has the wrong length.</exception>
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        s.Validate();
        if (torchWeight.Length != s.WeightLength)
            throw new ArgumentException($"Weight needs {s.WeightLength} floats [OutC, InC/G, KH, KW], got {torchWeight.Length}.", nameof(torchWeight));
        if (packed.Length < PackedWeightLength(s))
            throw new ArgumentException($"Packed weight needs {PackedWeightLength(s)} floats, got {packed.Length}.", nameof(packed));
        // Today's layout is PyTorch's: per group, a row-major [OutC/G, InC/G·KH·KW] GEMM operand.
        torchWeight.CopyTo(packed);
    }

    /// <summary>
    /// Runs the convolution: output = act(conv(input, weight) + bias + residual), written once.
    /// </summary>
    /// <param name="s">Convolution shape.</param>
    /// <param name="input">CHW input, at least <see cref="Conv2dShape.InputLength"/> floats.</param>
    /// <param name="packedWeight">Weight from <see cref="PackWeights"/>.</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="residual">CHW tensor of <see cref="Conv2dShape.OutputLength"/> floats added after the bias, or empty.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">CHW output, at least <see cref="Conv2dShape.OutputLength"/> floats. Must not overlap the input, weight or scratch.</param>
    /// <param name="scratch">At least <see cref="Conv2dShape.ScratchLength"/> floats of working memory.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span is too short.</exception>
    public static void Forward(in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> scratch)
    {
        s.Validate();
        if (input.Length < s.InputLength) throw new ArgumentException($"Input needs {s.InputLength} floats, got {input.Length}.", nameof(input));
        if (packedWeight.Length < PackedWeightLength(s)) throw new ArgumentException($"Packed weight needs {PackedWeightLength(s)} floats, got {packedWeight.Length}.", nameof(packedWeight));
        if (!bias.IsEmpty && bias.Length < s.OutChannels) throw new ArgumentException($"Bias needs {s.OutChannels} floats or none, got {bias.Length}.", nameof(bias));
        if (!residual.IsEmpty && residual.Length < s.OutputLength) throw new ArgumentException($"Residual needs {s.OutputLength} floats or none, got {residual.Length}.", nameof(residual));
        if (output.Length < s.OutputLength) throw new ArgumentException($"Output needs {s.OutputLength} floats, got {output.Length}.", nameof(output));
        if (scratch.Length < s.ScratchLength) throw new ArgumentException($"Scratch needs {s.ScratchLength} floats, got {scratch.Length}.", nameof(scratch));

        fixed (float* px = input) fixed (float* pw = packedWeight) fixed (float* pb = bias) fixed (float* pr = residual)
        fixed (float* py = output) fixed (float* ps = scratch)
        {
            float* b = bias.IsEmpty ? null : pb;
            float* r = residual.IsEmpty ? null : pr;
            if (s.IsDepthwise)
            {
                var dw = new ConvJob { Shape = s, X = px, W = pw, Bias = b, Res = r, Act = activation, Y = py };
                RunSplit(&DepthwisePart, &dw, s.InChannels, (long)s.OutputLength * s.KernelHeight * s.KernelWidth);
                return;
            }
            int g = s.Groups;
            int cin = s.InChannels / g, cout = s.OutChannels / g;
            int spatialIn = s.InHeight * s.InWidth, n = s.OutHeight * s.OutWidth;
            int k = cin * s.KernelHeight * s.KernelWidth;
            for (int gi = 0; gi < g; gi++)
            {
                float* xg = px + (long)gi * cin * spatialIn;
                float* colMatrix = xg;
                if (!s.IsPointwise)
                {
                    var im = new ConvJob { Shape = s, X = xg, Y = ps, Channels = cin };
                    RunSplit(&Im2ColPart, &im, cin, (long)k * n);
                    colMatrix = ps;
                }
                long outOffset = (long)gi * cout * n;
                Gemm.MultiplyUnchecked(cout, n, k, pw + (long)gi * cout * k, colMatrix, py + outOffset,
                    b == null ? null : b + gi * cout, r == null ? null : r + outOffset, activation);
            }
        }
    }

    /// <summary>Arguments of a channel-split piece of work (depthwise convolution, im2col), on the caller's stack.</summary>
    private struct ConvJob
    {
        public Conv2dShape Shape;
        public float* X, W, Bias, Res, Y;
        public Activation Act;
        public int Channels;
    }

    /// <summary>Splits <paramref name="channels"/> evenly across <see cref="CpuThreads"/> when the work is worth it.</summary>
    private static void RunSplit(delegate*<void*, int, int, void> part, ConvJob* job, int channels, long work)
    {
        int parts = Math.Min(CpuThreads.Count, channels);
        if (work < 1 << 15) parts = 1;
        WorkerPool.Run(part, job, parts);
    }

    private static (int Lo, int Hi) Range(int count, int part, int parts)
        => ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    private static void DepthwisePart(void* context, int part, int parts)
    {
        ref ConvJob j = ref *(ConvJob*)context;
        var (c0, c1) = Range(j.Shape.InChannels, part, parts);
        if (c1 <= c0) return;
        int ow = j.Shape.OutWidth;
        if (Vector512.IsHardwareAccelerated && ow >= 64) Depthwise<Vector512<float>, Simd512>(j.Shape, j.X, j.W, j.Bias, j.Res, j.Act, j.Y, c0, c1);
        else if (Vector256.IsHardwareAccelerated && ow >= 12) Depthwise<Vector256<float>, Simd256>(j.Shape, j.X, j.W, j.Bias, j.Res, j.Act, j.Y, c0, c1);
        else Depthwise<Vector128<float>, Simd128>(j.Shape, j.X, j.W, j.Bias, j.Res, j.Act, j.Y, c0, c1);
    }

    private static void Im2ColPart(void* context, int part, int parts)
    {
        ref ConvJob j = ref *(ConvJob*)context;
        var (c0, c1) = Range(j.Channels, part, parts);
        if (c1 <= c0) return;
        ref readonly Conv2dShape s = ref j.Shape;
        long inPlane = (long)s.InHeight * s.InWidth;
        long colRows = (long)s.KernelHeight * s.KernelWidth * s.OutHeight * s.OutWidth;
        Im2Col(s, j.X + c0 * inPlane, c1 - c0, j.Y + c0 * colRows);
    }

    private static void Im2Col(in Conv2dShape s, float* x, int channels, float* col)
    {
        if (Vector512.IsHardwareAccelerated && s.OutWidth >= 64) Im2Col<Vector512<float>, Simd512>(s, x, channels, col);
        else if (Vector256.IsHardwareAccelerated && s.OutWidth >= 12) Im2Col<Vector256<float>, Simd256>(s, x, channels, col);
        else Im2Col<Vector128<float>, Simd128>(s, x, channels, col);
    }

    /// <summary>Writes rows (c, kh, kw) × columns (oh, ow) of the unfolded input, zeros where the window hits padding.</summary>
    private static void Im2Col<TV, TS>(in Conv2dShape s, float* x, int channels, float* col)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth;
        int sh = s.StrideHeight, sw = s.StrideWidth, ph = s.PadHeight, pw = s.PadWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        int v = TS.Count, reach = SimdOps.StridedReach<TV, TS>(sw);
        float* dst = col;
        for (int c = 0; c < channels; c++)
        {
            float* xc = x + (long)c * h * w;
            for (int kh = 0; kh < s.KernelHeight; kh++)
            {
                for (int kw = 0; kw < s.KernelWidth; kw++)
                {
                    int offW = kw * dw - pw;
                    // Output columns whose input column offW + ow·sw lies inside [0, w).
                    int owLo = offW >= 0 ? 0 : Math.Min(ow, (-offW + sw - 1) / sw);
                    int owHi = w - 1 - offW < 0 ? 0 : Math.Min(ow, (w - 1 - offW) / sw + 1);
                    if (owHi < owLo) owHi = owLo;
                    for (int y = 0; y < oh; y++, dst += ow)
                    {
                        int ih = y * sh - ph + kh * dh;
                        if ((uint)ih >= (uint)h)
                        {
                            new Span<float>(dst, ow).Clear();
                            continue;
                        }
                        float* src = xc + (long)ih * w + offW;
                        for (int i = 0; i < owLo; i++) dst[i] = 0f;
                        int j = owLo;
                        if (sw == 1)
                        {
                            new ReadOnlySpan<float>(src + j, owHi - j).CopyTo(new Span<float>(dst + j, owHi - j));
                            j = owHi;
                        }
                        else
                        {
                            // Vector while the strided read stays inside the row.
                            for (; j + v <= owHi && j * sw + offW + reach <= w; j += v)
                                TS.Store(dst + j, SimdOps.LoadStrided<TV, TS>(src + j * sw, sw));
                            for (; j < owHi; j++) dst[j] = src[j * sw];
                        }
                        for (; j < ow; j++) dst[j] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Depthwise convolution of channels [c0, c1): vectorized along the output width where the whole
    /// window is inside the row, scalar at the borders. No scratch; stride 2 uses an even-lane shuffle.
    /// </summary>
    private static void Depthwise<TV, TS>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act,
        float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        if (s.StrideWidth == 1) Depthwise<TV, TS, Stride1>(s, x, wt, bias, res, act, y, c0, c1);
        else if (s.StrideWidth == 2) Depthwise<TV, TS, Stride2>(s, x, wt, bias, res, act, y, c0, c1);
        else Depthwise<TV, TS, StrideAny>(s, x, wt, bias, res, act, y, c0, c1);
    }

    private static void Depthwise<TV, TS, TStride>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act,
        float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV> where TStride : struct, IStride
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth, khN = s.KernelHeight, kwN = s.KernelWidth;
        int sh = s.StrideHeight, sw = s.StrideWidth, ph = s.PadHeight, pw = s.PadWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        int v = TS.Count, reach = SimdOps.StridedReach<TV, TS>(sw);
        int owStart = Math.Min(ow, (pw + sw - 1) / sw); // first column whose window starts inside the row
        int lastTap = (kwN - 1) * dw - pw;              // input offset of the last tap relative to ow·sw
        // Columns whose last tap is inside the row: [owStart, owInner) is the interior.
        int owInner = w - 1 - lastTap < 0 ? 0 : Math.Min(ow, (w - 1 - lastTap) / sw + 1);
        for (int c = c0; c < c1; c++)
        {
            float* xc = x + (long)c * h * w;
            float* wc = wt + (long)c * khN * kwN;
            float* yc = y + (long)c * oh * ow;
            float* rc = res == null ? null : res + (long)c * oh * ow;
            float bv = bias == null ? 0f : bias[c];
            TV bvec = TS.Broadcast(bv);
            for (int oy = 0; oy < oh; oy++)
            {
                int ih0 = oy * sh - ph;
                int khLo = ih0 >= 0 ? 0 : Math.Min(khN, (-ih0 + dh - 1) / dh);
                int khHi = h - 1 - ih0 < 0 ? 0 : Math.Min(khN, (h - 1 - ih0) / dh + 1);
                float* yrow = yc + (long)oy * ow;
                float* rrow = rc == null ? null : rc + (long)oy * ow;
                int ox = owStart;
                for (; ox + 2 * v <= ow && (ox + v) * sw + lastTap + reach <= w; ox += 2 * v)
                {
                    TV a0 = TS.Zero, a1 = TS.Zero;
                    for (int kh = khLo; kh < khHi; kh++)
                    {
                        float* row = xc + (long)(ih0 + kh * dh) * w + ox * sw - pw;
                        float* wk = wc + kh * kwN;
                        for (int kw = 0; kw < kwN; kw++)
                        {
                            TV wv = TS.Broadcast(wk[kw]);
                            a0 = TS.Fma(wv, SimdOps.LoadStrided<TV, TS, TStride>(row + kw * dw, sw), a0);
                            a1 = TS.Fma(wv, SimdOps.LoadStrided<TV, TS, TStride>(row + kw * dw + v * sw, sw), a1);
                        }
                    }
                    a0 = TS.Add(a0, bvec);
                    a1 = TS.Add(a1, bvec);
                    if (rrow != null)
                    {
                        a0 = TS.Add(a0, TS.Load(rrow + ox));
                        a1 = TS.Add(a1, TS.Load(rrow + ox + v));
                    }
                    TS.Store(yrow + ox, SimdOps.Activate<TV, TS>(a0, act));
                    TS.Store(yrow + ox + v, SimdOps.Activate<TV, TS>(a1, act));
                }
                for (; ox + v <= ow && ox * sw + lastTap + reach <= w; ox += v)
                {
                    TV a0 = TS.Zero;
                    for (int kh = khLo; kh < khHi; kh++)
                    {
                        float* row = xc + (long)(ih0 + kh * dh) * w + ox * sw - pw;
                        float* wk = wc + kh * kwN;
                        for (int kw = 0; kw < kwN; kw++)
                            a0 = TS.Fma(TS.Broadcast(wk[kw]), SimdOps.LoadStrided<TV, TS, TStride>(row + kw * dw, sw), a0);
                    }
                    a0 = TS.Add(a0, bvec);
                    if (rrow != null) a0 = TS.Add(a0, TS.Load(rrow + ox));
                    TS.Store(yrow + ox, SimdOps.Activate<TV, TS>(a0, act));
                }
                // Interior columns left over: one vector ending at the last interior column, storing only the
                // lanes not written yet (each output is written once, so an in-place residual stays correct).
                int tail = owInner - v;
                if (ox < owInner && tail >= owStart && tail * sw + lastTap + reach <= w)
                {
                    TV a0 = TS.Zero;
                    for (int kh = khLo; kh < khHi; kh++)
                    {
                        float* row = xc + (long)(ih0 + kh * dh) * w + tail * sw - pw;
                        float* wk = wc + kh * kwN;
                        for (int kw = 0; kw < kwN; kw++)
                            a0 = TS.Fma(TS.Broadcast(wk[kw]), SimdOps.LoadStrided<TV, TS, TStride>(row + kw * dw, sw), a0);
                    }
                    Floats16 tmp = default;
                    float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
                    TS.Store(t, a0);
                    for (; ox < owInner; ox++)
                    {
                        float r = t[ox - tail] + bv;
                        if (rrow != null) r += rrow[ox];
                        yrow[ox] = SimdOps.Activate(r, act);
                    }
                }
                // Borders (and whatever the vector loop could not cover): scalar with bounds checks.
                DepthwiseScalar(xc, wc, h, w, khLo, khHi, kwN, ih0, dh, sw, pw, dw, bv, yrow, rrow, act, 0, owStart);
                DepthwiseScalar(xc, wc, h, w, khLo, khHi, kwN, ih0, dh, sw, pw, dw, bv, yrow, rrow, act, ox, ow);
            }
        }
    }

    private static void DepthwiseScalar(float* xc, float* wc, int h, int w, int khLo, int khHi, int kwN, int ih0, int dh,
        int sw, int pw, int dw, float bv, float* yrow, float* rrow, Activation act, int from, int to)
    {
        for (int ox = from; ox < to; ox++)
        {
            float acc = 0f;
            int iw0 = ox * sw - pw;
            for (int kh = khLo; kh < khHi; kh++)
            {
                float* row = xc + (long)(ih0 + kh * dh) * w;
                float* wk = wc + kh * kwN;
                for (int kw = 0; kw < kwN; kw++)
                {
                    int iw = iw0 + kw * dw;
                    if ((uint)iw < (uint)w) acc = MathF.FusedMultiplyAdd(wk[kw], row[iw], acc);
                }
            }
            acc += bv;
            if (rrow != null) acc += rrow[ox];
            yrow[ox] = SimdOps.Activate(acc, act);
        }
    }
}
