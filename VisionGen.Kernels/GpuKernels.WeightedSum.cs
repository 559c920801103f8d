using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// BiFPN's fast normalized fusion: a weighted sum of two or three tensors.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int> _weightedSum = null!;

    private void LoadWeightedSum() =>
        _weightedSum = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int>(WeightedSumKernel);

    /// <summary>
    /// y = act(w₀·a + w₁·b + w₂·c) element-wise, or act(w₀·a + w₁·b) when <paramref name="c"/> is empty, as
    /// <see cref="WeightedSum.Forward"/>. The output may be exactly one of the inputs; partial overlap is rejected.
    /// </summary>
    /// <param name="a">First input; its length is the element count.</param>
    /// <param name="b">Second input, the same length.</param>
    /// <param name="c">Third input, the same length, or an empty view for two inputs.</param>
    /// <param name="weights">One weight per input (already normalized), on the device.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least a.Length floats.</param>
    public void WeightedSum(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> weights, Activation activation, ArrayView<float> output)
    {
        CheckActivation(activation);
        int n = LaunchLength(a.Length, nameof(a));
        if (b.Length != n) throw new ArgumentException($"Inputs differ in length ({n} vs {b.Length}).", nameof(b));
        if (c.Length != 0 && c.Length != n) throw new ArgumentException($"Inputs differ in length ({n} vs {c.Length}).", nameof(c));
        int inputs = c.Length == 0 ? 2 : 3;
        if (weights.Length != inputs) throw new ArgumentException($"{inputs} inputs need {inputs} weights, got {weights.Length}.", nameof(weights));
        Need(output, n, nameof(output));
        if (n == 0) return;
        CheckOverlap(a, n, output, n, nameof(a), sameStartAllowed: true);
        CheckOverlap(b, n, output, n, nameof(b), sameStartAllowed: true);
        CheckOverlap(c, c.Length == 0 ? 0 : n, output, n, nameof(c), sameStartAllowed: true);
        _weightedSum(Launch(), GridStride(n), a, b, OrDummy(c), weights, output, n, activation, inputs);
    }

    private static void WeightedSumKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> w, ArrayView<float> y,
        int n, Activation activation, int inputs)
    {
        float w0 = w[0], w1 = w[1], w2 = inputs == 3 ? w[2] : 0f;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += Grid.DimX * Group.DimX)
        {
            int i = (int)iWide;
            // Products and sums, not MathF.FusedMultiplyAdd: ILGPU's PTX backend leaves that an undefined external
            // function, which the driver's PTX compiler rejects (it contracts mul + add into fma itself).
            float v = b[i] * w1 + a[i] * w0;
            if (inputs == 3) v = c[i] * w2 + v;
            y[i] = activation.Apply(v);
        }
    }
}
