using System.Globalization;
using VisionGen.Cpu;
using VisionGen.Ops;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using VisionGen.Models;

namespace VisionGen.Weights;

/// <summary>
/// Turns bound state_dict tensors into the arrays a generated model keeps: convolution weights packed for the
/// kernel, batch norm folded into the convolution (or turned into scale/shift), linear weights as they are.
/// Called once per layer from a generated constructor, never on the inference path. A convolution weight is read into
/// the weight set's one scratch buffer, folded there in place and packed straight into the array the model keeps, so
/// the only arrays allocated are the ones the model keeps. Weights that make a batch norm unusable (a negative
/// variance, a fold that overflows float32) are a <see cref="WeightLoadException"/> naming the tensor and the channel.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerWeights
{
    /// <summary>A convolution without batch norm after it: packed weight and bias (zeros when the layer has none).</summary>
    public static void Convolution(WeightSet weights, in Conv2dShape shape, string prefix, bool hasBias, out float[] packedWeight, out float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        bias = hasBias ? weights.Take(prefix + WeightNames.Bias) : new float[shape.OutChannels];
        packedWeight = Pack(in shape, weights.Borrow(prefix + WeightNames.Weight));
    }

    /// <summary>
    /// A convolution with the following batch norm folded in (in double precision):
    /// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β.
    /// </summary>
    public static void ConvolutionWithBatchNorm(WeightSet weights, in Conv2dShape shape, string prefix, bool hasBias, string batchNormPrefix, double eps,
        out float[] packedWeight, out float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(batchNormPrefix);
        BatchNormInputs bn = ReadBatchNorm(weights, batchNormPrefix, hasBias ? prefix + WeightNames.Bias : null);
        Span<float> weight = weights.Borrow(prefix + WeightNames.Weight);
        bias = new float[shape.OutChannels];
        Fold(weights, bn, prefix, eps, weight, bias);
        packedWeight = Pack(in shape, weight);
    }

    /// <summary>
    /// A convolution's weight and bias in PyTorch's own layout [out, in/groups, kh, kw], with the following batch norm
    /// folded in when <paramref name="batchNormPrefix"/> is given — for back ends (the GPU) that do their own packing.
    /// </summary>
    public static void ConvolutionUnpacked(WeightSet weights, int outChannels, string prefix, bool hasBias, string? batchNormPrefix, double eps,
        out float[] weight, out float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (batchNormPrefix is null)
        {
            weight = weights.Take(prefix + WeightNames.Weight);
            bias = hasBias ? weights.Take(prefix + WeightNames.Bias) : new float[outChannels];
            return;
        }
        BatchNormInputs bn = ReadBatchNorm(weights, batchNormPrefix, hasBias ? prefix + WeightNames.Bias : null);
        weight = weights.Take(prefix + WeightNames.Weight);
        if (weights.IsShared) weight = (float[])weight.Clone(); // Bind's arrays are the set's own: fold a copy
        bias = new float[outChannels];
        Fold(weights, bn, prefix, eps, weight, bias);
    }

    /// <summary>An inference batch norm kept as its own op: y = x·scale + shift per channel.</summary>
    public static void BatchNorm(WeightSet weights, string prefix, double eps, out float[] scale, out float[] shift)
    {
        ArgumentNullException.ThrowIfNull(weights);
        BatchNormInputs bn = ReadBatchNorm(weights, prefix, convBias: null);
        scale = new float[bn.Gamma.Length];
        shift = new float[bn.Gamma.Length];
        if (!Usable(weights, bn, eps, "applied")) return;
        BatchNormFolding.ScaleAndShift(bn.Gamma, bn.Beta, bn.Mean, bn.Variance, eps, scale, shift);
        int bad = FirstNonFiniteChannel(scale, shift, 1, out int count);
        if (bad >= 0)
            weights.Problem(string.Create(CultureInfo.InvariantCulture, $"batch norm '{prefix}' overflows float32 at index {bad}{More(count)}: {Formula(bn, bad, eps)}"));
    }

    /// <summary>
    /// A linear layer: weight [out, in] as stored, copied into a model array (<see cref="ModelArrays.ForPacking"/>: on 2 MB
    /// pages when large, as the packed convolution weights are — ResNet-50's 8 MB classifier in the network, read from
    /// memory once per call, went 0.55 → 0.36 ms, -- profile resnet50 20, 4 alternated processes), bias (zeros when the
    /// layer has none).
    /// </summary>
    public static void Linear(WeightSet weights, string prefix, int outFeatures, bool hasBias, out float[] weight, out float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ReadOnlySpan<float> raw = weights.Borrow(prefix + WeightNames.Weight);
        weight = ModelArrays.ForPacking(raw.Length);
        raw.CopyTo(weight);
        bias = hasBias ? weights.Take(prefix + WeightNames.Bias) : new float[outFeatures];
    }

    /// <summary>A transposed convolution: weight [in, out/groups, kh, kw] packed for the kernel, bias (zeros when the layer has none).</summary>
    public static void TransposedConvolution(WeightSet weights, in ConvTranspose2dShape shape, string prefix, bool hasBias, out float[] packedWeight, out float[] bias)
    {
        ArgumentNullException.ThrowIfNull(weights);
        bias = hasBias ? weights.Take(prefix + WeightNames.Bias) : new float[shape.OutChannels];
        ReadOnlySpan<float> raw = weights.Borrow(prefix + WeightNames.Weight);
        packedWeight = new float[ConvTranspose2d.PackedWeightLength(in shape)];
        ConvTranspose2d.PackWeights(in shape, raw, packedWeight);
    }

    /// <summary>
    /// BiFPN fusion weights (<c>{prefix}.weight</c>, one per input), normalized once here as
    /// <see cref="WeightedSum.Normalize"/> does: relu(w) / (Σ relu(w) + 1e-4).
    /// </summary>
    public static float[] FusionWeights(WeightSet weights, string prefix)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ReadOnlySpan<float> raw = weights.Borrow(prefix + WeightNames.Weight);
        var normalized = new float[raw.Length];
        WeightedSum.Normalize(raw, normalized);
        return normalized;
    }

    private static float[] Pack(in Conv2dShape shape, ReadOnlySpan<float> torchLayout)
    {
        var packed = ModelArrays.ForPacking(Conv2d.PackedWeightLength(in shape)); // PackWeights writes every float
        Conv2d.PackWeights(in shape, torchLayout, packed);
        return packed;
    }

    /// <summary>A batch norm's four tensors (and the bias of the convolution it folds into), with their names for messages.</summary>
    private readonly record struct BatchNormInputs(string Prefix, float[] Gamma, float[] Beta, float[] Mean, float[] Variance, float[]? ConvBias);

    private static BatchNormInputs ReadBatchNorm(WeightSet weights, string prefix, string? convBias) => new(
        prefix,
        weights.Take(prefix + WeightNames.Weight),
        weights.Take(prefix + WeightNames.Bias),
        weights.Take(prefix + WeightNames.RunningMean),
        weights.Take(prefix + WeightNames.RunningVar),
        convBias is null ? null : weights.Take(convBias));

    /// <summary>Folds <paramref name="bn"/> into <paramref name="weight"/> in place and writes the folded bias; reports what makes that impossible.</summary>
    private static void Fold(WeightSet weights, BatchNormInputs bn, string convPrefix, double eps, Span<float> weight, Span<float> bias)
    {
        if (!Usable(weights, bn, eps, $"folded into '{convPrefix}'")) return;
        bool finiteBefore = InputValidation.AllFinite(weight) && (bn.ConvBias is null || InputValidation.AllFinite(bn.ConvBias));
        BatchNormFolding.FoldIntoConvolution(weight, bn.ConvBias, bn.Gamma, bn.Beta, bn.Mean, bn.Variance, eps, weight, bias);
        if (!finiteBefore) return; // a NaN/∞ input is reported as such
        int bad = FirstNonFiniteChannel(weight, bias, weight.Length / bias.Length, out int count);
        if (bad >= 0)
            weights.Problem(string.Create(CultureInfo.InvariantCulture, $"folding batch norm '{bn.Prefix}' into '{convPrefix}' overflows float32 at index {bad}{More(count)}: {Formula(bn, bad, eps)}"));
    }

    /// <summary>
    /// True when every channel has running_var + eps &gt; 0 (and finite). Non-finite inputs are left to the NaN/∞ check
    /// of the loader, which names them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: a loop per channel
    private static bool Usable(WeightSet weights, BatchNormInputs bn, double eps, string use)
    {
        int first = -1, count = 0;
        for (int c = 0; c < bn.Variance.Length; c++)
        {
            if (!float.IsFinite(bn.Gamma[c]) || !float.IsFinite(bn.Beta[c]) || !float.IsFinite(bn.Mean[c]) || !float.IsFinite(bn.Variance[c]))
                return false;
            double denominator = bn.Variance[c] + eps;
            if (denominator > 0 && double.IsFinite(denominator)) continue;
            if (count++ == 0) first = c;
        }
        if (count == 0) return true;
        weights.Problem(string.Create(CultureInfo.InvariantCulture, $"tensor '{bn.Prefix}{WeightNames.RunningVar}' is {bn.Variance[first]} at index {first}{More(count)}: ") +
                        string.Create(CultureInfo.InvariantCulture, $"batch norm needs running_var + eps > 0 (eps {eps}), so '{bn.Prefix}' cannot be {use}"));
        return false;
    }

    /// <summary>The first channel whose <paramref name="perChannel"/> values or bias are not finite, and how many are not.</summary>
    private static int FirstNonFiniteChannel(ReadOnlySpan<float> values, ReadOnlySpan<float> bias, int perChannel, out int count)
    {
        count = 0;
        if (InputValidation.AllFinite(values) && InputValidation.AllFinite(bias)) return -1;
        int first = -1;
        for (int c = 0; c < bias.Length; c++)
        {
            if (float.IsFinite(bias[c]) && InputValidation.AllFinite(values.Slice(c * perChannel, perChannel))) continue;
            if (count++ == 0) first = c;
        }
        return first;
    }

    private static string Formula(BatchNormInputs bn, int c, double eps) => string.Create(CultureInfo.InvariantCulture,
        $"'{bn.Prefix}{WeightNames.Weight}' {bn.Gamma[c]} / √('{bn.Prefix}{WeightNames.RunningVar}' {bn.Variance[c]} + eps {eps}) = {bn.Gamma[c] / Math.Sqrt(bn.Variance[c] + eps):G6}");

    private static string More(int count) => count > 1 ? $" (and {count - 1} more channel{(count > 2 ? "s" : "")})" : "";
}
