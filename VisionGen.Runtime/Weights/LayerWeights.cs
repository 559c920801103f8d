using VisionGen.Cpu;
using VisionGen.Ops;
using System.ComponentModel;

namespace VisionGen.Weights;

/// <summary>
/// Turns bound state_dict tensors into the arrays a generated model keeps: convolution weights packed for the
/// kernel, batch norm folded into the convolution (or turned into scale/shift), linear weights as they are.
/// Called once per layer from a generated constructor, never on the inference path.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LayerWeights
{
    /// <summary>A convolution without batch norm after it: packed weight and bias (zeros when the layer has none).</summary>
    public static void Convolution(WeightSet weights, in Conv2dShape shape, string prefix, bool hasBias, out float[] packedWeight, out float[] bias)
    {
        ConvolutionUnpacked(weights, shape.OutChannels, prefix, hasBias, batchNormPrefix: null, eps: 0, out float[] weight, out bias);
        packedWeight = Pack(in shape, weight);
    }

    /// <summary>
    /// A convolution with the following batch norm folded in (in double precision):
    /// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β.
    /// </summary>
    public static void ConvolutionWithBatchNorm(WeightSet weights, in Conv2dShape shape, string prefix, bool hasBias, string batchNormPrefix, double eps,
        out float[] packedWeight, out float[] bias)
    {
        ConvolutionUnpacked(weights, shape.OutChannels, prefix, hasBias, batchNormPrefix, eps, out float[] weight, out bias);
        packedWeight = Pack(in shape, weight);
    }

    /// <summary>
    /// A convolution's weight and bias in PyTorch's own layout [out, in/groups, kh, kw], with the following batch norm
    /// folded in when <paramref name="batchNormPrefix"/> is given — for back ends (the GPU) that do their own packing.
    /// </summary>
    public static void ConvolutionUnpacked(WeightSet weights, int outChannels, string prefix, bool hasBias, string? batchNormPrefix, double eps,
        out float[] weight, out float[] bias)
    {
        float[] raw = weights[prefix + WeightNames.Weight];
        if (batchNormPrefix is null)
        {
            weight = raw;
            bias = hasBias ? weights[prefix + WeightNames.Bias] : new float[outChannels];
            return;
        }
        weight = new float[raw.Length];
        bias = new float[outChannels];
        BatchNormFolding.FoldIntoConvolution(raw, hasBias ? weights[prefix + WeightNames.Bias] : default,
            weights[batchNormPrefix + WeightNames.Weight], weights[batchNormPrefix + WeightNames.Bias],
            weights[batchNormPrefix + WeightNames.RunningMean], weights[batchNormPrefix + WeightNames.RunningVar], eps, weight, bias);
    }

    /// <summary>An inference batch norm kept as its own op: y = x·scale + shift per channel.</summary>
    public static void BatchNorm(WeightSet weights, string prefix, double eps, out float[] scale, out float[] shift)
    {
        float[] gamma = weights[prefix + WeightNames.Weight];
        scale = new float[gamma.Length];
        shift = new float[gamma.Length];
        BatchNormFolding.ScaleAndShift(gamma, weights[prefix + WeightNames.Bias], weights[prefix + WeightNames.RunningMean], weights[prefix + WeightNames.RunningVar], eps, scale, shift);
    }

    /// <summary>A linear layer: weight [out, in] as stored, bias (zeros when the layer has none).</summary>
    public static void Linear(WeightSet weights, string prefix, int outFeatures, bool hasBias, out float[] weight, out float[] bias)
    {
        weight = weights[prefix + WeightNames.Weight];
        bias = hasBias ? weights[prefix + WeightNames.Bias] : new float[outFeatures];
    }

    /// <summary>A transposed convolution: weight [in, out/groups, kh, kw] packed for the kernel, bias (zeros when the layer has none).</summary>
    public static void TransposedConvolution(WeightSet weights, in ConvTranspose2dShape shape, string prefix, bool hasBias, out float[] packedWeight, out float[] bias)
    {
        float[] raw = weights[prefix + WeightNames.Weight];
        bias = hasBias ? weights[prefix + WeightNames.Bias] : new float[shape.OutChannels];
        packedWeight = new float[ConvTranspose2d.PackedWeightLength(in shape)];
        ConvTranspose2d.PackWeights(in shape, raw, packedWeight);
    }

    private static float[] Pack(in Conv2dShape shape, float[] torchLayout)
    {
        var packed = new float[Conv2d.PackedWeightLength(in shape)];
        Conv2d.PackWeights(in shape, torchLayout, packed);
        return packed;
    }
}
