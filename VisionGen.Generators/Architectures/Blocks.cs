using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>The few layer shapes every architecture file repeats, written once over <see cref="NetBuilder"/>.</summary>
    internal static class Blocks
    {
        public static string? Conv(NetBuilder b, string? x, string prefix, int outChannels, int kernel, int stride = 1, int padding = 0,
            int groups = 1, bool bias = true, string? label = null, LocationInfo? at = null, int dilation = 1)
        {
            b.At(at, $"[Conv2d(\"{prefix}\")]");
            return b.Apply(Conv2dOp.Square(prefix, outChannels, kernel, stride, padding, dilation, groups, bias), label ?? prefix, x);
        }

        public static string? BatchNorm(NetBuilder b, string? x, string prefix, LocationInfo? at, float eps = 1e-5f)
        {
            b.At(at, $"[BatchNorm2d(\"{prefix}\")]");
            return b.Apply(new BatchNormOp(prefix, eps), prefix, x);
        }

        public static string? Activation(NetBuilder b, string? x, ActivationKind kind, string label) =>
            b.Apply(new ActivationOp(new ActivationSpec(kind, 0f)), label, x);

        /// <summary>Conv (no bias) → BatchNorm2d → activation, torchvision's <c>Conv2dNormActivation</c> and ResNet's conv/bn pairs.</summary>
        public static string? ConvBnAct(NetBuilder b, string? x, string convPrefix, string bnPrefix, int outChannels, int kernel, int stride, int padding,
            int groups, ActivationKind activation, LocationInfo? at, float eps = 1e-5f, int dilation = 1)
        {
            string? y = Conv(b, x, convPrefix, outChannels, kernel, stride, padding, groups, bias: false, at: at, dilation: dilation);
            y = BatchNorm(b, y, bnPrefix, at, eps);
            return activation == ActivationKind.None ? y : Activation(b, y, activation, convPrefix + ".act");
        }

        /// <summary>
        /// Conv (no bias, kernel and padding per axis) → BatchNorm2d → activation: Inception's <c>BasicConv2d</c> with its
        /// 1×7, 7×1, 1×3 and 3×1 kernels.
        /// </summary>
        public static string? ConvBnAct(NetBuilder b, string? x, string convPrefix, string bnPrefix, int outChannels, (int H, int W) kernel, int stride,
            (int H, int W) padding, ActivationKind activation, LocationInfo? at, float eps)
        {
            b.At(at, $"[Conv2d(\"{convPrefix}\")]");
            string? y = b.Apply(new Conv2dOp(convPrefix, outChannels, kernel.H, kernel.W, stride, stride, padding.H, padding.W, 1, 1, 1, Bias: false), convPrefix, x);
            y = BatchNorm(b, y, bnPrefix, at, eps);
            return activation == ActivationKind.None ? y : Activation(b, y, activation, convPrefix + ".act");
        }

        /// <summary>
        /// torchvision's <c>Conv2dNormActivation</c> as <c>{prefix}.0</c> (conv), <c>{prefix}.1</c> (batch norm) and its
        /// activation, with the padding it computes: (kernel − 1) / 2 · dilation.
        /// </summary>
        public static string? ConvNormActivation(NetBuilder b, string? x, string prefix, int outChannels, int kernel, int stride, int groups,
            ActivationKind activation, float eps, LocationInfo? at, int dilation = 1) =>
            ConvBnAct(b, x, prefix + ".0", prefix + ".1", outChannels, kernel, stride, (kernel - 1) / 2 * dilation, groups, activation, at, eps, dilation);

        /// <summary>
        /// torchvision's <c>SqueezeExcitation</c> at <paramref name="prefix"/>: global average pool, <c>fc1</c> (1×1 conv with
        /// bias) → <paramref name="activation"/> → <c>fc2</c> → <paramref name="scale"/>, then the input times that per-channel scale.
        /// </summary>
        public static string? SqueezeExcitation(NetBuilder b, string? x, string prefix, int squeezeChannels, ActivationKind activation, ActivationKind scale,
            LocationInfo? at)
        {
            if (x is null) return null;
            int channels = b.ShapeOf(x).C;
            b.At(at, $"{prefix} (squeeze-excitation)");
            string? s = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), prefix + ".avgpool", x);
            s = Conv(b, s, prefix + ".fc1", squeezeChannels, 1, at: at);
            s = Activation(b, s, activation, prefix + ".activation");
            s = Conv(b, s, prefix + ".fc2", channels, 1, at: at);
            s = Activation(b, s, scale, prefix + ".scale_activation");
            b.At(at, $"{prefix} (squeeze-excitation)");
            return b.Apply(new BinaryOp(Multiply: true), prefix + ".scale", s, x);
        }

        /// <summary><c>F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)</c>, ATen's scales for a size.</summary>
        public static string? ResizeBilinear(NetBuilder b, string? x, int height, int width, string label, LocationInfo? at, string what)
        {
            if (x is null) return null;
            Shape s = b.ShapeOf(x);
            b.At(at, what);
            return b.Apply(new InterpolateOp(true, height, width, InterpolateOp.AtenScale(true, false, s.H, height, null),
                InterpolateOp.AtenScale(true, false, s.W, width, null), false), label, x);
        }

        /// <summary>A residual add (<c>result += input</c>): the optimizer fuses it into the op producing <paramref name="result"/>.</summary>
        public static string? Add(NetBuilder b, string? result, string? input, string label, LocationInfo? at, string what)
        {
            b.At(at, what);
            return b.Apply(new BinaryOp(Multiply: false), label, result, input);
        }
    }
}
