using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Model;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// A per-channel affine map with constants fixed at build time: y[c] = x[c]·Scale[c] + Shift[c] (torchvision's
    /// GoogLeNet and Inception3 <c>transform_input</c>, which re-normalizes ImageNet-normalized input to the ±1 range the
    /// original Google weights expect). No weights are read; the constants are written into the generated code and run
    /// through the batch-norm scale-and-shift kernels of each backend.
    /// </summary>
    internal sealed record ChannelAffineOp(string Name, EquatableArray<float> Scale, EquatableArray<float> Shift) : Op
    {
        public override string Kind => "affine";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!x.IsImage)
            {
                check.Mismatch($"a per-channel affine map needs an N×C×H×W input, but its input is {x.Text}");
                return null;
            }
            if (x.C != Scale.Count || x.C != Shift.Count)
            {
                check.Mismatch($"{Name} has {Scale.Count} per-channel constants, but its input has {x.C} channels");
                return null;
            }
            return x;
        }

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"{Name}: x·[{string.Join(", ", Scale.Select(F))}] + [{string.Join(", ", Shift.Select(F))}] per channel";

        public override IReadOnlyList<string> WeightFields => new[] { "Scale", "Shift" };

        public override string? WeightKey => Name + "|constant affine";

        private string Constants(EquatableArray<float> values) => "new float[] { " + string.Join(", ", values.Select(Float)) + " }";

        public override void EmitCpuLoad(LoadContext c)
        {
            c.Line($"{c.Field("Scale")} = {Constants(Scale)};");
            c.Line($"{c.Field("Shift")} = {Constants(Shift)};");
        }

        public override void EmitGpuLoad(LoadContext c) =>
            c.Line($"({c.Field("Scale")}, {c.Field("Shift")}) = (UploadWeights({Constants(Scale)}), UploadWeights({Constants(Shift)}));");

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.PerImage(n => c.Line(
                $"global::VisionGen.Cpu.Elementwise.ScaleShift({I(x.C)}, {I(x.H * x.W)}, {c.InImage(0, n)}, {c.Field("Scale")}, {c.Field("Shift")}, default, global::VisionGen.Cpu.Activation.None, {c.OutImage(n)});"));
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.Line($"Kernels.ScaleShift({I(x.C)}, {I(x.H * x.W)}, {c.In(0)}, {c.Field("Scale")}, {c.Field("Shift")}, default, global::VisionGen.Cpu.Activation.None, {c.Out}, batch: {I(x.N)});");
        }
    }
}
