using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Cpu;

/// <summary>
/// Depthwise convolution, one channel at a time: the channel's plane is copied into a zero-bordered buffer
/// (thread-local, reused) so every output row is the same branch-free vector loop — no scalar borders, which
/// dominate on the narrow 7×7 and 14×14 planes. The vector width is picked per output width to waste the fewest
/// lanes (7 → 8 lanes, 14 → 16), and 3×3 kernels keep their nine weights in registers.
/// <para>
/// Each buffered row is split into <c>stride</c> phases: phase q holds padded columns q, q + stride, q + 2·stride, …
/// (for stride 2, the even and the odd columns). Tap kw of output column ox then reads element ox + (kw·dil) / stride of
/// phase (kw·dil) % stride: a plain vector load for every stride, the de-interleaving done once per input row while it
/// is copied instead of once per tap.
/// </para>
/// <para>
/// 3×3 kernels with padding 1 and 5×5 ones with padding 2, at stride 1 or 2, run differently where AVX-512 is in hardware
/// (<see cref="StreamsRows"/>): no buffer, each input row read by masked loads and shuffled in registers into one vector
/// per kernel column, whose multiply-adds go straight into the output rows that read it — for 3×3 two channels a vector
/// for rows of up to 8 outputs (<c>RunPairs</c>), otherwise one channel in chunks of 16 outputs (<c>RunChunks</c>,
/// <c>RunChunks5</c>). With .NET 9 or later: .NET 8 has no masked loads and stores with vector masks. On x64 with AVX2 but
/// not those (<see cref="StreamsRows256"/>), the same but for 5×5 at stride 2 in chunks of 8 outputs with AVX's masked
/// loads (<see cref="RunChunks256{TA}"/>); elsewhere (ARM64, SSE) the buffered kernel.
/// </para>
/// </summary>
internal static unsafe class DepthwiseConv
{
    [ThreadStatic] private static float[]? t_plane;

    /// <summary>Input planes from this size (floats) on have the next channel's plane prefetched (<see cref="Plane3x3"/>).</summary>
    private const long PrefetchPlaneFloats = 1024;

    /// <summary>
    /// Buffered strided 3×3 planes larger than this (bytes) are filled <see cref="InterleaveRows"/> output rows at a time
    /// instead of whole before the first row: the copy's reads from L3 or memory then overlap the arithmetic, and the rows
    /// are still in L1 when read.
    /// </summary>
    private const long InterleavePlaneBytes = 32 * 1024;

    /// <summary>Output rows per band of a banded plane (<see cref="InterleavePlaneBytes"/>).</summary>
    private const int InterleaveRows = 8;

    /// <summary>Channels [c0, c1) of a depthwise convolution (Groups == InChannels == OutChannels).</summary>
    public static void Run(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act, float* y, int c0, int c1)
    {
        var body = new Body { Shape = s, X = x, W = wt, Bias = bias, Res = res, Alpha = act.Alpha, Y = y, C0 = c0, C1 = c1 };
        ActivationDispatch.Run(act.Kind, ref body);
    }

    /// <summary>The arguments, run with the activation as a type (its formula inlined into the row loops).</summary>
    private struct Body : IActivationBody
    {
        public Conv2dShape Shape;
        public float* X, W, Bias, Res, Y;
        public float Alpha;
        public int C0, C1;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp
        {
            if (!TA.CallFree)
            {
                // An activation that calls out (an exponential) at every row store spilled the streamed kernels' registers
                // (EfficientNet's 96 channels from 112² with SiLU: 0.47 ms against 0.13 with ReLU6): the planes are
                // computed with bias and residual only, then activated in one pass.
                Invoke<NoneOp>();
                SimdOps.ActivateRange<TA>(Y + (long)C0 * Shape.OutHeight * Shape.OutWidth, (long)(C1 - C0) * Shape.OutHeight * Shape.OutWidth, Alpha);
                return;
            }
#if NET9_0_OR_GREATER
            if (StreamsRows(Shape))
            {
                if (Shape.KernelHeight == 5) RunChunks5<TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1);
                else if (Shape.OutWidth <= 8) RunPairs<TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1);
                else RunChunks<TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1);
                return;
            }
#endif
            if (StreamsRows256(Shape))
            {
                RunChunks256<TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1);
                return;
            }
            switch (RowLanes(Shape.OutWidth))
            {
                case 16: Run<Vector512<float>, Simd512, TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1); break;
                case 8: Run<Vector256<float>, Simd256, TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1); break;
                default: Run<Vector128<float>, Simd128, TA>(Shape, X, W, Bias, Res, Alpha, Y, C0, C1); break;
            }
        }
    }

    /// <summary>
    /// Floats per vector for output rows of <paramref name="ow"/> (16, 8 or 4): 16 where 512-bit vectors are in hardware
    /// and waste at most 1/7 of their lanes on the rows (14 → 16), else 8 where 256-bit ones are (7 → 8; also 5, 10 or 20,
    /// which four-float vectors would cover with fewer idle lanes but more instructions), else 4. Two widths at most per
    /// machine: each width is another compiled copy of every row kernel, and the JIT compiling those copies (~10 ms each)
    /// delayed a detector's first result. The few-output kernel (<see cref="DirectConv"/>) picks its width by the same rule.
    /// </summary>
    internal static int RowLanes(int ow) =>
        Vector512.IsHardwareAccelerated && Fits(ow, 16) ? 16
        : Vector256.IsHardwareAccelerated ? 8
        : 4;

    /// <summary>
    /// True when the rows are streamed through registers rather than buffered (<c>RunPairs</c>, <c>RunChunks</c>,
    /// <c>RunChunks5</c>): .NET 9 or later, 512-bit vectors with AVX-512VL masking, and a shape the streamed kernels take
    /// (<see cref="StreamedShape"/>: every depthwise layer of MobileNetV2, the stride-1 5×5 ones of EfficientNet; and
    /// <see cref="Streamed5x5Stride2"/>, its stride-2 5×5 ones).
    /// </summary>
    internal static bool StreamsRows(in Conv2dShape s) =>
#if NET9_0_OR_GREATER
        Vector512.IsHardwareAccelerated && Avx512F.VL.IsSupported && (StreamedShape(s) || Streamed5x5Stride2(s));
#else
        false; // masked loads and stores with vector masks (Avx512F.MaskLoad) are .NET 9 API: .NET 8 keeps the buffered kernel
#endif

