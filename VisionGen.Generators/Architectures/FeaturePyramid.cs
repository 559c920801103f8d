using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's <c>FeaturePyramidNetwork</c> under <c>backbone.fpn.</c>: lateral 1×1 convs, a top-down path of
    /// nearest upsampling added to each lateral, 3×3 output convs, and the extra levels (max-pool P6, or P6/P7 convs).
    /// </summary>
    internal static class FeaturePyramid
    {
        /// <summary>Builds the pyramid over <paramref name="stages"/> (a backbone's stage outputs); returns the levels, finest first.</summary>
        /// <param name="outputs">The pyramid's own levels (one per stage read), before the extra levels.</param>
        public static List<string>? Build(NetBuilder b, ArchitectureSpec spec, NeckSpec neck, SortedDictionary<int, string> stages, out int outputs)
        {
            outputs = 0;
            bool resnet = spec.Backbone == BackboneKind.ResNet;
            bool detectionOnResNet = resnet && spec.Head is HeadKind.RetinaNet or HeadKind.Fcos;
            int[] chosen = neck.Stages.Length > 0 ? neck.Stages
                : resnet ? (detectionOnResNet ? new[] { 2, 3, 4 } : new[] { 1, 2, 3, 4 })
                : new[] { stages.Count - 2, stages.Count - 1 };
            int first = resnet ? 1 : 0;
            int last = resnet ? 4 : stages.Count - 1;
            for (int i = 0; i < chosen.Length; i++)
            {
                if (chosen[i] < first || chosen[i] > last || (i > 0 && chosen[i] <= chosen[i - 1]))
                {
                    b.At(neck.Location, "[FpnNeck]").Check.Report(Diagnostics.NeckStages,
                        $"[FpnNeck] Stages must be increasing stage numbers from {first} to {last} of the {(resnet ? "ResNet (layer1..layer4)" : "MobileNet (features 0 and every stride-2 block, then the last)")}, but it lists {string.Join(", ", chosen)}");
                    return null;
                }
            }
            if (chosen.Length == 0) return null;
            outputs = chosen.Length;

            int c = neck.OutChannels;
            const string p = "backbone.fpn.";
            List<string> inputs = chosen.Select(s => stages[s]).ToList();
            int n = inputs.Count;
            var results = new string?[n];
            string? lastInner = Blocks.Conv(b, inputs[n - 1], $"{p}inner_blocks.{n - 1}.0", c, 1, at: neck.Location);
            results[n - 1] = Blocks.Conv(b, lastInner, $"{p}layer_blocks.{n - 1}.0", c, 3, padding: 1, at: neck.Location);
            for (int idx = n - 2; idx >= 0 && lastInner is not null; idx--)
            {
                Shape lateralInput = b.ShapeOf(inputs[idx]);
                Shape coarse = b.ShapeOf(lastInner);
                // Top-down path first, so the lateral 1x1 conv can add it in its output pass.
                b.At(neck.Location, "[FpnNeck] top-down");
                string? topDown = b.Apply(new InterpolateOp(false, lateralInput.H, lateralInput.W,
                    InterpolateOp.AtenScale(false, false, coarse.H, lateralInput.H, null), InterpolateOp.AtenScale(false, false, coarse.W, lateralInput.W, null), false),
                    $"{p}top_down.{idx}", lastInner);
                string? lateral = Blocks.Conv(b, inputs[idx], $"{p}inner_blocks.{idx}.0", c, 1, at: neck.Location);
                b.At(neck.Location, "[FpnNeck]");
                lastInner = b.Apply(new BinaryOp(Multiply: false), $"{p}inner_blocks.{idx} + top_down", lateral, topDown);
                results[idx] = Blocks.Conv(b, lastInner, $"{p}layer_blocks.{idx}.0", c, 3, padding: 1, at: neck.Location);
            }
            if (results.Any(r => r is null)) return null;
            var levels = results.Select(r => r!).ToList();
            FpnExtra extra = neck.Extra != FpnExtra.Default ? neck.Extra : detectionOnResNet ? FpnExtra.P6P7 : FpnExtra.MaxPool;
            if (extra == FpnExtra.MaxPool)
            {
                b.At(neck.Location, "[FpnNeck] extra_blocks");
                string? pool = b.Apply(new Pool2dOp(Max: true, 1, 2, 0), $"{p}extra_blocks (max pool)", levels[n - 1]);
                if (pool is null) return null;
                levels.Add(pool);
            }
            else if (extra == FpnExtra.P6P7)
            {
                // LastLevelP6P7 on P5 (in_channels == out_channels): P7 reads relu(P6), while P6 itself stays a level.
                string? p6 = Blocks.Conv(b, levels[n - 1], $"{p}extra_blocks.p6", c, 3, 2, 1, at: neck.Location);
                string? relu = Blocks.Activation(b, p6, ActivationKind.Relu, $"{p}extra_blocks.relu(p6)");
                string? p7 = Blocks.Conv(b, relu, $"{p}extra_blocks.p7", c, 3, 2, 1, at: neck.Location);
                if (p6 is null || p7 is null) return null;
                levels.Add(p6);
                levels.Add(p7);
            }
            return levels;
        }
    }
}
