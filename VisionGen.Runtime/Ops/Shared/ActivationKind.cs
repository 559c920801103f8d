// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project): the one list of
// activations. The generator names them in generated code; the CPU and GPU kernels compute them
// (VisionGen.Cpu.Activation holds the scalar formula, the CPU's vector epilogue the SIMD one).
namespace VisionGen.Ops
{
    /// <summary>
    /// Activations a kernel can apply in its output pass (fused after bias and residual), with PyTorch's formulas.
    /// Every one keeps NaN as NaN, as PyTorch does.
    /// </summary>
    public enum ActivationKind
    {
        /// <summary>Identity: y = x.</summary>
        None = 0,

        /// <summary><c>nn.ReLU</c>: y = max(x, 0).</summary>
        Relu = 1,

        /// <summary><c>nn.ReLU6</c>: y = min(max(x, 0), 6).</summary>
        Relu6 = 2,

        /// <summary><c>nn.LeakyReLU(negative_slope)</c>: y = x for x ≥ 0, slope·x otherwise (the slope is the activation's parameter).</summary>
        LeakyRelu = 3,

        /// <summary><c>nn.Sigmoid</c>: y = 1 / (1 + e^−x).</summary>
        Sigmoid = 4,

        /// <summary><c>nn.Tanh</c>: y = tanh(x).</summary>
        Tanh = 5,

        /// <summary><c>nn.SiLU</c> (swish): y = x·sigmoid(x).</summary>
        Silu = 6,

        /// <summary><c>nn.Hardsigmoid</c>: y = min(max(x/6 + 1/2, 0), 1).</summary>
        Hardsigmoid = 7,

        /// <summary><c>nn.Hardswish</c>: y = x·min(max(x + 3, 0), 6)/6.</summary>
        Hardswish = 8,

        /// <summary><c>nn.GELU()</c> (exact): y = x·Φ(x) = x/2·(1 + erf(x/√2)).</summary>
        Gelu = 9,

        /// <summary><c>nn.GELU(approximate="tanh")</c>: y = x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
        GeluTanh = 10,
    }
}
