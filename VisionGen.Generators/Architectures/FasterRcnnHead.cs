using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's Faster R-CNN heads. In the graph: <c>RPNHead</c> (conv3×3 + ReLU, then <c>cls_logits</c> with A
    /// channels and <c>bbox_pred</c> with 4·A, shared over the levels), laid out as torchvision's
    /// <c>concat_box_prediction_layers</c> into the outputs Objectness [N, anchors, 1] and RpnBoxDeltas [N, anchors, 4];
    /// the pyramid levels the RoI pooler reads (torchvision's featmap names '0'…'3') are outputs FpnLevel0… too. The
    /// second stage (proposals, RoIAlign, box head, post-processing) runs on the host after the graph
    /// (<c>VisionGen.ObjectDetection.FasterRcnnHeads</c>); its weights are listed here so the weight file is checked whole.
    /// </summary>
    internal static class FasterRcnnHead
    {
        private const int PooledSize = 7;

        public static DetectionSpec? Build(NetBuilder b, ArchitectureSpec arch, List<string> levels, int pyramidOutputs, FasterRcnnHeadSpec head, LocationInfo? at)
        {
            const string label = "[FasterRcnnHead]";
            b.At(at, label);
            bool perLevel = arch.Backbone == BackboneKind.ResNet;
            int[] sizes = head.AnchorSizes.Length > 0 ? head.AnchorSizes : perLevel ? levels.Select((_, l) => 32 << l).ToArray() : new[] { 32, 64, 128, 256, 512 };
            bool allOnEvery = head.AnchorSizes.Length > 0 ? head.AllSizesOnEveryLevel : !perLevel;
            if (!allOnEvery && sizes.Length != levels.Count)
            {
                b.Check.Report(Diagnostics.AnchorLevels, label, sizes.Length.ToString(CultureInfo.InvariantCulture), levels.Count.ToString(CultureInfo.InvariantCulture));
                return null;
            }
            var anchorLevels = new List<AnchorLevel>();
            for (int l = 0; l < levels.Count; l++)
            {
                Shape s = b.ShapeOf(levels[l]);
                float[] levelSizes = allOnEvery ? sizes.Select(x => (float)x).ToArray() : new[] { (float)sizes[l] };
                anchorLevels.Add(new AnchorLevel(s.H, s.W, new EquatableArray<float>(levelSizes)));
            }
            int a = anchorLevels[0].Sizes.Count * head.AspectRatios.Length;
            int c = b.ShapeOf(levels[0]).C, k = head.Classes;

            // The RPN's shared conv is applied once per level and read by both predictors.
            var towers = new Dictionary<string, string?>();
            string? Tower(string x, string suffix)
            {
                if (!towers.TryGetValue(x, out string? t))
                {
                    t = Blocks.Conv(b, x, "rpn.head.conv.0.0", c, 3, padding: 1, label: "rpn.head.conv.0.0" + suffix, at: at);
                    towers[x] = t = Blocks.Activation(b, t, ActivationKind.Relu, "rpn.head.conv.0.1" + suffix);
                }
                return t;
            }
            bool ok = DetectionHead.Output(b, levels, "Objectness", 1, (x, suffix) =>
                    Blocks.Conv(b, Tower(x, suffix), "rpn.head.cls_logits", a, 1, label: "rpn.head.cls_logits" + suffix, at: at), at)
                && DetectionHead.Output(b, levels, "RpnBoxDeltas", 4, (x, suffix) =>
                    Blocks.Conv(b, Tower(x, suffix), "rpn.head.bbox_pred", 4 * a, 1, label: "rpn.head.bbox_pred" + suffix, at: at), at);
            if (!ok) return null;

            // MultiScaleRoIAlign(featmap_names=['0', '1', '2', '3']): the pyramid's own outputs, not its extra levels.
            int pooled = Math.Min(4, pyramidOutputs);
            var scales = new List<float>();
            for (int l = 0; l < pooled; l++)
            {
                Shape s = b.ShapeOf(levels[l]);
                // torchvision's _infer_scale: 2 ** round(log2(feature height / image height)), the log in float32.
                double log2 = Math.Round(Math.Log((float)s.H / b.InputShape.H, 2), MidpointRounding.ToEven);
                scales.Add((float)Math.Pow(2, log2));
                b.Output(levels[l], "FpnLevel" + l.ToString(CultureInfo.InvariantCulture));
            }
            int rep = head.RepresentationSize;
            b.RequireHostWeight("roi_heads.box_head.fc6.weight", rep, c * PooledSize * PooledSize);
            b.RequireHostWeight("roi_heads.box_head.fc6.bias", rep);
            b.RequireHostWeight("roi_heads.box_head.fc7.weight", rep, rep);
            b.RequireHostWeight("roi_heads.box_head.fc7.bias", rep);
            b.RequireHostWeight("roi_heads.box_predictor.cls_score.weight", k, rep);
            b.RequireHostWeight("roi_heads.box_predictor.cls_score.bias", k);
            b.RequireHostWeight("roi_heads.box_predictor.bbox_pred.weight", 4 * k, rep);
            b.RequireHostWeight("roi_heads.box_predictor.bbox_pred.bias", 4 * k);

            float rpnScore = head.RpnScoreThreshold >= 0 ? head.RpnScoreThreshold : arch.Backbone == BackboneKind.ResNet ? 0f : 0.05f;
            var rcnn = new FasterRcnnSpec(c, rep, pooled, new EquatableArray<float>(scales.ToArray()), head.RpnPreNmsTopN, head.RpnPostNmsTopN,
                head.RpnNmsThreshold, rpnScore);
            return new DetectionSpec(false, k, new EquatableArray<AnchorLevel>(anchorLevels), new EquatableArray<float>(head.AspectRatios),
                head.ScoreThreshold, head.NmsThreshold, head.DetectionsPerImage, head.RpnPreNmsTopN) { FasterRcnn = rcnn };
        }
    }
}
