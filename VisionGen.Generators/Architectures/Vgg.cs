using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's VGG (<c>torchvision.models.vgg</c>, <c>vgg11</c> … <c>vgg19_bn</c>): <c>features</c> is one
    /// <c>nn.Sequential</c> of 3×3 convolutions (padding 1, with bias), each followed by a batch norm in the <c>_bn</c>
    /// variants, then ReLU, with a 2×2 max pool after each block; indices count every module, as torchvision's
    /// <c>make_layers</c> does. The classifier (adaptive 7×7 average pool, classifier.0/3/6 with ReLU, dropout the
    /// identity) is <see cref="ClassifierHead"/>'s.
    /// </summary>
    internal static class Vgg
    {
        /// <summary>Depths torchvision defines.</summary>
        public static readonly int[] Depths = { 11, 13, 16, 19 };

        /// <summary>Hidden width of torchvision's classifier (fixed: <c>nn.Linear(512 * 7 * 7, 4096)</c>).</summary>
        public const int ClassifierHidden = 4096;

        /// <summary>torchvision's <c>cfgs</c> "A", "B", "D", "E": output channels of each conv, 0 for a max pool.</summary>
        public static int[]? Configuration(int depth)
        {
            switch (depth)
            {
                case 11: return new[] { 64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0 };
                case 13: return new[] { 64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0 };
                case 16: return new[] { 64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0 };
                case 19: return new[] { 64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0 };
                default: return null;
            }
        }

        /// <summary>
        /// Builds <c>features</c>; fills <paramref name="stages"/> with the output of each max pool (keys 1..5, strides 2…32).
        /// </summary>
        public static string? Build(NetBuilder b, string x, int depth, bool batchNorm, string features, LocationInfo? at, IDictionary<int, string> stages)
        {
            int[] cfg = Configuration(depth)!;
            string? y = x;
            int index = 0, stage = 1;
            foreach (int v in cfg)
            {
                if (v == 0)
                {
                    b.At(at, $"[VGG] {features}{index}");
                    y = b.Apply(new Pool2dOp(Max: true, 2, 2, 0), $"{features}{index}", y);
                    if (y is null) return null;
                    stages[stage++] = y;
                    index++;
                    continue;
                }
                y = Blocks.Conv(b, y, $"{features}{index}", v, 3, padding: 1, at: at);
                index++;
                if (batchNorm)
                {
                    y = Blocks.BatchNorm(b, y, $"{features}{index}", at);
                    index++;
                }
                y = Blocks.Activation(b, y, ActivationKind.Relu, $"{features}{index}");
                index++;
            }
            return y;
        }

        /// <summary>
        /// torchvision's VGG classifier: <c>avgpool</c> (adaptive 7×7), flatten, classifier.0 (25088 → 4096) ReLU,
        /// classifier.3 (4096 → 4096) ReLU, classifier.6 (4096 → classes); the two dropouts are the identity at inference.
        /// </summary>
        public static string? Classifier(NetBuilder b, string? x, int classes, LocationInfo? at)
        {
            b.At(at, "[ClassifierHead]");
            string? y = b.Apply(new AdaptivePool2dOp(Max: false, 7, 7), "avgpool", x);
            if (y is null) return null;
            Shape pooled = b.ShapeOf(y);
            y = b.Apply(new ReshapeOp(Shape.Of(pooled.N, (int)pooled.ImageLength), IsFlatten: true), "flatten", y);
            y = SequentialStack.Linear(b.At(at, "[ClassifierHead]"), y, "classifier.0", ClassifierHidden, bias: true, declaredIn: 0, "classifier.0");
            y = Blocks.Activation(b, y, ActivationKind.Relu, "classifier.1");
            y = SequentialStack.Linear(b.At(at, "[ClassifierHead]"), y, "classifier.3", ClassifierHidden, bias: true, declaredIn: 0, "classifier.3");
            y = Blocks.Activation(b, y, ActivationKind.Relu, "classifier.4");
            return SequentialStack.Linear(b.At(at, "[ClassifierHead]"), y, "classifier.6", classes, bias: true, declaredIn: 0, "classifier.6");
        }
    }
}
