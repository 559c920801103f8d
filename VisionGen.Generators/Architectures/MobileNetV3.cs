using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's MobileNetV3 (<c>torchvision.models.mobilenetv3</c>, <c>mobilenet_v3_large</c> and
    /// <c>mobilenet_v3_small</c>, with <c>width_mult</c>, <c>reduced_tail</c> and <c>dilated</c>): features.0 (3×3 stride-2
    /// conv, hardswish), inverted residual blocks <c>features.i.block.j</c> (expand 1×1, depthwise k×k, squeeze-excitation
    /// with ReLU and hardsigmoid at <c>block.j.fc1/fc2</c>, project 1×1), and a last 1×1 conv to 6× its input channels;
    /// batch norm eps 0.001 throughout (1e-5 under an FPN neck: the detection builders pass norm_layer=BatchNorm2d). The classifier (classifier.0, hardswish, classifier.3) is <see cref="ClassifierHead"/>'s.
    /// </summary>
    internal static class MobileNetV3
    {
        /// <summary>One row of torchvision's <c>_mobilenet_v3_conf</c>: channels before width scaling.</summary>
        internal readonly struct Setting
        {
            public Setting(int input, int kernel, int expanded, int output, bool se, bool hardswish, int stride, bool tail)
            {
                Input = input; Kernel = kernel; Expanded = expanded; Output = output; Se = se; Hardswish = hardswish; Stride = stride; Tail = tail;
            }

            public int Input { get; }
            public int Kernel { get; }
            public int Expanded { get; }
            public int Output { get; }
            public bool Se { get; }
            public bool Hardswish { get; }
            public int Stride { get; }

            /// <summary>The C4 blocks, whose channels reduced_tail halves and whose depthwise conv dilated makes dilation 2.</summary>
            public bool Tail { get; }
        }

        /// <summary>torchvision's rows; <paramref name="r"/> is reduce_divider (2 with reduced_tail). A tail row's channels are divided before scaling, as there.</summary>
        internal static Setting[] Settings(bool small, int r)
        {
            if (!small)
            {
                return new[]
                {
                    new Setting(16, 3, 16, 16, false, false, 1, false),
                    new Setting(16, 3, 64, 24, false, false, 2, false),
                    new Setting(24, 3, 72, 24, false, false, 1, false),
                    new Setting(24, 5, 72, 40, true, false, 2, false),
                    new Setting(40, 5, 120, 40, true, false, 1, false),
                    new Setting(40, 5, 120, 40, true, false, 1, false),
                    new Setting(40, 3, 240, 80, false, true, 2, false),
                    new Setting(80, 3, 200, 80, false, true, 1, false),
                    new Setting(80, 3, 184, 80, false, true, 1, false),
                    new Setting(80, 3, 184, 80, false, true, 1, false),
                    new Setting(80, 3, 480, 112, true, true, 1, false),
                    new Setting(112, 3, 672, 112, true, true, 1, false),
                    new Setting(112, 5, 672, 160 / r, true, true, 2, true),
                    new Setting(160 / r, 5, 960 / r, 160 / r, true, true, 1, true),
                    new Setting(160 / r, 5, 960 / r, 160 / r, true, true, 1, true),
                };
            }
            return new[]
            {
                new Setting(16, 3, 16, 16, true, false, 2, false),
                new Setting(16, 3, 72, 24, false, false, 2, false),
                new Setting(24, 3, 88, 24, false, false, 1, false),
                new Setting(24, 5, 96, 40, true, true, 2, false),
                new Setting(40, 5, 240, 40, true, true, 1, false),
                new Setting(40, 5, 240, 40, true, true, 1, false),
                new Setting(40, 5, 120, 48, true, true, 1, false),
                new Setting(48, 5, 144, 48, true, true, 1, false),
                new Setting(48, 5, 288, 96 / r, true, true, 2, true),
                new Setting(96 / r, 5, 576 / r, 96 / r, true, true, 1, true),
                new Setting(96 / r, 5, 576 / r, 96 / r, true, true, 1, true),
            };
        }

        /// <summary>torchvision's MobileNetV3 batch-norm eps (BatchNorm2d with eps=0.001), as the classifier, segmentation and SSDlite builders use it.</summary>
        internal const float ClassifierEps = 1e-3f;

        /// <summary>The detection builders pass norm_layer=BatchNorm2d (or FrozenBatchNorm2d for trained weights), whose eps is 1e-5.</summary>
        private const float DetectionEps = 1e-5f;

        internal static int Adjust(int channels, double width) => MobileNetV2Layout.MakeDivisible(channels * width);

        /// <summary>The classifier's hidden width, torchvision's <c>last_channel</c>: adjust_channels(1280 or 1024, divided with reduced_tail).</summary>
        public static int LastChannel(bool small, double width, bool reducedTail) => Adjust((small ? 1024 : 1280) / (reducedTail ? 2 : 1), width);

        /// <summary>
        /// Builds <c>features</c>; fills <paramref name="stages"/> as torchvision's <c>_mobilenet_extractor</c> numbers them:
        /// features.0, every block with stride 2, and the last conv. <paramref name="detectionNorm"/>: the body of torchvision's
        /// FPN detection builders (batch-norm eps 1e-5); otherwise the classifier's, which segmentation builders and the
        /// BiFPN reference keep (1e-3).
        /// </summary>
        public static string? Build(NetBuilder b, string x, bool small, double width, bool reducedTail, bool dilated, string features, LocationInfo? at,
            IDictionary<int, string> stages, bool detectionNorm = false)
        {
            float eps = detectionNorm ? DetectionEps : ClassifierEps;
            Setting[] settings = Settings(small, reducedTail ? 2 : 1);
            int first = Adjust(settings[0].Input, width);
            string? y = Blocks.ConvNormActivation(b, x, features + "0", first, 3, 2, 1, ActivationKind.Hardswish, eps, at);
            int stage = 0;
            if (y is not null) stages[stage++] = y;
            int index = 1;
            foreach (Setting s in settings)
            {
                y = InvertedResidual(b, $"{features}{index}", y, s, width, s.Tail && dilated ? 2 : 1, eps, at);
                if (y is not null && s.Stride > 1) stages[stage++] = y;
                index++;
            }
            int lastIn = Adjust(settings[settings.Length - 1].Output, width);
            y = Blocks.ConvNormActivation(b, y, $"{features}{index}", 6 * lastIn, 1, 1, 1, ActivationKind.Hardswish, eps, at);
            if (y is not null) stages[stage] = y;
            return y;
        }

        private static string? InvertedResidual(NetBuilder b, string p, string? x, Setting s, double width, int dilation, float eps, LocationInfo? at)
        {
            int input = Adjust(s.Input, width), expanded = Adjust(s.Expanded, width), output = Adjust(s.Output, width);
            ActivationKind activation = s.Hardswish ? ActivationKind.Hardswish : ActivationKind.Relu;
            int j = 0;
            string? y = x;
            if (expanded != input) y = Blocks.ConvNormActivation(b, y, $"{p}.block.{j++}", expanded, 1, 1, 1, activation, eps, at);
            // torchvision: stride = 1 if dilation > 1 else cnf.stride.
            y = Blocks.ConvNormActivation(b, y, $"{p}.block.{j++}", expanded, s.Kernel, dilation > 1 ? 1 : s.Stride, expanded, activation, eps, at, dilation);
            if (s.Se) y = Blocks.SqueezeExcitation(b, y, $"{p}.block.{j++}", MobileNetV2Layout.MakeDivisible(expanded / 4), ActivationKind.Relu, ActivationKind.Hardsigmoid, at);
            y = Blocks.ConvNormActivation(b, y, $"{p}.block.{j}", output, 1, 1, 1, ActivationKind.None, eps, at);
            return s.Stride == 1 && input == output ? Blocks.Add(b, y, x, p + ".add", at, $"[MobileNetV3] {p}") : y;
        }
    }
}
