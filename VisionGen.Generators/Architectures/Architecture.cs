using System.Collections.Generic;
using System.Globalization;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// Builds a network declared by attributes: backbone (ResNet, MobileNetV2 or a layer stack), then either a classifier
    /// head or an FPN neck with a detection head. Each part lives in its own file and uses the same ops a <c>Forward</c>
    /// method does.
    /// </summary>
    internal static class Architecture
    {
        public static DetectionSpec? Build(NetBuilder b, ArchitectureSpec spec)
        {
            var stages = new SortedDictionary<int, string>();
            string body = spec.Neck is null ? "" : "backbone.body.";
            string? x = spec.Backbone switch
            {
                BackboneKind.ResNet => ResNet.Build(b, NetBuilder.InputName, spec.ResNetDepth, body, spec.BackboneLocation, stages),
                BackboneKind.MobileNetV2 => MobileNetV2.Build(b, NetBuilder.InputName, spec.WidthMultiplier, spec.Neck is null ? "features." : body, spec.BackboneLocation, stages),
                BackboneKind.Custom => SequentialStack.Build(b, NetBuilder.InputName, spec.Layers),
                _ => null,
            };
            if (x is null) return null;
            if (spec.Neck is not null && spec.Detection is not null)
            {
                List<string>? levels = FeaturePyramid.Build(b, spec, spec.Neck, stages);
                if (levels is null) return null;
                return spec.Head == HeadKind.Fcos
                    ? FcosHead.Build(b, levels, spec.Detection, spec.HeadLocation)
                    : RetinaNetHead.Build(b, levels, spec.Detection, spec.HeadLocation);
            }
            if (spec.Head == HeadKind.Classifier) x = ClassifierHead.Build(b, x, spec.Backbone, spec.Classes, spec.HeadPrefix, spec.HeadLocation);
            if (x is not null) b.Output(x, "Output");
            return null;
        }

        /// <summary>The summary line of the generated file: what was declared.</summary>
        public static string Describe(ArchitectureSpec spec)
        {
            string width = spec.WidthMultiplier.ToString("R", CultureInfo.InvariantCulture);
            string backbone = spec.Backbone switch
            {
                BackboneKind.ResNet => $"torchvision resnet{spec.ResNetDepth}",
                BackboneKind.MobileNetV2 => $"torchvision mobilenet_v2 (width_mult={width})",
                _ => $"custom stack of {spec.Layers.Count} layers",
            };
            return spec.Head switch
            {
                HeadKind.RetinaNet or HeadKind.Fcos => $"torchvision {(spec.Head == HeadKind.Fcos ? "FCOS" : "RetinaNet")} on {backbone.Replace("torchvision ", "")} + FPN",
                HeadKind.Classifier => $"{backbone} + classifier head ({spec.Classes} classes)",
                _ => backbone,
            };
        }
    }
}
