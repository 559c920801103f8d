using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Layout changes, as VisionGen.Cpu.Layout: slices along an axis (torch.cat, split, chunk), permutes, and the
// location-major layout detection heads write (torchvision's permute + reshape).
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _channelsLast;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, SliceArgs> _copySlice = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, TensorDims, TensorDims, int> _permuteGather = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, TransposeArgs> _permuteTiled = null!;

    /// <summary>A slice copy seen as outer × run: each of Outer blocks copies Run contiguous floats.</summary>
    internal struct SliceArgs
    {
        public int Outer, Run, SourceBlock, SourceOffset, DestinationBlock, DestinationOffset;
    }

    /// <summary>
    /// A permute whose innermost output axis (X) is not the input's innermost axis (Y): batches of X × Y tiles,
    /// staged through shared memory so both the reads (along Y) and the writes (along X) are contiguous.
    /// </summary>
    internal struct TransposeArgs
    {
        public int SizeX, SizeY, InStrideX, OutStrideY, TilesX, Batches;

        /// <summary>The other output axes, outermost first, with their input and output strides.</summary>
        public TensorDims BatchDims, BatchInStrides, BatchOutStrides;
    }

    private void LoadLayout()
    {
        _copySlice = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, SliceArgs>(CopySliceKernel);
        _permuteGather = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, TensorDims, TensorDims, int>(PermuteGatherKernel);
        _permuteTiled = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, TransposeArgs>(PermuteTiledKernel);
    }

    /// <summary>
    /// For every index of the other axes, copies source[…, sourceStart + i, …] to destination[…, destinationStart + i, …]
    /// for i &lt; <paramref name="count"/> along <paramref name="axis"/>, as <c>VisionGen.Cpu.Layout.CopySlice</c>: torch.cat
    /// writes each input into its slice of the output, torch.split/chunk copy a slice out.
    /// </summary>
    /// <param name="source">sourceDims.Length floats.</param>
    /// <param name="sourceDims">Dims of the source; equal to destinationDims on every axis but <paramref name="axis"/>.</param>
    /// <param name="axis">The axis the slice runs along.</param>
    /// <param name="sourceStart">First source index along the axis.</param>
    /// <param name="destination">destinationDims.Length floats; must not overlap the source.</param>
    /// <param name="destinationDims">Dims of the destination.</param>
    /// <param name="destinationStart">First destination index along the axis.</param>
    /// <param name="count">Indices along the axis to copy (positive).</param>
    public void CopySlice(ArrayView<float> source, in TensorDims sourceDims, int axis, int sourceStart,
        ArrayView<float> destination, in TensorDims destinationDims, int destinationStart, int count)
    {
        sourceDims.Validate(nameof(sourceDims));
        destinationDims.Validate(nameof(destinationDims));
        if (sourceDims.Rank != destinationDims.Rank)
            throw new ArgumentException($"Source {sourceDims} and destination {destinationDims} differ in rank.", nameof(destinationDims));
        if ((uint)axis >= (uint)sourceDims.Rank) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis must be in [0, {sourceDims.Rank}).");
        for (int d = 0; d < sourceDims.Rank; d++)
        {
            if (d != axis && sourceDims[d] != destinationDims[d])
                throw new ArgumentException($"Source {sourceDims} and destination {destinationDims} differ in dimension {d}, not only along axis {axis}.", nameof(destinationDims));
        }
        Positive(count, nameof(count));
        if (sourceStart < 0 || sourceStart > sourceDims[axis] - count)
            throw new ArgumentOutOfRangeException(nameof(sourceStart), sourceStart, $"[{sourceStart}, +{count}) is outside the source's {sourceDims[axis]} along axis {axis}.");
        if (destinationStart < 0 || destinationStart > destinationDims[axis] - count)
            throw new ArgumentOutOfRangeException(nameof(destinationStart), destinationStart, $"[{destinationStart}, +{count}) is outside the destination's {destinationDims[axis]} along axis {axis}.");
        LaunchLength(sourceDims.Length, nameof(sourceDims));
        LaunchLength(destinationDims.Length, nameof(destinationDims));
        Need(source, sourceDims.Length, nameof(source));
        Need(destination, destinationDims.Length, nameof(destination));
        CheckOverlap(source, sourceDims.Length, destination, destinationDims.Length, nameof(source), sameStartAllowed: false);

        int inner = (int)sourceDims.Stride(axis);
        int outer = (int)(sourceDims.Length / ((long)sourceDims[axis] * inner));
        var args = new SliceArgs
        {
            Outer = outer, Run = count * inner,
            SourceBlock = sourceDims[axis] * inner, SourceOffset = sourceStart * inner,
            DestinationBlock = destinationDims[axis] * inner, DestinationOffset = destinationStart * inner,
        };
        _copySlice(Launch(), GridStride((long)outer * args.Run), source, destination, args);
    }

    /// <summary>
    /// output = input.permute(permutation).contiguous(): output dim i is inputDims[permutation[i]], as
    /// <c>VisionGen.Cpu.Layout.Permute</c>. Dims of 1 are dropped and axes that stay neighbours are merged first; when the
    /// input's innermost axis stays innermost every thread copies along contiguous rows, otherwise the copy goes
    /// through shared-memory tiles (a blocked transpose).
    /// </summary>
    /// <param name="input">inputDims.Length floats.</param>
    /// <param name="inputDims">Dims of the input.</param>
    /// <param name="permutation">A permutation of 0 … rank − 1, the same rank as the input.</param>
    /// <param name="output">inputDims.Length floats; must not overlap the input.</param>
    public void Permute(ArrayView<float> input, in TensorDims inputDims, in TensorDims permutation, ArrayView<float> output)
    {
        inputDims.Validate(nameof(inputDims));
        int rank = inputDims.Rank;
        permutation.ValidatePermutationOf(inputDims, nameof(permutation));
        int n = LaunchLength(inputDims.Length, nameof(inputDims));
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: false);

        // Output axes (outermost first) with the input stride each one walks: size-1 axes dropped, an axis merged
        // into its outer neighbour when the two are neighbours in the input too.
        Span<int> dims = stackalloc int[TensorDims.MaxRank], inStrides = stackalloc int[TensorDims.MaxRank];
        int m = 0;
        for (int i = 0; i < rank; i++)
        {
            int size = inputDims[permutation[i]];
            if (size == 1) continue;
            int stride = (int)inputDims.Stride(permutation[i]);
            if (m > 0 && inStrides[m - 1] == (long)size * stride)
            {
                dims[m - 1] *= size;
                inStrides[m - 1] = stride;
                continue;
            }
            dims[m] = size;
            inStrides[m] = stride;
            m++;
        }
        if (m == 0)
        {
            dims[0] = 1;
            inStrides[0] = 1;
            m = 1;
        }

        int yAxis = -1; // the output axis that walks the input's innermost run (input stride 1)
        for (int i = 0; i < m; i++)
        {
            if (inStrides[i] == 1) yAxis = i;
        }
        int side = TransposeTileSide;
        if (yAxis < 0 || yAxis == m - 1 || dims[m - 1] < side || dims[yAxis] < side)
        {
            // The output's inner rows read contiguous input (or tiles would be mostly empty): one thread per element.
            _permuteGather(Launch(), GridStride(n), input, output, TensorDims.Of(dims[..m]), TensorDims.Of(inStrides[..m]), n);
            return;
        }

        Span<int> outStrides = stackalloc int[TensorDims.MaxRank];
        long outStride = 1;
        for (int i = m - 1; i >= 0; i--)
        {
            outStrides[i] = (int)outStride;
            outStride *= dims[i];
        }
        Span<int> batchDims = stackalloc int[TensorDims.MaxRank], batchIn = stackalloc int[TensorDims.MaxRank], batchOut = stackalloc int[TensorDims.MaxRank];
        int batchRank = 0, batches = 1;
        for (int i = 0; i < m - 1; i++)
        {
            if (i == yAxis) continue;
            batchDims[batchRank] = dims[i];
            batchIn[batchRank] = inStrides[i];
            batchOut[batchRank] = outStrides[i];
            batches *= dims[i];
            batchRank++;
        }
        if (batchRank == 0)
        {
            batchDims[0] = 1;
            batchIn[0] = batchOut[0] = 0;
            batchRank = 1;
        }
        int tilesX = (dims[m - 1] + side - 1) / side, tilesY = (dims[yAxis] + side - 1) / side;
        var args = new TransposeArgs
        {
            SizeX = dims[m - 1], SizeY = dims[yAxis], InStrideX = inStrides[m - 1], OutStrideY = outStrides[yAxis],
            TilesX = tilesX, Batches = batches,
            BatchDims = TensorDims.Of(batchDims[..batchRank]), BatchInStrides = TensorDims.Of(batchIn[..batchRank]),
            BatchOutStrides = TensorDims.Of(batchOut[..batchRank]),
        };
        var config = new KernelConfig(new Index2D(tilesX * tilesY, Math.Min(batches, 65535)), new Index2D(side, _threads / side),
            SharedMemoryConfig.RequestDynamic<float>(side * (side + 1)));
        _permuteTiled(Launch(), config, input, output, args);
    }

    /// <summary>
    /// C×S → S×C (all channels of one location together), as <see cref="Layout.ToChannelsLast"/>.
    /// The kernel is compiled on first use and kept.
    /// </summary>
    /// <param name="channels">C.</param>
    /// <param name="spatial">S = H·W.</param>
    /// <param name="input">C·S values, channel planes.</param>
    /// <param name="output">C·S values, location-major; must not overlap the input.</param>
    public void ChannelsLast(int channels, int spatial, ArrayView<float> input, ArrayView<float> output)
    {
        Positive(channels, nameof(channels));
        Positive(spatial, nameof(spatial));
        int n = LaunchLength((long)channels * spatial, nameof(spatial));
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: false);
        _channelsLast ??= _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(ChannelsLastKernel);
        _channelsLast(Launch(), GridStride(n), input, output, channels, spatial);
    }

    /// <summary>Side of a transpose tile: 32 (a warp wide, 8 rows of threads) with 256-thread groups, else half the group.</summary>
    private int TransposeTileSide => _threads >= 256 ? 32 : Math.Max(1, _threads / 2);

    // ---- device code ----

    private static void ChannelsLastKernel(ArrayView<float> x, ArrayView<float> y, int channels, int spatial)
    {
        int n = channels * spatial;
        // One thread per output element: consecutive threads write consecutive addresses.
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int s = i / channels, c = i - s * channels;
            y[i] = x[c * spatial + s];
        }
    }

    private static void CopySliceKernel(ArrayView<float> x, ArrayView<float> y, SliceArgs p)
    {
        int n = p.Outer * p.Run;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int o = i / p.Run, j = i - o * p.Run;
            y[o * p.DestinationBlock + p.DestinationOffset + j] = x[o * p.SourceBlock + p.SourceOffset + j];
        }
    }

    /// <summary>One thread per output element, reading the input at Σ coordinate·input stride.</summary>
    private static void PermuteGatherKernel(ArrayView<float> x, ArrayView<float> y, TensorDims dims, TensorDims inStrides, int n)
    {
        int rank = dims.Rank;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int t = i, src = 0;
            for (int d = rank - 1; d > 0; d--)
            {
                int size = dims[d];
                int q = t / size;
                src += (t - q * size) * inStrides[d];
                t = q;
            }
            y[i] = x[src + t * inStrides[0]];
        }
    }

    /// <summary>
    /// Grid: (X tiles · Y tiles, batches); group: (side, rows). Each group loads a side × side tile reading along Y
    /// (contiguous in the input), then writes it transposed along X (contiguous in the output). Every thread of a
    /// group runs the same batch loop, so every thread reaches every barrier.
    /// </summary>
    private static void PermuteTiledKernel(ArrayView<float> x, ArrayView<float> y, TransposeArgs p)
    {
        var tile = SharedMemory.GetDynamic<float>();
        int side = Group.DimX, pitch = side + 1; // the odd pitch keeps a column read free of bank conflicts
        int tx = Group.IdxX;
        int tileY = Grid.IdxX / p.TilesX, tileX = Grid.IdxX - tileY * p.TilesX;
        int x0 = tileX * side, y0 = tileY * side;
        int batchRank = p.BatchDims.Rank;
        for (int batch = Grid.IdxY; batch < p.Batches; batch += Grid.DimY)
        {
            int inBase = 0, outBase = 0, t = batch;
            for (int d = batchRank - 1; d >= 0; d--)
            {
                int size = p.BatchDims[d];
                int q = t / size;
                int c = t - q * size;
                inBase += c * p.BatchInStrides[d];
                outBase += c * p.BatchOutStrides[d];
                t = q;
            }
            for (int r = Group.IdxY; r < side; r += Group.DimY)
            {
                int xx = x0 + r, yy = y0 + tx;
                if (xx < p.SizeX && yy < p.SizeY) tile[r * pitch + tx] = x[inBase + xx * p.InStrideX + yy];
            }
            Group.Barrier();
            for (int r = Group.IdxY; r < side; r += Group.DimY)
            {
                int xx = x0 + tx, yy = y0 + r;
                if (xx < p.SizeX && yy < p.SizeY) y[outBase + yy * p.OutStrideY + xx] = tile[tx * pitch + r];
            }
            Group.Barrier(); // the next batch overwrites the tile
        }
    }
}
