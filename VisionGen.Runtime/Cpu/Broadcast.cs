using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>The element-wise operation of <see cref="Broadcast.Binary"/>. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum BinaryOp
{
    /// <summary>a + b (<c>torch.add</c>, <c>x + y</c>).</summary>
    Add = 0,

    /// <summary>a · b (<c>torch.mul</c>, <c>x * y</c>).</summary>
    Mul = 1,
}

/// <summary>Element-wise binary operations with NumPy/PyTorch broadcasting and a fused activation. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Broadcast
{
    // Below this many output elements the kernel runs on the calling thread: a hand-over costs more than it saves.
    private const long ParallelThreshold = 1 << 15;

    // Column splits are in whole blocks of this many floats (a multiple of every vector width), so which elements take the
    // vector path and which the scalar tail does not depend on the thread count: results are bit-identical.
    private const int SplitBlock = 16;

    /// <summary>
    /// output = act(a op b) with broadcasting: the three dims have the same rank (pad the shorter with leading 1s) and each
    /// size of <paramref name="aDims"/> and <paramref name="bDims"/> equals the output's or is 1 (that operand is repeated
    /// along the axis). Equal shapes run as one flat loop; an operand constant over the innermost run (a [N, C, 1, 1]
    /// scale against [N, C, H, W]) is broadcast from a register; any other pattern walks the outer axes and runs
    /// contiguous inner rows.
    /// </summary>
    /// <param name="op">The operation.</param>
    /// <param name="a">First operand, at least <c>aDims.Length</c> floats.</param>
    /// <param name="aDims">Dims of <paramref name="a"/>.</param>
    /// <param name="b">Second operand, at least <c>bDims.Length</c> floats.</param>
    /// <param name="bDims">Dims of <paramref name="b"/>.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least <c>outputDims.Length</c> floats. May be exactly <paramref name="a"/> or <paramref name="b"/>
    /// (same start) when that operand has the output's dims (in place); must not overlap an operand otherwise.</param>
    /// <param name="outputDims">Dims of the output.</param>
    /// <exception cref="ArgumentException">Unknown op, ranks differ, a size is not positive or does not broadcast, a span is
    /// too short, or the output overlaps an operand other than in place.</exception>
    public static void Binary(BinaryOp op, ReadOnlySpan<float> a, in TensorDims aDims, ReadOnlySpan<float> b, in TensorDims bDims,
        Activation activation, Span<float> output, in TensorDims outputDims)
    {
        if (op is not (BinaryOp.Add or BinaryOp.Mul)) throw new ArgumentException($"Unknown binary op {op}.", nameof(op));
        outputDims.Validate(nameof(outputDims));
        aDims.Validate(nameof(aDims));
        bDims.Validate(nameof(bDims));
        int rank = outputDims.Rank;
        if (aDims.Rank != rank) throw new ArgumentException($"a has rank {aDims.Rank}, the output {rank}: pad the shorter dims with leading 1s.", nameof(aDims));
        if (bDims.Rank != rank) throw new ArgumentException($"b has rank {bDims.Rank}, the output {rank}: pad the shorter dims with leading 1s.", nameof(bDims));
        for (int i = 0; i < rank; i++)
        {
            if (aDims[i] != outputDims[i] && aDims[i] != 1)
                throw new ArgumentException($"a {aDims} does not broadcast to the output {outputDims} on axis {i}.", nameof(aDims));
            if (bDims[i] != outputDims[i] && bDims[i] != 1)
                throw new ArgumentException($"b {bDims} does not broadcast to the output {outputDims} on axis {i}.", nameof(bDims));
        }
        long outLength = outputDims.Length;
        if (outLength > int.MaxValue) throw new ArgumentException($"The output {outputDims} has more than {int.MaxValue} elements.", nameof(outputDims));
        if (a.Length < aDims.Length) throw new ArgumentException($"a needs {aDims.Length} floats for {aDims}, got {a.Length}.", nameof(a));
        if (b.Length < bDims.Length) throw new ArgumentException($"b needs {bDims.Length} floats for {bDims}, got {b.Length}.", nameof(b));
        if (output.Length < outLength) throw new ArgumentException($"Output needs {outLength} floats for {outputDims}, got {output.Length}.", nameof(output));
        Span<float> y = output[..(int)outLength];
        CheckAlias(a[..(int)aDims.Length], aDims == outputDims, y, nameof(a));
        CheckAlias(b[..(int)bDims.Length], bDims == outputDims, y, nameof(b));

        var job = new Job { Op = op, Act = activation };
        Simplify(aDims, bDims, outputDims, ref job);
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* py = output)
        {
            job.A = pa; job.B = pb; job.Y = py;
            int parts = 1;
            if (CpuThreads.Count > 1 && outLength >= ParallelThreshold)
            {
                int threads = CpuThreads.Count;
                int blocks = (job.Inner + SplitBlock - 1) / SplitBlock;
                // Whole rows when there are plenty; otherwise 16-float blocks of every row.
                job.SplitRows = job.Rows >= 4L * threads || blocks < threads;
                parts = (int)Math.Min(threads, job.SplitRows ? job.Rows : blocks);
            }
            WorkerPool.Run(&RunPart, &job, parts);
        }
    }

    private static void CheckAlias(ReadOnlySpan<float> operand, bool sameDims, Span<float> output, string name)
    {
        if (!operand.Overlaps(output, out int offset)) return;
        if (offset != 0 || !sameDims)
            throw new ArgumentException($"The output may be exactly {name} (in place, when {name} has the output's dims) but must not overlap it otherwise.", name);
    }

    /// <summary>The problem reduced to outer axes (odometer) and one inner run: axes of size 1 dropped, mergeable neighbours merged.</summary>
    private struct Job
    {
        public BinaryOp Op;
        public Activation Act;
        public float* A, B, Y;
        public int OuterRank;     // outer axes (the inner run excluded)
        public Dims6 Size;        // outer sizes, outermost first
        public Strides6 StrideA, StrideB; // outer strides of a and b in floats (0 where broadcast)
        public long Rows;         // product of the outer sizes
        public int Inner;         // length of the inner run
        public bool InnerA, InnerB; // whether a / b advance along the inner run (else constant over it)
        public bool SplitRows;
    }

    [InlineArray(TensorDims.MaxRank)]
    private struct Dims6 { private int _e; }

    [InlineArray(TensorDims.MaxRank)]
    private struct Strides6 { private long _e; }

    private static void Simplify(in TensorDims aDims, in TensorDims bDims, in TensorDims outDims, ref Job job)
    {
        Dims6 size = default;
        Strides6 sa = default, sb = default;
        int r = 0;
        for (int i = 0; i < outDims.Rank; i++)
        {
            int n = outDims[i];
            if (n == 1) continue;
            long strideA = aDims[i] == 1 ? 0 : aDims.Stride(i);
            long strideB = bDims[i] == 1 ? 0 : bDims.Stride(i);
            // Merge into the previous axis when both operands step through the two as through one (the output always does).
            if (r > 0 && sa[r - 1] == strideA * n && sb[r - 1] == strideB * n)
            {
                size[r - 1] *= n;
                sa[r - 1] = strideA;
                sb[r - 1] = strideB;
                continue;
            }
            size[r] = n; sa[r] = strideA; sb[r] = strideB;
            r++;
        }
        if (r == 0) { size[0] = 1; sa[0] = 1; sb[0] = 1; r = 1; }
        // The last axis is the inner run; after dropping size-1 axes a non-broadcast operand is contiguous along it.
        job.Inner = size[r - 1];
        job.InnerA = sa[r - 1] != 0;
        job.InnerB = sb[r - 1] != 0;
        job.OuterRank = r - 1;
        job.Rows = 1;
        for (int i = 0; i < r - 1; i++)
        {
            job.Size[i] = size[i];
            job.StrideA[i] = sa[i];
            job.StrideB[i] = sb[i];
            job.Rows *= size[i];
        }
    }

    private static void RunPart(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        if (j.Op == BinaryOp.Add) RunPart<AddOp>(ref j, part, parts);
        else RunPart<MulOp>(ref j, part, parts);
    }

    private static void RunPart<TOp>(ref Job j, int part, int parts) where TOp : struct, IBinaryOp
    {
        if (Vector512.IsHardwareAccelerated) RunPart<Vector512<float>, Simd512, TOp>(ref j, part, parts);
        else if (Vector256.IsHardwareAccelerated) RunPart<Vector256<float>, Simd256, TOp>(ref j, part, parts);
        else RunPart<Vector128<float>, Simd128, TOp>(ref j, part, parts);
    }

    private static void RunPart<TV, TS, TOp>(ref Job j, int part, int parts)
        where TV : struct where TS : struct, ISimd<TV> where TOp : struct, IBinaryOp
    {
        long row0 = 0, row1 = j.Rows;
        int from = 0, to = j.Inner;
        if (parts > 1)
        {
            if (j.SplitRows)
            {
                row0 = j.Rows * part / parts;
                row1 = j.Rows * (part + 1) / parts;
            }
            else
            {
                var (b0, b1) = WorkerPool.Range((j.Inner + SplitBlock - 1) / SplitBlock, part, parts);
                from = b0 * SplitBlock;
                to = Math.Min(j.Inner, b1 * SplitBlock);
            }
            if (row1 <= row0 || to <= from) return;
        }
        // Odometer over the outer axes, started at row0.
        Dims6 index = default;
        long offA = 0, offB = 0;
        long rest = row0;
        for (int i = j.OuterRank - 1; i >= 0; i--)
        {
            index[i] = (int)(rest % j.Size[i]);
            rest /= j.Size[i];
            offA += index[i] * j.StrideA[i];
            offB += index[i] * j.StrideB[i];
        }
        long inner = j.Inner;
        for (long row = row0; row < row1; row++)
        {
            Row<TV, TS, TOp>(j.A + offA, j.InnerA, j.B + offB, j.InnerB, j.Act, j.Y + row * inner, from, to);
            for (int i = j.OuterRank - 1; i >= 0; i--)
            {
                offA += j.StrideA[i];
                offB += j.StrideB[i];
                if (++index[i] < j.Size[i]) break;
                offA -= j.StrideA[i] * j.Size[i];
                offB -= j.StrideB[i] * j.Size[i];
                index[i] = 0;
            }
        }
    }

    /// <summary>y[i] = act(a[i or 0] op b[i or 0]) for i in [from, to); vector blocks start at from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TV, TS, TOp>(float* a, bool stepA, float* b, bool stepB, Activation act, float* y, int from, int to)
        where TV : struct where TS : struct, ISimd<TV> where TOp : struct, IBinaryOp
    {
        int v = TS.Count, i = from;
        if (stepA && stepB)
        {
            for (; i + v <= to; i += v) TS.Store(y + i, SimdOps.Activate<TV, TS>(TOp.Apply<TV, TS>(TS.Load(a + i), TS.Load(b + i)), act));
            for (; i < to; i++) y[i] = act.Apply(TOp.Apply(a[i], b[i]));
        }
        else if (stepA)
        {
            float bs = *b;
            TV bv = TS.Broadcast(bs);
            for (; i + v <= to; i += v) TS.Store(y + i, SimdOps.Activate<TV, TS>(TOp.Apply<TV, TS>(TS.Load(a + i), bv), act));
            for (; i < to; i++) y[i] = act.Apply(TOp.Apply(a[i], bs));
        }
        else if (stepB)
        {
            float s = *a;
            TV av = TS.Broadcast(s);
            for (; i + v <= to; i += v) TS.Store(y + i, SimdOps.Activate<TV, TS>(TOp.Apply<TV, TS>(av, TS.Load(b + i)), act));
            for (; i < to; i++) y[i] = act.Apply(TOp.Apply(s, b[i]));
        }
        else
        {
            float s = TOp.Apply(*a, *b);
            TV value = SimdOps.Activate<TV, TS>(TS.Broadcast(s), act);
            for (; i + v <= to; i += v) TS.Store(y + i, value);
            float tail = act.Apply(s);
            for (; i < to; i++) y[i] = tail;
        }
    }

    private interface IBinaryOp
    {
        static abstract TV Apply<TV, TS>(TV a, TV b) where TV : struct where TS : struct, ISimd<TV>;
        static abstract float Apply(float a, float b);
    }

    private readonly struct AddOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, TS>(TV a, TV b) where TV : struct where TS : struct, ISimd<TV> => TS.Add(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float a, float b) => a + b;
    }

    private readonly struct MulOp : IBinaryOp
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, TS>(TV a, TV b) where TV : struct where TS : struct, ISimd<TV> => TS.Mul(a, b);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Apply(float a, float b) => a * b;
    }
}
