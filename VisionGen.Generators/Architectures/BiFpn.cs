using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>The BiFPN neck as declared (<c>[BiFpn]</c>).</summary>
    internal sealed record BiFpnSpec(int Channels, int Repeats, int Levels, float Eps, LocationInfo? Location);

    /// <summary>
    /// EfficientDet's BiFPN under <c>backbone.bifpn.</c>, as the reference module of
    /// <c>scripts/fixtures/make_bifpn_fixtures.py</c> defines it (torchvision has none): P3–P5 are the backbone's last
    /// feature maps at three successive resolutions, projected to the width by <c>lateral.pL</c> (1×1 conv + batch norm)
    /// where their channels differ; P6, P7 … are 3×3 stride-2 max pools (padding 1) of the level below; then
    /// <c>blocks.r</c>, each a top-down path (<c>top_down.pL</c>) and a bottom-up path (<c>bottom_up.pL</c>) of fused nodes:
    /// fast normalized fusion, swish, depthwise 3×3 conv, pointwise 1×1 conv, batch norm. Resampling between levels:
    /// nearest interpolation to the finer level's size going up (exactly ×2 when that size is even); a 3×3 stride-2 max
    /// pool (padding 1, output ⌈n/2⌉) going down, then nearest interpolation to the coarser level's size when it differs.
    /// </summary>
    internal static class BiFpn
    {
        public const string Prefix = "backbone.bifpn.";

        /// <summary>Builds the neck over the backbone's <paramref name="stages"/>; returns the levels, finest first, or null after reporting.</summary>
        public static List<string>? Build(NetBuilder b, BiFpnSpec neck, SortedDictionary<int, string> stages)
        {
            // Of each resolution the backbone passes through, its last stage output; P3–P5 are the last three.
            var taps = new List<string>();
            foreach (string stage in stages.Values)
            {
                Shape s = b.ShapeOf(stage);
                if (taps.Count > 0 && b.ShapeOf(taps[taps.Count - 1]) is Shape last && last.H == s.H && last.W == s.W) taps[taps.Count - 1] = stage;
                else taps.Add(stage);
            }
            if (taps.Count < 3)
            {
                string sizes = string.Join(", ", taps.Select(t => $"{b.ShapeOf(t).H}×{b.ShapeOf(t).W}"));
                b.At(neck.Location, "[BiFpn]").Check.Report(Diagnostics.NeckStages,
                    $"[BiFpn] reads P3–P5, the backbone's last feature maps at three successive resolutions, but at this input size the backbone has only {taps.Count.ToString(CultureInfo.InvariantCulture)} ({sizes}); use a larger input");
                return null;
            }

            int c = neck.Channels;
            var levels = new List<string?>();
            for (int i = 0; i < 3; i++)
            {
                string? x = taps[taps.Count - 3 + i];
                if (b.ShapeOf(x).C != c)
                {
                    string p = $"{Prefix}lateral.p{i + 3}";
                    x = Blocks.ConvBnAct(b, x, p + ".0", p + ".1", c, 1, 1, 0, 1, ActivationKind.None, neck.Location, neck.Eps);
                }
                levels.Add(x);
            }
            for (int l = 3; l < neck.Levels; l++)
            {
                b.At(neck.Location, $"[BiFpn] P{l + 3}");
                levels.Add(b.Apply(new Pool2dOp(Max: true, 3, 2, 1), $"{Prefix}p{l + 3}", levels[l - 1]));
            }
            for (int r = 0; r < neck.Repeats && levels.All(x => x is not null); r++) levels = Block(b, neck, levels!, r);
            return levels.Any(x => x is null) ? null : levels.Select(x => x!).ToList();
        }

        /// <summary>One BiFPN block: the top-down path from the coarsest level to P3, then the bottom-up path back.</summary>
        private static List<string?> Block(NetBuilder b, BiFpnSpec neck, List<string> inputs, int r)
        {
            int n = inputs.Count;
            string block = $"{Prefix}blocks.{r.ToString(CultureInfo.InvariantCulture)}.";
            var topDown = new string?[n];
            topDown[n - 1] = inputs[n - 1];
            for (int i = n - 2; i >= 0; i--)
            {
                string p = $"{block}top_down.p{i + 3}";
                topDown[i] = Node(b, neck, p, inputs[i], Up(b, neck, topDown[i + 1], inputs[i], p));
            }
            var outputs = new List<string?> { topDown[0] };
            for (int i = 1; i < n; i++)
            {
                string p = $"{block}bottom_up.p{i + 3}";
                string? down = Down(b, neck, outputs[i - 1], inputs[i], p);
                outputs.Add(i < n - 1 ? Node(b, neck, p, inputs[i], topDown[i], down) : Node(b, neck, p, inputs[i], down));
            }
            return outputs;
        }

        /// <summary>Fast normalized fusion → swish → depthwise 3×3 → pointwise 1×1 → batch norm.</summary>
        private static string? Node(NetBuilder b, BiFpnSpec neck, string p, params string?[] inputs)
        {
            b.At(neck.Location, $"[BiFpn] {p}");
            string? y = b.Apply(new WeightedSumOp(p), p + ".fusion", inputs);
            y = Blocks.Activation(b, y, ActivationKind.Silu, p + ".swish");
            y = Blocks.Conv(b, y, p + ".conv.depthwise", neck.Channels, 3, 1, 1, groups: neck.Channels, bias: false, at: neck.Location);
            y = Blocks.Conv(b, y, p + ".conv.pointwise", neck.Channels, 1, at: neck.Location);
            return Blocks.BatchNorm(b, y, p + ".conv.bn", neck.Location, neck.Eps);
        }

        /// <summary>Nearest interpolation of the coarser <paramref name="x"/> to <paramref name="target"/>'s size (×2, less a row/column when that size is odd).</summary>
        private static string? Up(NetBuilder b, BiFpnSpec neck, string? x, string target, string p)
        {
            if (x is null) return null;
            return Resize(b, neck, x, b.ShapeOf(target), p + ".up");
        }

        /// <summary>3×3 stride-2 max pool (padding 1) of the finer <paramref name="x"/>, resized to <paramref name="target"/>'s size if that differs.</summary>
        private static string? Down(NetBuilder b, BiFpnSpec neck, string? x, string target, string p)
        {
            b.At(neck.Location, $"[BiFpn] {p}");
            string? y = b.Apply(new Pool2dOp(Max: true, 3, 2, 1), p + ".down", x);
            return y is null ? null : Resize(b, neck, y, b.ShapeOf(target), p + ".down_resize");
        }

        private static string? Resize(NetBuilder b, BiFpnSpec neck, string x, Shape target, string label)
        {
            Shape s = b.ShapeOf(x);
            if (s.H == target.H && s.W == target.W) return x;
            b.At(neck.Location, $"[BiFpn] {label}");
            return b.Apply(new InterpolateOp(false, target.H, target.W,
                InterpolateOp.AtenScale(false, false, s.H, target.H, null), InterpolateOp.AtenScale(false, false, s.W, target.W, null), false), label, x);
        }
    }
}
