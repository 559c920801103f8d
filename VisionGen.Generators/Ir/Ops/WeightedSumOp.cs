using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// BiFPN's fast normalized fusion of two or three same-shaped tensors: y = act(Σ wᵢ·xᵢ) with
    /// wᵢ = relu(weightᵢ) / (Σⱼ relu(weightⱼ) + 1e-4). The trained weights are <c>{Prefix}.weight</c> [inputs]; they are
    /// normalized once at load time, so each run is one pass over the inputs. May absorb the activation after it (swish).
    /// </summary>
    internal sealed record WeightedSumOp(string Prefix, ActivationSpec Activation = default) : Op
    {
        public override string Kind => "fuse";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            if (inputs.Count is < 2 or > 3)
            {
                check.Mismatch($"a weighted sum takes two or three inputs, but it has {inputs.Count}");
                return null;
            }
            Shape first = inputs[0];
            foreach (Shape other in inputs.Skip(1))
            {
                if (other == first) continue;
                check.Shapes($"a weighted sum needs inputs of one shape, but they are {string.Join(", ", inputs.Select(s => s.Text))}");
                return null;
            }
            return first;
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            yield return WeightDef.Of(Prefix + WeightNames.Weight, inputs.Count);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override IReadOnlyList<string> WeightFields => new[] { "Weight" };

        public override string? WeightKey => Prefix + "|fusion";

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 2L * inputs.Count * output.Length;

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"fast normalized fusion of {inputs.Count} inputs (weights relu(w) / (sum + 1e-4), normalized at load){(Activation.IsNone ? "" : ", then " + Activation.Text)}";

        public override void EmitCpuLoad(LoadContext c) =>
            c.Line($"{c.Field("Weight")} = global::VisionGen.Weights.LayerWeights.FusionWeights(weights, {Literal(Prefix)});");

        public override void EmitGpuLoad(LoadContext c) =>
            c.Line($"{c.Field("Weight")} = UploadWeights(global::VisionGen.Weights.LayerWeights.FusionWeights(weights, {Literal(Prefix)}));");

        private string Third(StepContext c, string empty) => c.Inputs.Count == 3 ? c.In(2) : empty;

        public override void EmitCpu(StepContext c) =>
            c.Line($"global::VisionGen.Cpu.WeightedSum.Forward({c.In(0)}, {c.In(1)}, {Third(c, "default")}, {c.Field("Weight")}, {Activation.Code}, {c.Out});");

        public override void EmitGpu(StepContext c) =>
            c.Line($"Kernels.WeightedSum({c.In(0)}, {c.In(1)}, {Third(c, "default")}, {c.Field("Weight")}, {Activation.Code}, {c.Out});");
    }
}
