using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Cpu;

/// <summary>
/// What the rows of a convolution's GEMM are (<see cref="Conv2dShape.GemmRows"/>). For generated code: the VisionGen
/// source generator chooses it; hidden from IntelliSense, not meant to be set directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum GemmRows
{
    /// <summary>Output channels as rows, output pixels across SIMD lanes (Winograd, implicit and pointwise GEMM).</summary>
    OutputChannels = 0,

    /// <summary>
    /// Output pixels as rows, output channels across SIMD lanes: for small outputs and strided kernels (the generator picks
    /// it when every use of a weight qualifies, <see cref="Ops.ConvScratch.PixelRowsCandidate"/>).
    /// </summary>
    OutputPixels = 1,
}

/// <summary>
/// A convolution with the output pixels as the GEMM's rows: Cᵀ[pixel, cout] = X̃[pixel, (cin, kh, kw)] · W̃[(cin, kh, kw), cout],
/// output channels across the SIMD lanes. For small outputs: with the usual orientation a 7×7 output is 49 columns, one
/// and a half of the micro-kernel's 32-column panels, and Winograd there streams a weight four times its size to fill
/// four tiles; here the 49 pixels are seven tiles of seven, the output channels whole vectors, and the weight (its own
/// size) is read once per call. For strided kernels (ResNet's 3×3 stride-2 convolutions) too: the other orientation packs
/// de-interleaved panels of the input for every k-row, this one reads each tap in place.
/// </summary>
/// <remarks>
/// X̃ is never built: a tile of <see cref="Rows"/> output pixels keeps one pointer per pixel to the top-left corner of its
/// receptive field in the input (zero-bordered into the scratch when the convolution pads), and each k = (cin, kh, kw)
/// broadcasts the seven inputs at one shared offset from those pointers — on AVX-512 straight from memory into the
/// multiply-adds. Phases: (0) the zero-bordered copy of the input, if it pads; (1) the tiles, split across threads by
/// panels of output channels, each summed over all of k in registers and stored once as rows of the product;
/// (2) each thread writes its output channels back as CHW with bias, residual and activation.
/// </remarks>
internal static unsafe class PixelRowsConv
{
    /// <summary>Output pixels per tile: 7 — a 7×7 output is seven tiles, a 14×14 one 28 — with two vectors of output channels, 14 sums.</summary>
    private const int Rows = Ops.ConvScratch.PixelRowsPanel;

    /// <summary>Most k per block: a 32-column panel's block of the weight is 128 KB (on AVX-512), two of them fit in L2.</summary>
    private const int KC = 1024;

    /// <summary>Floats per vector of the width <see cref="Forward"/> runs at (the GEMM's), whose panels of two the weight is packed as.</summary>
    private static int Lanes => Gemm.VectorWidth;

    /// <summary>True when <paramref name="s"/> runs here: asked for by the shape, one group, not depthwise.</summary>
    public static bool Applies(in Conv2dShape s) => s.UsesPixelRows;

    private static int K(in Conv2dShape s) => s.InChannels * s.KernelHeight * s.KernelWidth;

    /// <summary>Floats of the packed weight: output channels in panels of two vectors (zero-padded), each k-major.</summary>
    public static int PackedWeightLength(in Conv2dShape s)
    {
        int p = 2 * Lanes;
        return (s.OutChannels + p - 1) / p * p * K(s);
    }

