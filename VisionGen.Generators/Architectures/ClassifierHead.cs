using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// <c>[ClassifierHead]</c>: global average pool, flatten and one linear layer, bound to <c>fc</c> after a ResNet and a
    /// custom stack, <c>classifier.1</c> after a MobileNetV2 (its dropout is the identity at inference), or to the
    /// declared prefix.
    /// </summary>
    internal static class ClassifierHead
    {
        public static string? Build(NetBuilder b, string? x, BackboneKind backbone, int classes, string prefix, LocationInfo? at)
        {
            string linear = prefix.Length > 0 ? prefix : backbone == BackboneKind.MobileNetV2 ? "classifier.1" : "fc";
            b.At(at, "[ClassifierHead]");
            string? y = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), "avgpool", x);
            if (y is null) return null;
            Shape pooled = b.ShapeOf(y);
            y = b.Apply(new ReshapeOp(Shape.Of(pooled.N, pooled.C), IsFlatten: true), "flatten", y);
            return SequentialStack.Linear(b.At(at, "[ClassifierHead]"), y, linear, classes, bias: true, declaredIn: 0, linear);
        }
    }
}
