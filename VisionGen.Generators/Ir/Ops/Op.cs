using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Emit;
using VisionGen.Ops;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>
    /// One kind of operation, defined in one place: its parameters (the record's fields), its shape rule and the
    /// diagnostics it raises (<see cref="Infer"/>), the weights it binds with torch's names
    /// (<see cref="Weights"/>), what it can absorb (<see cref="Fold"/>, <see cref="WithActivation"/>,
    /// <see cref="WithResidual"/>), whether its output is a view of an input (<see cref="View"/>), and how it is
    /// written for the CPU (<see cref="EmitCpu"/>) and the GPU (<see cref="EmitGpu"/>). Ops are immutable records:
    /// the optimizer replaces one with an absorbing copy.
    /// </summary>
    internal abstract record Op
    {
        /// <summary>Short name of the op ("conv", "max_pool", "cat"): names its output when nothing better does.</summary>
        public abstract string Kind { get; }

        /// <summary>The step comment's description, e.g. "conv 3x3 stride 2 padding 1".</summary>
        public abstract string Describe(IReadOnlyList<Shape> inputs, Shape output);

        /// <summary>The output shape, or null after reporting what is wrong through <paramref name="check"/>.</summary>
        public abstract Shape? Infer(IReadOnlyList<Shape> inputs, ShapeCheck check);

        /// <summary>Tensors the state_dict must hold for this op, with torch's names and shapes.</summary>
        public virtual IEnumerable<WeightDef> Weights(IReadOnlyList<Shape> inputs, Shape output) => Enumerable.Empty<WeightDef>();

        /// <summary>This op with an inference batch norm folded into its weights (at load time), or null.</summary>
        public virtual Op? Fold(BatchNormOp batchNorm) => null;

        /// <summary>This op with <paramref name="activation"/> applied in its output pass, or null.</summary>
        public virtual Op? WithActivation(ActivationSpec activation) => null;

        /// <summary>This op adding a same-shaped tensor (its node's extra last input) before its activation, or null.</summary>
        public virtual Op? WithResidual() => null;

        /// <summary>
        /// This op keeping its CPU weights at about their size in the file (<c>WeightMemory.Compact</c>): no copy of them
        /// in a faster but larger form. Ops that never keep such a copy return themselves.
        /// </summary>
        public virtual Op WithCompactWeights() => this;

        /// <summary>
        /// This op in its CPU form for small outputs, given every input and output shape its weight (one
        /// <see cref="WeightKey"/>) is used at — the weight is packed once for all of them — or null to keep it as it is.
        /// </summary>
        public virtual Op? ForSmallOutputs(IReadOnlyList<(IReadOnlyList<Shape> Inputs, Shape Output)> uses) => null;

        /// <summary>
        /// The tensors this op's load code (<see cref="EmitCpuLoad"/> and <see cref="EmitGpuLoad"/> alike) reads, once
        /// each: its own <see cref="Weights"/> and those of what it folded in. The weight table states the counts, so
        /// that a streamed load drops each tensor after its last read (and an op that reads otherwise fails every load).
        /// </summary>
        public virtual IEnumerable<string> LoadReads(IReadOnlyList<Shape> inputs, Shape output) => Weights(inputs, output).Select(w => w.Name);

        /// <summary>
        /// When the output can be a view of input 0 — the same memory from <c>Offset</c> floats on — without data
        /// moving (reshapes; a slice whose dimensions before the axis are all 1). The planner decides; when it does
        /// not make the view, <see cref="EmitCpu"/> copies.
        /// </summary>
        public virtual long? View(IReadOnlyList<Shape> inputs, Shape output) => null;

        /// <summary>For a concatenation: its axis, so the planner can let producers write straight into the output.</summary>
        public virtual int? ConcatAxis => null;

        /// <summary>
        /// Run-time arrays this op needs (e.g. "Weight", "Bias"), held in fields named after <see cref="WeightKey"/>.
        /// Ops with equal keys share them (a head applied to every pyramid level).
        /// </summary>
        public virtual IReadOnlyList<string> WeightFields => System.Array.Empty<string>();

        /// <summary>Identity of the weights this op reads (state_dict prefix, plus what is folded in).</summary>
        public virtual string? WeightKey => null;

        /// <summary>Writes the load-time code filling <see cref="WeightFields"/> on the CPU (packing, folding).</summary>
        public virtual void EmitCpuLoad(LoadContext c) { }

        /// <summary>Writes the load-time code filling <see cref="WeightFields"/> on the GPU (folded on the host, uploaded once).</summary>
        public virtual void EmitGpuLoad(LoadContext c) { }

        /// <summary>Floats of CPU scratch this step needs (the arena reserves the largest).</summary>
        public virtual long CpuScratch(IReadOnlyList<Shape> inputs, Shape output) => 0;

        /// <summary>An expression for floats of GPU scratch this step needs, or null.</summary>
        public virtual string? GpuScratch(IReadOnlyList<Shape> inputs, Shape output) => null;

        /// <summary>Multiply-adds counted twice (convolutions, linear layers) or one per output value: the step's arithmetic, for the plan.</summary>
        public virtual long Flops(IReadOnlyList<Shape> inputs, Shape output) => output.Length;

        /// <summary>A C# expression naming the algorithm the step runs on the user's machine (for the plan), or null.</summary>
        public virtual string? Algorithm(StepContext c) => null;

        /// <summary>
        /// A statement that runs this step's CPU kernels once on small data (same code paths, a few channels), for the
        /// background warm-up <c>Load</c> starts so the first <c>Run</c> finds them compiled; null when the step has none
        /// worth it (its code is small or compiled quickly).
        /// </summary>
        public virtual string? CpuWarmUp(StepContext c) => null;

        /// <summary>Writes the step's CPU kernel call(s).</summary>
        public abstract void EmitCpu(StepContext c);

        /// <summary>Writes the step's GPU kernel launch(es).</summary>
        public abstract void EmitGpu(StepContext c);
    }

    /// <summary>An activation as the IR carries it: which one and its parameter (LeakyReLU's slope).</summary>
    internal readonly record struct ActivationSpec(ActivationKind Kind, float Alpha)
    {
        public static ActivationSpec None => default;

        public bool IsNone => Kind == ActivationKind.None;

        /// <summary>The run-time value in generated code: <c>global::VisionGen.Cpu.Activation.Relu</c>, or the constructor for a parameter.</summary>
        public string Code => Alpha == 0f
            ? "global::VisionGen.Cpu.Activation." + Kind
            : $"new global::VisionGen.Cpu.Activation(global::VisionGen.Ops.ActivationKind.{Kind}, {Format.Float(Alpha)})";

        /// <summary>For comments: "ReLU", "LeakyReLU(0.2)".</summary>
        public string Text => Alpha == 0f ? Kind.ToString() : $"{Kind}({Format.F(Alpha)})";
    }
}
