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
            if (d.FasterRcnn is not null)
            {
                w.Line("/// <summary>The most proposals the RPN passes to the RoI heads (torchvision's rpn_post_nms_top_n_test).</summary>");
                w.Line($"public const int MaxProposals = {I(d.FasterRcnn.RpnPostNmsTopN)};");
                w.Line();
            }
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
            if (d.FasterRcnn is not null)
            {
                WriteFasterRcnnCpuMembers(w, spec, plan);
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

        /// <summary>
        /// A Faster R-CNN's members: the anchors' static layout, the second stage's constants (where the RPN outputs and the
        /// pooled levels lie in the arena), the settings, <c>Detect</c> (the network, then <c>FasterRcnnHeads</c>), the raw
        /// outputs of both stages.
        /// </summary>
        private static void WriteFasterRcnnCpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            WriteAnchorLayout(w, spec.Detection!);
            w.Line("// The second stage's constants: image size, RPN settings, RoI heads' sizes, and where the RPN head's outputs and the");
            w.Line("// pyramid levels the RoI pooler reads lie in the arena.");
            w.Line($"private static readonly {Od}.FasterRcnnConfig s_rcnn = {FasterRcnnConfig(spec, plan, packed: false)};");
            w.Line($"private {Od}.FasterRcnnHeads _rcnn;");
            w.Line();
            w.Line("/// <summary>Every RPN anchor, [AnchorCount, 4] as (x1, y1, x2, y2) in input pixels.</summary>");
            w.Line("public global::System.ReadOnlySpan<float> Anchors => _rcnn.Anchors;");
            w.Line();
            WriteSettingsDetectAndOutputs(w, spec, plan,
                "torchvision's RoI-heads settings, as declared (box score threshold, box NMS IoU, detections per image; TopKCandidates is the RPN's pre-NMS top-n per level, at most the declared one)",
                output => FasterRcnnMeaning(output.Name));
            WriteSecondStageOutputs(w, "_rcnn");
        }

        private static void WriteAnchorLayout(SourceWriter w, DetectionSpec d)
        {
            string ratios = "[" + string.Join(", ", d.AspectRatios.Select(Float)) + "]";
            w.Line("// Anchors, as torchvision's AnchorGenerator: sizes and ratios per level are compile-time constants; the grid of");
            w.Line("// anchors over every level is laid out once, when the model loads, never per call.");
            w.Line($"private static readonly (int H, int W)[] s_levels = [{string.Join(", ", d.Levels.Select(l => $"({I(l.Height)}, {I(l.Width)})"))}];");
            w.Line($"private static readonly float[][] s_anchorSizes = [{string.Join(", ", d.Levels.Select(l => "[" + string.Join(", ", l.Sizes.Select(Float)) + "]"))}];");
            w.Line($"private static readonly float[][] s_aspectRatios = [{string.Join(", ", Enumerable.Repeat(ratios, d.Levels.Count))}];");
        }

        /// <summary>The second stage's proposals and RoI-head outputs, read from the FasterRcnnHeads field.</summary>
        private static void WriteSecondStageOutputs(SourceWriter w, string field)
        {
            w.Line($"/// <summary>Proposals the RPN passed to the RoI heads in the last Detect call (at most <see cref=\"MaxProposals\"/>).</summary>");
            w.Line($"public int ProposalCount => {field}.ProposalCount;");
            w.Line();
            w.Line("/// <summary>The last Detect call's proposals, [ProposalCount, 4] as (x1, y1, x2, y2), in the RPN's order (by objectness after NMS).</summary>");
            w.Line($"public global::System.ReadOnlySpan<float> Proposals => {field}.Proposals;");
            w.Line();
            w.Line("/// <summary>sigmoid(objectness) of the last Detect call's proposals, [ProposalCount].</summary>");
            w.Line($"public global::System.ReadOnlySpan<float> ProposalScores => {field}.ProposalScores;");
            w.Line();
            w.Line("/// <summary>The box predictor's class logits (before softmax) of the last Detect call, [ProposalCount, ClassCount].</summary>");
            w.Line($"public global::System.ReadOnlySpan<float> ClassLogits => {field}.ClassLogits;");
            w.Line();
            w.Line("/// <summary>The box predictor's deltas of the last Detect call, [ProposalCount, ClassCount x 4] (dx, dy, dw, dh per class, weights 10, 10, 5, 5).</summary>");
            w.Line($"public global::System.ReadOnlySpan<float> BoxRegression => {field}.BoxRegression;");
            w.Line();
        }

        /// <summary>The <c>FasterRcnnConfig</c> constructor: offsets into the arena, or into the outputs packed one after another (the GPU runner's host copy).</summary>
        private static string FasterRcnnConfig(ModelSpec spec, ExecutionPlan plan, bool packed)
        {
            DetectionSpec d = spec.Detection!;
            FasterRcnnSpec r = d.FasterRcnn!;
            var offsets = new Dictionary<string, long>();
            long at = 0;
            foreach (GraphOutput output in plan.Graph.Outputs)
            {
                offsets[output.Name] = packed ? at : plan.Storage[output.Tensor].Offset;
                at += plan.Storage[output.Tensor].Length;
            }
            var pooled = new List<string>();
            for (int l = 0; l < r.PooledLevels; l++)
            {
                AnchorLevel level = d.Levels[l];
                pooled.Add($"new({L(offsets["FpnLevel" + I(l)])}, {I(level.Height)}, {I(level.Width)}, {Float(r.PooledScales[l])})");
            }
            string perLevel = string.Join(", ", d.Levels.Select(l => I(l.Height * l.Width * d.AnchorsPerLocation)));
            return $"new({I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, {I(r.Channels)}, {I(d.Classes)}, {I(r.RepresentationSize)}, " +
                $"{L(offsets["Objectness"])}, {L(offsets["RpnBoxDeltas"])}, [{perLevel}], [{string.Join(", ", pooled)}], " +
                $"{I(r.RpnPreNmsTopN)}, {I(r.RpnPostNmsTopN)}, {Float(r.RpnNmsThreshold)}, {Float(r.RpnScoreThreshold)}, 2)";
        }

        private static string FasterRcnnMeaning(string output) => output switch
        {
            "Objectness" => "[AnchorCount] RPN objectness logits (before sigmoid), in torchvision's order (level, y, x, anchor)",
            "RpnBoxDeltas" => "[AnchorCount, 4] RPN box deltas (dx, dy, dw, dh), in torchvision's order",
            _ => "a pyramid level the RoI pooler reads, [channels, height, width]",
        };

        /// <summary>The constructor line that reads the box head's weights and allocates the second stage's buffers.</summary>
        public static void WriteFasterRcnnLoad(SourceWriter w, ModelSpec spec, ExecutionPlan plan, string config)
        {
            w.Line($"_rcnn = new {Od}.FasterRcnnHeads(weights, {config}, {Od}.AnchorGenerator.Generate({I(plan.Input.Shape.H)}, {I(plan.Input.Shape.W)}, s_levels, s_anchorSizes, s_aspectRatios), MaxDetections);");
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
            if (spec.Detection!.FasterRcnn is not null)
            {
                w.Line($"private static readonly {Od}.FasterRcnnConfig s_rcnnPacked = {FasterRcnnConfig(spec, plan, packed: true)};");
                w.Line($"private {Od}.FasterRcnnHeads _rcnn;");
                w.Line($"private readonly float[] _heads = new float[{L(plan.Graph.Outputs.Sum(o => plan.Storage[o.Tensor].Length))}];");
                return;
            }
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
            bool packed = spec.Detection!.IsYolo || spec.Detection!.FasterRcnn is not null;
            if (spec.Detection!.FasterRcnn is not null)
            {
                w.Line("/// <summary>Runs backbone, FPN and RPN head on the accelerator, downloads the RPN outputs and the pooled pyramid levels, then");
                w.Line("/// runs the second stage (proposals, RoIAlign, box head, decoding, NMS) on the host CPU. Allocates nothing.</summary>");
            }
            else
            {
                w.Line("/// <summary>Runs backbone, neck and head on the accelerator, then decodes and runs NMS on the CPU (the candidates after");
                w.Line("/// thresholding are few, so NMS is not worth a launch). Allocates nothing.</summary>");
            }
            using (w.Block($"public int Detect(global::System.ReadOnlySpan<float> input, global::System.Span<{Od}.Detection> results, in {Od}.DetectionSettings settings)"))
            {
                w.Line($"if (input.Length != InputLength) throw new global::System.ArgumentException($\"{spec.ClassName} expects {{InputLength}} floats, got {{input.Length}}.\", nameof(input));");
                w.Line("global::VisionGen.Models.InputValidation.ThrowIfNotFinite(input, nameof(input));");
                w.Line("UploadInput(input, InputView);");
                w.Line("EnqueueKernels();");
                long offset = 0;
                foreach (GraphOutput output in plan.Graph.Outputs)
                {
                    TensorStorage s = plan.Storage[output.Tensor];
                    string host = packed ? $"new global::System.Span<float>(_heads, {L(offset)}, {L(s.Length)})" : "_" + Lower(output.Name);
                    w.Line($"DownloadOutput(ArenaSlice({L(s.Offset)}, {L(s.Length)}), {host});");
                    offset += s.Length;
                }
                w.Line(spec.Detection!.FasterRcnn is not null ? "return _rcnn.Detect(in settings, _heads, results);"
                    : spec.Detection!.IsYolo
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
                w.Line(packed
                    ? $"public global::System.ReadOnlySpan<float> {output.Name} => new global::System.ReadOnlySpan<float>(_heads, {L(start)}, {L(length)});"
                    : $"public global::System.ReadOnlySpan<float> {output.Name} => _{Lower(output.Name)};");
                start += length;
            }
            if (spec.Detection!.FasterRcnn is not null)
            {
                w.Line();
                w.Line("/// <summary>Every RPN anchor, [AnchorCount, 4] as (x1, y1, x2, y2) in input pixels.</summary>");
                w.Line("public global::System.ReadOnlySpan<float> Anchors => _rcnn.Anchors;");
                w.Line();
                WriteSecondStageOutputs(w, "_rcnn");
            }
        }

        /// <summary>The CPU model's post-processing call (NMS over the decoded boxes) as an expression; reads a local named <c>settings</c>.</summary>
        public static string PostprocessCall(ModelSpec spec, ExecutionPlan plan) => spec.Detection!.FasterRcnn is not null
            ? "_rcnn.Detect(in settings, _arena, results)"
            : spec.Detection!.IsYolo
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
