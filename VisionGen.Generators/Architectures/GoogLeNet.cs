using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's GoogLeNet (<c>torchvision.models.googlenet</c>): conv1, maxpool1, conv2, conv3, maxpool2, inception
    /// blocks 3a … 5b (four branches joined by concatenation: 1×1; 1×1 → 3×3; 1×1 → 3×3 — torchvision's known "5×5"
    /// that is a 3×3; 3×3 max pool → 1×1), the max pools in ceil mode. Every conv is a <c>BasicConv2d</c> (conv without
    /// bias, batch norm eps 0.001, ReLU). The auxiliary classifiers aux1 and aux2 run only in training: their tensors are
    /// accepted in the weight file and never read. <c>transform_input</c> (torchvision sets it when it loads the ImageNet
    /// weights) is <see cref="InceptionV3.TransformInput"/>. The classifier (fc after the global average pool) is
    /// <see cref="ClassifierHead"/>'s.
    /// </summary>
    internal static class GoogLeNet
    {
        private const float Eps = 1e-3f;

        /// <summary>The inception blocks: name, then ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj; "pool" is a ceil-mode max pool.</summary>
        private static readonly (string Name, int[] Channels)[] s_blocks =
        {
            ("inception3a", new[] { 64, 96, 128, 16, 32, 32 }),
            ("inception3b", new[] { 128, 128, 192, 32, 96, 64 }),
            ("maxpool3", new int[0]),
            ("inception4a", new[] { 192, 96, 208, 16, 48, 64 }),
            ("inception4b", new[] { 160, 112, 224, 24, 64, 64 }),
            ("inception4c", new[] { 128, 128, 256, 24, 64, 64 }),
            ("inception4d", new[] { 112, 144, 288, 32, 64, 64 }),
            ("inception4e", new[] { 256, 160, 320, 32, 128, 128 }),
            ("maxpool4", new int[0]),
            ("inception5a", new[] { 256, 160, 320, 32, 128, 128 }),
            ("inception5b", new[] { 384, 192, 384, 48, 128, 128 }),
        };

        /// <summary>Channels of the last block (what the classifier reads).</summary>
        public const int LastChannel = 1024;

        /// <summary>
        /// Builds the network up to inception5b; fills <paramref name="stages"/> with the outputs at strides 4 (conv3),
        /// 8 (inception3b), 16 (inception4e) and 32 (inception5b), keys 1..4.
        /// </summary>
        public static string? Build(NetBuilder b, string x, int classes, bool transformInput, LocationInfo? at, IDictionary<int, string> stages)
        {
            string? y = transformInput ? InceptionV3.TransformInput(b, x, at, "[GoogLeNet]") : x;
            y = BasicConv(b, y, "conv1", 64, 7, 2, 3, at);
            y = MaxPool(b, y, "maxpool1", 3, 2, at);
            y = BasicConv(b, y, "conv2", 64, 1, 1, 0, at);
            y = BasicConv(b, y, "conv3", 192, 3, 1, 1, at);
            if (y is null) return null;
            stages[1] = y;
            y = MaxPool(b, y, "maxpool2", 3, 2, at);
            foreach ((string name, int[] c) in s_blocks)
            {
                if (c.Length == 0)
                {
                    if (y is null) return null;
                    stages[stages.Count + 1] = y;
                    y = MaxPool(b, y, name, name == "maxpool4" ? 2 : 3, 2, at);
                    continue;
                }
                y = Inception(b, y, name, c, at);
            }
            if (y is null) return null;
            stages[stages.Count + 1] = y;

            // aux1 (after inception4a, 512 channels) and aux2 (after inception4d, 528): InceptionAux, training only.
            foreach ((string aux, int input) in new[] { ("aux1", 512), ("aux2", 528) })
            {
                b.AllowUnread($"{aux}.conv.conv.weight", 128, input, 1, 1);
                AllowUnreadBatchNorm(b, $"{aux}.conv.bn", 128);
                b.AllowUnread($"{aux}.fc1.weight", 1024, 2048);
                b.AllowUnread($"{aux}.fc1.bias", 1024);
                b.AllowUnread($"{aux}.fc2.weight", classes, 1024);
                b.AllowUnread($"{aux}.fc2.bias", classes);
            }
            return y;
        }

        internal static void AllowUnreadBatchNorm(NetBuilder b, string prefix, int channels)
        {
            b.AllowUnread(prefix + WeightNames.Weight, channels);
            b.AllowUnread(prefix + WeightNames.Bias, channels);
            b.AllowUnread(prefix + WeightNames.RunningMean, channels);
            b.AllowUnread(prefix + WeightNames.RunningVar, channels);
            b.AllowUnread(prefix + WeightNames.NumBatchesTracked);
        }

        private static string? Inception(NetBuilder b, string? x, string p, int[] c, LocationInfo? at)
        {
            string? branch1 = BasicConv(b, x, $"{p}.branch1", c[0], 1, 1, 0, at);
            string? branch2 = BasicConv(b, BasicConv(b, x, $"{p}.branch2.0", c[1], 1, 1, 0, at), $"{p}.branch2.1", c[2], 3, 1, 1, at);
            string? branch3 = BasicConv(b, BasicConv(b, x, $"{p}.branch3.0", c[3], 1, 1, 0, at), $"{p}.branch3.1", c[4], 3, 1, 1, at);
            b.At(at, $"[GoogLeNet] {p}.branch4.0");
            string? pooled = b.Apply(new Pool2dOp(Max: true, 3, 1, 1, CeilMode: true), $"{p}.branch4.0", x);
            string? branch4 = BasicConv(b, pooled, $"{p}.branch4.1", c[5], 1, 1, 0, at);
            b.At(at, $"[GoogLeNet] {p}");
            return b.Apply(new CatOp(1), p, branch1, branch2, branch3, branch4);
        }

        private static string? MaxPool(NetBuilder b, string? x, string name, int kernel, int stride, LocationInfo? at)
        {
            b.At(at, $"[GoogLeNet] {name}");
            return b.Apply(new Pool2dOp(Max: true, kernel, stride, 0, CeilMode: true), name, x);
        }

        /// <summary>torchvision's <c>BasicConv2d</c> at <paramref name="p"/>: <c>p.conv</c> (no bias), <c>p.bn</c> (eps 0.001), ReLU.</summary>
        private static string? BasicConv(NetBuilder b, string? x, string p, int outChannels, int kernel, int stride, int padding, LocationInfo? at) =>
            Blocks.ConvBnAct(b, x, p + ".conv", p + ".bn", outChannels, kernel, stride, padding, 1, ActivationKind.Relu, at, Eps);
    }
}
