using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// Builds a network declared by attributes: backbone (ResNet and ResNeXt, MobileNetV2, MobileNetV3, VGG, EfficientNet
    /// and EfficientNetV2, GoogLeNet, Inception v3, or a layer stack), then either a classifier head or an FPN neck with a
    /// detection head. Each part lives in its own file and uses the same ops a <c>Forward</c> method does.
    /// </summary>
    internal static class Architecture
    {
        public static DetectionSpec? Build(NetBuilder b, ArchitectureSpec spec)
        {
            var stages = new SortedDictionary<int, string>();
            // torchvision's detection models keep the backbone under backbone.body (beside backbone.fpn); its segmentation
            // models under backbone (an IntermediateLayerGetter over the ResNet, or over MobileNetV3's features).
            string body = spec.IsSegmentation ? "backbone." : spec.HasNeck ? "backbone.body." : "";
            string features = spec.IsSegmentation || spec.HasNeck ? body : "features.";
            string input = NetBuilder.InputName;
            LocationInfo? at = spec.BackboneLocation;
            // GoogLeNet's and Inception3's auxiliary classifiers (accepted, never read) have the declared class count.
            int classes = spec.Head == HeadKind.Classifier ? spec.Classes : 1000;
            if (spec.Ssd is not null) return Ssd.Build(b, input, spec.Ssd, at);
            string? x = spec.Backbone switch
            {
                BackboneKind.ResNet => ResNet.Build(b, input, spec.ResNetDepth, spec.Groups, spec.WidthPerGroup, spec.ReplaceStrideWithDilation, body, at, stages),
                BackboneKind.MobileNetV2 => MobileNetV2.Build(b, input, spec.WidthMultiplier, features, at, stages),
                BackboneKind.Vgg => Vgg.Build(b, input, spec.VggDepth, spec.VggBatchNorm, features, at, stages),
                BackboneKind.MobileNetV3 => MobileNetV3.Build(b, input, spec.Small, spec.WidthMultiplier, spec.ReducedTail, spec.Dilated, features, at, stages, detectionNorm: spec.Neck is not null),
                BackboneKind.EfficientNet => EfficientNet.Build(b, input, v2: false, spec.Variant, features, at, stages),
                BackboneKind.EfficientNetV2 => EfficientNet.Build(b, input, v2: true, spec.Variant, features, at, stages),
                BackboneKind.GoogLeNet => GoogLeNet.Build(b, input, classes, spec.TransformInput, at, stages),
                BackboneKind.InceptionV3 => InceptionV3.Build(b, input, classes, spec.TransformInput, at, stages),
                BackboneKind.Custom => SequentialStack.Build(b, input, spec.Layers),
                _ => null,
            };
            if (x is null) return null;
            if (spec.Neck is not null && spec.FasterRcnn is not null)
            {
                List<string>? levels = FeaturePyramid.Build(b, spec, spec.Neck, stages, out int outputs);
                return levels is null ? null : FasterRcnnHead.Build(b, spec, levels, outputs, spec.FasterRcnn, spec.HeadLocation);
            }
            if (spec.HasNeck && spec.Detection is not null)
            {
                List<string>? levels = spec.BiFpn is not null ? BiFpn.Build(b, spec.BiFpn, stages) : FeaturePyramid.Build(b, spec, spec.Neck!, stages, out _);
                if (levels is null) return null;
                return spec.Head == HeadKind.Fcos
                    ? FcosHead.Build(b, levels, spec.Detection, spec.HeadLocation)
                    : RetinaNetHead.Build(b, levels, spec.Detection, spec.HeadLocation);
            }
            if (spec.IsSegmentation) x = Segmentation(b, x, spec, stages);
            if (spec.Head == HeadKind.Classifier) x = ClassifierHead.Build(b, x, spec);
            if (x is not null) b.Output(x, "Output");
            return null;
        }

        /// <summary>
        /// A segmentation head on the backbone's last stage (LRASPP also on the stride-8 stage: MobileNetV3's stage_indices[-4],
        /// as torchvision takes it), upsampled bilinearly to the input as torchvision's models do. The auxiliary classifier
        /// of torchvision's DeepLabV3 and FCN builders (on layer3, or MobileNetV3's stage_indices[-4]) may be in the file.
        /// </summary>
        private static string? Segmentation(NetBuilder b, string x, ArchitectureSpec spec, SortedDictionary<int, string> stages)
        {
            bool resnet = spec.Backbone == BackboneKind.ResNet;
            string auxStage = resnet ? stages[3] : stages[stages.Count - 4];
            string? y = spec.Head switch
            {
                HeadKind.DeepLabV3 => DeepLabV3Head.Build(b, x, spec.Classes, spec.HeadLocation),
                HeadKind.Fcn => FcnHead.Build(b, x, spec.Classes, spec.HeadLocation),
                _ => LrasppHead.Build(b, auxStage, x, spec.Classes, spec.InterChannels, spec.HeadLocation),
            };
            // torchvision's aux FCNHead: FCNHead(1024, ...) on a ResNet's layer3, FCNHead(aux_inplanes, ...) on MobileNetV3.
            if (spec.Head != HeadKind.Lraspp) FcnHead.AllowUnread(b, resnet ? 1024 : b.ShapeOf(auxStage).C, spec.Classes);
            Shape input = b.InputShape;
            return Blocks.ResizeBilinear(b, y, input.H, input.W, "upsample", spec.HeadLocation, "[" + HeadName(spec.Head) + "] upsample to the input");
        }

        public static string HeadName(HeadKind head) => head switch
        {
            HeadKind.DeepLabV3 => "DeepLabV3Head",
            HeadKind.Fcn => "FcnHead",
            HeadKind.Lraspp => "LrasppHead",
            HeadKind.RetinaNet => "RetinaNetHead",
            HeadKind.Fcos => "FcosHead",
            _ => "ClassifierHead",
        };

        /// <summary>The summary line of the generated file: what was declared.</summary>
        public static string Describe(ArchitectureSpec spec)
        {
            string width = spec.WidthMultiplier.ToString("R", CultureInfo.InvariantCulture);
            string transform = spec.TransformInput ? " (transform_input=True)" : "";
            string[] v2 = { "s", "m", "l" };
            string backbone = spec.Backbone switch
            {
                BackboneKind.ResNet => "torchvision " + ResNetName(spec),
                BackboneKind.MobileNetV2 => $"torchvision mobilenet_v2 (width_mult={width})",
                BackboneKind.Vgg => $"torchvision vgg{spec.VggDepth}{(spec.VggBatchNorm ? "_bn" : "")}",
                BackboneKind.MobileNetV3 => $"torchvision mobilenet_v3_{(spec.Small ? "small" : "large")} (width_mult={width}" +
                    $"{(spec.ReducedTail ? ", reduced_tail=True" : "")}{(spec.Dilated ? ", dilated=True" : "")})",
                BackboneKind.EfficientNet => $"torchvision efficientnet_b{spec.Variant}",
                BackboneKind.EfficientNetV2 => $"torchvision efficientnet_v2_{v2[spec.Variant]}",
                BackboneKind.GoogLeNet => "torchvision googlenet" + transform,
                BackboneKind.InceptionV3 => "torchvision inception_v3" + transform,
                BackboneKind.SsdVgg16 => "torchvision ssd300_vgg16",
                BackboneKind.SsdLiteMobileNetV3 => $"torchvision ssdlite320_mobilenet_v3_large (reduced_tail={(spec.Ssd?.ReducedTail == true ? "True" : "False")})",
                _ => $"custom stack of {spec.Layers.Count} layers",
            };
            return spec.Head switch
            {
                HeadKind.Ssd => $"{backbone} ({spec.Ssd?.Classes} classes)",
                HeadKind.RetinaNet or HeadKind.Fcos => $"torchvision {(spec.Head == HeadKind.Fcos ? "FCOS" : "RetinaNet")} on {backbone.Replace("torchvision ", "")} + {(spec.BiFpn is null ? "FPN" : $"BiFPN (Channels = {spec.BiFpn.Channels}, Repeats = {spec.BiFpn.Repeats}, Levels = {spec.BiFpn.Levels})")}",
                HeadKind.FasterRcnn => $"torchvision Faster R-CNN on {backbone.Replace("torchvision ", "")} + FPN",
                HeadKind.Classifier => $"{backbone} + classifier head ({spec.Classes} classes)",
                HeadKind.DeepLabV3 or HeadKind.Fcn or HeadKind.Lraspp => $"torchvision {SegmentationName(spec)} ({spec.Classes} classes, main output) on {backbone.Replace("torchvision ", "")}",
                _ => backbone,
            };
        }

        private static string SegmentationName(ArchitectureSpec spec) => spec.Head switch
        {
            HeadKind.DeepLabV3 => "DeepLabV3",
            HeadKind.Fcn => "FCN",
            _ => $"LRASPP (inter_channels={spec.InterChannels.ToString(CultureInfo.InvariantCulture)})",
        };

        /// <summary>torchvision's builder name: resnet50, resnext50_32x4d, wide_resnet50_2, or resnet50 with its arguments.</summary>
        private static string ResNetName(ArchitectureSpec spec)
        {
            string depth = spec.ResNetDepth.ToString(CultureInfo.InvariantCulture);
            string dilation = System.Array.IndexOf(spec.ReplaceStrideWithDilation, true) < 0 ? ""
                : $" (replace_stride_with_dilation=[{string.Join(", ", spec.ReplaceStrideWithDilation.Select(f => f ? "True" : "False"))}])";
            return ResNetBaseName(spec, depth) + dilation;
        }

        private static string ResNetBaseName(ArchitectureSpec spec, string depth)
        {
            if (spec.Groups == 1 && spec.WidthPerGroup == 64) return "resnet" + depth;
            if (spec.Groups > 1) return $"resnext{depth}_{spec.Groups}x{spec.WidthPerGroup}d";
            if (spec.WidthPerGroup % 64 == 0) return $"wide_resnet{depth}_{spec.WidthPerGroup / 64}";
            return $"resnet{depth} (width_per_group={spec.WidthPerGroup})";
        }
    }
}