    /// <summary>
    /// W̃[(cin, kh, kw), cout] as panels: element (k, cout) at [cout / P][k][cout % P] with P = 2·L (L floats per vector) and
    /// k = (cin·KH + kh)·KW + kw, torch's order within a filter; columns past OutChannels zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: called once per layer
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        int p = 2 * Lanes, k = K(s), cout = s.OutChannels;
        if (torchWeight.Length < cout * k || packed.Length < PackedWeightLength(s))
            throw new ArgumentException($"Pixel-rows weights need {cout * k} floats in and {PackedWeightLength(s)} out.");
        // Each panel is its P filters transposed (8×8 register blocks where AVX is, element by element elsewhere; 32 k at a
        // time so the rows written stay in L1), then the columns past OutChannels zeroed: every float written once.
        fixed (float* w = torchWeight, u = packed)
        {
            for (int c0 = 0; c0 < cout; c0 += p)
            {
                int columns = Math.Min(p, cout - c0);
                float* panel = u + (long)c0 * k, filters = w + (long)c0 * k;
                for (int m0 = 0; m0 < k; m0 += 32) Layout.TransposeBlock(filters, k, panel, p, m0, Math.Min(k, m0 + 32), columns);
                if (columns < p)
                {
                    for (int i = 0; i < k; i++) new Span<float>(panel + (long)i * p + columns, p - columns).Clear();
                }
            }
        }
    }

    private struct Job
    {
        public Conv2dShape Shape;
        public int Cout, N, Panels, Chunks, Ldc, PaddedWidth;
        public long Plane;
        public bool ByPixels; // units in chunk order, one chunk per part; each part borders its own input rows
        public float* X, W, Ct, Bias, Res, Y;
        public float* Source; // the unbordered input (X is its bordered copy when the convolution pads)
        public int* KOffsets;
        public Activation Act;
    }

    /// <summary>y = act(conv(x) + bias + res); <paramref name="scratch"/> holds <see cref="Ops.ConvScratch.PixelRowsLength"/> floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // its k-offset table loop ran at tier 0 until on-stack replacement
    public static void Forward(in Conv2dShape s, float* x, float* w, float* bias, float* res, Activation act, float* y, float* scratch)
    {
        int n = s.OutHeight * s.OutWidth;
        bool pads = s.PadHeight != 0 || s.PadWidth != 0;
        int hp = s.InHeight + 2 * s.PadHeight, wp = s.InWidth + 2 * s.PadWidth;
        int panels = (s.OutChannels + 2 * Lanes - 1) / (2 * Lanes);
        long product = Ops.ConvScratch.PixelRowsProductLength(s.OutChannels, s.OutHeight, s.OutWidth);
        int k = K(s);
        var job = new Job
        {
            Shape = s, Cout = s.OutChannels, N = n, Panels = panels, Ldc = panels * 2 * Lanes, PaddedWidth = wp, Plane = (long)hp * wp,
            X = x, Source = x, W = w, Ct = scratch, KOffsets = (int*)(scratch + product), Bias = bias, Res = res, Y = y, Act = act,
        };
        // Work is split by panels of output channels; when they do not divide evenly among the threads (MobileNetV2's 96
        // outputs: three panels on two threads), every panel's tiles are cut into one range per thread as well (as many as it has).
        // A padded convolution whose weight is no larger than its input (ResNet's 3×3 stride 2 at 56²) splits by pixels
        // instead: each thread takes a band of the output pixels with every panel, zero-borders just the input rows that band
        // reads, and writes a band of every output channel. Split by panels, one thread bordered the whole input and every
        // thread then read all of it from that thread's cache: two threads ran no faster than one (`-- conv 64 128 56 3 2 1
        // 1 2 pixelrows`: 0.85 → 0.52 ms on two threads, 128 → 128 1.72 → 0.96). Without padding the split stays by panels:
        // by pixels, MobileNetV2's 576 → 96 at 14² went 0.082 → 0.088 ms.
        int tiles = (n + Rows - 1) / Rows, parts = Math.Min(CpuThreads.Count, panels * tiles);
        job.ByPixels = pads && parts > 1 && tiles >= parts && (long)k * s.OutChannels <= (long)s.InChannels * s.InHeight * s.InWidth;
        job.Chunks = job.ByPixels ? parts : panels % parts == 0 ? 1 : Math.Min(parts, tiles);
        if (pads)
        {
            job.X = scratch + product + k;
            if (!job.ByPixels) Bordered(s, x, job.X, hp, wp);
        }
        // Each k = (cin, kh, kw) as its input offset from a receptive field's top-left corner, in the weight's k order.
        for (int ci = 0, i = 0; ci < s.InChannels; ci++)
            for (int kh = 0; kh < s.KernelHeight; kh++)
                for (int kw = 0; kw < s.KernelWidth; kw++, i++)
                    job.KOffsets[i] = checked((int)(ci * job.Plane + (long)kh * s.DilationHeight * wp + (long)kw * s.DilationWidth));
        var body = new PartBody { Job = &job, Parts = parts };
        ActivationDispatch.Run(act.Kind, ref body);
    }

    /// <summary>Phases 1 and 2 started with the activation as a type, so the epilogue inlines its formula.</summary>
    private struct PartBody : IActivationBody
    {
        public Job* Job;
        public int Parts;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp => WorkerPool.Run(&Part<TA>, Job, Parts);
    }

    /// <summary>Phase 0: padded[c][iy + PH][ix + PW] = x[c][iy][ix], zero on the border.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Bordered(in Conv2dShape s, float* x, float* padded, int hp, int wp)
    {
        int cin = s.InChannels, h = s.InHeight, w = s.InWidth;
        new Span<float>(padded, checked(cin * hp * wp)).Clear();
        for (int c = 0; c < cin; c++)
            for (int iy = 0; iy < h; iy++)
                new ReadOnlySpan<float>(x + ((long)c * h + iy) * w, w)
                    .CopyTo(new Span<float>(padded + ((long)c * hp + iy + s.PadHeight) * wp + s.PadWidth, w));
    }

    /// <summary>
    /// Phase 0 for padded rows [r0, r1) of every channel, each float written once, with its final value (a band's edge
    /// rows are written by two threads at once): row by row, so only for bands of a large input — on 7×7 planes the three
    /// copies per row cost ResNet-18's layer4 0.07–0.11 ms a layer against one clear of the whole buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BorderedRows(in Conv2dShape s, float* x, float* padded, int hp, int wp, int r0, int r1)
    {
        int cin = s.InChannels, h = s.InHeight, w = s.InWidth, pw = s.PadWidth;
        for (int c = 0; c < cin; c++)
        {
            for (int r = r0; r < r1; r++)
            {
                float* row = padded + ((long)c * hp + r) * wp;
                int iy = r - s.PadHeight;
                if ((uint)iy >= (uint)h)
                {
                    new Span<float>(row, wp).Clear();
                    continue;
                }
                new Span<float>(row, pw).Clear();
                new ReadOnlySpan<float>(x + ((long)c * h + iy) * w, w).CopyTo(new Span<float>(row + pw, w));
                new Span<float>(row + pw + w, wp - pw - w).Clear();
            }
        }
    }

    /// <summary>The panel and the range of its tiles that unit <paramref name="u"/> is: panel-major, or chunk-major when split by pixels.</summary>
    private static (int Panel, int Chunk) UnitAt(ref Job j, int u)
        => j.ByPixels ? (u % j.Panels, u / j.Panels) : (u / j.Chunks, u % j.Chunks);

    private static void Part<TA>(void* context, int part, int parts) where TA : struct, IActivationOp
    {
        if (Vector512.IsHardwareAccelerated) Part<Vector512<float>, Simd512, TA>(ref *(Job*)context, part, parts);
        else if (Vector256.IsHardwareAccelerated) Part<Vector256<float>, Simd256, TA>(ref *(Job*)context, part, parts);
        else Part<Vector128<float>, Simd128, TA>(ref *(Job*)context, part, parts);
    }

    /// <summary>
    /// Phases 1 and 2 for one part's units of work: a unit is a panel of output channels over a range of the tiles, the
    /// panel's tiles cut into <see cref="Job.Chunks"/> ranges (units in panel order, an even split of them per part). Only
    /// the last step, bias, residual and activation, depends on <typeparamref name="TA"/>: the product and the transposes
    /// are compiled once per vector width, not once per activation type a model uses (each copy of them was 4 KB of code
    /// for the JIT before the first result).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part<TV, TS, TA>(ref Job j, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        var (u0, u1) = WorkerPool.Range(j.Panels * j.Chunks, part, parts);
        if (u1 <= u0) return;
        if (j.ByPixels && j.X != j.Source)
        {
            // This part's input rows, zero-bordered: from the first row its first pixel reads to the last its last pixel
            // reads. The rows at a band's edge are written by both bands, with the same values.
            ref readonly Conv2dShape s = ref j.Shape;
            var (_, _, i0, i1) = Unit(ref j, u0, 2 * TS.Count);
            int r0 = i0 / s.OutWidth * s.StrideHeight, r1 = (i1 - 1) / s.OutWidth * s.StrideHeight + (s.KernelHeight - 1) * s.DilationHeight + 1;
            BorderedRows(s, j.Source, j.X, s.InHeight + 2 * s.PadHeight, j.PaddedWidth, r0, r1);
        }
        Product<TV, TS>(ref j, u0, u1);
        // Phase 2: each unit's output channels and pixels back to CHW with bias, residual and activation, while the unit is
        // still in cache.
        for (int u = u0; u < u1; u++)
        {
            var (c0, c1, i0, i1) = Unit(ref j, u, 2 * TS.Count);
            if (i1 - i0 >= TS.Count)
            {
                Back<TV, TS, TA>(ref j, c0, c1, i0, i1);
                continue;
            }
            ToChw<TV, TS>(ref j, c0, c1, i0, i1);
            Finish<TV, TS, TA>(ref j, c0, c1, i0, i1);
        }
    }

    /// <summary>
    /// A unit's product back to CHW with bias, residual and activation applied on the way, for at least L pixels: blocks
    /// of L pixels × L channels by vector transposes, each channel's L outputs finished in registers and stored once. The
    /// pixels past the last whole block come from the block ending at the unit's last pixel (it overlaps the one before),
    /// of which only those pixels are stored: 49 = 3·16 + 1 is four transposes, not three, then 16 floats one by one and a
    /// second pass over every row (-- conv … pixelrows, one thread, 3 alternated processes: 160 → 960 at 7² 0.114 → 0.103 ms,
    /// 512 → 2048 at 7² 0.673 → 0.660, 1024 → 256 at 14² 0.618 → 0.611).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Back<TV, TS, TA>(ref Job j, int c0, int c1, int i0, int i1)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count, n = j.N, ldc = j.Ldc;
        float alpha = j.Act.Alpha;
        Block16<TV> rows;
        Unsafe.SkipInit(out rows);
        for (int co = c0; co < c1; co += v)
        {
            int count = Math.Min(v, c1 - co);
            for (int i = i0; i < i1; i += v)
            {
                // The last block starts at i1 − L; of it, pixels from i on are this step's (the rest were stored before).
                int first = Math.Min(i, i1 - v), skip = i - first;
                float* ct = j.Ct + (long)first * ldc + co;
                for (int r = 0; r < v; r++) rows[r] = TS.Load(ct + (long)r * ldc);
                TS.Transpose(ref rows[0]);
                for (int c = 0; c < count; c++)
                {
                    long at = (long)(co + c) * n + first;
                    TV sum = rows[c];
                    if (j.Bias != null) sum = TS.Add(sum, TS.Broadcast(j.Bias[co + c]));
                    if (j.Res != null) sum = TS.Add(sum, TS.Load(j.Res + at));
                    sum = TA.Apply<TV, TS>(sum, alpha);
                    if (skip == 0) TS.Store(j.Y + at, sum);
                    else StoreLast<TV, TS>(j.Y + at, sum, skip);
                }
            }
        }
    }

    /// <summary>Lanes [<paramref name="skip"/>, L) of <paramref name="v"/> to p + skip …, the lanes before untouched.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLast<TV, TS>(float* p, TV v, int skip) where TV : unmanaged where TS : struct, ISimd<TV>
    {
        Floats16 tmp;
        Unsafe.SkipInit(out tmp);
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        TS.Store(t, v);
        for (int i = skip; i < TS.Count; i++) p[i] = t[i];
    }

    /// <summary>A unit's output channels [c0, c1) and pixels [i0, i1), for panels of <paramref name="p"/> channels.</summary>
    private static (int C0, int C1, int I0, int I1) Unit(ref Job j, int u, int p)
    {
        int tiles = (j.N + Rows - 1) / Rows;
        var (panel, chunk) = UnitAt(ref j, u);
        var (t0, t1) = WorkerPool.Range(tiles, chunk, j.Chunks);
        return (panel * p, Math.Min(j.Cout, panel * p + p), t0 * Rows, Math.Min(j.N, t1 * Rows));
    }

    /// <summary>Phase 1 for units [u0, u1): their tiles of the product, summed over every input channel and tap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Product<TV, TS>(ref Job j, int u0, int u1)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        int p = 2 * TS.Count, n = j.N, ldc = j.Ldc, chunks = j.Chunks, tiles = (n + Rows - 1) / Rows;
        ref readonly Conv2dShape s = ref j.Shape;
        int taps = s.KernelHeight * s.KernelWidth, ow = s.OutWidth, wp = j.PaddedWidth, k = s.InChannels * taps;
        long rowStep = (long)s.StrideHeight * wp;
        float** corner = stackalloc float*[Rows];
        // Blocks of whole input channels, at most KC of k each, so a panel's share of the weight (and the next panel's,
        // fetched meanwhile) stays in L2 while every tile of the panel reads it.
        int blocks = (k + KC - 1) / KC, channels = (s.InChannels + blocks - 1) / blocks;
        for (int cb = 0; cb < s.InChannels; cb += channels)
        {
            int count = Math.Min(channels, s.InChannels - cb), k0 = cb * taps, kc = count * taps;
            for (int u = u0; u < u1; u++)
            {
                var (panel, chunk) = UnitAt(ref j, u);
                var (t0, t1) = WorkerPool.Range(tiles, chunk, chunks);
                float* b = j.W + (long)panel * p * k + (long)k0 * p;
                // The first tiles of a unit also prefetch the next panel's block when the next unit is on it: the weight
                // comes from memory once per call, and the hardware prefetcher alone left the first tile waiting on it.
                bool fetchNext = u + 1 < u1 && UnitAt(ref j, u + 1).Panel == panel + 1;
                // The tiles' pixels in order, by row and column without a division; after a whole tile, (oy, ox) is the
                // next tile's first pixel.
                int oy = t0 * Rows / ow, ox = t0 * Rows - oy * ow;
                for (int t = t0, first = t0 * Rows; t < t1; t++, first += Rows)
                {
                    for (int r = 0; r < Rows; r++)
                    {
                        // Pixels past the last repeat it: computed, stored into the product's spare rows, never written out.
                        corner[r] = j.X + oy * rowStep + (long)ox * s.StrideWidth;
                        if (first + r + 1 < n && ++ox == ow) { ox = 0; oy++; }
                    }
                    float* next = fetchNext ? Gemm.PrefetchShare(b + (long)p * k, t - t0, kc, p) : null;
                    Tile<TV, TS>(j.KOffsets + k0, kc, corner, b, j.Ct + (long)first * ldc + panel * p, ldc, cb != 0, next);
                }
            }
        }
    }

    /// <summary>
    /// A unit's product back to CHW: blocks of L pixels × L channels by vector transposes where both are whole, the pixels
    /// past the last whole block one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToChw<TV, TS>(ref Job j, int c0, int c1, int i0, int i1)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        int v = TS.Count, n = j.N, ldc = j.Ldc;
        int wholeEnd = i0 + (i1 - i0) / v * v;
        for (int co = c0; co < c1; co += v)
        {
            int count = Math.Min(v, c1 - co);
            for (int i = i0; i < wholeEnd; i += v)
                Winograd.TransposeBlock<TV, TS>(j.Ct + (long)i * ldc + co, ldc, j.Y + (long)co * n + i, n, count);
            for (int c = co; c < co + count; c++)
                for (int i = wholeEnd; i < i1; i++) j.Y[(long)c * n + i] = j.Ct[(long)i * ldc + c];
        }
    }

    /// <summary>A unit's bias, residual and activation, in place; the last pixels of a row as one partial vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Finish<TV, TS, TA>(ref Job j, int c0, int c1, int i0, int i1)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count, n = j.N;
        float alpha = j.Act.Alpha;
        for (int co = c0; co < c1; co++)
        {
            TV bias = TS.Broadcast(j.Bias == null ? 0f : j.Bias[co]);
            float* yc = j.Y + (long)co * n;
            float* rc = j.Res == null ? null : j.Res + (long)co * n;
            int i = i0;
            for (; i + v <= i1; i += v)
            {
                TV sum = TS.Add(TS.Load(yc + i), bias);
                if (rc != null) sum = TS.Add(sum, TS.Load(rc + i));
                TS.Store(yc + i, TA.Apply<TV, TS>(sum, alpha));
            }
            if (i < i1)
            {
                TV sum = TS.Add(SimdOps.LoadPartial<TV, TS>(yc + i, i1 - i), bias);
                if (rc != null) sum = TS.Add(sum, SimdOps.LoadPartial<TV, TS>(rc + i, i1 - i));
                SimdOps.StorePartial<TV, TS>(yc + i, TA.Apply<TV, TS>(sum, alpha), i1 - i);
            }
        }
    }

    /// <summary>
    /// One tile: <see cref="Rows"/> pixels × two vectors of output channels, summed over every input channel and tap, stored
    /// as <see cref="Rows"/> rows of the product (<paramref name="ldc"/> floats apart; its spare rows and columns take
    /// the repeated pixels and the zero-padded channels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TV, TS>(int* kOffset, int kc, float** corner, float* bp, float* ct, int ldc, bool accumulate, float* prefetch)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        if (SimdOps.FewRegisters)
        {
            // 14 sums, two weight vectors and a broadcast are 17 vector registers: x64 without AVX-512 has 16, and the
            // sums spilled to the stack every k (AVX2: 65 GFLOP/s against the GEMM's 114). There the tile runs as 4 + 3
            // pixels, each pass over k with its own share of the sums; the weight rows the second reads are in L1.
            TileRows<TV, TS, FourRows>(kOffset, kc, corner, bp, ct, ldc, accumulate, prefetch);
            TileRows<TV, TS, ThreeRows>(kOffset, kc, corner + 4, bp, ct + 4L * ldc, ldc, accumulate, null);
            return;
        }
        TileRows<TV, TS, SevenRows>(kOffset, kc, corner, bp, ct, ldc, accumulate, prefetch);
    }

    /// <summary>
    /// The first <typeparamref name="TR"/> rows of a tile (7, 4 or 3; a type, so the tests on it fold away): for each k,
    /// two weight vectors and one broadcast input per row, multiplied into two sums per row; with <paramref name="prefetch"/>,
    /// a cache line from there into L2 per k (x86).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileRows<TV, TS, TR>(int* kOffset, int kc, float** corner, float* bp, float* ct, int ldc, bool accumulate, float* prefetch)
        where TV : unmanaged where TS : struct, ISimd<TV> where TR : struct, ITileRows
    {
        bool fetch = prefetch != null && Sse.IsSupported;
        int v = TS.Count, n = TR.Count;
        float* a0 = corner[0], a1 = corner[1], a2 = corner[2];
        float* a3 = n > 3 ? corner[3] : a2, a4 = n > 4 ? corner[4] : a2, a5 = n > 4 ? corner[5] : a2, a6 = n > 4 ? corner[6] : a2;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero, c30 = TS.Zero, c31 = TS.Zero;
        TV c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero, c60 = TS.Zero, c61 = TS.Zero;
        for (int* end = kOffset + kc; kOffset < end; kOffset++)
        {
            long o = *kOffset;
            TV b0 = TS.Load(bp), b1 = TS.Load(bp + v);
            bp += 2 * v;
            if (fetch) { Sse.Prefetch1(prefetch); prefetch += 16; }
            TV x = TS.Broadcast(a0[o]); c00 = TS.Fma(x, b0, c00); c01 = TS.Fma(x, b1, c01);
            x = TS.Broadcast(a1[o]); c10 = TS.Fma(x, b0, c10); c11 = TS.Fma(x, b1, c11);
            x = TS.Broadcast(a2[o]); c20 = TS.Fma(x, b0, c20); c21 = TS.Fma(x, b1, c21);
            if (n > 3) { x = TS.Broadcast(a3[o]); c30 = TS.Fma(x, b0, c30); c31 = TS.Fma(x, b1, c31); }
            if (n > 4)
            {
                x = TS.Broadcast(a4[o]); c40 = TS.Fma(x, b0, c40); c41 = TS.Fma(x, b1, c41);
                x = TS.Broadcast(a5[o]); c50 = TS.Fma(x, b0, c50); c51 = TS.Fma(x, b1, c51);
                x = TS.Broadcast(a6[o]); c60 = TS.Fma(x, b0, c60); c61 = TS.Fma(x, b1, c61);
            }
        }
        StoreRow<TV, TS>(ct, c00, c01, accumulate);
        StoreRow<TV, TS>(ct + ldc, c10, c11, accumulate);
        StoreRow<TV, TS>(ct + 2L * ldc, c20, c21, accumulate);
        if (n > 3) StoreRow<TV, TS>(ct + 3L * ldc, c30, c31, accumulate);
        if (n > 4)
        {
            StoreRow<TV, TS>(ct + 4L * ldc, c40, c41, accumulate);
            StoreRow<TV, TS>(ct + 5L * ldc, c50, c51, accumulate);
            StoreRow<TV, TS>(ct + 6L * ldc, c60, c61, accumulate);
        }
    }

    /// <summary>A tile row's two sums into the product, added to what an earlier block of k left there when <paramref name="accumulate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TV, TS>(float* r, TV s0, TV s1, bool accumulate) where TV : unmanaged where TS : struct, ISimd<TV>
    {
        if (accumulate)
        {
            s0 = TS.Add(s0, TS.Load(r));
            s1 = TS.Add(s1, TS.Load(r + TS.Count));
        }
        TS.Store(r, s0);
        TS.Store(r + TS.Count, s1);
    }

    /// <summary>How many of a tile's rows <see cref="TileRows{TV,TS,TR}"/> computes.</summary>
    private interface ITileRows
    {
        static abstract int Count { get; }
    }

    private struct SevenRows : ITileRows
    {
        public static int Count => Rows;
    }

    private struct FourRows : ITileRows
    {
        public static int Count => 4;
    }

    private struct ThreeRows : ITileRows
    {
        public static int Count => 3;
    }
}
