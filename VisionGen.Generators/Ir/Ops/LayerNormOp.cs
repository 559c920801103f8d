using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.LayerNorm(x.shape[1:])</c>: normalizes every batch item over all its dimensions; weight and bias of that
    /// shape when elementwise-affine. An absorbed activation runs as a second element-wise pass on the CPU; the GPU kernel
    /// applies it as it writes.
    /// </summary>
    internal sealed record LayerNormOp(string Prefix, float Eps, bool Affine, ActivationSpec Activation = default) : Op
    {
        [NnOp("LayerNorm")]
        internal static object? FromNn(NnCall c)
        {
            bool affine = c.Bool("elementwiseAffine");
            string? name = affine ? c.Prefix() : c.String("name");
            return name is null ? TensorValue.Error : c.Apply(new LayerNormOp(name, c.Float("eps"), affine), c.Tensor("x"));
        }

        public override string Kind => "layer_norm";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            if (inputs[0].Rank < 2)
            {
                check.Mismatch($"layer norm needs a batch dimension and at least one more, but its input is {inputs[0].Text}");
                return null;
            }
            if (!(Eps > 0) || float.IsInfinity(Eps))
            {
                check.OutOfRange("eps", $"a finite positive number, but it is {F(Eps)}");
                return null;
            }
            return inputs[0];
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            if (!Affine) yield break;
            int[] shape = inputs[0].Dims.Skip(1).ToArray();
            yield return WeightDef.Of(Prefix + WeightNames.Weight, shape);
            yield return WeightDef.Of(Prefix + WeightNames.Bias, shape);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override IReadOnlyList<string> WeightFields => new[] { "Weight", "Bias" };

        public override string? WeightKey => Prefix + "|norm";

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => $"layer norm over each {string.Join("x", inputs[0].Dims.Skip(1))} item";

        public override string? GpuScratch(IReadOnlyList<Shape> inputs, Shape output) =>
            $"global::VisionGen.Kernels.GpuKernels.NormScratchLength({I(inputs[0].N)}, {L(inputs[0].ImageLength)})";

        public override void EmitCpuLoad(LoadContext c) => NormWeights.EmitCpu(c, Prefix, Affine);

        public override void EmitGpuLoad(LoadContext c) => NormWeights.EmitGpu(c, Prefix, Affine);

        public override void EmitCpu(StepContext c)
        {
            c.Line($"global::VisionGen.Normalization.Normalize.LayerNorm({c.In(0)}, {c.Out}, {L(c.Inputs[0].ImageLength)}, {c.Field("Weight")}, {c.Field("Bias")}, {Float(Eps)});");
            if (!Activation.IsNone) c.Line($"global::VisionGen.Cpu.Elementwise.Activate({c.Out}, {Activation.Code}, {c.Out});");
        }

        public override void EmitGpu(StepContext c)
        {
            // The GPU kernel applies the activation as it writes the output (no second pass, no second launch).
            string activation = Activation.IsNone ? "" : $", {Activation.Code}";
            c.Line($"Kernels.LayerNorm({c.In(0)}, {c.Out}, {I(c.Inputs[0].N)}, {L(c.Inputs[0].ImageLength)}, {c.Field("Weight")}, {c.Field("Bias")}, {c.GpuScratch}, {Float(Eps)}{activation});");
        }
    }
}
