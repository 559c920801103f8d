using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Element-wise kernels, softmax and the fully connected layer.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int> _add = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs> _scaleShift = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs> _batchNorm = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _softmax = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int> _softmaxColumns = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearArgs> _linear = null!;

    /// <summary>Per-channel element-wise operation over N·C·spatial values.</summary>
    internal struct ChannelArgs
    {
        public Activation Activation;
        public int Channels, Spatial, Length, HasResidual, HasWeight, HasBias;
        public float Epsilon;
    }

    internal struct LinearArgs
    {
        public Activation Activation;
        public int InFeatures, OutFeatures, Rows, HasBias;
    }

    private void LoadElementwise()
    {
        _dummy = _accelerator.Allocate1D<float>(1);
        _add = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int>(AddKernel);
        _scaleShift = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs>(ScaleShiftKernel);
        _batchNorm = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ChannelArgs>(BatchNormKernel);
        _softmax = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(SoftmaxKernel);
        _softmaxColumns = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int, int>(SoftmaxColumnsKernel);
        _linear = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, LinearArgs>(LinearKernel);
    }

    /// <summary>
    /// y = act(a + b) element-wise over <paramref name="a"/>'s length, as <see cref="Elementwise.Add"/>.
    /// The output may be exactly <paramref name="a"/> or <paramref name="b"/> (in place); partial overlap is rejected.
    /// </summary>
    /// <param name="a">First operand; its length is the element count.</param>
    /// <param name="b">Second operand, the same length as <paramref name="a"/>.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least a.Length floats.</param>
    public void Add(ArrayView<float> a, ArrayView<float> b, Activation activation, ArrayView<float> output)
    {
        CheckActivation(activation);
        int n = LaunchLength(a.Length, nameof(a));
        if (b.Length != n) throw new ArgumentException($"Operands differ in length ({n} vs {b.Length}).", nameof(b));
        Need(output, n, nameof(output));
        if (n == 0) return;
        CheckOverlap(a, n, output, n, nameof(a), sameStartAllowed: true);
        CheckOverlap(b, n, output, n, nameof(b), sameStartAllowed: true);
        _add(Launch(), GridStride(n), a, b, output, n, activation, 1);
    }

    /// <summary>
    /// y = act(x) over <paramref name="input"/>'s length, as <see cref="Elementwise.Activate"/>. The output may be
    /// exactly the input; partial overlap is rejected.
    /// </summary>
    /// <param name="input">Input values; their length is the element count.</param>
    /// <param name="activation">Activation to apply.</param>
    /// <param name="output">At least input.Length floats.</param>
    public void Activate(ArrayView<float> input, Activation activation, ArrayView<float> output)
    {
        CheckActivation(activation);
        int n = LaunchLength(input.Length, nameof(input));
        Need(output, n, nameof(output));
        if (n == 0) return;
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: true);
        _add(Launch(), GridStride(n), input, _dummy.View, output, n, activation, 0);
    }

    /// <summary>
    /// Per-channel affine (batch norm folded to scale and shift): y = act(x·scale[c] + shift[c] + residual)
    /// over NCHW with <paramref name="batch"/> samples, as <see cref="Elementwise.ScaleShift"/>.
    /// </summary>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="input">NCHW input.</param>
    /// <param name="scale">Channels floats.</param>
    /// <param name="shift">Channels floats.</param>
    /// <param name="residual">NCHW tensor added before the activation, or an empty view.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">NCHW output; may be exactly the input or the residual.</param>
    /// <param name="batch">N.</param>
    public void ScaleShift(int channels, int spatial, ArrayView<float> input, ArrayView<float> scale, ArrayView<float> shift,
        ArrayView<float> residual, Activation activation, ArrayView<float> output, int batch = 1)
    {
        int n = CheckNchw(input, output, channels, spatial, batch);
        CheckActivation(activation);
        Need(scale, channels, nameof(scale));
        Need(shift, channels, nameof(shift));
        NeedOptional(residual, n, nameof(residual));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: true);
        CheckOverlap(residual, residual.Length == 0 ? 0 : n, output, n, nameof(residual), sameStartAllowed: true);
        var args = new ChannelArgs { Channels = channels, Spatial = spatial, Length = n, Activation = activation, HasResidual = residual.Length == 0 ? 0 : 1 };
        _scaleShift(Launch(), PerPlane(batch * channels, spatial), input, scale, shift, OrDummy(residual), output, args);
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
        _batchNorm(Launch(), PerPlane(batch * channels, spatial), input, runningMean, runningVar, OrDummy(weight), OrDummy(bias), output, args);
    }

    /// <summary>Numerically stable softmax over each row of <paramref name="rowLength"/> values (one group per row).</summary>
    /// <param name="input">rows·rowLength values.</param>
    /// <param name="output">Same shape; may be the input.</param>
    /// <param name="rows">Rows.</param>
    /// <param name="rowLength">Values per row.</param>
    public void Softmax(ArrayView<float> input, ArrayView<float> output, int rows, int rowLength)
    {
        Positive(rows, nameof(rows)); Positive(rowLength, nameof(rowLength));
        long n = LaunchLength((long)rows * rowLength, nameof(rows));
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        _softmax(Launch(), Reduce(Math.Min(rows, _maxGroups * 4)), input, output, rows, rowLength);
    }

    /// <summary>
    /// Softmax over the middle axis of an [outer, axis, inner] view, torch's <c>F.softmax(x, dim)</c> with outer the
    /// product of the dims before dim and inner the product after, as <c>VisionGen.Cpu.Softmax.Forward</c>. Numerically
    /// stable (the maximum is subtracted); NaN propagates; the output may be exactly the input. With inner = 1 each row
    /// is one group's reduction (<see cref="Softmax"/>); otherwise each thread owns one (outer, inner) column, and
    /// neighbouring threads read neighbouring floats.
    /// </summary>
    /// <param name="outer">Product of the dims before the softmax axis.</param>
    /// <param name="axis">Length of the softmax axis.</param>
    /// <param name="inner">Product of the dims after it.</param>
    /// <param name="input">outer·axis·inner floats.</param>
    /// <param name="output">outer·axis·inner floats; exactly the input or not overlapping it.</param>
    public void SoftmaxAxis(int outer, int axis, int inner, ArrayView<float> input, ArrayView<float> output)
    {
        Positive(outer, nameof(outer)); Positive(axis, nameof(axis)); Positive(inner, nameof(inner));
        int n = LaunchLength((long)outer * axis * inner, nameof(axis));
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: true);
        if (inner == 1) _softmax(Launch(), Reduce(Math.Min(outer, _maxGroups * 4)), input, output, outer, axis);
        else _softmaxColumns(Launch(), GridStride((long)outer * inner), input, output, outer, axis, inner);
    }

    /// <summary>
    /// Fully connected layer on <paramref name="rows"/> rows at once, y = act(W·x + b), W row-major [out, in] as PyTorch
    /// (one group per output value), as <see cref="VisionGen.Cpu.Linear.Forward"/> per row: a batch or the leading
    /// dimensions of a 3-D or 4-D input in one launch.
    /// </summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="input">rows·inFeatures floats.</param>
    /// <param name="weight">outFeatures·inFeatures floats.</param>
    /// <param name="bias">outFeatures floats, or an empty view.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">rows·outFeatures floats; must not overlap the input.</param>
    /// <param name="rows">Rows (input vectors).</param>
    public void Linear(int inFeatures, int outFeatures, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias,
        Activation activation, ArrayView<float> output, int rows = 1)
    {
        Positive(inFeatures, nameof(inFeatures)); Positive(outFeatures, nameof(outFeatures)); Positive(rows, nameof(rows));
        CheckActivation(activation);
        long inLength = LaunchLength((long)rows * inFeatures, nameof(input));
        long outLength = LaunchLength((long)rows * outFeatures, nameof(output));
        Need(input, inLength, nameof(input));
        Need(weight, (long)inFeatures * outFeatures, nameof(weight));
        LaunchLength((long)inFeatures * outFeatures, nameof(weight));
        NeedOptional(bias, outFeatures, nameof(bias));
        Need(output, outLength, nameof(output));
        CheckOverlap(input, inLength, output, outLength, nameof(input), sameStartAllowed: false);
        var args = new LinearArgs { InFeatures = inFeatures, OutFeatures = outFeatures, Rows = rows, Activation = activation, HasBias = bias.Length == 0 ? 0 : 1 };
        _linear(Launch(), Reduce((int)Math.Min(outLength, _maxGroups * 4L)), input, weight, OrDummy(bias), output, args);
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

    /// <summary>
    /// Threads in the grid: the step of a grid-stride loop. The loops count in long because the last lap's
    /// i + stride can pass 2^31 for a tensor near the 2^31 elements a launch addresses.
    /// </summary>
    private static int GlobalStride() => Grid.DimX * Group.DimX;

    private static void AddKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, Activation activation, int hasB)
    {
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            float v = a[i];
            if (hasB != 0) v += b[i];
            y[i] = activation.Apply(v);
        }
    }

    /// <summary>
    /// A grid for per-channel work on NCHW planes: X = plane (sample·C + channel; X takes 2^31 − 1), Y = chunks of a plane
    /// of about four values a thread, so each group knows its channel without dividing per element and computes the
    /// channel's factors once.
    /// </summary>
    private KernelConfig PerPlane(int planes, int spatial)
    {
        long chunks = Math.Clamp((spatial + 4L * _threads - 1) / (4L * _threads), 1, 65535);
        return new KernelConfig(new Index2D(Math.Max(1, planes), (int)chunks), new Index2D(_threads, 1));
    }

    private static void ScaleShiftKernel(ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift,
        ArrayView<float> residual, ArrayView<float> y, ChannelArgs p)
    {
        int c = Grid.IdxX % p.Channels, start = Grid.IdxX * p.Spatial;
        float s = scale[c], t = shift[c];
        for (int j = Grid.IdxY * Group.DimX + Group.IdxX; j < p.Spatial; j += Grid.DimY * Group.DimX)
        {
            int i = start + j;
            float v = x[i] * s + t;
            if (p.HasResidual != 0) v += residual[i];
            y[i] = p.Activation.Apply(v);
        }
    }

    private static void BatchNormKernel(ArrayView<float> x, ArrayView<float> mean, ArrayView<float> variance,
        ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, ChannelArgs p)
    {
        int c = Grid.IdxX % p.Channels, start = Grid.IdxX * p.Spatial;
        float s = (p.HasWeight != 0 ? weight[c] : 1f) / MathF.Sqrt(variance[c] + p.Epsilon);
        float t = (p.HasBias != 0 ? bias[c] : 0f) - mean[c] * s;
        for (int j = Grid.IdxY * Group.DimX + Group.IdxX; j < p.Spatial; j += Grid.DimY * Group.DimX)
            y[start + j] = x[start + j] * s + t;
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
        int items = p.Rows * p.OutFeatures;
        for (int item = Grid.IdxX; item < items; item += Grid.DimX)
        {
            int r = item / p.OutFeatures, o = item - r * p.OutFeatures;
            int row = o * p.InFeatures, xRow = r * p.InFeatures;
            float s = 0f;
            for (int i = Group.IdxX; i < p.InFeatures; i += Group.DimX) s += w[row + i] * x[xRow + i];
            s = GroupSum(shared, s);
            if (Group.IdxX == 0)
            {
                if (p.HasBias != 0) s += bias[o];
                y[item] = p.Activation.Apply(s);
            }
        }
    }

    /// <summary>One thread per (outer, inner) column: maximum, sum of exponentials, then the quotients, down the axis.</summary>
    private static void SoftmaxColumnsKernel(ArrayView<float> x, ArrayView<float> y, int outer, int axis, int inner)
    {
        int columns = outer * inner;
        for (long cWide = Grid.GlobalIndex.X; cWide < columns; cWide += GlobalStride())
        {
            int c = (int)cWide;
            int o = c / inner;
            int start = o * axis * inner + (c - o * inner);
            float m = float.NegativeInfinity;
            for (int k = 0; k < axis; k++)
            {
                float v = x[start + k * inner];
                if (v > m || float.IsNaN(v)) m = v;
            }
            if (m == float.NegativeInfinity) m = 0f; // an all −∞ column gives NaN, as in PyTorch
            float s = 0f;
            for (int k = 0; k < axis; k++) s += MathF.Exp(x[start + k * inner] - m);
            for (int k = 0; k < axis; k++) y[start + k * inner] = MathF.Exp(x[start + k * inner] - m) / s;
        }
    }
}
