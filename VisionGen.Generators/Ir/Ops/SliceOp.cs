using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// One piece of <c>torch.chunk</c> / <c>torch.split</c>: <see cref="Count"/> entries from <see cref="Start"/> along
    /// <see cref="Axis"/>. A view of its input when contiguous (every dimension before the axis is 1), else a copy.
    /// </summary>
    internal sealed record SliceOp(int Axis, int Start, int Count) : Op
    {
        [NnOp("Chunk", "Split")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue x = c.Tensor("x");
            Shape? shape = c.ShapeOf(x);
            if (shape is null) return new SequenceValue(new object?[] { TensorValue.Error }, isList: false);
            int axis = c.Axis("dim", shape.Rank);
            if (axis < 0) return new SequenceValue(new object?[] { TensorValue.Error }, isList: false);
            int size = shape[axis];
            var sizes = new List<int>();
            if (c.Method == "Chunk")
            {
                int chunks = c.Int("chunks");
                if (chunks <= 0) return new SequenceValue(new object?[] { c.Invalid("chunks", $"positive, but it is {chunks}") }, isList: false);
                int step = (size + chunks - 1) / chunks; // torch.chunk: pieces of ceil(size / chunks), the last smaller
                for (int start = 0; start < size; start += step) sizes.Add(System.Math.Min(step, size - start));
            }
            else if (c.Raw("sizes") is SequenceValue)
            {
                sizes.AddRange(c.Ints("sizes"));
                if (sizes.Any(s => s < 0) || sizes.Sum() != size)
                    return new SequenceValue(new object?[] { c.Invalid("sizes", $"non-negative sizes that add up to dimension {axis} of {shape.Text} ({size}), but they are [{string.Join(", ", sizes)}]") }, isList: false);
            }
            else
            {
                int step = c.Int("splitSize");
                if (step <= 0) return new SequenceValue(new object?[] { c.Invalid("splitSize", $"positive, but it is {step}") }, isList: false);
                for (int start = 0; start < size; start += step) sizes.Add(System.Math.Min(step, size - start));
            }
            var pieces = new List<object?>();
            int offset = 0;
            foreach (int count in sizes)
            {
                pieces.Add(c.Apply(new SliceOp(axis, offset, count), x));
                offset += count;
            }
            return new SequenceValue(pieces, isList: false);
        }

        public override string Kind => "slice";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (Start < 0 || Count <= 0 || (long)Start + Count > x[Axis])
            {
                check.OutOfRange("slice", $"within dimension {Axis} of {x.Text}, but it takes {Count} from {Start}");
                return null;
            }
            return x.With(Axis, Count);
        }

        public override long? View(IReadOnlyList<Shape> inputs, Shape output) =>
            inputs[0].Outer(Axis) == 1 ? Start * inputs[0].Inner(Axis) : (long?)null;

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 0; // moves data, computes nothing

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            $"entries {Start}..{Start + Count - 1} of dimension {Axis}{(View(inputs, output) is null ? "" : " (a view, no data moves)")}";

        public override void EmitCpu(StepContext c) =>
            c.Line($"global::VisionGen.Cpu.Layout.CopySlice({c.In(0)}, in {c.Dims(c.Inputs[0])}, {I(Axis)}, {I(Start)}, {c.Out}, in {c.Dims(c.Output)}, 0, {I(Count)});");

        public override void EmitGpu(StepContext c) =>
            c.Line($"Kernels.CopySlice({c.In(0)}, in {c.Dims(c.Inputs[0])}, {I(Axis)}, {I(Start)}, {c.Out}, in {c.Dims(c.Output)}, 0, {I(Count)});");
    }
}
