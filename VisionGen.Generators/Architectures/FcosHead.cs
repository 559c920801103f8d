using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's <c>FCOSHead</c>: branches of four conv3×3 + GroupNorm + ReLU, then <c>cls_logits</c>, <c>bbox_reg</c>
    /// (followed by ReLU: FCOS regresses distances, never negative) and <c>bbox_ctrness</c>, shared over the levels.
    /// Outputs ClassLogits [N, anchors, K], BoxRegression [N, anchors, 4] and Centerness [N, anchors, 1].
    /// </summary>
    internal static class FcosHead
    {
        public static DetectionSpec? Build(NetBuilder b, List<string> levels, DetectionHeadSpec head, LocationInfo? at)
        {
            DetectionSpec? spec = DetectionHead.Describe(b, levels, head, fcos: true, at);
            if (spec is null) return null;
            int c = b.ShapeOf(levels[0]).C, k = head.Classes;
            if (c % head.GroupNormGroups != 0)
            {
                b.At(at, "[FcosHead]").Check.Mismatch($"GroupNormGroups = {head.GroupNormGroups} must divide the {c} pyramid channels");
                return null;
            }
            // The regression tower feeds two convs per level: build it once per level and share it.
            var towers = new Dictionary<string, string?>();
            string? Regression(string x, string suffix)
            {
                if (!towers.TryGetValue(x, out string? t)) towers[x] = t = Tower(b, x, "head.regression_head", c, head.GroupNormGroups, suffix, at);
                return t;
            }
            bool ok = DetectionHead.Output(b, levels, "ClassLogits", k, (x, suffix) =>
                    Blocks.Conv(b, Tower(b, x, "head.classification_head", c, head.GroupNormGroups, suffix, at), "head.classification_head.cls_logits", k, 3,
                        padding: 1, label: "head.classification_head.cls_logits" + suffix, at: at), at)
                && DetectionHead.Output(b, levels, "BoxRegression", 4, (x, suffix) =>
                    Blocks.Activation(b, Blocks.Conv(b, Regression(x, suffix), "head.regression_head.bbox_reg", 4, 3, padding: 1,
                        label: "head.regression_head.bbox_reg" + suffix, at: at), ActivationKind.Relu, "relu(bbox_reg)" + suffix), at)
                && DetectionHead.Output(b, levels, "Centerness", 1, (x, suffix) =>
                    Blocks.Conv(b, Regression(x, suffix), "head.regression_head.bbox_ctrness", 1, 3, padding: 1,
                        label: "head.regression_head.bbox_ctrness" + suffix, at: at), at);
            return ok ? spec : null;
        }

        private static string? Tower(NetBuilder b, string? x, string branch, int c, int groups, string suffix, LocationInfo? at)
        {
            for (int i = 0; i < 4; i++)
            {
                string conv = $"{branch}.conv.{3 * i}";
                x = Blocks.Conv(b, x, conv, c, 3, padding: 1, label: conv + suffix, at: at);
                string norm = $"{branch}.conv.{3 * i + 1}";
                b.At(at, "[FcosHead]");
                x = b.Apply(new GroupNormOp(norm, groups, 1e-5f, Affine: true, Instance: false), norm + suffix, x);
                x = Blocks.Activation(b, x, ActivationKind.Relu, $"{branch}.conv.{3 * i + 2}{suffix}");
            }
            return x;
        }
    }
}
