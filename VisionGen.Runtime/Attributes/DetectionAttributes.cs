namespace VisionGen;

/// <summary>
/// torchvision <c>FeaturePyramidNetwork</c> over backbone stages, weights under <c>backbone.fpn</c>
/// (<c>inner_blocks.i.0</c> lateral 1×1, <c>layer_blocks.i.0</c> 3×3 outputs, <c>extra_blocks.p6/p7</c>).
/// The backbone's own weights then live under <c>backbone.body</c>, as in torchvision's detection models.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FpnNeckAttribute : Attribute
{
    /// <summary>Channels of every pyramid level.</summary>
    public int OutChannels { get; set; } = 256;

    /// <summary>Extra levels after the last FPN output.</summary>
    public FpnExtra ExtraBlocks { get; set; } = FpnExtra.Default;

    /// <summary>
    /// Backbone stages that feed the neck, as torchvision's <c>returned_layers</c>: ResNet 1–4 (<c>layer1</c>…<c>layer4</c>;
    /// default 2, 3, 4 under a detection head, else 1–4); MobileNetV2 stage indices 0–5 into features 0, 2, 4, 7, 14, 18
    /// (default 4, 5). Empty means the default.
    /// </summary>
    public int[] Stages { get; set; } = [];
}

/// <summary>
/// torchvision <c>RetinaNetHead</c> (4 conv+ReLU per branch, <c>cls_logits</c>, <c>bbox_reg</c>, weights under <c>head</c>),
/// its <c>AnchorGenerator</c>, <c>BoxCoder</c> and <c>postprocess_detections</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RetinaNetHeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision counts the background class in it).</summary>
    public int Classes { get; set; } = 91;
    /// <summary>Base anchor size per level; each level gets sizes (x, int(x·2^(1/3)), int(x·2^(2/3))). Empty = 32, 64, 128, … one per level.</summary>
    public int[] AnchorSizes { get; set; } = [];
    /// <summary>Anchor aspect ratios (h/w), the same on every level.</summary>
    public float[] AspectRatios { get; set; } = [0.5f, 1.0f, 2.0f];
    /// <summary>Candidates below this score are dropped.</summary>
    public float ScoreThreshold { get; set; } = 0.05f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box.</summary>
    public float NmsThreshold { get; set; } = 0.5f;
    /// <summary>Maximum detections returned.</summary>
    public int DetectionsPerImage { get; set; } = 300;
    /// <summary>Candidates kept per level before NMS.</summary>
    public int TopKCandidates { get; set; } = 1000;
}

/// <summary>
/// torchvision <c>FCOSHead</c> (4 conv+GroupNorm(32)+ReLU per branch, <c>cls_logits</c>, <c>bbox_reg</c>, <c>bbox_ctrness</c>),
/// one anchor per location, <c>BoxLinearCoder</c> decoding and <c>postprocess_detections</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FcosHeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision counts the background class in it).</summary>
    public int Classes { get; set; } = 91;
    /// <summary>Anchor size per level (one square anchor per location). Empty = 8, 16, 32, … one per level.</summary>
    public int[] AnchorSizes { get; set; } = [];
    /// <summary>Candidates below this score (sqrt(sigmoid(cls)·sigmoid(centerness))) are dropped.</summary>
    public float ScoreThreshold { get; set; } = 0.2f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box.</summary>
    public float NmsThreshold { get; set; } = 0.6f;
    /// <summary>Maximum detections returned.</summary>
    public int DetectionsPerImage { get; set; } = 100;
    /// <summary>Candidates kept per level before NMS.</summary>
    public int TopKCandidates { get; set; } = 1000;
    /// <summary>GroupNorm groups in the head towers.</summary>
    public int GroupNormGroups { get; set; } = 32;
}

