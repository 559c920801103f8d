using System.Runtime.CompilerServices;
using VisionGen.Ops;

namespace VisionGen.Cpu;

/// <summary>
/// The activation a kernel applies in its output pass: which one (<see cref="ActivationKind"/>) and its parameter
/// (LeakyReLU's negative slope). Passed by value to every CPU and GPU kernel with a fused epilogue;
/// <see cref="Apply(float)"/> is the scalar formula both backends use (the CPU's SIMD epilogue mirrors it).
/// </summary>
/// <param name="Kind">Which activation.</param>
/// <param name="Alpha">Its parameter: LeakyReLU's negative slope; 0 for the others.</param>
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
            default: return 0.5f * x * (1f + ActivationMath.Tanh(0.7978845608f * (x + 0.044715f * x * x * x)));
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind == ActivationKind.LeakyRelu ? $"LeakyRelu({Alpha})" : Kind.ToString();
}

/// <summary>
/// Scalar building blocks of the activations, written with nothing but <see cref="MathF.Exp"/> and arithmetic so the
/// same code compiles for ILGPU's backends.
/// </summary>
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
