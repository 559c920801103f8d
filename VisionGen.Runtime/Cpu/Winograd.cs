using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary>
/// 3×3 stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray, 2015): each 4×4 block of
/// outputs comes from a 6×6 input tile with 36 multiplies per input/output channel pair instead of 144, so the
/// multiply-add work of the convolution drops four-fold; the price is three cheap transforms and weights four times
/// larger (transformed once, at load time).
/// </summary>
/// <remarks>
/// <para>With <c>Bᵀ</c>, <c>G</c>, <c>Aᵀ</c> the F(4,3) matrices (interpolation points 0, ±1, ±2, ∞), an output tile is
/// <c>Y = Aᵀ [ Σ_cin (G g Gᵀ) ⊙ (Bᵀ d B) ] A</c>. The sum over input channels of the 36 element-wise products is,
/// for each of the 36 positions ξ of the 6×6 transformed tile, a matrix product
/// <c>M_ξ[tile, cout] = V_ξ[tile, cin] · U_ξ[cin, cout]</c>, run by <see cref="Gemm"/>'s register-blocked micro-kernel.</para>
/// <para>The forward pass runs in four phases, each split across <see cref="CpuThreads"/>, all working in the convolution's
/// scratch memory: (0) the CHW input is copied channels-last with its zero border ([row][column][cin]), so (1) the input
/// transform reads each tile as 36 contiguous vectors of channels; (2) the 36 GEMMs; (3) the output transform
/// (lanes across output channels) adds the bias, residual and activation while writing the CHW output.</para>
/// <para>Every phase is written once over <see cref="ISimd{TV}"/> and runs at the widest accelerated width (16 channels
/// per vector with AVX-512, 8 with AVX2, 4 with SSE or ARM64 NEON); the channel counts are whole 16-float vectors, so
/// they are whole vectors at every width. The scratch layout does not depend on the width; the transformed weight's
/// panels are two vectors wide (the micro-kernel's B panel), so they do — weights are packed at load, on the machine
/// that runs them.</para>
/// <para>Numerics: the transforms only add and scale by small integers (input, output) and the weight transform is done in
/// double, so the result stays within a few float ulps of the result's magnitude — the parity tests against PyTorch
/// run through this path.</para>
/// </remarks>
internal static unsafe class Winograd
{
    private const int Tile = 4;           // outputs per tile side
    private const int Window = Tile + 2;  // inputs per tile side
    private const int Positions = Window * Window;
    private const int PanelRows = Gemm.PanelRows;

    /// <summary>
    /// Floats per vector of the width <see cref="Forward(in Conv2dShape, float*, float*, float*, float*, Activation, float*, float*)"/>
    /// runs at (the same tests in the same order); the weight's B panels are two vectors wide.
    /// </summary>
    private static int Lanes => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;

    /// <summary>
    /// True when this convolution runs through Winograd: 3×3, stride 1, no dilation, one group, channel counts in whole
    /// vectors (<see cref="Ops.ConvScratch.WinogradCandidate"/>, which also reserves the scratch) and SIMD in hardware
    /// (AVX-512, AVX2, SSE or ARM64 NEON).
    /// Only the kernel's own properties count, never the image size, so a weight packed once serves every input size
    /// (detection heads share one convolution across pyramid levels).
    /// </summary>
    public static bool Applies(in Conv2dShape s)
        => Vector128.IsHardwareAccelerated && s.DilationHeight == 1 && s.DilationWidth == 1
           && Ops.ConvScratch.WinogradCandidate(s.InChannels, s.OutChannels, s.KernelHeight, s.KernelWidth, s.StrideHeight, s.StrideWidth, s.Groups);

    private static int TilesY(in Conv2dShape s) => (s.OutHeight + Tile - 1) / Tile;
    private static int TilesX(in Conv2dShape s) => (s.OutWidth + Tile - 1) / Tile;

