using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
namespace VisionGen.Weights;

/// <summary>
/// Eval-mode batch norm arithmetic done once at load time, in double precision:
/// <c>y = (x − mean) · γ / √(var + ε) + β</c>.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchNormFolding
{
    /// <summary>
    /// Folds a batch norm into the convolution before it. For each output channel <c>o</c>,
    /// <c>s = γ[o] / √(var[o] + ε)</c>, <c>w' = w · s</c> for all weights of that channel, and
    /// <c>b' = (b[o] − mean[o]) · s + β[o]</c>. The weight is laid out <c>[outC, …]</c> with
    /// <c>outC = gamma.Length</c>. The outputs may be the same memory as the inputs (in-place).
    /// </summary>
    /// <param name="convWeight">Convolution weight, <c>outC × rest</c> values.</param>
    /// <param name="convBias">Convolution bias (<c>outC</c> values), or an empty span when the convolution has none.</param>
    /// <param name="gamma">Batch norm weight γ (<c>outC</c> values).</param>
    /// <param name="beta">Batch norm bias β (<c>outC</c> values).</param>
    /// <param name="runningMean">Batch norm running mean (<c>outC</c> values).</param>
    /// <param name="runningVar">Batch norm running variance (<c>outC</c> values).</param>
    /// <param name="eps">Batch norm ε (torchvision uses 1e-5).</param>
    /// <param name="foldedWeight">Receives the folded weight; same length as <paramref name="convWeight"/>.</param>
    /// <param name="foldedBias">Receives the folded bias (<c>outC</c> values).</param>
    /// <exception cref="ArgumentException">A length does not match, or a variance + ε is not positive and finite.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: a loop over every weight
    public static void FoldIntoConvolution(
        ReadOnlySpan<float> convWeight, ReadOnlySpan<float> convBias,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        double eps, Span<float> foldedWeight, Span<float> foldedBias)
    {
        int outC = gamma.Length;
        CheckChannels(outC, beta, runningMean, runningVar, eps);
        if (convWeight.Length == 0 || convWeight.Length % outC != 0)
            throw new ArgumentException($"The convolution weight has {convWeight.Length} values, not a positive multiple of {outC} output channels.", nameof(convWeight));
        if (!convBias.IsEmpty && convBias.Length != outC)
            throw new ArgumentException($"The convolution bias has {convBias.Length} values; expected {outC} or none.", nameof(convBias));
        if (foldedWeight.Length != convWeight.Length)
            throw new ArgumentException($"The folded weight has {foldedWeight.Length} values; expected {convWeight.Length}.", nameof(foldedWeight));
        if (foldedBias.Length != outC)
            throw new ArgumentException($"The folded bias has {foldedBias.Length} values; expected {outC}.", nameof(foldedBias));

        int rest = convWeight.Length / outC;
        for (int o = 0; o < outC; o++)
        {
            double s = Scale(gamma[o], runningVar[o], eps, o);
            double bias = convBias.IsEmpty ? 0.0 : convBias[o];
            foldedBias[o] = (float)((bias - runningMean[o]) * s + beta[o]);
            int start = o * rest;
            MultiplyRow(convWeight.Slice(start, rest), s, foldedWeight.Slice(start, rest));
        }
    }

    /// <summary>
    /// <c>y[k] = (float)(x[k] · s)</c> in double: Vector&lt;float&gt; at a time, widened to two vectors of doubles and
    /// narrowed back, which rounds each product exactly as the scalar expression does (same floats either way).
    /// </summary>
    private static void MultiplyRow(ReadOnlySpan<float> x, double s, Span<float> y)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(s);
            for (; k <= x.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x.Slice(k)), out Vector<double> lo, out Vector<double> hi);
                Vector.Narrow(lo * scale, hi * scale).CopyTo(y.Slice(k));
            }
        }
        for (; k < x.Length; k++) y[k] = (float)(x[k] * s);
    }

    /// <summary>
    /// Computes the per-channel affine form of an un-folded batch norm, <c>y = x · scale + shift</c>:
    /// <c>scale = γ / √(var + ε)</c>, <c>shift = β − mean · scale</c>.
    /// </summary>
    /// <param name="gamma">Batch norm weight γ (one value per channel).</param>
    /// <param name="beta">Batch norm bias β.</param>
    /// <param name="runningMean">Batch norm running mean.</param>
    /// <param name="runningVar">Batch norm running variance.</param>
    /// <param name="eps">Batch norm ε.</param>
    /// <param name="scale">Receives the per-channel scale.</param>
    /// <param name="shift">Receives the per-channel shift.</param>
    /// <exception cref="ArgumentException">A length does not match, or a variance + ε is not positive and finite.</exception>
    public static void ScaleAndShift(
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        double eps, Span<float> scale, Span<float> shift)
    {
        int channels = gamma.Length;
        CheckChannels(channels, beta, runningMean, runningVar, eps);
        if (scale.Length != channels)
            throw new ArgumentException($"The scale has {scale.Length} values; expected {channels}.", nameof(scale));
        if (shift.Length != channels)
            throw new ArgumentException($"The shift has {shift.Length} values; expected {channels}.", nameof(shift));

        for (int c = 0; c < channels; c++)
        {
            double s = Scale(gamma[c], runningVar[c], eps, c);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - runningMean[c] * s);
        }
    }

    private static void CheckChannels(int channels, ReadOnlySpan<float> beta, ReadOnlySpan<float> mean, ReadOnlySpan<float> variance, double eps)
    {
        if (channels == 0) throw new ArgumentException("Batch norm needs at least one channel.", "gamma");
        if (beta.Length != channels) throw new ArgumentException($"beta has {beta.Length} values; expected {channels}.", nameof(beta));
        if (mean.Length != channels) throw new ArgumentException($"runningMean has {mean.Length} values; expected {channels}.", "runningMean");
        if (variance.Length != channels) throw new ArgumentException($"runningVar has {variance.Length} values; expected {channels}.", "runningVar");
        if (!(eps >= 0) || double.IsInfinity(eps)) throw new ArgumentException($"eps must be finite and non-negative, not {eps}.", nameof(eps));
    }

    private static double Scale(float gamma, float variance, double eps, int channel)
    {
        double denominator = variance + eps;
        if (!(denominator > 0) || double.IsInfinity(denominator))
            throw new ArgumentException($"Batch norm channel {channel}: running variance {variance} + eps {eps} is not positive and finite.", "runningVar");
        return gamma / Math.Sqrt(denominator);
    }
}