#if NET9_0_OR_GREATER

    /// <summary>
    /// Rows of at most 8 outputs (7×7 at stride 1, or from 14×14 at stride 2) two channels a vector: channel c in the low
    /// eight lanes, c + 1 in the high eight, an odd last channel paired with itself (its copy not stored). Each input row
    /// of the pair is two masked loads from column 0 and one shuffle per kernel column: lane ox of a half takes column
    /// ox·stride + kw − 1 of its channel's row, padding lanes zeroed. One channel a vector, a 7-wide row was a 256-bit
    /// vector with a lane idle, and its plane's setup (copy, nine weight broadcasts, seven short rows) cost more than its
    /// multiply-adds (-- conv, one thread: 960 channels at 7×7 0.034 → 0.011 ms, 576 from 14×14 at stride 2 0.030 → 0.011).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPairs<TA>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float alpha, float* y, int c0, int c1)
        where TA : struct, IActivationOp
    {
        int h = s.InHeight, w = s.InWidth, ow = s.OutWidth, stride = s.StrideWidth;
        long inPlane = (long)h * w, outPlane = (long)s.OutHeight * ow;
        var rows = new PairRows { Mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(w)).AsSingle() };
        PairColumns(0, stride, w, ow, ref rows.I0, ref rows.K0);
        PairColumns(1, stride, w, ow, ref rows.I1, ref rows.K1);
        PairColumns(2, stride, w, ow, ref rows.I2, ref rows.K2);
        var output = new StreamedOutput
        {
            Mask = Vector512.Create(Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(ow)).AsSingle(), Vector256<float>.Zero),
            Alpha = alpha, Width = ow,
        };
        for (int c = c0; c < c1; c += 2)
        {
            int d = c + 1 < c1 ? c + 1 : c;
            rows.X = x + c * inPlane;
            rows.Second = (d - c) * inPlane;
            output.Y = y + c * outPlane;
            output.R = res == null ? null : res + c * outPlane;
            output.Second = d != c ? outPlane : 0;
            StreamPlane<Vector512<float>, Simd512, TA, PairRows, StreamedOutput>(s, rows, output, wt + (long)c * 9, wt + (long)d * 9, bias == null ? 0f : bias[c], bias == null ? 0f : bias[d], null, null, 0);
        }
    }

    /// <summary>
    /// Wider rows one channel at a time, in chunks of 16 outputs: a chunk's input row is two masked loads from one column
    /// left of its first input (the padding there and past the row's end load as zeros) and one shuffle per kernel column —
    /// lane L of tap kw is float L·stride + kw of the 32 loaded; at stride 2 tap 2 reaches float 32, so it is shuffled from
    /// two more loads a column further on. A chunk reads a column of cache lines, one per row, which the hardware
    /// prefetcher does not follow from memory: the next channel's plane is fetched into L2 a few lines per row step. No
    /// plane copy and no idle lanes on 14- and 28-wide rows: -- conv, one thread, from memory (cold): 144 channels at 56²
    /// 0.120 → 0.067 ms, 96 from 112² at stride 2 0.190 → 0.143, 192 at 28² 0.046 → 0.028, 384 at 14² 0.031 → 0.013.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunChunks<TA>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float alpha, float* y, int c0, int c1)
        where TA : struct, IActivationOp
    {
        int stride = s.StrideWidth;
        Vector512<int> lane = Vector512<int>.Indices * stride;
        var rows = new ChunkRows
        {
            I0 = lane, I1 = lane + Vector512<int>.One, I2 = stride == 2 ? lane + Vector512<int>.One : lane + Vector512.Create(2),
            Shifted = stride == 2,
        };
        Chunks<Vector512<float>, Simd512, TA, ChunkRows, StreamedOutput>(s, x, wt, bias, res, y, c0, c1, rows, new StreamedOutput { Alpha = alpha, Width = s.OutWidth });
    }

    /// <summary>
    /// 5×5 kernels with padding 2 at stride 1 or 2 in chunks of 16 outputs, as <see cref="RunChunks{TA}"/> (no pairs: 25
    /// weights and five sums leave no registers for two channels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunChunks5<TA>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float alpha, float* y, int c0, int c1)
        where TA : struct, IActivationOp
    {
        var output = new StreamedOutput { Alpha = alpha, Width = s.OutWidth };
        if (s.StrideWidth == 2) Chunks<Vector512<float>, Simd512, TA, Chunk5Stride2Rows, StreamedOutput>(s, x, wt, bias, res, y, c0, c1, default, output);
        else Chunks<Vector512<float>, Simd512, TA, Chunk5Rows, StreamedOutput>(s, x, wt, bias, res, y, c0, c1, default, output);
    }

    /// <summary>Lanes whose column <paramref name="first"/> + lane lies in [0, <paramref name="w"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Columns(int first, int w)
    {
        Vector512<int> col = Vector512<int>.Indices + Vector512.Create(first);
        return (Vector512.GreaterThanOrEqual(col, Vector512<int>.Zero) & Vector512.LessThan(col, Vector512.Create(w))).AsSingle();
    }

    /// <summary>
    /// Lanes of kernel column <paramref name="kw"/> for a pair (see <see cref="RunPairs{TA}"/>): which of the 32 loaded
    /// floats each output lane takes (the first channel's row 0–15, the second's 16–31), and which lanes are kept (the
    /// rest, padding and lanes past the row's outputs, are zeroed).
    /// </summary>
    private static void PairColumns(int kw, int stride, int w, int ow, ref Vector512<int> index, ref Vector512<float> keep)
    {
        int* lanes = stackalloc int[16];
        int* bits = stackalloc int[16];
        for (int lane = 0; lane < 16; lane++)
        {
            int ox = lane & 7, col = ox * stride + kw - 1;
            bool valid = ox < ow && (uint)col < (uint)w;
            lanes[lane] = valid ? (lane >> 3) * 16 + col : 0;
            bits[lane] = valid ? -1 : 0;
        }
        index = Vector512.Load(lanes);
        keep = Vector512.Load(bits).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Both(float c, float d) => Vector512.Create(Vector256.Create(c), Vector256.Create(d));

    /// <summary>A pair's rows (<see cref="RunPairs{TA}"/>): the first channel's at <see cref="X"/>, the second's <see cref="Second"/> floats on.</summary>
    private struct PairRows : IStreamedRows<Vector512<float>>
    {
        public float* X;
        public long Second;
        public Vector512<float> Mask, K0, K1, K2;
        public Vector512<int> I0, I1, I2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Weight(float c, float d) => Both(c, d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row(long offset, out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2)
        {
            Vector512<float> lo = Avx512F.MaskLoad(X + offset, Mask, Vector512<float>.Zero);
            Vector512<float> hi = Avx512F.MaskLoad(X + offset + Second, Mask, Vector512<float>.Zero);
            t0 = Avx512F.PermuteVar16x32x2(lo, I0, hi) & K0;
            t1 = Avx512F.PermuteVar16x32x2(lo, I1, hi) & K1;
            t2 = Avx512F.PermuteVar16x32x2(lo, I2, hi) & K2;
        }
    }

    /// <summary>A chunk's rows (<see cref="RunChunks{TA}"/>): 32 floats from <see cref="X"/> (one column left of the chunk's first input), and at stride 2 another 32 a column on.</summary>
    private struct ChunkRows : IStreamedRows<Vector512<float>>, IChunkRows<Vector512<float>, ChunkRows>
    {
        public float* X;
        public bool Shifted;
        public Vector512<float> Low, High, Low2, High2;
        public Vector512<int> I0, I1, I2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Weight(float c, float d) => Vector512.Create(c);

        public static int Lanes => 16;
        public static int Pad => 1;
        public static int Taps => 9;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Plane<TS, TA, TO>(in Conv2dShape s, ChunkRows rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<Vector512<float>> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<Vector512<float>>
            => StreamPlane<Vector512<float>, TS, TA, ChunkRows, TO>(s, rows, output, wc, wc, b, b, ahead, aheadEnd, linesPerStep);

        /// <summary>Reads from <paramref name="first"/> (one column left of the chunk's first input) of the plane at <paramref name="plane"/>.</summary>
        public void Start(float* plane, int first, int w)
        {
            X = plane + first;
            Low = Columns(first, w);
            High = Columns(first + 16, w);
            Low2 = Columns(first + 1, w);
            High2 = Columns(first + 17, w);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row(long offset, out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2)
        {
            float* p = X + offset;
            Vector512<float> lo = Avx512F.MaskLoad(p, Low, Vector512<float>.Zero);
            Vector512<float> hi = Avx512F.MaskLoad(p + 16, High, Vector512<float>.Zero);
            t0 = Avx512F.PermuteVar16x32x2(lo, I0, hi);
            t1 = Avx512F.PermuteVar16x32x2(lo, I1, hi);
            t2 = Shifted
                ? Avx512F.PermuteVar16x32x2(Avx512F.MaskLoad(p + 1, Low2, Vector512<float>.Zero), I2, Avx512F.MaskLoad(p + 17, High2, Vector512<float>.Zero))
                : Avx512F.PermuteVar16x32x2(lo, I2, hi);
        }
    }

    /// <summary>
    /// A 5×5 chunk's rows (<see cref="RunChunks5{TA}"/>): 32 floats from <see cref="X"/> (two columns left of the chunk's
    /// first input); lane L of kernel column kw is float L + kw of them.
    /// </summary>
    private struct Chunk5Rows : IStreamedRows5<Vector512<float>>, IChunkRows<Vector512<float>, Chunk5Rows>
    {
        public float* X;
        public Vector512<float> Low, High;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Weight(float c) => Vector512.Create(c);

        public static int Lanes => 16;
        public static int Pad => 2;
        public static int Taps => 25;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Plane<TS, TA, TO>(in Conv2dShape s, Chunk5Rows rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<Vector512<float>> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<Vector512<float>>
            => StreamPlane5<Vector512<float>, TS, TA, Chunk5Rows, TO>(s, rows, output, wc, b, ahead, aheadEnd, linesPerStep, weights);

        public void Start(float* plane, int first, int w)
        {
            X = plane + first;
            Low = Columns(first, w);
            High = Columns(first + 16, w);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row5(long offset, out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2, out Vector512<float> t3, out Vector512<float> t4)
        {
            float* p = X + offset;
            Vector512<float> lo = Avx512F.MaskLoad(p, Low, Vector512<float>.Zero), hi = Avx512F.MaskLoad(p + 16, High, Vector512<float>.Zero);
            Vector512<int> lane = Vector512<int>.Indices;
            t0 = Avx512F.PermuteVar16x32x2(lo, lane, hi);
            t1 = Avx512F.PermuteVar16x32x2(lo, lane + Vector512.Create(1), hi);
            t2 = Avx512F.PermuteVar16x32x2(lo, lane + Vector512.Create(2), hi);
            t3 = Avx512F.PermuteVar16x32x2(lo, lane + Vector512.Create(3), hi);
            t4 = Avx512F.PermuteVar16x32x2(lo, lane + Vector512.Create(4), hi);
        }
    }

    /// <summary>
    /// A stride-2 5×5 chunk's rows (<see cref="RunChunks5{TA}"/>): from <see cref="X"/> (two columns left of the chunk's first
    /// input), three pairs of masked loads 0, 2 and 4 floats on; lane L of kernel column kw is float 2·L + kw, the even or odd
    /// floats of a pair (kw 0 and 1 from the first, 2 and 3 from the second, 4 from the third: a shuffle reaches 32 floats).
    /// </summary>
    private struct Chunk5Stride2Rows : IStreamedRows5<Vector512<float>>, IChunkRows<Vector512<float>, Chunk5Stride2Rows>
    {
        public float* X;
        public Vector512<float> M0, M1, M2, M3, M4, M5;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Weight(float c) => Vector512.Create(c);

        public static int Lanes => 16;
        public static int Pad => 2;
        public static int Taps => 25;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Plane<TS, TA, TO>(in Conv2dShape s, Chunk5Stride2Rows rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<Vector512<float>> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<Vector512<float>>
            => StreamPlane5Stride2<Vector512<float>, TS, TA, Chunk5Stride2Rows, TO>(s, rows, output, wc, b, ahead, aheadEnd, linesPerStep, weights);

        public void Start(float* plane, int first, int w)
        {
            X = plane + first;
            M0 = Columns(first, w);
            M1 = Columns(first + 16, w);
            M2 = Columns(first + 2, w);
            M3 = Columns(first + 18, w);
            M4 = Columns(first + 4, w);
            M5 = Columns(first + 20, w);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row5(long offset, out Vector512<float> t0, out Vector512<float> t1, out Vector512<float> t2, out Vector512<float> t3, out Vector512<float> t4)
        {
            float* p = X + offset;
            Vector512<int> even = Vector512<int>.Indices + Vector512<int>.Indices, odd = even + Vector512.Create(1);
            Vector512<float> lo = Avx512F.MaskLoad(p, M0, Vector512<float>.Zero), hi = Avx512F.MaskLoad(p + 16, M1, Vector512<float>.Zero);
            t0 = Avx512F.PermuteVar16x32x2(lo, even, hi);
            t1 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
            lo = Avx512F.MaskLoad(p + 2, M2, Vector512<float>.Zero);
            hi = Avx512F.MaskLoad(p + 18, M3, Vector512<float>.Zero);
            t2 = Avx512F.PermuteVar16x32x2(lo, even, hi);
            t3 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
            lo = Avx512F.MaskLoad(p + 4, M4, Vector512<float>.Zero);
            hi = Avx512F.MaskLoad(p + 20, M5, Vector512<float>.Zero);
            t4 = Avx512F.PermuteVar16x32x2(lo, even, hi);
        }
    }

    /// <summary>
    /// Where <see cref="StreamPlane{TV,TS,TA,TR,TO}"/>'s output rows go: residual added, activated, stored by masked stores — a
    /// pair's second channel <see cref="Second"/> floats on (0: none, or one channel).
    /// </summary>
    private struct StreamedOutput : IChunkOutput<Vector512<float>>
    {
        public float* Y, R;
        public long Second;
        public Vector512<float> Mask;
        public float Alpha;
        public int Width;

        /// <summary>A chunk: <paramref name="lanes"/> outputs of each row from <paramref name="y"/> (and the residual's <paramref name="r"/>).</summary>
        public void Start(float* y, float* r, int lanes)
        {
            Y = y;
            R = r;
            Mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(lanes)).AsSingle();
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store<TA>(Vector512<float> a, int oy) where TA : struct, IActivationOp
        {
            long at = (long)oy * Width;
            if (Second == 0)
            {
                if (R != null) a += Avx512F.MaskLoad(R + at, Mask, Vector512<float>.Zero);
                Avx512F.MaskStore(Y + at, Mask, TA.Apply<Vector512<float>, Simd512>(a, Alpha));
                return;
            }
            Vector256<float> half = Mask.GetLower();
            if (R != null)
                a += Vector512.Create(Avx512F.VL.MaskLoad(R + at, half, Vector256<float>.Zero), Avx512F.VL.MaskLoad(R + at + Second, half, Vector256<float>.Zero));
            a = TA.Apply<Vector512<float>, Simd512>(a, Alpha);
            Avx512F.VL.MaskStore(Y + at, half, a.GetLower());
            Avx512F.VL.MaskStore(Y + at + Second, half, a.GetUpper());
        }
    }
#endif

    /// <summary>
    /// The multiply-adds of one plane (a pair's, or a chunk's), rows streamed from <paramref name="rows"/>: with stride 1,
    /// input row r is kernel row 2 of output r − 1 (which it completes), row 1 of output r and row 0 of output r + 1; with
    /// stride 2, output oy reads rows 2·oy − 1, 2·oy and 2·oy + 1, the last also kernel row 0 of output oy + 1. Each sum
    /// goes in kernel-row order from the bias. With <paramref name="ahead"/>, <paramref name="linesPerStep"/> cache lines
    /// from there are fetched into L2 per row step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamPlane<TV, TS, TA, TR, TO>(in Conv2dShape s, TR rows, TO output, float* wc, float* wd, float bc, float bd,
        float* ahead, float* aheadEnd, int linesPerStep)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
        where TR : struct, IStreamedRows<TV> where TO : struct, IStreamedOutput<TV>
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight;
        TV w00 = TR.Weight(wc[0], wd[0]), w01 = TR.Weight(wc[1], wd[1]), w02 = TR.Weight(wc[2], wd[2]);
        TV w10 = TR.Weight(wc[3], wd[3]), w11 = TR.Weight(wc[4], wd[4]), w12 = TR.Weight(wc[5], wd[5]);
        TV w20 = TR.Weight(wc[6], wd[6]), w21 = TR.Weight(wc[7], wd[7]), w22 = TR.Weight(wc[8], wd[8]);
        TV bv = TR.Weight(bc, bd);
        TV t0, t1, t2;
        if (s.StrideHeight == 1)
        {
            TV prev = default, cur = bv;
            for (int r = 0; r < h; r++)
            {
                if (ahead != null)
                    for (int l = 0; l < linesPerStep && ahead < aheadEnd; l++, ahead += 16) Sse.Prefetch1(ahead);
                rows.Row((long)r * w, out t0, out t1, out t2);
                if (r > 0)
                {
                    prev = TS.Fma(w20, t0, prev); prev = TS.Fma(w21, t1, prev); prev = TS.Fma(w22, t2, prev);
                    output.Store<TA>(prev, r - 1);
                }
                TV next = TS.Fma(w00, t0, bv); next = TS.Fma(w01, t1, next); next = TS.Fma(w02, t2, next);
                cur = TS.Fma(w10, t0, cur); cur = TS.Fma(w11, t1, cur); cur = TS.Fma(w12, t2, cur);
                prev = cur;
                cur = next;
            }
            output.Store<TA>(prev, h - 1);
        }
        else
        {
            TV cur = bv;
            for (int oy = 0; oy < oh; oy++)
            {
                if (ahead != null)
                    for (int l = 0; l < linesPerStep && ahead < aheadEnd; l++, ahead += 16) Sse.Prefetch1(ahead);
                rows.Row(2L * oy * w, out t0, out t1, out t2);
                cur = TS.Fma(w10, t0, cur); cur = TS.Fma(w11, t1, cur); cur = TS.Fma(w12, t2, cur);
                TV next = bv;
                if (2 * oy + 1 < h)
                {
                    rows.Row((2L * oy + 1) * w, out t0, out t1, out t2);
                    cur = TS.Fma(w20, t0, cur); cur = TS.Fma(w21, t1, cur); cur = TS.Fma(w22, t2, cur);
                    next = TS.Fma(w00, t0, next); next = TS.Fma(w01, t1, next); next = TS.Fma(w02, t2, next);
                }
                output.Store<TA>(cur, oy);
                cur = next;
            }
        }
    }

    /// <summary>
    /// <see cref="StreamPlane{TV,TS,TA,TR,TO}"/> for a 5×5 kernel (padding 2, stride 1): input row r is kernel row 4 of
    /// output r − 2 (which it completes) down to row 0 of output r + 2, five sums in flight, each in kernel-row order from
    /// the bias. The 25 weight vectors are more than the registers left beside the sums and taps, so the multiply-adds
    /// read them from <paramref name="weights"/>: room for 25 vectors on a cache-line boundary (<see cref="WeightRoom{TV}"/>).
    /// As a local array on the stack (16-byte aligned), a 512-bit weight was as likely as not split across two cache lines,
    /// a multiply-add's load then two: -- conv, one thread, AVX-512, 240 channels at 28² 0.160 → 0.069 ms, 672 at 14² 0.134
    /// → 0.052, 1152 at 7² 0.131 → 0.053; AVX2 (256-bit) 240 at 28² 0.19 → 0.12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamPlane5<TV, TS, TA, TR, TO>(in Conv2dShape s, TR rows, TO output, float* wc, float b,
        float* ahead, float* aheadEnd, int linesPerStep, void* weights)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
        where TR : struct, IStreamedRows5<TV> where TO : struct, IStreamedOutput<TV>
    {
        int h = s.InHeight, w = s.InWidth;
        ref TV wv = ref Weights25<TV, TR>(weights, wc);
        TV bv = TR.Weight(b);
        // Before row r: the sums of outputs r − 2 … r + 1 (those of outputs before 0 are never stored).
        TV m2 = TS.Zero, m1 = TS.Zero, o0 = bv, p1 = bv;
        for (int r = 0; r < h; r++)
        {
            if (ahead != null)
                for (int l = 0; l < linesPerStep && ahead < aheadEnd; l++, ahead += 16) Sse.Prefetch1(ahead);
            rows.Row5((long)r * w, out TV t0, out TV t1, out TV t2, out TV t3, out TV t4);
            TV p2 = KernelRow<TV, TS>(ref wv, 0, t0, t1, t2, t3, t4, bv);
            p1 = KernelRow<TV, TS>(ref wv, 5, t0, t1, t2, t3, t4, p1);
            o0 = KernelRow<TV, TS>(ref wv, 10, t0, t1, t2, t3, t4, o0);
            m1 = KernelRow<TV, TS>(ref wv, 15, t0, t1, t2, t3, t4, m1);
            m2 = KernelRow<TV, TS>(ref wv, 20, t0, t1, t2, t3, t4, m2);
            if (r >= 2) output.Store<TA>(m2, r - 2);
            m2 = m1; m1 = o0; o0 = p1; p1 = p2;
        }
        if (h >= 2) output.Store<TA>(m2, h - 2);
        output.Store<TA>(m1, h - 1);
    }

    /// <summary>
    /// <see cref="StreamPlane5{TV,TS,TA,TR,TO}"/> at stride 2: each input row is read and shuffled once, its taps added to
    /// the two or three outputs that read it — an even row 2m is kernel row 0 of output m + 1, row 2 of output m and row 4 of
    /// output m − 1 (which it completes), an odd row 2m + 1 kernel row 1 of output m + 1 and row 3 of output m. Each sum goes
    /// in kernel-row order from the bias, the rows outside the plane (its zero padding) left out, as the buffered kernel's
    /// sums run. (Streaming per output row instead read each input row two or three times, five shuffles each, and ran
    /// slower than the buffered kernel.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamPlane5Stride2<TV, TS, TA, TR, TO>(in Conv2dShape s, TR rows, TO output, float* wc, float b,
        float* ahead, float* aheadEnd, int linesPerStep, void* weights)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
        where TR : struct, IStreamedRows5<TV> where TO : struct, IStreamedOutput<TV>
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight;
        ref TV wv = ref Weights25<TV, TR>(weights, wc);
        TV bv = TR.Weight(b);
        // q: the output whose sum is in `cur`; `prev` holds output q − 1's. Rows past 2·oh read by no output.
        TV prev = TS.Zero, cur = bv;
        int q = 0, end = Math.Min(h, 2 * oh + 1);
        for (int r = 0; r < end; r++)
        {
            rows.Row5((long)r * w, out TV t0, out TV t1, out TV t2, out TV t3, out TV t4);
            if ((r & 1) == 0)
            {
                if (ahead != null)
                    for (int l = 0; l < linesPerStep && ahead < aheadEnd; l++, ahead += 16) Sse.Prefetch1(ahead);
                TV next = KernelRow<TV, TS>(ref wv, 0, t0, t1, t2, t3, t4, bv);
                cur = KernelRow<TV, TS>(ref wv, 10, t0, t1, t2, t3, t4, cur);
                if (q >= 1)
                {
                    prev = KernelRow<TV, TS>(ref wv, 20, t0, t1, t2, t3, t4, prev);
                    output.Store<TA>(prev, q - 1);
                }
                prev = cur;
                cur = next;
                q++;
            }
            else
            {
                cur = KernelRow<TV, TS>(ref wv, 5, t0, t1, t2, t3, t4, cur);
                prev = KernelRow<TV, TS>(ref wv, 15, t0, t1, t2, t3, t4, prev);
            }
        }
        // The outputs whose last rows lie in the bottom padding.
        if (q >= 1 && q - 1 < oh) output.Store<TA>(prev, q - 1);
        if (q < oh) output.Store<TA>(cur, q);
    }

    /// <summary>The 25 weights of a 5×5 filter as vectors in <paramref name="room"/> (the driver's aligned room); a reference to the first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref TV Weights25<TV, TR>(void* room, float* wc) where TV : struct where TR : struct, IStreamedRows5<TV>
    {
        ref TV wv = ref Unsafe.AsRef<TV>(room);
        for (int i = 0; i < 25; i++) Unsafe.Add(ref wv, i) = TR.Weight(wc[i]);
        return ref wv;
    }

    /// <summary>acc + the five taps of one kernel row times its weights (wv[first] … wv[first + 4]), in column order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV KernelRow<TV, TS>(ref TV wv, int first, TV t0, TV t1, TV t2, TV t3, TV t4, TV acc)
        where TV : struct where TS : struct, ISimd<TV>
    {
        acc = TS.Fma(Unsafe.Add(ref wv, first), t0, acc);
        acc = TS.Fma(Unsafe.Add(ref wv, first + 1), t1, acc);
        acc = TS.Fma(Unsafe.Add(ref wv, first + 2), t2, acc);
        acc = TS.Fma(Unsafe.Add(ref wv, first + 3), t3, acc);
        return TS.Fma(Unsafe.Add(ref wv, first + 4), t4, acc);
    }

    /// <summary>Bytes of stack to ask for room for <paramref name="vectors"/> vectors of <typeparamref name="TV"/> on a cache-line boundary (<see cref="SimdOps.CacheLineAligned"/>).</summary>
    private static int WeightRoom<TV>(int vectors) where TV : struct => vectors * Unsafe.SizeOf<TV>() + 63;

    /// <summary>
    /// True when the rows are streamed with 256-bit vectors (<see cref="RunChunks256{TA}"/>): x64 with AVX2 and FMA but not
    /// the AVX-512 kernels (<see cref="StreamsRows"/>), the same kernels as those.
    /// </summary>
    internal static bool StreamsRows256(in Conv2dShape s) =>
        !StreamsRows(s) && Avx2.IsSupported && Fma.IsSupported && StreamedShape(s);

    /// <summary>
    /// What the streamed kernels of both widths take: a 3×3 kernel with padding 1 at stride 1 or 2, or a 5×5 one with
    /// padding 2 at stride 1, no dilation. (5×5 at stride 2: AVX-512 only, <see cref="Streamed5x5Stride2"/>.)
    /// </summary>
    /// <summary>
    /// A 5×5 kernel with padding 2 at stride 2, no dilation: streamed with AVX-512 (<c>StreamPlane5Stride2</c>: -- conv, one
    /// thread, buffered → streamed: 144 channels from 56² 0.136 → 0.076 ms, 672 from 14² 0.090 → 0.046), buffered with AVX2.
    /// </summary>
    private static bool Streamed5x5Stride2(in Conv2dShape s) =>
        s.DilationHeight == 1 && s.DilationWidth == 1 && s.KernelHeight == 5 && s.KernelWidth == 5
        && s.PadHeight == 2 && s.PadWidth == 2 && s.StrideHeight == 2 && s.StrideWidth == 2;

    private static bool StreamedShape(in Conv2dShape s) =>
        s.DilationHeight == 1 && s.DilationWidth == 1
        && (s.KernelHeight == 3 && s.KernelWidth == 3 && s.PadHeight == 1 && s.PadWidth == 1
            && (s.StrideHeight == 1 && s.StrideWidth == 1 || s.StrideHeight == 2 && s.StrideWidth == 2)
            || s.KernelHeight == 5 && s.KernelWidth == 5 && s.PadHeight == 2 && s.PadWidth == 2 && s.StrideHeight == 1 && s.StrideWidth == 1);

    /// <summary>
    /// The chunks of <c>RunChunks</c> with 256-bit vectors, for AVX2: chunks of 8 outputs, each kernel column a masked load of
    /// its 8 inputs at stride 1 (columns left of 0 or past the row's end masked off, so read as zeros and never touched), at
    /// stride 2 the even or odd columns of two masked loads (a shuffle and a lane permute). AVX2 has no masked loads that
    /// shift across lanes as AVX-512's permutes do, but its masked loads cost about a plain one. No buffer copy, no idle
    /// lanes on narrow rows. -- conv with DOTNET_EnableAVX512=0, one thread, buffered → streamed: 96 from 112² at stride 2
    /// 0.21 → 0.15 ms, 576 from 14² 0.063 → 0.017, 144 at 56² 0.149 → 0.110, 384 at 14² 0.046 → 0.022, 960 at 7² 0.047 → 0.017.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunChunks256<TA>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float alpha, float* y, int c0, int c1)
        where TA : struct, IActivationOp
    {
        var output = new StreamedOutput256 { Alpha = alpha, Width = s.OutWidth };
        if (s.KernelHeight == 5)
            Chunks<Vector256<float>, Simd256, TA, Chunk5Rows256, StreamedOutput256>(s, x, wt, bias, res, y, c0, c1, default, output);
        else
            Chunks<Vector256<float>, Simd256, TA, Chunk256Rows, StreamedOutput256>(s, x, wt, bias, res, y, c0, c1, new Chunk256Rows { Shifted = s.StrideWidth == 2 }, output);
    }

    /// <summary>
    /// Chunks of <typeparamref name="TR"/>'s lane count of outputs, one channel at a time (<see cref="RunChunks256{TA}"/>,
    /// <c>RunChunks</c>): a chunk's rows are read from one column left of its first input; the next channel's plane is fetched
    /// into L2 a few lines per row step — a chunk reads a column of cache lines, one per row, which the hardware prefetcher
    /// does not follow from memory (without it, 96 channels from 112² at stride 2 ran 0.55 ms cold on AVX-512, 0.14 with).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Chunks<TV, TS, TA, TR, TO>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float* y, int c0, int c1, TR rows, TO output)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
        where TR : struct, IChunkRows<TV, TR> where TO : struct, IChunkOutput<TV>
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth, stride = s.StrideWidth, lanes = TR.Lanes;
        long inPlane = (long)h * w, outPlane = (long)oh * ow;
        int chunks = (ow + lanes - 1) / lanes;
        long lines = (inPlane + 15) / 16;
        int steps = chunks * (stride == 1 ? h : oh);
        int linesPerStep = Sse.IsSupported ? (int)((lines + steps - 1) / steps) : 0;
        // Room for the weights of kernels that keep them in memory (5×5: StreamPlane5), on a cache-line boundary.
        byte* room = stackalloc byte[TR.Taps == 25 ? WeightRoom<TV>(25) : 1];
        void* weights = SimdOps.CacheLineAligned(room);
        for (int c = c0; c < c1; c++)
        {
            float* ahead = c + 1 < c1 && linesPerStep > 0 ? x + (c + 1) * inPlane : null, aheadEnd = ahead + lines * 16;
            float b = bias == null ? 0f : bias[c];
            for (int j = 0; j < chunks; j++)
            {
                rows.Start(x + c * inPlane, j * lanes * stride - TR.Pad, w);
                output.Start(y + c * outPlane + j * lanes, res == null ? null : res + c * outPlane + j * lanes, Math.Min(lanes, ow - j * lanes));
                TR.Plane<TS, TA, TO>(s, rows, output, wt + (long)c * TR.Taps, b, ahead, aheadEnd, linesPerStep, weights);
                if (ahead != null) ahead += (long)linesPerStep * 16 * (stride == 1 ? h : oh);
            }
        }
    }

    /// <summary>Lanes (all bits set) whose column <paramref name="first"/> + lane lies in [0, <paramref name="w"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Columns256(int first, int w)
    {
        Vector256<int> col = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) + Vector256.Create(first);
        return (Vector256.GreaterThanOrEqual(col, Vector256<int>.Zero) & Vector256.LessThan(col, Vector256.Create(w))).AsSingle();
    }

    /// <summary>A chunk's rows for <see cref="RunChunks256{TA}"/>, from <see cref="X"/> (one column left of the chunk's first input).</summary>
    private struct Chunk256Rows : IStreamedRows<Vector256<float>>, IChunkRows<Vector256<float>, Chunk256Rows>
    {
        public float* X;
        public bool Shifted;
        public Vector256<float> M0, M1, M2, M3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Weight(float c, float d) => Vector256.Create(c);

        public static int Lanes => 8;
        public static int Pad => 1;
        public static int Taps => 9;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Plane<TS, TA, TO>(in Conv2dShape s, Chunk256Rows rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<Vector256<float>> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<Vector256<float>>
            => StreamPlane<Vector256<float>, TS, TA, Chunk256Rows, TO>(s, rows, output, wc, wc, b, b, ahead, aheadEnd, linesPerStep);

        /// <summary>
        /// Reads from <paramref name="first"/> of the plane: at stride 1 kernel column kw is the 8 floats from first + kw;
        /// at stride 2 floats first … first + 15 (their even and odd ones: columns 0 and 1), and first + 2 … first + 17
        /// (the even ones: column 2).
        /// </summary>
        public void Start(float* plane, int first, int w)
        {
            X = plane + first;
            M0 = Columns256(first, w);
            M1 = Columns256(Shifted ? first + 8 : first + 1, w);
            M2 = Columns256(first + 2, w);
            M3 = Columns256(first + 10, w);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row(long offset, out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2)
        {
            float* p = X + offset;
            if (!Shifted)
            {
                t0 = Avx.MaskLoad(p, M0);
                t1 = Avx.MaskLoad(p + 1, M1);
                t2 = Avx.MaskLoad(p + 2, M2);
                return;
            }
            Vector256<float> a = Avx.MaskLoad(p, M0), b = Avx.MaskLoad(p + 8, M1);
            t0 = Even(a, b);
            t1 = Odd(a, b);
            t2 = Even(Avx.MaskLoad(p + 2, M2), Avx.MaskLoad(p + 10, M3));
        }

    }

    /// <summary>
    /// A 5×5 chunk's rows for AVX2 (<see cref="RunChunks256{TA}"/>), from <see cref="X"/> (two columns left of the chunk's
    /// first input): kernel column kw is the 8 floats from X + kw, masked to the row.
    /// </summary>
    private struct Chunk5Rows256 : IStreamedRows5<Vector256<float>>, IChunkRows<Vector256<float>, Chunk5Rows256>
    {
        public float* X;
        public Vector256<float> M0, M1, M2, M3, M4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Weight(float c) => Vector256.Create(c);

        public static int Lanes => 8;
        public static int Pad => 2;
        public static int Taps => 25;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Plane<TS, TA, TO>(in Conv2dShape s, Chunk5Rows256 rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<Vector256<float>> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<Vector256<float>>
            => StreamPlane5<Vector256<float>, TS, TA, Chunk5Rows256, TO>(s, rows, output, wc, b, ahead, aheadEnd, linesPerStep, weights);

        public void Start(float* plane, int first, int w)
        {
            X = plane + first;
            M0 = Columns256(first, w); M1 = Columns256(first + 1, w); M2 = Columns256(first + 2, w);
            M3 = Columns256(first + 3, w); M4 = Columns256(first + 4, w);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Row5(long offset, out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3, out Vector256<float> t4)
        {
            float* p = X + offset;
            t0 = Avx.MaskLoad(p, M0);
            t1 = Avx.MaskLoad(p + 1, M1);
            t2 = Avx.MaskLoad(p + 2, M2);
            t3 = Avx.MaskLoad(p + 3, M3);
            t4 = Avx.MaskLoad(p + 4, M4);
        }
    }

    /// <summary>a0, a2, a4, a6, b0, b2, b4, b6.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Even(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>a1, a3, a5, a7, b1, b3, b5, b7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Odd(Vector256<float> a, Vector256<float> b) =>
        Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();

    /// <summary>Where <see cref="RunChunks256{TA}"/>'s output rows go: a whole chunk by a plain store, the last by a masked one.</summary>
    private struct StreamedOutput256 : IChunkOutput<Vector256<float>>
    {
        public float* Y, R;
        public Vector256<float> Mask;
        public float Alpha;
        public int Width, Lanes;

        public void Start(float* y, float* r, int lanes)
        {
            Y = y;
            R = r;
            Lanes = lanes;
            Mask = Columns256(0, lanes);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store<TA>(Vector256<float> a, int oy) where TA : struct, IActivationOp
        {
            long at = (long)oy * Width;
            if (Lanes == 8)
            {
                if (R != null) a += Vector256.Load(R + at);
                Vector256.Store(TA.Apply<Vector256<float>, Simd256>(a, Alpha), Y + at);
                return;
            }
            if (R != null) a += Avx.MaskLoad(R + at, Mask);
            Avx.MaskStore(Y + at, Mask, TA.Apply<Vector256<float>, Simd256>(a, Alpha));
        }
    }

    /// <summary>Where <see cref="StreamPlane{TV,TS,TA,TR,TO}"/> gets an input row: one vector per kernel column.</summary>
    private interface IStreamedRows<TV> where TV : struct
    {
        void Row(long offset, out TV t0, out TV t1, out TV t2);

        /// <summary>A weight (or the bias) as a vector: <paramref name="c"/>, or for a pair of channels c in the low half and <paramref name="d"/> in the high.</summary>
        static abstract TV Weight(float c, float d);
    }

    /// <summary>Where <see cref="StreamPlane{TV,TS,TA,TR,TO}"/> puts a finished output row.</summary>
    private interface IStreamedOutput<TV> where TV : struct
    {
        void Store<TA>(TV a, int oy) where TA : struct, IActivationOp;
    }

    /// <summary>Where <see cref="StreamPlane5{TV,TS,TA,TR,TO}"/> gets an input row: one vector per kernel column of a 5×5 kernel.</summary>
    private interface IStreamedRows5<TV> where TV : struct
    {
        void Row5(long offset, out TV t0, out TV t1, out TV t2, out TV t3, out TV t4);

        /// <summary>A weight (or the bias) as a vector.</summary>
        static abstract TV Weight(float c);
    }

    /// <summary>Rows of one chunk of <see cref="Lanes"/> outputs (<see cref="Chunks{TV,TS,TA,TR,TO}"/>), and the plane kernel that streams them.</summary>
    private interface IChunkRows<TV, TR> where TV : struct where TR : struct, IChunkRows<TV, TR>
    {
        static abstract int Lanes { get; }

        /// <summary>The padding, and the columns left of a chunk's first input its rows are read from: (kernel − 1) / 2.</summary>
        static abstract int Pad { get; }

        /// <summary>Taps of one filter: 9 or 25.</summary>
        static abstract int Taps { get; }

        /// <summary>Reads rows from column <paramref name="first"/> of the plane at <paramref name="plane"/>, masking off columns outside [0, w).</summary>
        void Start(float* plane, int first, int w);

        /// <summary>
        /// One chunk's plane: <see cref="StreamPlane{TV,TS,TA,TR,TO}"/> or <see cref="StreamPlane5{TV,TS,TA,TR,TO}"/> over these
        /// rows; <paramref name="weights"/> is the driver's room for weight vectors kept in memory (5×5), unused by 3×3.
        /// </summary>
        static abstract void Plane<TS, TA, TO>(in Conv2dShape s, TR rows, TO output, float* wc, float b, float* ahead, float* aheadEnd, int linesPerStep, void* weights)
            where TS : struct, ISimd<TV> where TA : struct, IActivationOp where TO : struct, IStreamedOutput<TV>;
    }

    /// <summary>Output rows of one chunk.</summary>
    private interface IChunkOutput<TV> : IStreamedOutput<TV> where TV : struct
    {
        /// <summary><paramref name="lanes"/> outputs a row from <paramref name="y"/> (the residual's at <paramref name="r"/>, or none).</summary>
        void Start(float* y, float* r, int lanes);
    }


    /// <summary>True when rows of <paramref name="ow"/> outputs in vectors of <paramref name="v"/> lanes waste at most 1/7 of them.</summary>
    private static bool Fits(int ow, int v) => (ow + v - 1) / v * v * 7 <= ow * 8;

    /// <summary>Per-call constants of the buffered plane: its geometry for one shape and vector width, and how rows are copied in.</summary>
    internal struct Plane
    {
        public Plane(in Conv2dShape s, int v, float* x)
        {
            int sw = s.StrideWidth, pw = s.PadWidth, w = s.InWidth;
            Pitch = Ops.ConvScratch.PlanePitch(w, s.OutWidth, s.KernelWidth, sw, pw, s.DilationWidth, v);
            RowFloats = sw * Pitch;
            Rows = Ops.ConvScratch.PlaneRows(s.InHeight, s.OutHeight, s.KernelHeight, s.StrideHeight, s.PadHeight, s.DilationHeight);
            Width = w; Stride = sw; Pad = pw;
            InputEnd = x + (long)s.InChannels * s.InHeight * w;
            Mode = !Vector512.IsHardwareAccelerated || sw > 2 ? FillMode.Exact : sw == 1 ? FillMode.Copy : FillMode.Split;
            // Vector copies read whole 16-float vectors: all of a row's floats, or twice the even columns for a split.
            Whole = sw == 1 ? (w + 15) & ~15 : ((w + 1) / 2 + 15) & ~15;
            ReadLength = sw == 1 ? Whole : 2 * Whole;
        }

        public int Pitch, RowFloats, Rows, Width, Stride, Pad, Whole, ReadLength;
        public FillMode Mode;
        public float* InputEnd;

        public readonly int Length => Rows * RowFloats;
    }

    internal enum FillMode { Copy, Split, Exact }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TV, TS, TA>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, float alpha, float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        var geometry = new Plane(s, TS.Count, x);
        int h = s.InHeight, w = s.InWidth, khN = s.KernelHeight, kwN = s.KernelWidth, ph = s.PadHeight;
        // 16 floats of slack: the plane starts where its row copies store whole aligned vectors (see AlignedPlane).
        float[] planeArray = t_plane is { } p && p.Length >= geometry.Length + 16 ? p : (t_plane = new float[geometry.Length + 16]);
        // Offset of tap kw inside a buffered row (phase, then element).
        int* tapOffset = stackalloc int[kwN];
        for (int kw = 0; kw < kwN; kw++) tapOffset[kw] = kw * s.DilationWidth % s.StrideWidth * geometry.Pitch + kw * s.DilationWidth / s.StrideWidth;
        bool is3x3 = khN == 3 && kwN == 3;
        fixed (float* buffer = planeArray)
        {
            float* plane = AlignedPlane(buffer, geometry);
            // Zero once per call: padding is never written, and each row copy re-zeroes the floats its vectors overran.
            new Span<float>(plane, geometry.Length).Clear();
            long inPlane = (long)h * w, outPlane = (long)s.OutHeight * s.OutWidth;
            int nextLinesPerRow = (int)((inPlane + 15) / 16 + s.OutHeight - 1) / s.OutHeight;
            // Strided 3×3 planes larger than L1 are buffered a band of rows at a time, just before the output rows that read
            // them (at stride 1 the whole-plane copy measured faster: 0.086 against 0.097 ms for 32 channels at 112²).
            bool banded = is3x3 && s.StrideHeight > 1 && (long)geometry.Length * sizeof(float) > InterleavePlaneBytes;
            float* firstRow = plane + (long)ph * geometry.RowFloats;
            for (int c = c0; c < c1; c++)
            {
                float* xc = x + c * inPlane;
                if (!banded) Fill(ref geometry, xc, firstRow, h);
                float* wc = wt + (long)c * khN * kwN;
                float* yc = y + c * outPlane;
                float* rc = res == null ? null : res + c * outPlane;
                TV bv = TS.Broadcast(bias == null ? 0f : bias[c]);
                // Lanes past this plane's end may land on the next channel's plane when this thread computes it next.
                long spare = c + 1 < c1 ? outPlane : 0;
                // The next channel's input is fetched into L2 while this one is computed, a share of its lines per output row:
                // each plane starts a new stream, and a large one (MobileNetV2's 112², 50 KB) came from memory at the
                // speed of the first misses (hot 0.16 ms, from memory 0.35, in the network 0.22 for its stride-2 layer).
                float* next = c + 1 < c1 && inPlane >= PrefetchPlaneFloats && Sse.IsSupported ? xc + inPlane : null;
                if (banded)
                {
                    int filled = 0, lastTap = (khN - 1) * s.DilationHeight - ph + 1;
                    for (int oy = 0; oy < s.OutHeight; oy += InterleaveRows)
                    {
                        int end = Math.Min(s.OutHeight, oy + InterleaveRows), need = Math.Min(h, (end - 1) * s.StrideHeight + lastTap);
                        Fill(ref geometry, xc + (long)filled * w, firstRow + (long)filled * geometry.RowFloats, need - filled);
                        filled = need;
                        Plane3x3<TV, TS, TA>(s, plane, geometry.RowFloats, tapOffset, wc, bv, rc, alpha, yc, spare,
                            next == null ? null : next + (long)oy * nextLinesPerRow * 16, nextLinesPerRow, oy, end);
                    }
                }
                else if (is3x3)
                    Plane3x3<TV, TS, TA>(s, plane, geometry.RowFloats, tapOffset, wc, bv, rc, alpha, yc, spare, next, nextLinesPerRow, 0, s.OutHeight);
                else
                    PlaneAny<TV, TS, TA>(s, plane, geometry.RowFloats, tapOffset, wc, bv, rc, alpha, yc);
            }
        }
    }

    /// <summary>
    /// Where in a buffer of Length + 16 floats the plane starts so that its row copies (<see cref="Fill"/>) store aligned
    /// 64-byte vectors: the first row's data (after the left padding), or for a stride-2 split its even-column phase. The
    /// pitch is a multiple of 16, so every row follows. Unaligned, each of those stores spans two cache lines — measured at
    /// a third of a stride-1 depthwise convolution's time, as much as half its multiply-adds.
    /// </summary>
    internal static float* AlignedPlane(float* buffer, in Plane g)
    {
        int first = g.Mode == FillMode.Split ? (g.Pad & 1) * g.Pitch + (g.Pad >> 1) : g.Pad;
        long misalignment = ((nint)(buffer + first) & 63) / sizeof(float);
        return buffer + ((16 - misalignment) & 15);
    }

    /// <summary>
    /// A 3×3 plane. Each row's vectors that may be stored whole (<see cref="WholeVectors"/>: all of them but on the last
    /// rows, or on every row where <paramref name="spare"/> floats past the plane may be overwritten) run a loop of nine
    /// loads and multiply-adds on three walking pointers — the kernel rows are the same offsets plus one and two row steps,
    /// which the x64 addressing modes add for free — so nothing but the arithmetic is left per vector, and the rows walk
    /// by pointer too (a 7×7 or 14×14 plane is one vector a row); the plane's tail takes the partial path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane3x3<TV, TS, TA>(in Conv2dShape s, float* plane, int rowFloats, int* tapOffset, float* wc, TV bv, float* rc,
        float alpha, float* yc, long spare, float* prefetch, int prefetchLines, int oyStart, int oyEnd)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        TV w00 = TS.Broadcast(wc[0]), w01 = TS.Broadcast(wc[1]), w02 = TS.Broadcast(wc[2]);
        TV w10 = TS.Broadcast(wc[3]), w11 = TS.Broadcast(wc[4]), w12 = TS.Broadcast(wc[5]);
        TV w20 = TS.Broadcast(wc[6]), w21 = TS.Broadcast(wc[7]), w22 = TS.Broadcast(wc[8]);
        int o0 = tapOffset[0], o1 = tapOffset[1], o2 = tapOffset[2];
        int oh = s.OutHeight, ow = s.OutWidth, v = TS.Count, vectors = (ow + v - 1) / v;
        long rowStep = (long)s.DilationHeight * rowFloats, topStep = (long)s.StrideHeight * rowFloats;
        // Rows before firstShort store all their vectors whole; only the last one or two can be short.
        int firstShort = oh;
        while (firstShort > 0 && WholeVectors(v, ow, firstShort - 1, oh, spare) < vectors) firstShort--;
        float* r0 = plane + oyStart * topStep;
        long rowOffset = (long)oyStart * ow;
        for (int oy = oyStart; oy < oyEnd; oy++, r0 += topStep, rowOffset += ow)
        {
            float* q0 = r0 + o0, q1 = r0 + o1, q2 = r0 + o2;
            float* yp = yc + rowOffset;
            float* rp = rc == null ? null : rc + rowOffset;
            int whole = oy < firstShort ? vectors : WholeVectors(v, ow, oy, oh, spare);
            if (prefetch != null)
                for (int l = 0; l < prefetchLines; l++, prefetch += 16) Sse.Prefetch1(prefetch);
            // Whole vectors, then the plane's tail by partial stores: one loop, the store picked per vector.
            for (int j = 0, wholeEnd = whole * v; j < ow; j += v, q0 += v, q1 += v, q2 += v, yp += v)
            {
                // Three partial sums, one per kernel row: shorter dependency chains for narrow planes (one vector per row).
                TV a0 = TS.Fma(w00, TS.Load(q0), bv);
                TV a1 = TS.Mul(w10, TS.Load(q0 + rowStep));
                TV a2 = TS.Mul(w20, TS.Load(q0 + 2 * rowStep));
                a0 = TS.Fma(w01, TS.Load(q1), a0);
                a1 = TS.Fma(w11, TS.Load(q1 + rowStep), a1);
                a2 = TS.Fma(w21, TS.Load(q1 + 2 * rowStep), a2);
                a0 = TS.Fma(w02, TS.Load(q2), a0);
                a1 = TS.Fma(w12, TS.Load(q2 + rowStep), a1);
                a2 = TS.Fma(w22, TS.Load(q2 + 2 * rowStep), a2);
                TV a = TS.Add(TS.Add(a0, a1), a2);
                if (j < wholeEnd)
                {
                    if (rp != null) a = TS.Add(a, TS.Load(rp));
                    TS.Store(yp, TA.Apply<TV, TS>(a, alpha));
                }
                else Store<TV, TS, TA>(yp, rp, a, Lanes(v, ow, j, oy, oh), alpha);
                if (rp != null) rp += v;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PlaneAny<TV, TS, TA>(in Conv2dShape s, float* plane, int rowFloats, int* tapOffset, float* wc, TV bv, float* rc,
        float alpha, float* yc)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int oh = s.OutHeight, ow = s.OutWidth, khN = s.KernelHeight, kwN = s.KernelWidth, v = TS.Count;
        long rowStep = (long)s.DilationHeight * rowFloats, topStep = (long)s.StrideHeight * rowFloats;
        for (int oy = 0; oy < oh; oy++)
        {
            float* top = plane + oy * topStep;
            float* yrow = yc + (long)oy * ow;
            float* rrow = rc == null ? null : rc + (long)oy * ow;
            for (int j = 0; j < ow; j += v)
            {
                TV a = bv;
                for (int kh = 0; kh < khN; kh++)
                {
                    float* row = top + kh * rowStep + j;
                    float* wk = wc + kh * kwN;
                    for (int kw = 0; kw < kwN; kw++)
                        a = TS.Fma(TS.Broadcast(wk[kw]), TS.Load(row + tapOffset[kw]), a);
                }
                Store<TV, TS, TA>(yrow + j, rrow == null ? null : rrow + j, a, Lanes(v, ow, j, oy, oh), alpha);
            }
        }
    }

    /// <summary>
    /// Lanes to store of the vector at column <paramref name="j"/> of row <paramref name="oy"/>: the whole vector whenever it
    /// ends inside the plane, even past the row's end — the extra lanes land on later rows of this plane, which are
    /// computed and stored afterwards — so only the plane's tail takes the lane-by-lane path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Lanes(int v, int ow, int j, int oy, int oh)
        => (long)oy * ow + j + v <= (long)oh * ow ? v : Math.Min(v, ow - j);

    /// <summary>
    /// How many of row <paramref name="oy"/>'s vectors, from column 0, may be stored whole: those that end inside the plane
    /// or within <paramref name="spare"/> floats after it (<see cref="Lanes"/> with no spare); the rest are the plane's tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WholeVectors(int v, int ow, int oy, int oh, long spare = 0)
    {
        long room = (long)(oh - oy) * ow + spare; // floats from the row's start to the plane's end, and the spare after it
        return room < v ? 0 : (int)Math.Min((ow + v - 1) / v, (room - v) / v + 1);
    }

    /// <summary>
    /// Buffers the <paramref name="rows"/> rows of one input channel (<paramref name="src"/>, <see cref="Plane.Width"/>
    /// floats apart) as their stride phases (see the class remarks), after the left padding, into plane rows
    /// <see cref="Plane.RowFloats"/> apart from <paramref name="dst"/>. Whole 16-float vectors are read and written where
    /// the read stays inside the input tensor; the floats a vector wrote past a row's data are zeroed again, so the
    /// buffer's padding columns stay zero for every row. The copy mode is decided once per plane and the rows are a loop
    /// of walking pointers: per row, the setup had cost as much as the copying on the narrow planes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Fill(ref Plane g, float* src, float* dst, int rows)
    {
        int w = g.Width, whole = g.Whole, r = 0;
        long rowFloats = g.RowFloats;
        // Rows whose whole-vector reads end inside the input tensor; the rest are copied exactly.
        long room = g.InputEnd - src - g.ReadLength;
        int fast = g.Mode == FillMode.Exact || room < 0 ? 0 : (int)Math.Min(rows, room / w + 1);
        if (g.Mode == FillMode.Copy)
        {
            float* d = dst + g.Pad;
            for (; r < fast; r++, src += w, d += rowFloats)
            {
                for (int i = 0; i < whole; i += 16) Vector512.Store(Vector512.Load(src + i), d + i);
                Vector512.Store(Vector512<float>.Zero, d + w);
            }
        }
        else if (g.Mode == FillMode.Split)
        {
            // Even input columns go to phase pw % 2, odd ones to the other; each starts after its share of the left padding.
            int pw = g.Pad, evenEnd = (w + 1) >> 1, oddEnd = w >> 1;
            float* ev = dst + (pw & 1) * g.Pitch + (pw >> 1);
            float* od = dst + (~pw & 1) * g.Pitch + ((pw + 1) >> 1);
            Vector512<int> evenIndex = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            Vector512<int> oddIndex = evenIndex + Vector512<int>.One;
            for (; r < fast; r++, src += w, ev += rowFloats, od += rowFloats)
            {
                for (int i = 0; i < whole; i += 16)
                {
                    Vector512<float> lo = Vector512.Load(src + 2 * i), hi = Vector512.Load(src + 2 * i + 16);
                    Vector512.Store(Avx512F.PermuteVar16x32x2(lo, evenIndex, hi), ev + i);
                    Vector512.Store(Avx512F.PermuteVar16x32x2(lo, oddIndex, hi), od + i);
                }
                Vector512.Store(Vector512<float>.Zero, ev + evenEnd);
                Vector512.Store(Vector512<float>.Zero, od + oddEnd);
            }
        }
        for (; r < rows; r++, src += w) FillExact(ref g, src, dst + r * rowFloats);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillExact(ref Plane g, float* src, float* dst)
    {
        int w = g.Width, sw = g.Stride, pw = g.Pad;
        // Exact copy: other strides, no 512-bit vectors, and rows whose vector read would pass the input's end.
        if (sw == 1)
        {
            new ReadOnlySpan<float>(src, w).CopyTo(new Span<float>(dst + pw, w));
            return;
        }
        if (sw == 2)
        {
            // Even input columns to one phase, odd ones to the other, four of each per step where 128-bit shuffles are in
            // hardware: the AVX2, SSE and ARM64 paths take every strided row here (a division per element had made
            // MobileNetV2's stride-2 layers 30 times slower than their stride-1 neighbours there).
            float* ev = dst + (pw & 1) * g.Pitch + (pw >> 1);
            float* od = dst + (~pw & 1) * g.Pitch + ((pw + 1) >> 1);
            int i = 0;
            if (Sse.IsSupported)
                for (; i + 8 <= w; i += 8)
                {
                    Vector128<float> a = Vector128.Load(src + i), b = Vector128.Load(src + i + 4);
                    Vector128.Store(Sse.Shuffle(a, b, 0b10_00_10_00), ev + (i >> 1));
                    Vector128.Store(Sse.Shuffle(a, b, 0b11_01_11_01), od + (i >> 1));
                }
            else if (AdvSimd.Arm64.IsSupported)
                for (; i + 8 <= w; i += 8)
                {
                    Vector128<float> a = Vector128.Load(src + i), b = Vector128.Load(src + i + 4);
                    Vector128.Store(AdvSimd.Arm64.UnzipEven(a, b), ev + (i >> 1));
                    Vector128.Store(AdvSimd.Arm64.UnzipOdd(a, b), od + (i >> 1));
                }
            for (; i < w; i++)
                if ((i & 1) == 0) ev[i >> 1] = src[i];
                else od[i >> 1] = src[i];
            return;
        }
        // Other strides: the phase and its position counted along the row.
        int phase = pw % sw, at = pw / sw;
        for (int i = 0; i < w; i++)
        {
            dst[phase * g.Pitch + at] = src[i];
            if (++phase == sw) { phase = 0; at++; }
        }
    }

    /// <summary>
    /// Adds the residual, activates and stores the first <paramref name="cols"/> lanes (only those are touched). The plane's
    /// tail goes through the same vector formula, by partial loads and stores: nothing here calls out of the row loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store<TV, TS, TA>(float* y, float* r, TV a, int cols, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        if (cols == TS.Count)
        {
            if (r != null) a = TS.Add(a, TS.Load(r));
            TS.Store(y, TA.Apply<TV, TS>(a, alpha));
            return;
        }
        if (r != null) a = TS.Add(a, SimdOps.LoadPartial<TV, TS>(r, cols));
        SimdOps.StorePartial<TV, TS>(y, TA.Apply<TV, TS>(a, alpha), cols);
    }
}
