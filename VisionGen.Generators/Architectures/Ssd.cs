using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's SSD detectors (<c>torchvision.models.detection.ssd</c> and <c>ssdlite</c>), each declared by one
    /// attribute: the feature extractor (<c>backbone.*</c>), the head (<c>head.classification_head.module_list.i</c> and
    /// <c>head.regression_head.module_list.i</c>, one per level, laid out channels-last and concatenated as
    /// <c>SSDScoringHead</c> does) and the <c>DefaultBoxGenerator</c> settings <c>Detect</c> decodes against.
    /// </summary>
    internal static class Ssd
    {
        private const float LiteEps = 1e-3f;

        public static DetectionSpec? Build(NetBuilder b, string input, SsdSpec spec, LocationInfo? at)
        {
            string label = spec.Lite ? "[SsdLite320MobileNetV3Large]" : "[Ssd300Vgg16]";
            List<string>? levels = spec.Lite ? LiteFeatures(b, input, spec.ReducedTail, at) : VggFeatures(b, input, at);
            if (levels is null) return null;

            int[][] ratios = spec.Lite
                ? Enumerable.Repeat(new[] { 2, 3 }, 6).ToArray()
                : new[] { new[] { 2 }, new[] { 2, 3 }, new[] { 2, 3 }, new[] { 2, 3 }, new[] { 2 }, new[] { 2 } };
            int[] anchors = ratios.Select(r => 2 + 2 * r.Length).ToArray();
            int k = spec.Classes;
            string? Head(string branch, string x, int level, int values, string suffix)
            {
                string p = $"head.{branch}.module_list.{level}";
                int outChannels = anchors[level] * values;
                if (!spec.Lite) return Blocks.Conv(b, x, p, outChannels, 3, padding: 1, label: p + suffix, at: at);
                // SSDlite's _prediction_block: depthwise 3×3 + BN + ReLU6, then a pointwise conv with bias.
                int c = b.ShapeOf(x).C;
                string? y = Blocks.ConvBnAct(b, x, p + ".0.0", p + ".0.1", c, 3, 1, 1, c, ActivationKind.Relu6, at, LiteEps);
                return Blocks.Conv(b, y, p + ".1", outChannels, 1, label: p + ".1" + suffix, at: at);
            }
            bool ok = DetectionHead.Output(b, levels, "ClassLogits", k, (x, l, suffix) => Head("classification_head", x, l, k, suffix), at)
                && DetectionHead.Output(b, levels, "BoxRegression", 4, (x, l, suffix) => Head("regression_head", x, l, 4, suffix), at);
            if (!ok) return null;

            var anchorLevels = levels.Select(t => { Shape s = b.ShapeOf(t); return new AnchorLevel(s.H, s.W, EquatableArray<float>.Empty); }).ToArray();
            var boxes = spec.Lite
                ? new SsdBoxes(new EquatableArray<int>(ratios.Select(r => r.Length).ToArray()), new EquatableArray<int>(ratios.SelectMany(r => r).ToArray()),
                    EquatableArray<double>.Empty, 0.2, 0.95, EquatableArray<int>.Empty, Clip: true, Lite: true)
                : new SsdBoxes(new EquatableArray<int>(ratios.Select(r => r.Length).ToArray()), new EquatableArray<int>(ratios.SelectMany(r => r).ToArray()),
                    new EquatableArray<double>(new[] { 0.07, 0.15, 0.33, 0.51, 0.69, 0.87, 1.05 }), 0, 0,
                    new EquatableArray<int>(new[] { 8, 16, 32, 64, 100, 300 }), Clip: true, Lite: false);
            b.At(at, label);
            return new DetectionSpec(false, k, new EquatableArray<AnchorLevel>(anchorLevels), EquatableArray<float>.Empty,
                spec.ScoreThreshold, spec.NmsThreshold, spec.DetectionsPerImage, spec.TopKCandidates) { Ssd = boxes };
        }

        /// <summary>
        /// <c>SSDFeatureExtractorVGG</c> on vgg16: <c>features</c> up to conv4_3 + ReLU, the pool after conv3_3 in ceil mode;
        /// level 0 is conv4_3 L2-normalized across channels times <c>scale_weight</c>; <c>extra.0</c> is pool4, conv5_1…5_3,
        /// then (<c>extra.0.7</c>) a 3×3 stride-1 max pool, fc6 as a 3×3 conv with dilation 6 and fc7 as a 1×1 conv;
        /// <c>extra.1</c>…<c>extra.4</c> are 1×1 then 3×3 convs (stride 2 padding 1, twice, then unpadded), each with ReLU.
        /// </summary>
        private static List<string>? VggFeatures(NetBuilder b, string input, LocationInfo? at)
        {
            const string features = "backbone.features.", extra = "backbone.extra.";
            int[] cfg = Vgg.Configuration(16)!;
            string? y = input;
            int index = 0, pools = 0, end = 0;
            for (; end < cfg.Length; end++)
            {
                int v = cfg[end];
                if (v == 0)
                {
                    if (++pools == 4) break;
                    b.At(at, $"[Ssd300Vgg16] {features}{index}");
                    y = b.Apply(new Pool2dOp(Max: true, 2, 2, 0, CeilMode: pools == 3), $"{features}{index}", y);
                    index++;
                    continue;
                }
                y = Blocks.Conv(b, y, $"{features}{index}", v, 3, padding: 1, at: at);
                y = Blocks.Activation(b, y, ActivationKind.Relu, $"{features}{index + 1}");
                index += 2;
            }
            if (y is null) return null;
            b.At(at, "[Ssd300Vgg16] backbone.scale_weight");
            string? level0 = b.Apply(new ChannelL2NormOp("backbone.scale_weight"), "backbone.l2norm(conv4_3)", y);

            // extra.0: pool4 and conv5_1 … conv5_3 (the rest of vgg16's features but its last pool), then pool5 and fc6/fc7.
            b.At(at, $"[Ssd300Vgg16] {extra}0.0");
            y = b.Apply(new Pool2dOp(Max: true, 2, 2, 0), extra + "0.0", y);
            int i = 1;
            for (end++; end < cfg.Length - 1; end++)
            {
                y = Blocks.Conv(b, y, $"{extra}0.{i}", cfg[end], 3, padding: 1, at: at);
                y = Blocks.Activation(b, y, ActivationKind.Relu, $"{extra}0.{i + 1}");
                i += 2;
            }
            b.At(at, $"[Ssd300Vgg16] {extra}0.{i}.0");
            y = b.Apply(new Pool2dOp(Max: true, 3, 1, 1), $"{extra}0.{i}.0", y);
            y = Blocks.Conv(b, y, $"{extra}0.{i}.1", 1024, 3, padding: 6, at: at, dilation: 6);
            y = Blocks.Activation(b, y, ActivationKind.Relu, $"{extra}0.{i}.2");
            y = Blocks.Conv(b, y, $"{extra}0.{i}.3", 1024, 1, at: at);
            y = Blocks.Activation(b, y, ActivationKind.Relu, $"{extra}0.{i}.4");
            var levels = new List<string?> { level0, y };
            (int Mid, int Out, int Stride, int Padding)[] extras = { (256, 512, 2, 1), (128, 256, 2, 1), (128, 256, 1, 0), (128, 256, 1, 0) };
            for (int e = 0; e < extras.Length; e++)
            {
                string p = $"{extra}{e + 1}.";
                y = Blocks.Conv(b, y, p + "0", extras[e].Mid, 1, at: at);
                y = Blocks.Activation(b, y, ActivationKind.Relu, p + "1");
                y = Blocks.Conv(b, y, p + "2", extras[e].Out, 3, extras[e].Stride, extras[e].Padding, at: at);
                y = Blocks.Activation(b, y, ActivationKind.Relu, p + "3");
                levels.Add(y);
            }
            return levels.Any(l => l is null) ? null : levels.Select(l => l!).ToList();
        }

        /// <summary>
        /// <c>SSDLiteFeatureExtractorMobileNet</c> on mobilenet_v3_large (batch norm eps 0.001): <c>features.0</c> is the
        /// backbone up to the last stride-2 block's expansion conv (C4, stride 16: level 0), <c>features.1</c> the rest of that
        /// block (<c>features.1.0.1</c>…, its indices kept) and the blocks and last conv after it (level 1); <c>extra.0</c>…<c>3</c>
        /// are torchvision's <c>_extra_block</c>s (1×1, depthwise 3×3 stride 2, 1×1; BN and ReLU6 each) to 512, 256, 256, 128.
        /// </summary>
        private static List<string>? LiteFeatures(NetBuilder b, string input, bool reducedTail, LocationInfo? at)
        {
            const string f0 = "backbone.features.0.", f1 = "backbone.features.1.", extra = "backbone.extra.";
            MobileNetV3.Setting[] settings = MobileNetV3.Settings(small: false, reducedTail ? 2 : 1);
            int c4 = 0;
            for (int s = 0; s < settings.Length; s++) if (settings[s].Stride > 1) c4 = s + 1; // features index of the last stride-2 block
            string? y = Blocks.ConvNormActivation(b, input, f0 + "0", settings[0].Input, 3, 2, 1, ActivationKind.Hardswish, MobileNetV3.ClassifierEps, at);
            string? level0 = null;
            for (int s = 0; s < settings.Length; s++)
            {
                int index = s + 1;
                MobileNetV3.Setting cfg = settings[s];
                ActivationKind activation = cfg.Hardswish ? ActivationKind.Hardswish : ActivationKind.Relu;
                if (index < c4) y = Block(b, y, cfg, j => $"{f0}{index}.block.{j}", at);
                else if (index > c4) y = Block(b, y, cfg, j => $"{f1}{index - c4}.block.{j}", at);
                else
                {
                    // The C4 block, split after its expansion conv (which features.0 ends with); torchvision rejects a residual one.
                    y = Blocks.ConvNormActivation(b, y, f0 + index, cfg.Expanded, 1, 1, 1, activation, MobileNetV3.ClassifierEps, at);
                    level0 = y;
                    y = Block(b, y, cfg, j => $"{f1}0.{j}", at, expanded: true);
                }
            }
            int last = settings[settings.Length - 1].Output;
            y = Blocks.ConvNormActivation(b, y, $"{f1}{settings.Length + 1 - c4}", 6 * last, 1, 1, 1, ActivationKind.Hardswish, MobileNetV3.ClassifierEps, at);
            var levels = new List<string?> { level0, y };
            foreach ((int e, int outChannels) in new[] { (0, 512), (1, 256), (2, 256), (3, 128) })
            {
                string p = $"{extra}{e}.";
                int mid = outChannels / 2;
                y = Blocks.ConvNormActivation(b, y, p + "0", mid, 1, 1, 1, ActivationKind.Relu6, LiteEps, at);
                y = Blocks.ConvNormActivation(b, y, p + "1", mid, 3, 2, mid, ActivationKind.Relu6, LiteEps, at);
                y = Blocks.ConvNormActivation(b, y, p + "2", outChannels, 1, 1, 1, ActivationKind.Relu6, LiteEps, at);
                levels.Add(y);
            }
            return levels.Any(l => l is null) ? null : levels.Select(l => l!).ToList();
        }

        /// <summary>
        /// A MobileNetV3 inverted residual (expand, depthwise, squeeze-excitation, project; the residual add when shapes
        /// allow) with the weight names SSDlite's split gives it; <paramref name="expanded"/> when the expansion is already done.
        /// </summary>
        private static string? Block(NetBuilder b, string? x, MobileNetV3.Setting s, System.Func<int, string> part, LocationInfo? at, bool expanded = false)
        {
            ActivationKind activation = s.Hardswish ? ActivationKind.Hardswish : ActivationKind.Relu;
            int j = 0;
            string? y = x;
            if (s.Expanded != s.Input)
            {
                if (!expanded) y = Blocks.ConvNormActivation(b, y, part(j), s.Expanded, 1, 1, 1, activation, MobileNetV3.ClassifierEps, at);
                j++;
            }
            y = Blocks.ConvNormActivation(b, y, part(j++), s.Expanded, s.Kernel, s.Stride, s.Expanded, activation, MobileNetV3.ClassifierEps, at);
            if (s.Se) y = Blocks.SqueezeExcitation(b, y, part(j++), MobileNetV2Layout.MakeDivisible(s.Expanded / 4), ActivationKind.Relu, ActivationKind.Hardsigmoid, at);
            y = Blocks.ConvNormActivation(b, y, part(j), s.Output, 1, 1, 1, ActivationKind.None, MobileNetV3.ClassifierEps, at);
            return s.Stride == 1 && s.Input == s.Output ? Blocks.Add(b, y, x, part(0) + ".add", at, $"[SsdLite320MobileNetV3Large] {part(0)}") : y;
        }
    }
}
