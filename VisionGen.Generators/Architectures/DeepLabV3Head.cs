using System.Globalization;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's DeepLabV3 head (<c>torchvision.models.segmentation.deeplabv3.DeepLabHead</c>) under <c>classifier.</c>:
    /// <c>classifier.0</c> is ASPP — <c>convs.0</c> a 1×1 conv/bn/ReLU, <c>convs.1..3</c> 3×3 convs dilated 12, 24, 36
    /// (padding = dilation), <c>convs.4</c> image pooling (global average pool, 1×1 conv/bn/ReLU, bilinear back to the
    /// feature size), concatenated and projected by <c>project.0/1</c> + ReLU (its dropout the identity); then
    /// <c>classifier.1/2</c> a 3×3 conv/bn + ReLU and <c>classifier.4</c> the 1×1 conv to the classes. The model's output is
    /// that upsampled bilinearly to the input (<c>_SimpleSegmentationModel.forward</c>).
    /// </summary>
    internal static class DeepLabV3Head
    {
        private const int Channels = 256;
        private static readonly int[] s_rates = { 12, 24, 36 };

        public static string? Build(NetBuilder b, string? x, int classes, LocationInfo? at)
        {
            if (x is null) return null;
            Shape features = b.ShapeOf(x);
            const string aspp = "classifier.0.";
            var branches = new string?[s_rates.Length + 2];
            branches[0] = Blocks.ConvBnAct(b, x, aspp + "convs.0.0", aspp + "convs.0.1", Channels, 1, 1, 0, 1, ActivationKind.Relu, at);
            for (int i = 0; i < s_rates.Length; i++)
            {
                int rate = s_rates[i];
                string p = aspp + "convs." + (i + 1).ToString(CultureInfo.InvariantCulture);
                branches[i + 1] = Blocks.ConvBnAct(b, x, p + ".0", p + ".1", Channels, 3, 1, rate, 1, ActivationKind.Relu, at, dilation: rate);
            }
            b.At(at, "[DeepLabV3Head] ASPP pooling");
            string? pooled = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), aspp + "convs.4.0", x);
            pooled = Blocks.ConvBnAct(b, pooled, aspp + "convs.4.1", aspp + "convs.4.2", Channels, 1, 1, 0, 1, ActivationKind.Relu, at);
            branches[branches.Length - 1] = Blocks.ResizeBilinear(b, pooled, features.H, features.W, aspp + "convs.4.upsample", at, "[DeepLabV3Head] ASPP pooling");
            b.At(at, "[DeepLabV3Head] ASPP");
            string? y = b.Apply(new CatOp(1), aspp + "cat", branches);
            y = Blocks.ConvBnAct(b, y, aspp + "project.0", aspp + "project.1", Channels, 1, 1, 0, 1, ActivationKind.Relu, at);
            y = Blocks.ConvBnAct(b, y, "classifier.1", "classifier.2", Channels, 3, 1, 1, 1, ActivationKind.Relu, at);
            return Blocks.Conv(b, y, "classifier.4", classes, 1, at: at);
        }
    }
}
