using System.Collections.Generic;
using System.Globalization;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// A custom <c>nn.Sequential</c> declared layer by layer with attributes, in source order; each layer reports its
    /// problems at its own attribute.
    /// </summary>
    internal static class SequentialStack
    {
        public static string? Build(NetBuilder b, string x, IReadOnlyList<LayerSpec> layers)
        {
            string? y = x;
            for (int index = 0; index < layers.Count && y is not null; index++)
            {
                LayerSpec layer = layers[index];
                string label = layer.Prefix.Length > 0 ? layer.Prefix : $"{layer.Kind}#{index.ToString(CultureInfo.InvariantCulture)}";
                string what = layer.Prefix.Length > 0 ? $"[{layer.Kind}(\"{layer.Prefix}\")]" : $"[{layer.Kind}]";
                b.At(layer.Location, what, declaredLayer: true);
                Shape shape = b.ShapeOf(y);
                switch (layer.Kind)
                {
                    case LayerKind.Conv2d:
                        if (layer.InChannels > 0 && shape.IsImage && layer.InChannels != shape.C)
                        {
                            b.Check.Mismatch($"declares InChannels = {layer.InChannels}, but its input has {shape.C} channels");
                            return null;
                        }
                        y = b.Apply(Conv2dOp.Square(layer.Prefix, layer.OutChannels, layer.KernelSize, layer.Stride, layer.Padding, layer.Dilation, layer.Groups, layer.Bias), label, y);
                        break;
                    case LayerKind.BatchNorm2d:
                        y = b.Apply(new BatchNormOp(layer.Prefix, layer.Eps), label, y);
                        break;
                    case LayerKind.ReLU:
                    case LayerKind.ReLU6:
                        y = b.Apply(new ActivationOp(new ActivationSpec(layer.Kind == LayerKind.ReLU ? ActivationKind.Relu : ActivationKind.Relu6, 0f)), label, y);
                        break;
                    case LayerKind.MaxPool2d:
                    case LayerKind.AvgPool2d:
                        y = b.Apply(new Pool2dOp(layer.Kind == LayerKind.MaxPool2d, layer.KernelSize, layer.Stride, layer.Padding), label, y);
                        break;
                    case LayerKind.GroupNorm:
                    case LayerKind.InstanceNorm2d:
                        y = b.Apply(new GroupNormOp(layer.Prefix, layer.Groups, layer.Eps, layer.Bias, Instance: layer.Kind == LayerKind.InstanceNorm2d), label, y);
                        break;
                    case LayerKind.LayerNorm:
                        y = b.Apply(new LayerNormOp(layer.Prefix, layer.Eps, layer.Bias), label, y);
                        break;
                    case LayerKind.GlobalAvgPool:
                        y = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), label, y);
                        break;
                    case LayerKind.Flatten:
                        y = b.Apply(new ReshapeOp(Shape.Of(shape.N, (int)shape.ImageLength), IsFlatten: true), label, y);
                        break;
                    case LayerKind.Linear:
                        y = Linear(b, y, layer.Prefix, layer.OutChannels, layer.Bias, layer.InFeatures, label);
                        break;
                }
            }
            return y;
        }

        /// <summary>
        /// A Linear layer of a stack or head: its input must be flat (PyTorch would apply it to the last axis only, which
        /// in a stack is almost always a forgotten <c>[Flatten]</c>), and a declared InFeatures must match.
        /// </summary>
        public static string? Linear(NetBuilder b, string? x, string prefix, int outFeatures, bool bias, int declaredIn, string label)
        {
            if (x is null) return null;
            Shape shape = b.ShapeOf(x);
            string what = $"[Linear(\"{prefix}\")]";
            if (shape.Rank != 2)
            {
                b.Check.Report(Diagnostics.LinearMismatch, what, $"its input is {shape.Text}, not flat; add [Flatten] before it (PyTorch's Linear would act on the last axis only)");
                return null;
            }
            if (declaredIn > 0 && declaredIn != shape[1])
            {
                b.Check.Report(Diagnostics.LinearMismatch, what, $"declares InFeatures = {declaredIn}, but the flattened input has {shape[1]} features");
                return null;
            }
            return b.Apply(new LinearOp(prefix, outFeatures, bias), label, x);
        }
    }
}
