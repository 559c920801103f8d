using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.ConvTranspose2d</c>: weight <c>{Prefix}.weight</c> [in, out/groups, k, k], bias <c>{Prefix}.bias</c>;
    /// H' = (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1. May absorb an activation. CPU: a GEMM into
    /// scratch then a scatter-add (col2im), one image per call; GPU: one launch for the batch.
    /// </summary>
    internal sealed record ConvTranspose2dOp(string Prefix, int OutChannels, int Kernel, int Stride, int Padding, int OutputPadding,
        int Dilation, int Groups, bool Bias, ActivationSpec Activation = default) : Op
    {
        [NnOp("ConvTranspose2d")]
        internal static object? FromNn(NnCall c) => c.Prefix() is string name
            ? c.Apply(new ConvTranspose2dOp(name, c.Int("outChannels"), c.Int("kernel"), c.Int("stride"), c.Int("padding"), c.Int("outputPadding"),
                c.Int("dilation"), c.Int("groups"), c.Bool("bias")), c.Tensor("x"))
            : TensorValue.Error;

        public override string Kind => "conv_transpose";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!OpChecks.Positive(check, ("out channels", OutChannels), ("kernel size", Kernel), ("stride", Stride), ("dilation", Dilation), ("groups", Groups))
                || !OpChecks.NonNegative(check, ("padding", Padding), ("output padding", OutputPadding)))
                return null;
            if (OutputPadding >= Stride && OutputPadding >= Dilation)
            {
                check.OutOfRange("output padding", $"smaller than the stride or the dilation (PyTorch's rule), but it is {OutputPadding}");
                return null;
            }
            if (!x.IsImage)
            {
                check.Mismatch($"a transposed convolution needs an N×C×H×W input, but its input is {x.Text}");
                return null;
            }
            if (x.C % Groups != 0 || OutChannels % Groups != 0)
            {
                check.Mismatch($"Groups = {Groups} must divide both the input channels ({x.C}) and the output channels ({OutChannels})");
                return null;
            }
            long oh = Output(x.H), ow = Output(x.W);
            if (oh <= 0 || ow <= 0)
            {
                check.Shapes($"the output of {x.Text} would be {oh}x{ow}: padding {Padding} removes more than the {Kernel}x{Kernel} window adds");
                return null;
            }
            if (!check.FitsInMemory(x.N, OutChannels, oh, ow) || !check.FitsInMemory(ConvScratch.TransposedLength(x.C, OutChannels, x.H, x.W, Kernel, Kernel, Groups))) return null;
            return Shape.Of(x.N, OutChannels, (int)oh, (int)ow);
        }

        private long Output(long input) => (input - 1) * Stride - 2L * Padding + (long)Dilation * (Kernel - 1) + OutputPadding + 1;

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            yield return WeightDef.Of(Prefix + WeightNames.Weight, inputs[0].C, OutChannels / Groups, Kernel, Kernel);
            if (Bias) yield return WeightDef.Of(Prefix + WeightNames.Bias, OutChannels);
        }

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override IReadOnlyList<string> WeightFields => new[] { "Weight", "Bias" };

        public override string? WeightKey => Prefix + "|transposed";

        public override long CpuScratch(IReadOnlyList<Shape> inputs, Shape output) =>
            ConvScratch.TransposedLength(inputs[0].C, OutChannels, inputs[0].H, inputs[0].W, Kernel, Kernel, Groups);

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"transposed conv {Kernel}x{Kernel} stride {Stride} padding {Padding}{(OutputPadding != 0 ? $" output padding {OutputPadding}" : "")}" +
            $"{(Dilation != 1 ? $" dilation {Dilation}" : "")}{(Groups != 1 ? $" groups {Groups}" : "")}, GEMM + scatter-add";

        private string ShapeArguments(Shape x, Shape y) =>
            $"InChannels: {I(x.C)}, InHeight: {I(x.H)}, InWidth: {I(x.W)}, OutChannels: {I(y.C)}, OutHeight: {I(y.H)}, OutWidth: {I(y.W)}, " +
            $"KernelHeight: {I(Kernel)}, KernelWidth: {I(Kernel)}, StrideHeight: {I(Stride)}, StrideWidth: {I(Stride)}, " +
            $"PadHeight: {I(Padding)}, PadWidth: {I(Padding)}, DilationHeight: {I(Dilation)}, DilationWidth: {I(Dilation)}, Groups: {I(Groups)}";

        public override void EmitCpuLoad(LoadContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.ConvTranspose2dShape", ShapeArguments(c.Inputs[0], c.Output));
            c.Line($"global::VisionGen.Weights.LayerWeights.TransposedConvolution(weights, in {shape}, {Literal(Prefix)}, hasBias: {(Bias ? "true" : "false")}, out {c.Field("Weight")}, out {c.Field("Bias")});");
        }

        public override void EmitGpuLoad(LoadContext c)
        {
            c.Line(Bias
                ? $"({c.Field("Weight")}, {c.Field("Bias")}) = (UploadWeights(weights[{Literal(Prefix + WeightNames.Weight)}]), UploadWeights(weights[{Literal(Prefix + WeightNames.Bias)}]));"
                : $"({c.Field("Weight")}, {c.Field("Bias")}) = (UploadWeights(weights[{Literal(Prefix + WeightNames.Weight)}]), default);");
        }

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) =>
            2L * inputs[0].Length * (OutChannels / Groups) * Kernel * Kernel;

        public override void EmitCpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.ConvTranspose2dShape", ShapeArguments(c.Inputs[0], c.Output));
            c.PerImage(n => c.Line($"global::VisionGen.Cpu.ConvTranspose2d.Forward(in {shape}, {c.InImage(0, n)}, {c.Field("Weight")}, {c.Field("Bias")}, {Activation.Code}, {c.OutImage(n)}, {c.Scratch});"));
        }

        public override void EmitGpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.ConvTranspose2dShape", ShapeArguments(c.Inputs[0], c.Output));
            string batch = c.Output.N == 1 ? "" : $", batch: {I(c.Output.N)}";
            c.Line($"Kernels.ConvTranspose2d(in {shape}, {c.In(0)}, {c.Field("Weight")}, {c.Field("Bias")}, {Activation.Code}, {c.Out}{batch});");
        }
    }
}
