using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// 2-D convolution with the fused epilogue y = act(conv + bias + residual), as VisionGen.Cpu.Conv2d.
public sealed partial class GpuKernels
{
    /// <summary>Depth of the K slice an implicit-GEMM tile stages in shared memory per step.</summary>
    private const int GemmTileK = 16;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs> _convDirect = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs> _convDepthwise = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs> _convGemm = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs> _convGemmWide = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs> _convSplitReduce = null!;

    /// <summary>Partial sums of split-K convolutions, grown to the largest one this instance has run (device memory).</summary>
    private GpuBuffer? _splitScratch;

    internal struct ConvArgs
    {
        public Conv2dShape Shape;
        public Activation Activation;
        public int Batch, HasBias, HasResidual, Pointwise;

        /// <summary>Slices the GEMM's K is split into (1: not split; more: partial sums go to a scratch, not y).</summary>
        public int KSplits;
    }

    private void LoadConv()
    {
        _convDirect = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvDirectKernel);
        _convDepthwise = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvDepthwiseKernel);
        _convGemm = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvImplicitGemmKernel);
        _convGemmWide = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvImplicitGemmWideKernel);
        _convSplitReduce = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvArgs>(ConvSplitReduceKernel);
    }

    /// <summary>The algorithm <see cref="ConvAlgorithm.Auto"/> picks for a shape.</summary>
    /// <param name="shape">Convolution shape.</param>
    /// <returns>Depthwise, ImplicitGemm or Direct.</returns>
    public static ConvAlgorithm ChooseConvAlgorithm(in Conv2dShape shape)
    {
        if (shape.IsDepthwise) return ConvAlgorithm.Depthwise;
        // Narrow groups (a few channels each) leave GEMM tiles mostly empty; the direct kernel wins there.
        if (shape.OutChannels / shape.Groups < 8) return ConvAlgorithm.Direct;
        return ConvAlgorithm.ImplicitGemm;
    }

    /// <summary>
    /// The kernel <see cref="Conv2d"/> runs for <see cref="ConvAlgorithm.Auto"/> on this device:
    /// <see cref="ChooseConvAlgorithm"/>'s pick, the implicit GEMM taken wide (<see cref="ConvAlgorithm.ImplicitGemmWide"/>)
    /// when its larger tiles still give every multiprocessor a group, and direct where the GEMM grid would not fit.
    /// </summary>
    /// <param name="shape">Per-sample shape.</param>
    /// <param name="batch">Samples.</param>
    /// <returns>The algorithm.</returns>
    public ConvAlgorithm ConvAlgorithmFor(in Conv2dShape shape, int batch = 1)
    {
        var algorithm = ChooseConvAlgorithm(shape);
        if (algorithm != ConvAlgorithm.ImplicitGemm) return algorithm;
        // The GEMM grid puts output-channel tiles and groups × batch on its Y and Z axes, 65535 at most each on CUDA.
        if (!GemmGridFits(shape, batch, 2 * _tileSide)) return ConvAlgorithm.Direct;
        if (GemmGroups(shape, batch, 4 * _tileSide) >= _accelerator.NumMultiprocessors) return ConvAlgorithm.ImplicitGemmWide;
        // Fewer 2T × 2T tiles than multiprocessors and a long reduction (a deep layer at batch 1): split K.
        return GemmGroups(shape, batch, 2 * _tileSide) < _accelerator.NumMultiprocessors && GemmKSteps(shape) >= 16 && SplitKFor(shape, batch) > 1
            ? ConvAlgorithm.ImplicitGemmSplitK : ConvAlgorithm.ImplicitGemm;
    }

    /// <summary>Groups of an implicit-GEMM grid with <paramref name="tile"/> × <paramref name="tile"/> output tiles.</summary>
    private static long GemmGroups(in Conv2dShape shape, int batch, int tile)
    {
        long m = shape.OutChannels / shape.Groups, n = (long)shape.OutHeight * shape.OutWidth;
        return (n + tile - 1) / tile * ((m + tile - 1) / tile) * shape.Groups * batch;
    }

    /// <summary>Steps of <see cref="GemmTileK"/> over the GEMM's reduction, InC/G·KH·KW.</summary>
    private static long GemmKSteps(in Conv2dShape shape) =>
        ((long)shape.InChannels / shape.Groups * shape.KernelHeight * shape.KernelWidth + GemmTileK - 1) / GemmTileK;

    /// <summary>
    /// K slices for <see cref="ConvAlgorithm.ImplicitGemmSplitK"/>: enough for about two groups per multiprocessor, each
    /// slice at least four K steps, at least 2, and within the grid's Z limit and a launch's 2^31 elements of scratch.
    /// </summary>
    private int SplitKFor(in Conv2dShape shape, int batch)
    {
        long kSteps = GemmKSteps(shape);
        long groups = Math.Max(1, GemmGroups(shape, batch, 2 * _tileSide));
        long splits = Math.Clamp((2L * _accelerator.NumMultiprocessors + groups - 1) / groups, 2, Math.Max(2, kSteps / 4));
        splits = Math.Min(splits, 65535 / Math.Max(1L, (long)shape.Groups * batch));
        splits = Math.Min(splits, int.MaxValue / Math.Max(1L, (long)batch * shape.OutputLength));
        return (int)Math.Max(1, splits);
    }

    /// <summary>
    /// Convolution of <paramref name="batch"/> NCHW samples: output = act(conv(input, weight) + bias + residual), as
    /// <see cref="VisionGen.Cpu.Conv2d.Forward"/> per sample. The weight is in PyTorch layout [OutC, InC/Groups, KH, KW]
    /// (fold batch norm into it beforehand).
    /// </summary>
    /// <param name="shape">Per-sample shape (validated).</param>
    /// <param name="input">N·InC·H·W floats.</param>
    /// <param name="weight">Shape.WeightLength floats.</param>
    /// <param name="bias">OutC floats, or an empty view.</param>
    /// <param name="residual">N·OutC·OH·OW floats added after the bias, or an empty view. May be exactly the output.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">N·OutC·OH·OW floats; must not overlap the input or weight.</param>
    /// <param name="batch">N.</param>
    /// <param name="algorithm">Kernel to run; <see cref="ConvAlgorithm.Auto"/> runs <see cref="ConvAlgorithmFor"/>'s pick.</param>
    public void Conv2d(in Conv2dShape shape, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> residual, Activation activation, ArrayView<float> output, int batch = 1,
        ConvAlgorithm algorithm = ConvAlgorithm.Auto)
    {
        shape.Validate();
        CheckActivation(activation);
        Positive(batch, nameof(batch));
        long outLength = (long)batch * shape.OutputLength;
        if (outLength > int.MaxValue || (long)batch * shape.InputLength > int.MaxValue)
            throw new ArgumentException("A convolution launch addresses at most 2^31 elements per tensor.", nameof(batch));
        Need(input, (long)batch * shape.InputLength, nameof(input));
        Need(weight, shape.WeightLength, nameof(weight));
        NeedOptional(bias, shape.OutChannels, nameof(bias));
        NeedOptional(residual, outLength, nameof(residual));
        Need(output, outLength, nameof(output));
        CheckOverlap(input, (long)batch * shape.InputLength, output, outLength, nameof(input), sameStartAllowed: false);
        CheckOverlap(weight, shape.WeightLength, output, outLength, nameof(weight), sameStartAllowed: false);
        CheckOverlap(residual, residual.Length == 0 ? 0 : outLength, output, outLength, nameof(residual), sameStartAllowed: true);
        if (algorithm == ConvAlgorithm.Auto) algorithm = ConvAlgorithmFor(shape, batch);
        var args = new ConvArgs
        {
            Shape = shape, Batch = batch, Activation = activation,
            HasBias = bias.Length == 0 ? 0 : 1, HasResidual = residual.Length == 0 ? 0 : 1,
            Pointwise = shape.IsPointwise ? 1 : 0,
        };
        var b = OrDummy(bias);
        var r = OrDummy(residual);
        switch (algorithm)
        {
            case ConvAlgorithm.Direct:
                _convDirect(Launch(), GridStride(outLength), input, weight, b, r, output, args);
                break;
            case ConvAlgorithm.Depthwise:
                if (!shape.IsDepthwise) throw new ArgumentException($"Depthwise kernel needs Groups == InChannels == OutChannels, got {shape}.", nameof(algorithm));
                _convDepthwise(Launch(), GridStride(outLength), input, weight, b, r, output, args);
                break;
            case ConvAlgorithm.ImplicitGemm:
            case ConvAlgorithm.ImplicitGemmWide:
            case ConvAlgorithm.ImplicitGemmSplitK:
            {
                bool wide = algorithm == ConvAlgorithm.ImplicitGemmWide;
                int t = _tileSide, tile = (wide ? 4 : 2) * t;
                int m = shape.OutChannels / shape.Groups, n = shape.OutHeight * shape.OutWidth;
                GridExtent((m + tile - 1L) / tile, "An implicit-GEMM convolution of {0} output channels per group", m, nameof(shape));
                GridExtent((long)shape.Groups * batch, "An implicit-GEMM convolution with groups × batch = {0}", (long)shape.Groups * batch, nameof(batch));
                args.KSplits = algorithm == ConvAlgorithm.ImplicitGemmSplitK ? SplitKFor(shape, batch) : 1;
                var grid = new Index3D((n + tile - 1) / tile, (m + tile - 1) / tile, shape.Groups * batch * args.KSplits);
                var config = new KernelConfig(grid, new Index3D(t, t, 1), SharedMemoryConfig.RequestDynamic<float>(2 * GemmTileK * tile));
                if (args.KSplits == 1)
                {
                    (wide ? _convGemmWide : _convGemm)(Launch(), config, input, weight, b, r, output, args);
                    break;
                }
                // Each K slice writes its partial sums (split-major, each laid out as the output); a second launch sums
                // them in slice order (deterministic) and applies the epilogue.
                var partial = SplitScratch(args.KSplits * outLength);
                _convGemm(Launch(), config, input, weight, b, r, partial, args);
                _convSplitReduce(Launch(), GridStride(outLength), partial, b, r, output, args);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown convolution algorithm.");
        }
    }

    private ArrayView<float> SplitScratch(long length)
    {
        if (_splitScratch is null || _splitScratch.View.Length < length)
        {
            Stream.Synchronize(); // a launch still queued may read the old scratch
            _splitScratch?.Dispose();
            _splitScratch = new GpuBuffer(_accelerator, length);
        }
        return _splitScratch.View.SubView(0, length);
    }

    private static bool GemmGridFits(in Conv2dShape shape, int batch, int tile) =>
        (shape.OutChannels / shape.Groups + tile - 1L) / tile <= 65535 && (long)shape.Groups * batch <= 65535;

    // ---- device code ----

    private static void ConvEpilogue(ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> y, in ConvArgs p, int oc, int index, float acc)
    {
        if (p.HasBias != 0) acc += bias[oc];
        if (p.HasResidual != 0) acc += residual[index];
        y[index] = p.Activation.Apply(acc);
    }

    private static void ConvDirectKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> residual,
        ArrayView<float> y, ConvArgs p)
    {
        var s = p.Shape;
        int cinPerGroup = s.InChannels / s.Groups, coutPerGroup = s.OutChannels / s.Groups;
        int kArea = s.KernelHeight * s.KernelWidth, plane = s.InHeight * s.InWidth;
        int n = p.Batch * s.OutChannels * s.OutHeight * s.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % s.OutWidth;
            int t = i / s.OutWidth;
            int oy = t % s.OutHeight;
            t /= s.OutHeight;
            int oc = t % s.OutChannels;
            int sample = t / s.OutChannels;
            int g = oc / coutPerGroup;
            int y0 = oy * s.StrideHeight - s.PadHeight, x0 = ox * s.StrideWidth - s.PadWidth;
            float acc = 0f;
            for (int ic = 0; ic < cinPerGroup; ic++)
            {
                int xBase = (sample * s.InChannels + g * cinPerGroup + ic) * plane;
                int wBase = (oc * cinPerGroup + ic) * kArea;
                for (int kh = 0; kh < s.KernelHeight; kh++)
                {
                    int iy = y0 + kh * s.DilationHeight;
                    if (iy < 0 || iy >= s.InHeight) continue;
                    for (int kw = 0; kw < s.KernelWidth; kw++)
                    {
                        int ix = x0 + kw * s.DilationWidth;
                        if (ix < 0 || ix >= s.InWidth) continue;
                        acc += x[xBase + iy * s.InWidth + ix] * w[wBase + kh * s.KernelWidth + kw];
                    }
                }
            }
            ConvEpilogue(bias, residual, y, p, oc, i, acc);
        }
    }

    private static void ConvDepthwiseKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> residual,
        ArrayView<float> y, ConvArgs p)
    {
        var s = p.Shape;
        int kArea = s.KernelHeight * s.KernelWidth, plane = s.InHeight * s.InWidth;
        int n = p.Batch * s.OutChannels * s.OutHeight * s.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % s.OutWidth;
            int t = i / s.OutWidth;
            int oy = t % s.OutHeight;
            int nc = t / s.OutHeight; // sample·C + channel: one input plane per output plane
            int c = nc % s.OutChannels;
            int y0 = oy * s.StrideHeight - s.PadHeight, x0 = ox * s.StrideWidth - s.PadWidth;
            int xBase = nc * plane, wBase = c * kArea;
            float acc = 0f;
            for (int kh = 0; kh < s.KernelHeight; kh++)
            {
                int iy = y0 + kh * s.DilationHeight;
                if (iy < 0 || iy >= s.InHeight) continue;
                int row = xBase + iy * s.InWidth;
                for (int kw = 0; kw < s.KernelWidth; kw++)
                {
                    int ix = x0 + kw * s.DilationWidth;
                    if (ix < 0 || ix >= s.InWidth) continue;
                    acc += x[row + ix] * w[wBase + kh * s.KernelWidth + kw];
                }
            }
            ConvEpilogue(bias, residual, y, p, c, i, acc);
        }
    }

    /// <summary>Element (k, column) of one group's im2col matrix, gathered from the input (0 in the padding).</summary>
    private static float Im2ColAt(ArrayView<float> x, in ConvArgs p, int inputBase, int k, int column)
    {
        var s = p.Shape;
        if (p.Pointwise != 0) return x[inputBase + k * s.InHeight * s.InWidth + column];
        int kw = k % s.KernelWidth;
        int t = k / s.KernelWidth;
        int kh = t % s.KernelHeight;
        int ic = t / s.KernelHeight;
        int ox = column % s.OutWidth, oy = column / s.OutWidth;
        int iy = oy * s.StrideHeight - s.PadHeight + kh * s.DilationHeight;
        int ix = ox * s.StrideWidth - s.PadWidth + kw * s.DilationWidth;
        if (iy < 0 || iy >= s.InHeight || ix < 0 || ix >= s.InWidth) return 0f;
        return x[inputBase + (ic * s.InHeight + iy) * s.InWidth + ix];
    }

    /// <summary>
    /// Stages one K slice of a tile into shared memory: A (weights) as [k][m] and B (the im2col matrix, gathered on
    /// the fly) as [k][n], the tile's side of rows/columns each, zero past the matrix edges. Consecutive threads
    /// read consecutive k of a weight row and consecutive output columns of the input (coalesced both).
    /// </summary>
    private static void GemmStageTiles(ArrayView<float> x, ArrayView<float> w, in ConvArgs p, in GemmPlace q, int k0)
    {
        int tile = q.Tile;
        for (int e = q.Tid; e < GemmTileK * tile; e += q.Threads)
        {
            int kk = e % GemmTileK, mm = e / GemmTileK;
            int row = q.M0 + mm, col = k0 + kk;
            q.ATile[kk * tile + mm] = row < q.M && col < q.K ? w[q.WeightBase + row * q.K + col] : 0f;
        }
        for (int e = q.Tid; e < GemmTileK * tile; e += q.Threads)
        {
            int nn = e % tile, kk = e / tile;
            int col = q.N0 + nn, kIndex = k0 + kk;
            q.BTile[kk * tile + nn] = col < q.N && kIndex < q.K ? Im2ColAt(x, p, q.InputBase, kIndex, col) : 0f;
        }
    }

    /// <summary>
    /// Where a group's GEMM tile lies: the group's T × T threads and this thread in them, the tile's side, its two shared
    /// staging views, the GEMM's sizes, the convolution group, sample and K slice, and the operands' bases.
    /// </summary>
    private struct GemmPlace
    {
        public int T, Tile, Tx, Ty, Tid, Threads;
        public ArrayView<float> ATile, BTile;
        public int M, N, K, G, Sample, Split, M0, N0, InputBase, WeightBase;
    }

    /// <summary>
    /// The group's tile, <paramref name="outputsPerThread"/> × T a side, of one convolution group's GEMM (M = OutC/G,
    /// N = OH·OW, K = InC/G·KH·KW). Grid: (N tiles, M tiles, Z), Z = K slice · (groups · batch) + sample · groups + group
    /// (one slice unless the convolution is split). Shared memory: A staged as [k][m], then B as [k][n].
    /// </summary>
    private static GemmPlace GemmLocate(in ConvArgs p, int outputsPerThread)
    {
        var s = p.Shape;
        int t = Group.DimX, tile = outputsPerThread * t;
        int cinPerGroup = s.InChannels / s.Groups, planes = s.Groups * p.Batch, gz = Grid.IdxZ % planes;
        var shared = SharedMemory.GetDynamic<float>();
        var q = new GemmPlace
        {
            T = t, Tile = tile, Tx = Group.IdxX, Ty = Group.IdxY, Tid = Group.IdxY * t + Group.IdxX, Threads = t * t,
            ATile = shared.SubView(0, GemmTileK * tile), BTile = shared.SubView(GemmTileK * tile, GemmTileK * tile),
            M = s.OutChannels / s.Groups, N = s.OutHeight * s.OutWidth, K = cinPerGroup * s.KernelHeight * s.KernelWidth,
            G = gz % s.Groups, Sample = gz / s.Groups, Split = Grid.IdxZ / planes,
            M0 = Grid.IdxY * tile, N0 = Grid.IdxX * tile,
        };
        q.InputBase = (q.Sample * s.InChannels + q.G * cinPerGroup) * s.InHeight * s.InWidth;
        q.WeightBase = q.G * q.M * q.K;
        return q;
    }

    /// <summary>
    /// One (2T × 2T) tile of C = A·B per group of T × T threads, each thread owning a 2 × 2 block of outputs
    /// (rows ty, ty + T; columns tx, tx + T, so neighbouring threads write neighbouring columns).
    /// A = weights [M = OutC/G, K = InC/G·KH·KW] (PyTorch's layout is already row-major A),
    /// B = im2col [K, N = OH·OW] gathered on the fly. Grid: (N tiles, M tiles, Groups·Batch).
    /// </summary>
    private static void ConvImplicitGemmKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> residual,
        ArrayView<float> y, ConvArgs p)
    {
        var s = p.Shape;
        var q = GemmLocate(p, 2);
        int t = q.T, tile = q.Tile, tx = q.Tx, ty = q.Ty;
        var aTile = q.ATile;
        var bTile = q.BTile;
        int m = q.M, n = q.N, k = q.K, g = q.G, sample = q.Sample, split = q.Split, m0 = q.M0, n0 = q.N0;
        int stepsPerSplit = ((k + GemmTileK - 1) / GemmTileK + p.KSplits - 1) / p.KSplits;
        int kBegin = split * stepsPerSplit * GemmTileK, kEnd = Math.Min(k, kBegin + stepsPerSplit * GemmTileK);
        int partialBase = p.KSplits > 1 ? split * p.Batch * s.OutChannels * n : -1;

        float c00 = 0f, c01 = 0f, c10 = 0f, c11 = 0f;
        for (int k0 = kBegin; k0 < kEnd; k0 += GemmTileK)
        {
            GemmStageTiles(x, w, p, q, k0);
            Group.Barrier();
            for (int kk = 0; kk < GemmTileK; kk++)
            {
                float a0 = aTile[kk * tile + ty], a1 = aTile[kk * tile + ty + t];
                float b0 = bTile[kk * tile + tx], b1 = bTile[kk * tile + tx + t];
                c00 += a0 * b0; c01 += a0 * b1;
                c10 += a1 * b0; c11 += a1 * b1;
            }
            Group.Barrier();
        }

        int outBase = (sample * s.OutChannels + g * m) * n;
        GemmStore(bias, residual, y, p, m, n, outBase, g * m, m0 + ty, n0 + tx, partialBase, c00);
        GemmStore(bias, residual, y, p, m, n, outBase, g * m, m0 + ty, n0 + tx + t, partialBase, c01);
        GemmStore(bias, residual, y, p, m, n, outBase, g * m, m0 + ty + t, n0 + tx, partialBase, c10);
        GemmStore(bias, residual, y, p, m, n, outBase, g * m, m0 + ty + t, n0 + tx + t, partialBase, c11);
    }

    /// <summary>
    /// The second launch of a split-K convolution: y = act(Σ slices' partial sums + bias + residual), the slices summed in
    /// order (partial holds KSplits blocks, each laid out as the output).
    /// </summary>
    private static void ConvSplitReduceKernel(ArrayView<float> partial, ArrayView<float> bias, ArrayView<float> residual,
        ArrayView<float> y, ConvArgs p)
    {
        var s = p.Shape;
        int n = s.OutHeight * s.OutWidth, length = p.Batch * s.OutChannels * n;
        for (long iWide = Grid.GlobalIndex.X; iWide < length; iWide += GlobalStride())
        {
            int i = (int)iWide;
            float acc = 0f;
            for (int j = 0; j < p.KSplits; j++) acc += partial[j * length + i];
            ConvEpilogue(bias, residual, y, p, i / n % s.OutChannels, i, acc);
        }
    }

    /// <summary>
    /// The implicit GEMM with a (4T × 4T) tile per group of T × T threads, each thread owning a 4 × 4 block of outputs
    /// (rows ty + iT, columns tx + jT): eight shared-memory reads feed sixteen multiply-adds (the 2 × 2 kernel's four
    /// feed four), at the price of a quarter as many groups — <see cref="ConvAlgorithmFor"/> takes it where the grid
    /// still fills the device (large batches, large layers). Same staging, same epilogue.
    /// </summary>
    private static void ConvImplicitGemmWideKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> residual,
        ArrayView<float> y, ConvArgs p)
    {
        var s = p.Shape;
        var q = GemmLocate(p, 4); // never split: Z is sample · groups + group
        int t = q.T, tile = q.Tile, tx = q.Tx, ty = q.Ty;
        var aTile = q.ATile;
        var bTile = q.BTile;
        int m = q.M, n = q.N, k = q.K, g = q.G, sample = q.Sample, m0 = q.M0, n0 = q.N0;

        // Sixteen accumulators as plain locals: they stay in registers (a local array could spill to local memory).
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        float c20 = 0f, c21 = 0f, c22 = 0f, c23 = 0f, c30 = 0f, c31 = 0f, c32 = 0f, c33 = 0f;
        for (int k0 = 0; k0 < k; k0 += GemmTileK)
        {
            GemmStageTiles(x, w, p, q, k0);
            Group.Barrier();
            for (int kk = 0; kk < GemmTileK; kk++)
            {
                int at = kk * tile + ty, bt = kk * tile + tx;
                float a0 = aTile[at], a1 = aTile[at + t], a2 = aTile[at + 2 * t], a3 = aTile[at + 3 * t];
                float b0 = bTile[bt], b1 = bTile[bt + t], b2 = bTile[bt + 2 * t], b3 = bTile[bt + 3 * t];
                c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            }
            Group.Barrier();
        }

        int outBase = (sample * s.OutChannels + g * m) * n;
        int r0 = m0 + ty, q0 = n0 + tx;
        GemmStoreRow(bias, residual, y, p, m, n, outBase, g * m, r0, q0, t, c00, c01, c02, c03);
        GemmStoreRow(bias, residual, y, p, m, n, outBase, g * m, r0 + t, q0, t, c10, c11, c12, c13);
        GemmStoreRow(bias, residual, y, p, m, n, outBase, g * m, r0 + 2 * t, q0, t, c20, c21, c22, c23);
        GemmStoreRow(bias, residual, y, p, m, n, outBase, g * m, r0 + 3 * t, q0, t, c30, c31, c32, c33);
    }

    private static void GemmStoreRow(ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> y, in ConvArgs p,
        int m, int n, int outBase, int channelBase, int row, int col, int step, float v0, float v1, float v2, float v3)
    {
        GemmStore(bias, residual, y, p, m, n, outBase, channelBase, row, col, -1, v0);
        GemmStore(bias, residual, y, p, m, n, outBase, channelBase, row, col + step, -1, v1);
        GemmStore(bias, residual, y, p, m, n, outBase, channelBase, row, col + 2 * step, -1, v2);
        GemmStore(bias, residual, y, p, m, n, outBase, channelBase, row, col + 3 * step, -1, v3);
    }

    /// <summary>One output of a GEMM tile: through the epilogue into y, or raw into y at partialBase + index (a split-K slice).</summary>
    private static void GemmStore(ArrayView<float> bias, ArrayView<float> residual, ArrayView<float> y, in ConvArgs p,
        int m, int n, int outBase, int channelBase, int row, int col, int partialBase, float acc)
    {
        if (row >= m || col >= n) return;
        if (partialBase >= 0) y[partialBase + outBase + row * n + col] = acc;
        else ConvEpilogue(bias, residual, y, p, channelBase + row, outBase + row * n + col, acc);
    }
}