    /// <summary>Floats of the transformed weight: per position ξ, U_ξ[cin, cout] in the micro-kernel's B panels.</summary>
    public static int PackedWeightLength(in Conv2dShape s) => PackedWeightLength(s, Lanes);

    /// <summary><see cref="PackedWeightLength(in Conv2dShape)"/> for vectors of <paramref name="lanes"/> floats (tests run every width).</summary>
    internal static int PackedWeightLength(in Conv2dShape s, int lanes)
    {
        int panelColumns = 2 * lanes;
        return Positions * ((s.OutChannels + panelColumns - 1) / panelColumns) * panelColumns * s.InChannels;
    }

    /// <summary>
    /// U = G g Gᵀ for every (cout, cin) filter g, computed in double, stored per position ξ as B panels:
    /// element (cin, cout) of U_ξ at [ξ][cout / P][cin][cout % P] with P = 2·L (L floats per vector: 32, 16 or 8 columns),
    /// columns past OutChannels zero.
    /// </summary>
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
        => PackWeights(s, torchWeight, packed, Lanes);

    /// <summary>G of F(4×4, 3×3), 6×3 row-major (interpolation points 0, ±1, ±2, ∞).</summary>
    private static ReadOnlySpan<double> G => [
        1.0 / 4, 0, 0,
        -1.0 / 6, -1.0 / 6, -1.0 / 6,
        -1.0 / 6, 1.0 / 6, -1.0 / 6,
        1.0 / 24, 1.0 / 12, 1.0 / 6,
        1.0 / 24, -1.0 / 12, 1.0 / 6,
        0, 0, 1];

    /// <summary>
    /// <see cref="PackWeights(in Conv2dShape, ReadOnlySpan{float}, Span{float})"/> for vectors of <paramref name="lanes"/> floats.
    /// Runs once per layer at load, fully optimized from its first call (a load runs it once, so tier 0 would be all it
    /// ever got): <see cref="Vector{T}.Count"/> output channels at a time, the transform in double across lanes, each
    /// position's result narrowed to float and stored as one vector (the same sums in the same order as one filter at a
    /// time, so the same floats); leftover channels one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed, int lanes)
    {
        int cin = s.InChannels, cout = s.OutChannels, panelColumns = 2 * lanes;
        int panelFloats = panelColumns * cin, positionFloats = (cout + panelColumns - 1) / panelColumns * panelFloats;
        int length = PackedWeightLength(s, lanes);
        if (torchWeight.Length < cout * cin * 9 || packed.Length < length)
            throw new ArgumentException($"Winograd weights need {cout * cin * 9} floats in and {length} out.");
        // Columns past OutChannels are zero; every other float is written below.
        if (cout % panelColumns != 0) packed.Slice(0, length).Clear();
        int step = Vector<float>.Count;
        fixed (float* w = torchWeight)
        fixed (float* u = packed)
        {
            int co = 0;
            if (Vector.IsHardwareAccelerated && panelColumns % step == 0)
            {
                // A whole panel per input channel, so each position's row of the panel is written in one go.
                for (; co + panelColumns <= cout; co += panelColumns)
                    for (int ci = 0; ci < cin; ci++)
                        for (int c = co; c < co + panelColumns; c += step)
                            PackChannels(w, u, c, ci, cin, panelColumns, panelFloats, positionFloats);
                for (; co + step <= cout; co += step)
                    for (int ci = 0; ci < cin; ci++)
                        PackChannels(w, u, co, ci, cin, panelColumns, panelFloats, positionFloats);
            }
            for (; co < cout; co++)
                PackChannel(w, u, co, cin, panelColumns, panelFloats, positionFloats);
        }
    }

