using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Element-wise kernels, nearest upsampling, softmax and the fully connected layer.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int> _add = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs> _scaleShift = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs> _batchNorm = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ResizeArgs> _nearest = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _softmax = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearArgs> _linear = null!;

    /// <summary>Per-channel element-wise operation over N·C·spatial values.</summary>
    internal struct ChannelArgs
    {
        public Activation Activation;
        public int Channels, Spatial, Length, HasResidual, HasWeight, HasBias;
        public float Epsilon;
    }

    internal struct ResizeArgs
    {
        public int Channels, InHeight, InWidth, OutHeight, OutWidth;
        public float ScaleY, ScaleX;
    }

    internal struct LinearArgs
    {
        public Activation Activation;
        public int InFeatures, OutFeatures, HasBias;
    }

    private void LoadElementwise()
    {
        _dummy = _accelerator.Allocate1D<float>(1);
        _add = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int>(AddKernel);
        _scaleShift = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs>(ScaleShiftKernel);
        _batchNorm = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs>(BatchNormKernel);
        _nearest = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ResizeArgs>(NearestKernel);
        _softmax = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(SoftmaxKernel);
        _linear = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearArgs>(LinearKernel);
    }

    /// <summary>y = act(a + b) over <paramref name="length"/> values (b empty: y = act(a)). y may be a or b.</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand, or an empty view for a plain activation.</param>
    /// <param name="output">Result; may alias an operand exactly.</param>
    /// <param name="length">Values to process.</param>
    /// <param name="activation">Activation applied last.</param>
    public void Add(ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, int length, Activation activation = default)
    {
        Positive(length, nameof(length));
        CheckActivation(activation);
        Need(a, length, nameof(a));
        NeedOptional(b, length, nameof(b));
        Need(output, length, nameof(output));
        _add(Stream, GridStride(length), a, OrDummy(b), output, length, activation, b.Length == 0 ? 0 : 1);
    }

    /// <summary>y = act(x) over <paramref name="length"/> values; y may be x.</summary>
    /// <param name="input">Input values.</param>
    /// <param name="output">Result; may be <paramref name="input"/>.</param>
    /// <param name="length">Values to process.</param>
    /// <param name="activation">Activation to apply.</param>
    public void Activate(ArrayView<float> input, ArrayView<float> output, int length, Activation activation)
        => Add(input, default, output, length, activation);

    /// <summary>
    /// Per-channel affine (batch norm folded to scale and shift): y = act(x·scale[c] + shift[c] + residual)
    /// over NCHW with <paramref name="batch"/> samples, as <see cref="Elementwise.ScaleShift"/>.
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="scale">Channels floats.</param>
    /// <param name="shift">Channels floats.</param>
    /// <param name="residual">NCHW tensor added before the activation, or an empty view.</param>
    /// <param name="output">NCHW output; may be the input or the residual.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="batch">N.</param>
    public void ScaleShift(ArrayView<float> input, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> residual,
        ArrayView<float> output, int channels, int spatial, Activation activation = default, int batch = 1)
    {
        int n = CheckNchw(input, output, channels, spatial, batch);
        CheckActivation(activation);
        Need(scale, channels, nameof(scale));
        Need(shift, channels, nameof(shift));
        NeedOptional(residual, n, nameof(residual));
        var args = new ChannelArgs { Channels = channels, Spatial = spatial, Length = n, Activation = activation, HasResidual = residual.Length == 0 ? 0 : 1 };
        _scaleShift(Stream, GridStride(n), input, scale, shift, OrDummy(residual), output, args);
    }

    /// <summary>
    /// Batch norm in inference mode, unfolded: y = (x − mean[c]) / sqrt(var[c] + eps)·weight[c] + bias[c], as
    /// <c>VisionGen.Normalization.Normalize.BatchNorm</c>.
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output; may be the input.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="runningMean">Channels floats.</param>
    /// <param name="runningVar">Channels floats.</param>
    /// <param name="weight">Channels floats, or an empty view for 1.</param>
    /// <param name="bias">Channels floats, or an empty view for 0.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="batch">N.</param>
    public void BatchNorm(ArrayView<float> input, ArrayView<float> output, int channels, int spatial,
        ArrayView<float> runningMean, ArrayView<float> runningVar, ArrayView<float> weight, ArrayView<float> bias,
        float epsilon = 1e-5f, int batch = 1)
    {
        int n = CheckNchw(input, output, channels, spatial, batch);
        Need(runningMean, channels, nameof(runningMean));
        Need(runningVar, channels, nameof(runningVar));
        NeedOptional(weight, channels, nameof(weight));
        NeedOptional(bias, channels, nameof(bias));
        var args = new ChannelArgs
        {
            Channels = channels, Spatial = spatial, Length = n, Epsilon = epsilon,
            HasWeight = weight.Length == 0 ? 0 : 1, HasBias = bias.Length == 0 ? 0 : 1,
        };
        _batchNorm(Stream, GridStride(n), input, runningMean, runningVar, OrDummy(weight), OrDummy(bias), output, args);
    }

    /// <summary>
    /// Nearest resize of <paramref name="planes"/> planes (N·C for a batch) to any size, torch's
    /// <c>F.interpolate(mode="nearest")</c>: src = min(floor(dst·(in/out)), in − 1) with the scale in float,
    /// as <see cref="Resize.Nearest"/>.
    /// </summary>
    /// <param name="input">Planes of inHeight·inWidth.</param>
    /// <param name="output">Planes of outHeight·outWidth.</param>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    public void NearestUpsample(ArrayView<float> input, ArrayView<float> output, int planes, int inHeight, int inWidth, int outHeight, int outWidth)
    {
        Positive(planes, nameof(planes)); Positive(inHeight, nameof(inHeight)); Positive(inWidth, nameof(inWidth));
        Positive(outHeight, nameof(outHeight)); Positive(outWidth, nameof(outWidth));
        Need(input, (long)planes * inHeight * inWidth, nameof(input));
        int n = checked(planes * outHeight * outWidth);
        Need(output, n, nameof(output));
        var args = new ResizeArgs
        {
            Channels = planes, InHeight = inHeight, InWidth = inWidth, OutHeight = outHeight, OutWidth = outWidth,
            ScaleY = (float)inHeight / outHeight, ScaleX = (float)inWidth / outWidth,
        };
        _nearest(Stream, GridStride(n), input, output, args);
    }

    /// <summary>Nearest 2× upsample (the FPN top-down path): <see cref="NearestUpsample"/> to 2·H × 2·W.</summary>
    /// <param name="input">Planes of height·width.</param>
    /// <param name="output">Planes of 2·height·2·width.</param>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="height">Input height.</param>
    /// <param name="width">Input width.</param>
    public void NearestUpsample2x(ArrayView<float> input, ArrayView<float> output, int planes, int height, int width)
        => NearestUpsample(input, output, planes, height, width, 2 * height, 2 * width);

    /// <summary>Numerically stable softmax over each row of <paramref name="rowLength"/> values (one group per row).</summary>
    /// <param name="input">rows·rowLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="rowLength">Values per row.</param>
    public void Softmax(ArrayView<float> input, ArrayView<float> output, int rows, int rowLength)
    {
        Positive(rows, nameof(rows)); Positive(rowLength, nameof(rowLength));
        long n = (long)rows * rowLength;
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        _softmax(Stream, Reduce(Math.Min(rows, _maxGroups * 4)), input, output, rows, rowLength);
    }

    /// <summary>Fully connected layer, y = act(W·x + b), W row-major [out, in] as PyTorch (one group per output).</summary>
    /// <param name="input">inFeatures floats.</param>
    /// <param name="weight">outFeatures·inFeatures floats.</param>
    /// <param name="bias">outFeatures floats, or an empty view.</param>
    /// <param name="output">outFeatures floats; must not overlap the input.</param>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="activation">Activation applied last.</param>
    public void Linear(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> output,
        int inFeatures, int outFeatures, Activation activation = default)
    {
        Positive(inFeatures, nameof(inFeatures)); Positive(outFeatures, nameof(outFeatures));
        CheckActivation(activation);
        Need(input, inFeatures, nameof(input));
        Need(weight, (long)inFeatures * outFeatures, nameof(weight));
        NeedOptional(bias, outFeatures, nameof(bias));
        Need(output, outFeatures, nameof(output));
        var args = new LinearArgs { InFeatures = inFeatures, OutFeatures = outFeatures, Activation = activation, HasBias = bias.Length == 0 ? 0 : 1 };
        _linear(Stream, Reduce(Math.Min(outFeatures, _maxGroups * 4)), input, weight, OrDummy(bias), output, args);
    }

    private static int CheckNchw(ArrayView<float> input, ArrayView<float> output, int channels, int spatial, int batch)
    {
        Positive(channels, nameof(channels)); Positive(spatial, nameof(spatial)); Positive(batch, nameof(batch));
        long n = (long)batch * channels * spatial;
        if (n > int.MaxValue) throw new ArgumentException($"Tensor of {n} values exceeds the 2^31 elements a launch addresses.");
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        return (int)n;
    }

    // ---- device code ----

    private static int GlobalStride() => Grid.DimX * Group.DimX;

    private static void AddKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, Activation activation, int hasB)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += GlobalStride())
        {
            float v = a[i];
            if (hasB != 0) v += b[i];
            y[i] = activation.Apply(v);
        }
    }

    private static void ScaleShiftKernel(ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift,
        ArrayView<float> residual, ArrayView<float> y, ChannelArgs p)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Length; i += GlobalStride())
        {
            int c = i / p.Spatial % p.Channels;
            float v = x[i] * scale[c] + shift[c];
            if (p.HasResidual != 0) v += residual[i];
            y[i] = p.Activation.Apply(v);
        }
    }

    private static void BatchNormKernel(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelArgs p)
    {
        for (int i = Grid.GlobalIndex.X; i < p.Length; i += GlobalStride())
        {
            int c = i / p.Spatial % p.Channels;
            float s = (p.HasWeight != 0 ? weight[c] : 1f) / MathF.Sqrt(variance[c] + p.Epsilon);
            float t = (p.HasBias != 0 ? bias[c] : 0f) - mean[c] * s;
            y[i] = x[i] * s + t;
        }
    }

    private static void NearestKernel(ArrayView<float> x, ArrayView<float> y, ResizeArgs p)
    {
        int n = p.Channels * p.OutHeight * p.OutWidth;
        for (int i = Grid.GlobalIndex.X; i < n; i += GlobalStride())
        {
            int ox = i % p.OutWidth;
            int t = i / p.OutWidth;
            int oy = t % p.OutHeight;
            int c = t / p.OutHeight;
            int sy = (int)MathF.Floor(oy * p.ScaleY);
            int sx = (int)MathF.Floor(ox * p.ScaleX);
            if (sy > p.InHeight - 1) sy = p.InHeight - 1;
            if (sx > p.InWidth - 1) sx = p.InWidth - 1;
            y[i] = x[(c * p.InHeight + sy) * p.InWidth + sx];
        }
    }

    /// <summary>Sum of one value per thread over the group; every thread gets the total. Needs Group.DimX floats of shared memory.</summary>
    internal static float GroupSum(ArrayView<float> shared, float value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (t < s) shared[t] += shared[t + s];
            Group.Barrier();
        }
        float total = shared[0];
        Group.Barrier(); // the caller may reuse the shared memory right away
        return total;
    }

    /// <summary>Maximum of one value per thread over the group (NaN wins, as in PyTorch); every thread gets it.</summary>
    internal static float GroupMax(ArrayView<float> shared, float value)
    {
        int t = Group.IdxX;
        shared[t] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (t < s)
            {
                float o = shared[t + s];
                if (o > shared[t] || float.IsNaN(o)) shared[t] = o;
            }
            Group.Barrier();
        }
        float total = shared[0];
        Group.Barrier();
        return total;
    }

    private static void SoftmaxKernel(ArrayView<float> x, ArrayView<float> y, int rows, int rowLength)
    {
        var shared = SharedMemory.GetDynamic<float>();
        for (int r = Grid.IdxX; r < rows; r += Grid.DimX)
        {
            int start = r * rowLength;
            float m = float.NegativeInfinity;
            for (int i = Group.IdxX; i < rowLength; i += Group.DimX)
            {
                float v = x[start + i];
                if (v > m || float.IsNaN(v)) m = v;
            }
            m = GroupMax(shared, m);
            if (m == float.NegativeInfinity) m = 0f; // an all −∞ row gives NaN, as in PyTorch
            float s = 0f;
            for (int i = Group.IdxX; i < rowLength; i += Group.DimX) s += MathF.Exp(x[start + i] - m);
            s = GroupSum(shared, s);
            for (int i = Group.IdxX; i < rowLength; i += Group.DimX) y[start + i] = MathF.Exp(x[start + i] - m) / s;
        }
    }

    private static void LinearKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, LinearArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        for (int o = Grid.IdxX; o < p.OutFeatures; o += Grid.DimX)
        {
            int row = o * p.InFeatures;
            float s = 0f;
            for (int i = Group.IdxX; i < p.InFeatures; i += Group.DimX) s += w[row + i] * x[i];
            s = GroupSum(shared, s);
            if (Group.IdxX == 0)
            {
                if (p.HasBias != 0) s += bias[o];
                y[o] = p.Activation.Apply(s);
            }
        }
    }
}
