using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>torch.flatten</c>, <c>x.reshape</c> / <c>x.view</c>: the same floats under another shape — always a view, no
    /// data moves. The builder resolves −1 and flatten ranges into <see cref="Target"/>.
    /// </summary>
    internal sealed record ReshapeOp(Shape Target, bool IsFlatten = false) : Op
    {
        [NnOp("Flatten", "Reshape")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue x = c.Tensor("x");
            Shape? shape = c.ShapeOf(x);
            if (shape is null) return TensorValue.Error;
            if (c.Method == "Flatten")
            {
                int start = c.Axis("startDim", shape.Rank), end = c.Axis("endDim", shape.Rank);
                if (start < 0 || end < 0) return TensorValue.Error;
                if (end < start) return c.Invalid("endDim", $"at or after startDim ({start}), but it is {end}");
                var dims = new List<int>();
                for (int i = 0; i < start; i++) dims.Add(shape[i]);
                long merged = 1;
                for (int i = start; i <= end; i++) merged *= shape[i];
                dims.Add((int)merged);
                for (int i = end + 1; i < shape.Rank; i++) dims.Add(shape[i]);
                return c.Apply(new ReshapeOp(Shape.Of(dims.ToArray()), IsFlatten: true), x);
            }
            int[] target = c.Ints("shape");
            int unknown = System.Array.FindIndex(target, d => d == -1);
            if (target.Length == 0 || target.Length > 6 || target.Count(d => d == -1) > 1 || target.Any(d => d == 0 || d < -1))
                return c.Invalid("shape", $"1 to 6 positive sizes with at most one -1, but it is ({string.Join(", ", target)})");
            if (unknown >= 0)
            {
                long known = target.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
                if (shape.Length % known != 0) return c.Invalid("shape", $"a shape for the {shape.Length} elements of {shape.Text}, but ({string.Join(", ", target)}) does not divide them");
                target[unknown] = (int)(shape.Length / known);
            }
            return c.Apply(new ReshapeOp(Shape.Of(target)), x);
        }

        [NnOp("Dropout", "StochasticDepth", "Identity")]
        internal static object? Identity(NnCall c) => c.Tensor("x");

        public override string Kind => IsFlatten ? "flatten" : "reshape";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            if (Target.Length == inputs[0].Length) return Target;
            check.Shapes($"cannot view {inputs[0].Text} ({inputs[0].Length} elements) as {Target.Text} ({Target.Length} elements)");
            return null;
        }

        public override long? View(IReadOnlyList<Shape> inputs, Shape output) => 0;

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 0;

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => $"{inputs[0].Text} viewed as {output.Text} (no data moves)";

        // The planner always makes the view; a copy keeps the semantics if it ever does not.
        public override void EmitCpu(StepContext c) => c.Line($"{c.In(0)}.CopyTo({c.Out});");

        public override void EmitGpu(StepContext c) => c.Line($"global::ILGPU.Runtime.ArrayViewExtensions.CopyTo({c.In(0)}, Stream, {c.Out});");
    }
}