/// <summary>
/// A YOLOv8-style anchor-free detection head on a network declared with <c>Forward</c>: <c>Forward</c> returns one raw
/// head output per scale, each <c>[1, 4·RegMax + Classes, H, W]</c> (box distributions first, then class logits, as
/// ultralytics' <c>Detect</c> concatenates them), from the finest scale to the coarsest. The generator adds
/// <c>Detect</c>: anchor points at cell centres, distribution-focal-loss decoding (softmax over <see cref="RegMax"/> bins,
/// expected value, times the scale's stride), the best class per cell (sigmoid), score threshold, top-k, class-wise NMS,
/// the best <see cref="DetectionsPerImage"/>, boxes clipped to the input. Allocation-free.
/// </summary>
/// <remarks>
/// The decoding follows the public description of YOLOv8's head and ultralytics' <c>non_max_suppression</c> with
/// <c>multi_label=False</c> and <c>agnostic=False</c>; it is verified against a PyTorch module in
/// <c>scripts/fixtures/make_forward_fixtures.py</c>, not against checkpoints of any YOLO code base.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class YoloHeadAttribute : Attribute
{
    /// <summary>Number of classes (no background class).</summary>
    public int Classes { get; set; } = 80;
    /// <summary>Bins of each side's distance distribution (ultralytics' <c>reg_max</c>).</summary>
    public int RegMax { get; set; } = 16;
    /// <summary>Cells whose best class score is not above this are dropped (ultralytics' <c>conf</c>).</summary>
    public float ScoreThreshold { get; set; } = 0.25f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box (ultralytics' <c>iou</c>).</summary>
    public float NmsThreshold { get; set; } = 0.7f;
    /// <summary>Maximum detections returned (ultralytics' <c>max_det</c>).</summary>
    public int DetectionsPerImage { get; set; } = 300;
    /// <summary>Most candidates, by score, that enter NMS (ultralytics' <c>max_nms</c>); capped at the number of cells.</summary>
    public int TopKCandidates { get; set; } = 30000;
}

/// <summary>
/// torchvision's Faster R-CNN heads over an <see cref="FpnNeckAttribute"/> pyramid: the RPN (<c>rpn.head</c>: a 3×3
/// conv + ReLU, then <c>cls_logits</c> and <c>bbox_pred</c>, shared over the levels; its <c>AnchorGenerator</c> and
/// inference-time proposal selection) and the RoI heads (<c>MultiScaleRoIAlign</c> over the pyramid's levels '0'…'3',
/// 7×7, sampling ratio 2; <c>roi_heads.box_head</c> fc6/fc7 and <c>roi_heads.box_predictor</c> cls_score/bbox_pred;
/// <c>postprocess_detections</c>). With <c>[ResNet(Depth = 50)]</c> it is <c>fasterrcnn_resnet50_fpn</c>, with
/// <c>[MobileNetV3]</c> <c>fasterrcnn_mobilenet_v3_large_fpn</c> (weights under <c>backbone.body</c>,
/// <c>backbone.fpn</c>, <c>rpn</c> and <c>roi_heads</c>, as their state_dicts). The proposal counts are build-time
/// constants, so every buffer is sized at load: <c>Detect</c> allocates nothing.
/// </summary>
/// <remarks>
/// The network (backbone, FPN, RPN head) runs as generated code on the CPU or the GPU runner; the second stage
/// (proposal selection, RoIAlign, the box head's matrix products over the RoI batch, decoding and NMS) runs on the
/// host CPU in both cases.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class FasterRcnnHeadAttribute : Attribute
{
    /// <summary>Number of classes (torchvision counts the background class in it).</summary>
    public int Classes { get; set; } = 91;
    /// <summary>
    /// RPN anchor sizes. Empty = the builder's: one size per level 32, 64, 128, 256, 512 on a ResNet
    /// (<c>fasterrcnn_resnet50_fpn</c>), all five sizes on every level on a MobileNetV3
    /// (<c>fasterrcnn_mobilenet_v3_large_fpn</c>). One entry per level gives one size per level; otherwise (see
    /// <see cref="AllSizesOnEveryLevel"/>) every size is used on every level.
    /// </summary>
    public int[] AnchorSizes { get; set; } = [];
    /// <summary>Use every entry of <see cref="AnchorSizes"/> on every level (MobileNetV3's layout) rather than one per level.</summary>
    public bool AllSizesOnEveryLevel { get; set; }
    /// <summary>RPN anchor aspect ratios (h/w), the same on every level.</summary>
    public float[] AspectRatios { get; set; } = [0.5f, 1.0f, 2.0f];
    /// <summary>Proposals kept per RPN level before NMS (<c>rpn_pre_nms_top_n_test</c>).</summary>
    public int RpnPreNmsTopN { get; set; } = 1000;
    /// <summary>Proposals kept after the RPN's NMS (<c>rpn_post_nms_top_n_test</c>): the RoI batch's size limit.</summary>
    public int RpnPostNmsTopN { get; set; } = 1000;
    /// <summary>IoU of the RPN's NMS, done per level (<c>rpn_nms_thresh</c>).</summary>
    public float RpnNmsThreshold { get; set; } = 0.7f;
    /// <summary>Proposals need sigmoid(objectness) ≥ this (<c>rpn_score_thresh</c>). Negative = the builder's: 0 on a ResNet, 0.05 on a MobileNetV3.</summary>
    public float RpnScoreThreshold { get; set; } = -1f;
    /// <summary>Width of the box head's two fully connected layers (<c>TwoMLPHead</c>'s representation size).</summary>
    public int RepresentationSize { get; set; } = 1024;
    /// <summary>Detections need a softmax score strictly above this (<c>box_score_thresh</c>).</summary>
    public float ScoreThreshold { get; set; } = 0.05f;
    /// <summary>IoU above which class-wise NMS suppresses the lower-scored box (<c>box_nms_thresh</c>).</summary>
    public float NmsThreshold { get; set; } = 0.5f;
    /// <summary>Maximum detections returned (<c>box_detections_per_img</c>).</summary>
    public int DetectionsPerImage { get; set; } = 100;
}
