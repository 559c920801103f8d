using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Generators.Model;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// <c>x.permute(dims)</c> (and <c>transpose</c>), written out in the new order. N×C×H×W → N×H×W×C (torchvision's
    /// detection heads) runs the channels-last kernel per image.
    /// </summary>
    internal sealed record PermuteOp(EquatableArray<int> Order) : Op
    {
        [NnOp("Permute", "Transpose")]
        internal static object? FromNn(NnCall c)
        {
            TensorValue x = c.Tensor("x");
            Shape? shape = c.ShapeOf(x);
            if (shape is null) return TensorValue.Error;
            int[] order;
            if (c.Method == "Transpose")
            {
                int a = c.Axis("dim0", shape.Rank), b = c.Axis("dim1", shape.Rank);
                if (a < 0 || b < 0) return TensorValue.Error;
                order = Enumerable.Range(0, shape.Rank).ToArray();
                (order[a], order[b]) = (order[b], order[a]);
            }
            else
            {
                order = c.Ints("dims").Select(d => d < 0 ? d + shape.Rank : d).ToArray();
            }
            return c.Apply(new PermuteOp(new EquatableArray<int>(order)), x);
        }

        public override string Kind => "permute";

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check)
        {
            Shape x = inputs[0];
            if (Order.Count != x.Rank || Order.Distinct().Count() != x.Rank || Order.Any(d => d < 0 || d >= x.Rank))
            {
                check.OutOfRange("dims", $"a permutation of 0..{x.Rank - 1} for the rank-{x.Rank} input {x.Text}, but it is ({string.Join(", ", Order)})");
                return null;
            }
            return Shape.Of(Order.Select(d => x[d]).ToArray());
        }

        private bool IsIdentity => Order.Select((d, i) => d == i).All(b => b);

        private bool IsChannelsLast => Order.Count == 4 && Order[0] == 0 && Order[1] == 2 && Order[2] == 3 && Order[3] == 1;

        public override long? View(IReadOnlyList<Shape> inputs, Shape output) => IsIdentity ? 0 : (long?)null;

        public override long Flops(IReadOnlyList<Shape> inputs, Shape output) => 0; // moves data, computes nothing

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) =>
            IsChannelsLast ? "channels last, as permute(0, 2, 3, 1)" : $"permute({string.Join(", ", Order)})";

        public override void EmitCpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            if (IsChannelsLast)
                c.PerImage(n => c.Line($"global::VisionGen.Cpu.Layout.ToChannelsLast({I(x.C)}, {I(x.H * x.W)}, {c.InImage(0, n)}, {c.OutImage(n)});"));
            else
                c.Line($"global::VisionGen.Cpu.Layout.Permute({c.In(0)}, in {c.Dims(x)}, in {c.Dims(Shape.Of(Order.ToArray()))}, {c.Out});");
        }

        public override void EmitGpu(StepContext c)
        {
            Shape x = c.Inputs[0];
            if (IsChannelsLast)
                c.PerImage(n => c.Line($"Kernels.ChannelsLast({I(x.C)}, {I(x.H * x.W)}, {c.InImage(0, n)}, {c.OutImage(n)});"));
            else
                c.Line($"Kernels.Permute({c.In(0)}, in {c.Dims(x)}, in {c.Dims(Shape.Of(Order.ToArray()))}, {c.Out});");
        }
    }
}
