using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.Linear</c> on the last dimension: weight <c>{Prefix}.weight</c> [out, in], bias <c>{Prefix}.bias</c> [out]; may
    /// absorb an activation. One kernel call per row (a flat [N, F] input has N rows).
    /// </summary>
    internal sealed record LinearOp(string Prefix, int OutFeatures, bool Bias, ActivationSpec Activation = default) : Op
    {
        [NnOp("Linear")]
        internal static object? FromNn(NnCall c) => c.Prefix() is string name
            ? c.Apply(new LinearOp(name, c.Int("outFeatures"), c.Bool("bias")), c.Tensor("x"))
            : TensorValue.Error;

        public override string Kind => "linear";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!OpChecks.Positive(check, ("out features", OutFeatures))) return null;
            int inFeatures = x[x.Rank - 1];
            if (!check.FitsInMemory(OutFeatures, inFeatures) || !check.FitsInMemory(x.Length / inFeatures, OutFeatures)) return null;
            int[] dims = x.Dims.ToArray();
            dims[dims.Length - 1] = OutFeatures;
            return Shape.Of(dims);
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            Shape x = inputs[0];
            yield return WeightDef.Of(Prefix + WeightNames.Weight, OutFeatures, x[x.Rank - 1]);
            if (Bias) yield return WeightDef.Of(Prefix + WeightNames.Bias, OutFeatures);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override IReadOnlyList<string> WeightFields => new[] { "Weight", "Bias" };

        public override string? WeightKey => Prefix + "|linear";

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => $"linear {inputs[0][inputs[0].Rank - 1]} -> {OutFeatures}";

        public override void EmitCpuLoad(LoadContext c) =>
            c.Line($"global::VisionGen.Weights.LayerWeights.Linear(weights, {Literal(Prefix)}, outFeatures: {I(OutFeatures)}, hasBias: {(Bias ? "true" : "false")}, out {c.Field("Weight")}, out {c.Field("Bias")});");

        public override void EmitGpuLoad(LoadContext c)
        {
            string a = c.Temp(), b = c.Temp();
            c.Line($"global::VisionGen.Weights.LayerWeights.Linear(weights, {Literal(Prefix)}, outFeatures: {I(OutFeatures)}, hasBias: {(Bias ? "true" : "false")}, out float[] {a}, out float[] {b});");
            c.Line($"({c.Field("Weight")}, {c.Field("Bias")}) = (UploadWeights({a}), UploadWeights({b}));");
        }

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 2L * inputs[0].Length * OutFeatures;

        public override string? CpuWarmUp(StepContext c)
        {
            // Every input feature (the vector width depends on it), a few outputs.
            int inFeatures = InFeatures(c), outputs = System.Math.Min(OutFeatures, 16 + OutFeatures % 16);
            return $"global::VisionGen.Cpu.Linear.Forward({I(inFeatures)}, {I(outputs)}, new float[{I(inFeatures)}], new float[{L((long)inFeatures * outputs)}], default, {Activation.Code}, new float[{I(outputs)}]);";
        }

        public override void EmitCpu(StepContext c) => EmitRows(c, (x, y) =>
            $"global::VisionGen.Cpu.Linear.Forward({I(InFeatures(c))}, {I(OutFeatures)}, {x}, {c.Field("Weight")}, {c.Field("Bias")}, {Activation.Code}, {y});");

        public override void EmitGpu(StepContext c)
        {
            // Every row (batch item, leading dimension) in one launch.
            long rows = c.Inputs[0].Length / InFeatures(c);
            string batched = rows == 1 ? "" : $", rows: {L(rows)}";
            c.Line($"Kernels.Linear({I(InFeatures(c))}, {I(OutFeatures)}, {c.In(0)}, {c.Field("Weight")}, {c.Field("Bias")}, {Activation.Code}, {c.Out}{batched});");
        }

        private static int InFeatures(StepContext c) => c.Inputs[0][c.Inputs[0].Rank - 1];

        private void EmitRows(StepContext c, System.Func<string, string, string> call)
        {
            int inFeatures = InFeatures(c);
            long rows = c.Inputs[0].Length / inFeatures;
            if (rows == 1)
            {
                c.Line(call(c.In(0), c.Out));
                return;
            }
            string slice = c.IsGpu ? "SubView" : "Slice";
            string r = c.IsGpu ? "(long)row" : "row";
            c.Line($"for (int row = 0; row < {L(rows)}; row++)");
            c.Line("    " + call($"{c.In(0)}.{slice}({r} * {I(inFeatures)}, {I(inFeatures)})", $"{c.Out}.{slice}({r} * {I(OutFeatures)}, {I(OutFeatures)})"));
        }
    }
}
