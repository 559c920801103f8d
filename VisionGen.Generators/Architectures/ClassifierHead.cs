using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// <c>[ClassifierHead]</c>: the backbone's own torchvision classifier. Global average pool, flatten and one linear
    /// layer bound to <c>fc</c> (ResNet, GoogLeNet, Inception v3, a custom stack) or <c>classifier.1</c> (MobileNetV2,
    /// EfficientNet; classifier.0 is dropout, the identity at inference); MobileNetV3's classifier.0 → hardswish →
    /// classifier.3; VGG's adaptive 7×7 pool and classifier.0/3/6 (<see cref="Vgg.Classifier"/>). With a declared prefix,
    /// the global-average-pool head with one linear layer at that prefix, after any backbone.
    /// </summary>
    internal static class ClassifierHead
    {
        public static string? Build(NetBuilder b, string? x, ArchitectureSpec spec)
        {
            string prefix = spec.HeadPrefix;
            if (prefix.Length == 0 && spec.Backbone == BackboneKind.Vgg) return Vgg.Classifier(b, x, spec.Classes, spec.HeadLocation);
            string linear = prefix.Length > 0 ? prefix : spec.Backbone switch
            {
                BackboneKind.MobileNetV2 or BackboneKind.EfficientNet or BackboneKind.EfficientNetV2 => "classifier.1",
                BackboneKind.MobileNetV3 => "classifier.3",
                _ => "fc",
            };
            b.At(spec.HeadLocation, "[ClassifierHead]");
            string? y = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), "avgpool", x);
            if (y is null) return null;
            Shape pooled = b.ShapeOf(y);
            y = b.Apply(new ReshapeOp(Shape.Of(pooled.N, pooled.C), IsFlatten: true), "flatten", y);
            if (prefix.Length == 0 && spec.Backbone == BackboneKind.MobileNetV3)
            {
                int hidden = MobileNetV3.LastChannel(spec.Small, spec.WidthMultiplier, spec.ReducedTail);
                y = SequentialStack.Linear(b.At(spec.HeadLocation, "[ClassifierHead]"), y, "classifier.0", hidden, bias: true, declaredIn: 0, "classifier.0");
                y = Blocks.Activation(b, y, ActivationKind.Hardswish, "classifier.1");
            }
            return SequentialStack.Linear(b.At(spec.HeadLocation, "[ClassifierHead]"), y, linear, spec.Classes, bias: true, declaredIn: 0, linear);
        }
    }
}
