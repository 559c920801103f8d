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
}

/// <summary>A torchvision ResNet backbone (<c>conv1</c> … <c>layer4</c>), weight names as torchvision's <c>resnetNN</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ResNetAttribute : Attribute
{
    /// <summary>18, 34 (BasicBlock) or 50, 101, 152 (Bottleneck).</summary>
    public int Depth { get; set; } = 18;
}

/// <summary>A torchvision MobileNetV2 backbone (<c>features.0</c> … <c>features.18</c>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MobileNetV2Attribute : Attribute
{
    /// <summary>Channel width multiplier; channels are rounded as torchvision's <c>_make_divisible(c * width, 8)</c>.</summary>
    public float WidthMultiplier { get; set; } = 1.0f;
}

/// <summary>
/// Global average pool + flatten + fully connected layer. Binds to <c>fc</c> after a ResNet,
/// <c>classifier.1</c> after a MobileNetV2, and <c>fc</c> after a custom stack unless
/// <see cref="Prefix"/> says otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ClassifierHeadAttribute : Attribute
{
    /// <summary>Number of classes (outputs of the final linear layer).</summary>
    public int Classes { get; set; } = 1000;

    /// <summary>Weight-name prefix of the linear layer; empty for the backbone's torchvision default.</summary>
    public string Prefix { get; set; } = "";
}
