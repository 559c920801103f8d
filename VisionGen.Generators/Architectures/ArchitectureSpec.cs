using System.Collections.Generic;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Architectures
{
    /// <summary>Which backbone a model declares by attribute.</summary>
    internal enum BackboneKind
    {
        None,
        ResNet,
        MobileNetV2,
        Custom,
        Vgg,
        MobileNetV3,
        EfficientNet,
        EfficientNetV2,
        GoogLeNet,
        InceptionV3,
        SsdVgg16,
        SsdLiteMobileNetV3,
    }

    /// <summary>Which head a model declares by attribute.</summary>
    internal enum HeadKind
    {
        None,
        Classifier,
        RetinaNet,
        Fcos,
        DeepLabV3,
        Fcn,
        Lraspp,
        FasterRcnn,
        Ssd,
    }

    /// <summary>The FPN neck as declared (<c>[FpnNeck]</c>).</summary>
    internal sealed record NeckSpec(int OutChannels, FpnExtra Extra, int[] Stages, LocationInfo? Location);

    /// <summary>A detection head as declared (<c>[RetinaNetHead]</c> or <c>[FcosHead]</c>).</summary>
    internal sealed record DetectionHeadSpec(
        int Classes,
        int[] AnchorSizes,
        float[] AspectRatios,
        float ScoreThreshold,
        float NmsThreshold,
        int DetectionsPerImage,
        int TopKCandidates,
        int GroupNormGroups);

    /// <summary>A Faster R-CNN head as declared (<c>[FasterRcnnHead]</c>); RpnScoreThreshold negative means the builder's default.</summary>
    internal sealed record FasterRcnnHeadSpec(
        int Classes,
        int[] AnchorSizes,
        bool AllSizesOnEveryLevel,
        float[] AspectRatios,
        int RpnPreNmsTopN,
        int RpnPostNmsTopN,
        float RpnNmsThreshold,
        float RpnScoreThreshold,
        int RepresentationSize,
        float ScoreThreshold,
        float NmsThreshold,
        int DetectionsPerImage);

    /// <summary>torchvision's SSD300-VGG16 or SSDlite320-MobileNetV3-Large as declared, with <c>SSD</c>'s post-processing settings.</summary>
    internal sealed record SsdSpec(bool Lite, int Classes, bool ReducedTail, float ScoreThreshold, float NmsThreshold, int DetectionsPerImage, int TopKCandidates);

    /// <summary>Layer kinds of a custom sequential stack, one per layer attribute.</summary>
    internal enum LayerKind
    {
        Conv2d,
        BatchNorm2d,
        ReLU,
        ReLU6,
        MaxPool2d,
        AvgPool2d,
        GlobalAvgPool,
        Flatten,
        Linear,
        GroupNorm,
        InstanceNorm2d,
        LayerNorm,
    }

    /// <summary>One declared layer of a custom stack, exactly as written. Unused fields are 0/empty; InChannels/InFeatures are 0 when not declared.</summary>
    internal sealed record LayerSpec(
        LayerKind Kind, string Prefix, int InChannels, int OutChannels, int KernelSize, int Stride, int Padding, int Dilation,
        int Groups, bool Bias, float Eps, int InFeatures, LocationInfo? Location);

    /// <summary>
    /// A network declared by architecture and layer attributes, as read from the class; <see cref="Architecture.Build"/>
    /// turns it into a graph. Lives only inside the parse step (the graph is what the incremental pipeline compares).
    /// </summary>
    internal sealed class ArchitectureSpec
    {
        public BackboneKind Backbone { get; set; }
        public int ResNetDepth { get; set; }
        /// <summary>ResNet's <c>groups</c> and <c>width_per_group</c> (ResNeXt, wide ResNet).</summary>
        public int Groups { get; set; } = 1;
        public int WidthPerGroup { get; set; } = 64;
        /// <summary>ResNet's <c>replace_stride_with_dilation</c> for layer2..layer4 (empty: none).</summary>
        public bool[] ReplaceStrideWithDilation { get; set; } = new bool[0];
        /// <summary>Whether the backbone attribute declared its dilation (ReplaceStrideWithDilation or Dilated); if not, a segmentation head uses torchvision's.</summary>
        public bool DilationDeclared { get; set; }
        public int VggDepth { get; set; }
        public bool VggBatchNorm { get; set; }
        /// <summary>MobileNetV3: Size = Small (else Large), reduced_tail, dilated.</summary>
        public bool Small { get; set; }
        public bool ReducedTail { get; set; }
        public bool Dilated { get; set; }
        /// <summary>EfficientNet B0…B7 as 0…7; EfficientNetV2 S, M, L as 0, 1, 2.</summary>
        public int Variant { get; set; }
        /// <summary>GoogLeNet and Inception3's <c>transform_input</c>.</summary>
        public bool TransformInput { get; set; }
        public double WidthMultiplier { get; set; } = 1.0;
        public LocationInfo? BackboneLocation { get; set; }
        public List<LayerSpec> Layers { get; } = new List<LayerSpec>();
        public HeadKind Head { get; set; }
        public int Classes { get; set; }
        /// <summary>LRASPP's <c>inter_channels</c>.</summary>
        public int InterChannels { get; set; } = 128;
        /// <summary>A segmentation head (DeepLabV3, FCN, LRASPP): the backbone's weights live under <c>backbone.</c>, the head's under <c>classifier.</c>.</summary>
        public bool IsSegmentation => Head is HeadKind.DeepLabV3 or HeadKind.Fcn or HeadKind.Lraspp;
        public string HeadPrefix { get; set; } = "";
        public LocationInfo? HeadLocation { get; set; }
        public NeckSpec? Neck { get; set; }
        /// <summary>The BiFPN neck (<c>[BiFpn]</c>), the other neck a detection head can read.</summary>
        public BiFpnSpec? BiFpn { get; set; }
        /// <summary>True when a neck is declared: the backbone's weights then live under <c>backbone.body.</c>.</summary>
        public bool HasNeck => Neck is not null || BiFpn is not null;
        public DetectionHeadSpec? Detection { get; set; }
        public FasterRcnnHeadSpec? FasterRcnn { get; set; }
        /// <summary>An SSD detector (<c>[Ssd300Vgg16]</c> or <c>[SsdLite320MobileNetV3Large]</c>): backbone and head in one.</summary>
        public SsdSpec? Ssd { get; set; }
        public LocationInfo? ModelLocation { get; set; }
    }
}
