using System;
using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Plan;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    internal enum Backend
    {
        Cpu,
        Gpu,
    }

    /// <summary>What the CPU and GPU emitters of one model share: the plan and the static fields (shapes, dims) both use.</summary>
    internal sealed class EmitShared
    {
        private readonly Dictionary<string, string> _statics = new Dictionary<string, string>();

        public EmitShared(ExecutionPlan plan) => Plan = plan;

        public ExecutionPlan Plan { get; }

        /// <summary>Static declarations in the order they were first asked for.</summary>
        public List<string> StaticLines { get; } = new List<string>();

        /// <summary>A <c>private static readonly</c> field of the model class, declared once; returns its name.</summary>
        public string Static(string type, string name, string arguments)
        {
            string field = "s_" + name;
            string line = $"private static readonly {type} {field} = new({arguments});";
            if (_statics.TryGetValue(field, out string? existing))
            {
                if (existing != line) throw new InvalidOperationException($"Static field {field} declared twice differently.");
                return field;
            }
            _statics[field] = line;
            StaticLines.Add(line);
            return field;
        }

        /// <summary>A static <c>global::VisionGen.Cpu.TensorDims</c> for a shape (shared by every step with that shape).</summary>
        public string Dims(Shape shape) => Static("global::VisionGen.Cpu.TensorDims", "dims_" + shape.Text, shape.Arguments);
    }

    /// <summary>
    /// What an op sees while writing one step: its shapes, an expression for every tensor it reads or writes (named
    /// spans on the CPU, named views on the GPU), per-image slices for kernels that take one image, its weight fields
    /// and the model's static fields.
    /// </summary>
    internal sealed class StepContext
    {
        private readonly EmitShared _shared;
        private readonly SourceWriter _w;

        public StepContext(EmitShared shared, Backend backend, SourceWriter writer, Step step)
        {
            _shared = shared;
            Backend = backend;
            _w = writer;
            Step = step;
            Inputs = Planner.Shapes(shared.Plan, step.Node);
            Output = shared.Plan.Tensors[step.Node.Output].Shape;
        }

        public Backend Backend { get; }

        public bool IsGpu => Backend == Backend.Gpu;

        public Step Step { get; }

        public Node Node => Step.Node;

        public IReadOnlyList<Shape> Inputs { get; }

        public Shape Output { get; }

        public ExecutionPlan Plan => _shared.Plan;

        /// <summary>Tensors the step's code names, so the emitter declares exactly those before it.</summary>
        public List<string> Referenced { get; } = new List<string>();

        private string Use(string tensor)
        {
            if (!Referenced.Contains(tensor)) Referenced.Add(tensor);
            return tensor;
        }

        /// <summary>The tensor's name: its local span (CPU) or view (GPU), declared by the emitter before the step.</summary>
        public string In(int index) => Use(Node.Inputs[index]);

        public string Out => Use(Node.Output);

        /// <summary>Batch item <paramref name="n"/> of a tensor whose dimension 0 is the batch (the whole tensor for batch 1).</summary>
        public string Image(string tensor, string n)
        {
            Use(tensor);
            Shape shape = Plan.Tensors[tensor].Shape;
            if (shape.N == 1) return tensor;
            string length = L(shape.ImageLength);
            return IsGpu ? $"{tensor}.SubView({n} * {length}L, {length})" : $"{tensor}.Slice({n} * {length}, {length})";
        }

        public string InImage(int index, string n) => Image(In(index), n);

        public string OutImage(string n) => Image(Out, n);

        /// <summary>The run-time array holding one of the op's weight tensors: <c>_layer1_0_conv1Weight</c>.</summary>
        public string Field(string part) => "_" + Plan.WeightField[Node] + part;

        /// <summary>A static field for this step (a kernel shape), named after its output tensor.</summary>
        public string Static(string type, string arguments) => _shared.Static(type, Node.Output, arguments);

        public string Dims(Shape shape) => _shared.Dims(shape);

        /// <summary>The CPU scratch span (its size is the largest any step needs).</summary>
        public string Scratch => "scratch";

        /// <summary>The GPU executor's scratch view (normalization statistics).</summary>
        public string GpuScratch => "_scratch";

        /// <summary>True when the producer of input <paramref name="index"/> already wrote it inside this step's output.</summary>
        public bool IsPlaced(int index) => Plan.IsPlacedIn(Node.Inputs[index], Node.Output);

        public void Line(string line) => _w.Line(line);

        /// <summary>Writes <paramref name="body"/> once per batch item (a loop over n), or once for batch 1.</summary>
        public void PerImage(Action<string> body)
        {
            int batch = Output.Rank > 0 ? Output.N : 1;
            if (batch == 1)
            {
                body("0");
                return;
            }
            using (_w.Block($"for (int n = 0; n < {I(batch)}; n++)")) body("n");
        }
    }

    /// <summary>What an op sees while writing the load-time code of its weights (CPU: packed and folded; GPU: uploaded).</summary>
    internal sealed class LoadContext
    {
        private readonly EmitShared _shared;
        private readonly SourceWriter _w;
        private readonly Func<string> _temp;

        public LoadContext(EmitShared shared, Backend backend, SourceWriter writer, WeightGroup group, Func<string> temp)
        {
            _shared = shared;
            Backend = backend;
            _w = writer;
            Group = group;
            _temp = temp;
            Inputs = Planner.Shapes(shared.Plan, group.Owner);
            Output = shared.Plan.Tensors[group.Owner.Output].Shape;
        }

        public Backend Backend { get; }

        public WeightGroup Group { get; }

        public IReadOnlyList<Shape> Inputs { get; }

        public Shape Output { get; }

        public string Field(string part) => "_" + Group.Field + part;

        /// <summary>The owner step's static field (its kernel shape), as <see cref="StepContext.Static"/> names it.</summary>
        public string Static(string type, string arguments) => _shared.Static(type, Group.Owner.Output, arguments);

        /// <summary>A fresh local name for a host array that is uploaded and dropped.</summary>
        public string Temp() => _temp();

        public void Line(string line) => _w.Line(line);
    }
}
