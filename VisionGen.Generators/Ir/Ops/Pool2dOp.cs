using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.MaxPool2d</c> (padding counts as −∞) or <c>nn.AvgPool2d</c> (<c>count_include_pad=True</c>), square window,
    /// floor mode or <c>ceil_mode=True</c> (GoogLeNet's pools: one more, partial window where the input does not divide;
    /// the kernels clip every window to the input, so only the output size differs). Every plane of the batch (N·C of
    /// them) in one call.
    /// </summary>
    internal sealed record Pool2dOp(bool Max, int Kernel, int Stride, int Padding, bool CeilMode = false) : Op
    {
        [NnOp("MaxPool2d", "AvgPool2d")]
        internal static object? FromNn(NnCall c)
        {
            int kernel = c.Int("kernel"), stride = c.Int("stride");
            return c.Apply(new Pool2dOp(c.Method == "MaxPool2d", kernel, stride == 0 ? kernel : stride, c.Int("padding"), c.Bool("ceilMode")), c.Tensor("x"));
        }

        public override string Kind => Max ? "max_pool" : "avg_pool";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!OpChecks.Positive(check, ("kernel size", Kernel), ("stride", Stride)) || !OpChecks.NonNegative(check, ("padding", Padding))) return null;
            if ((long)Padding * 2 > Kernel)
            {
                // PyTorch's own rule: "pad should be at most half of effective kernel size".
                check.Report(Diagnostics.PaddingTooLarge, check.What, I(Padding), I(Kernel));
                return null;
            }
            if (!x.IsImage)
            {
                check.Mismatch($"pooling needs an N×C×H×W input, but its input is {x.Text}" + (x.Rank == 2 ? " (flat)" : ""));
                return null;
            }
            long oh = CeilMode ? ShapeRules.WindowOutputCeil64(x.H, Kernel, Stride, Padding) : ShapeRules.WindowOutput64(x.H, Kernel, Stride, Padding);
            long ow = CeilMode ? ShapeRules.WindowOutputCeil64(x.W, Kernel, Stride, Padding) : ShapeRules.WindowOutput64(x.W, Kernel, Stride, Padding);
            if (oh <= 0 || ow <= 0)
            {
                check.WindowDoesNotFit(Kernel, 1, Padding, x);
                return null;
            }
            return check.FitsInMemory(x.N, x.C, oh, ow) ? Shape.Of(x.N, x.C, (int)oh, (int)ow) : null;
        }

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"{(Max ? "max" : "average")} pool {Kernel}x{Kernel} stride {Stride} padding {Padding}{(CeilMode ? " ceil mode" : "")}";

        private static string ShapeArguments(Shape x, Shape y, int kernel, int stride, int padding) =>
            $"Channels: {L((long)x.N * x.C)}, InHeight: {I(x.H)}, InWidth: {I(x.W)}, OutHeight: {I(y.H)}, OutWidth: {I(y.W)}, Kernel: {I(kernel)}, Stride: {I(stride)}, Padding: {I(padding)}";

        public override string? CpuWarmUp(StepContext c) =>
            $"global::VisionGen.Cpu.Pool2d.WarmUp(in {c.Static("global::VisionGen.Cpu.Pool2dShape", ShapeArguments(c.Inputs[0], c.Output, Kernel, Stride, Padding))}, max: {(Max ? "true" : "false")});";

        public override void EmitCpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.Pool2dShape", ShapeArguments(c.Inputs[0], c.Output, Kernel, Stride, Padding));
            c.Line($"global::VisionGen.Cpu.Pool2d.{(Max ? "Max" : "Average")}(in {shape}, {c.In(0)}, {c.Out});");
        }

        public override void EmitGpu(StepContext c)
        {
            string shape = c.Static("global::VisionGen.Cpu.Pool2dShape", ShapeArguments(c.Inputs[0], c.Output, Kernel, Stride, Padding));
            c.Line($"Kernels.{(Max ? "MaxPool" : "AvgPool")}(in {shape}, {c.In(0)}, {c.Out});");
        }
    }
}
