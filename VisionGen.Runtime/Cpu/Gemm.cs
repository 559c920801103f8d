using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// Single-precision matrix multiply with a fused epilogue: C = act(A·B + rowBias + residual).
/// Register-blocked micro-kernel (6 rows × 2 vectors of accumulators), B packed into
/// cache-sized panels, k blocked so a micro-panel of A stays in L1.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Gemm
{
    private const int MR = 6;

    /// <summary>Rows of A per packed panel (the micro-kernel's register block height).</summary>
    internal const int PanelRows = MR;

    /// <summary>Floats of an m×k A operand packed by <see cref="PackA"/>: m rounded up to whole panels.</summary>
    internal static int PackedALength(int m, int k) => (m + MR - 1) / MR * MR * k;

    /// <summary>
    /// Packs row-major A[m×k] into panels of <see cref="PanelRows"/> rows stored k-major (element (p, r) of a panel
    /// at p·MR + r), rows past m zero: the micro-kernel then reads A as one sequential stream.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: called once per layer, so tier 0 is all it would get
    internal static void PackA(int m, int k, ReadOnlySpan<float> a, Span<float> packed)
    {
        packed.Slice(0, PackedALength(m, k)).Clear();
        for (int i = 0; i < m; i++)
        {
            Span<float> panel = packed.Slice(i / MR * MR * k);
            int r = i % MR;
            for (int p = 0; p < k; p++) panel[p * MR + r] = a[i * k + p];
        }
    }
    /// <summary>
    /// Packs A[m×k] given transposed (<paramref name="at"/> row-major k×m, A[i, p] = at[p·m + i]) into the same panels as
    /// <see cref="PackA"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: called once per layer, so tier 0 is all it would get
    internal static void PackATransposed(int m, int k, ReadOnlySpan<float> at, Span<float> packed)
    {
        packed.Slice(0, PackedALength(m, k)).Clear();
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<float> row = at.Slice(p * m, m);
            for (int i = 0; i < m; i++) packed[i / MR * MR * k + p * MR + i % MR] = row[i];
        }
    }

    private const int KC = 256;
    private const int NC = 512;
    private const int MC = 96; // rows of A per L2 block: 96 × KC floats, 96 KB

    // One packing buffer per thread, allocated on the thread's first call and reused (KC·NC floats, plus room to align them).
    [ThreadStatic] private static float[]? t_packB;

    /// <summary>
    /// C[m×n] = act(A[m×k]·B[k×n] + rowBias[i] + residual[i,j]); all matrices row-major and dense.
    /// </summary>
    /// <param name="m">Rows of A and C.</param>
    /// <param name="n">Columns of B and C.</param>
    /// <param name="k">Columns of A, rows of B.</param>
    /// <param name="a">A, at least m·k floats, row-major.</param>
    /// <param name="b">B, at least k·n floats, row-major.</param>
    /// <param name="c">C, at least m·n floats; fully overwritten. Must not overlap A, B or the residual.</param>
    /// <param name="rowBias">m floats added to each row, or empty for none.</param>
    /// <param name="residual">m·n floats added after the bias, or empty for none.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <exception cref="ArgumentException">A size is negative or a span is too short.</exception>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        ReadOnlySpan<float> rowBias, ReadOnlySpan<float> residual, Activation activation)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException("Matrix sizes must be non-negative.");
        long mk = (long)m * k, kn = (long)k * n, mn = (long)m * n;
        if (a.Length < mk) throw new ArgumentException($"A needs {mk} floats (m·k), got {a.Length}.", nameof(a));
        if (b.Length < kn) throw new ArgumentException($"B needs {kn} floats (k·n), got {b.Length}.", nameof(b));
        if (c.Length < mn) throw new ArgumentException($"C needs {mn} floats (m·n), got {c.Length}.", nameof(c));
        if (!rowBias.IsEmpty && rowBias.Length < m) throw new ArgumentException($"Row bias needs {m} floats or none, got {rowBias.Length}.", nameof(rowBias));
        if (!residual.IsEmpty && residual.Length < mn) throw new ArgumentException($"Residual needs {mn} floats or none, got {residual.Length}.", nameof(residual));
        if (m == 0 || n == 0) return;

        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c) fixed (float* pbias = rowBias) fixed (float* pres = residual)
        {
            float* bias = rowBias.IsEmpty ? null : pbias;
            float* res = residual.IsEmpty ? null : pres;
            if (k == 0) { EpilogueOnly(m, n, pc, bias, res, activation); return; }
            MultiplyUnchecked(m, n, k, pa, pb, pc, bias, res, activation);
        }
    }

    /// <summary>Same as <see cref="Multiply"/> on raw pointers (callers inside the runtime, already validated), split across <see cref="CpuThreads"/>.</summary>
    internal static void MultiplyUnchecked(int m, int n, int k, float* a, float* b, float* c, float* bias, float* res, Activation activation)
        => MultiplyUnchecked(m, n, k, a, aPacked: false, b, null, c, bias, res, activation);

    /// <summary>
    /// As above, with A either row-major or packed by <see cref="PackA"/> (<paramref name="aPacked"/>); when <paramref name="conv"/> is not null, B is the (virtual) im2col matrix of that convolution input,
    /// packed straight from the image (implicit GEMM: no im2col matrix is written) and <paramref name="b"/> is unused.
    /// </summary>
    internal static void MultiplyUnchecked(int m, int n, int k, float* a, bool aPacked, float* b, ConvSource* conv, float* c, float* bias, float* res, Activation activation)
    {
        if (m == 0 || n == 0) return;
        if (k == 0) { EpilogueOnly(m, n, c, bias, res, activation); return; }
        var job = new Job { M = m, N = n, K = k, A = a, APacked = aPacked, B = b, Conv = conv, C = c, Bias = bias, Res = res, Act = activation };
        int threads = CpuThreads.Count;
        if (threads > 1 && (long)m * n * k >= 1 << 16)
        {
            // Static split in whole micro-tiles along the dimension that balances best, N unless M balances more than 5 %
            // better: split by M every thread packs all of B, and in a convolution a thread split by N reads only its band
            // of the input and writes a band of the output, which a next layer split by pixels reads on the same core.
            // ResNet's stride-2 downsampling (28² outputs: N 0.96 balanced on two threads, M 1.0) took as long on two
            // threads as on one split by M (`-- conv 64 128 56 1 2 0 1 2`: 0.087 ms, by N 0.065–0.078; 256 → 512 0.80 → 0.68–0.71).
            int nr = 2 * VectorWidth, nTiles = (n + nr - 1) / nr, mTiles = (m + MR - 1) / MR;
            double nBalance = Balance(nTiles, threads), mBalance = Balance(mTiles, threads);
            job.SplitN = nBalance >= mBalance - 0.05;
            int tiles = job.SplitN ? nTiles : mTiles;
            if (tiles >= 2)
            {
                WorkerPool.Run(&RunPart, &job, Math.Min(threads, tiles));
                return;
            }
        }
        RunPart(&job, 0, 1);
    }

    /// <summary>
    /// Rows of B per k-block for column blocks of <paramref name="nc"/>: <see cref="KC"/>, or for a narrow B (a 7×7 or 14×14
    /// output) as many more as the packing buffer holds, up to 1024 — fewer k-blocks, so fewer passes of C through the
    /// out-of-line accumulating store, and a single one (stored in line) for k up to 1024. Its B panels then stream from L2,
    /// as the pixel-rows GEMM's do.
    /// </summary>
    internal static int KcFor(int nc, int nr)
    {
        int columns = (nc + nr - 1) / nr * nr;
        return Math.Max(KC, Math.Min(1024, KC * NC / columns));
    }

    /// <summary>Share of ideal speed-up a static split of equal tiles over threads reaches (1 = perfect).</summary>
    private static double Balance(int tiles, int threads)
    {
        int used = Math.Min(tiles, threads);
        int most = (tiles + used - 1) / used;
        return (double)tiles / ((double)most * threads);
    }

    /// <summary>Floats per vector of the width the kernels run at; a B panel is two vectors wide.</summary>
    internal static int VectorWidth => Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;

    private struct Job
    {
        public int M, N, K;
        public float* A, B, C, Bias, Res;
        public ConvSource* Conv;
        public bool APacked;
        public Activation Act;
        public bool SplitN;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPart(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        int m = j.M, n = j.N, k = j.K;
        float* a = j.A, b = j.B, c = j.C, bias = j.Bias, res = j.Res;
        int col0 = 0;
        if (parts > 1)
        {
            int tile = j.SplitN ? 2 * VectorWidth : MR;
            int extent = j.SplitN ? n : m;
            int tiles = (extent + tile - 1) / tile;
            var (t0, t1) = WorkerPool.Range(tiles, part, parts);
            int lo = t0 * tile, hi = Math.Min(extent, t1 * tile);
            if (hi <= lo) return;
            if (j.SplitN)
            {
                col0 = lo; c += lo;
                if (res != null) res += lo;
                n = hi - lo;
            }
            else
            {
                a += (long)lo * k; c += (long)lo * j.N;
                if (res != null) res += (long)lo * j.N;
                if (bias != null) bias += lo;
                m = hi - lo;
            }
        }
        var part0 = new PartBody { M = m, N = n, K = k, A = a, B = b, Ld = j.N, Conv = j.Conv, Col0 = col0, C = c, Bias = bias, Res = res, Alpha = j.Act.Alpha, APacked = j.APacked };
        ActivationDispatch.Run(j.Act.Kind, ref part0);
    }

    /// <summary>One part's multiply, run with the activation as a type: the epilogue inlines its formula and calls nothing.</summary>
    private struct PartBody : IActivationBody
    {
        public int M, N, K, Ld, Col0;
        public float* A, B, C, Bias, Res;
        public ConvSource* Conv;
        public float Alpha;
        public bool APacked;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp
        {
            // An activation that calls (an exponential: SiLU, sigmoid, GELU, …) is not given to the micro-kernels: inlined
            // at a tile's 24 stores it took the JIT past its inlining budget, and even the vector adds behind it were left as
            // calls (SiLU on 16 → 96 at 112²: 1.05 ms against 0.21 with ReLU6). They store bias and residual only, and each
            // block of C is activated in place once its last k-block is in, while it is still in L2.
            if (TA.CallFree) Invoke<TA, TA>();
            else Invoke<TA, NoneOp>();
        }

        private readonly void Invoke<TA, TK>() where TA : struct, IActivationOp where TK : struct, IActivationOp
        {
            if (Vector512.IsHardwareAccelerated) Run<Vector512<float>, Simd512>(M, N, K, A, B, Ld, Conv, Col0, C, Ld, Bias, Res, Alpha, APacked, TileKernels.For<Vector512<float>, Simd512, TA, TK>());
            else if (Vector256.IsHardwareAccelerated) Run<Vector256<float>, Simd256>(M, N, K, A, B, Ld, Conv, Col0, C, Ld, Bias, Res, Alpha, APacked, TileKernels.For<Vector256<float>, Simd256, TA, TK>());
            else Run<Vector128<float>, Simd128>(M, N, K, A, B, Ld, Conv, Col0, C, Ld, Bias, Res, Alpha, APacked, TileKernels.For<Vector128<float>, Simd128, TA, TK>());
        }
    }

    /// <summary>
    /// The micro-kernels one part's <see cref="Run{TV,TS}"/> calls, for its vector width and activation: the blocking
    /// loops are compiled once per width, and only these (each called once per tile of MR rows × 2 vectors, over a whole
    /// k-block) once per activation type a model uses — the loops were 2.4 KB of code for the JIT per extra type.
    /// </summary>
    private struct TileKernels
    {
        public delegate*<int, float*, float*, float*, int, int, int, bool, bool, float*, float*, float, int, float*, void> Packed;
        public delegate*<int, float*, float*, float*, int, int, int, bool, bool, float*, float*, float, void> PackedTail;
        public delegate*<int, float*, int, float*, float*, int, int, int, bool, bool, float*, float*, float, float*, void> Plain;

        /// <summary>The activation applied to a finished block of C; null when the kernels apply it themselves.</summary>
        public delegate*<float*, int, int, int, float, void> ActivateBlock;

        public static TileKernels For<TV, TS, TA, TK>()
            where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp where TK : struct, IActivationOp => new()
        {
            Packed = &KernelPacked<TV, TS, TK>,
            PackedTail = &KernelPackedTail<TK>,
            Plain = &Kernel<TV, TS, TK>,
            ActivateBlock = typeof(TK) == typeof(TA) ? null : &ActivateBlock<TV, TS, TA>,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EpilogueOnly(int m, int n, float* c, float* bias, float* res, Activation activation)
    {
        for (int i = 0; i < m; i++)
        {
            float bv = bias == null ? 0f : bias[i];
            for (int j = 0; j < n; j++)
            {
                float v = bv;
                if (res != null) v += res[(long)i * n + j];
                c[(long)i * n + j] = SimdOps.Activate(v, activation);
            }
        }
    }

    // The kernels with loops (here, and in the depthwise, Winograd, element-wise, pooling and linear kernels) are marked
    // AggressiveOptimization: the JIT compiles them fully optimized on their first call instead of at tier 0 (where every
    // ISimd call is a real call) with tier 1 only after 30 calls and a background compile. Their steady speed no longer
    // depends on the tier-1 profile (TieredCompilation=0 and NativeAOT measured at the default JIT's), so nothing is lost,
    // and the second inference runs at full speed.
    /// <summary>C[:, 0..n) for B columns [col0, col0 + n) of the dense B (leading dimension ldb) or of the convolution's virtual im2col matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TV, TS>(int m, int n, int k, float* a, float* b, int ldb, ConvSource* conv, int col0, float* c, int ldc,
        float* bias, float* res, float alpha, bool aPacked, TileKernels kernels)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int nr = 2 * TS.Count;
        // B read in place (rows ldb apart) instead of packed when A is a few row panels (at most 8), each panel of B then
        // read by so few of them that packing it costs more than its strided rows (and rows in whole 16-float vectors, so
        // its loads stay on cache-line boundaries where the matrix starts on one): MobileNetV2's projections to 16–32
        // channels (-- conv 32 16 112 1 1 0: 0.102 -> 0.087 ms; 192 -> 32 at 28²: 0.055 -> 0.045). With more rows the
        // packed panels win (64 rows: 0.463 -> 0.493 in place).
        bool inPlace = conv == null && aPacked && ldb % 16 == 0 && m <= 8 * MR;
        float[] packArray = t_packB ??= new float[KC * NC + 16];
        fixed (float* packBase = packArray)
        {
            float* pack = (float*)(((nint)packBase + 63) & ~(nint)63); // panels on cache-line boundaries: no load splits two lines
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                // From the whole product's width (ldc), not this part's: the k-blocks, and so the bits, are the same on any thread count.
                int kcMax = KcFor(Math.Min(NC, ldc), nr);
                for (int pc = 0; pc < k; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, k - pc);
                    // In place: B's whole panels are read where they are (rows ldb apart), only a last narrow one packed.
                    int packFrom = inPlace ? nc / nr * nr : 0;
                    if (conv == null)
                    {
                        if (packFrom < nc) PackB<TV, TS>(kc, nc - packFrom, b + (long)pc * ldb + col0 + jc + packFrom, ldb, pack + (long)packFrom * kc);
                    }
                    else PackConv(conv, pc, kc, col0 + jc, nc, nr, pack);
                    bool accumulate = pc != 0;
                    bool final = pc + kc == k;
                    // Blocks of MC rows: a block's A panels stay in L2 while each 32-column B panel, in L1, meets all of
                    // them — the narrow A panels stream from L2, not the wide B ones. With a short k the tiles are mostly
                    // their stores: each A panel then meets the B panels along its rows, so C (and the residual) is written a
                    // few rows at a time from left to right — six streams, where a block's rows were 96. That is for k under
                    // 64, and under 128 where C's rows are long (ResNet-50's 64 → 256 at 56², with the residual, in the
                    // network: 0.90 → 0.60–0.80 ms); MobileNetV2's 96 → 576 at 14² keeps the blocks (5 % faster there).
                    int mc = kc < 64 || kc < 128 && ldc >= 1024 ? MR : MC;
                    for (int ic = 0; ic < m; ic += mc)
                    {
                        int icEnd = Math.Min(m, ic + mc);
                        // The block's first column tile also prefetches the A block that follows (the next rows, else the
                        // next k-block from the first rows), a cache line per k: packed weights come from memory once per
                        // call, and the hardware prefetcher alone left that tile waiting on them.
                        long nextBlock = !aPacked ? 0 : icEnd < m ? (long)mc * k : pc + kc < k ? (long)kc * MR - (long)ic * k : 0;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            bool direct = jr < packFrom;
                            float* bPanel = direct ? b + (long)pc * ldb + col0 + jc + jr : pack + (long)jr * kc;
                            int bStride = direct ? ldb : nr;
                            for (int ir = ic; ir < icEnd; ir += MR)
                            {
                                int rows = Math.Min(MR, m - ir);
                                float* aPanel = a + (long)ir * k + (aPacked ? (long)pc * MR : pc);
                                long cOffset = (long)ir * ldc + jc + jr;
                                if (aPacked && cols <= 24 && TS.Count == 16)
                                    kernels.PackedTail(kc, aPanel, bPanel, c + cOffset, ldc, rows, cols,
                                        accumulate, final, bias == null ? null : bias + ir, res == null ? null : res + cOffset, alpha);
                                else if (aPacked)
                                    kernels.Packed(kc, aPanel, bPanel, c + cOffset, ldc, rows, cols,
                                        accumulate, final, bias == null ? null : bias + ir, res == null ? null : res + cOffset, alpha, bStride,
                                        jr == 0 && nextBlock != 0 && (icEnd == m || ir + mc < m) ? aPanel + nextBlock : null);
                                else
                                    kernels.Plain(kc, aPanel, k, bPanel, c + cOffset, ldc, rows, cols,
                                        accumulate, final, bias == null ? null : bias + ir, res == null ? null : res + cOffset, alpha, null);
                            }
                        }
                        if (final && kernels.ActivateBlock != null) kernels.ActivateBlock(c + (long)ic * ldc + jc, ldc, icEnd - ic, nc, alpha);
                    }
                }
            }
        }
    }

    /// <summary>The activation applied in place to <paramref name="rows"/> × <paramref name="cols"/> floats of C.</summary>
    private static void ActivateBlock<TV, TS, TA>(float* c, int ldc, int rows, int cols, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        for (int r = 0; r < rows; r++, c += ldc) SimdOps.ActivateRange<TV, TS, TA>(c, cols, alpha);
    }

    /// <summary>
    /// Packs rows [pc, pc + kc) × columns [col, col + nc) of a convolution's virtual im2col matrix (row = (c, kh, kw),
    /// column = (oy, ox)) into the same panel layout as <see cref="PackB{TV,TS}"/>, reading runs of each input row directly
    /// (every <c>SW</c>-th element of the row for a strided convolution).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackConv(ConvSource* src, int pc, int kc, int col, int nc, int nr, float* pack)
    {
        ref ConvSource s = ref *src;
        if (s.OW < 2 * nr)
        {
            // Output rows under two panels wide: most panels wrap onto the next row, so the whole block goes run by run.
            PackConvRuns(src, pc, kc, col, nc, nr, pack);
            return;
        }
        int v = nr / 2;
        int reach = v == 16 ? SimdOps.StridedReach<Vector512<float>, Simd512>(s.SW)
            : v == 8 ? SimdOps.StridedReach<Vector256<float>, Simd256>(s.SW) : SimdOps.StridedReach<Vector128<float>, Simd128>(s.SW);
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            int oy = (col + jr) / s.OW, ox = (col + jr) - oy * s.OW;
            if (cols < nr || ox + nr > s.OW)
            {
                // A partial panel, or one whose columns wrap onto the next output row: copied run by run.
                PackConvRuns(src, pc, kc, col + jr, cols, nr, pack + (long)jr * kc);
                continue;
            }
            // The panel is nr consecutive outputs of one row: for each k-row, two (strided) vector loads where the
            // window lies inside the input row, element by element (zero outside) near the borders.
            float* dst = pack + (long)jr * kc;
            int taps = s.KH * s.KW;
            int q = pc, ci = q / taps, t = q - ci * taps, kh = t / s.KW, kw = t - kh * s.KW;
            for (int p = 0; p < kc; p++, dst += nr)
            {
                int iy = oy * s.SH - s.PH + kh * s.DH;
                int x0 = ox * s.SW - s.PW + kw * s.DW;
                if ((uint)iy >= (uint)s.H)
                    Zero(dst, nr);
                else
                {
                    float* row = s.X + ((long)ci * s.H + iy) * s.W;
                    if (x0 >= 0 && x0 + v * s.SW + reach <= s.W)
                    {
                        if (v == 16)
                        {
                            Simd512.Store(dst, SimdOps.LoadStrided<Vector512<float>, Simd512>(row + x0, s.SW));
                            Simd512.Store(dst + 16, SimdOps.LoadStrided<Vector512<float>, Simd512>(row + x0 + 16 * s.SW, s.SW));
                        }
                        else if (v == 8)
                        {
                            Simd256.Store(dst, SimdOps.LoadStrided<Vector256<float>, Simd256>(row + x0, s.SW));
                            Simd256.Store(dst + 8, SimdOps.LoadStrided<Vector256<float>, Simd256>(row + x0 + 8 * s.SW, s.SW));
                        }
                        else
                            for (int i = 0; i < nr; i++) dst[i] = row[x0 + i * s.SW];
                    }
                    else
                    {
                        for (int i = 0, x = x0; i < nr; i++, x += s.SW) dst[i] = (uint)x < (uint)s.W ? row[x] : 0f;
                    }
                }
                if (++kw == s.KW)
                {
                    kw = 0;
                    if (++kh == s.KH) { kh = 0; ci++; }
                }
            }
        }
    }

    [ThreadStatic] private static float[]? t_line;

    /// <summary><see cref="PackConvRuns{TL}"/> with the strided load for the convolution's column stride.</summary>
    private static void PackConvRuns(ConvSource* src, int pc, int kc, int col, int nc, int nr, float* pack)
    {
        int sw = src->SW;
        if (sw == 1) PackConvRuns<DenseLoad>(src, pc, kc, col, nc, nr, pack);
        else if (sw == 2) PackConvRuns<EvenLoad>(src, pc, kc, col, nc, nr, pack);
        else PackConvRuns<GatherLoad>(src, pc, kc, col, nc, nr, pack);
    }

    /// <summary>
    /// <see cref="PackConv"/> for any column range (output rows narrower than a panel: the columns of one panel span
    /// several output rows). Per k-row: the row's nc columns are gathered into one contiguous line, each output row's
    /// run copied at once (every <c>SW</c>-th input element, zeros where the window leaves the image), then the line is
    /// cut into the panels with whole-vector copies, zeros past nc. The strided load is a type (<typeparamref name="TL"/>),
    /// so for strides 1 and 2 the loops hold no call; the k-row's channel and tap advance by counting and each tap
    /// column's clipping to the image is worked out once per call, so a k-row divides nothing, and a run inside the image
    /// (all but the border rows and columns) is one strided copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackConvRuns<TL>(ConvSource* src, int pc, int kc, int col, int nc, int nr, float* pack)
        where TL : struct, IStridedLoad
    {
        ref ConvSource s = ref *src;
        int taps = s.KH * s.KW, sw = s.SW, ow = s.OW;
        int oyFirst = col / ow, oxFirst = col - oyFirst * ow;
        int runs = (oxFirst + nc + ow - 1) / ow; // output rows the columns touch
        // Per tap column kw: the output columns ox whose input column kw·DW − PW + ox·SW lies inside [0, W): [lo, hi).
        int* clip = stackalloc int[2 * s.KW];
        for (int kw = 0; kw < s.KW; kw++)
        {
            int offW = kw * s.DW - s.PW;
            int lo = offW >= 0 ? 0 : Math.Min(ow, (-offW + sw - 1) / sw);
            clip[2 * kw] = lo;
            clip[2 * kw + 1] = s.W - 1 - offW < 0 ? lo : Math.Clamp((s.W - 1 - offW) / sw + 1, lo, ow);
        }
        float[] lineArray = t_line is { } l && l.Length >= nc ? l : (t_line = new float[Math.Max(nc, NC)]);
        fixed (float* line = lineArray)
        {
            int ci = pc / taps, t = pc - ci * taps, khNow = t / s.KW, kwNow = t - khNow * s.KW;
            for (int p = 0; p < kc; p++)
            {
                float* xc = s.X + (long)ci * s.H * s.W + kwNow * s.DW - s.PW;
                int owLo = clip[2 * kwNow], owHi = clip[2 * kwNow + 1];
                int iy = oyFirst * s.SH - s.PH + khNow * s.DH, ox = oxFirst;
                float* dst = line;
                for (int r = 0, left = nc; r < runs; r++, iy += s.SH, ox = 0)
                {
                    int run = Math.Min(left, ow - ox);
                    if ((uint)iy >= (uint)s.H)
                        Zero(dst, run);
                    else
                    {
                        float* row = xc + (long)iy * s.W;
                        if (ox >= owLo && ox + run <= owHi)
                            CopyStrided<TL>(row, sw, ox, ox + run, dst);
                        else
                        {
                            int a0 = Math.Max(ox, owLo), a1 = Math.Min(ox + run, owHi);
                            if (a1 <= a0) Zero(dst, run);
                            else
                            {
                                // Zeros and copies in line (no Span calls): the padding is a float or two.
                                if (a0 > ox) Zero(dst, a0 - ox);
                                CopyStrided<TL>(row, sw, a0, a1, dst + (a0 - ox));
                                if (ox + run > a1) Zero(dst + (a1 - ox), ox + run - a1);
                            }
                        }
                    }
                    dst += run;
                    left -= run;
                }
                // The line into the panels: k-row p of panel j at pack + j·kc + p·nr (zeros past nc).
                float* to = pack + (long)p * nr;
                int full = nc - nc % nr;
                for (int j = 0; j < full; j += nr, to += (long)nr * kc) CopyPanelRow(line + j, to, nr);
                if (full < nc)
                {
                    Zero(line + nc, nr - (nc - full));
                    CopyPanelRow(line + full, to, nr);
                }
                if (++kwNow == s.KW)
                {
                    kwNow = 0;
                    if (++khNow == s.KH) { khNow = 0; ci++; }
                }
            }
        }
    }

    /// <summary>
    /// dst[i] = row[(a0 + i)·stride] for i &lt; a1 − a0, where every one of those inputs lies in the row (the caller clips
    /// [a0, a1) to it). A strided load reads nothing past its last element (<see cref="SimdOps.StridedReach{TV,TS}"/>), so
    /// every output comes from a vector of the widest width that fits: whole vectors, then one more ending at a1
    /// (overlapping); fewer outputs than the narrowest vector one by one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyStrided<TL>(float* row, int stride, int a0, int a1, float* dst) where TL : struct, IStridedLoad
    {
        int n = a1 - a0;
        float* src = row + (long)a0 * stride;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            int i = 0;
            for (; i + 16 <= n; i += 16) Simd512.Store(dst + i, TL.Load<Vector512<float>, Simd512>(src + (long)i * stride, stride));
            if (i < n) Simd512.Store(dst + n - 16, TL.Load<Vector512<float>, Simd512>(src + (long)(n - 16) * stride, stride));
            return;
        }
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            int i = 0;
            for (; i + 8 <= n; i += 8) Simd256.Store(dst + i, TL.Load<Vector256<float>, Simd256>(src + (long)i * stride, stride));
            if (i < n) Simd256.Store(dst + n - 8, TL.Load<Vector256<float>, Simd256>(src + (long)(n - 8) * stride, stride));
            return;
        }
        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            int i = 0;
            for (; i + 4 <= n; i += 4) Simd128.Store(dst + i, TL.Load<Vector128<float>, Simd128>(src + (long)i * stride, stride));
            if (i < n) Simd128.Store(dst + n - 4, TL.Load<Vector128<float>, Simd128>(src + (long)(n - 4) * stride, stride));
            return;
        }
        for (int i = 0; i < n; i++) dst[i] = src[(long)i * stride];
    }

    /// <summary>n zeros at dst, by vectors where there are whole ones (a panel row, an output row) and one by one otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero(float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512.Store(Vector512<float>.Zero, dst + i);
        for (; i + 4 <= n; i += 4) Vector128.Store(Vector128<float>.Zero, dst + i);
        for (; i < n; i++) dst[i] = 0f;
    }

    /// <summary>One k-row of a packed panel (nr = 8, 16 or 32 floats: two vectors of the kernels' width) from the gathered line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPanelRow(float* from, float* to, int nr)
    {
        if (Vector512.IsHardwareAccelerated && nr == 32)
        {
            Vector512.Store(Vector512.Load(from), to);
            Vector512.Store(Vector512.Load(from + 16), to + 16);
            return;
        }
        for (int i = 0; i < nr; i += 4) Vector128.Store(Vector128.Load(from + i), to + i);
    }

    /// <summary>Packs B[kc×nc] (leading dimension ldb) into panels of 2 vectors width, zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<TV, TS>(int kc, int nc, float* b, int ldb, float* pack)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count, nr = 2 * v;
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* dst = pack + (long)jr * kc;
            int cols = Math.Min(nr, nc - jr);
            float* src = b + jr;
            if (cols == nr)
            {
                for (int p = 0; p < kc; p++)
                {
                    TS.Store(dst, TS.Load(src));
                    TS.Store(dst + v, TS.Load(src + v));
                    src += ldb;
                    dst += nr;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    int j = 0;
                    if (cols >= v) { TS.Store(dst, TS.Load(src)); j = v; }
                    for (; j < cols; j++) dst[j] = src[j];
                    for (; j < nr; j++) dst[j] = 0f;
                    src += ldb;
                    dst += nr;
                }
            }
        }
    }

    /// <summary>
    /// What the <paramref name="tile"/>-th tile over a panel prefetches of the next one (<paramref name="k"/> rows of
    /// <paramref name="panelColumns"/> floats at <paramref name="nextPanel"/>), a cache line of 16 floats per k: floats
    /// [tile·k·16, (tile + 1)·k·16) of it — two tiles for 32-float panels — or null once the first tiles have covered it.
    /// The micro-kernels take the result as their <c>prefetch</c> argument (pixel rows, Winograd's positions).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per tile: was left a call (at tier 0 for the first calls)
    internal static float* PrefetchShare(float* nextPanel, int tile, int k, int panelColumns)
    {
        long from = (long)tile * k * 16;
        return from < (long)k * panelColumns ? nextPanel + from : null;
    }

    /// <summary>
    /// 6×(2 vectors) micro-kernel over a packed B panel. Rows beyond <paramref name="rows"/> reuse the
    /// last valid row of A (computed, not stored); columns beyond <paramref name="cols"/> are zero-padded. With
    /// <paramref name="prefetch"/>, one cache line from there into L2 per k (x86).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel<TV, TS, TA>(int kc, float* a, int lda, float* bp, float* c, int ldc, int rows, int cols,
        bool accumulate, bool final, float* bias, float* res, float alpha, float* prefetch = null)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        bool fetch = prefetch != null && Sse.IsSupported;
        float* a0 = a;
        float* a1 = rows > 1 ? a0 + lda : a0;
        float* a2 = rows > 2 ? a1 + lda : a1;
        float* a3 = rows > 3 ? a2 + lda : a2;
        float* a4 = rows > 4 ? a3 + lda : a3;
        float* a5 = rows > 5 ? a4 + lda : a4;
        int v = TS.Count;

        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV b0 = TS.Load(bp);
            TV b1 = TS.Load(bp + v);
            bp += 2 * v;
            if (fetch) { Sse.Prefetch1(prefetch); prefetch += 16; }
            TV t = TS.Broadcast(a0[p]); c00 = TS.Fma(t, b0, c00); c01 = TS.Fma(t, b1, c01);
            t = TS.Broadcast(a1[p]); c10 = TS.Fma(t, b0, c10); c11 = TS.Fma(t, b1, c11);
            t = TS.Broadcast(a2[p]); c20 = TS.Fma(t, b0, c20); c21 = TS.Fma(t, b1, c21);
            t = TS.Broadcast(a3[p]); c30 = TS.Fma(t, b0, c30); c31 = TS.Fma(t, b1, c31);
            t = TS.Broadcast(a4[p]); c40 = TS.Fma(t, b0, c40); c41 = TS.Fma(t, b1, c41);
            t = TS.Broadcast(a5[p]); c50 = TS.Fma(t, b0, c50); c51 = TS.Fma(t, b1, c51);
        }

        Epilogue<TV, TS, TA>(c, ldc, rows, cols, accumulate, final, bias, res, alpha,
            c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// 6×(2 vectors) micro-kernel over a packed A panel (6 rows interleaved per k, zero rows past m) and a B panel whose
    /// k-rows are <paramref name="bStride"/> floats apart (2 vectors when packed, B's leading dimension when read in
    /// place). Only <paramref name="rows"/> rows and <paramref name="cols"/> columns are stored. With
    /// <paramref name="prefetch"/>, a cache line from there, 6 floats further each k, is fetched into L2 (x86).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void KernelPacked<TV, TS, TA>(int kc, float* ap, float* bp, float* c, int ldc, int rows, int cols,
        bool accumulate, bool final, float* bias, float* res, float alpha, int bStride, float* prefetch)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count;
        bool fetch = prefetch != null && Sse.IsSupported;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        float* end = ap + (long)kc * MR;
        for (; ap < end; ap += MR)
        {
            TV b0 = TS.Load(bp);
            TV b1 = TS.Load(bp + v);
            bp += bStride;
            if (fetch) { Sse.Prefetch1(prefetch); prefetch += MR; }
            TV t = TS.Broadcast(ap[0]); c00 = TS.Fma(t, b0, c00); c01 = TS.Fma(t, b1, c01);
            t = TS.Broadcast(ap[1]); c10 = TS.Fma(t, b0, c10); c11 = TS.Fma(t, b1, c11);
            t = TS.Broadcast(ap[2]); c20 = TS.Fma(t, b0, c20); c21 = TS.Fma(t, b1, c21);
            t = TS.Broadcast(ap[3]); c30 = TS.Fma(t, b0, c30); c31 = TS.Fma(t, b1, c31);
            t = TS.Broadcast(ap[4]); c40 = TS.Fma(t, b0, c40); c41 = TS.Fma(t, b1, c41);
            t = TS.Broadcast(ap[5]); c50 = TS.Fma(t, b0, c50); c51 = TS.Fma(t, b1, c51);
        }
        Epilogue<TV, TS, TA>(c, ldc, rows, cols, accumulate, final, bias, res, alpha,
            c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// A 512-bit panel's last tile when at most 24 of its 32 columns are used: one vector per row, as narrow as the columns
    /// allow, instead of two 512-bit ones — the 4 columns left of a 14×14 output's 196 cost a 128-bit multiply-add per row
    /// and k; the 17 left of a 7×7 output's 49 run as 16 columns and then 1, each its own pass over the A panel. (One kernel
    /// holding a 512-bit and a narrower vector per row was measured too: its speed swung from run to run between 0.4× and
    /// 1.1× the full tile's.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelPackedTail<TA>(int kc, float* ap, float* bp, float* c, int ldc, int rows, int cols,
        bool accumulate, bool final, float* bias, float* res, float alpha)
        where TA : struct, IActivationOp
    {
        if (cols > 16)
        {
            KernelPackedNarrow<Vector512<float>, Simd512, TA>(kc, ap, bp, c, ldc, rows, 16, accumulate, final, bias, res, alpha);
            KernelPackedTail<TA>(kc, ap, bp + 16, c + 16, ldc, rows, cols - 16, accumulate, final, bias, res == null ? null : res + 16, alpha);
        }
        else if (cols > 8) KernelPackedNarrow<Vector512<float>, Simd512, TA>(kc, ap, bp, c, ldc, rows, cols, accumulate, final, bias, res, alpha);
        else if (cols > 4) KernelPackedNarrow<Vector256<float>, Simd256, TA>(kc, ap, bp, c, ldc, rows, cols, accumulate, final, bias, res, alpha);
        else KernelPackedNarrow<Vector128<float>, Simd128, TA>(kc, ap, bp, c, ldc, rows, cols, accumulate, final, bias, res, alpha);
    }

    /// <summary>6 rows × one vector of <typeparamref name="TV"/> over the first columns of a 32-column packed B panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelPackedNarrow<TV, TS, TA>(int kc, float* ap, float* bp, float* c, int ldc, int rows, int cols,
        bool accumulate, bool final, float* bias, float* res, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        // Two sets of sums (even and odd k): narrow multiply-adds issue two per cycle, so one set of six would wait on
        // their latency rather than on the units.
        TV c0 = TS.Zero, c1 = TS.Zero, c2 = TS.Zero, c3 = TS.Zero, c4 = TS.Zero, c5 = TS.Zero;
        TV d0 = TS.Zero, d1 = TS.Zero, d2 = TS.Zero, d3 = TS.Zero, d4 = TS.Zero, d5 = TS.Zero;
        float* end = ap + (long)(kc & ~1) * MR;
        for (; ap < end; ap += 2 * MR, bp += 64)
        {
            TV b = TS.Load(bp), e = TS.Load(bp + 32);
            c0 = TS.Fma(TS.Broadcast(ap[0]), b, c0);
            c1 = TS.Fma(TS.Broadcast(ap[1]), b, c1);
            c2 = TS.Fma(TS.Broadcast(ap[2]), b, c2);
            c3 = TS.Fma(TS.Broadcast(ap[3]), b, c3);
            c4 = TS.Fma(TS.Broadcast(ap[4]), b, c4);
            c5 = TS.Fma(TS.Broadcast(ap[5]), b, c5);
            d0 = TS.Fma(TS.Broadcast(ap[6]), e, d0);
            d1 = TS.Fma(TS.Broadcast(ap[7]), e, d1);
            d2 = TS.Fma(TS.Broadcast(ap[8]), e, d2);
            d3 = TS.Fma(TS.Broadcast(ap[9]), e, d3);
            d4 = TS.Fma(TS.Broadcast(ap[10]), e, d4);
            d5 = TS.Fma(TS.Broadcast(ap[11]), e, d5);
        }
        if ((kc & 1) != 0)
        {
            TV b = TS.Load(bp);
            c0 = TS.Fma(TS.Broadcast(ap[0]), b, c0);
            c1 = TS.Fma(TS.Broadcast(ap[1]), b, c1);
            c2 = TS.Fma(TS.Broadcast(ap[2]), b, c2);
            c3 = TS.Fma(TS.Broadcast(ap[3]), b, c3);
            c4 = TS.Fma(TS.Broadcast(ap[4]), b, c4);
            c5 = TS.Fma(TS.Broadcast(ap[5]), b, c5);
        }
        c0 = TS.Add(c0, d0); c1 = TS.Add(c1, d1); c2 = TS.Add(c2, d2); c3 = TS.Add(c3, d3); c4 = TS.Add(c4, d4); c5 = TS.Add(c5, d5);
        // In line, as Epilogue does for the full tiles (a 7×7 output's 16-column tail, a 14×14 output's 4).
        if (TA.CallFree && rows == MR && cols == TS.Count && final && !accumulate)
            StoreNarrowRows<TV, TS, TA>(c, ldc, MR, TS.Count, false, true, bias, res, alpha, c0, c1, c2, c3, c4, c5);
        else
            StoreNarrowTile<TV, TS, TA>(c, ldc, rows, cols, accumulate, final, bias, res, alpha, c0, c1, c2, c3, c4, c5);
    }

    /// <summary>
    /// The narrow kernel's epilogue, out of line for the reason given at <see cref="StoreTile{TV,TS,TA}"/>, and a loop over
    /// its rows for the reason given there too.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreNarrowTile<TV, TS, TA>(float* c, int ldc, int rows, int cols, bool accumulate, bool final, float* bias, float* res,
        float alpha, TV c0, TV c1, TV c2, TV c3, TV c4, TV c5)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        var tile = new SumTile<TV>();
        tile[0] = c0; tile[1] = c1; tile[2] = c2; tile[3] = c3; tile[4] = c4; tile[5] = c5;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            StoreVector<TV, TS, TA>(c, tile[r], cols, accumulate, final, bias == null ? 0f : bias[r], res, alpha);
            if (res != null) res += ldc;
        }
    }

    /// <summary>The narrow tile's first <paramref name="rows"/> rows; in line, so constant arguments fold its tests away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreNarrowRows<TV, TS, TA>(float* c, int ldc, int rows, int cols, bool accumulate, bool final, float* bias, float* res,
        float alpha, TV c0, TV c1, TV c2, TV c3, TV c4, TV c5)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        StoreVector<TV, TS, TA>(c, c0, cols, accumulate, final, bias == null ? 0f : bias[0], res, alpha);
        if (rows > 1) StoreVector<TV, TS, TA>(c + ldc, c1, cols, accumulate, final, bias == null ? 0f : bias[1], res == null ? null : res + ldc, alpha);
        if (rows > 2) StoreVector<TV, TS, TA>(c + 2L * ldc, c2, cols, accumulate, final, bias == null ? 0f : bias[2], res == null ? null : res + 2L * ldc, alpha);
        if (rows > 3) StoreVector<TV, TS, TA>(c + 3L * ldc, c3, cols, accumulate, final, bias == null ? 0f : bias[3], res == null ? null : res + 3L * ldc, alpha);
        if (rows > 4) StoreVector<TV, TS, TA>(c + 4L * ldc, c4, cols, accumulate, final, bias == null ? 0f : bias[4], res == null ? null : res + 4L * ldc, alpha);
        if (rows > 5) StoreVector<TV, TS, TA>(c + 5L * ldc, c5, cols, accumulate, final, bias == null ? 0f : bias[5], res == null ? null : res + 5L * ldc, alpha);
    }

    /// <summary>
    /// The micro-kernels' epilogue: a whole tile (6 rows, 2 vectors) with an activation that calls nothing
    /// (<see cref="IActivationOp.CallFree"/>) is stored here, in line; anything else goes to <see cref="StoreTile{TV,TS,TA}"/>.
    /// In line, the twelve sums go straight from registers to C. Out of line they are passed through the stack (the calling
    /// convention has no vector registers for them): on a short k — a pointwise convolution on 16 or 24 input channels, whose
    /// tiles are 16 or 24 multiply-add steps — that hand-over cost as much as the multiply-adds (MobileNetV2's 16 → 96 at
    /// 112², hot: 0.54 → 0.23 ms).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Epilogue<TV, TS, TA>(float* c, int ldc, int rows, int cols, bool accumulate, bool final, float* bias, float* res,
        float alpha, TV c00, TV c01, TV c10, TV c11, TV c20, TV c21, TV c30, TV c31, TV c40, TV c41, TV c50, TV c51)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count;
        if (TA.CallFree && rows == MR && cols == 2 * v && final && !accumulate)
        {
            // One form only, its flags constants: with a branch on them per vector, or all four forms, the JIT's inlining
            // budget ran out and left calls here (measured at half this speed on a short k).
            StoreRows<TV, TS, TA>(c, ldc, MR, v, v, false, true, bias, res, alpha, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
            return;
        }
        StoreTile<TV, TS, TA>(c, ldc, rows, cols, accumulate, final, bias, res, alpha,
            c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    }

    /// <summary>
    /// A tile's first <paramref name="rows"/> rows, <paramref name="cols0"/> + <paramref name="cols1"/> columns; in line, so
    /// <see cref="Epilogue{TV,TS,TA}"/>'s constant arguments fold its tests away, and the body of <see cref="StoreTile{TV,TS,TA}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<TV, TS, TA>(float* c, int ldc, int rows, int cols0, int cols1, bool accumulate, bool final, float* bias,
        float* res, float alpha, TV c00, TV c01, TV c10, TV c11, TV c20, TV c21, TV c30, TV c31, TV c40, TV c41, TV c50, TV c51)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        StoreRow<TV, TS, TA>(c, c00, c01, cols0, cols1, accumulate, final, bias, 0, res, alpha);
        if (rows > 1) StoreRow<TV, TS, TA>(c + ldc, c10, c11, cols0, cols1, accumulate, final, bias, 1, res == null ? null : res + ldc, alpha);
        if (rows > 2) StoreRow<TV, TS, TA>(c + 2L * ldc, c20, c21, cols0, cols1, accumulate, final, bias, 2, res == null ? null : res + 2L * ldc, alpha);
        if (rows > 3) StoreRow<TV, TS, TA>(c + 3L * ldc, c30, c31, cols0, cols1, accumulate, final, bias, 3, res == null ? null : res + 3L * ldc, alpha);
        if (rows > 4) StoreRow<TV, TS, TA>(c + 4L * ldc, c40, c41, cols0, cols1, accumulate, final, bias, 4, res == null ? null : res + 4L * ldc, alpha);
        if (rows > 5) StoreRow<TV, TS, TA>(c + 5L * ldc, c50, c51, cols0, cols1, accumulate, final, bias, 5, res == null ? null : res + 5L * ldc, alpha);
    }

    /// <summary>
    /// The micro-kernels' epilogue for partial tiles, deliberately out of line: the sums are then arguments, dead once passed.
    /// (Activations that call never reach the micro-kernels: <see cref="Run{TV,TS}"/> gives them none and activates each
    /// block after.) Inlined, the epilogue's calls (partial tiles, exponential activations) kept the twelve sums live across a call, and since every
    /// vector register is caller-saved the register allocator stored each sum to the stack on every iteration of the k loop
    /// (a store per multiply-add, and a reload on the back edge) — with the JIT's profile (tier 1) and without it (tiering
    /// off, NativeAOT) alike.
    /// </summary>
    /// <remarks>
    /// A loop over the rows, not the twelve stores written out: the sums arrive on the stack either way, and one row's store
    /// code (full and partial vectors, accumulate, bias, residual, activation) is a sixth of the code for the JIT to compile
    /// before the first result — 6–7 ms for each activation type written out. Its cost per call is a loop over at most six
    /// rows, on tiles of a hundred or more multiply-add steps.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreTile<TV, TS, TA>(float* c, int ldc, int rows, int cols, bool accumulate, bool final, float* bias, float* res,
        float alpha, TV c00, TV c01, TV c10, TV c11, TV c20, TV c21, TV c30, TV c31, TV c40, TV c41, TV c50, TV c51)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        var tile = new SumTile<TV>();
        tile[0] = c00; tile[1] = c01; tile[2] = c10; tile[3] = c11; tile[4] = c20; tile[5] = c21;
        tile[6] = c30; tile[7] = c31; tile[8] = c40; tile[9] = c41; tile[10] = c50; tile[11] = c51;
        int v = TS.Count, cols0 = Math.Min(cols, v), cols1 = cols - cols0;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            float bv = bias == null ? 0f : bias[r];
            StoreVector<TV, TS, TA>(c, tile[2 * r], cols0, accumulate, final, bv, res, alpha);
            if (cols1 > 0) StoreVector<TV, TS, TA>(c + v, tile[2 * r + 1], cols1, accumulate, final, bv, res == null ? null : res + v, alpha);
            if (res != null) res += ldc;
        }
    }

    /// <summary>A register tile's sums (6 rows × 2 vectors, or 6 × 1), kept on the stack for the out-of-line stores.</summary>
    [InlineArray(2 * MR)]
    private struct SumTile<TV> where TV : struct
    {
        private TV _sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TV, TS, TA>(float* c, TV x0, TV x1, int cols0, int cols1, bool accumulate, bool final,
        float* bias, int row, float* res, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        float bv = bias == null ? 0f : bias[row];
        StoreVector<TV, TS, TA>(c, x0, cols0, accumulate, final, bv, res, alpha);
        if (cols1 > 0) StoreVector<TV, TS, TA>(c + TS.Count, x1, cols1, accumulate, final, bv, res == null ? null : res + TS.Count, alpha);
    }

    /// <summary>
    /// Writes one accumulator vector: adds the previous k-block's partial sum, then the epilogue on the last block. A tile's
    /// last columns take the same vector formula through partial loads and stores, so nothing here calls out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreVector<TV, TS, TA>(float* c, TV x, int cols, bool accumulate, bool final, float bv, float* res, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        if (cols == TS.Count)
        {
            if (accumulate) x = TS.Add(x, TS.Load(c));
            if (final)
            {
                x = TS.Add(x, TS.Broadcast(bv));
                if (res != null) x = TS.Add(x, TS.Load(res));
                x = TA.Apply<TV, TS>(x, alpha);
            }
            TS.Store(c, x);
            return;
        }
        if (accumulate) x = TS.Add(x, SimdOps.LoadPartial<TV, TS>(c, cols));
        if (final)
        {
            x = TS.Add(x, TS.Broadcast(bv));
            if (res != null) x = TS.Add(x, SimdOps.LoadPartial<TV, TS>(res, cols));
            x = TA.Apply<TV, TS>(x, alpha);
        }
        SimdOps.StorePartial<TV, TS>(c, x, cols);
    }
}

/// <summary>A convolution input seen as its im2col matrix (one group, CHW), for implicit-GEMM packing.</summary>
internal unsafe struct ConvSource
{
    public float* X;
    public int H, W, OW, KH, KW, SH, SW, PH, PW, DH, DW;
}
