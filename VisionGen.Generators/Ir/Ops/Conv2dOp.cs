using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.Conv2d</c>: weight <c>{Prefix}.weight</c> [out, in/groups, kh, kw], bias <c>{Prefix}.bias</c>. May absorb the
    /// batch norm after it (folded into its weights at load), a residual add and an activation (its output pass).
    /// CPU: depthwise kernel, Winograd F(4×4, 3×3), GEMM on the input (1×1) or implicit GEMM, chosen by shape; one image
    /// per call. GPU: one launch for the batch.
    /// </summary>
    internal sealed record Conv2dOp(
        string Prefix, int OutChannels,
        int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadHeight, int PadWidth,
        int DilationHeight, int DilationWidth, int Groups, bool Bias,
        string? FoldedBatchNorm = null, float Eps = 1e-5f, ActivationSpec Activation = default, bool Residual = false,
        bool CompactWeights = false, bool PixelRows = false) : Op
    {
        public static Conv2dOp Square(string prefix, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool bias = true) =>
            new Conv2dOp(prefix, outChannels, kernel, kernel, stride, stride, padding, padding, dilation, dilation, groups, bias);

        [NnOp("Conv2d")]
        internal static object? FromNn(NnCall c) => c.Prefix() is string name
            ? c.Apply(Square(name, c.Int("outChannels"), c.Int("kernel"), c.Int("stride"), c.Int("padding"), c.Int("dilation"), c.Int("groups"), c.Bool("bias")), c.Tensor("x"))
            : TensorValue.Error;

        public override string Kind => "conv";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!OpChecks.Positive(check, ("out channels", OutChannels), ("kernel size", KernelHeight), ("kernel size", KernelWidth), ("stride", StrideHeight),
                    ("stride", StrideWidth), ("dilation", DilationHeight), ("dilation", DilationWidth), ("groups", Groups))
                || !OpChecks.NonNegative(check, ("padding", PadHeight), ("padding", PadWidth)))
                return null;
            if (!x.IsImage)
            {
                check.Mismatch($"a convolution needs an N×C×H×W input, but its input is {x.Text}" + (x.Rank == 2 ? " (flat)" : ""));
                return null;
            }
            if (x.C % Groups != 0 || OutChannels % Groups != 0)
            {
                check.Mismatch($"Groups = {Groups} must divide both the input channels ({x.C}) and the output channels ({OutChannels})");
                return null;
            }
            long oh = ShapeRules.WindowOutput64(x.H, KernelHeight, StrideHeight, PadHeight, DilationHeight);
            long ow = ShapeRules.WindowOutput64(x.W, KernelWidth, StrideWidth, PadWidth, DilationWidth);
            if (oh <= 0 || ow <= 0)
            {
                check.WindowDoesNotFit(KernelHeight, DilationHeight, PadHeight, x);
                return null;
            }
            if (!check.FitsInMemory(x.N, OutChannels, oh, ow) || !check.FitsInMemory((long)(x.C / Groups) * KernelHeight * KernelWidth, oh, ow)
                || !check.FitsInMemory((long)OutChannels * (x.C / Groups), KernelHeight, KernelWidth)
                || IsWinograd(x) && !check.FitsInMemory(ConvScratch.WinogradLength(x.C, OutChannels, (int)oh, (int)ow)))
                return null;
            return Shape.Of(x.N, OutChannels, (int)oh, (int)ow);
        }

        public override IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output)
        {
            yield return WeightDef.Of(Prefix + WeightNames.Weight, OutChannels, inputs[0].C / Groups, KernelHeight, KernelWidth);
            if (Bias) yield return WeightDef.Of(Prefix + WeightNames.Bias, OutChannels);
        }

        public override Op? Fold(BatchNormOp batchNorm) =>
            FoldedBatchNorm is null && Activation.IsNone && !Residual ? this with { FoldedBatchNorm = batchNorm.Prefix, Eps = batchNorm.Eps } : null;

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override Op WithCompactWeights() => this with { CompactWeights = true };

        /// <summary>
        /// With the output pixels as the CPU GEMM's rows when every use qualifies (<see cref="ConvScratch.PixelRowsCandidate"/>:
        /// small outputs, or strided kernels larger than 1×1): see <c>GemmRows.OutputPixels</c>.
        /// </summary>
        public override Op? ForSmallOutputs(IReadOnlyList<(IReadOnlyList<Shape> Inputs, Shape Output)> uses)
        {
            foreach (var (inputs, y) in uses)
            {
                Shape x = inputs[0];
                if (!ConvScratch.PixelRowsCandidate(x.C, OutChannels, x.H, x.W, y.H, y.W, KernelHeight, KernelWidth, StrideHeight, StrideWidth,
                        PadHeight, PadWidth, DilationHeight, DilationWidth, Groups))
                    return null;
            }
            return this with { PixelRows = true };
        }

        public override IEnumerable<string> LoadReads(IReadOnlyList<Shape> inputs, Shape output)
        {
            foreach (WeightDef weight in Weights(inputs, output)) yield return weight.Name;
            if (FoldedBatchNorm is null) yield break;
            foreach (string suffix in new[] { WeightNames.Weight, WeightNames.Bias, WeightNames.RunningMean, WeightNames.RunningVar })
                yield return FoldedBatchNorm + suffix;
        }

        public override Op? WithResidual() => Residual || !Activation.IsNone ? null : this with { Residual = true };

        public override IReadOnlyList<string> WeightFields => new[] { "Weight", "Bias" };

        public override string? WeightKey => Prefix + "|" + FoldedBatchNorm;

        public override long CpuScratch(IReadOnlyList<Shape> inputs, Shape output) =>
            PixelRows ? ConvScratch.PixelRowsLength(inputs[0].C, OutChannels, inputs[0].H, inputs[0].W, output.H, output.W, KernelHeight, KernelWidth, PadHeight, PadWidth)
            : IsDirect(inputs[0], output) ? ConvScratch.DirectLength(inputs[0].C, inputs[0].H, inputs[0].W, output.H, output.W, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, DilationHeight, DilationWidth)
            : !CompactWeights && IsWinograd(inputs[0]) ? ConvScratch.WinogradLength(inputs[0].C, OutChannels, output.H, output.W) : 0;

        private bool IsDirect(Shape x, Shape y) =>
            ConvScratch.DirectCandidate(x.C, OutChannels, x.H, x.W, y.H, y.W, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, DilationHeight, DilationWidth, Groups);

        private bool IsWinograd(Shape x) =>
            ConvScratch.WinogradCandidate(x.C, OutChannels, KernelHeight, KernelWidth, StrideHeight, StrideWidth, Groups);

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output)
        {
            Shape x = inputs[0];
            string geometry = KernelHeight == KernelWidth && StrideHeight == StrideWidth && PadHeight == PadWidth && DilationHeight == DilationWidth
                ? $"conv {KernelHeight}x{KernelWidth} stride {StrideHeight} padding {PadHeight}{(DilationHeight != 1 ? $" dilation {DilationHeight}" : "")}"
                : $"conv {KernelHeight}x{KernelWidth} stride {StrideHeight}x{StrideWidth} padding {PadHeight}x{PadWidth}{(DilationHeight != 1 || DilationWidth != 1 ? $" dilation {DilationHeight}x{DilationWidth}" : "")}";
            if (Groups != 1) geometry += $" groups {Groups}";
            string algorithm =
                Groups == x.C && Groups == OutChannels ? "depthwise kernel"
                : PixelRows ? $"GEMM with the output pixels as rows ({(output.H * output.W <= ConvScratch.PixelRowsMaxPixels ? "small output" : StrideHeight > 1 || StrideWidth > 1 ? "strided kernel" : "1x1 reduction")})"
                : IsDirect(x, output) ? (OutChannels <= ConvScratch.DirectMaxOutChannels ? "direct kernel (few output channels)" : "direct kernel (stem on the image)")
                : IsWinograd(x) && DilationHeight == 1 && DilationWidth == 1 && !CompactWeights ? "Winograd F(4x4, 3x3) with hardware SIMD, else implicit GEMM"
                : KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1 && PadHeight == 0 && PadWidth == 0 ? "GEMM on the input (pointwise)"
                : "implicit GEMM";
            return $"{geometry}, {algorithm}";
        }

        private string ShapeArguments(Shape x, Shape y) =>
            $"InChannels: {I(x.C)}, InHeight: {I(x.H)}, InWidth: {I(x.W)}, OutChannels: {I(y.C)}, OutHeight: {I(y.H)}, OutWidth: {I(y.W)}, " +
            $"KernelHeight: {I(KernelHeight)}, KernelWidth: {I(KernelWidth)}, StrideHeight: {I(StrideHeight)}, StrideWidth: {I(StrideWidth)}, " +
            $"PadHeight: {I(PadHeight)}, PadWidth: {I(PadWidth)}, DilationHeight: {I(DilationHeight)}, DilationWidth: {I(DilationWidth)}, Groups: {I(Groups)}" +
            (CompactWeights ? ", WeightMemory: global::VisionGen.WeightMemory.Compact" : "") +
            (PixelRows ? ", GemmRows: global::VisionGen.Cpu.GemmRows.OutputPixels" : "");

        public override void EmitCpuLoad(LoadContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.Conv2dShape", ShapeArguments(c.Inputs[0], c.Output));
            string bias = Bias ? "true" : "false";
            c.Line(FoldedBatchNorm is null
                ? $"global::VisionGen.Weights.LayerWeights.Convolution(weights, in {shape}, {Literal(Prefix)}, hasBias: {bias}, out {c.Field("Weight")}, out {c.Field("Bias")});"
                : $"global::VisionGen.Weights.LayerWeights.ConvolutionWithBatchNorm(weights, in {shape}, {Literal(Prefix)}, hasBias: {bias}, {Literal(FoldedBatchNorm)}, eps: {Format.Eps(Eps)}, out {c.Field("Weight")}, out {c.Field("Bias")});");
        }

        public override void EmitGpuLoad(LoadContext c)
        {
            string a = c.Temp(), b = c.Temp();
            string bn = FoldedBatchNorm is null ? "null" : Literal(FoldedBatchNorm);
            c.Line($"global::VisionGen.Weights.LayerWeights.ConvolutionUnpacked(weights, {I(OutChannels)}, {Literal(Prefix)}, hasBias: {(Bias ? "true" : "false")}, {bn}, eps: {Format.Eps(Eps)}, out float[] {a}, out float[] {b});");
            c.Line($"({c.Field("Weight")}, {c.Field("Bias")}) = (UploadWeights({a}), UploadWeights({b}));");
        }

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) =>
            2L * output.Length * (inputs[0].C / Groups) * KernelHeight * KernelWidth;

        public override string? Algorithm(StepContext c) =>
            $"global::VisionGen.Cpu.Conv2d.AlgorithmFor(in {c.Static("global::VisionGen.Cpu.Conv2dShape", ShapeArguments(c.Inputs[0], c.Output))}).ToString()";

        public override string? CpuWarmUp(StepContext c) =>
            $"global::VisionGen.Cpu.Conv2d.WarmUp(in {c.Static("global::VisionGen.Cpu.Conv2dShape", ShapeArguments(c.Inputs[0], c.Output))}, {Activation.Code});";

        public override void EmitCpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.Conv2dShape", ShapeArguments(c.Inputs[0], c.Output));
            c.PerImage(n =>
            {
                string residual = Residual ? c.Image(c.In(c.Node.Inputs.Count - 1), n) : "default";
                c.Line($"global::VisionGen.Cpu.Conv2d.Forward(in {shape}, {c.InImage(0, n)}, {c.Field("Weight")}, {c.Field("Bias")}, {residual}, {Activation.Code}, {c.OutImage(n)}, {c.Scratch});");
            });
        }

        public override void EmitGpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.Conv2dShape", ShapeArguments(c.Inputs[0], c.Output));
            string residual = Residual ? c.In(c.Node.Inputs.Count - 1) : "default";
            string batch = c.Output.N == 1 ? "" : $", batch: {I(c.Output.N)}";
            c.Line($"Kernels.Conv2d(in {shape}, {c.In(0)}, {c.Field("Weight")}, {c.Field("Bias")}, {residual}, {Activation.Code}, {c.Out}{batch});");
        }
    }
}
