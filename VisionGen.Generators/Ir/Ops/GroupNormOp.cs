using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.GroupNorm(groups, C)</c>, and <c>nn.InstanceNorm2d</c> as one group per channel: weight and bias [C] when
    /// affine. An absorbed activation runs as a second element-wise pass on the CPU; the GPU kernel applies it as it writes.
    /// </summary>
    internal sealed record GroupNormOp(string Prefix, int Groups, float Eps, bool Affine, bool Instance, ActivationSpec Activation = default) : Op
    {
        [NnOp("GroupNorm", "InstanceNorm2d")]
        internal static object? FromNn(NnCall c)
        {
            bool instance = c.Method == "InstanceNorm2d";
            bool affine = c.Bool(instance ? "affine" : "affine");
            string? name = affine ? c.Prefix() : c.String("name");
            if (name is null) return TensorValue.Error;
            return c.Apply(new GroupNormOp(name, instance ? 0 : c.Int("groups"), c.Float("eps"), affine, instance), c.Tensor("x"));
        }

        public override string Kind => Instance ? "instance_norm" : "group_norm";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!x.IsImage)
            {
                check.Mismatch($"this layer needs an N×C×H×W input, but its input is {x.Text}" + (x.Rank == 2 ? " (flat)" : ""));
                return null;
            }
            int groups = GroupsFor(x);
            if (groups <= 0 || x.C % groups != 0)
            {
                if (groups <= 0) check.Report(Diagnostics.NonPositive, check.What + " groups", I(groups));
                else check.Mismatch($"{groups} groups must divide the {x.C} channels");
                return null;
            }
            if (!(Eps > 0) || float.IsInfinity(Eps))
            {
                check.OutOfRange("eps", $"a finite positive number, but it is {F(Eps)}");
                return null;
            }
            return x;
        }

        private int GroupsFor(Shape x) => Instance ? x.C : Groups;

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            if (!Affine) yield break;
            yield return WeightDef.Of(Prefix + WeightNames.Weight, inputs[0].C);
            yield return WeightDef.Of(Prefix + WeightNames.Bias, inputs[0].C);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override IReadOnlyList<string> WeightFields => new[] { "Weight", "Bias" };

        public override string? WeightKey => Prefix + "|norm";

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            Instance ? "instance norm" : $"group norm ({GroupsFor(inputs[0])} groups)";

        public override string? GpuScratch(IReadOnlyList<Shape> inputs, Shape output)
        {
            Shape x = inputs[0];
            int groups = GroupsFor(x);
            return $"global::VisionGen.Kernels.GpuKernels.NormScratchLength({L((long)x.N * groups)}, {L((long)x.C / groups * x.H * x.W)})";
        }

        public override void EmitCpuLoad(LoadContext c) => NormWeights.EmitCpu(c, Prefix, Affine);

        public override void EmitGpuLoad(LoadContext c) => NormWeights.EmitGpu(c, Prefix, Affine);

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.Line($"global::VisionGen.Normalization.Normalize.GroupNorm({c.In(0)}, {c.Out}, {I(x.C)}, {I(x.H * x.W)}, {I(GroupsFor(x))}, {c.Field("Weight")}, {c.Field("Bias")}, {Float(Eps)});");
            if (!Activation.IsNone) c.Line($"global::VisionGen.Cpu.Elementwise.Activate({c.Out}, {Activation.Code}, {c.Out});");
        }

        public override string? CpuWarmUp(StepContext c)
        {
            Shape x = c.Inputs[0];
            return $"global::VisionGen.Normalization.Normalize.GroupNormWarmUp({I(x.H * x.W)}, {I(GroupsFor(x))}, {(Affine ? "true" : "false")}, {Activation.Code});";
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            // The GPU kernel applies the activation as it writes the output (no second pass, no second launch).
            string activation = Activation.IsNone ? "" : $", {Activation.Code}";
            c.Line($"Kernels.GroupNorm({c.In(0)}, {c.Out}, {I(x.N)}, {I(x.C)}, {I(x.H * x.W)}, {I(GroupsFor(x))}, {c.Field("Weight")}, {c.Field("Bias")}, {c.GpuScratch}, {Float(Eps)}{activation});");
        }
    }

    /// <summary>Load-time code of a normalization layer's optional affine parameters, shared by group and layer norm.</summary>
    internal static class NormWeights
    {
        public static void EmitCpu(LoadContext c, string prefix, bool affine) =>
            c.Line(affine
                ? $"({c.Field("Weight")}, {c.Field("Bias")}) = (weights[{Literal(prefix + WeightNames.Weight)}], weights[{Literal(prefix + WeightNames.Bias)}]);"
                : $"({c.Field("Weight")}, {c.Field("Bias")}) = ([], []); // no affine parameters");

        public static void EmitGpu(LoadContext c, string prefix, bool affine) =>
            c.Line(affine
                ? $"({c.Field("Weight")}, {c.Field("Bias")}) = (UploadWeights(weights[{Literal(prefix + WeightNames.Weight)}]), UploadWeights(weights[{Literal(prefix + WeightNames.Bias)}]));"
                : $"({c.Field("Weight")}, {c.Field("Bias")}) = (default, default); // no affine parameters");
    }
}
