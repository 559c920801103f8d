using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Plan;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// Writes the nested <c>Gpu</c> class from the same plan as <c>Run</c>: the same steps, each launched by its op through
    /// VisionGen.Kernels on an ILGPU accelerator. Weights are folded on the host and uploaded once; every tensor is a named
    /// view of one device arena laid out like the CPU arena (its tensors, then the input and the outputs).
    /// </summary>
    internal sealed class GpuEmitter
    {
        private const string K = "global::VisionGen.Kernels";
        private const string View = "global::ILGPU.ArrayView<float>";

        private readonly ModelSpec _spec;
        private readonly ExecutionPlan _plan;
        private readonly EmitShared _shared;

        public GpuEmitter(ModelSpec spec, ExecutionPlan plan, EmitShared shared)
        {
            _spec = spec;
            _plan = plan;
            _shared = shared;
        }

        private bool IsDetection => _spec.Detection is not null;

        private IReadOnlyList<GraphOutput> Outputs => _plan.Graph.Outputs;

        /// <summary>Device offset of output <paramref name="index"/> (after the tensors and the input).</summary>
        private string OutputOffset(int index) => index == 0 ? "OutputOffset" : $"OutputOffset{I(index)}";

        public string Write()
        {
            var steps = new SourceWriter();
            WriteSteps(steps);
            var loads = new SourceWriter();
            int temp = 0;
            foreach (WeightGroup group in _plan.WeightGroups)
                group.Owner.Op.EmitGpuLoad(new LoadContext(_shared, Backend.Gpu, loads, group, () => (temp % 2 == 0 ? "a" : "b") + I(temp++ / 2)));
            List<string> scratch = _plan.Steps.Where(s => !s.IsView)
                .Select(s => s.Node.Op.GpuScratch(Planner.Shapes(_plan, s.Node), _plan.Tensors[s.Node.Output].Shape))
                .Where(x => x is not null).Select(x => x!).Distinct().ToList();

            string cls = Identifier(_spec.ClassName);
            var w = new SourceWriter();
            w.Line("/// <summary>Loads the network onto an ILGPU accelerator (CUDA when present, else ILGPU's CPU accelerator; see <c>GpuContext.Create</c>).</summary>");
            w.Line("/// <exception cref=\"global::VisionGen.WeightLoadException\">The file is malformed or its tensors do not match this model.</exception>");
            w.Line($"[global::System.Diagnostics.CodeAnalysis.RequiresDynamicCode({K}.GpuContext.DynamicCodeMessage)]");
            w.Line($"[global::System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode({K}.GpuContext.UnreferencedCodeMessage)]");
            using (w.Block($"public static Gpu LoadGpu(string path, {K}.GpuContext context)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(path);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
                w.Line("using var stream = new global::System.IO.FileStream(path, global::System.IO.FileMode.Open, global::System.IO.FileAccess.Read, global::System.IO.FileShare.Read, bufferSize: 1 << 16);");
                w.Line("using var file = global::VisionGen.Weights.SafetensorsFile.Open(stream, global::System.IO.Path.GetFileName(path), leaveOpen: true);");
                w.Line($"var weights = global::VisionGen.Weights.WeightBinder.BeginLoad(file, s_weightSpecs, {Literal(_spec.ClassName)});");
                w.Line("var model = new Gpu(weights, context);");
                w.Line("global::VisionGen.Weights.WeightBinder.EndLoad(weights, model);");
                w.Line("return model;");
            }
            w.Line();
            w.Line($"/// <summary>{cls} on an ILGPU accelerator: weights uploaded once, every buffer allocated up front, one upload, the kernel");
            w.Line("/// sequence and one download per call. Not safe to call concurrently on one instance.</summary>");
            using (w.Block($"public sealed class Gpu : {K}.GpuModelExecutor"))
            {
                WriteLayout(w);
                foreach (WeightGroup group in _plan.WeightGroups)
                    w.Line($"private readonly {View} {string.Join(", ", group.Owner.Op.WeightFields.Select(f => "_" + group.Field + f))};");
                if (scratch.Count > 0) w.Line($"private readonly {View} _scratch;");
                if (IsDetection) DetectionEmitter.WriteGpuFields(w, _spec, _plan);
                w.Line();
                // The outputs sit one after another on the device, so the base class's Run downloads them all at once.
                string allOutputs = IsDetection ? "1" : $"{cls}.OutputLength";
                using (w.Block($"internal Gpu(global::VisionGen.Weights.WeightSet weights, {K}.GpuContext context) : base(context, DeviceArenaLength, InputOffset, {cls}.InputLength, OutputOffset, {allOutputs})"))
                {
                    w.Lines(loads.ToString());
                    if (_spec.Detection?.FasterRcnn is not null) DetectionEmitter.WriteFasterRcnnLoad(w, _spec, _plan, "s_rcnnPacked");
                    if (scratch.Count > 0)
                    {
                        string longest = scratch.Select(x => $"global::System.Math.Max({x}, 1L)").Aggregate((a, b) => $"global::System.Math.Max({a}, {b})");
                        w.Line($"_scratch = UploadWeights(new float[{longest}]);");
                    }
                }
                w.Line();
                w.Line("/// <summary>Enqueues every step of the network on the executor's stream.</summary>");
                using (w.Block("protected override void EnqueueKernels()")) w.Lines(steps.ToString());
                if (IsDetection) DetectionEmitter.WriteGpuDetect(w, _spec, _plan);
                else if (Outputs.Count > 1) WriteMultiOutputRun(w);
                SegmentationEmitter.WriteGpuMembers(w, _spec, _plan);
            }
            w.Line();
            return w.ToString();
        }

        private void WriteLayout(SourceWriter w)
        {
            // Device arena = the CPU plan's tensors (no CPU scratch) + the input + each output.
            string cls = Identifier(_spec.ClassName);
            w.Line($"private const long InputOffset = {L(_plan.ScratchOffset)};");
            if (IsDetection)
            {
                w.Line($"private const long OutputOffset = InputOffset + {cls}.InputLength, DeviceArenaLength = OutputOffset + 1;");
                return;
            }
            string previous = $"InputOffset + {cls}.InputLength";
            for (int i = 0; i < Outputs.Count; i++)
            {
                w.Line($"private const long {OutputOffset(i)} = {previous};");
                previous = $"{OutputOffset(i)} + {cls}.{ModelEmitter.OutputLengthName(_plan, i)}";
            }
            w.Line($"private const long DeviceArenaLength = {previous};");
        }

        private void WriteSteps(SourceWriter w)
        {
            var declared = new HashSet<string>();
            foreach (Step step in _plan.Steps)
            {
                if (step.Index > 0) w.Line();
                ModelEmitter.WriteStepComment(w, step, _plan);
                if (step.IsView) continue;
                var code = new SourceWriter();
                var context = new StepContext(_shared, Backend.Gpu, code, step);
                step.Node.Op.EmitGpu(context);
                foreach (string tensor in context.Referenced)
                {
                    if (declared.Add(tensor)) w.Line($"var {tensor} = {ViewOf(tensor)};");
                }
                w.Lines(code.ToString());
            }
            if (IsDetection) return;
            foreach (int i in _plan.CopiedOutputs)
            {
                string tensor = Outputs[i].Tensor;
                w.Line();
                w.Line($"// Output {Outputs[i].Name} is {(tensor == _plan.Graph.Input ? "the input itself" : "a view of another tensor")}: copy it out.");
                if (declared.Add(tensor)) w.Line($"var {tensor} = {ViewOf(tensor)};");
                w.Line($"global::ILGPU.Runtime.ArrayViewExtensions.CopyTo({tensor}, Stream, ArenaSlice({OutputOffset(i)}, {Identifier(_spec.ClassName)}.{ModelEmitter.OutputLengthName(_plan, i)}));");
            }
        }

        private void WriteMultiOutputRun(SourceWriter w)
        {
            w.Line();
            w.Line("/// <summary>Runs the model: upload, the kernel sequence, one download per output. Allocates nothing on CUDA.</summary>");
            string parameters = string.Join(", ", Enumerable.Range(0, Outputs.Count).Select(i => "global::System.Span<float> " + ModelEmitter.OutputParameter(_plan, i)));
            using (w.Block($"public void Run(global::System.ReadOnlySpan<float> input, {parameters})"))
            {
                w.Line($"if (input.Length != InputLength) throw new global::System.ArgumentException($\"{_spec.ClassName} expects {{InputLength}} floats, got {{input.Length}}.\", nameof(input));");
                for (int i = 0; i < Outputs.Count; i++)
                {
                    string p = ModelEmitter.OutputParameter(_plan, i), len = $"{Identifier(_spec.ClassName)}.{ModelEmitter.OutputLengthName(_plan, i)}";
                    w.Line($"if ({p}.Length != {len}) throw new global::System.ArgumentException($\"{_spec.ClassName} expects {{{len}}} floats in '{p}', got {{{p}.Length}}.\", nameof({p}));");
                }
                w.Line("global::VisionGen.Models.InputValidation.ThrowIfNotFinite(input, nameof(input));");
                w.Line("UploadInput(input, InputView);");
                w.Line("EnqueueKernels();");
                for (int i = 0; i < Outputs.Count; i++)
                {
                    string p = ModelEmitter.OutputParameter(_plan, i);
                    w.Line($"DownloadOutput(ArenaSlice({OutputOffset(i)}, {Identifier(_spec.ClassName)}.{ModelEmitter.OutputLengthName(_plan, i)}), {p});");
                }
            }
        }

        private string ViewOf(string tensor)
        {
            TensorStorage s = _plan.Storage[tensor];
            string At(string origin) => s.Offset == 0 ? origin : $"{origin} + {L(s.Offset)}";
            return s.Kind switch
            {
                StorageKind.Input => s.Offset == 0 && s.Length == _plan.Input.Shape.Length ? "InputView" : $"ArenaSlice({At("InputOffset")}, {L(s.Length)})",
                StorageKind.Output => $"ArenaSlice({At(OutputOffset(s.OutputIndex))}, {L(s.Length)})",
                _ => $"ArenaSlice({L(s.Offset)}, {L(s.Length)})",
            };
        }
    }
}
