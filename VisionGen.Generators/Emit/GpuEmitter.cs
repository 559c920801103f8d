using VisionGen.Ops;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// Writes the nested <c>Gpu</c> class: the same step sequence as <c>Run</c>, launched through VisionGen.Kernels on an
    /// ILGPU accelerator. Weights are folded on the host and uploaded once; every activation is a view of one device
    /// arena laid out by the same plan as the CPU arena (input and output appended after it).
    /// </summary>
    internal sealed class GpuEmitter
    {
        private readonly ModelSpec _spec;
        private readonly Graph _graph;
        private readonly ArenaPlan _plan;
        private readonly IReadOnlyDictionary<OpNode, string> _shapeNames;
        private readonly IReadOnlyDictionary<OpNode, string> _weightNames;
        private readonly IReadOnlyList<OpNode> _weightOwners;
        private readonly bool _detection;

        public GpuEmitter(ModelSpec spec, Graph graph, ArenaPlan plan, IReadOnlyDictionary<OpNode, string> shapeNames,
            IReadOnlyDictionary<OpNode, string> weightNames, IReadOnlyList<OpNode> weightOwners, bool detection)
        {
            _spec = spec;
            _graph = graph;
            _plan = plan;
            _shapeNames = shapeNames;
            _weightNames = weightNames;
            _weightOwners = weightOwners;
            _detection = detection;
        }

        private const string K = "global::VisionGen.Kernels";
        private const string View = "global::ILGPU.ArrayView<float>";

        public void Write(SourceWriter w)
        {
            string cls = _spec.ClassName;
            int outputLength = _graph.Tensors[_graph.Outputs[0]].Length;
            w.Line("/// <summary>Loads the network onto an ILGPU accelerator (CUDA when present, else ILGPU's CPU accelerator; see <c>GpuContext.Create</c>).</summary>");
            w.Line("/// <exception cref=\"global::VisionGen.WeightLoadException\">The file is malformed or its tensors do not match this model.</exception>");
            using (w.Block($"public static Gpu LoadGpu(string path, {K}.GpuContext context)"))
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(path);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(context);");
                w.Line("using var stream = new global::System.IO.FileStream(path, global::System.IO.FileMode.Open, global::System.IO.FileAccess.Read, global::System.IO.FileShare.Read, bufferSize: 1 << 16);");
                w.Line("using var file = Weights.SafetensorsFile.Open(stream, global::System.IO.Path.GetFileName(path), leaveOpen: true);");
                w.Line($"return new Gpu(Weights.WeightBinder.Bind(file, s_weightSpecs, {Literal(cls)}), context);");
            }
            w.Line();
            w.Line($"/// <summary>{cls} on an ILGPU accelerator: weights uploaded once, every buffer allocated up front, one upload, the kernel");
            w.Line("/// sequence and one download per call. Not safe to call concurrently on one instance.</summary>");
            using (w.Block($"public sealed class Gpu : {K}.GpuModelExecutor"))
            {
                // Device arena = CPU plan (scratch region unused) + input + output.
                w.Line($"private const long InputOffset = {cls}.ArenaLength, OutputOffset = {cls}.ArenaLength + {cls}.InputLength, DeviceArenaLength = OutputOffset + {I(outputLength)};");
                foreach (OpNode op in _weightOwners)
                {
                    string name = _weightNames[op];
                    w.Line(op.Kind == OpKind.BatchNorm
                        ? $"private readonly {View} _{name}Scale, _{name}Shift;"
                        : $"private readonly {View} _{name}Weight, _{name}Bias;");
                }
                bool groupNorm = _graph.Ops.Any(o => o.Kind is OpKind.GroupNorm or OpKind.LayerNorm);
                if (groupNorm) w.Line($"private readonly {View} _normScratch;");
                if (_detection) WriteDetectionFields(w);
                w.Line();
                using (w.Block($"internal Gpu(Weights.WeightSet weights, {K}.GpuContext context) : base(context, DeviceArenaLength, InputOffset, {cls}.InputLength, OutputOffset, {I(outputLength)})"))
                {
                    int k = 0;
                    foreach (OpNode op in _weightOwners)
                    {
                        string name = _weightNames[op];
                        string bias = op.HasBias ? "true" : "false";
                        string a = $"a{I(k)}", b = $"b{I(k++)}"; // host arrays, uploaded then dropped
                        switch (op.Kind)
                        {
                            case OpKind.Conv:
                                string bn = op.FoldedBatchNormPrefix is null ? "null" : Literal(op.FoldedBatchNormPrefix);
                                w.Line($"Weights.LayerWeights.ConvolutionUnpacked(weights, {I(_graph.Tensors[op.Output].Channels)}, {Literal(op.WeightPrefix)}, hasBias: {bias}, {bn}, eps: {Eps(op.Eps)}, out float[] {a}, out float[] {b});");
                                w.Line($"(_{name}Weight, _{name}Bias) = (UploadWeights({a}), UploadWeights({b}));");
                                break;
                            case OpKind.BatchNorm:
                                w.Line($"Weights.LayerWeights.BatchNorm(weights, {Literal(op.WeightPrefix)}, eps: {Eps(op.Eps)}, out float[] {a}, out float[] {b});");
                                w.Line($"(_{name}Scale, _{name}Shift) = (UploadWeights({a}), UploadWeights({b}));");
                                break;
                            case OpKind.Linear:
                                w.Line($"Weights.LayerWeights.Linear(weights, {Literal(op.WeightPrefix)}, outFeatures: {I(_graph.Tensors[op.Output].Length)}, hasBias: {bias}, out float[] {a}, out float[] {b});");
                                w.Line($"(_{name}Weight, _{name}Bias) = (UploadWeights({a}), UploadWeights({b}));");
                                break;
                            case OpKind.GroupNorm:
                            case OpKind.LayerNorm:
                                w.Line(op.HasBias
                                    ? $"(_{name}Weight, _{name}Bias) = (UploadWeights(weights[{Literal(op.WeightPrefix + ".weight")}]), UploadWeights(weights[{Literal(op.WeightPrefix + ".bias")}]));"
                                    : $"(_{name}Weight, _{name}Bias) = (default, default); // no affine parameters");
                                break;
                        }
                    }
                    if (groupNorm)
                    {
                        var sizes = _graph.Ops.Where(o => o.Kind is OpKind.GroupNorm or OpKind.LayerNorm).Select(o =>
                        {
                            TensorDef t = _graph.Tensors[o.Inputs[0]];
                            return o.Kind == OpKind.LayerNorm
                                ? $"{K}.GpuKernels.NormScratchLength(1, {I(t.Length)})"
                                : $"{K}.GpuKernels.NormScratchLength({I(o.Groups)}, {I(t.Channels / o.Groups * t.Height * t.Width)})";
                        }).Distinct();
                        w.Line($"_normScratch = UploadWeights(new float[global::System.Math.Max(1L, {string.Join(", ", sizes.Select(x => $"global::System.Math.Max({x}, 1L)").Aggregate((a, b) => $"global::System.Math.Max({a}, {b})"))})]);");
                    }
                }
                w.Line();
                w.Line("/// <summary>Enqueues every step of the network on the executor's stream.</summary>");
                using (w.Block("protected override void EnqueueKernels()"))
                {
                    for (int i = 0; i < _graph.Ops.Count; i++) WriteStep(w, i, _graph.Ops[i]);
                    foreach (string name in _graph.Outputs)
                    {
                        if (!_detection && _plan.Storage[name].Kind != StorageKind.Output)
                        {
                            w.Line($"{ViewOf(name)}.CopyTo(OutputView);");
                        }
                    }
                }
                if (_detection) WriteDetect(w);
            }
            w.Line();
        }

        private void WriteStep(SourceWriter w, int index, OpNode op)
        {
            TensorDef input = _graph.Tensors[op.Inputs[0]];
            TensorDef output = _graph.Tensors[op.Output];
            string act = "Cpu.Activation." + (op.Activation switch { ActivationKind.Relu => "Relu", ActivationKind.Relu6 => "Relu6", _ => "None" });
            string residual = op.Residual is null ? "default" : ViewOf(op.Residual);
            string shape = _shapeNames.TryGetValue(op, out string? s) ? s : "";
            string weights = _weightNames.TryGetValue(op, out string? wn) ? wn : "";
            string x = ViewOf(op.Inputs[0]), y = ViewOf(op.Output);
            string step = $"// [{index}] {op.Label}";
            switch (op.Kind)
            {
                case OpKind.Conv:
                    w.Line(step);
                    w.Line($"Kernels.Conv2d(in s_{shape}, {x}, _{weights}Weight, _{weights}Bias, {residual}, {act}, {y});");
                    break;
                case OpKind.BatchNorm:
                    w.Line(step);
                    w.Line($"Kernels.ScaleShift({I(input.Channels)}, {I(input.Height * input.Width)}, {x}, _{weights}Scale, _{weights}Shift, {residual}, {act}, {y});");
                    break;
                case OpKind.Activation:
                    w.Line(step);
                    w.Line($"Kernels.Activate({x}, {act}, {y});");
                    break;
                case OpKind.MaxPool:
                case OpKind.AvgPool:
                    w.Line(step);
                    w.Line($"Kernels.{(op.Kind == OpKind.MaxPool ? "MaxPool" : "AvgPool")}(in s_{shape}, {x}, {y});");
                    break;
                case OpKind.GlobalAvgPool:
                    w.Line(step);
                    w.Line($"Kernels.GlobalAvgPool({I(input.Channels)}, {I(input.Height * input.Width)}, {x}, {y});");
                    break;
                case OpKind.Flatten:
                    break;
                case OpKind.Linear:
                    w.Line(step);
                    w.Line($"Kernels.Linear({I(input.Length)}, {I(output.Length)}, {x}, _{weights}Weight, _{weights}Bias, {act}, {y});");
                    break;
                case OpKind.Add:
                    w.Line(step);
                    w.Line($"Kernels.Add({x}, {ViewOf(op.Inputs[1])}, {act}, {y});");
                    break;
                case OpKind.Upsample:
                    w.Line(step);
                    w.Line($"Kernels.Nearest({I(input.Channels)}, {I(input.Height)}, {I(input.Width)}, {I(output.Height)}, {I(output.Width)}, {I(input.Height)}f / {I(output.Height)}, {I(input.Width)}f / {I(output.Width)}, {x}, {y});");
                    break;
                case OpKind.GroupNorm:
                    w.Line(step);
                    w.Line($"Kernels.GroupNorm({x}, {y}, 1, {I(input.Channels)}, {I(input.Height * input.Width)}, {I(op.Groups)}, _{weights}Weight, _{weights}Bias, _normScratch, {F(op.Eps)}f);");
                    if (op.Activation != ActivationKind.None) w.Line($"Kernels.Activate({y}, {act}, {y});");
                    break;
                case OpKind.LayerNorm:
                    w.Line(step);
                    w.Line($"Kernels.LayerNorm({x}, {y}, 1, {I(input.Length)}, _{weights}Weight, _{weights}Bias, _normScratch, {F(op.Eps)}f);");
                    if (op.Activation != ActivationKind.None) w.Line($"Kernels.Activate({y}, {act}, {y});");
                    break;
                case OpKind.ChannelsLast:
                    w.Line(step);
                    w.Line($"Kernels.ChannelsLast({I(input.Channels)}, {I(input.Height * input.Width)}, {x}, {y});");
                    break;
            }
        }

        private void WriteDetectionFields(SourceWriter w)
        {
            w.Line("private readonly float[] _anchors = global::VisionGen.ObjectDetection.AnchorGenerator.Generate(" +
                   $"{I(_graph.Input.Height)}, {I(_graph.Input.Width)}, s_levels, s_anchorSizes, s_aspectRatios);");
            w.Line("private readonly global::VisionGen.ObjectDetection.PostprocessWorkspace _workspace = new(DefaultSettings, s_levels.Length);");
            for (int i = 0; i < _graph.Outputs.Count; i++)
            {
                w.Line($"private readonly float[] _{Lower(_graph.OutputNames[i])} = new float[{I(_graph.Tensors[_graph.Outputs[i]].Length)}];");
            }
        }

        private void WriteDetect(SourceWriter w)
        {
            const string Od = "global::VisionGen.ObjectDetection";
            w.Line();
            w.Line("/// <summary>Runs backbone, neck and head on the accelerator, then decodes and runs NMS on the CPU (the candidates after");
            w.Line("/// thresholding are few, so NMS is not worth a launch). Allocates nothing.</summary>");
            using (w.Block($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results, in {Od}.DetectionSettings settings)"))
            {
                w.Line($"if (input.Length != InputLength) throw new global::System.ArgumentException($\"{_spec.ClassName} expects {{InputLength}} floats, got {{input.Length}}.\", nameof(input));");
                w.Line("global::VisionGen.Models.InputValidation.ThrowIfNotFinite(input, nameof(input));");
                w.Line("UploadInput(input, InputView);");
                w.Line("EnqueueKernels();");
                for (int i = 0; i < _graph.Outputs.Count; i++)
                {
                    w.Line($"DownloadOutput({ViewOf(_graph.Outputs[i])}, _{Lower(_graph.OutputNames[i])});");
                }
                bool fcos = _spec.Head == HeadKind.Fcos;
                w.Line(fcos
                    ? $"return {Od}.FcosPostprocess.Run(in settings, _classLogits, _boxRegression, _centerness, _anchors, s_anchorsPerLevel, {I(_graph.Input.Height)}, {I(_graph.Input.Width)}, _workspace, results);"
                    : $"return {Od}.RetinaNetPostprocess.Run(in settings, _classLogits, _boxRegression, _anchors, s_anchorsPerLevel, {I(_graph.Input.Height)}, {I(_graph.Input.Width)}, _workspace, results);");
            }
            w.Line();
            w.Line("/// <summary>Detects with <see cref=\"DefaultSettings\"/>.</summary>");
            w.Line($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results) => Detect(input, results, DefaultSettings);");
            for (int i = 0; i < _graph.Outputs.Count; i++)
            {
                w.Line();
                w.Line($"/// <summary>Raw head output of the last Detect, as the CPU model's <c>{_graph.OutputNames[i]}</c>.</summary>");
                w.Line($"public global::System.ReadOnlySpan<float> {_graph.OutputNames[i]} => _{Lower(_graph.OutputNames[i])};");
            }
        }

        private string ViewOf(string tensor)
        {
            TensorStorage s = _plan.Storage[tensor];
            return s.Kind switch
            {
                StorageKind.Input => "InputView",
                StorageKind.Output => "OutputView",
                _ => $"ArenaSlice({I(s.Offset)}, {I(s.Length)})",
            };
        }

        private static string Lower(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);



    }
}
