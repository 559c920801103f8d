using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
/// transform reads each tile as 36 contiguous vectors of 16 channels; (2) the 36 GEMMs; (3) the output transform
/// (lanes across output channels) adds the bias, residual and activation while writing the CHW output.</para>
/// <para>Numerics: the transforms only add and scale by small integers (input, output) and the weight transform is done in
/// double, so the result stays within a few float ulps of the result's magnitude — the parity tests against PyTorch
/// run through this path.</para>
/// </remarks>
internal static unsafe class Winograd
{
    private const int Tile = 4;           // outputs per tile side
    private const int Window = Tile + 2;  // inputs per tile side
    private const int Positions = Window * Window;
    private const int Lanes = 16;         // Vector512<float>
    private const int PanelColumns = 2 * Lanes; // B panel width of Gemm's micro-kernel
    private const int PanelRows = Gemm.PanelRows;

    /// <summary>
    /// True when this convolution runs through Winograd: 3×3, stride 1, no dilation, one group, channel counts in whole
    /// vectors (<see cref="Ops.ConvScratch.WinogradCandidate"/>, which also reserves the scratch) and AVX-512 present.
    /// Only the kernel's own properties count, never the image size, so a weight packed once serves every input size
    /// (detection heads share one convolution across pyramid levels).
    /// </summary>
    public static bool Applies(in Conv2dShape s)
        => Avx512F.IsSupported && s.DilationHeight == 1 && s.DilationWidth == 1
           && Ops.ConvScratch.WinogradCandidate(s.InChannels, s.OutChannels, s.KernelHeight, s.KernelWidth, s.StrideHeight, s.StrideWidth, s.Groups);

    private static int TilesY(in Conv2dShape s) => (s.OutHeight + Tile - 1) / Tile;
    private static int TilesX(in Conv2dShape s) => (s.OutWidth + Tile - 1) / Tile;

    private static int OutPanels(in Conv2dShape s) => (s.OutChannels + PanelColumns - 1) / PanelColumns;

    /// <summary>Floats of the transformed weight: per position ξ, U_ξ[cin, cout] in the micro-kernel's B panels.</summary>
    public static int PackedWeightLength(in Conv2dShape s) => Positions * OutPanels(s) * PanelColumns * s.InChannels;

    /// <summary>
    /// U = G g Gᵀ for every (cout, cin) filter g, computed in double, stored per position ξ as B panels:
    /// element (cin, cout) of U_ξ at [ξ][cout / 32][cin][cout % 32], columns past OutChannels zero.
    /// </summary>
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        ReadOnlySpan<double> g = [
            1.0 / 4, 0, 0,
            -1.0 / 6, -1.0 / 6, -1.0 / 6,
            -1.0 / 6, 1.0 / 6, -1.0 / 6,
            1.0 / 24, 1.0 / 12, 1.0 / 6,
            1.0 / 24, -1.0 / 12, 1.0 / 6,
            0, 0, 1];
        int cin = s.InChannels, cout = s.OutChannels;
        int panelFloats = PanelColumns * cin, positionFloats = OutPanels(s) * panelFloats;
        packed.Slice(0, PackedWeightLength(s)).Clear();
        Span<double> gw = stackalloc double[Window * 3];
        for (int co = 0; co < cout; co++)
        {
            for (int ci = 0; ci < cin; ci++)
            {
                ReadOnlySpan<float> w = torchWeight.Slice((co * cin + ci) * 9, 9);
                // gw = G·w (6×3), then U = gw·Gᵀ (6×6).
                for (int r = 0; r < Window; r++)
                    for (int c = 0; c < 3; c++)
                        gw[r * 3 + c] = g[r * 3] * w[c] + g[r * 3 + 1] * w[3 + c] + g[r * 3 + 2] * w[6 + c];
                for (int r = 0; r < Window; r++)
                {
                    for (int c = 0; c < Window; c++)
                    {
                        double u = gw[r * 3] * g[c * 3] + gw[r * 3 + 1] * g[c * 3 + 1] + gw[r * 3 + 2] * g[c * 3 + 2];
                        int xi = r * Window + c;
                        packed[xi * positionFloats + co / PanelColumns * panelFloats + ci * PanelColumns + co % PanelColumns] = (float)u;
                    }
                }
            }
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
        WorkerPool.Run(&ToChannelsLast, &j, Math.Min(threads, j.PaddedH));
        WorkerPool.Run(&TransformInput, &j, Math.Min(threads, j.Tiles));
        WorkerPool.Run(&MultiplyPositions, &j, Math.Min(threads, Positions));
        var output = new OutputBody { Job = &j, Parts = Math.Min(threads, j.Tiles) };
        ActivationDispatch.Run(act.Kind, ref output);
    }

