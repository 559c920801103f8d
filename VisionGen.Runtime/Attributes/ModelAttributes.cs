namespace VisionGen;

/// <summary>
/// Marks a <c>partial class</c> as a vision network whose inference code is generated at build time.
/// The input is NCHW float32: <c>Batch × Channels × Height × Width</c> values. The network is declared by
/// architecture attributes (<c>[ResNet]</c>, <c>[FpnNeck]</c>, …), by layer attributes in source order, or by a
/// <c>static Tensor Forward(Tensor x)</c> method written with <see cref="Nn"/>'s ops.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class VisionModelAttribute : Attribute
{
    /// <summary>Images per <c>Run</c> (default 1): every shape carries it, and the kernels use it for throughput.</summary>
    public int Batch { get; set; } = 1;

    /// <summary>Input channels (3 for RGB).</summary>
    public int Channels { get; set; } = 3;

    /// <summary>Input height in pixels.</summary>
    public int Height { get; set; }

    /// <summary>Input width in pixels.</summary>
    public int Width { get; set; }

    /// <summary>
    /// Fold every batch norm into the convolution before it, at load time (default). When false,
    /// batch norm runs as its own op, so both plans can be compared and snapshot-tested.
    /// </summary>
    public bool FoldBatchNorm { get; set; } = true;

    /// <summary>
    /// How the loaded model keeps its weights: <see cref="VisionGen.WeightMemory.Fast"/> (default) or
    /// <see cref="VisionGen.WeightMemory.Compact"/>, which keeps every weight at about its size in the file at some cost in
    /// speed. The generated <c>LoadedBytes</c> says what a loaded model holds.
    /// </summary>
    public WeightMemory WeightMemory { get; set; } = WeightMemory.Fast;
}

/// <summary>How a generated CPU model keeps its weights in memory (<see cref="VisionModelAttribute.WeightMemory"/>).</summary>
public enum WeightMemory
{
    /// <summary>
    /// The fastest form for this machine: where it runs 3×3 stride-1 convolutions by Winograd F(4×4, 3×3) (processors
    /// with AVX-512), their weights are kept transformed, four times their size (36 values per 3×3 filter instead of 9),
    /// except where every output they make is 8×8 or smaller (a GEMM over the output pixels is faster there).
    /// A 224×224 ResNet-18 then holds about 1.8× its float32 weight file; elsewhere every weight is kept at about its own size.
    /// </summary>
    Fast = 0,

    /// <summary>
    /// Every weight kept at about its size in the file (folded and packed for the GEMM kernels, no Winograd-transformed
    /// copy and no Winograd scratch): 3×3 convolutions run as an implicit GEMM. A ResNet-18 holds about 1.2× its float32
    /// weight file, arena included; its 3×3 convolutions run slower on processors where <see cref="Fast"/> uses Winograd.
    /// </summary>
    Compact = 1,
}

/// <summary>
/// A torchvision ResNet backbone (<c>conv1</c> … <c>layer4</c>), weight names as torchvision's <c>resnetNN</c>; with
/// <see cref="Groups"/> and <see cref="WidthPerGroup"/> also ResNeXt (<c>resnext50_32x4d</c>: Depth = 50, Groups = 32,
/// WidthPerGroup = 4; <c>resnext101_32x8d</c>; <c>resnext101_64x4d</c>) and wide ResNet (<c>wide_resnet50_2</c>:
/// Depth = 50, WidthPerGroup = 128; <c>wide_resnet101_2</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResNetAttribute : Attribute
{
    /// <summary>18, 34 (BasicBlock) or 50, 101, 152 (Bottleneck).</summary>
    public int Depth { get; set; } = 18;

    /// <summary>torchvision's <c>groups</c>: groups of each Bottleneck's 3×3 convolution (ResNeXt's cardinality). Depth 18 and 34 support only 1, as torchvision's BasicBlock.</summary>
    public int Groups { get; set; } = 1;

    /// <summary>
    /// torchvision's <c>width_per_group</c> (default 64): each Bottleneck's inner width is int(planes · WidthPerGroup / 64) · Groups.
    /// Depth 18 and 34 support only 64.
    /// </summary>
    public int WidthPerGroup { get; set; } = 64;

    /// <summary>
    /// torchvision's <c>replace_stride_with_dilation</c>: three flags for layer2, layer3 and layer4; a flagged layer keeps
    /// its resolution (stride 1) and dilates its 3×3 convolutions instead (by 2, doubling again with each flagged layer
    /// after it). Bottleneck depths only (50, 101, 152), as torchvision's BasicBlock. Empty means none, except under a
    /// segmentation head (<c>[DeepLabV3Head]</c>, <c>[FcnHead]</c>), where it means [false, true, true], as torchvision's
    /// segmentation builders (output stride 8).
    /// </summary>
    public bool[] ReplaceStrideWithDilation { get; set; } = [];
}

/// <summary>A torchvision MobileNetV2 backbone (<c>features.0</c> … <c>features.18</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MobileNetV2Attribute : Attribute
{
    /// <summary>Channel width multiplier; channels are rounded as torchvision's <c>_make_divisible(c * width, 8)</c>.</summary>
    public float WidthMultiplier { get; set; } = 1.0f;
}

/// <summary>
/// The backbone's torchvision classifier: global average pool, flatten and a fully connected layer bound to
/// <c>fc</c> after a ResNet, GoogLeNet, Inception v3 or custom stack, and to <c>classifier.1</c> after a MobileNetV2 or
/// EfficientNet; after a MobileNetV3 its two layers (<c>classifier.0</c>, hardswish, <c>classifier.3</c>); after a VGG
/// its adaptive 7×7 average pool and three layers (<c>classifier.0</c>, <c>classifier.3</c>, <c>classifier.6</c>, ReLU
/// between them). Dropout is the identity at inference. With <see cref="Prefix"/>, one linear layer at that prefix after
/// the global average pool, whatever the backbone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ClassifierHeadAttribute : Attribute
{
    /// <summary>Number of classes (outputs of the final linear layer).</summary>
    public int Classes { get; set; } = 1000;

    /// <summary>Weight-name prefix of a single linear layer after the global average pool; empty for the backbone's torchvision classifier.</summary>
    public string Prefix { get; set; } = "";
}
