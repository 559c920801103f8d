using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using VisionGen.Ops;

namespace VisionGen.Cpu;

/// <summary>
/// Convolutions with few output channels (<see cref="ConvScratch.DirectCandidate"/>: at most
/// <see cref="ConvScratch.DirectMaxOutChannels"/>, e.g. a detection head's class, box and centerness maps) and stems on
/// the image (at most <see cref="ConvScratch.DirectStemMaxInChannels"/> input channels): a direct kernel. The GEMM forms
/// pack every input value once per kernel tap into their operand panels and then use each packed value for as few
/// multiply-adds as there are output channels — one for a centerness map — so packing was nearly all their time; a
/// stem's packing is a strided gather for a short k. Here every input channel is copied once into a zero-bordered plane
/// in the scratch (the depthwise kernel's rows and stride phases, <see cref="DepthwiseConv.Plane"/>), and each output
/// vector is a sum of shifted row loads times broadcast weights, four output channels by
/// <see cref="ConvScratch.DirectRowBlock"/> output rows of accumulators per register block. Any kernel size, stride,
/// padding and dilation; output rows split across threads.
/// </summary>
internal static unsafe class DirectConv
{
    private const int Block = 4; // output channels per register block; the weight is packed in groups of four
    private const int RowBlock = ConvScratch.DirectRowBlock;

    /// <summary>True when <see cref="Conv2d.Forward"/> runs <paramref name="s"/> here.</summary>
    public static bool Applies(in Conv2dShape s) =>
        ConvScratch.DirectCandidate(s.InChannels, s.OutChannels, s.InHeight, s.InWidth, s.OutHeight, s.OutWidth,
            s.KernelHeight, s.KernelWidth, s.StrideHeight, s.StrideWidth, s.PadHeight, s.PadWidth, s.DilationHeight, s.DilationWidth, s.Groups);

    /// <summary>Scratch floats: the buffered input planes (<see cref="ConvScratch.DirectLength"/>).</summary>
    public static long ScratchLength(in Conv2dShape s) =>
        ConvScratch.DirectLength(s.InChannels, s.InHeight, s.InWidth, s.OutHeight, s.OutWidth, s.KernelHeight, s.KernelWidth,
            s.StrideHeight, s.StrideWidth, s.PadHeight, s.PadWidth, s.DilationHeight, s.DilationWidth);

    private static int K(in Conv2dShape s) => s.InChannels * s.KernelHeight * s.KernelWidth;

    /// <summary>Floats of the packed weight: output channels in groups of <see cref="Block"/> (zero-padded).</summary>
    public static int PackedWeightLength(in Conv2dShape s) => (s.OutChannels + Block - 1) / Block * Block * K(s);

