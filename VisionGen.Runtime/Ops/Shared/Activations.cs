// One definition of every activation: its name (ActivationKind, linked into the generator, which names it in generated
// code), its scalar formula (Activation.Apply: CPU scalar tails and every GPU kernel run it) and its Nn method (what a
// Forward method calls; the generator finds the op by this name). The SIMD form is the CPU epilogue's case in
// Cpu/ISimd.cs (SimdOps.Activate). Adding an activation: a member, a formula and a method here, a vector case there,
// and a row in the test tables.
using System.ComponentModel;
#if !VISIONGEN_GENERATOR
using System.Runtime.CompilerServices;
#endif

namespace VisionGen.Ops
{
    /// <summary>
    /// Activations a kernel can apply in its output pass (fused after bias and residual), with PyTorch's formulas.
    /// Every one keeps NaN as NaN, as PyTorch does.
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
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

        /// <summary><c>nn.Mish</c>: y = x·tanh(softplus(x)) = x·tanh(ln(1 + e^x)).</summary>
        Mish = 11,
    }
}
#if !VISIONGEN_GENERATOR

namespace VisionGen.Cpu
{
    using VisionGen.Ops;

    /// <summary>
    /// The activation a kernel applies in its output pass: which one (<see cref="ActivationKind"/>) and its parameter
    /// (LeakyReLU's negative slope). Passed by value to every CPU and GPU kernel with a fused epilogue;
    /// <see cref="Apply(float)"/> is the scalar formula both backends use (the CPU's SIMD epilogue mirrors it).
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    /// <param name="Kind">Which activation.</param>
    /// <param name="Alpha">Its parameter: LeakyReLU's negative slope; 0 for the others.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly record struct Activation(ActivationKind Kind, float Alpha = 0f)
    {
        /// <summary>Identity.</summary>
        public static Activation None => default;

        /// <summary><c>nn.ReLU</c>.</summary>
        public static Activation Relu => new(ActivationKind.Relu);

        /// <summary><c>nn.ReLU6</c>.</summary>
        public static Activation Relu6 => new(ActivationKind.Relu6);

        /// <summary><c>nn.LeakyReLU(negative_slope)</c>.</summary>
        /// <param name="negativeSlope">Slope for negative inputs (torch default 0.01).</param>
        public static Activation LeakyRelu(float negativeSlope = 0.01f) => new(ActivationKind.LeakyRelu, negativeSlope);

        /// <summary><c>nn.Sigmoid</c>.</summary>
        public static Activation Sigmoid => new(ActivationKind.Sigmoid);

        /// <summary><c>nn.Tanh</c>.</summary>
        public static Activation Tanh => new(ActivationKind.Tanh);

        /// <summary><c>nn.SiLU</c>.</summary>
        public static Activation Silu => new(ActivationKind.Silu);

        /// <summary><c>nn.Hardsigmoid</c>.</summary>
        public static Activation Hardsigmoid => new(ActivationKind.Hardsigmoid);

        /// <summary><c>nn.Hardswish</c>.</summary>
        public static Activation Hardswish => new(ActivationKind.Hardswish);

        /// <summary><c>nn.GELU()</c>, exact (erf).</summary>
        public static Activation Gelu => new(ActivationKind.Gelu);

        /// <summary><c>nn.GELU(approximate="tanh")</c>.</summary>
        public static Activation GeluTanh => new(ActivationKind.GeluTanh);

        /// <summary><c>nn.Mish</c>.</summary>
        public static Activation Mish => new(ActivationKind.Mish);

        /// <summary>True for the identity.</summary>
        public bool IsNone => Kind == ActivationKind.None;

        /// <summary>The scalar formula (PyTorch's), used by scalar tails on the CPU and by every GPU kernel.</summary>
        /// <param name="x">Input value.</param>
        /// <returns>The activated value; NaN stays NaN.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Apply(float x)
        {
            switch (Kind)
            {
                case ActivationKind.None: return x;
                case ActivationKind.Relu: return x < 0f ? 0f : x;
                case ActivationKind.Relu6: return x < 0f ? 0f : (x > 6f ? 6f : x);
                case ActivationKind.LeakyRelu: return x < 0f ? x * Alpha : x;
                case ActivationKind.Sigmoid: return ActivationMath.Sigmoid(x);
                case ActivationKind.Tanh: return ActivationMath.Tanh(x);
                case ActivationKind.Silu: return x * ActivationMath.Sigmoid(x);
                case ActivationKind.Hardsigmoid: return ActivationMath.Hardsigmoid(x);
                case ActivationKind.Hardswish: return x * ActivationMath.Hardsigmoid(x);
                case ActivationKind.Gelu: return 0.5f * x * (1f + ActivationMath.Erf(x * 0.70710678f));
                case ActivationKind.Mish: return x * ActivationMath.TanhSoftplus(x);
                default: return 0.5f * x * (1f + ActivationMath.Tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
            }
        }

        /// <inheritdoc />
        public override string ToString() => Kind == ActivationKind.LeakyRelu ? $"LeakyRelu({Alpha})" : Kind.ToString();
    }

    /// <summary>
    /// Scalar building blocks of the activations, written with nothing but <see cref="MathF.Exp"/> and arithmetic so the
    /// same code compiles for ILGPU's backends.
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ActivationMath
    {
        /// <summary>1 / (1 + e^−x), without overflow for large |x|.</summary>
        /// <param name="x">Input.</param>
        /// <returns>sigmoid(x).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Sigmoid(float x)
        {
            // e^−|x| never overflows; the two halves are mirror images.
            float e = MathF.Exp(-MathF.Abs(x));
            float r = 1f / (1f + e);
            return x >= 0f ? r : (x < 0f ? e * r : x); // the last case keeps NaN
        }

        /// <summary>tanh(x) = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|).</summary>
        /// <param name="x">Input.</param>
        /// <returns>tanh(x).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Tanh(float x)
        {
            float ax = MathF.Abs(x);
            if (ax < 0.0625f)
            {
                // Near 0 the quotient cancels; the odd series to x⁷ is exact to a float's precision here.
                float x2 = x * x;
                return x * (1f + x2 * (-1f / 3f + x2 * (2f / 15f + x2 * (-17f / 315f))));
            }
            float e = MathF.Exp(-2f * ax);
            float t = (1f - e) / (1f + e);
            return x < 0f ? -t : t;
        }

        /// <summary>
        /// tanh(ln(1 + e^x)) without a logarithm: with e = e^−|x|, (1 + 2e)/(1 + 2e + 2e²) for x ≥ 0 and
        /// (e² + 2e)/(e² + 2e + 2) for x &lt; 0 — both exact rearrangements, neither overflows.
        /// </summary>
        /// <param name="x">Input.</param>
        /// <returns>tanh(softplus(x)).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float TanhSoftplus(float x)
        {
            float e = MathF.Exp(-MathF.Abs(x));
            if (x >= 0f) return (1f + 2f * e) / (1f + 2f * e + 2f * e * e);
            if (x < 0f) return (e * e + 2f * e) / (e * e + 2f * e + 2f);
            return x; // NaN
        }

        /// <summary>min(max(x/6 + 1/2, 0), 1).</summary>
        /// <param name="x">Input.</param>
        /// <returns>hardsigmoid(x).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Hardsigmoid(float x)
        {
            float t = x * (1f / 6f) + 0.5f;
            return t < 0f ? 0f : (t > 1f ? 1f : t);
        }

        /// <summary>
        /// The error function by Abramowitz and Stegun 7.1.26: erf(|x|) = 1 − t·P(t)·e^(−x²) with t = 1/(1 + p·|x|),
        /// |error| ≤ 1.5e-7 (far inside the 1e-4 contract); odd in x, NaN stays NaN.
        /// </summary>
        /// <param name="x">Input.</param>
        /// <returns>erf(x).</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static float Erf(float x)
        {
            float ax = MathF.Abs(x);
            float t = 1f / (1f + 0.3275911f * ax);
            float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
            float y = 1f - poly * MathF.Exp(-ax * ax);
            return x < 0f ? -y : (x >= 0f ? y : x);
        }
    }
}

namespace VisionGen
{
    // The activations of Forward; the other ops are in Nn/Nn.cs.
    public static partial class Nn
    {
        // ------------------------------------------------------------------ activations (fused into the op before them)

