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
            int groups = 1, bool bias = true, string? label = null, LocationInfo? at = null)
        {
            b.At(at, $"[Conv2d(\"{prefix}\")]");
            return b.Apply(Conv2dOp.Square(prefix, outChannels, kernel, stride, padding, 1, groups, bias), label ?? prefix, x);
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
            int groups, ActivationKind activation, LocationInfo? at)
        {
            string? y = Conv(b, x, convPrefix, outChannels, kernel, stride, padding, groups, bias: false, at: at);
            y = BatchNorm(b, y, bnPrefix, at);
            return activation == ActivationKind.None ? y : Activation(b, y, activation, convPrefix + ".act");
        }
    }
}