    /// <summary>
    /// The weight as groups of four output channels, each tap-major: element (co, t) at [co / 4][t][co % 4] with
    /// t = (cin·KH + kh)·KW + kw (PyTorch's order within a filter); channels past OutChannels zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: called once per layer
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        int k = K(s);
        packed.Slice(0, PackedWeightLength(s)).Clear();
        for (int co = 0; co < s.OutChannels; co++)
        {
            Span<float> group = packed.Slice(co / Block * Block * k);
            ReadOnlySpan<float> filter = torchWeight.Slice(co * k, k);
            for (int t = 0; t < k; t++) group[t * Block + co % Block] = filter[t];
        }
    }

    private struct Job
    {
        public Conv2dShape Shape;
        public float* Planes, W, Bias, Res, Y, X;
        public Activation Act;
        public DepthwiseConv.Plane Plane; // the buffered planes' geometry

        public readonly int RowFloats => Plane.RowFloats;
        public readonly int PlaneFloats => Plane.Length;
    }

    /// <summary>Buffers the input planes in <paramref name="scratch"/>, then runs the output rows, split across threads.</summary>
    public static void Forward(in Conv2dShape s, float* x, float* w, float* bias, float* res, Activation act, float* y, float* scratch)
    {
        // Pitched for 16-float vectors whatever width runs (the scratch is sized that way): wide enough for every width.
        var plane = new DepthwiseConv.Plane(s, 16, x);
        var job = new Job
        {
            Shape = s, Planes = scratch, W = w, Bias = bias, Res = res, Act = act, Y = y, X = x, Plane = plane,
        };
        int blocks = (s.OutHeight + RowBlock - 1) / RowBlock;
        int parts = Math.Min(CpuThreads.Count, blocks);
        if ((long)s.OutputLength * K(s) < 1 << 16) parts = 1;
        // The buffered planes are filled split the same way as the output rows, each part the rows its own output rows
        // start on: a part then reads the other's rows only where its kernel reaches past its last output row. Filled by
        // the caller alone before the split, every row the worker read came from the caller's cache (two threads, `-- conv
        // 3 64 224 7 2 3 1 2`, ResNet's 7×7 stem: 0.77 → 0.69 ms; MobileNetV2's 3×3 stem, `-- conv 3 32 224 3 2 1 1 2`: 0.156 → 0.111).
        WorkerPool.Run(&FillPart, &job, parts);
        WorkerPool.Run(&Part, &job, parts);
    }

    /// <summary>Buffered rows [r0, r1) of every input channel's plane (zero where they are padding), r0 the first row part <paramref name="part"/>'s outputs read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillPart(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        ref readonly Conv2dShape s = ref j.Shape;
        int blocks = (s.OutHeight + RowBlock - 1) / RowBlock, rows = j.Plane.Rows;
        var (b0, b1) = WorkerPool.Range(blocks, part, parts);
        int r0 = part == 0 ? 0 : Math.Min(rows, b0 * RowBlock * s.StrideHeight);
        int r1 = part == parts - 1 ? rows : Math.Min(rows, b1 * RowBlock * s.StrideHeight);
        int h = s.InHeight, iw = s.InWidth, ph = s.PadHeight;
        int iy0 = Math.Max(0, r0 - ph), iy1 = Math.Min(h, r1 - ph);
        for (int c = 0; c < s.InChannels; c++)
        {
            float* pc = j.Planes + (long)c * j.PlaneFloats;
            new Span<float>(pc + (long)r0 * j.RowFloats, (r1 - r0) * j.RowFloats).Clear();
            if (iy1 > iy0) DepthwiseConv.Fill(ref j.Plane, j.X + ((long)c * h + iy0) * iw, pc + (long)(iy0 + ph) * j.RowFloats, iy1 - iy0);
        }
        // The slack past the last plane, which the last row block's spare rows read.
        if (part == parts - 1)
        {
            long planes = (long)s.InChannels * j.PlaneFloats;
            new Span<float>(j.Planes + planes, checked((int)(ScratchLength(s) - planes))).Clear();
        }
    }

    /// <summary>A part's whole row blocks, run with the activation as a type.</summary>
    private static void Part(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        int blocks = (j.Shape.OutHeight + RowBlock - 1) / RowBlock;
        var (b0, b1) = WorkerPool.Range(blocks, part, parts);
        if (b1 <= b0) return;
        var body = new Body { Job = j, Row0 = b0 * RowBlock, Row1 = Math.Min(j.Shape.OutHeight, b1 * RowBlock) };
        ActivationDispatch.Run(j.Act.Kind, ref body);
    }

    private struct Body : IActivationBody
    {
        public Job Job;
        public int Row0, Row1;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp
        {
            // The vector width that wastes fewest lanes on these rows, as the depthwise kernel picks it.
            switch (DepthwiseConv.RowLanes(Job.Shape.OutWidth))
            {
                case 16: Rows<Vector512<float>, Simd512>(Job, Row0, Row1, &StoreBlock<Vector512<float>, Simd512, TA>); break;
                case 8: Rows<Vector256<float>, Simd256>(Job, Row0, Row1, &StoreBlock<Vector256<float>, Simd256, TA>); break;
                default: Rows<Vector128<float>, Simd128>(Job, Row0, Row1, &StoreBlock<Vector128<float>, Simd128, TA>); break;
            }
        }
    }

    /// <summary>
    /// Output rows [<paramref name="row0"/>, <paramref name="row1"/>) of every output channel. The sums are compiled once
    /// per vector width; only <paramref name="store"/> (<see cref="StoreBlock{TV,TS,TA}"/>, called once per block through
    /// the pointer) once per activation type a model uses — a detector with ReLU towers and plain heads compiled this
    /// 1.8 KB loop twice per width before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TV, TS>(in Job j, int row0, int row1, delegate*<in Job, ref Block16<TV>, int, int, int, int, int, int, long, void> store)
        where TV : struct where TS : struct, ISimd<TV>
    {
        ref readonly Conv2dShape s = ref j.Shape;
        int khN = s.KernelHeight, kwN = s.KernelWidth, cin = s.InChannels, cout = s.OutChannels, ow = s.OutWidth, v = TS.Count;
        int taps = khN * kwN, k = cin * taps;
        int pitch = j.RowFloats / s.StrideWidth;
        // Where each tap starts inside a buffered row, in row order: row kh·dil, then stride phase and element of kw·dil.
        int* tapOffset = stackalloc int[taps];
        for (int kh = 0; kh < khN; kh++)
            for (int kw = 0; kw < kwN; kw++)
                tapOffset[kh * kwN + kw] = kh * s.DilationHeight * j.RowFloats + kw * s.DilationWidth % s.StrideWidth * pitch + kw * s.DilationWidth / s.StrideWidth;
        long rowStep = (long)s.StrideHeight * j.RowFloats, outPlane = (long)s.OutHeight * ow;
        int planeFloats = j.PlaneFloats;
        Block16<TV> acc; Unsafe.SkipInit(out acc);
        // Row blocks outside, channel groups inside: a block's input rows (every input channel, KH + 3·stride rows) stay in
        // the first-level cache across all the groups; groups outside re-read the whole buffered input from the outer
        // caches once per four output channels (ResNet's stem: 16 times 0.6 MB while its 3.2 MB output streams past).
        for (int oy = row0; oy < row1; oy += RowBlock)
        {
            int rows = Math.Min(RowBlock, row1 - oy);
            float* top = j.Planes + oy * rowStep;
            for (int c0 = 0; c0 < cout; c0 += Block)
            {
                float* wb = j.W + (long)c0 * k;
                int channels = Math.Min(Block, cout - c0);
                TV b0 = Bias<TV, TS>(j.Bias, c0, channels), b1 = Bias<TV, TS>(j.Bias, c0 + 1, channels - 1);
                TV b2 = Bias<TV, TS>(j.Bias, c0 + 2, channels - 2), b3 = Bias<TV, TS>(j.Bias, c0 + 3, channels - 3);
                for (int col = 0; col < ow; col += v)
                {
                    if (SimdOps.FewRegisters)
                    {
                        // 16 sums, four row loads and a broadcast need 21 vector registers; x64 without AVX-512 has 16 and
                        // spilled the sums every tap (AVX2: ResNet's stem at 66 GFLOP/s, a third of the AVX-512 rate).
                        // There the block runs as two halves of two rows, each over every input channel and tap.
                        TwoRows<TV, TS>(top, rowStep, planeFloats, col, cin, tapOffset, taps, wb, b0, b1, b2, b3, ref acc, 0);
                        TwoRows<TV, TS>(top + 2 * rowStep, rowStep, planeFloats, col, cin, tapOffset, taps, wb, b0, b1, b2, b3, ref acc, 8);
                        store(j, ref acc, c0, channels, oy, rows, col, row1, outPlane);
                        continue;
                    }
                    TV a00 = b0, a01 = b0, a02 = b0, a03 = b0;
                    TV a10 = b1, a11 = b1, a12 = b1, a13 = b1;
                    TV a20 = b2, a21 = b2, a22 = b2, a23 = b2;
                    TV a30 = b3, a31 = b3, a32 = b3, a33 = b3;
                    float* wt = wb;
                    for (int ci = 0; ci < cin; ci++)
                    {
                        float* p0 = top + (long)ci * planeFloats + col;
                        float* p1 = p0 + rowStep, p2 = p1 + rowStep, p3 = p2 + rowStep;
                        for (int* tap = tapOffset, tapEnd = tapOffset + taps; tap < tapEnd; tap++, wt += Block)
                        {
                            int o = *tap;
                            TV x0 = TS.Load(p0 + o), x1 = TS.Load(p1 + o), x2 = TS.Load(p2 + o), x3 = TS.Load(p3 + o);
                            TV w0 = TS.Broadcast(wt[0]);
                            a00 = TS.Fma(w0, x0, a00); a01 = TS.Fma(w0, x1, a01); a02 = TS.Fma(w0, x2, a02); a03 = TS.Fma(w0, x3, a03);
                            TV w1 = TS.Broadcast(wt[1]);
                            a10 = TS.Fma(w1, x0, a10); a11 = TS.Fma(w1, x1, a11); a12 = TS.Fma(w1, x2, a12); a13 = TS.Fma(w1, x3, a13);
                            TV w2 = TS.Broadcast(wt[2]);
                            a20 = TS.Fma(w2, x0, a20); a21 = TS.Fma(w2, x1, a21); a22 = TS.Fma(w2, x2, a22); a23 = TS.Fma(w2, x3, a23);
                            TV w3 = TS.Broadcast(wt[3]);
                            a30 = TS.Fma(w3, x0, a30); a31 = TS.Fma(w3, x1, a31); a32 = TS.Fma(w3, x2, a32); a33 = TS.Fma(w3, x3, a33);
                        }
                    }
                    // The 16 accumulators through the stack to one out-of-line store loop: 16 stores written out here
                    // (each with its partial-lane path) made this method 6.5 KB of code and ~10 ms of JIT per width and
                    // activation, on the way to a detector's first result (now 1.7 KB); the round trip costs 32 moves and
                    // a call against the block's cin·taps·16 multiply-adds (the stem: 2,352).
                    acc[0] = a00; acc[1] = a10; acc[2] = a20; acc[3] = a30;
                    acc[4] = a01; acc[5] = a11; acc[6] = a21; acc[7] = a31;
                    acc[8] = a02; acc[9] = a12; acc[10] = a22; acc[11] = a32;
                    acc[12] = a03; acc[13] = a13; acc[14] = a23; acc[15] = a33;
                    store(j, ref acc, c0, channels, oy, rows, col, row1, outPlane);
                }
            }
        }
    }

    /// <summary>
    /// Two output rows of a block (8 sums) over every input channel and tap, into <paramref name="acc"/>[<paramref name="at"/> +
    /// 4·row + channel] — the same sums in the same order as the four-row loop in <see cref="Rows{TV,TS}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TwoRows<TV, TS>(float* top, long rowStep, long planeFloats, int col, int cin, int* tapOffset, int taps, float* wt,
        TV b0, TV b1, TV b2, TV b3, ref Block16<TV> acc, int at)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV a00 = b0, a01 = b0, a10 = b1, a11 = b1, a20 = b2, a21 = b2, a30 = b3, a31 = b3;
        for (int ci = 0; ci < cin; ci++)
        {
            float* p0 = top + ci * planeFloats + col;
            float* p1 = p0 + rowStep;
            for (int* tap = tapOffset, tapEnd = tapOffset + taps; tap < tapEnd; tap++, wt += Block)
            {
                int o = *tap;
                TV x0 = TS.Load(p0 + o), x1 = TS.Load(p1 + o);
                TV w = TS.Broadcast(wt[0]); a00 = TS.Fma(w, x0, a00); a01 = TS.Fma(w, x1, a01);
                w = TS.Broadcast(wt[1]); a10 = TS.Fma(w, x0, a10); a11 = TS.Fma(w, x1, a11);
                w = TS.Broadcast(wt[2]); a20 = TS.Fma(w, x0, a20); a21 = TS.Fma(w, x1, a21);
                w = TS.Broadcast(wt[3]); a30 = TS.Fma(w, x0, a30); a31 = TS.Fma(w, x1, a31);
            }
        }
        acc[at] = a00; acc[at + 1] = a10; acc[at + 2] = a20; acc[at + 3] = a30;
        acc[at + 4] = a01; acc[at + 5] = a11; acc[at + 6] = a21; acc[at + 7] = a31;
    }

    /// <summary>
    /// A block's 16 vectors (<paramref name="acc"/>[4·row + channel]) with residual and activation into the output. Out of
    /// line, so the multiply-add loop keeps every count and pointer in a register (in line, the JIT reloaded one from the
    /// stack every tap). Rows are stored in order, so a row's only vector running past its end (onto the next rows of this
    /// plane, stored after it) stores whole; at the end of this part's rows, or with several vectors a row, exact lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StoreBlock<TV, TS, TA>(in Job j, ref Block16<TV> acc, int c0, int channels, int oy, int rows, int col, int row1, long outPlane)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int ow = j.Shape.OutWidth, v = TS.Count;
        float alpha = j.Act.Alpha;
        for (int r = 0; r < rows; r++)
        {
            long at = (long)(oy + r) * ow + col;
            int lanes = Lanes(v, ow, col, oy + r, row1);
            for (int i = 0; i < channels; i++)
            {
                long o = (c0 + i) * outPlane + at;
                DepthwiseConv.Store<TV, TS, TA>(j.Y + o, j.Res == null ? null : j.Res + o, acc[4 * r + i], lanes, alpha);
            }
        }
    }

    /// <summary>Lanes of the vector at column <paramref name="col"/> of row <paramref name="oy"/> to store (see the row loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lanes(int v, int ow, int col, int oy, int row1) =>
        ow <= v ? DepthwiseConv.Lanes(v, ow, col, oy, row1) : Math.Min(v, ow - col);

    /// <summary>Channel <paramref name="c"/>'s bias as a vector; zero past the last channel (<paramref name="left"/> ≤ 0) or without a bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Bias<TV, TS>(float* bias, int c, int left) where TV : struct where TS : struct, ISimd<TV>
        => TS.Broadcast(bias != null && left > 0 ? bias[c] : 0f);

}
