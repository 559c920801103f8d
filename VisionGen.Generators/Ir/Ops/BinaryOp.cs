using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>torch.add</c> / <c>torch.mul</c> with NumPy broadcasting (a residual connection; a squeeze-excitation scale
    /// [N, C, 1, 1] times [N, C, H, W]); may absorb an activation. A same-shaped add is usually fused into the op that
    /// produces one of its inputs instead.
    /// </summary>
    internal sealed record BinaryOp(bool Multiply, ActivationSpec Activation = default) : Op
    {
        [NnOp("Add", "Mul")]
        internal static object? FromNn(NnCall c) => c.Apply(new BinaryOp(c.Method == "Mul"), c.Tensor("a"), c.Tensor("b"));

        public override string Kind => Multiply ? "mul" : "add";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape a = inputs[0], b = inputs[1];
            int rank = System.Math.Max(a.Rank, b.Rank);
            var dims = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int da = Dim(a, rank, i), db = Dim(b, rank, i);
                if (da != db && da != 1 && db != 1)
                {
                    check.Shapes($"shapes {a.Text} and {b.Text} cannot be broadcast together (dimension {i}: {da} vs {db}); each dimension must be equal or 1");
                    return null;
                }
                dims[i] = System.Math.Max(da, db);
            }
            return Shape.Of(dims);
        }

        /// <summary>Size of dimension <paramref name="i"/> of <paramref name="s"/> padded on the left with 1s to <paramref name="rank"/>.</summary>
        private static int Dim(Shape s, int rank, int i) => i < rank - s.Rank ? 1 : s[i - (rank - s.Rank)];

        private static Shape Padded(Shape s, int rank) => Shape.Of(Enumerable.Range(0, rank).Select(i => Dim(s, rank, i)).ToArray());

        public override Op? WithActivation(ActivationSpec activation) => Activation.IsNone ? this with { Activation = activation } : null;

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"element-wise {(Multiply ? "product" : "sum")}{(inputs[0] == inputs[1] ? "" : " with broadcasting")}{(Activation.IsNone ? "" : ", then " + Activation.Text)}";

        public override void EmitCpu(StepContext c)
        {
            if (!Multiply && c.Inputs[0] == c.Inputs[1])
            {
                c.Line($"global::VisionGen.Cpu.Elementwise.Add({c.In(0)}, {c.In(1)}, {Activation.Code}, {c.Out});");
                return;
            }
            c.Line($"global::VisionGen.Cpu.Broadcast.Binary({Arguments(c)});");
        }

        public override string? CpuWarmUp(StepContext c) =>
            !Multiply && c.Inputs[0] == c.Inputs[1] ? $"global::VisionGen.Cpu.Elementwise.WarmUp({Activation.Code});" : null;

        public override void EmitGpu(StepContext c)
        {
            if (!Multiply && c.Inputs[0] == c.Inputs[1])
            {
                c.Line($"Kernels.Add({c.In(0)}, {c.In(1)}, {Activation.Code}, {c.Out});");
                return;
            }
            c.Line($"Kernels.Binary({Arguments(c)});");
        }

        private string Arguments(StepContext c)
        {
            int rank = c.Output.Rank;
            string op = Multiply ? "global::VisionGen.Cpu.BinaryOp.Mul" : "global::VisionGen.Cpu.BinaryOp.Add";
            return $"{op}, {c.In(0)}, in {c.Dims(Padded(c.Inputs[0], rank))}, {c.In(1)}, in {c.Dims(Padded(c.Inputs[1], rank))}, {Activation.Code}, {c.Out}, in {c.Dims(c.Output)}";
        }
    }
}
