namespace VisionGen;

// Custom sequential stacks: layers are declared in source order on the model class, each
// weight-bearing layer naming the state_dict prefix it binds to (as nn.Sequential would number them:
// "0", "1", ... or "features.0", ...).

/// <summary><c>nn.Conv2d</c>: weight <c>{prefix}.weight</c> [out, in/groups, k, k], bias <c>{prefix}.bias</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv2dAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix, e.g. <c>"features.0"</c>.</param>
    /// <param name="outChannels">output channels.</param>
    /// <param name="kernelSize">square kernel size.</param>
    public Conv2dAttribute(string prefix, int outChannels, int kernelSize)
    {
        Prefix = prefix;
        OutChannels = outChannels;
        KernelSize = kernelSize;
    }

    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Output channels.</summary>
    public int OutChannels { get; }
    /// <summary>Input channels as written in PyTorch; 0 (default) takes them from the previous layer. When set, a mismatch is a compile-time error.</summary>
    public int InChannels { get; set; }
    /// <summary>Square kernel size.</summary>
    public int KernelSize { get; }
    /// <summary>Stride (both axes).</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Zero padding (both axes).</summary>
    public int Padding { get; set; }
    /// <summary>Dilation (both axes).</summary>
    public int Dilation { get; set; } = 1;
    /// <summary>Groups; input and output channels must both divide by it.</summary>
    public int Groups { get; set; } = 1;
    /// <summary>Whether the layer has a bias tensor.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary><c>nn.BatchNorm2d</c> in eval mode: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BatchNorm2dAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix, e.g. <c>"features.1"</c>.</param>
    public BatchNorm2dAttribute(string prefix) => Prefix = prefix;
    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Epsilon added to the variance (torch default 1e-5).</summary>
    public float Eps { get; set; } = 1e-5f;
}

/// <summary><c>nn.ReLU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLUAttribute : Attribute { }

/// <summary><c>nn.ReLU6</c>: min(max(x, 0), 6).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ReLU6Attribute : Attribute { }

/// <summary><c>nn.MaxPool2d</c> (floor mode; padding counts as -infinity).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MaxPool2dAttribute : Attribute
{
    /// <param name="kernelSize">square window size.</param>
    public MaxPool2dAttribute(int kernelSize) => KernelSize = kernelSize;
    /// <summary>Square window size.</summary>
    public int KernelSize { get; }
    /// <summary>Stride; 0 means the kernel size (torch default).</summary>
    public int Stride { get; set; }
    /// <summary>Padding (both axes).</summary>
    public int Padding { get; set; }
}

/// <summary><c>nn.AvgPool2d</c> (floor mode, <c>count_include_pad=True</c> as torch's default).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AvgPool2dAttribute : Attribute
{
    /// <param name="kernelSize">square window size.</param>
    public AvgPool2dAttribute(int kernelSize) => KernelSize = kernelSize;
    /// <summary>Square window size.</summary>
    public int KernelSize { get; }
    /// <summary>Stride; 0 means the kernel size (torch default).</summary>
    public int Stride { get; set; }
    /// <summary>Padding (both axes).</summary>
    public int Padding { get; set; }
}

/// <summary><c>nn.AdaptiveAvgPool2d(1)</c>: C×H×W → C×1×1.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GlobalAvgPoolAttribute : Attribute { }

/// <summary><c>nn.Flatten</c>: C×H×W → C·H·W features (a view; no data moves).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute { }

/// <summary><c>nn.Linear</c>: weight [out, in], bias [out]. Its input must be flat (after <c>[Flatten]</c> or a global pool).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LinearAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix, e.g. <c>"classifier"</c>.</param>
    /// <param name="outFeatures">output features.</param>
    public LinearAttribute(string prefix, int outFeatures)
    {
        Prefix = prefix;
        OutFeatures = outFeatures;
    }
    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Output features.</summary>
    public int OutFeatures { get; }
    /// <summary>Input features as written in PyTorch; 0 (default) takes them from the previous layer. When set, a mismatch is a compile-time error.</summary>
    public int InFeatures { get; set; }
    /// <summary>Whether the layer has a bias tensor.</summary>
    public bool Bias { get; set; } = true;
}

/// <summary><c>nn.GroupNorm(groups, C)</c>: weight and bias [C] when affine (torch's default).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GroupNormAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix.</param>
    /// <param name="groups">number of groups; must divide the channels.</param>
    public GroupNormAttribute(string prefix, int groups)
    {
        Prefix = prefix;
        Groups = groups;
    }
    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Number of groups.</summary>
    public int Groups { get; }
    /// <summary>Epsilon added to the variance.</summary>
    public float Eps { get; set; } = 1e-5f;
    /// <summary>Whether the layer has weight and bias (torch <c>affine=True</c>, the default).</summary>
    public bool Affine { get; set; } = true;
}

/// <summary><c>nn.InstanceNorm2d(C)</c> without running statistics: weight and bias [C] only when <see cref="Affine"/> (torch's default is false).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InstanceNorm2dAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix.</param>
    public InstanceNorm2dAttribute(string prefix) => Prefix = prefix;
    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Epsilon added to the variance.</summary>
    public float Eps { get; set; } = 1e-5f;
    /// <summary>Whether the layer has weight and bias (torch <c>affine</c>, default false).</summary>
    public bool Affine { get; set; }
}

/// <summary><c>nn.LayerNorm([C, H, W])</c> over the whole C×H×W tensor (or the features of a flat one): weight and bias of that shape when elementwise-affine.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LayerNormAttribute : Attribute
{
    /// <param name="prefix">state_dict prefix.</param>
    public LayerNormAttribute(string prefix) => Prefix = prefix;
    /// <summary>state_dict prefix of this layer.</summary>
    public string Prefix { get; }
    /// <summary>Epsilon added to the variance.</summary>
    public float Eps { get; set; } = 1e-5f;
    /// <summary>Whether the layer has weight and bias (torch <c>elementwise_affine</c>, default true).</summary>
    public bool ElementwiseAffine { get; set; } = true;
}
