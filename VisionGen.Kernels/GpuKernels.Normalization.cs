using ILGPU;
using ILGPU.Runtime;

namespace VisionGen.Kernels;

// Layer, group, instance and RMS norm with split (two-level) reductions, as VisionGen.Normalization.Normalize.
public sealed partial class GpuKernels
{
    /// <summary>Most blocks one normalized segment is split into.</summary>
    public const int MaxNormChunks = 1024;

    /// <summary>Fewest values one block of a split reduction sums (keeps partials a small fraction of the traffic).</summary>
    public const int MinNormChunkLength = 1024;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, NormArgs> _normPartial = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs> _normFinalize = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs> _normApply = null!;

    internal struct NormArgs
    {
        /// <summary>Segments (rows, groups or planes), each a contiguous run of SegmentLength values.</summary>
        public int Segments, SegmentLength, Chunks, ChunkLength;
        /// <summary>1: subtract the mean (layer/group/instance); 0: RMS norm.</summary>
        public int Centered;
        /// <summary>0: no affine; 1: weight/bias indexed within the segment (layer, RMS); 2: per channel (group, instance).</summary>
        public int AffineMode;
        public int Channels, Spatial, HasWeight, HasBias;
        public float Epsilon;
    }

    private void LoadNormalization()
    {
        _normPartial = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, NormArgs>(NormPartialKernel);
        _normFinalize = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs>(NormFinalizeKernel);
        _normApply = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs>(NormApplyKernel);
    }

    /// <summary>
    /// Floats of scratch the split-reduction norms need for <paramref name="segments"/> segments of
    /// <paramref name="segmentLength"/> values, on any accelerator (an upper bound: a fixed arena can plan it).
    /// </summary>
    /// <param name="segments">Rows (layer/RMS norm), N·groups (group norm) or N·C (instance norm).</param>
    /// <param name="segmentLength">Values per segment.</param>
    /// <returns>Scratch floats.</returns>
    public static long NormScratchLength(int segments, int segmentLength) =>
        (long)segments * (2L * MaxChunks(segmentLength) + 2);

    private static int MaxChunks(int segmentLength) =>
        (int)Math.Min(MaxNormChunks, Math.Max(1, ((long)segmentLength + MinNormChunkLength - 1) / MinNormChunkLength));

    /// <summary>
    /// <c>F.layer_norm</c> over rows of <paramref name="normalizedLength"/> values with elementwise affine parameters.
    /// </summary>
    /// <param name="input">rows·normalizedLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows (N for an NCHW tensor normalized over C·H·W).</param>
    /// <param name="normalizedLength">Values per row.</param>
    /// <param name="weight">normalizedLength floats, or an empty view.</param>
    /// <param name="bias">normalizedLength floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(rows, normalizedLength) floats.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void LayerNorm(ArrayView<float> input, ArrayView<float> output, int rows, int normalizedLength,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f)
    {
        NeedOptional(weight, normalizedLength, nameof(weight));
        NeedOptional(bias, normalizedLength, nameof(bias));
        Norm(input, output, rows, normalizedLength, centered: true, affineMode: 1, 0, 0, weight, bias, scratch, epsilon);
    }

    /// <summary><c>F.rms_norm</c> over rows: x / sqrt(mean(x²) + eps)·weight.</summary>
    /// <param name="input">rows·normalizedLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="normalizedLength">Values per row.</param>
    /// <param name="weight">normalizedLength floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(rows, normalizedLength) floats.</param>
    /// <param name="epsilon">Added to the mean square (PyTorch's default is the float epsilon).</param>
    public void RmsNorm(ArrayView<float> input, ArrayView<float> output, int rows, int normalizedLength,
        ArrayView<float> weight, ArrayView<float> scratch, float epsilon = 1.1920929e-7f)
    {
        NeedOptional(weight, normalizedLength, nameof(weight));
        Norm(input, output, rows, normalizedLength, centered: false, affineMode: 1, 0, 0, weight, default, scratch, epsilon);
    }

    /// <summary><c>F.group_norm</c> on NCHW: statistics per (sample, group), then per-channel affine.</summary>
    /// <param name="input">N·C·spatial values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C, divisible by <paramref name="groups"/>.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="groups">Groups.</param>
    /// <param name="weight">C floats, or an empty view.</param>
    /// <param name="bias">C floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(N·groups, C/groups·spatial) floats.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void GroupNorm(ArrayView<float> input, ArrayView<float> output, int batch, int channels, int spatial, int groups,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f)
    {
        Positive(batch, nameof(batch)); Positive(channels, nameof(channels)); Positive(spatial, nameof(spatial));
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Groups must divide the {channels} channels.");
        NeedOptional(weight, channels, nameof(weight));
        NeedOptional(bias, channels, nameof(bias));
        Norm(input, output, checked(batch * groups), checked(channels / groups * spatial), centered: true, affineMode: 2,
            channels, spatial, weight, bias, scratch, epsilon);
    }

    /// <summary><c>F.instance_norm</c> without running statistics: group norm with one channel per group.</summary>
    /// <param name="input">N·C·spatial values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="weight">C floats, or an empty view.</param>
    /// <param name="bias">C floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(N·C, spatial) floats.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void InstanceNorm(ArrayView<float> input, ArrayView<float> output, int batch, int channels, int spatial,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f)
        => GroupNorm(input, output, batch, channels, spatial, channels, weight, bias, scratch, epsilon);

