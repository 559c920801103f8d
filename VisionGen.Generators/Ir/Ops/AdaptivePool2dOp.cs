using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>nn.AdaptiveAvgPool2d</c> / <c>nn.AdaptiveMaxPool2d</c> to any output size, with PyTorch's bins
    /// [floor(o·in/out), ceil((o+1)·in/out)). Average to 1×1 is global average pooling (its own, faster kernel).
    /// </summary>
    internal sealed record AdaptivePool2dOp(bool Max, int OutHeight, int OutWidth) : Op
    {
        [NnOp("AdaptiveAvgPool2d", "AdaptiveMaxPool2d")]
        internal static object? FromNn(NnCall c)
        {
            bool square = c.Given("outputSize");
            int h = square ? c.Int("outputSize") : c.Int("outputHeight"), w = square ? h : c.Int("outputWidth");
            return c.Apply(new AdaptivePool2dOp(c.Method == "AdaptiveMaxPool2d", h, w), c.Tensor("x"));
        }

        public override string Kind => Max ? "adaptive_max_pool" : (OutHeight == 1 && OutWidth == 1 ? "avgpool" : "adaptive_avg_pool");

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (!OpChecks.Positive(check, ("output height", OutHeight), ("output width", OutWidth))) return null;
            if (!x.IsImage)
            {
                check.Mismatch($"this layer needs an N×C×H×W input, but its input is {x.Text}" + (x.Rank == 2 ? " (flat)" : ""));
                return null;
            }
            return check.FitsInMemory(x.N, x.C, OutHeight, OutWidth) ? Shape.Of(x.N, x.C, OutHeight, OutWidth) : null;
        }

        private bool Global => !Max && OutHeight == 1 && OutWidth == 1;

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            Global ? "global average pool" : $"adaptive {(Max ? "max" : "average")} pool to {OutHeight}x{OutWidth}";

        public override string? CpuWarmUp(StepContext c)
        {
            // One plane of zeros: the kernels run per plane.
            Shape x = c.Inputs[0];
            string plane = I(x.H * x.W);
            return Global
                ? $"global::VisionGen.Cpu.Pool2d.GlobalAverage(1, {plane}, new float[{plane}], new float[1]);"
                : $"global::VisionGen.Cpu.Pool2d.{(Max ? "AdaptiveMax" : "AdaptiveAverage")}(1, {I(x.H)}, {I(x.W)}, {I(OutHeight)}, {I(OutWidth)}, new float[{plane}], new float[{I(OutHeight * OutWidth)}]);";
        }

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            string planes = L((long)x.N * x.C);
            c.Line(Global
                ? $"global::VisionGen.Cpu.Pool2d.GlobalAverage({planes}, {I(x.H * x.W)}, {c.In(0)}, {c.Out});"
                : $"global::VisionGen.Cpu.Pool2d.{(Max ? "AdaptiveMax" : "AdaptiveAverage")}({planes}, {I(x.H)}, {I(x.W)}, {I(OutHeight)}, {I(OutWidth)}, {c.In(0)}, {c.Out});");
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            string planes = L((long)x.N * x.C);
            c.Line(Global
                ? $"Kernels.GlobalAvgPool({planes}, {I(x.H * x.W)}, {c.In(0)}, {c.Out});"
                : $"Kernels.{(Max ? "AdaptiveMaxPool" : "AdaptiveAvgPool")}({planes}, {I(x.H)}, {I(x.W)}, {I(OutHeight)}, {I(OutWidth)}, {c.In(0)}, {c.Out});");
        }
    }
}
