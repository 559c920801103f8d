using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Layer, group, instance and RMS norm with split (two-level) reductions, as VisionGen.Normalization.Normalize.
public sealed partial class GpuKernels
{
    /// <summary>Most blocks one normalized segment is split into.</summary>
    public const int MaxNormChunks = 1024;

    /// <summary>Fewest values one block of a split reduction sums (keeps partials a small fraction of the traffic).</summary>
    public const int MinNormChunkLength = 1024;

    /// <summary>
    /// Longest segment one group normalizes in a single launch, holding it in shared memory (16 KB, well under the 48 KB a
    /// CUDA block gets without opt-in): one read and one write of the tensor instead of two reads and a write.
    /// </summary>
    public const int MaxSharedNormSegment = 4096;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs> _normSegment = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs> _normPartial = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs> _normApply = null!;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs> _channelL2 = null!;

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
        /// <summary>Applied after the affine (an activation the generator fused into the norm).</summary>
        public Activation Activation;
    }

    private void LoadNormalization()
    {
        _normSegment = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs>(NormSegmentKernel);
        _normPartial = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs>(NormPartialKernel);
        _normApply = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NormArgs>(NormApplyKernel);
        _channelL2 = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs>(ChannelL2Kernel);
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
    /// <c>F.layer_norm</c> over rows of <paramref name="normalizedLength"/> values with elementwise affine parameters,
    /// then <paramref name="activation"/> (fused: no second pass).
    /// </summary>
    /// <param name="input">rows·normalizedLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows (N for an NCHW tensor normalized over C·H·W).</param>
    /// <param name="normalizedLength">Values per row.</param>
    /// <param name="weight">normalizedLength floats, or an empty view.</param>
    /// <param name="bias">normalizedLength floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(rows, normalizedLength) floats.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="activation">Applied last.</param>
    public void LayerNorm(ArrayView<float> input, ArrayView<float> output, int rows, int normalizedLength,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f, Activation activation = default)
    {
        NeedOptional(weight, normalizedLength, nameof(weight));
        NeedOptional(bias, normalizedLength, nameof(bias));
        Norm(input, output, rows, normalizedLength, centered: true, affineMode: 1, 0, 0, weight, bias, scratch, epsilon, activation);
    }

    /// <summary><c>F.rms_norm</c> over rows: x / sqrt(mean(x²) + eps)·weight, then <paramref name="activation"/>.</summary>
    /// <param name="input">rows·normalizedLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="normalizedLength">Values per row.</param>
    /// <param name="weight">normalizedLength floats, or an empty view.</param>
    /// <param name="scratch">At least <see cref="NormScratchLength"/>(rows, normalizedLength) floats.</param>
    /// <param name="epsilon">Added to the mean square (PyTorch's default is the float epsilon).</param>
    /// <param name="activation">Applied last.</param>
    public void RmsNorm(ArrayView<float> input, ArrayView<float> output, int rows, int normalizedLength,
        ArrayView<float> weight, ArrayView<float> scratch, float epsilon = 1.1920929e-7f, Activation activation = default)
    {
        NeedOptional(weight, normalizedLength, nameof(weight));
        Norm(input, output, rows, normalizedLength, centered: false, affineMode: 1, 0, 0, weight, default, scratch, epsilon, activation);
    }

    /// <summary><c>F.group_norm</c> on NCHW: statistics per (sample, group), then per-channel affine, then <paramref name="activation"/>.</summary>
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
    /// <param name="activation">Applied last (fused: no second pass).</param>
    public void GroupNorm(ArrayView<float> input, ArrayView<float> output, int batch, int channels, int spatial, int groups,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f, Activation activation = default)
    {
        Positive(batch, nameof(batch)); Positive(channels, nameof(channels)); Positive(spatial, nameof(spatial));
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Groups must divide the {channels} channels.");
        NeedOptional(weight, channels, nameof(weight));
        NeedOptional(bias, channels, nameof(bias));
        Norm(input, output, checked(batch * groups), checked(channels / groups * spatial), centered: true, affineMode: 2,
            channels, spatial, weight, bias, scratch, epsilon, activation);
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
    /// <param name="activation">Applied last (fused: no second pass).</param>
    public void InstanceNorm(ArrayView<float> input, ArrayView<float> output, int batch, int channels, int spatial,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon = 1e-5f, Activation activation = default)
        => GroupNorm(input, output, batch, channels, spatial, channels, weight, bias, scratch, epsilon, activation);

    /// <summary>
    /// Launches one normalization: a segment of at most <see cref="MaxSharedNormSegment"/> values that one group covers
    /// alone is normalized in one launch from shared memory (statistics, then the output, one read and one write); a
    /// longer one, or one split over several groups to fill the device, takes two launches: the per-chunk partial sums,
    /// then the output, each group first reducing its segment's partial sums (no launch of its own for the statistics).
    /// </summary>
    private void Norm(ArrayView<float> input, ArrayView<float> output, int segments, int segmentLength, bool centered, int affineMode,
        int channels, int spatial, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> scratch, float epsilon, Activation activation)
    {
        Positive(segments, nameof(segments)); Positive(segmentLength, nameof(segmentLength));
        CheckActivation(activation);
        long n = (long)segments * segmentLength;
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of {n} values exceeds the 2^31 elements a launch addresses.");
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        Need(scratch, NormScratchLength(segments, segmentLength), nameof(scratch));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: true);

        // Split each segment until the grid has about as many groups as the device keeps resident, so a
        // batch-1 tensor (a handful of segments) still spreads over every multiprocessor.
        int chunks = (int)Math.Clamp((_maxGroups + segments - 1L) / segments, 1, MaxChunks(segmentLength));
        int chunkLength = (segmentLength + chunks - 1) / chunks;
        chunks = (segmentLength + chunkLength - 1) / chunkLength;
        var args = new NormArgs
        {
            Segments = segments, SegmentLength = segmentLength, Chunks = chunks, ChunkLength = chunkLength,
            Centered = centered ? 1 : 0, AffineMode = affineMode, Channels = channels, Spatial = spatial,
            HasWeight = weight.Length == 0 ? 0 : 1, HasBias = bias.Length == 0 ? 0 : 1, Epsilon = epsilon, Activation = activation,
        };
        int segmentGroups = Math.Min(segments, 65535);
        if (chunks == 1 && segmentLength <= MaxSharedNormSegment)
        {
            _normSegment(Launch(), new KernelConfig(segmentGroups, _threads, SharedMemoryConfig.RequestDynamic<float>(_threads + segmentLength)),
                input, OrDummy(weight), OrDummy(bias), output, args);
            return;
        }
        var partials = scratch.SubView(0, 2L * segments * chunks);
        var shifts = scratch.SubView(2L * segments * chunks, 2L * segments);
        var grid = new KernelConfig(new Index2D(chunks, segmentGroups), new Index2D(_threads, 1), SharedMemoryConfig.RequestDynamic<float>(2 * _threads));
        _normPartial(Launch(), grid, input, partials, shifts, args);
        _normApply(Launch(), grid, input, partials, shifts, OrDummy(weight), OrDummy(bias), output, args);
    }

    // ---- device code ----

    /// <summary>y = act(affine((x − mean)·rstd)) at flat index <paramref name="i"/> of segment-relative index <paramref name="j"/>.</summary>
    private static float NormOutput(float x, float mean, float rstd, int i, int j, ArrayView<float> weight, ArrayView<float> bias, NormArgs p)
    {
        float v = (x - mean) * rstd;
        if (p.AffineMode != 0)
        {
            int a = p.AffineMode == 1 ? j : i / p.Spatial % p.Channels;
            if (p.HasWeight != 0) v *= weight[a];
            if (p.HasBias != 0) v += bias[a];
        }
        return p.Activation.Apply(v);
    }

    /// <summary>
    /// One group per segment, the segment held in shared memory: the mean, then the variance as the mean of squared
    /// deviations from it (exact two-pass statistics), then the output. Needs Group.DimX + SegmentLength floats of shared
    /// memory. The whole segment is read before any of it is written, so the output may be the input.
    /// </summary>
    private static void NormSegmentKernel(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, NormArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var reduce = shared.SubView(0, Group.DimX);
        var data = shared.SubView(Group.DimX, p.SegmentLength);
        float inv = 1f / p.SegmentLength;
        for (int segment = Grid.IdxX; segment < p.Segments; segment += Grid.DimX)
        {
            int baseIndex = segment * p.SegmentLength;
            float s = 0f;
            for (int j = Group.IdxX; j < p.SegmentLength; j += Group.DimX)
            {
                float v = x[baseIndex + j];
                data[j] = v;
                s += v;
            }
            float mean = p.Centered != 0 ? GroupSum(reduce, s) * inv : 0f;
            float q = 0f;
            for (int j = Group.IdxX; j < p.SegmentLength; j += Group.DimX)
            {
                float d = data[j] - mean;
                q += d * d;
            }
            float rstd = 1f / MathF.Sqrt(GroupSum(reduce, q) * inv + p.Epsilon);
            for (int j = Group.IdxX; j < p.SegmentLength; j += Group.DimX)
                y[baseIndex + j] = NormOutput(data[j], mean, rstd, baseIndex + j, j, weight, bias, p);
        }
    }

    /// <summary>
    /// Sums of d = x − shift and d² over one chunk of one segment, where shift is the segment's first value:
    /// shifting by a sample of the data keeps the one-pass variance free of catastrophic cancellation,
    /// and the shifted sums of all chunks simply add up. The first chunk's group records the shift, so the
    /// output kernel never reads it back from the input (which it may be overwriting in place).
    /// </summary>
    private static void NormPartialKernel(ArrayView<float> x, ArrayView<float> partials, ArrayView<float> shifts, NormArgs p)
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
                if (chunk == 0) shifts[2 * segment] = shift;
            }
        }
    }

    /// <summary>
    /// The output of one chunk of one segment: the group first adds up the segment's partial sums (a few per thread and
    /// one group reduction, instead of a launch of its own), then normalizes its chunk.
    /// </summary>
    private static void NormApplyKernel(ArrayView<float> x, ArrayView<float> partials, ArrayView<float> shifts, ArrayView<float> weight,
        ArrayView<float> bias, ArrayView<float> y, NormArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        var sumShared = shared.SubView(0, Group.DimX);
        var sqShared = shared.SubView(Group.DimX, Group.DimX);
        int chunk = Grid.IdxX;
        float inv = 1f / p.SegmentLength;
        for (int segment = Grid.IdxY; segment < p.Segments; segment += Grid.DimY)
        {
            float s1 = 0f, s2 = 0f;
            int o = 2 * segment * p.Chunks;
            for (int c = Group.IdxX; c < p.Chunks; c += Group.DimX)
            {
                s1 += partials[o + 2 * c];
                s2 += partials[o + 2 * c + 1];
            }
            s1 = GroupSum(sumShared, s1);
            s2 = GroupSum(sqShared, s2);
            float mean, variance;
            if (p.Centered != 0)
            {
                float meanShifted = s1 * inv;
                variance = s2 * inv - meanShifted * meanShifted;
                if (variance < 0f) variance = 0f;
                mean = shifts[2 * segment] + meanShifted;
            }
            else
            {
                mean = 0f;
                variance = s2 * inv;
            }
            float rstd = 1f / MathF.Sqrt(variance + p.Epsilon);
            int baseIndex = segment * p.SegmentLength;
            int start = chunk * p.ChunkLength;
            int end = start + p.ChunkLength;
            if (end > p.SegmentLength) end = p.SegmentLength;
            for (int j = start + Group.IdxX; j < end; j += Group.DimX)
                y[baseIndex + j] = NormOutput(x[baseIndex + j], mean, rstd, baseIndex + j, j, weight, bias, p);
        }
    }

    /// <summary>
    /// L2 normalization across the channels of every pixel, then a per-channel scale: weight[c]·x / max(‖x[:, h, w]‖₂, eps),
    /// as <c>VisionGen.Normalization.Normalize.ChannelL2</c> (SSD300's conv4_3 L2Norm). One thread per pixel.
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output; may be the input.</param>
    /// <param name="batch">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="weight">Channels floats, or an empty view for 1.</param>
    /// <param name="epsilon">Lower bound of the norm.</param>
    public void ChannelL2(ArrayView<float> input, ArrayView<float> output, int batch, int channels, int spatial, ArrayView<float> weight, float epsilon = 1e-12f)
    {
        int n = CheckNchw(input, output, channels, spatial, batch);
        NeedOptional(weight, channels, nameof(weight));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: true);
        int pixels = checked(batch * spatial);
        var args = new ChannelArgs { Channels = channels, Spatial = spatial, Length = pixels, HasWeight = weight.Length == 0 ? 0 : 1, Epsilon = epsilon };
        _channelL2(Launch(), GridStride(pixels), input, OrDummy(weight), output, args);
    }

    private static void ChannelL2Kernel(ArrayView<float> x, ArrayView<float> weight, ArrayView<float> y, ChannelArgs p)
    {
        for (long iWide = Grid.GlobalIndex.X; iWide < p.Length; iWide += GlobalStride())
        {
            int pixel = (int)iWide;
            int n = pixel / p.Spatial, s = pixel - n * p.Spatial;
            long start = (long)n * p.Channels * p.Spatial + s;
            float sum = 0f;
            for (int c = 0; c < p.Channels; c++)
            {
                float v = x[start + (long)c * p.Spatial];
                sum += v * v;
            }
            float norm = MathF.Max(MathF.Sqrt(sum), p.Epsilon);
            for (int c = 0; c < p.Channels; c++)
            {
                long i = start + (long)c * p.Spatial;
                float v = x[i] / norm;
                y[i] = p.HasWeight != 0 ? v * weight[c] : v;
            }
        }
    }
}