    /// <summary>U for input channel <paramref name="ci"/> and output channels [co, co + Vector&lt;float&gt;.Count), which lie in one B panel.</summary>
    private static void PackChannels(float* w, float* u, int co, int ci, int cin, int panelColumns, int panelFloats, int positionFloats)
    {
        int dv = Vector<double>.Count, step = 2 * dv;
        ReadOnlySpan<double> g = G;
        double* taps = stackalloc double[9 * step];          // [tap][channel]
        for (int j = 0; j < step; j++)
        {
            float* filter = w + ((long)(co + j) * cin + ci) * 9;
            for (int k = 0; k < 9; k++) taps[k * step + j] = filter[k];
        }
        // gw = G·w (6×3) for each half of the channels (Vector<double> holds half of a Vector<float>).
        Vector<double>* gw = stackalloc Vector<double>[2 * Window * 3];
        for (int h = 0; h < 2; h++)
        {
            Vector<double>* half = gw + h * Window * 3;
            for (int c = 0; c < 3; c++)
            {
                var w0 = Vector.Load(taps + c * step + h * dv);
                var w1 = Vector.Load(taps + (3 + c) * step + h * dv);
                var w2 = Vector.Load(taps + (6 + c) * step + h * dv);
                for (int r = 0; r < Window; r++)
                    half[r * 3 + c] = w0 * g[r * 3] + w1 * g[r * 3 + 1] + w2 * g[r * 3 + 2];
            }
        }
        // U = gw·Gᵀ (6×6), one vector of floats per position.
        float* target = u + co / panelColumns * panelFloats + co % panelColumns + ci * panelColumns;
        for (int r = 0; r < Window; r++)
        {
            for (int c = 0; c < Window; c++)
            {
                double g0 = g[c * 3], g1 = g[c * 3 + 1], g2 = g[c * 3 + 2];
                Vector<double>* lo = gw + r * 3, hi = gw + Window * 3 + r * 3;
                Vector<double> a = lo[0] * g0 + lo[1] * g1 + lo[2] * g2;
                Vector<double> b = hi[0] * g0 + hi[1] * g1 + hi[2] * g2;
                Vector.Narrow(a, b).Store(target + (long)(r * Window + c) * positionFloats);
            }
        }
    }

    /// <summary>U for one output channel, filter by filter (channels left over after the vector steps).</summary>
    private static void PackChannel(float* w, float* u, int co, int cin, int panelColumns, int panelFloats, int positionFloats)
    {
        ReadOnlySpan<double> g = G;
        double* gw = stackalloc double[Window * 3];
        float* column = u + co / panelColumns * panelFloats + co % panelColumns;
        for (int ci = 0; ci < cin; ci++)
        {
            float* filter = w + ((long)co * cin + ci) * 9;
            for (int r = 0; r < Window; r++)
                for (int c = 0; c < 3; c++)
                    gw[r * 3 + c] = filter[c] * g[r * 3] + filter[3 + c] * g[r * 3 + 1] + filter[6 + c] * g[r * 3 + 2];
            float* target = column + ci * panelColumns;
            for (int r = 0; r < Window; r++)
                for (int c = 0; c < Window; c++)
                    target[(long)(r * Window + c) * positionFloats] = (float)(gw[r * 3] * g[c * 3] + gw[r * 3 + 1] * g[c * 3 + 1] + gw[r * 3 + 2] * g[c * 3 + 2]);
        }
    }

    /// <summary>Shared arguments of the four phases (on the caller's stack while the workers run).</summary>
    private struct Job
    {
        public int Cin, Cout, H, W, PadH, PadW, OH, OW, TilesY, TilesX, Tiles, PaddedH, PaddedW;
        public float* X, U, Bias, Res, Y;
        public float* Padded, V, M;
        public Activation Act;
    }

    /// <summary>y = act(conv3×3(x) + bias + residual); the caller has checked <see cref="Applies"/> and the span sizes.</summary>
    public static void Forward(in Conv2dShape s, float* x, float* u, float* bias, float* res, Activation act, float* y, float* scratch)
    {
        if (Vector512.IsHardwareAccelerated) Forward<Vector512<float>, Simd512>(s, x, u, bias, res, act, y, scratch);
        else if (Vector256.IsHardwareAccelerated) Forward<Vector256<float>, Simd256>(s, x, u, bias, res, act, y, scratch);
        else Forward<Vector128<float>, Simd128>(s, x, u, bias, res, act, y, scratch);
    }

