using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>torch.cat</c> along one axis. Where an input's slice of the output is contiguous (every dimension before the
    /// axis is 1 — channels of a batch-1 tensor), the planner lets the input's producer write straight into it and this
    /// step copies nothing for it; every other input is copied into its slice.
    /// </summary>
    internal sealed record CatOp(int Axis) : Op
    {
        [NnOp("Cat")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue[] tensors = c.Tensors("tensors");
            if (tensors.Length == 0) return c.Invalid("tensors", "at least one tensor");
            if (tensors.Length == 1) return tensors[0];
            Shape? first = c.ShapeOf(tensors[0]);
            if (first is null) return TensorValue.Error;
            int axis = c.Given("dim") ? c.Axis("dim", first.Rank) : 1;
            return axis < 0 ? TensorValue.Error : c.Apply(new CatOp(axis), tensors);
        }

        public override string Kind => "cat";

        public override int? ConcatAxis => Axis;

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape first = inputs[0];
            long total = 0;
            foreach (Shape s in inputs)
            {
                bool same = s.Rank == first.Rank && Enumerable.Range(0, s.Rank).All(i => i == Axis || s[i] == first[i]);
                if (!same)
                {
                    check.Shapes($"cannot concatenate {string.Join(", ", inputs.Select(t => t.Text))} along dimension {Axis}: every dimension but {Axis} must be equal");
                    return null;
                }
                total += s[Axis];
            }
            if (total > int.MaxValue)
            {
                check.Report(Diagnostics.TensorTooLarge, check.What, string.Join(" + ", inputs.Select(t => t.Text)));
                return null;
            }
            return first.With(Axis, (int)total);
        }

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 0; // moves data, computes nothing

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"concatenate along dimension {Axis}";

        public override void EmitCpu(StepContext c) => Emit(c, "global::VisionGen.Cpu.Layout.CopySlice");

        public override void EmitGpu(StepContext c) => Emit(c, "Kernels.CopySlice");

        private static void Emit(StepContext c, string copy)
        {
            int axis = ((CatOp)c.Node.Op).Axis;
            int offset = 0;
            var placed = new List<string>();
            for (int i = 0; i < c.Inputs.Count; i++)
            {
                int count = c.Inputs[i][axis];
                if (c.IsPlaced(i)) placed.Add(c.In(i));
                else c.Line($"{copy}({c.In(i)}, in {c.Dims(c.Inputs[i])}, {I(axis)}, 0, {c.Out}, in {c.Dims(c.Output)}, {I(offset)}, {I(count)});");
                offset += count;
            }
            if (placed.Count > 0) c.Line($"// {string.Join(", ", placed)}: written in place by {(placed.Count == 1 ? "its producer" : "their producers")} (no copy).");
        }
    }
}
