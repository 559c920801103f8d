using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Spatial resizing of planes (N·C of them, each H×W), as PyTorch's <c>F.interpolate</c>. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Resize
{
    // Below this many output floats the kernel runs on the calling thread.
    private const long ParallelThreshold = 1 << 15;

    // Output columns whose source indices and weights are tabulated at a time (on the stack).
    private const int ColumnChunk = 512;

    /// <summary>
    /// Nearest-neighbour resize as torch's <c>F.interpolate(mode="nearest", size=...)</c>: the scale is in/out computed in
    /// float, as torch does when given a size. Same as the overload with explicit scales.
    /// </summary>
    /// <param name="channels">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="input">At least channels·inHeight·inWidth floats.</param>
    /// <param name="output">At least channels·outHeight·outWidth floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span is too short, or the spans overlap.</exception>
    public static void Nearest(int channels, int inHeight, int inWidth, int outHeight, int outWidth, ReadOnlySpan<float> input, Span<float> output)
    {
        if (channels <= 0) throw new ArgumentException($"Channels must be positive, got {channels}.", nameof(channels));
        Validate(channels, inHeight, inWidth, outHeight, outWidth, input, output);
        Nearest(channels, inHeight, inWidth, outHeight, outWidth, (float)inHeight / outHeight, (float)inWidth / outWidth, input, output);
    }

    /// <summary>
    /// Nearest-neighbour resize as ATen's <c>upsample_nearest2d</c> (<c>mode="nearest"</c>): output index d reads input
    /// min((int)floorf(d·scale), in − 1), with ATen's two shortcuts: d itself when out = in, d/2 when out = 2·in (whatever
    /// the scale). <paramref name="scaleY"/>/<paramref name="scaleX"/> are ATen's <c>compute_scales_value</c>: 1/scale_factor
    /// when the model gave a scale factor, else (float)in/out.
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="scaleY">Source rows per output row (finite, ≥ 0).</param>
    /// <param name="scaleX">Source columns per output column (finite, ≥ 0).</param>
    /// <param name="input">At least planes·inHeight·inWidth floats.</param>
    /// <param name="output">At least planes·outHeight·outWidth floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, a scale is negative or not finite, a span is too short,
    /// or the spans overlap.</exception>
    public static void Nearest(int planes, int inHeight, int inWidth, int outHeight, int outWidth, float scaleY, float scaleX,
        ReadOnlySpan<float> input, Span<float> output)
    {
        Validate(planes, inHeight, inWidth, outHeight, outWidth, input, output);
        if (!(scaleY >= 0f && float.IsFinite(scaleY))) throw new ArgumentException($"Scale {scaleY} must be non-negative and finite.", nameof(scaleY));
        if (!(scaleX >= 0f && float.IsFinite(scaleX))) throw new ArgumentException($"Scale {scaleX} must be non-negative and finite.", nameof(scaleX));
        fixed (float* px = input) fixed (float* py = output)
        {
            var job = new Job
            {
                X = px, Y = py, Planes = planes, H = inHeight, W = inWidth, OH = outHeight, OW = outWidth,
                ScaleY = scaleY, ScaleX = scaleX,
            };
            WorkerPool.Run(&NearestPart, &job, Parts(planes, outHeight, outWidth));
        }
    }

    /// <summary>
    /// Bilinear resize as ATen's <c>upsample_bilinear2d</c> (<c>mode="bilinear"</c>), in float: per axis the source
    /// coordinate is src = scale·d with <paramref name="alignCorners"/>, else max(scale·(d + 0.5) − 0.5, 0);
    /// i0 = (int)src, i1 = i0 + (i0 &lt; in − 1 ? 1 : 0), l1 = src − i0, l0 = 1 − l1 (and ATen's shortcut i0 = i1 = d, l0 = 1
    /// when out = in); y = l0h·(l0w·x[h0, w0] + l1w·x[h0, w1]) + l1h·(l0w·x[h1, w0] + l1w·x[h1, w1]).
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="alignCorners">torch's <c>align_corners</c>.</param>
    /// <param name="scaleY">ATen's <c>area_pixel_compute_scale</c> for the height: (in − 1)/(out − 1) (0 when out = 1) with
    /// align_corners, else 1/scale_factor or (float)in/out.</param>
    /// <param name="scaleX">The same for the width.</param>
    /// <param name="input">At least planes·inHeight·inWidth floats.</param>
    /// <param name="output">At least planes·outHeight·outWidth floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive, a scale is negative or not finite, a span is too short,
    /// or the spans overlap.</exception>
    public static void Bilinear(int planes, int inHeight, int inWidth, int outHeight, int outWidth, bool alignCorners,
        float scaleY, float scaleX, ReadOnlySpan<float> input, Span<float> output)
    {
        Validate(planes, inHeight, inWidth, outHeight, outWidth, input, output);
        if (!(scaleY >= 0f && float.IsFinite(scaleY))) throw new ArgumentException($"Scale {scaleY} must be non-negative and finite.", nameof(scaleY));
        if (!(scaleX >= 0f && float.IsFinite(scaleX))) throw new ArgumentException($"Scale {scaleX} must be non-negative and finite.", nameof(scaleX));
        fixed (float* px = input) fixed (float* py = output)
        {
            var job = new Job
            {
                X = px, Y = py, Planes = planes, H = inHeight, W = inWidth, OH = outHeight, OW = outWidth,
                ScaleY = scaleY, ScaleX = scaleX, AlignCorners = alignCorners,
            };
            WorkerPool.Run(&BilinearPart, &job, Parts(planes, outHeight, outWidth));
        }
    }

    /// <summary>
    /// Runs the kernel <see cref="Nearest(int,int,int,int,int,float,float,ReadOnlySpan{float},Span{float})"/> or
    /// <see cref="Bilinear"/> uses for these sizes once on one plane of zeros, so the JIT compiles it before the first real
    /// call (<see cref="KernelWarmUp"/>).
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    /// <exception cref="ArgumentException">A size is not positive or a scale is negative or not finite.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void WarmUp(bool bilinear, int inHeight, int inWidth, int outHeight, int outWidth, bool alignCorners, float scaleY, float scaleX)
    {
        if (inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException($"Sizes {inHeight}×{inWidth} → {outHeight}×{outWidth} must be positive.");
        long inLength = (long)inHeight * inWidth, outLength = (long)outHeight * outWidth;
        Span<float> buffer = KernelWarmUp.Buffer(inLength + outLength);
        if (bilinear) Bilinear(1, inHeight, inWidth, outHeight, outWidth, alignCorners, scaleY, scaleX, buffer[..(int)inLength], buffer[(int)inLength..]);
        else Nearest(1, inHeight, inWidth, outHeight, outWidth, scaleY, scaleX, buffer[..(int)inLength], buffer[(int)inLength..]);
    }

    private static void Validate(int planes, int inHeight, int inWidth, int outHeight, int outWidth, ReadOnlySpan<float> input, Span<float> output)
    {
        if (planes <= 0) throw new ArgumentException($"Planes must be positive, got {planes}.", nameof(planes));
        if (inHeight <= 0 || inWidth <= 0) throw new ArgumentException($"Input size {inHeight}×{inWidth} must be positive.", inHeight <= 0 ? nameof(inHeight) : nameof(inWidth));
        if (outHeight <= 0 || outWidth <= 0) throw new ArgumentException($"Output size {outHeight}×{outWidth} must be positive.", outHeight <= 0 ? nameof(outHeight) : nameof(outWidth));
        long inLength = (long)planes * inHeight * inWidth, outLength = (long)planes * outHeight * outWidth;
        if (input.Length < inLength) throw new ArgumentException($"Input needs {inLength} floats, got {input.Length}.", nameof(input));
        if (output.Length < outLength) throw new ArgumentException($"Output needs {outLength} floats, got {output.Length}.", nameof(output));
        if (input[..(int)inLength].Overlaps(output[..(int)outLength])) throw new ArgumentException("Input and output must not overlap.", nameof(output));
    }

    /// <summary>Work items are output rows (plane·outHeight + y); split evenly when there is enough to share.</summary>
    private static int Parts(int planes, int outHeight, int outWidth)
    {
        long rows = (long)planes * outHeight;
        return rows * outWidth < ParallelThreshold ? 1 : (int)Math.Min(CpuThreads.Count, rows);
    }

    private struct Job
    {
        public float* X, Y;
        public int Planes, H, W, OH, OW;
        public float ScaleY, ScaleX;
        public bool AlignCorners;
    }

    /// <summary>ATen's nearest_idx: the shortcuts for out = in and out = 2·in, else min(floorf(d·scale), in − 1).</summary>
    private static int NearestIndex(int d, int inSize, int outSize, float scale)
    {
        if (outSize == inSize) return d;
        if (outSize == 2 * inSize) return d >> 1;
        float s = MathF.Floor(d * scale);
        return s >= inSize - 1 ? inSize - 1 : (int)s; // s ≥ 0: so are d and the scale
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NearestPart(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        long rows = (long)j.Planes * j.OH;
        long r0 = rows * part / parts, r1 = rows * (part + 1) / parts;
        if (r1 <= r0) return;
        int ow = j.OW, w = j.W;
        bool identity = ow == w, doubled = ow == 2 * w;
        Span<int> table = stackalloc int[ColumnChunk];
        if (!identity && !doubled && ow <= ColumnChunk)
            for (int x = 0; x < ow; x++) table[x] = NearestIndex(x, w, ow, j.ScaleX);
        long previousSource = -1;
        float* previousRow = null;
        for (long r = r0; r < r1; r++)
        {
            int plane = (int)(r / j.OH), oy = (int)(r % j.OH);
            long sourceRow = (long)plane * j.H + NearestIndex(oy, j.H, j.OH, j.ScaleY);
            float* src = j.X + sourceRow * w;
            float* dst = j.Y + r * ow;
            if (sourceRow == previousSource)
            {
                // Upsampling repeats rows: copy the one just written.
                Buffer.MemoryCopy(previousRow, dst, (long)ow * sizeof(float), (long)ow * sizeof(float));
                continue;
            }
            if (identity) Buffer.MemoryCopy(src, dst, (long)ow * sizeof(float), (long)ow * sizeof(float));
            else if (doubled) DoubleRow(src, dst, w);
            else if (ow <= ColumnChunk)
            {
                for (int x = 0; x < ow; x++) dst[x] = src[table[x]];
            }
            else
            {
                for (int x = 0; x < ow; x++) dst[x] = src[NearestIndex(x, w, ow, j.ScaleX)];
            }
            previousSource = sourceRow;
            previousRow = dst;
        }
    }

    /// <summary>dst[2x] = dst[2x + 1] = src[x] for x &lt; w.</summary>
    // Not inlined into NearestPart (it loops), so it tiers on its own: at tier 0 its shuffles are calls, and a detector's
    // upsampling ran that way for its first hundred-odd inferences.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DoubleRow(float* src, float* dst, int w)
    {
        int x = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; x + 4 <= w; x += 4)
            {
                Vector128<float> v = Vector128.Load(src + x);
                Vector128.Store(Vector128.Shuffle(v, Vector128.Create(0, 0, 1, 1)), dst + 2 * x);
                Vector128.Store(Vector128.Shuffle(v, Vector128.Create(2, 2, 3, 3)), dst + 2 * x + 4);
            }
        }
        for (; x < w; x++) dst[2 * x] = dst[2 * x + 1] = src[x];
    }

    /// <summary>ATen's compute_source_index_and_lambda in float, with the index kept inside the input whatever the scale.</summary>
    private static void LinearIndex(int d, int inSize, int outSize, float scale, bool alignCorners, out int i0, out int i1, out float l0, out float l1)
    {
        if (outSize == inSize)
        {
            i0 = i1 = d;
            l0 = 1f;
            l1 = 0f;
            return;
        }
        float src = alignCorners ? scale * d : scale * (d + 0.5f) - 0.5f;
        if (src < 0f) src = 0f;
        i0 = (int)src;
        if (i0 >= inSize - 1)
        {
            // The last input index (the only reachable case for a scale ATen computes; a larger one is clamped here).
            i0 = i1 = inSize - 1;
            l1 = src - i0;
            if (l1 > 1f) l1 = 1f;
            l0 = 1f - l1;
            return;
        }
        i1 = i0 + 1;
        l1 = src - i0;
        l0 = 1f - l1;
    }

    private static void BilinearPart(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        if (Vector512.IsHardwareAccelerated && j.OW >= 64) Bilinear<Vector512<float>, Simd512>(j, part, parts);
        else if (Vector256.IsHardwareAccelerated) Bilinear<Vector256<float>, Simd256>(j, part, parts);
        else Bilinear<Vector128<float>, Simd128>(j, part, parts);
    }

    /// <summary>
    /// Output rows of this part, a chunk of columns at a time. Separable and exact: each source row is first resampled
    /// horizontally, h[x] = l0w·row[x0] + l1w·row[x1] (kept while consecutive output rows read the same source rows), then
    /// y = l0h·h0 + l1h·h1 in vectors: the same float operations, in the same order, as the formula.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Bilinear<TV, TS>(in Job j, int part, int parts)
        where TV : struct where TS : struct, ISimd<TV>
    {
        long rows = (long)j.Planes * j.OH;
        long r0 = rows * part / parts, r1 = rows * (part + 1) / parts;
        if (r1 <= r0) return;
        int w = j.W, ow = j.OW, v = TS.Count;
        Span<int> x0s = stackalloc int[ColumnChunk];
        Span<int> x1s = stackalloc int[ColumnChunk];
        Span<float> l0s = stackalloc float[ColumnChunk];
        Span<float> l1s = stackalloc float[ColumnChunk];
        float* slotA = stackalloc float[ColumnChunk];
        float* slotB = stackalloc float[ColumnChunk];
        for (int c0 = 0; c0 < ow; c0 += ColumnChunk)
        {
            int n = Math.Min(ColumnChunk, ow - c0);
            for (int x = 0; x < n; x++) LinearIndex(c0 + x, w, ow, j.ScaleX, j.AlignCorners, out x0s[x], out x1s[x], out l0s[x], out l1s[x]);
            long sourceA = -1, sourceB = -1; // the source rows (plane·H + y) slotA and slotB hold
            for (long r = r0; r < r1; r++)
            {
                int plane = (int)(r / j.OH), oy = (int)(r % j.OH);
                LinearIndex(oy, j.H, j.OH, j.ScaleY, j.AlignCorners, out int y0, out int y1, out float l0h, out float l1h);
                long s0 = (long)plane * j.H + y0, s1 = (long)plane * j.H + y1;
                float* h0 = Horizontal(j.X, w, s0, s1, slotA, ref sourceA, slotB, ref sourceB, x0s, x1s, l0s, l1s, n);
                float* h1 = Horizontal(j.X, w, s1, s0, slotA, ref sourceA, slotB, ref sourceB, x0s, x1s, l0s, l1s, n);
                float* dst = j.Y + r * ow + c0;
                TV a = TS.Broadcast(l0h), b = TS.Broadcast(l1h);
                int x1 = 0;
                for (; x1 + v <= n; x1 += v) TS.Store(dst + x1, TS.Add(TS.Mul(a, TS.Load(h0 + x1)), TS.Mul(b, TS.Load(h1 + x1))));
                for (; x1 < n; x1++) dst[x1] = l0h * h0[x1] + l1h * h1[x1];
            }
        }
    }

    /// <summary>The horizontally resampled source row <paramref name="source"/>: a slot that holds it, or the slot not holding
    /// <paramref name="keep"/> refilled.</summary>
    private static float* Horizontal(float* x, int w, long source, long keep, float* slotA, ref long sourceA, float* slotB, ref long sourceB,
        Span<int> x0s, Span<int> x1s, Span<float> l0s, Span<float> l1s, int n)
    {
        if (sourceA == source) return slotA;
        if (sourceB == source) return slotB;
        float* slot;
        if (sourceA != keep) { slot = slotA; sourceA = source; }
        else { slot = slotB; sourceB = source; }
        float* row = x + source * w;
        for (int i = 0; i < n; i++) slot[i] = l0s[i] * row[x0s[i]] + l1s[i] * row[x1s[i]];
        return slot;
    }
}