    /// <summary><see cref="Forward(in Conv2dShape, float*, float*, float*, float*, Activation, float*, float*)"/> at the width of <typeparamref name="TS"/>, the weight packed for it.</summary>
    internal static void Forward<TV, TS>(in Conv2dShape s, float* x, float* u, float* bias, float* res, Activation act, float* y, float* scratch)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        var j = new Job
        {
            Cin = s.InChannels, Cout = s.OutChannels, H = s.InHeight, W = s.InWidth, PadH = s.PadHeight, PadW = s.PadWidth,
            OH = s.OutHeight, OW = s.OutWidth, TilesY = TilesY(s), TilesX = TilesX(s),
            X = x, U = u, Bias = bias, Res = res, Y = y, Act = act,
        };
        j.Tiles = j.TilesY * j.TilesX;
        j.PaddedH = j.TilesY * Tile + 2;
        j.PaddedW = j.TilesX * Tile + 2;
        j.Padded = scratch;
        j.V = j.Padded + (long)j.PaddedH * j.PaddedW * j.Cin;
        j.M = j.V + (long)Positions * j.Tiles * j.Cin;

        int threads = CpuThreads.Count;
        WorkerPool.Run(&ToChannelsLast<TV, TS>, &j, Math.Min(threads, j.PaddedH));
        WorkerPool.Run(&TransformInput<TV, TS>, &j, Math.Min(threads, j.Tiles));
        WorkerPool.Run(&MultiplyPositions<TV, TS>, &j, Math.Min(threads, Positions));
        var output = new OutputBody<TV, TS> { Job = &j, Parts = Math.Min(threads, j.Tiles) };
        ActivationDispatch.Run(act.Kind, ref output);
    }

    /// <summary>Phase 3 started with the activation as a type, so its formula is inlined into the tile stores.</summary>
    private struct OutputBody<TV, TS> : IActivationBody
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        public Job* Job;
        public int Parts;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp => WorkerPool.Run(&TransformOutput<TV, TS, TA>, Job, Parts);
    }

    /// <summary>
    /// The zero-bordered channels-last copy of phase 0 on its own (one thread): padded[py][px][c] for a
    /// <paramref name="paddedH"/>×<paramref name="paddedW"/> grid, the image at offset (padH, padW); InC in whole vectors.
    /// </summary>
    internal static void ChannelsLast<TV, TS>(float* x, int cin, int h, int w, int padH, int padW, int paddedH, int paddedW, float* padded)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        var j = new Job { Cin = cin, H = h, W = w, PadH = padH, PadW = padW, PaddedH = paddedH, PaddedW = paddedW, X = x, Padded = padded };
        ToChannelsLast<TV, TS>(&j, 0, 1);
    }

    /// <summary>Phase 0: padded rows [lo, hi) of the channels-last copy, zero outside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToChannelsLast<TV, TS>(void* context, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        int lanes = TS.Count;
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(j.PaddedH, part, parts);
        int cin = j.Cin, pw = j.PaddedW;
        long plane = (long)j.H * j.W;
        for (int py = lo; py < hi; py++)
        {
            float* dstRow = j.Padded + (long)py * pw * cin;
            int iy = py - j.PadH;
            if ((uint)iy >= (uint)j.H)
            {
                new Span<float>(dstRow, pw * cin).Clear();
                continue;
            }
            int x0 = Math.Min(j.PadW, pw);                  // first padded column inside the image
            int x1 = Math.Min(j.PadW + j.W, pw);            // one past the last
            new Span<float>(dstRow, x0 * cin).Clear();
            new Span<float>(dstRow + (long)x1 * cin, (pw - x1) * cin).Clear();
            // Blocks of L channels × L columns (L floats per vector): read L contiguous row segments, write L channel
            // vectors. A narrower last block still reads L floats per channel (the excess is the next row's start, never
            // stored) unless that would read past the end of the input tensor.
            float* srcRow = j.X + (long)iy * j.W - j.PadW;
            float* inputEnd = j.X + (long)cin * plane;
            for (int c0 = 0; c0 < cin; c0 += lanes)
            {
                for (int px = x0; px < x1; px += lanes)
                {
                    int count = Math.Min(lanes, x1 - px);
                    float* src = srcRow + c0 * plane + px;
                    if (src + (lanes - 1) * plane + lanes <= inputEnd)
                        TransposeBlock<TV, TS>(src, plane, dstRow + (long)px * cin + c0, cin, count);
                    else
                        for (int i = 0; i < count; i++)
                            for (int c = 0; c < lanes; c++)
                                dstRow[(long)(px + i) * cin + c0 + c] = src[c * plane + i];
                }
            }
        }
    }

    /// <summary>Writes dst[i·ldd + c] = src[c·lds + i] for L channels c and the first <paramref name="count"/> columns i of an L×L block (L floats per vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeBlock<TV, TS>(float* src, long lds, float* dst, int ldd, int count)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        Block16<TV> rows; Unsafe.SkipInit(out rows);
        for (int c = 0; c < TS.Count; c++) rows[c] = TS.Load(src + c * lds);
        TS.Transpose(ref rows[0]);
        for (int i = 0; i < count; i++) TS.Store(dst + (long)i * ldd, rows[i]);
    }

    /// <summary>Phase 1: V_ξ[t, cin] = (Bᵀ d B)_ξ for tiles [lo, hi), one vector of channels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput<TV, TS>(void* context, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(j.Tiles, part, parts);
        int cin = j.Cin;
        long rowStride = (long)j.PaddedW * cin;
        long positionStride = (long)j.Tiles * cin;
        byte* room = stackalloc byte[sizeof(Block36<TV>) + 63];
        ref Block36<TV> d = ref *(Block36<TV>*)SimdOps.CacheLineAligned(room);
        for (int t = lo; t < hi; t++)
        {
            int ty = t / j.TilesX, tx = t - ty * j.TilesX;
            float* origin = j.Padded + ty * Tile * rowStride + (long)tx * Tile * cin;
            float* dst = j.V + (long)t * cin;
            for (int c0 = 0; c0 < cin; c0 += TS.Count)
            {
                for (int r = 0; r < Window; r++)
                {
                    float* row = origin + r * rowStride + c0;
                    for (int c = 0; c < Window; c++) d[r * Window + c] = TS.Load(row + c * cin);
                }
                for (int c = 0; c < Window; c++) InputTransform<TV, TS>(ref d, c, Window); // columns
                for (int r = 0; r < Window; r++) InputTransform<TV, TS>(ref d, r * Window, 1); // rows
                for (int xi = 0; xi < Positions; xi++) TS.Store(dst + xi * positionStride + c0, d[xi]);
            }
        }
    }

    /// <summary>The 1-D F(4,3) input transform Bᵀ applied in place to the six vectors d[first + i·step].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform<TV, TS>(ref Block36<TV> d, int first, int step)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        TV d0 = d[first], d1 = d[first + step], d2 = d[first + 2 * step];
        TV d3 = d[first + 3 * step], d4 = d[first + 4 * step], d5 = d[first + 5 * step];
        TV four = TS.Broadcast(4f), minusFour = TS.Broadcast(-4f), minusFive = TS.Broadcast(-5f), two = TS.Broadcast(2f);
        d[first] = TS.Fma(four, d0, TS.Fma(minusFive, d2, d4));
        d[first + step] = TS.Fma(minusFour, TS.Add(d1, d2), TS.Add(d3, d4));
        d[first + 2 * step] = TS.Fma(four, TS.Sub(d1, d2), TS.Sub(d4, d3));
        d[first + 3 * step] = TS.Fma(two, TS.Sub(d3, d1), TS.Sub(d4, d2));
        d[first + 4 * step] = TS.Fma(two, TS.Sub(d1, d3), TS.Sub(d4, d2));
        d[first + 5 * step] = TS.Fma(four, d1, TS.Fma(minusFive, d3, d5));
    }

    /// <summary>Phase 2: M_ξ = V_ξ · U_ξ for positions [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPositions<TV, TS>(void* context, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        int panelColumns = 2 * TS.Count;
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(Positions, part, parts);
        int cin = j.Cin, cout = j.Cout, tiles = j.Tiles;
        int panels = (cout + panelColumns - 1) / panelColumns;
        for (int xi = lo; xi < hi; xi++)
        {
            float* v = j.V + (long)xi * tiles * cin;
            float* u = j.U + (long)xi * panels * panelColumns * cin;
            float* m = j.M + (long)xi * tiles * cout;
            for (int p = 0; p < panels; p++)
            {
                int co = p * panelColumns, cols = Math.Min(panelColumns, cout - co);
                float* panel = u + (long)p * panelColumns * cin;
                // The first row panels also prefetch the next weight panel (the next position's first after the last):
                // the transformed weight, four times the layer's, comes from memory once per call, and
                // the hardware prefetcher alone left the first row panel waiting on it.
                for (int t = 0; t < tiles; t += PanelRows)
                    Gemm.Kernel<TV, TS, NoneOp>(cin, v + (long)t * cin, cin, panel, m + (long)t * cout + co, cout,
                        Math.Min(PanelRows, tiles - t), cols, accumulate: false, final: true, null, null, 0f,
                        p + 1 < panels || xi + 1 < hi ? Gemm.PrefetchShare(panel + (long)panelColumns * cin, t / PanelRows, cin, panelColumns) : null);
            }
        }
    }

    /// <summary>Phase 3: y = act(Aᵀ M A + bias + residual) for tiles [lo, hi), one vector of output channels at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TV, TS, TA>(void* context, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int lanes = TS.Count;
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(j.Tiles, part, parts);
        int cout = j.Cout, oh = j.OH, ow = j.OW;
        long positionStride = (long)j.Tiles * cout, plane = (long)oh * ow;
        byte* room = stackalloc byte[sizeof(Block36<TV>) + sizeof(Block16<TV>) + 63];
        byte* aligned = (byte*)SimdOps.CacheLineAligned(room);
        ref Block36<TV> m = ref *(Block36<TV>*)aligned;
        ref Block16<TV> o = ref *(Block16<TV>*)(aligned + sizeof(Block36<TV>));
        for (int t = lo; t < hi; t++)
        {
            int ty = t / j.TilesX, tx = t - ty * j.TilesX;
            int oy = ty * Tile, ox = tx * Tile;
            int rows = Math.Min(Tile, oh - oy), cols = Math.Min(Tile, ow - ox);
            float* src = j.M + (long)t * cout;
            for (int c0 = 0; c0 < cout; c0 += lanes)
            {
                for (int xi = 0; xi < Positions; xi++) m[xi] = TS.Load(src + xi * positionStride + c0);
                // Columns first (6 rows → 4), then the rows of that (6 columns → 4).
                for (int c = 0; c < Window; c++) OutputTransform<TV, TS>(ref m, c, Window);
                TV bias = j.Bias == null ? TS.Zero : TS.Load(j.Bias + c0);
                for (int r = 0; r < Tile; r++)
                {
                    OutputTransform<TV, TS>(ref m, r * Window, 1);
                    for (int c = 0; c < Tile; c++) o[r * Tile + c] = TS.Add(m[r * Window + c], bias);
                }
                float* y = j.Y + (c0 * plane) + (long)oy * ow + ox;
                if (j.Res == null)
                {
                    // No residual to add first: the activation on the 16 whole vectors here, not on the stores' 4-float
                    // rows after the transpose (a quarter of the work for an exponential: SiLU at 64 channels of 56²
                    // cost 0.16 ms over ReLU, now 0.07).
                    for (int i = 0; i < Tile * Tile; i++) o[i] = TA.Apply<TV, TS>(o[i], j.Act.Alpha);
                    Transposed<TV, TS>(ref o, lanes);
                    for (int l = 0; l < lanes; l++) StoreTile<TV, TS, NoneOp>(ref o, l, y + l * plane, null, ow, rows, cols, 0f);
                    continue;
                }
                Transposed<TV, TS>(ref o, lanes);
                float* res = j.Res + (c0 * plane) + (long)oy * ow + ox;
                for (int l = 0; l < lanes; l++)
                    StoreTile<TV, TS, TA>(ref o, l, y + l * plane, res + l * plane, ow, rows, cols, j.Act.Alpha);
            }
        }
    }

    /// <summary>
    /// o[pixel] holds L channels (16 pixels, L floats per vector): transposing each run of L pixel vectors leaves o[b + l] =
    /// channel l's pixels b .. b + L − 1 (L/4 rows of the tile), stored row by row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transposed<TV, TS>(ref Block16<TV> o, int lanes) where TV : unmanaged where TS : struct, ISimd<TV>
    {
        for (int b = 0; b < Tile * Tile; b += lanes) TS.Transpose(ref o[b]);
    }

    /// <summary>The 1-D F(4,3) output transform Aᵀ on m[first + i·step], i = 0..5; results in i = 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform<TV, TS>(ref Block36<TV> m, int first, int step)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        TV m0 = m[first], m1 = m[first + step], m2 = m[first + 2 * step];
        TV m3 = m[first + 3 * step], m4 = m[first + 4 * step], m5 = m[first + 5 * step];
        TV sum12 = TS.Add(m1, m2), diff12 = TS.Sub(m1, m2), sum34 = TS.Add(m3, m4), diff34 = TS.Sub(m3, m4);
        m[first] = TS.Add(TS.Add(m0, sum12), sum34);
        m[first + step] = TS.Fma(TS.Broadcast(2f), diff34, diff12);
        m[first + 2 * step] = TS.Fma(TS.Broadcast(4f), sum34, sum12);
        m[first + 3 * step] = TS.Add(TS.Fma(TS.Broadcast(8f), diff34, diff12), m5);
    }

    /// <summary>
    /// Stores channel <paramref name="l"/>'s 4×4 tile of the transposed block <paramref name="o"/> (row r: 4 floats at
    /// pixel 4r) with residual and activation, clipped to rows × cols (partial rows by partial loads and stores: no call
    /// in the tile loop).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTile<TV, TS, TA>(ref Block16<TV> o, int l, float* y, float* res, int ld, int rows, int cols, float alpha)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        if (rows == Tile && cols == Tile)
        {
            for (int r = 0; r < Tile; r++)
            {
                Vector128<float> v = TileRow<TV, TS>(ref o, l, r);
                if (res != null) v += Vector128.Load(res + r * ld);
                TA.Apply<Vector128<float>, Simd128>(v, alpha).Store(y + r * ld);
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            Vector128<float> v = TileRow<TV, TS>(ref o, l, r);
            if (res != null) v += SimdOps.LoadPartial<Vector128<float>, Simd128>(res + r * ld, cols);
            SimdOps.StorePartial<Vector128<float>, Simd128>(y + r * ld, TA.Apply<Vector128<float>, Simd128>(v, alpha), cols);
        }
    }

    /// <summary>Row <paramref name="r"/> of channel <paramref name="l"/>'s tile: pixels 4r .. 4r + 3, in vector (4r − 4r mod L) + l at float 4r mod L.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TileRow<TV, TS>(ref Block16<TV> o, int l, int r)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        int pixel = r * Tile, offset = pixel % TS.Count;
        return Unsafe.Add(ref Unsafe.As<TV, Vector128<float>>(ref o[pixel - offset + l]), offset / 4);
    }

    [InlineArray(Positions)]
    private struct Block36<TV> where TV : unmanaged
    {
        private TV _element;
    }
}
