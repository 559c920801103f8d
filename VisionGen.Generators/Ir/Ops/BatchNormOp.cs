using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.BatchNorm2d</c> in eval mode: weight, bias, running_mean, running_var [C] (num_batches_tracked is allowed and
    /// never read). Folded into the convolution before it when it can be; otherwise a per-channel scale and shift
    /// computed at load, with an optional residual add and activation in the same pass.
    /// </summary>
    internal sealed record BatchNormOp(string Prefix, float Eps = 1e-5f, ActivationSpec Activation = default, bool Residual = false) : Op
    {
        [NnOp("BatchNorm2d")]
        internal static object? FromNn(NnCall c) => c.Prefix() is string name ? c.Apply(new BatchNormOp(name, c.Float("eps")), c.Tensor("x")) : TensorValue.Error;

        public override string Kind => "bn";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!x.IsImage)
            {
                check.Mismatch($"batch norm needs an N×C×H×W input, but its input is {x.Text}" + (x.Rank == 2 ? " (flat)" : ""));
                return null;
            }
            if (!(Eps > 0) || float.IsInfinity(Eps))
            {
                check.OutOfRange("eps", $"a finite positive number, but it is {F(Eps)}");
                return null;
            }
            return x;
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            int c = inputs[0].C;
            yield return WeightDef.Of(Prefix + WeightNames.Weight, c);
            yield return WeightDef.Of(Prefix + WeightNames.Bias, c);
            yield return WeightDef.Of(Prefix + WeightNames.RunningMean, c);
            yield return WeightDef.Of(Prefix + WeightNames.RunningVar, c);
            yield return new WeightDef(Prefix + WeightNames.NumBatchesTracked, Model.EquatableArray<int>.Empty, Ignored: true);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override Op? WithResidual() => Residual || !Activation.IsNone ? null : this with { Residual = true };

        public override IReadOnlyList<string> WeightFields => new[] { "Scale", "Shift" };

        public override string? WeightKey => Prefix + "|bn";

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => "batch norm (inference: scale and shift per channel)";

        public override void EmitCpuLoad(LoadContext c) =>
            c.Line($"global::VisionGen.Weights.LayerWeights.BatchNorm(weights, {Literal(Prefix)}, eps: {Format.Eps(Eps)}, out {c.Field("Scale")}, out {c.Field("Shift")});");

        public override void EmitGpuLoad(LoadContext c)
        {
            string a = c.Temp(), b = c.Temp();
            c.Line($"global::VisionGen.Weights.LayerWeights.BatchNorm(weights, {Literal(Prefix)}, eps: {Format.Eps(Eps)}, out float[] {a}, out float[] {b});");
            c.Line($"({c.Field("Scale")}, {c.Field("Shift")}) = (UploadWeights({a}), UploadWeights({b}));");
        }

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            c.PerImage(n =>
            {
                string residual = Residual ? c.Image(c.In(c.Node.Inputs.Count - 1), n) : "default";
                c.Line($"global::VisionGen.Cpu.Elementwise.ScaleShift({I(x.C)}, {I(x.H * x.W)}, {c.InImage(0, n)}, {c.Field("Scale")}, {c.Field("Shift")}, {residual}, {Activation.Code}, {c.OutImage(n)});");
            });
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            string residual = Residual ? c.In(c.Node.Inputs.Count - 1) : "default";
            c.Line($"Kernels.ScaleShift({I(x.C)}, {I(x.H * x.W)}, {c.In(0)}, {c.Field("Scale")}, {c.Field("Shift")}, {residual}, {Activation.Code}, {c.Out}, batch: {I(x.N)});");
        }
    }
}
