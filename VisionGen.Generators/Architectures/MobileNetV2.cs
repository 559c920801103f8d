using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's MobileNetV2 (<c>torchvision.models.mobilenetv2</c>): features.0 … features.18 with inverted residual
    /// blocks and torchvision's <c>_make_divisible</c> channel rounding; <paramref name="features"/> prefixes every name.
    /// </summary>
    internal static class MobileNetV2
    {
        /// <summary>
        /// Builds the features; fills <paramref name="stages"/> as torchvision's <c>_mobilenet_extractor</c> numbers them:
        /// features.0, every block with stride > 1, and the last conv.
        /// </summary>
        public static string? Build(NetBuilder b, string x, double width, string features, LocationInfo? at, IDictionary<int, string> stages)
        {
            int inputChannel = MobileNetV2Layout.MakeDivisible(MobileNetV2Layout.InputChannel * width);
            int lastChannel = MobileNetV2Layout.LastChannelFor(width);
            string? y = Blocks.ConvBnAct(b, x, features + "0.0", features + "0.1", inputChannel, 3, 2, 1, 1, ActivationKind.Relu6, at);
            int stageIndex = 0;
            if (y is not null) stages[stageIndex++] = y;
            int feature = 1;
            foreach (int[] setting in MobileNetV2Layout.InvertedResidualSettings)
            {
                int t = setting[0], c = setting[1], n = setting[2], s = setting[3];
                int outputChannel = MobileNetV2Layout.MakeDivisible(c * width);
                for (int i = 0; i < n; i++)
                {
                    int stride = i == 0 ? s : 1;
                    y = InvertedResidual(b, $"{features}{feature}", y, inputChannel, outputChannel, stride, t, at);
                    if (y is not null && stride > 1) stages[stageIndex++] = y;
                    inputChannel = outputChannel;
                    feature++;
                }
            }
            y = Blocks.ConvBnAct(b, y, $"{features}{feature}.0", $"{features}{feature}.1", lastChannel, 1, 1, 0, 1, ActivationKind.Relu6, at);
            if (y is not null) stages[stageIndex] = y;
            return y;
        }

        private static string? InvertedResidual(NetBuilder b, string p, string? x, int inp, int oup, int stride, int expandRatio, LocationInfo? at)
        {
            // Python: hidden_dim = int(round(inp * expand_ratio)) — both ints here, so exact.
            int hidden = inp * expandRatio;
            int index = 0;
            string? y = x;
            if (expandRatio != 1)
            {
                y = Blocks.ConvBnAct(b, y, $"{p}.conv.0.0", $"{p}.conv.0.1", hidden, 1, 1, 0, 1, ActivationKind.Relu6, at);
                index = 1;
            }
            y = Blocks.ConvBnAct(b, y, $"{p}.conv.{index}.0", $"{p}.conv.{index}.1", hidden, 3, stride, 1, hidden, ActivationKind.Relu6, at);
            y = Blocks.ConvBnAct(b, y, $"{p}.conv.{index + 1}", $"{p}.conv.{index + 2}", oup, 1, 1, 0, 1, ActivationKind.None, at);
            if (stride != 1 || inp != oup) return y;
            b.At(at, $"[MobileNetV2] {p}");
            return b.Apply(new BinaryOp(Multiply: false), p + ".add", y, x);
        }
    }
}
