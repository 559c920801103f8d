namespace VisionGen;

/// <summary>
/// torchvision's <c>ssd300_vgg16</c> as one declaration: the <c>SSDFeatureExtractorVGG</c> backbone (vgg16's features up
/// to conv4_3 with the pool after conv3_3 in ceil mode, the L2 norm with learned per-channel <c>scale_weight</c> on
/// conv4_3, pool5 3×3 stride 1, fc6 as a dilated 3×3 conv, fc7, four extra blocks), <c>SSDHead</c> (one 3×3 conv per
/// feature map for classification and one for regression), <c>DefaultBoxGenerator</c> (aspect ratios [2], [2, 3], [2, 3],
/// [2, 3], [2], [2]; scales 0.07 … 1.05; steps 8, 16, 32, 64, 100, 300; clip) and <c>SSD.postprocess_detections</c>.
/// Weights are the model's <c>state_dict</c> names (<c>backbone.*</c>, <c>head.*</c>).
/// </summary>
/// <remarks>
/// <c>Detect</c> takes the tensor torchvision's transform would produce: the image resized to the model's
/// <c>[VisionModel]</c> size (300×300 for the released weights) and normalized with mean (0.48235, 0.45882, 0.40784) and
/// std 1/255. Other sizes work as in torchvision, whose default boxes then follow the same steps.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class Ssd300Vgg16Attribute : Attribute
{
    /// <summary>Number of classes (torchvision counts the background class 0 in it; COCO: 91).</summary>
    public int Classes { get; set; } = 91;
    /// <summary>Candidates need a softmax score strictly above this (torchvision's <c>score_thresh</c>).</summary>
    public float ScoreThreshold { get; set; } = 0.01f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box (<c>nms_thresh</c>).</summary>
    public float NmsThreshold { get; set; } = 0.45f;
    /// <summary>Maximum detections returned (<c>detections_per_img</c>).</summary>
    public int DetectionsPerImage { get; set; } = 200;
    /// <summary>Candidates kept per class before NMS (<c>topk_candidates</c>).</summary>
    public int TopKCandidates { get; set; } = 400;
}

/// <summary>
/// torchvision's <c>ssdlite320_mobilenet_v3_large</c> as one declaration: MobileNetV3-Large split at its last stride-2
/// block's expansion conv (<c>SSDLiteFeatureExtractorMobileNet</c>), four extra blocks (1×1, depthwise 3×3 stride 2, 1×1,
/// each with batch norm eps 0.001 and ReLU6) to 512, 256, 256 and 128 channels, <c>SSDLiteHead</c> (per feature map a
/// depthwise 3×3 + BN + ReLU6 and a pointwise conv, for classification and for regression), <c>DefaultBoxGenerator</c>
/// (aspect ratios [2, 3] on six maps, min_ratio 0.2, max_ratio 0.95, steps from the feature-map sizes, clip) and
/// <c>SSD.postprocess_detections</c>. Weights are the model's <c>state_dict</c> names.
/// </summary>
/// <remarks>
/// <c>Detect</c> takes the tensor torchvision's transform would produce: the image resized to the model's
/// <c>[VisionModel]</c> size (320×320 for the released weights) and normalized with mean 0.5 and std 0.5.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SsdLite320MobileNetV3LargeAttribute : Attribute
{
    /// <summary>Number of classes (torchvision counts the background class 0 in it; COCO: 91).</summary>
    public int Classes { get; set; } = 91;
    /// <summary>
    /// MobileNetV3's <c>reduced_tail</c> (the blocks after C4 at half width). torchvision's builder sets it when no
    /// ImageNet backbone is loaded — so for the released COCO weights — hence true here; false for a model trained from
    /// <c>weights_backbone=IMAGENET1K_V1</c>.
    /// </summary>
    public bool ReducedTail { get; set; } = true;
    /// <summary>Candidates need a softmax score strictly above this (<c>score_thresh</c>; the builder's 0.001).</summary>
    public float ScoreThreshold { get; set; } = 0.001f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box (<c>nms_thresh</c>; the builder's 0.55).</summary>
    public float NmsThreshold { get; set; } = 0.55f;
    /// <summary>Maximum detections returned (<c>detections_per_img</c>; the builder's 300).</summary>
    public int DetectionsPerImage { get; set; } = 300;
    /// <summary>Candidates kept per class before NMS (<c>topk_candidates</c>; the builder's 300).</summary>
    public int TopKCandidates { get; set; } = 300;
}
