namespace VisionGen;

/// <summary>
/// A torchvision VGG (<c>vgg11</c> … <c>vgg19</c>, <c>vgg11_bn</c> … <c>vgg19_bn</c>): <c>features.0</c> … with
/// torchvision's indices (every conv, batch norm, ReLU and max pool counts). Alone it is the feature extractor (the
/// last max pool's output, stride 32); with <c>[ClassifierHead]</c> it is the whole torchvision model (adaptive 7×7
/// average pool, <c>classifier.0</c>, <c>classifier.3</c>, <c>classifier.6</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class VGGAttribute : Attribute
{
    /// <summary>Weight layers: 11, 13, 16 or 19 (torchvision's configurations A, B, D, E).</summary>
    public int Depth { get; set; } = 16;

    /// <summary>A batch norm after every convolution, as the <c>_bn</c> builders (eps 1e-5).</summary>
    public bool BatchNorm { get; set; }
}

/// <summary>The two MobileNetV3 sizes torchvision builds.</summary>
public enum MobileNetV3Size
{
    /// <summary><c>mobilenet_v3_large</c>: 15 blocks, 960 final channels, classifier hidden width 1280.</summary>
    Large = 0,

    /// <summary><c>mobilenet_v3_small</c>: 11 blocks, 576 final channels, classifier hidden width 1024.</summary>
    Small = 1,
}

/// <summary>
/// A torchvision MobileNetV3 (<c>mobilenet_v3_large</c>, <c>mobilenet_v3_small</c>; <c>features.0</c> …): hardswish,
/// squeeze-excitation with hardsigmoid, batch norm eps 0.001. Alone it is the feature extractor (the last 1×1 conv's
/// output); with <c>[ClassifierHead]</c> it is the whole torchvision model (<c>classifier.0</c>, hardswish,
/// <c>classifier.3</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MobileNetV3Attribute : Attribute
{
    /// <summary>Large (default) or Small.</summary>
    public MobileNetV3Size Size { get; set; } = MobileNetV3Size.Large;

    /// <summary>torchvision's <c>width_mult</c>: every channel count c becomes <c>_make_divisible(c · WidthMultiplier, 8)</c>, the classifier's hidden width too.</summary>
    public float WidthMultiplier { get; set; } = 1.0f;

    /// <summary>torchvision's <c>reduced_tail</c>: the last stage's channels halved (the detection and segmentation backbones).</summary>
    public bool ReducedTail { get; set; }

    /// <summary>torchvision's <c>dilated</c>: the last stage's depthwise convolutions dilated by 2 instead of striding (output stride 16).</summary>
    public bool Dilated { get; set; }
}

/// <summary>EfficientNet (v1) variants, torchvision's <c>efficientnet_b0</c> … <c>efficientnet_b7</c>.</summary>
public enum EfficientNetVariant
{
    /// <summary>width 1.0, depth 1.0.</summary>
    B0 = 0,

    /// <summary>width 1.0, depth 1.1.</summary>
    B1 = 1,

    /// <summary>width 1.1, depth 1.2.</summary>
    B2 = 2,

    /// <summary>width 1.2, depth 1.4.</summary>
    B3 = 3,

    /// <summary>width 1.4, depth 1.8.</summary>
    B4 = 4,

    /// <summary>width 1.6, depth 2.2 (batch norm eps 0.001).</summary>
    B5 = 5,

    /// <summary>width 1.8, depth 2.6 (batch norm eps 0.001).</summary>
    B6 = 6,

    /// <summary>width 2.0, depth 3.1 (batch norm eps 0.001).</summary>
    B7 = 7,
}

/// <summary>
/// A torchvision EfficientNet (<c>efficientnet_b0</c> … <c>efficientnet_b7</c>; <c>features.0</c> …): MBConv blocks
/// with SiLU and squeeze-excitation, stochastic depth the identity at inference. Alone it is the feature extractor (the
/// last 1×1 conv's output); with <c>[ClassifierHead]</c> it is the whole torchvision model (<c>classifier.1</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EfficientNetAttribute : Attribute
{
    /// <summary>B0 (default) … B7.</summary>
    public EfficientNetVariant Variant { get; set; } = EfficientNetVariant.B0;
}

/// <summary>EfficientNetV2 sizes, torchvision's <c>efficientnet_v2_s</c>, <c>_m</c>, <c>_l</c>.</summary>
public enum EfficientNetV2Size
{
    /// <summary><c>efficientnet_v2_s</c>.</summary>
    S = 0,

    /// <summary><c>efficientnet_v2_m</c>.</summary>
    M = 1,

    /// <summary><c>efficientnet_v2_l</c>.</summary>
    L = 2,
}

/// <summary>
/// A torchvision EfficientNetV2 (<c>efficientnet_v2_s</c>, <c>_m</c>, <c>_l</c>; <c>features.0</c> …): fused MBConv
/// blocks in the first stages, MBConv after, SiLU, batch norm eps 0.001. Alone it is the feature extractor (1280
/// channels); with <c>[ClassifierHead]</c> it is the whole torchvision model (<c>classifier.1</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EfficientNetV2Attribute : Attribute
{
    /// <summary>S (default), M or L.</summary>
    public EfficientNetV2Size Size { get; set; } = EfficientNetV2Size.S;
}

/// <summary>
/// torchvision's GoogLeNet (<c>googlenet</c>; <c>conv1</c> … <c>inception5b</c>): inception blocks of four branches
/// joined by concatenation, ceil-mode max pools. The auxiliary classifiers <c>aux1</c> and <c>aux2</c> run only in
/// training: their tensors may be in the weight file and are never read. Alone it is the feature extractor
/// (inception5b, 1024 channels); with <c>[ClassifierHead]</c> it is the whole torchvision model (<c>fc</c>). The
/// smallest input is 15×15.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GoogLeNetAttribute : Attribute
{
    /// <summary>
    /// torchvision's <c>transform_input</c>: re-normalize the input, channel c becoming x·(std[c] / 0.5) + (mean[c] − 0.5) / 0.5
    /// with ImageNet's mean and std. False by default, as <c>GoogLeNet()</c> and <c>googlenet()</c>; torchvision turns it
    /// on when it loads its ImageNet weights (<c>googlenet(weights=...)</c>), so declare it true for those weights.
    /// </summary>
    public bool TransformInput { get; set; }
}

/// <summary>
/// torchvision's Inception v3 (<c>inception_v3</c>, class <c>Inception3</c>; <c>Conv2d_1a_3x3</c> … <c>Mixed_7c</c>):
/// multi-branch blocks joined by concatenation, 1×7/7×1 and 1×3/3×1 convolutions. <c>AuxLogits</c> runs only in
/// training: its tensors may be in the weight file and are never read. Alone it is the feature extractor (Mixed_7c,
/// 2048 channels); with <c>[ClassifierHead]</c> it is the whole torchvision model (<c>fc</c>). The smallest input is
/// 75×75 (torchvision's too); it is trained at 299×299.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class InceptionV3Attribute : Attribute
{
    /// <summary>
    /// torchvision's <c>transform_input</c>, as <see cref="GoogLeNetAttribute.TransformInput"/>: false by default, as
    /// <c>Inception3()</c> and <c>inception_v3()</c>; torchvision turns it on with its ImageNet weights.
    /// </summary>
    public bool TransformInput { get; set; }
}
