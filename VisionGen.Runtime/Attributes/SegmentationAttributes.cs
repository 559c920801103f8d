namespace VisionGen;

/// <summary>
/// torchvision's DeepLabV3 head (<c>DeepLabHead</c>, weights under <c>classifier</c>): ASPP with a 1×1 branch, three 3×3
/// branches dilated 12, 24 and 36, and an image-pooling branch (global average pool, 1×1 conv, bilinear upsampling),
/// concatenated and projected to 256 channels (dropout is the identity at inference), then a 3×3 conv, batch norm, ReLU
/// and a 1×1 conv to <see cref="Classes"/> logits, upsampled bilinearly (align_corners=False) to the input size. With
/// <c>[ResNet(Depth = 50)]</c> it is <c>deeplabv3_resnet50</c> (101: <c>deeplabv3_resnet101</c>), with
/// <c>[MobileNetV3]</c> <c>deeplabv3_mobilenet_v3_large</c>: the backbone's weights then live under <c>backbone</c> and
/// its last stages are dilated as torchvision's builders make them, unless declared otherwise. The output is the model's
/// <c>"out"</c>; the auxiliary classifier (<c>aux_classifier</c>, training only) may be in the weight file and is not read.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DeepLabV3HeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision's <c>num_classes</c>, 21 for its VOC weights), at most 256 for <c>Segment</c>'s byte labels.</summary>
    public int Classes { get; set; } = 21;
}

/// <summary>
/// torchvision's FCN head (<c>FCNHead</c>, weights under <c>classifier</c>): a 3×3 conv to a quarter of the backbone's
/// channels, batch norm, ReLU (dropout is the identity at inference) and a 1×1 conv to <see cref="Classes"/> logits,
/// upsampled bilinearly (align_corners=False) to the input size. With <c>[ResNet(Depth = 50)]</c> it is
/// <c>fcn_resnet50</c> (101: <c>fcn_resnet101</c>): the backbone's weights then live under <c>backbone</c>, layer3 and
/// layer4 dilated unless declared otherwise. The auxiliary classifier (<c>aux_classifier</c>) may be in the weight file
/// and is not read.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FcnHeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision's <c>num_classes</c>), at most 256 for <c>Segment</c>'s byte labels.</summary>
    public int Classes { get; set; } = 21;
}

/// <summary>
/// torchvision's Lite R-ASPP head (<c>LRASPPHead</c>, weights under <c>classifier</c>) on <c>[MobileNetV3]</c>, as
/// <c>lraspp_mobilenet_v3_large</c>: the last stage (stride 16) through <c>cbr</c> (1×1 conv, batch norm, ReLU) times the
/// <c>scale</c> branch (global average pool, 1×1 conv, sigmoid), upsampled bilinearly to the stride-8 stage, through
/// <c>high_classifier</c>, plus <c>low_classifier</c> on the stride-8 stage; then upsampled bilinearly (align_corners=False)
/// to the input size. The backbone's weights live under <c>backbone</c>, its last stage dilated unless declared otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LrasppHeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision's <c>num_classes</c>), at most 256 for <c>Segment</c>'s byte labels.</summary>
    public int Classes { get; set; } = 21;

    /// <summary>torchvision's <c>inter_channels</c> (128): the width of <c>cbr</c> and <c>scale</c>.</summary>
    public int InterChannels { get; set; } = 128;
}
