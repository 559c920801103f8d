using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Max, average, global-average and adaptive pooling, PyTorch semantics. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Pool2d
{
    /// <summary>Max pooling; padded positions count as −∞ (never selected), NaN propagates.</summary>
    /// <param name="s">Pooling shape.</param>
    /// <param name="input">CHW input, at least <see cref="Pool2dShape.InputLength"/> floats.</param>
    /// <param name="output">CHW output, at least <see cref="Pool2dShape.OutputLength"/> floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span is too short.</exception>
    public static void Max(in Pool2dShape s, ReadOnlySpan<float> input, Span<float> output) => Run(s, input, output, max: true);

    /// <summary>
    /// Average pooling with PyTorch's defaults (count_include_pad = true): the divisor is the window
    /// clipped to the padded input, (min(h0+k, H+p) − h0)·(min(w0+k, W+p) − w0) with h0 = oh·stride − p.
    /// </summary>
    /// <param name="s">Pooling shape.</param>
    /// <param name="input">CHW input, at least <see cref="Pool2dShape.InputLength"/> floats.</param>
    /// <param name="output">CHW output, at least <see cref="Pool2dShape.OutputLength"/> floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span is too short.</exception>
    public static void Average(in Pool2dShape s, ReadOnlySpan<float> input, Span<float> output) => Run(s, input, output, max: false);

    /// <summary>
    /// Runs the kernels <see cref="Max"/> or <see cref="Average"/> picks for <paramref name="s"/> once on one channel of
    /// zeros, so the JIT compiles them before the first real call (<see cref="KernelWarmUp"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Invalid shape.</exception>
    public static void WarmUp(in Pool2dShape s, bool max)
    {
        s.Validate();
        Pool2dShape one = s with { Channels = 1 };
        Span<float> buffer = KernelWarmUp.Buffer((long)one.InputLength + one.OutputLength);
        Run(one, buffer[..one.InputLength], buffer[one.InputLength..], max);
    }

    /// <summary>Mean over each channel's <paramref name="spatial"/> values: output[c] = mean(input[c·spatial ..]).</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel (H·W).</param>
    /// <param name="input">At least channels·spatial floats.</param>
    /// <param name="output">At least channels floats.</param>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    public static void GlobalAverage(int channels, int spatial, ReadOnlySpan<float> input, Span<float> output)
    {
        if (channels <= 0 || spatial <= 0) throw new ArgumentException("Channels and spatial size must be positive.");
        if (input.Length < (long)channels * spatial) throw new ArgumentException($"Input needs {(long)channels * spatial} floats, got {input.Length}.", nameof(input));
        if (output.Length < channels) throw new ArgumentException($"Output needs {channels} floats, got {output.Length}.", nameof(output));
        fixed (float* px = input) fixed (float* py = output)
        {
            if (Vector512.IsHardwareAccelerated && spatial >= 64) GlobalAverage<Vector512<float>, Simd512>(channels, spatial, px, py);
            else if (Vector256.IsHardwareAccelerated) GlobalAverage<Vector256<float>, Simd256>(channels, spatial, px, py);
            else GlobalAverage<Vector128<float>, Simd128>(channels, spatial, px, py);
        }
    }

    /// <summary>
    /// <c>F.adaptive_avg_pool2d</c>: output (oh, ow) is the mean of input rows [⌊oh·inH/outH⌋, ⌈(oh+1)·inH/outH⌉) and
    /// columns [⌊ow·inW/outW⌋, ⌈(ow+1)·inW/outW⌉) (PyTorch's bins, integer arithmetic; bins overlap when the sizes do not
    /// divide and repeat when the output is larger). The sum is divided by the bin's height, then by its width, as PyTorch does.
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="input">At least planes·inHeight·inWidth floats.</param>
    /// <param name="output">At least planes·outHeight·outWidth floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span is too short, or the spans overlap.</exception>
    public static void AdaptiveAverage(int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        ReadOnlySpan<float> input, Span<float> output)
        => Adaptive(planes, inHeight, inWidth, outHeight, outWidth, input, output, max: false);

    /// <summary>
    /// <c>F.adaptive_max_pool2d</c> over PyTorch's bins (see <see cref="AdaptiveAverage"/>); a NaN in a bin makes its output
    /// NaN, as in PyTorch.
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="input">At least planes·inHeight·inWidth floats.</param>
    /// <param name="output">At least planes·outHeight·outWidth floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span is too short, or the spans overlap.</exception>
    public static void AdaptiveMax(int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        ReadOnlySpan<float> input, Span<float> output)
        => Adaptive(planes, inHeight, inWidth, outHeight, outWidth, input, output, max: true);

    private static void Adaptive(int planes, int inHeight, int inWidth, int outHeight, int outWidth,
        ReadOnlySpan<float> input, Span<float> output, bool max)
    {
        if (planes <= 0) throw new ArgumentException($"Planes must be positive, got {planes}.", nameof(planes));
        if (inHeight <= 0 || inWidth <= 0) throw new ArgumentException($"Input size {inHeight}×{inWidth} must be positive.", inHeight <= 0 ? nameof(inHeight) : nameof(inWidth));
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentException($"Output size {outHeight}×{outWidth} must be positive.", outHeight <= 0 ? nameof(outHeight) : nameof(outWidth));
        long inLength = (long)planes * inHeight * inWidth, outLength = (long)planes * outHeight * outWidth;
        if (input.Length < inLength) throw new ArgumentException($"Input needs {inLength} floats, got {input.Length}.", nameof(input));
        if (output.Length < outLength) throw new ArgumentException($"Output needs {outLength} floats, got {output.Length}.", nameof(output));
        if (input[..(int)inLength].Overlaps(output[..(int)outLength])) throw new ArgumentException("Input and output must not overlap.", nameof(output));
        fixed (float* px = input) fixed (float* py = output)
        {
            var job = new AdaptiveJob { X = px, Y = py, Planes = planes, H = inHeight, W = inWidth, OH = outHeight, OW = outWidth, Max = max };
            // Every input value is read about once per output bin that covers it: (in + out) per axis bounds the work.
            long work = (long)planes * (inHeight + outHeight) * (inWidth + outWidth);
            int parts = work < 1 << 15 ? 1 : Math.Min(CpuThreads.Count, planes);
            WorkerPool.Run(&AdaptivePart, &job, parts);
        }
    }

    private struct AdaptiveJob
    {
        public float* X, Y;
        public int Planes, H, W, OH, OW;
        public bool Max;
    }

    private static void AdaptivePart(void* context, int part, int parts)
    {
        ref AdaptiveJob j = ref *(AdaptiveJob*)context;
        var (p0, p1) = WorkerPool.Range(j.Planes, part, parts);
        if (p1 <= p0) return;
        if (Vector512.IsHardwareAccelerated) Adaptive<Vector512<float>, Simd512>(j, p0, p1);
        else if (Vector256.IsHardwareAccelerated) Adaptive<Vector256<float>, Simd256>(j, p0, p1);
        else Adaptive<Vector128<float>, Simd128>(j, p0, p1);
    }

    /// <summary>
    /// Planes [p0, p1). Bins at least two vectors wide are reduced with vectors (row by row into one accumulator, the
    /// tails after); narrower ones element by element in row-major order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Adaptive<TV, TS>(in AdaptiveJob j, int p0, int p1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int h = j.H, w = j.W, oh = j.OH, ow = j.OW, v = TS.Count;
        bool max = j.Max;
        for (int p = p0; p < p1; p++)
        {
            float* xp = j.X + (long)p * h * w;
            float* yp = j.Y + (long)p * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int hs = (int)((long)oy * h / oh), he = (int)(((long)(oy + 1) * h + oh - 1) / oh);
                for (int ox = 0; ox < ow; ox++)
                {
                    int ws = (int)((long)ox * w / ow), we = (int)(((long)(ox + 1) * w + ow - 1) / ow);
                    int kw = we - ws;
                    float acc;
                    if (kw >= 2 * v)
                    {
                        int vecEnd = ws + kw / v * v;
                        TV a = max ? TS.Broadcast(float.NegativeInfinity) : TS.Zero;
                        for (int iy = hs; iy < he; iy++)
                        {
                            float* row = xp + (long)iy * w;
                            for (int ix = ws; ix < vecEnd; ix += v) a = max ? TS.Max(a, TS.Load(row + ix)) : TS.Add(a, TS.Load(row + ix));
                        }
                        acc = max ? SimdOps.HorizontalMax<TV, TS>(a) : TS.Sum(a);
                        for (int iy = hs; iy < he; iy++)
                        {
                            float* row = xp + (long)iy * w;
                            for (int ix = vecEnd; ix < we; ix++) acc = max ? SimdOps.MaxNaN(acc, row[ix]) : acc + row[ix];
                        }
                    }
                    else
                    {
                        acc = max ? float.NegativeInfinity : 0f;
                        for (int iy = hs; iy < he; iy++)
                        {
                            float* row = xp + (long)iy * w;
                            for (int ix = ws; ix < we; ix++) acc = max ? SimdOps.MaxNaN(acc, row[ix]) : acc + row[ix];
                        }
                    }
                    yp[(long)oy * ow + ox] = max ? acc : acc / (he - hs) / kw;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GlobalAverage<TV, TS>(int channels, int spatial, float* x, float* y)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count;
        float inv = 1f / spatial;
        for (int c = 0; c < channels; c++)
        {
            float* xc = x + (long)c * spatial;
            TV a0 = TS.Zero, a1 = TS.Zero;
            int i = 0;
            for (; i + 2 * v <= spatial; i += 2 * v)
            {
                a0 = TS.Add(a0, TS.Load(xc + i));
                a1 = TS.Add(a1, TS.Load(xc + i + v));
            }
            for (; i + v <= spatial; i += v) a0 = TS.Add(a0, TS.Load(xc + i));
            float sum = TS.Sum(TS.Add(a0, a1));
            for (; i < spatial; i++) sum += xc[i];
            y[c] = sum * inv;
        }
    }

    private static void Run(in Pool2dShape s, ReadOnlySpan<float> input, Span<float> output, bool max)
    {
        s.Validate();
        if (input.Length < s.InputLength) throw new ArgumentException($"Input needs {s.InputLength} floats, got {input.Length}.", nameof(input));
        if (output.Length < s.OutputLength) throw new ArgumentException($"Output needs {s.OutputLength} floats, got {output.Length}.", nameof(output));
        fixed (float* px = input) fixed (float* py = output)
        {
            // Channels split across CpuThreads when there is enough work to be worth a hand-over.
            var job = new PoolJob { Shape = s, X = px, Y = py, Max = max };
            int parts = (long)s.OutputLength * s.Kernel * s.Kernel < 1 << 15 ? 1 : Math.Min(CpuThreads.Count, s.Channels);
            WorkerPool.Run(&PoolPart, &job, parts);
        }
    }

    private struct PoolJob
    {
        public Pool2dShape Shape;
        public float* X, Y;
        public bool Max;
    }

    private static void PoolPart(void* context, int part, int parts)
    {
        ref PoolJob j = ref *(PoolJob*)context;
        var (c0, c1) = WorkerPool.Range(j.Shape.Channels, part, parts);
        if (c1 <= c0) return;
        if (Vector512.IsHardwareAccelerated && j.Shape.OutWidth >= 64) Pool<Vector512<float>, Simd512>(j.Shape, j.X, j.Y, j.Max, c0, c1);
        else if (Vector256.IsHardwareAccelerated && j.Shape.OutWidth >= 12) Pool<Vector256<float>, Simd256>(j.Shape, j.X, j.Y, j.Max, c0, c1);
        else Pool<Vector128<float>, Simd128>(j.Shape, j.X, j.Y, j.Max, c0, c1);
    }

    /// <summary>Channels [c0, c1): vectorized along the output width where the window lies inside the row; scalar at the borders.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pool<TV, TS>(in Pool2dShape s, float* x, float* y, bool max, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        if (max && s.Kernel > 1 && s.InWidth <= MaxSeparableWidth)
        {
            if (s.Stride == 2) MaxSeparable<TV, TS, EvenLoad>(s, x, y, c0, c1);
            else if (s.Stride == 1) MaxSeparable<TV, TS, DenseLoad>(s, x, y, c0, c1);
            else MaxSeparable<TV, TS, GatherLoad>(s, x, y, c0, c1);
            return;
        }
        if (s.Stride == 2) Window<TV, TS, EvenLoad>(s, x, y, max, c0, c1);
        else if (s.Stride == 1) Window<TV, TS, DenseLoad>(s, x, y, max, c0, c1);
        else Window<TV, TS, GatherLoad>(s, x, y, max, c0, c1);
    }

    /// <summary>Average pooling, and max pooling of 1×1 windows or very wide rows: every window's taps, loaded by <typeparamref name="TL"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Window<TV, TS, TL>(in Pool2dShape s, float* x, float* y, bool max, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV> where TL : struct, IStridedLoad
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth, k = s.Kernel, st = s.Stride, p = s.Padding;
        int v = TS.Count, reach = SimdOps.StridedReach<TV, TS>(st);
        int owStart = Math.Min(ow, (p + st - 1) / st);
        TV init = max ? TS.Broadcast(float.NegativeInfinity) : TS.Zero;
        for (int c = c0; c < c1; c++)
        {
            float* xc = x + (long)c * h * w;
            float* yc = y + (long)c * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int h0 = oy * st - p;
                int khLo = Math.Max(0, -h0), khHi = Math.Min(k, h - h0);
                int hSize = Math.Min(h0 + k, h + p) - h0;
                float* yrow = yc + (long)oy * ow;
                int ox = owStart;
                // Interior: the window is inside [0, w), so the width factor of the divisor is k.
                TV scale = TS.Broadcast(1f / (hSize * k));
                for (; ox + v <= ow && ox * st - p + k - 1 + reach <= w; ox += v)
                {
                    TV acc = init;
                    for (int kh = khLo; kh < khHi; kh++)
                    {
                        float* row = xc + (long)(h0 + kh) * w + ox * st - p;
                        for (int kw = 0; kw < k; kw++)
                        {
                            TV val = TL.Load<TV, TS>(row + kw, st);
                            acc = max ? TS.Max(acc, val) : TS.Add(acc, val);
                        }
                    }
                    TS.Store(yrow + ox, max ? acc : TS.Mul(acc, scale));
                }
                PoolScalar(xc, w, h, k, st, p, khLo, khHi, h0, max, yrow, 0, owStart);
                PoolScalar(xc, w, h, k, st, p, khLo, khHi, h0, max, yrow, ox, ow);
            }
        }
    }

    private const int MaxSeparableWidth = 4096;

    /// <summary>−∞ floats on each side of the separable pass's row buffer: a strided vector load (at most 2 × 16 wide, a
    /// 16-tap window) that starts in the padding or reads past the row sees what max pooling's padding means.</summary>
    private const int SeparableMargin = 64;

    /// <summary>
    /// Max pooling of channels [c0, c1) in two passes per output row: the maximum down the window's rows into one row
    /// (contiguous vectors), then across the window's columns of that row — k loads per output vector instead of k².
    /// The row sits between −∞ margins, so every output of the row comes from a vector (the last one overlapping the one
    /// before), the borders included: the scalar loop is left for rows narrower than a vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxSeparable<TV, TS, TL>(in Pool2dShape s, float* x, float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV> where TL : struct, IStridedLoad
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth, k = s.Kernel, st = s.Stride, p = s.Padding;
        int v = TS.Count, reach = SimdOps.StridedReach<TV, TS>(st);
        float* buffer = stackalloc float[MaxSeparableWidth + 2 * SeparableMargin];
        float* column = buffer + SeparableMargin;
        // Vectors from every output column fit the margins: start ≥ −p, end ≤ (ow − 1)·st − p + k − 1 + reach.
        bool margins = p <= SeparableMargin && (ow - 1) * st - p + k + reach - w <= SeparableMargin && ow >= v;
        if (margins)
        {
            for (int i = 0; i < SeparableMargin; i++)
            {
                buffer[i] = float.NegativeInfinity;
                column[w + i] = float.NegativeInfinity;
            }
        }
        int owStart = margins ? 0 : Math.Min(ow, (p + st - 1) / st);
        for (int c = c0; c < c1; c++)
        {
            float* xc = x + (long)c * h * w;
            float* yc = y + (long)c * oh * ow;
            for (int oy = 0; oy < oh; oy++)
            {
                int h0 = oy * st - p, khLo = Math.Max(0, -h0), khHi = Math.Min(k, h - h0);
                // Down the rows: column[i] = max over the window's rows of x[row][i].
                float* first = xc + (long)(h0 + khLo) * w;
                int i = 0;
                for (; i + v <= w; i += v)
                {
                    TV m = TS.Load(first + i);
                    for (int kh = khLo + 1; kh < khHi; kh++) m = TS.Max(m, TS.Load(xc + (long)(h0 + kh) * w + i));
                    TS.Store(column + i, m);
                }
                for (; i < w; i++)
                {
                    float m = first[i];
                    for (int kh = khLo + 1; kh < khHi; kh++) m = MathF.Max(m, xc[(long)(h0 + kh) * w + i]);
                    column[i] = m;
                }
                // Across the columns: interior outputs by (strided) vectors, the borders one by one.
                float* yrow = yc + (long)oy * ow;
                int ox = owStart;
                if (margins)
                {
                    for (; ; ox += v)
                    {
                        if (ox + v > ow) ox = ow - v; // the last vector, overlapping: the same values again
                        float* start = column + ox * st - p;
                        TV m = TL.Load<TV, TS>(start, st);
                        for (int kw = 1; kw < k; kw++) m = TS.Max(m, TL.Load<TV, TS>(start + kw, st));
                        TS.Store(yrow + ox, m);
                        if (ox + v >= ow) break;
                    }
                    continue;
                }
                for (; ox + v <= ow && ox * st - p + k - 1 + reach <= w; ox += v)
                {
                    float* start = column + ox * st - p;
                    TV m = TL.Load<TV, TS>(start, st);
                    for (int kw = 1; kw < k; kw++) m = TS.Max(m, TL.Load<TV, TS>(start + kw, st));
                    TS.Store(yrow + ox, m);
                }
                MaxRowScalar(column, w, k, st, p, yrow, 0, owStart);
                MaxRowScalar(column, w, k, st, p, yrow, ox, ow);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxRowScalar(float* row, int w, int k, int st, int p, float* yrow, int from, int to)
    {
        for (int ox = from; ox < to; ox++)
        {
            int w0 = ox * st - p, kwLo = Math.Max(0, -w0), kwHi = Math.Min(k, w - w0);
            float m = float.NegativeInfinity;
            for (int kw = kwLo; kw < kwHi; kw++) m = MathF.Max(m, row[w0 + kw]);
            yrow[ox] = m;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PoolScalar(float* xc, int w, int h, int k, int st, int p, int khLo, int khHi, int h0, bool max,
        float* yrow, int from, int to)
    {
        int hSize = Math.Min(h0 + k, h + p) - h0;
        for (int ox = from; ox < to; ox++)
        {
            int w0 = ox * st - p;
            int kwLo = Math.Max(0, -w0), kwHi = Math.Min(k, w - w0);
            float acc = max ? float.NegativeInfinity : 0f;
            for (int kh = khLo; kh < khHi; kh++)
            {
                float* row = xc + (long)(h0 + kh) * w + w0;
                for (int kw = kwLo; kw < kwHi; kw++)
                    acc = max ? MathF.Max(acc, row[kw]) : acc + row[kw];
            }
            if (!max) acc *= 1f / (hSize * (Math.Min(w0 + k, w + p) - w0));
            yrow[ox] = acc;
        }
    }
}
