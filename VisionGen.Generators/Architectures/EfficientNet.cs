using System;
using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's EfficientNet (<c>torchvision.models.efficientnet</c>): <c>efficientnet_b0</c> … <c>b7</c> (MBConv
    /// blocks) and <c>efficientnet_v2_s/m/l</c> (fused MBConv in the first stages). features.0 is a 3×3 stride-2 conv,
    /// features.1 … features.k are the stages (an <c>nn.Sequential</c> of blocks <c>features.i.j.block.n</c>), the last
    /// features entry a 1×1 conv; SiLU throughout, squeeze-excitation with SiLU and sigmoid, stochastic depth the identity
    /// at inference. Batch norm eps is 1e-5 for B0–B4 and 1e-3 for B5–B7 and V2, as torchvision's builders pass it. The
    /// classifier (classifier.1 after the global average pool; classifier.0 is dropout) is <see cref="ClassifierHead"/>'s.
    /// </summary>
    internal static class EfficientNet
    {
        /// <summary>One stage of torchvision's <c>_efficientnet_conf</c>, before width and depth scaling (V2 rows are not scaled).</summary>
        private readonly struct Stage
        {
            public Stage(bool fused, double expand, int kernel, int stride, int input, int output, int layers)
            {
                Fused = fused; Expand = expand; Kernel = kernel; Stride = stride; Input = input; Output = output; Layers = layers;
            }

            public bool Fused { get; }
            public double Expand { get; }
            public int Kernel { get; }
            public int Stride { get; }
            public int Input { get; }
            public int Output { get; }
            public int Layers { get; }
        }

        /// <summary>B0 … B7: (width_mult, depth_mult) as torchvision's builders pass them.</summary>
        private static readonly double[][] s_scaling =
        {
            new[] { 1.0, 1.0 }, new[] { 1.0, 1.1 }, new[] { 1.1, 1.2 }, new[] { 1.2, 1.4 },
            new[] { 1.4, 1.8 }, new[] { 1.6, 2.2 }, new[] { 1.8, 2.6 }, new[] { 2.0, 3.1 },
        };

        private static readonly Stage[] s_b =
        {
            new Stage(false, 1, 3, 1, 32, 16, 1),
            new Stage(false, 6, 3, 2, 16, 24, 2),
            new Stage(false, 6, 5, 2, 24, 40, 2),
            new Stage(false, 6, 3, 2, 40, 80, 3),
            new Stage(false, 6, 5, 1, 80, 112, 3),
            new Stage(false, 6, 5, 2, 112, 192, 4),
            new Stage(false, 6, 3, 1, 192, 320, 1),
        };

        private static readonly Stage[] s_v2s =
        {
            new Stage(true, 1, 3, 1, 24, 24, 2),
            new Stage(true, 4, 3, 2, 24, 48, 4),
            new Stage(true, 4, 3, 2, 48, 64, 4),
            new Stage(false, 4, 3, 2, 64, 128, 6),
            new Stage(false, 6, 3, 1, 128, 160, 9),
            new Stage(false, 6, 3, 2, 160, 256, 15),
        };

        private static readonly Stage[] s_v2m =
        {
            new Stage(true, 1, 3, 1, 24, 24, 3),
            new Stage(true, 4, 3, 2, 24, 48, 5),
            new Stage(true, 4, 3, 2, 48, 80, 5),
            new Stage(false, 4, 3, 2, 80, 160, 7),
            new Stage(false, 6, 3, 1, 160, 176, 14),
            new Stage(false, 6, 3, 2, 176, 304, 18),
            new Stage(false, 6, 3, 1, 304, 512, 5),
        };

        private static readonly Stage[] s_v2l =
        {
            new Stage(true, 1, 3, 1, 32, 32, 4),
            new Stage(true, 4, 3, 2, 32, 64, 7),
            new Stage(true, 4, 3, 2, 64, 96, 7),
            new Stage(false, 4, 3, 2, 96, 192, 10),
            new Stage(false, 6, 3, 1, 192, 224, 19),
            new Stage(false, 6, 3, 2, 224, 384, 25),
            new Stage(false, 6, 3, 1, 384, 640, 7),
        };

        /// <summary>V2's <c>last_channel</c>; V1's last conv has 4× the last stage's channels.</summary>
        private const int V2LastChannel = 1280;

        /// <summary>
        /// The stages of a variant: B0 … B7 are 0 … 7 (channels through _make_divisible(c · width_mult, 8), layers
        /// ceil(n · depth_mult)); V2 S, M, L are <paramref name="v2"/> 0, 1, 2 (unscaled).
        /// </summary>
        private static Stage[] Stages(bool v2, int variant)
        {
            if (v2) return variant == 0 ? s_v2s : variant == 1 ? s_v2m : s_v2l;
            double width = s_scaling[variant][0], depth = s_scaling[variant][1];
            var scaled = new Stage[s_b.Length];
            for (int i = 0; i < s_b.Length; i++)
            {
                Stage s = s_b[i];
                scaled[i] = new Stage(false, s.Expand, s.Kernel, s.Stride, Adjust(s.Input, width), Adjust(s.Output, width), (int)Math.Ceiling(s.Layers * depth));
            }
            return scaled;
        }

        /// <summary>torchvision's <c>_MBConvConfig.adjust_channels</c>: _make_divisible(channels · width_mult, 8).</summary>
        private static int Adjust(double channels, double width) => MobileNetV2Layout.MakeDivisible(channels * width);

        private static float Eps(bool v2, int variant) => v2 || variant >= 5 ? 1e-3f : 1e-5f;

        /// <summary>Channels of the last conv (what the classifier reads).</summary>
        public static int LastChannel(bool v2, int variant)
        {
            Stage[] stages = Stages(v2, variant);
            return v2 ? V2LastChannel : 4 * stages[stages.Length - 1].Output;
        }

        /// <summary>
        /// Builds <c>features</c>; fills <paramref name="stages"/> with features.0 and the output of every stage whose first
        /// block has stride 2 (strides 2, 4, 8, 16, 32), then the last conv.
        /// </summary>
        public static string? Build(NetBuilder b, string x, bool v2, int variant, string features, LocationInfo? at, IDictionary<int, string> stages)
        {
            Stage[] settings = Stages(v2, variant);
            float eps = Eps(v2, variant);
            string? y = Blocks.ConvNormActivation(b, x, features + "0", settings[0].Input, 3, 2, 1, ActivationKind.Silu, eps, at);
            int stage = 0;
            if (y is not null) stages[stage++] = y;
            for (int i = 0; i < settings.Length; i++)
            {
                Stage s = settings[i];
                for (int j = 0; j < s.Layers; j++)
                {
                    // torchvision: every block after a stage's first takes its output channels as input, with stride 1.
                    int input = j == 0 ? s.Input : s.Output, stride = j == 0 ? s.Stride : 1;
                    string p = $"{features}{i + 1}.{j}";
                    y = s.Fused ? FusedMBConv(b, p, y, s, input, stride, eps, at) : MBConv(b, p, y, s, input, stride, eps, at);
                }
                if (y is null) return null;
                if (i + 1 < settings.Length && settings[i + 1].Stride > 1) stages[stage++] = y;
            }
            y = Blocks.ConvNormActivation(b, y, $"{features}{settings.Length + 1}", LastChannel(v2, variant), 1, 1, 1, ActivationKind.Silu, eps, at);
            if (y is not null) stages[stage] = y;
            return y;
        }

        private static string? MBConv(NetBuilder b, string p, string? x, Stage s, int input, int stride, float eps, LocationInfo? at)
        {
            int expanded = Adjust(input, s.Expand);
            int n = 0;
            string? y = x;
            if (expanded != input) y = Blocks.ConvNormActivation(b, y, $"{p}.block.{n++}", expanded, 1, 1, 1, ActivationKind.Silu, eps, at);
            y = Blocks.ConvNormActivation(b, y, $"{p}.block.{n++}", expanded, s.Kernel, stride, expanded, ActivationKind.Silu, eps, at);
            y = Blocks.SqueezeExcitation(b, y, $"{p}.block.{n++}", Math.Max(1, input / 4), ActivationKind.Silu, ActivationKind.Sigmoid, at);
            y = Blocks.ConvNormActivation(b, y, $"{p}.block.{n}", s.Output, 1, 1, 1, ActivationKind.None, eps, at);
            return Residual(b, p, y, x, input, s.Output, stride, at);
        }

        private static string? FusedMBConv(NetBuilder b, string p, string? x, Stage s, int input, int stride, float eps, LocationInfo? at)
        {
            int expanded = Adjust(input, s.Expand);
            string? y;
            if (expanded != input)
            {
                y = Blocks.ConvNormActivation(b, x, $"{p}.block.0", expanded, s.Kernel, stride, 1, ActivationKind.Silu, eps, at);
                y = Blocks.ConvNormActivation(b, y, $"{p}.block.1", s.Output, 1, 1, 1, ActivationKind.None, eps, at);
            }
            else
            {
                y = Blocks.ConvNormActivation(b, x, $"{p}.block.0", s.Output, s.Kernel, stride, 1, ActivationKind.Silu, eps, at);
            }
            return Residual(b, p, y, x, input, s.Output, stride, at);
        }

        /// <summary><c>use_res_connect</c>: stride 1 and equal channels; stochastic depth is the identity in eval mode.</summary>
        private static string? Residual(NetBuilder b, string p, string? y, string? x, int input, int output, int stride, LocationInfo? at) =>
            stride == 1 && input == output ? Blocks.Add(b, y, x, p + ".add", at, $"[EfficientNet] {p}") : y;
    }
}
