using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Fully connected layer on one vector: y = act(W·x + b), W row-major [out, in] as PyTorch. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Linear
{
    /// <summary>output[o] = act(Σ weight[o, i]·input[i] + bias[o]).</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="input">At least inFeatures floats.</param>
    /// <param name="weight">At least outFeatures·inFeatures floats, row-major [out, in].</param>
    /// <param name="bias">outFeatures floats, or empty for none.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least outFeatures floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    public static void Forward(int inFeatures, int outFeatures, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Activation activation, Span<float> output)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException("Feature counts must be positive.");
        long wl = (long)inFeatures * outFeatures;
        if (input.Length < inFeatures) throw new ArgumentException($"Input needs {inFeatures} floats, got {input.Length}.", nameof(input));
        if (weight.Length < wl) throw new ArgumentException($"Weight needs {wl} floats [out, in], got {weight.Length}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length < outFeatures) throw new ArgumentException($"Bias needs {outFeatures} floats or none, got {bias.Length}.", nameof(bias));
        if (output.Length < outFeatures) throw new ArgumentException($"Output needs {outFeatures} floats, got {output.Length}.", nameof(output));
        fixed (float* px = input) fixed (float* pw = weight) fixed (float* pb = bias) fixed (float* py = output)
        {
            float* b = bias.IsEmpty ? null : pb;
            if (Vector512.IsHardwareAccelerated && inFeatures >= 64) Run<Vector512<float>, Simd512>(inFeatures, outFeatures, px, pw, b, activation, py);
            else if (Vector256.IsHardwareAccelerated) Run<Vector256<float>, Simd256>(inFeatures, outFeatures, px, pw, b, activation, py);
            else Run<Vector128<float>, Simd128>(inFeatures, outFeatures, px, pw, b, activation, py);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TV, TS>(int nIn, int nOut, float* x, float* w, float* bias, Activation act, float* y)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count;
        int o = 0;
        for (; o + 4 <= nOut; o += 4)
        {
            float* w0 = w + (long)o * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
            int i = 0;
            for (; i + v <= nIn; i += v)
            {
                TV xv = TS.Load(x + i);
                a0 = TS.Fma(TS.Load(w0 + i), xv, a0);
                a1 = TS.Fma(TS.Load(w1 + i), xv, a1);
                a2 = TS.Fma(TS.Load(w2 + i), xv, a2);
                a3 = TS.Fma(TS.Load(w3 + i), xv, a3);
            }
            float s0 = TS.Sum(a0), s1 = TS.Sum(a1), s2 = TS.Sum(a2), s3 = TS.Sum(a3);
            for (; i < nIn; i++)
            {
                float xi = x[i];
                s0 += w0[i] * xi; s1 += w1[i] * xi; s2 += w2[i] * xi; s3 += w3[i] * xi;
            }
            y[o] = Finish(s0, bias, o, act);
            y[o + 1] = Finish(s1, bias, o + 1, act);
            y[o + 2] = Finish(s2, bias, o + 2, act);
            y[o + 3] = Finish(s3, bias, o + 3, act);
        }
        for (; o < nOut; o++)
        {
            float* wr = w + (long)o * nIn;
            TV a = TS.Zero;
            int i = 0;
            for (; i + v <= nIn; i += v) a = TS.Fma(TS.Load(wr + i), TS.Load(x + i), a);
            float sum = TS.Sum(a);
            for (; i < nIn; i++) sum += wr[i] * x[i];
            y[o] = Finish(sum, bias, o, act);
        }
    }

    private static float Finish(float sum, float* bias, int o, Activation act)
        => SimdOps.Activate(bias == null ? sum : sum + bias[o], act);
}
