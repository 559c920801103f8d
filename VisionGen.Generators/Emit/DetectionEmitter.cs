using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Plan;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// The detection members of a RetinaNet or FCOS model: anchors laid out once at load, torchvision's settings,
    /// <c>Detect</c> (network, decoding against the anchors, top-k per level and class-wise NMS, allocation-free) and the
    /// raw head outputs — for the CPU model and its GPU runner.
    /// </summary>
    internal static class DetectionEmitter
    {
        private const string Od = "global::VisionGen.ObjectDetection";

        public static void WriteConstants(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            DetectionSpec d = spec.Detection!;
            int anchors = d.AnchorCount;
            string levels = string.Join(", ", d.Levels.Select(l => $"{I(l.Height)}x{I(l.Width)}"));
            w.Line(d.IsYolo
                ? "/// <summary>Classes the head scores (no background class).</summary>"
                : "/// <summary>Classes the head scores (torchvision counts the background class in it).</summary>");
            w.Line($"public const int ClassCount = {I(d.Classes)};");
            w.Line();
            if (d.IsYolo)
            {
                w.Line("/// <summary>Bins of each box side's distance distribution ([YoloHead] RegMax).</summary>");
                w.Line($"public const int RegMax = {I(d.YoloRegMax)};");
                w.Line();
                w.Line($"/// <summary>Anchor points (cell centres) over all {I(d.Levels.Count)} scales ({levels}).</summary>");
            }
            else if (d.Ssd is not null)
            {
                string perLocation = string.Join(", ", Enumerable.Range(0, d.Levels.Count).Select(l => I(d.AnchorsAt(l))));
                w.Line($"/// <summary>Default boxes over all {I(d.Levels.Count)} feature maps ({levels}), {perLocation} per location.</summary>");
            }
            else
            {
                w.Line($"/// <summary>Anchors over all {I(d.Levels.Count)} pyramid levels ({levels}), {I(d.AnchorsPerLocation)} per location.</summary>");
            }
            w.Line($"public const int AnchorCount = {I(anchors)};");
            w.Line();
            w.Line(d.IsYolo
                ? "/// <summary>The most detections <c>Detect</c> returns ([YoloHead] DetectionsPerImage).</summary>"
                : "/// <summary>The most detections <c>Detect</c> returns (torchvision's detections_per_img).</summary>");
            w.Line($"public const int MaxDetections = {I(d.DetectionsPerImage)};");
            w.Line();
        }

        public static void WriteCpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            DetectionSpec d = spec.Detection!;
            if (d.IsYolo)
            {
                WriteYoloCpuMembers(w, spec, plan);
                return;
            }
            if (d.Ssd is not null)
            {
                WriteSsdCpuMembers(w, spec, plan);
                return;
            }
            string ratios = "[" + string.Join(", ", d.AspectRatios.Select(Float)) + "]";
            w.Line("// Anchors, as torchvision's AnchorGenerator: sizes and ratios per level are compile-time constants; the grid of");
            w.Line("// anchors over every level is laid out once, when the model loads, never per call.");
            w.Line($"private static readonly (int H, int W)[] s_levels = [{string.Join(", ", d.Levels.Select(l => $"({I(l.Height)}, {I(l.Width)})"))}];");
            w.Line($"private static readonly float[][] s_anchorSizes = [{string.Join(", ", d.Levels.Select(l => "[" + string.Join(", ", l.Sizes.Select(Float)) + "]"))}];");
            w.Line($"private static readonly float[][] s_aspectRatios = [{string.Join(", ", Enumerable.Repeat(ratios, d.Levels.Count))}];");
            w.Line($"private static readonly int[] s_anchorsPerLevel = [{string.Join(", ", d.Levels.Select(l => I(l.Height * l.Width * d.AnchorsPerLocation)))}];");
            w.Line($"private readonly float[] _anchors = {Od}.AnchorGenerator.Generate({I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, s_levels, s_anchorSizes, s_aspectRatios);");
            w.Line($"private readonly {Od}.PostprocessWorkspace _workspace = new(DefaultSettings, {I(d.Levels.Count)});");
            w.Line();
            w.Line("/// <summary>Every anchor, [AnchorCount, 4] as (x1, y1, x2, y2) in input pixels.</summary>");
            w.Line("public global::System.ReadOnlySpan<float> Anchors => _anchors;");
            w.Line();
            WriteSettingsDetectAndOutputs(w, spec, plan, "torchvision's post-processing settings for this head, as declared (score threshold, NMS IoU, detections per image, top-k per level)",
                output => $"{Meaning(spec, output.Name)}, in torchvision's order (level, y, x, anchor)");
        }

        /// <summary>
        /// An SSD head's members: the default boxes laid out once at load (torchvision's DefaultBoxGenerator settings as
        /// constants), the settings, <c>Detect</c> (network, then SsdPostprocess) and the raw head outputs.
        /// </summary>
        private static void WriteSsdCpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            DetectionSpec d = spec.Detection!;
            SsdBoxes boxes = d.Ssd!;
            w.Line("// Default boxes, as torchvision's DefaultBoxGenerator: aspect ratios, scales and steps are compile-time constants;");
            w.Line("// the boxes over every feature map are laid out once, when the model loads, never per call.");
            WriteSsdBoxFields(w, d);
            w.Line($"private readonly float[] _anchors = {SsdGenerate(plan, boxes)};");
            w.Line($"private readonly {Od}.SsdPostprocessWorkspace _workspace = new(DefaultSettings, ClassCount);");
            w.Line();
            w.Line("/// <summary>Every default box, [AnchorCount, 4] as (x1, y1, x2, y2) in input pixels.</summary>");
            w.Line("public global::System.ReadOnlySpan<float> Anchors => _anchors;");
            w.Line();
            WriteSettingsDetectAndOutputs(w, spec, plan, "torchvision's SSD post-processing settings, as declared (score threshold, NMS IoU, detections per image, top-k per class)",
                output => output.Name == "ClassLogits"
                    ? "[AnchorCount, ClassCount] classification logits (before softmax; class 0 the background), in torchvision's order (level, y, x, box)"
                    : "[AnchorCount, 4] box deltas (dx, dy, dw, dh) before the (10, 10, 5, 5) weights, in torchvision's order (level, y, x, box)");
        }

        private static void WriteSsdBoxFields(SourceWriter w, DetectionSpec d)
        {
            SsdBoxes boxes = d.Ssd!;
            w.Line($"private static readonly (int H, int W)[] s_levels = [{string.Join(", ", d.Levels.Select(l => $"({I(l.Height)}, {I(l.Width)})"))}];");
            w.Line($"private static readonly int[][] s_aspectRatios = [{string.Join(", ", Enumerable.Range(0, d.Levels.Count).Select(l => "[" + string.Join(", ", boxes.RatiosAt(l).Select(I)) + "]"))}];");
            w.Line(boxes.Scales.Count > 0
                ? $"private static readonly double[] s_scales = [{string.Join(", ", boxes.Scales.Select(Double))}];"
                : $"private static readonly double[] s_scales = {Od}.DefaultBoxGenerator.Scales({I(d.Levels.Count)}, {Double(boxes.MinRatio)}, {Double(boxes.MaxRatio)});");
            w.Line(boxes.Steps.Count > 0
                ? $"private static readonly int[]? s_steps = [{string.Join(", ", boxes.Steps.Select(I))}];"
                : "private static readonly int[]? s_steps = null; // the feature-map sizes");
        }

        private static string SsdGenerate(ExecutionPlan plan, SsdBoxes boxes) =>
            $"{Od}.DefaultBoxGenerator.Generate({I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, s_levels, s_aspectRatios, s_scales, s_steps, clip: {(boxes.Clip ? "true" : "false")})";

        /// <summary>
        /// A YOLO head's members: where each scale's raw output lies in the arena, the settings, <c>Detect</c> (the network,
        /// then <c>YoloPostprocess</c> reading the outputs in place) and the raw outputs.
        /// </summary>
        private static void WriteYoloCpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            DetectionSpec d = spec.Detection!;
            w.Line("// The head's scales: where each raw output [4 x RegMax + ClassCount, H, W] lies in the arena, its size and stride.");
            w.Line($"private static readonly {Od}.YoloLevel[] s_yoloLevels = [{string.Join(", ", YoloLevels(plan, d, packed: false))}];");
            w.Line($"private readonly {Od}.PostprocessWorkspace _workspace = new(DefaultSettings, 1);");
            w.Line();
            WriteSettingsDetectAndOutputs(w, spec, plan, "The head's post-processing settings, as declared by [YoloHead] (score threshold, NMS IoU, detections per image, candidates entering NMS)",
                output => $"one scale, {plan.Tensors[output.Tensor].Shape.Text}, box bins then class logits");
        }

        /// <summary>DefaultSettings, the Detect methods and the raw head outputs (views of the arena).</summary>
        private static void WriteSettingsDetectAndOutputs(SourceWriter w, ModelSpec spec, ExecutionPlan plan, string settingsDoc, System.Func<GraphOutput, string> meaning)
        {
            DetectionSpec d = spec.Detection!;
            w.Line($"/// <summary>{settingsDoc}.</summary>");
            w.Line($"public static readonly {Od}.DetectionSettings DefaultSettings = new({Float(d.ScoreThreshold)}, {Double(UserDouble(d.NmsThreshold))}, {I(d.DetectionsPerImage)}, {I(d.TopKCandidates)});");
            w.Line();
            WriteDetectMethods(w, spec, plan);
            foreach (GraphOutput output in plan.Graph.Outputs)
            {
                TensorStorage s = plan.Storage[output.Tensor];
                w.Line($"/// <summary>Raw head output from the last <see cref=\"RunHeads\"/> or Detect call: {meaning(output)}.</summary>");
                w.Line($"public global::System.ReadOnlySpan<float> {output.Name} => new global::System.ReadOnlySpan<float>(_arena, {L(s.Offset)}, {L(s.Length)});");
                w.Line();
            }
        }

        /// <summary>The scales as <c>YoloLevel</c> constructors: offsets into the arena, or into the outputs packed one after another.</summary>
        private static IEnumerable<string> YoloLevels(ExecutionPlan plan, DetectionSpec d, bool packed)
        {
            long offset = 0;
            for (int i = 0; i < plan.Graph.Outputs.Count; i++)
            {
                GraphOutput output = plan.Graph.Outputs[i];
                AnchorLevel level = d.Levels[i];
                long start = packed ? offset : plan.Storage[output.Tensor].Offset;
                offset += plan.Storage[output.Tensor].Length;
                yield return $"new({L(start)}, {I(level.Height)}, {I(level.Width)}, {I(plan.Input.Shape.H / level.Height)})";
            }
        }

        private static void WriteDetectMethods(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            w.Line("/// <summary>Detects objects in one image with <see cref=\"DefaultSettings\"/>. Allocates nothing.</summary>");
            w.Line("/// <param name=\"input\">NCHW float32 input, normalized as in training, exactly <see cref=\"InputLength\"/> values.</param>");
            w.Line("/// <param name=\"results\">Receives detections by descending score (boxes in input pixels); size it with <see cref=\"MaxDetections\"/>.</param>");
            w.Line("/// <returns>The number of detections written.</returns>");
            w.Line($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results) => Detect(input, results, DefaultSettings);");
            w.Line();
            w.Line("/// <summary>Detects objects in one image with the given settings (top-k no larger than <see cref=\"DefaultSettings\"/>'s). Allocates nothing.</summary>");
            using (w.Block($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results, in {Od}.DetectionSettings settings)"))
            {
                w.Line("EnterRun();");
                using (w.Block("try"))
                {
                    w.Line("RunHeadsCore(input);");
                    w.Line("return " + PostprocessCall(spec, plan) + ";");
                }
                w.Line("finally { global::System.Threading.Volatile.Write(ref _running, 0); }");
            }
            w.Line();
        }

        /// <summary>The GPU runner's host copies of the head outputs and its post-processing state.</summary>
        public static void WriteGpuFields(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            if (spec.Detection!.IsYolo)
            {
                w.Line($"private static readonly {Od}.YoloLevel[] s_packedLevels = [{string.Join(", ", YoloLevels(plan, spec.Detection!, packed: true))}];");
                w.Line($"private readonly {Od}.PostprocessWorkspace _workspace = new(DefaultSettings, 1);");
                w.Line($"private readonly float[] _heads = new float[{L(plan.Graph.Outputs.Sum(o => plan.Storage[o.Tensor].Length))}];");
                return;
            }
            if (spec.Detection!.Ssd is not null)
            {
                w.Line($"private readonly float[] _anchors = {SsdGenerate(plan, spec.Detection!.Ssd)};");
                w.Line($"private readonly {Od}.SsdPostprocessWorkspace _workspace = new(DefaultSettings, ClassCount);");
            }
            else
            {
                w.Line($"private readonly float[] _anchors = {Od}.AnchorGenerator.Generate({I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, s_levels, s_anchorSizes, s_aspectRatios);");
                w.Line($"private readonly {Od}.PostprocessWorkspace _workspace = new(DefaultSettings, s_levels.Length);");
            }
            foreach (GraphOutput output in plan.Graph.Outputs)
                w.Line($"private readonly float[] _{Lower(output.Name)} = new float[{L(plan.Tensors[output.Tensor].Shape.Length)}];");
        }

        public static void WriteGpuDetect(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            w.Line();
            w.Line("/// <summary>Runs backbone, neck and head on the accelerator, then decodes and runs NMS on the CPU (the candidates after");
            w.Line("/// thresholding are few, so NMS is not worth a launch). Allocates nothing.</summary>");
            using (w.Block($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results, in {Od}.DetectionSettings settings)"))
            {
                w.Line($"if (input.Length != InputLength) throw new global::System.ArgumentException($\"{spec.ClassName} expects {{InputLength}} floats, got {{input.Length}}.\", nameof(input));");
                w.Line("global::VisionGen.Models.InputValidation.ThrowIfNotFinite(input, nameof(input));");
                w.Line("UploadInput(input, InputView);");
                w.Line("EnqueueKernels();");
                long packed = 0;
                foreach (GraphOutput output in plan.Graph.Outputs)
                {
                    TensorStorage s = plan.Storage[output.Tensor];
                    string host = spec.Detection!.IsYolo ? $"new global::System.Span<float>(_heads, {L(packed)}, {L(s.Length)})" : "_" + Lower(output.Name);
                    w.Line($"DownloadOutput(ArenaSlice({L(s.Offset)}, {L(s.Length)}), {host});");
                    packed += s.Length;
                }
                w.Line(spec.Detection!.IsYolo
                    ? $"return {Od}.YoloPostprocess.Run(in settings, _heads, s_packedLevels, ClassCount, RegMax, {I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, _workspace, results);"
                    : Postprocess(spec, plan, "_classLogits", "_boxRegression", "_centerness"));
            }
            w.Line();
            w.Line("/// <summary>Detects with <see cref=\"DefaultSettings\"/>.</summary>");
            w.Line($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results) => Detect(input, results, DefaultSettings);");
            long start = 0;
            foreach (GraphOutput output in plan.Graph.Outputs)
            {
                long length = plan.Storage[output.Tensor].Length;
                w.Line();
                w.Line($"/// <summary>Raw head output of the last Detect, as the CPU model's <c>{output.Name}</c>.</summary>");
                w.Line(spec.Detection!.IsYolo
                    ? $"public global::System.ReadOnlySpan<float> {output.Name} => new global::System.ReadOnlySpan<float>(_heads, {L(start)}, {L(length)});"
                    : $"public global::System.ReadOnlySpan<float> {output.Name} => _{Lower(output.Name)};");
                start += length;
            }
        }

        /// <summary>The CPU model's post-processing call (NMS over the decoded boxes) as an expression; reads a local named <c>settings</c>.</summary>
        public static string PostprocessCall(ModelSpec spec, ExecutionPlan plan) => spec.Detection!.IsYolo
            ? $"{Od}.YoloPostprocess.Run(in settings, _arena, s_yoloLevels, ClassCount, RegMax, {I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, _workspace, results)"
            : Postprocess(spec, plan, "ClassLogits", "BoxRegression", "Centerness").Substring("return ".Length).TrimEnd(';');

        private static string Postprocess(ModelSpec spec, ExecutionPlan plan, string logits, string boxes, string centerness)
        {
            string size = $"{I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}";
            if (spec.Detection!.Ssd is not null) return $"return {Od}.SsdPostprocess.Run(in settings, {logits}, {boxes}, _anchors, {size}, _workspace, results);";
            return spec.Detection!.Fcos
                ? $"return {Od}.FcosPostprocess.Run(in settings, {logits}, {boxes}, {centerness}, _anchors, s_anchorsPerLevel, {size}, _workspace, results);"
                : $"return {Od}.RetinaNetPostprocess.Run(in settings, {logits}, {boxes}, _anchors, s_anchorsPerLevel, {size}, _workspace, results);";
        }

        private static string Meaning(ModelSpec spec, string output) => output switch
        {
            "ClassLogits" => "[AnchorCount, ClassCount] classification logits (before sigmoid)",
            "BoxRegression" => spec.Detection!.Fcos ? "[AnchorCount, 4] box distances (l, t, r, b), after ReLU" : "[AnchorCount, 4] box deltas (dx, dy, dw, dh)",
            _ => "[AnchorCount] centerness logits",
        };

        private static string Lower(string name) => char.ToLowerInvariant(name[0]) + name.Substring(1);
    }
}