    /// <summary>Phase 3 started with the activation as a type, so its formula is inlined into the tile stores.</summary>
    private struct OutputBody : IActivationBody
    {
        public Job* Job;
        public int Parts;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp => WorkerPool.Run(&TransformOutput<TA>, Job, Parts);
    }

    /// <summary>Phase 0: padded rows [lo, hi) of the channels-last copy, zero outside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToChannelsLast(void* context, int part, int parts)
    {
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
            // Blocks of 16 channels × 16 columns: read 16 contiguous row segments, write 16 channel vectors. A narrower
            // last block still reads 16 floats per channel (the excess is the next row's start, never stored) unless that
            // would read past the end of the input tensor.
            float* srcRow = j.X + (long)iy * j.W - j.PadW;
            float* inputEnd = j.X + (long)cin * plane;
            for (int c0 = 0; c0 < cin; c0 += Lanes)
            {
                for (int px = x0; px < x1; px += Lanes)
                {
                    int count = Math.Min(Lanes, x1 - px);
                    float* src = srcRow + c0 * plane + px;
                    if (src + (Lanes - 1) * plane + Lanes <= inputEnd)
                        TransposeBlock(src, plane, dstRow + (long)px * cin + c0, cin, count);
                    else
                        for (int i = 0; i < count; i++)
                            for (int c = 0; c < Lanes; c++)
                                dstRow[(long)(px + i) * cin + c0 + c] = src[c * plane + i];
                }
            }
        }
    }

    /// <summary>Writes dst[i·ldd + c] = src[c·lds + i] for 16 channels c and the first <paramref name="count"/> columns i of a 16×16 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBlock(float* src, long lds, float* dst, int ldd, int count)
    {
        Block16 rows; Unsafe.SkipInit(out rows);
        for (int c = 0; c < Lanes; c++) rows[c] = Vector512.Load(src + c * lds);
        Transpose16(ref rows);
        for (int i = 0; i < count; i++) rows[i].Store(dst + (long)i * ldd);
    }

    /// <summary>Phase 1: V_ξ[t, cin] = (Bᵀ d B)_ξ for tiles [lo, hi), 16 channels per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(j.Tiles, part, parts);
        int cin = j.Cin;
        long rowStride = (long)j.PaddedW * cin;
        long positionStride = (long)j.Tiles * cin;
        Block36 d; Unsafe.SkipInit(out d);
        for (int t = lo; t < hi; t++)
        {
            int ty = t / j.TilesX, tx = t - ty * j.TilesX;
            float* origin = j.Padded + ty * Tile * rowStride + (long)tx * Tile * cin;
            float* dst = j.V + (long)t * cin;
            for (int c0 = 0; c0 < cin; c0 += Lanes)
            {
                for (int r = 0; r < Window; r++)
                {
                    float* row = origin + r * rowStride + c0;
                    for (int c = 0; c < Window; c++) d[r * Window + c] = Vector512.Load(row + c * cin);
                }
                for (int c = 0; c < Window; c++) InputTransform(ref d, c, Window); // columns
                for (int r = 0; r < Window; r++) InputTransform(ref d, r * Window, 1); // rows
                for (int xi = 0; xi < Positions; xi++) d[xi].Store(dst + xi * positionStride + c0);
            }
        }
    }

    /// <summary>The 1-D F(4,3) input transform Bᵀ applied in place to the six vectors d[first + i·step].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform(ref Block36 d, int first, int step)
    {
        Vector512<float> d0 = d[first], d1 = d[first + step], d2 = d[first + 2 * step];
        Vector512<float> d3 = d[first + 3 * step], d4 = d[first + 4 * step], d5 = d[first + 5 * step];
        Vector512<float> four = Vector512.Create(4f), minusFive = Vector512.Create(-5f), two = Vector512.Create(2f);
        d[first] = Vector512.FusedMultiplyAdd(four, d0, Vector512.FusedMultiplyAdd(minusFive, d2, d4));
        d[first + step] = Vector512.FusedMultiplyAdd(-four, d1 + d2, d3 + d4);
        d[first + 2 * step] = Vector512.FusedMultiplyAdd(four, d1 - d2, d4 - d3);
        d[first + 3 * step] = Vector512.FusedMultiplyAdd(two, d3 - d1, d4 - d2);
        d[first + 4 * step] = Vector512.FusedMultiplyAdd(two, d1 - d3, d4 - d2);
        d[first + 5 * step] = Vector512.FusedMultiplyAdd(four, d1, Vector512.FusedMultiplyAdd(minusFive, d3, d5));
    }

    /// <summary>Phase 2: M_ξ = V_ξ · U_ξ for positions [lo, hi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyPositions(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(Positions, part, parts);
        int cin = j.Cin, cout = j.Cout, tiles = j.Tiles;
        int panels = (cout + PanelColumns - 1) / PanelColumns;
        for (int xi = lo; xi < hi; xi++)
        {
            float* v = j.V + (long)xi * tiles * cin;
            float* u = j.U + (long)xi * panels * PanelColumns * cin;
            float* m = j.M + (long)xi * tiles * cout;
            for (int p = 0; p < panels; p++)
            {
                int co = p * PanelColumns, cols = Math.Min(PanelColumns, cout - co);
                float* panel = u + (long)p * PanelColumns * cin;
                for (int t = 0; t < tiles; t += PanelRows)
                    Gemm.Kernel<Vector512<float>, Simd512, NoneOp>(cin, v + (long)t * cin, cin, panel, m + (long)t * cout + co, cout,
                        Math.Min(PanelRows, tiles - t), cols, accumulate: false, final: true, null, null, 0f);
            }
        }
    }

    /// <summary>Phase 3: y = act(Aᵀ M A + bias + residual) for tiles [lo, hi), 16 output channels per vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformOutput<TA>(void* context, int part, int parts) where TA : struct, IActivationOp
    {
        ref Job j = ref *(Job*)context;
        var (lo, hi) = WorkerPool.Range(j.Tiles, part, parts);
        int cout = j.Cout, oh = j.OH, ow = j.OW;
        long positionStride = (long)j.Tiles * cout, plane = (long)oh * ow;
        Block36 m; Unsafe.SkipInit(out m);
        Block16 o; Unsafe.SkipInit(out o);
        for (int t = lo; t < hi; t++)
        {
            int ty = t / j.TilesX, tx = t - ty * j.TilesX;
            int oy = ty * Tile, ox = tx * Tile;
            int rows = Math.Min(Tile, oh - oy), cols = Math.Min(Tile, ow - ox);
            float* src = j.M + (long)t * cout;
            for (int c0 = 0; c0 < cout; c0 += Lanes)
            {
                for (int xi = 0; xi < Positions; xi++) m[xi] = Vector512.Load(src + xi * positionStride + c0);
                // Columns first (6 rows → 4), then the rows of that (6 columns → 4).
                for (int c = 0; c < Window; c++) OutputTransform(ref m, c, Window);
                Vector512<float> bias = j.Bias == null ? Vector512<float>.Zero : Vector512.Load(j.Bias + c0);
                for (int r = 0; r < Tile; r++)
                {
                    OutputTransform(ref m, r * Window, 1);
                    for (int c = 0; c < Tile; c++) o[r * Tile + c] = m[r * Window + c] + bias;
                }
                // o[pixel] holds 16 channels; transpose to 16 pixels per channel and store rows of the tile.
                Transpose16(ref o);
                float* y = j.Y + (c0 * plane) + (long)oy * ow + ox;
                float* res = j.Res == null ? null : j.Res + (c0 * plane) + (long)oy * ow + ox;
                for (int l = 0; l < Lanes; l++)
                    StoreTile<TA>(o[l], y + l * plane, res == null ? null : res + l * plane, ow, rows, cols, j.Act.Alpha);
            }
        }
    }

    /// <summary>The 1-D F(4,3) output transform Aᵀ on m[first + i·step], i = 0..5; results in i = 0..3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform(ref Block36 m, int first, int step)
    {
        Vector512<float> m0 = m[first], m1 = m[first + step], m2 = m[first + 2 * step];
        Vector512<float> m3 = m[first + 3 * step], m4 = m[first + 4 * step], m5 = m[first + 5 * step];
        Vector512<float> sum12 = m1 + m2, diff12 = m1 - m2, sum34 = m3 + m4, diff34 = m3 - m4;
        m[first] = m0 + sum12 + sum34;
        m[first + step] = Vector512.FusedMultiplyAdd(Vector512.Create(2f), diff34, diff12);
        m[first + 2 * step] = Vector512.FusedMultiplyAdd(Vector512.Create(4f), sum34, sum12);
        m[first + 3 * step] = Vector512.FusedMultiplyAdd(Vector512.Create(8f), diff34, diff12) + m5;
    }

    /// <summary>Stores a 4×4 tile (row-major in the vector) with residual and activation, clipped to rows × cols (partial rows by partial loads and stores: no call in the tile loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTile<TA>(Vector512<float> tile, float* y, float* res, int ld, int rows, int cols, float alpha)
        where TA : struct, IActivationOp
    {
        if (rows == Tile && cols == Tile)
        {
            for (int r = 0; r < Tile; r++)
            {
                Vector128<float> v = Unsafe.Add(ref Unsafe.As<Vector512<float>, Vector128<float>>(ref tile), r);
                if (res != null) v += Vector128.Load(res + r * ld);
                TA.Apply<Vector128<float>, Simd128>(v, alpha).Store(y + r * ld);
            }
            return;
        }
        for (int r = 0; r < rows; r++)
        {
            Vector128<float> v = Unsafe.Add(ref Unsafe.As<Vector512<float>, Vector128<float>>(ref tile), r);
            if (res != null) v += SimdOps.LoadPartial<Vector128<float>, Simd128>(res + r * ld, cols);
            SimdOps.StorePartial<Vector128<float>, Simd128>(y + r * ld, TA.Apply<Vector128<float>, Simd128>(v, alpha), cols);
        }
    }

    /// <summary>In-place transpose of a 16×16 block held as 16 vectors (element [r][c] ↔ [c][r]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(ref Block16 b)
    {
        // Stage 1: interleave pairs of rows at 32-bit granularity.
        Block16 t; Unsafe.SkipInit(out t);
        for (int i = 0; i < 16; i += 2)
        {
            t[i] = Avx512F.UnpackLow(b[i], b[i + 1]);
            t[i + 1] = Avx512F.UnpackHigh(b[i], b[i + 1]);
        }
        // Stage 2: interleave at 64-bit granularity within each 128-bit lane.
        for (int i = 0; i < 16; i += 4)
        {
            b[i] = Avx512F.Shuffle(t[i], t[i + 2], 0x44);
            b[i + 1] = Avx512F.Shuffle(t[i], t[i + 2], 0xEE);
            b[i + 2] = Avx512F.Shuffle(t[i + 1], t[i + 3], 0x44);
            b[i + 3] = Avx512F.Shuffle(t[i + 1], t[i + 3], 0xEE);
        }
        // Stage 3: 128-bit blocks, rows 4 apart.
        for (int i = 0; i < 16; i += 8)
        {
            for (int k = 0; k < 4; k++)
            {
                t[i + k] = Avx512F.Shuffle4x128(b[i + k], b[i + k + 4], 0x88);
                t[i + k + 4] = Avx512F.Shuffle4x128(b[i + k], b[i + k + 4], 0xDD);
            }
        }
        // Stage 4: 128-bit blocks, rows 8 apart.
        for (int k = 0; k < 8; k++)
        {
            b[k] = Avx512F.Shuffle4x128(t[k], t[k + 8], 0x88);
            b[k + 8] = Avx512F.Shuffle4x128(t[k], t[k + 8], 0xDD);
        }
    }

    [InlineArray(16)]
    private struct Block16
    {
        private Vector512<float> _element;
    }

    [InlineArray(Positions)]
    private struct Block36
    {
        private Vector512<float> _element;
    }
}
