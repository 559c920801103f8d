using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Layout changes between kernels: channels-last, slices along an axis (cat/split), permutations. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Layout
{
    // Below this many floats a copy runs on the calling thread.
    private const long ParallelThreshold = 1 << 16;

    /// <summary>
    /// Transposes C×S (channel planes) to S×C (all channels of one location together), as torchvision's
    /// <c>view(N, A, K, H, W).permute(0, 3, 4, 1, 2).reshape(N, -1, K)</c> lays out head outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToChannelsLast(int channels, int spatial, ReadOnlySpan<float> input, Span<float> output)
    {
        if (channels <= 0 || spatial <= 0) throw new ArgumentException($"Invalid layout {channels}x{spatial}.");
        if (input.Length < channels * spatial) throw new ArgumentException("Input span too short.", nameof(input));
        if (output.Length < channels * spatial) throw new ArgumentException("Output span too short.", nameof(output));
        // Tiles of 16x16 keep both the reads and the writes within a few cache lines.
        const int Tile = 16;
        for (int s0 = 0; s0 < spatial; s0 += Tile)
        {
            int s1 = Math.Min(s0 + Tile, spatial);
            for (int c0 = 0; c0 < channels; c0 += Tile)
            {
                int c1 = Math.Min(c0 + Tile, channels);
                for (int c = c0; c < c1; c++)
                {
                    ReadOnlySpan<float> row = input.Slice(c * spatial, spatial);
                    for (int s = s0; s < s1; s++) output[s * channels + c] = row[s];
                }
            }
        }
    }

    /// <summary>
    /// Copies a slice along <paramref name="axis"/>: for every index of the other axes, source[…, sourceStart + i, …] →
    /// destination[…, destinationStart + i, …] for i &lt; <paramref name="count"/>. The dims agree on every axis but
    /// <paramref name="axis"/>. <c>torch.cat</c> writes each input into its slice of the output this way
    /// (sourceStart 0, count = the input's size); <c>split</c>/<c>chunk</c> copy a slice out (destinationStart 0).
    /// Each outer index copies one contiguous block of count·Stride(axis) floats.
    /// </summary>
    /// <param name="source">Source tensor, at least <c>sourceDims.Length</c> floats.</param>
    /// <param name="sourceDims">Dims of the source.</param>
    /// <param name="axis">The axis the slice runs along, 0 ≤ axis &lt; rank.</param>
    /// <param name="sourceStart">First source index along the axis.</param>
    /// <param name="destination">Destination tensor, at least <c>destinationDims.Length</c> floats; must not overlap the source.</param>
    /// <param name="destinationDims">Dims of the destination: the source's on every axis but <paramref name="axis"/>.</param>
    /// <param name="destinationStart">First destination index along the axis.</param>
    /// <param name="count">Indices along the axis to copy (0 copies nothing).</param>
    /// <exception cref="ArgumentException">Ranks or dims disagree, the axis or a range is out of bounds, a span is too short,
    /// or the spans overlap.</exception>
    public static void CopySlice(ReadOnlySpan<float> source, in TensorDims sourceDims, int axis, int sourceStart,
        Span<float> destination, in TensorDims destinationDims, int destinationStart, int count)
    {
        sourceDims.Validate(nameof(sourceDims));
        destinationDims.Validate(nameof(destinationDims));
        int rank = sourceDims.Rank;
        if (destinationDims.Rank != rank)
            throw new ArgumentException($"Destination {destinationDims} and source {sourceDims} differ in rank.", nameof(destinationDims));
        if ((uint)axis >= (uint)rank) throw new ArgumentException($"Axis {axis} is outside 0..{rank - 1}.", nameof(axis));
        for (int i = 0; i < rank; i++)
            if (i != axis && sourceDims[i] != destinationDims[i])
                throw new ArgumentException($"Destination {destinationDims} and source {sourceDims} differ on axis {i} (only axis {axis} may).", nameof(destinationDims));
        if (count < 0) throw new ArgumentException($"Count {count} is negative.", nameof(count));
        if (sourceStart < 0 || sourceStart > sourceDims[axis] - count)
            throw new ArgumentException($"Source range [{sourceStart}, {(long)sourceStart + count}) is outside 0..{sourceDims[axis]} on axis {axis}.", nameof(sourceStart));
        if (destinationStart < 0 || destinationStart > destinationDims[axis] - count)
            throw new ArgumentException($"Destination range [{destinationStart}, {(long)destinationStart + count}) is outside 0..{destinationDims[axis]} on axis {axis}.", nameof(destinationStart));
        if (source.Length < sourceDims.Length) throw new ArgumentException($"Source needs {sourceDims.Length} floats for {sourceDims}, got {source.Length}.", nameof(source));
        if (destination.Length < destinationDims.Length) throw new ArgumentException($"Destination needs {destinationDims.Length} floats for {destinationDims}, got {destination.Length}.", nameof(destination));
        if (source[..(int)sourceDims.Length].Overlaps(destination[..(int)destinationDims.Length]))
            throw new ArgumentException("Source and destination must not overlap.", nameof(destination));
        if (count == 0) return;

        long inner = sourceDims.Stride(axis);
        var job = new SliceJob
        {
            Rows = sourceDims.Length / sourceDims[axis] / inner,
            Block = count * inner,
            SourceRow = sourceDims[axis] * inner,
            DestinationRow = destinationDims[axis] * inner,
        };
        fixed (float* ps = source) fixed (float* pd = destination)
        {
            job.Source = ps + sourceStart * inner;
            job.Destination = pd + destinationStart * inner;
            long total = job.Rows * job.Block;
            int parts = CpuThreads.Count > 1 && total >= ParallelThreshold ? (int)Math.Min(CpuThreads.Count, total / 4096) : 1;
            WorkerPool.Run(&CopySlicePart, &job, parts);
        }
    }

    private struct SliceJob
    {
        public float* Source, Destination;
        public long Rows, Block, SourceRow, DestinationRow;
    }

    /// <summary>Copies the part's share of the Rows·Block floats (an even split of the flat range, rows cut where needed).</summary>
    private static void CopySlicePart(void* context, int part, int parts)
    {
        ref SliceJob j = ref *(SliceJob*)context;
        long total = j.Rows * j.Block;
        long e0 = total * part / parts, e1 = total * (part + 1) / parts;
        while (e0 < e1)
        {
            long row = e0 / j.Block, at = e0 % j.Block;
            long n = Math.Min(j.Block - at, e1 - e0);
            Copy(j.Source + row * j.SourceRow + at, j.Destination + row * j.DestinationRow + at, n);
            e0 += n;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Copy(float* from, float* to, long n)
        => Buffer.MemoryCopy(from, to, n * sizeof(float), n * sizeof(float));

    /// <summary>
    /// Permutes the axes: output axis i is input axis permutation[i] (torch's <c>x.permute(...).contiguous()</c>), so the
    /// output dims are inputDims[permutation[i]]. Axes of size 1 are dropped and axes that stay neighbours are merged
    /// first; when the last axis stays last the kernel copies rows, otherwise it transposes 8×8 blocks.
    /// </summary>
    /// <param name="input">Input tensor, at least <c>inputDims.Length</c> floats.</param>
    /// <param name="inputDims">Dims of the input.</param>
    /// <param name="permutation">A permutation of 0..rank−1, of the input's rank.</param>
    /// <param name="output">At least <c>inputDims.Length</c> floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">Not a permutation of the input's axes, a span is too short, or the spans overlap.</exception>
    public static void Permute(ReadOnlySpan<float> input, in TensorDims inputDims, in TensorDims permutation, Span<float> output)
    {
        inputDims.Validate(nameof(inputDims));
        int rank = inputDims.Rank;
        permutation.ValidatePermutationOf(inputDims, nameof(permutation));
        long length = inputDims.Length;
        if (input.Length < length) throw new ArgumentException($"Input needs {length} floats for {inputDims}, got {input.Length}.", nameof(input));
        if (output.Length < length) throw new ArgumentException($"Output needs {length} floats, got {output.Length}.", nameof(output));
        if (input[..(int)length].Overlaps(output[..(int)length]))
            throw new ArgumentException("Input and output must not overlap.", nameof(output));

        var job = new PermuteJob();
        PlanPermute(inputDims, permutation, ref job);
        fixed (float* px = input) fixed (float* py = output)
        {
            job.X = px;
            job.Y = py;
            int parts = CpuThreads.Count > 1 && length >= ParallelThreshold ? (int)Math.Min(CpuThreads.Count, job.Items) : 1;
            WorkerPool.Run(&PermutePart, &job, parts);
        }
    }

    [InlineArray(TensorDims.MaxRank)]
    private struct Ints6 { private int _e; }

    [InlineArray(TensorDims.MaxRank)]
    private struct Longs6 { private long _e; }

    /// <summary>
    /// The permutation reduced to outer axes (walked by an odometer, in output order) and either a row copy (the input's
    /// innermost axis stays innermost) or a transpose of two axes: the input's innermost (M long, output stride OutStrideM)
    /// against the output's innermost (P long, input stride InStrideP).
    /// </summary>
    private struct PermuteJob
    {
        public float* X, Y;
        public int OuterRank;
        public Ints6 Size;
        public Longs6 InStride, OutStride;
        public bool Transpose;
        public int M, P;            // copy: M = row length
        public long InStrideP, OutStrideM;
        public int MBlocks;         // transpose: blocks of Tile along M per outer index
        public long Outer, Items;   // outer indices; work items (rows, or outer × M blocks)
    }

    private const int Tile = 32;

    private static void PlanPermute(in TensorDims inputDims, in TensorDims permutation, ref PermuteJob job)
    {
        int rank = inputDims.Rank;
        // Drop size-1 axes: kept[a] = new index of input axis a, or −1.
        Ints6 kept = default, perm = default, first = default, last = default, groupOf = default, order = default;
        int r = 0;
        for (int a = 0; a < rank; a++) kept[a] = inputDims[a] == 1 ? -1 : r++;
        int pr = 0;
        for (int i = 0; i < rank; i++)
            if (kept[permutation[i]] >= 0) perm[pr++] = kept[permutation[i]];
        // Groups of input axes that stay neighbours, in output order.
        int g = 0;
        for (int i = 0; i < pr; i++)
        {
            if (g > 0 && perm[i] == last[g - 1] + 1) { last[g - 1] = perm[i]; continue; }
            first[g] = last[g] = perm[i];
            g++;
        }
        // Reduced input axes: the groups sorted by their first input axis.
        Ints6 sizes = default; // of reduced input axes
        int inputAxis = 0;
        for (int a = 0; a < r; a++)
            for (int k = 0; k < g; k++)
                if (first[k] == a) { groupOf[k] = inputAxis; order[inputAxis++] = k; }
        Ints6 keptSizes = default;
        for (int a = 0, n = 0; a < rank; a++) if (inputDims[a] != 1) keptSizes[n++] = inputDims[a];
        for (int ia = 0; ia < g; ia++)
        {
            int k = order[ia];
            int size = 1;
            for (int a = first[k]; a <= last[k]; a++) size *= keptSizes[a];
            sizes[ia] = size;
        }
        if (g == 0) { g = 1; sizes[0] = 1; groupOf[0] = 0; }
        // Strides of the reduced input (row-major) and of the output (output axis k is input axis groupOf[k]).
        Longs6 inStride = default, outStride = default;
        long s = 1;
        for (int ia = g - 1; ia >= 0; ia--) { inStride[ia] = s; s *= sizes[ia]; }
        s = 1;
        for (int k = g - 1; k >= 0; k--) { outStride[k] = s; s *= sizes[groupOf[k]]; }

        int innerIn = g - 1;                 // input's innermost axis
        job.Transpose = groupOf[g - 1] != innerIn;
        int outer = 0;
        job.Outer = 1;
        if (!job.Transpose)
        {
            job.M = sizes[innerIn];
            for (int k = 0; k < g - 1; k++) AddOuter(ref job, ref outer, sizes[groupOf[k]], inStride[groupOf[k]], outStride[k]);
            job.Items = job.Outer;
        }
        else
        {
            int pAxis = groupOf[g - 1];
            int q = 0;
            while (groupOf[q] != innerIn) q++;
            job.M = sizes[innerIn];
            job.P = sizes[pAxis];
            job.InStrideP = inStride[pAxis];
            job.OutStrideM = outStride[q];
            for (int k = 0; k < g - 1; k++)
                if (k != q) AddOuter(ref job, ref outer, sizes[groupOf[k]], inStride[groupOf[k]], outStride[k]);
            job.MBlocks = (job.M + Tile - 1) / Tile;
            job.Items = job.Outer * job.MBlocks;
        }
        job.OuterRank = outer;
    }

    private static void AddOuter(ref PermuteJob job, ref int outer, int size, long inStride, long outStride)
    {
        job.Size[outer] = size;
        job.InStride[outer] = inStride;
        job.OutStride[outer] = outStride;
        job.Outer *= size;
        outer++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PermutePart(void* context, int part, int parts)
    {
        ref PermuteJob j = ref *(PermuteJob*)context;
        long i0 = j.Items * part / parts, i1 = j.Items * (part + 1) / parts;
        if (i1 <= i0) return;
        if (!j.Transpose)
        {
            // Row copies: odometer from row i0.
            Ints6 index = default;
            long inOff = 0, outOff = 0;
            Start(ref j, i0, ref index, ref inOff, ref outOff);
            for (long row = i0; row < i1; row++)
            {
                Copy(j.X + inOff, j.Y + outOff, j.M);
                Step(ref j, ref index, ref inOff, ref outOff);
            }
            return;
        }
        for (long item = i0; item < i1; item++)
        {
            long o = item / j.MBlocks;
            int m0 = (int)(item % j.MBlocks) * Tile;
            Ints6 index = default;
            long inOff = 0, outOff = 0;
            Start(ref j, o, ref index, ref inOff, ref outOff);
            TransposeBlock(j.X + inOff, j.InStrideP, j.Y + outOff, j.OutStrideM, m0, Math.Min(j.M, m0 + Tile), j.P);
        }
    }

    private static void Start(ref PermuteJob j, long at, ref Ints6 index, ref long inOff, ref long outOff)
    {
        for (int i = j.OuterRank - 1; i >= 0; i--)
        {
            index[i] = (int)(at % j.Size[i]);
            at /= j.Size[i];
            inOff += index[i] * j.InStride[i];
            outOff += index[i] * j.OutStride[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(ref PermuteJob j, ref Ints6 index, ref long inOff, ref long outOff)
    {
        for (int i = j.OuterRank - 1; i >= 0; i--)
        {
            inOff += j.InStride[i];
            outOff += j.OutStride[i];
            if (++index[i] < j.Size[i]) return;
            inOff -= j.InStride[i] * j.Size[i];
            outOff -= j.OutStride[i] * j.Size[i];
            index[i] = 0;
        }
    }

    /// <summary>out[m·outStrideM + p] = in[p·inStrideP + m] for m in [m0, m1), p in [0, P): 8×8 register transposes, scalar edges.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransposeBlock(float* x, long inStrideP, float* y, long outStrideM, int m0, int m1, int pCount)
    {
        for (int p0 = 0; p0 < pCount; p0 += Tile)
        {
            int p1 = Math.Min(pCount, p0 + Tile);
            int mFull = m0, pFull = p0;
            if (Avx.IsSupported)
            {
                mFull = m0 + (m1 - m0) / 8 * 8;
                pFull = p0 + (p1 - p0) / 8 * 8;
                for (int p = p0; p < pFull; p += 8)
                    for (int m = m0; m < mFull; m += 8)
                        Transpose8x8(x + p * inStrideP + m, inStrideP, y + m * outStrideM + p, outStrideM);
            }
            else
            {
                mFull = m0;
            }
            // Edges: the rows p ≥ pFull for the whole m range, and the columns m ≥ mFull for the vector rows.
            for (int p = p0; p < p1; p++)
            {
                float* row = x + p * inStrideP;
                for (int m = p < pFull ? mFull : m0; m < m1; m++) y[m * outStrideM + p] = row[m];
            }
        }
    }

    /// <summary>Transposes the 8×8 block at x (row stride sx) into y (row stride sy).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* x, long sx, float* y, long sy)
    {
        Vector256<float> r0 = Avx.LoadVector256(x), r1 = Avx.LoadVector256(x + sx);
        Vector256<float> r2 = Avx.LoadVector256(x + 2 * sx), r3 = Avx.LoadVector256(x + 3 * sx);
        Vector256<float> r4 = Avx.LoadVector256(x + 4 * sx), r5 = Avx.LoadVector256(x + 5 * sx);
        Vector256<float> r6 = Avx.LoadVector256(x + 6 * sx), r7 = Avx.LoadVector256(x + 7 * sx);
        // Pairs of rows interleaved, then pairs of pairs: each 128-bit half holds a 4×4 transpose.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        // Halves swapped across: the low halves of u0..u3 with those of u4..u7 are output rows 0..3, the high halves rows 4..7.
        Avx.Store(y, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(y + sy, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(y + 2 * sy, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(y + 3 * sy, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(y + 4 * sy, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(y + 5 * sy, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(y + 6 * sy, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(y + 7 * sy, Avx.Permute2x128(u3, u7, 0x31));
    }
}
