using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary>
/// A weighted sum of two or three same-shaped tensors with a fused activation, y = act(w₀·a + w₁·b + w₂·c): BiFPN's
/// fast normalized fusion, whose weights <see cref="Normalize"/> computes once at load time.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class WeightedSum
{
    /// <summary>The ε of EfficientDet's fast normalized fusion.</summary>
    public const float FusionEpsilon = 1e-4f;

    /// <summary>
    /// Fast normalized fusion weights: wᵢ = relu(rawᵢ) / (Σⱼ relu(rawⱼ) + 1e-4), computed in float32 in the order
    /// PyTorch's <c>w / (w.sum() + 1e-4)</c> does (a single-pass sum over at most a few values).
    /// </summary>
    /// <param name="raw">The trained weights, one per input.</param>
    /// <param name="normalized">As many floats as <paramref name="raw"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="normalized"/> has a different length.</exception>
    public static void Normalize(ReadOnlySpan<float> raw, Span<float> normalized)
    {
        if (normalized.Length != raw.Length) throw new ArgumentException($"Needs {raw.Length} floats, got {normalized.Length}.", nameof(normalized));
        float sum = 0f;
        for (int i = 0; i < raw.Length; i++) sum += MathF.Max(raw[i], 0f);
        float denominator = sum + FusionEpsilon;
        for (int i = 0; i < raw.Length; i++) normalized[i] = MathF.Max(raw[i], 0f) / denominator;
    }

    /// <summary>y = act(w₀·a + w₁·b + w₂·c) element-wise, or act(w₀·a + w₁·b) when <paramref name="c"/> is empty.</summary>
    /// <param name="a">First input; its length is the element count.</param>
    /// <param name="b">Second input, the same length.</param>
    /// <param name="c">Third input, the same length, or empty for two inputs.</param>
    /// <param name="weights">One weight per input (2 or 3 floats).</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least a.Length floats; may be exactly one of the inputs (in place).</param>
    /// <exception cref="ArgumentException">Lengths differ, the weights do not match the inputs, the output is too short, or spans partially overlap.</exception>
    public static void Forward(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, ReadOnlySpan<float> weights,
        Activation activation, Span<float> output)
    {
        int n = a.Length;
        if (b.Length != n) throw new ArgumentException($"Inputs differ in length ({n} vs {b.Length}).", nameof(b));
        if (!c.IsEmpty && c.Length != n) throw new ArgumentException($"Inputs differ in length ({n} vs {c.Length}).", nameof(c));
        int inputs = c.IsEmpty ? 2 : 3;
        if (weights.Length != inputs) throw new ArgumentException($"{inputs} inputs need {inputs} weights, got {weights.Length}.", nameof(weights));
        if (output.Length < n) throw new ArgumentException($"Output needs {n} floats, got {output.Length}.", nameof(output));
        Span<float> y = output[..n];
        CheckAlias(a, y, nameof(a));
        CheckAlias(b, y, nameof(b));
        if (!c.IsEmpty) CheckAlias(c, y, nameof(c));
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* pc = c) fixed (float* py = output)
        {
            float* third = c.IsEmpty ? null : pc;
            float w2 = c.IsEmpty ? 0f : weights[2];
            if (Vector512.IsHardwareAccelerated) Sum<Vector512<float>, Simd512>(n, pa, pb, third, weights[0], weights[1], w2, activation, py);
            else if (Vector256.IsHardwareAccelerated) Sum<Vector256<float>, Simd256>(n, pa, pb, third, weights[0], weights[1], w2, activation, py);
            else Sum<Vector128<float>, Simd128>(n, pa, pb, third, weights[0], weights[1], w2, activation, py);
        }
    }

    private static void CheckAlias(ReadOnlySpan<float> input, Span<float> output, string name)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("Output may be exactly an input (in place) but must not partially overlap it.", name);
    }

    /// <summary>Products added in input order (w₀a + w₁b, then + w₂c), as PyTorch evaluates the fused sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sum<TV, TS>(int n, float* a, float* b, float* c, float w0, float w1, float w2, Activation act, float* y)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count, i = 0;
        TV v0 = TS.Broadcast(w0), v1 = TS.Broadcast(w1), v2 = TS.Broadcast(w2);
        if (c != null)
        {
            for (; i + v <= n; i += v)
                TS.Store(y + i, SimdOps.Activate<TV, TS>(TS.Fma(TS.Load(c + i), v2, TS.Fma(TS.Load(b + i), v1, TS.Mul(TS.Load(a + i), v0))), act));
            for (; i < n; i++) y[i] = SimdOps.Activate(MathF.FusedMultiplyAdd(c[i], w2, MathF.FusedMultiplyAdd(b[i], w1, a[i] * w0)), act);
        }
        else
        {
            for (; i + v <= n; i += v)
                TS.Store(y + i, SimdOps.Activate<TV, TS>(TS.Fma(TS.Load(b + i), v1, TS.Mul(TS.Load(a + i), v0)), act));
            for (; i < n; i++) y[i] = SimdOps.Activate(MathF.FusedMultiplyAdd(b[i], w1, a[i] * w0), act);
        }
    }
}
