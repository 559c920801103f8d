using System.Collections.Generic;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Forward;
using VisionGen.Ops;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// A stand-alone activation (<c>nn.ReLU</c>, <c>nn.SiLU</c>, … — every <see cref="VisionGen.Ops.ActivationKind"/>).
    /// The optimizer fuses it into the op before it whenever that op has an output pass and no other reader; only what
    /// cannot be fused runs as its own element-wise step.
    /// </summary>
    internal sealed record ActivationOp(ActivationSpec Activation) : Op
    {
        /// <summary>Every activation method of <c>Nn</c>, found by its name in <see cref="ActivationKind"/>.</summary>
        internal static object? FromNn(NnCall c)
        {
            var kind = (ActivationKind)System.Enum.Parse(typeof(ActivationKind), c.Method);
            float alpha = 0f;
            if (kind == ActivationKind.LeakyRelu) alpha = c.Float("negativeSlope");
            if (kind == ActivationKind.Gelu)
            {
                string approximate = c.String("approximate");
                if (approximate == "tanh") kind = ActivationKind.GeluTanh;
                else if (approximate != "none") return c.Invalid("approximate", $"\"none\" or \"tanh\", as torch's F.gelu, but it is \"{approximate}\"");
            }
            return c.Apply(new ActivationOp(new ActivationSpec(kind, alpha)), c.Tensor("x"));
        }

        public override string Kind => Activation.Kind.ToString().ToLowerInvariant();

        public override Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check) => inputs[0];

        public override string Describe(IReadOnlyList<Shape> inputs, Shape output) => Activation.Text;

        public override void EmitCpu(StepContext c) => c.Line($"global::VisionGen.Cpu.Elementwise.Activate({c.In(0)}, {Activation.Code}, {c.Out});");

        public override string? CpuWarmUp(StepContext c) => $"global::VisionGen.Cpu.Elementwise.WarmUp({Activation.Code});";

        public override void EmitGpu(StepContext c) => c.Line($"Kernels.Activate({c.In(0)}, {Activation.Code}, {c.Out});");
    }
}
