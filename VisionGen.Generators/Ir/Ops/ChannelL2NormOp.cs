using System.Collections.Generic;
using VisionGen.Generators.Emit;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>weight.view(1, −1, 1, 1) · F.normalize(x, p=2, dim=1)</c>: every pixel's channel vector divided by its L2 norm
    /// (at least <see cref="Eps"/>), then scaled per channel by the tensor named <see cref="Weight"/> — torchvision's SSD300
    /// L2Norm on conv4_3, whose learned scale is the bare parameter <c>backbone.scale_weight</c>.
    /// </summary>
    internal sealed record ChannelL2NormOp(string Weight, float Eps = 1e-12f) : Op
    {
        public override string Kind => "l2_norm";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            if (!inputs[0].IsImage)
            {
                check.Mismatch($"an L2 norm across channels needs an N×C×H×W input, but its input is {inputs[0].Text}");
                return null;
            }
            return inputs[0];
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            yield return WeightDef.Of(Weight, inputs[0].C);
        }

        public override IReadOnlyList<string> WeightFields => new[] { "Weight" };

        public override string? WeightKey => Weight + "|l2";

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => $"L2 norm across the {inputs[0].C} channels, times {Weight}";

        public override void EmitCpuLoad(LoadContext c) => c.Line($"{c.Field("Weight")} = weights[{Literal(Weight)}];");

        public override void EmitGpuLoad(LoadContext c) => c.Line($"{c.Field("Weight")} = UploadWeights(weights[{Literal(Weight)}]);");

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.Line($"global::VisionGen.Normalization.Normalize.ChannelL2({c.In(0)}, {c.Out}, {I(x.C)}, {I(x.H * x.W)}, {c.Field("Weight")}, {Float(Eps)});");
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.Line($"Kernels.ChannelL2({c.In(0)}, {c.Out}, {I(x.N)}, {I(x.C)}, {I(x.H * x.W)}, {c.Field("Weight")}, {Float(Eps)});");
        }
    }
}
