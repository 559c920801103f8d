using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's <c>RetinaNetHead</c>: classification and regression branches of four conv3×3 + ReLU, then
    /// <c>cls_logits</c> (A·K channels) and <c>bbox_reg</c> (A·4), shared over the levels. Outputs ClassLogits
    /// [N, anchors, K] and BoxRegression [N, anchors, 4].
    /// </summary>
    internal static class RetinaNetHead
    {
        public static DetectionSpec? Build(NetBuilder b, List<string> levels, DetectionHeadSpec head, LocationInfo? at)
        {
            DetectionSpec? spec = DetectionHead.Describe(b, levels, head, fcos: false, at);
            if (spec is null) return null;
            int c = b.ShapeOf(levels[0]).C, a = spec.AnchorsPerLocation, k = head.Classes;
            bool ok = DetectionHead.Output(b, levels, "ClassLogits", k, (x, suffix) =>
                    Blocks.Conv(b, Tower(b, x, "head.classification_head", c, suffix, at), "head.classification_head.cls_logits", a * k, 3, padding: 1,
                        label: "head.classification_head.cls_logits" + suffix, at: at), at)
                && DetectionHead.Output(b, levels, "BoxRegression", 4, (x, suffix) =>
                    Blocks.Conv(b, Tower(b, x, "head.regression_head", c, suffix, at), "head.regression_head.bbox_reg", a * 4, 3, padding: 1,
                        label: "head.regression_head.bbox_reg" + suffix, at: at), at);
            return ok ? spec : null;
        }

        private static string? Tower(NetBuilder b, string? x, string branch, int c, string suffix, LocationInfo? at)
        {
            for (int i = 0; i < 4; i++)
            {
                string conv = $"{branch}.conv.{i}.0";
                x = Blocks.Conv(b, x, conv, c, 3, padding: 1, label: conv + suffix, at: at);
                x = Blocks.Activation(b, x, ActivationKind.Relu, $"{branch}.conv.{i}.1{suffix}");
            }
            return x;
        }
    }
}