    private void Norm(ArrayView<float> input, ArrayView<float> output, int segments, int segmentLength, bool centered, int affineMode,
        int channels, int spatial, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon)
    {
        Positive(segments, nameof(segments)); Positive(segmentLength, nameof(segmentLength));
        long n = (long)segments * segmentLength;
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of {n} values exceeds the 2^31 elements a launch addresses.");
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        Need(scratch, NormScratchLength(segments, segmentLength), nameof(scratch));

        // Split each segment until the grid has about as many groups as the device keeps resident, so a
        // batch-1 tensor (a handful of segments) still spreads over every multiprocessor.
        int chunks = (int)Math.Clamp((_maxGroups + segments - 1L) / segments, 1, MaxChunks(segmentLength));
        int chunkLength = (segmentLength + chunks - 1) / chunks;
        chunks = (segmentLength + chunkLength - 1) / chunkLength;
        var args = new NormArgs
        {
            Segments = segments, SegmentLength = segmentLength, Chunks = chunks, ChunkLength = chunkLength,
            Centered = centered ? 1 : 0, AffineMode = affineMode, Channels = channels, Spatial = spatial,
            HasWeight = weight.Length == 0 ? 0 : 1, HasBias = bias.Length == 0 ? 0 : 1, Epsilon = epsilon,
        };
        var partials = scratch.SubView(0, 2L * segments * chunks);
        var stats = scratch.SubView(2L * segments * chunks, 2L * segments);
        int segmentGroups = Math.Min(segments, 65535);
        _normPartial(Stream, new KernelConfig(new Index2D(chunks, segmentGroups), new Index2D(_threads, 1),
            SharedMemoryConfig.RequestDynamic<float>(2 * _threads)), input, partials, args);
        _normFinalize(Stream, GridStride(segments), input, partials, stats, args);
        _normApply(Stream, GridStride(n), input, stats, OrDummy(weight), OrDummy(bias), output, args);
    }

    // ---- device code ----

    /// <summary>
    /// Sums of d = x − shift and d² over one chunk of one segment, where shift is the segment's first value:
    /// shifting by a sample of the data keeps the one-pass variance free of catastrophic cancellation,
    /// and the shifted sums of all chunks simply add up.
    /// </summary>
    private static void NormPartialKernel(ArrayView<float> x, ArrayView<float> partials, NormArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var sumShared = shared.SubView(0, Group.DimX);
        var sqShared = shared.SubView(Group.DimX, Group.DimX);
        int chunk = Grid.IdxX;
        for (int segment = Grid.IdxY; segment < p.Segments; segment += Grid.DimY)
        {
            int baseIndex = segment * p.SegmentLength;
            float shift = p.Centered != 0 ? x[baseIndex] : 0f;
            int start = chunk * p.ChunkLength;
            int end = start + p.ChunkLength;
            if (end > p.SegmentLength) end = p.SegmentLength;
            float s1 = 0f, s2 = 0f;
            for (int i = start + Group.IdxX; i < end; i += Group.DimX)
            {
                float d = x[baseIndex + i] - shift;
                s1 += d;
                s2 += d * d;
            }
            s1 = GroupSum(sumShared, s1);
            s2 = GroupSum(sqShared, s2);
            if (Group.IdxX == 0)
            {
                int o = 2 * (segment * p.Chunks + chunk);
                partials[o] = s1;
                partials[o + 1] = s2;
            }
        }
    }

    private static void NormFinalizeKernel(ArrayView<float> x, ArrayView<float> partials, ArrayView<float> stats, NormArgs p)
    {
        for (long segmentWide = Grid.GlobalIndex.X; segmentWide < p.Segments; segmentWide += GlobalStride())
        {
            int segment = (int)segmentWide;
            float s1 = 0f, s2 = 0f;
            int o = 2 * segment * p.Chunks;
            for (int c = 0; c < p.Chunks; c++)
            {
                s1 += partials[o + 2 * c];
                s2 += partials[o + 2 * c + 1];
            }
            float inv = 1f / p.SegmentLength;
            float mean, variance;
            if (p.Centered != 0)
            {
                float meanShifted = s1 * inv;
                variance = s2 * inv - meanShifted * meanShifted;
                if (variance < 0f) variance = 0f;
                mean = x[segment * p.SegmentLength] + meanShifted;
            }
            else
            {
                mean = 0f;
                variance = s2 * inv;
            }
            stats[2 * segment] = mean;
            stats[2 * segment + 1] = 1f / MathF.Sqrt(variance + p.Epsilon);
        }
    }

    private static void NormApplyKernel(ArrayView<float> x, ArrayView<float> stats, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, NormArgs p)
    {
        int n = p.Segments * p.SegmentLength;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int segment = i / p.SegmentLength;
            float v = (x[i] - stats[2 * segment]) * stats[2 * segment + 1];
            if (p.AffineMode != 0)
            {
                int a = p.AffineMode == 1 ? i % p.SegmentLength : i / p.Spatial % p.Channels;
                if (p.HasWeight != 0) v *= weight[a];
                if (p.HasBias != 0) v += bias[a];
            }
            y[i] = v;
        }
    }
}