        /// <summary><c>F.relu</c>: max(x, 0).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Relu(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.relu6</c>: min(max(x, 0), 6).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Relu6(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.leaky_relu</c>: x for x ≥ 0, negativeSlope·x otherwise.</summary>
        /// <param name="x">Input.</param>
        /// <param name="negativeSlope">Slope for negative inputs.</param>
        /// <returns>Same shape.</returns>
        public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.01f) => throw BuildTimeOnly();

        /// <summary><c>torch.sigmoid</c>: 1 / (1 + e^−x).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Sigmoid(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>torch.tanh</c>.</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Tanh(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.silu</c> (swish): x·sigmoid(x).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Silu(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.hardsigmoid</c>: min(max(x/6 + 1/2, 0), 1).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Hardsigmoid(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.hardswish</c>: x·hardsigmoid(x).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Hardswish(Tensor x) => throw BuildTimeOnly();

        /// <summary><c>F.gelu</c>: exact (erf) with <c>approximate: "none"</c>, or the tanh form with <c>"tanh"</c>.</summary>
        /// <param name="x">Input.</param>
        /// <param name="approximate">"none" or "tanh", as torch.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Gelu(Tensor x, string approximate = "none") => throw BuildTimeOnly();

        /// <summary><c>F.mish</c>: x·tanh(softplus(x)).</summary>
        /// <param name="x">Input.</param>
        /// <returns>Same shape.</returns>
        public static Tensor Mish(Tensor x) => throw BuildTimeOnly();
    }
}
#endif
