using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary><c>F.softmax(x, dim)</c>, numerically stable, over one axis of an [outer, axis, inner] view.</summary>
    internal sealed record SoftmaxOp(int Axis) : Op
    {
        [NnOp("Softmax")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue x = c.Tensor("x");
            Shape? shape = c.ShapeOf(x);
            if (shape is null) return TensorValue.Error;
            int axis = c.Axis("dim", shape.Rank);
            return axis < 0 ? TensorValue.Error : c.Apply(new SoftmaxOp(axis), x);
        }

        public override string Kind => "softmax";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check) => inputs[0];

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => $"softmax over dimension {Axis}";

        private string Arguments(StepContext c) =>
            $"{L(c.Inputs[0].Outer(Axis))}, {I(c.Inputs[0][Axis])}, {L(c.Inputs[0].Inner(Axis))}, {c.In(0)}, {c.Out}";

        public override void EmitCpu(StepContext c) => c.Line($"global::VisionGen.Cpu.Softmax.Forward({Arguments(c)});");

        public override void EmitGpu(StepContext c) => c.Line($"Kernels.SoftmaxAxis({Arguments(c)});");
    }
}
