using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's Inception v3 (<c>torchvision.models.inception_v3</c>, class <c>Inception3</c>): the stem
    /// (Conv2d_1a_3x3 … Conv2d_4a_3x3 with two 3×3 stride-2 max pools), Mixed_5b–5d (InceptionA), Mixed_6a (B), Mixed_6b–6e
    /// (C, with 1×7 and 7×1 convolutions), Mixed_7a (D), Mixed_7b–7c (E, whose 1×3 and 3×1 branches are concatenated in
    /// the block); branches joined by concatenation, average-pool branches 3×3 stride 1 padding 1 counting the padding
    /// (<c>F.avg_pool2d</c>'s default). Every conv is a <c>BasicConv2d</c> (no bias, batch norm eps 0.001, ReLU).
    /// AuxLogits runs only in training: its tensors are accepted and never read. The smallest input torchvision allows is
    /// 75×75. The classifier (fc after the global average pool) is <see cref="ClassifierHead"/>'s.
    /// </summary>
    internal static class InceptionV3
    {
        private const float Eps = 1e-3f;

        /// <summary>Channels of Mixed_7c (what the classifier reads).</summary>
        public const int LastChannel = 2048;

        /// <summary>
        /// torchvision's <c>_transform_input</c> (GoogLeNet and Inception3): x[c]·(std[c] / 0.5) + (mean[c] − 0.5) / 0.5
        /// with ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) — the computation is torch's, in doubles
        /// rounded once to float, then applied in float as torch does.
        /// </summary>
        public static string? TransformInput(NetBuilder b, string x, LocationInfo? at, string what)
        {
            double[] mean = { 0.485, 0.456, 0.406 }, std = { 0.229, 0.224, 0.225 };
            var scale = new float[3];
            var shift = new float[3];
            for (int c = 0; c < 3; c++)
            {
                scale[c] = (float)(std[c] / 0.5);
                shift[c] = (float)((mean[c] - 0.5) / 0.5);
            }
            b.At(at, what + " TransformInput");
            return b.Apply(new ChannelAffineOp("transform_input", new EquatableArray<float>(scale), new EquatableArray<float>(shift)), "transform_input", x);
        }

        /// <summary>
        /// Builds the network up to Mixed_7c; fills <paramref name="stages"/> with the outputs at strides 4 (Conv2d_4a_3x3),
        /// 8 (Mixed_5d), 16 (Mixed_6e) and 32 (Mixed_7c), keys 1..4.
        /// </summary>
        public static string? Build(NetBuilder b, string x, int classes, bool transformInput, LocationInfo? at, IDictionary<int, string> stages)
        {
            string? y = transformInput ? TransformInput(b, x, at, "[InceptionV3]") : x;
            y = Conv(b, y, "Conv2d_1a_3x3", 32, 3, 2, at);
            y = Conv(b, y, "Conv2d_2a_3x3", 32, 3, 1, at);
            y = Conv(b, y, "Conv2d_2b_3x3", 64, 3, 1, at, padding: 1);
            y = MaxPool(b, y, "maxpool1", at);
            y = Conv(b, y, "Conv2d_3b_1x1", 80, 1, 1, at);
            y = Conv(b, y, "Conv2d_4a_3x3", 192, 3, 1, at);
            if (y is null) return null;
            stages[1] = y;
            y = MaxPool(b, y, "maxpool2", at);
            y = InceptionA(b, y, "Mixed_5b", 32, at);
            y = InceptionA(b, y, "Mixed_5c", 64, at);
            y = InceptionA(b, y, "Mixed_5d", 64, at);
            if (y is null) return null;
            stages[2] = y;
            y = InceptionB(b, y, "Mixed_6a", at);
            y = InceptionC(b, y, "Mixed_6b", 128, at);
            y = InceptionC(b, y, "Mixed_6c", 160, at);
            y = InceptionC(b, y, "Mixed_6d", 160, at);
            y = InceptionC(b, y, "Mixed_6e", 192, at);
            if (y is null) return null;
            stages[3] = y;
            y = InceptionD(b, y, "Mixed_7a", at);
            y = InceptionE(b, y, "Mixed_7b", at);
            y = InceptionE(b, y, "Mixed_7c", at);
            if (y is null) return null;
            stages[4] = y;

            // AuxLogits (InceptionAux on Mixed_6e's 768 channels): training only.
            b.AllowUnread("AuxLogits.conv0.conv.weight", 128, 768, 1, 1);
            GoogLeNet.AllowUnreadBatchNorm(b, "AuxLogits.conv0.bn", 128);
            b.AllowUnread("AuxLogits.conv1.conv.weight", 768, 128, 5, 5);
            GoogLeNet.AllowUnreadBatchNorm(b, "AuxLogits.conv1.bn", 768);
            b.AllowUnread("AuxLogits.fc.weight", classes, 768);
            b.AllowUnread("AuxLogits.fc.bias", classes);
            return y;
        }

        private static string? InceptionA(NetBuilder b, string? x, string p, int poolFeatures, LocationInfo? at)
        {
            string? branch1x1 = Conv(b, x, $"{p}.branch1x1", 64, 1, 1, at);
            string? branch5x5 = Conv(b, x, $"{p}.branch5x5_1", 48, 1, 1, at);
            branch5x5 = Conv(b, branch5x5, $"{p}.branch5x5_2", 64, 5, 1, at, padding: 2);
            string? dbl = Conv(b, x, $"{p}.branch3x3dbl_1", 64, 1, 1, at);
            dbl = Conv(b, dbl, $"{p}.branch3x3dbl_2", 96, 3, 1, at, padding: 1);
            dbl = Conv(b, dbl, $"{p}.branch3x3dbl_3", 96, 3, 1, at, padding: 1);
            string? pool = Conv(b, AvgPool(b, x, p, at), $"{p}.branch_pool", poolFeatures, 1, 1, at);
            return Cat(b, p, at, branch1x1, branch5x5, dbl, pool);
        }

        private static string? InceptionB(NetBuilder b, string? x, string p, LocationInfo? at)
        {
            string? branch3x3 = Conv(b, x, $"{p}.branch3x3", 384, 3, 2, at);
            if (branch3x3 is null) return null; // an input too small for one stride-2 branch is too small for all: one diagnostic
            string? dbl = Conv(b, x, $"{p}.branch3x3dbl_1", 64, 1, 1, at);
            dbl = Conv(b, dbl, $"{p}.branch3x3dbl_2", 96, 3, 1, at, padding: 1);
            dbl = Conv(b, dbl, $"{p}.branch3x3dbl_3", 96, 3, 2, at);
            return Cat(b, p, at, branch3x3, dbl, MaxPool(b, x, $"{p}.branch_pool (max pool)", at));
        }

        private static string? InceptionC(NetBuilder b, string? x, string p, int c7, LocationInfo? at)
        {
            string? branch1x1 = Conv(b, x, $"{p}.branch1x1", 192, 1, 1, at);
            string? b7 = Conv(b, x, $"{p}.branch7x7_1", c7, 1, 1, at);
            b7 = Row(b, b7, $"{p}.branch7x7_2", c7, 7, at);
            b7 = Column(b, b7, $"{p}.branch7x7_3", 192, 7, at);
            string? dbl = Conv(b, x, $"{p}.branch7x7dbl_1", c7, 1, 1, at);
            dbl = Column(b, dbl, $"{p}.branch7x7dbl_2", c7, 7, at);
            dbl = Row(b, dbl, $"{p}.branch7x7dbl_3", c7, 7, at);
            dbl = Column(b, dbl, $"{p}.branch7x7dbl_4", c7, 7, at);
            dbl = Row(b, dbl, $"{p}.branch7x7dbl_5", 192, 7, at);
            string? pool = Conv(b, AvgPool(b, x, p, at), $"{p}.branch_pool", 192, 1, 1, at);
            return Cat(b, p, at, branch1x1, b7, dbl, pool);
        }

        private static string? InceptionD(NetBuilder b, string? x, string p, LocationInfo? at)
        {
            string? b3 = Conv(b, x, $"{p}.branch3x3_1", 192, 1, 1, at);
            b3 = Conv(b, b3, $"{p}.branch3x3_2", 320, 3, 2, at);
            if (b3 is null) return null; // as in InceptionB: one diagnostic, not one per branch
            string? b7 = Conv(b, x, $"{p}.branch7x7x3_1", 192, 1, 1, at);
            b7 = Row(b, b7, $"{p}.branch7x7x3_2", 192, 7, at);
            b7 = Column(b, b7, $"{p}.branch7x7x3_3", 192, 7, at);
            b7 = Conv(b, b7, $"{p}.branch7x7x3_4", 192, 3, 2, at);
            return Cat(b, p, at, b3, b7, MaxPool(b, x, $"{p}.branch_pool (max pool)", at));
        }

        private static string? InceptionE(NetBuilder b, string? x, string p, LocationInfo? at)
        {
            string? branch1x1 = Conv(b, x, $"{p}.branch1x1", 320, 1, 1, at);
            string? b3 = Conv(b, x, $"{p}.branch3x3_1", 384, 1, 1, at);
            b3 = Cat(b, $"{p}.branch3x3", at, Row(b, b3, $"{p}.branch3x3_2a", 384, 3, at), Column(b, b3, $"{p}.branch3x3_2b", 384, 3, at));
            string? dbl = Conv(b, x, $"{p}.branch3x3dbl_1", 448, 1, 1, at);
            dbl = Conv(b, dbl, $"{p}.branch3x3dbl_2", 384, 3, 1, at, padding: 1);
            dbl = Cat(b, $"{p}.branch3x3dbl", at, Row(b, dbl, $"{p}.branch3x3dbl_3a", 384, 3, at), Column(b, dbl, $"{p}.branch3x3dbl_3b", 384, 3, at));
            string? pool = Conv(b, AvgPool(b, x, p, at), $"{p}.branch_pool", 192, 1, 1, at);
            return Cat(b, p, at, branch1x1, b3, dbl, pool);
        }

        /// <summary><c>BasicConv2d</c> at <paramref name="p"/> with a square kernel.</summary>
        private static string? Conv(NetBuilder b, string? x, string p, int outChannels, int kernel, int stride, LocationInfo? at, int padding = 0) =>
            Blocks.ConvBnAct(b, x, p + ".conv", p + ".bn", outChannels, kernel, stride, padding, 1, ActivationKind.Relu, at, Eps);

        /// <summary><c>BasicConv2d</c> with kernel (1, k) and padding (0, k/2).</summary>
        private static string? Row(NetBuilder b, string? x, string p, int outChannels, int k, LocationInfo? at) =>
            Blocks.ConvBnAct(b, x, p + ".conv", p + ".bn", outChannels, (1, k), 1, (0, k / 2), ActivationKind.Relu, at, Eps);

        /// <summary><c>BasicConv2d</c> with kernel (k, 1) and padding (k/2, 0).</summary>
        private static string? Column(NetBuilder b, string? x, string p, int outChannels, int k, LocationInfo? at) =>
            Blocks.ConvBnAct(b, x, p + ".conv", p + ".bn", outChannels, (k, 1), 1, (k / 2, 0), ActivationKind.Relu, at, Eps);

        private static string? MaxPool(NetBuilder b, string? x, string name, LocationInfo? at)
        {
            b.At(at, $"[InceptionV3] {name}");
            return b.Apply(new Pool2dOp(Max: true, 3, 2, 0), name, x);
        }

        private static string? AvgPool(NetBuilder b, string? x, string p, LocationInfo? at)
        {
            b.At(at, $"[InceptionV3] {p}.branch_pool");
            return b.Apply(new Pool2dOp(Max: false, 3, 1, 1), $"{p}.avg_pool", x);
        }

        private static string? Cat(NetBuilder b, string name, LocationInfo? at, params string?[] branches)
        {
            b.At(at, $"[InceptionV3] {name}");
            return b.Apply(new CatOp(1), name, branches);
        }
    }
}
