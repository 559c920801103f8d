using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Plan;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// <c>Segment</c> for a model declared with a segmentation head (<c>[DeepLabV3Head]</c>, <c>[FcnHead]</c>,
    /// <c>[LrasppHead]</c>): the network into a logits buffer the model holds, then the per-pixel argmax into the caller's
    /// labels, on the CPU model and on its GPU runner (the argmax on the host after the download). Allocation-free.
    /// </summary>
    internal static class SegmentationEmitter
    {
        /// <summary>Whether the model gets <c>Segment(input, labels)</c>: a declared segmentation head with byte-sized labels.</summary>
        public static bool Applies(ModelSpec spec, ExecutionPlan plan) =>
            spec.Segmentation && plan.Graph.Outputs.Count == 1 && plan.Tensors[plan.Graph.Outputs[0].Tensor].Shape.C <= 256;

        /// <summary>The logits buffer: [ImageInput]'s output buffer when the model has one, else its own.</summary>
        private static string Logits(ModelSpec spec) => spec.ImageInput is null ? "_segmentLogits" : "_imageOutput";

        public static string[] Arrays(ModelSpec spec, ExecutionPlan plan) =>
            Applies(spec, plan) && spec.ImageInput is null ? new[] { "_segmentLogits" } : new string[0];

        public static void WriteConstants(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            if (!Applies(spec, plan)) return;
            Shape output = plan.Tensors[plan.Graph.Outputs[0].Tensor].Shape;
            w.Line("/// <summary>Classes of the segmentation head: the labels <c>Segment</c> writes are 0 to ClassCount − 1.</summary>");
            w.Line($"public const int ClassCount = {I(output.C)};");
            w.Line("/// <summary>Labels <c>Segment</c> writes: one per input pixel (batch × height × width).</summary>");
            w.Line($"public const int LabelsLength = {L((long)output.N * output.H * output.W)};");
        }

        public static void WriteFields(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            if (Applies(spec, plan) && spec.ImageInput is null) w.Line("private float[] _segmentLogits = new float[OutputLength];");
        }

        public static void WriteCpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            if (!Applies(spec, plan)) return;
            Shape output = plan.Tensors[plan.Graph.Outputs[0].Tensor].Shape;
            WriteDocs(w);
            using (w.Block("public void Segment(global::System.ReadOnlySpan<float> input, global::System.Span<byte> labels)"))
            {
                w.Line("global::System.ObjectDisposedException.ThrowIf(_disposed, this);");
                w.Line("if (input.Length != InputLength) ThrowLength(nameof(input), InputLength, input.Length);");
                WriteLabelsCheck(w, spec);
                w.Line("EnterRun();");
                using (w.Block("try"))
                {
                    w.Line($"RunCore(input, {Logits(spec)});");
                    w.Line($"global::VisionGen.Segmentation.Labels({Logits(spec)}, {I(output.N)}, ClassCount, labels);");
                }
                w.Line("finally { global::System.Threading.Volatile.Write(ref _running, 0); }");
            }
            w.Line();
        }

        public static void WriteGpuMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            if (!Applies(spec, plan)) return;
            string cls = Identifier(spec.ClassName);
            Shape output = plan.Tensors[plan.Graph.Outputs[0].Tensor].Shape;
            w.Line();
            w.Line($"private readonly float[] _logits = new float[{cls}.OutputLength];");
            w.Line();
            WriteDocs(w);
            using (w.Block("public void Segment(global::System.ReadOnlySpan<float> input, global::System.Span<byte> labels)"))
            {
                WriteLabelsCheck(w, spec, cls + ".");
                w.Line("Run(input, _logits);");
                w.Line($"global::VisionGen.Segmentation.Labels(_logits, {I(output.N)}, {cls}.ClassCount, labels);");
            }
        }

        private static void WriteDocs(SourceWriter w)
        {
            w.Line("/// <summary>");
            w.Line("/// Runs the network and writes the label of every pixel: the class with the largest logit, the first on ties (as");
            w.Line("/// <c>torch.argmax</c> over the classes). Allocates nothing.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"input\">NCHW float32 input, exactly <c>InputLength</c> values.</param>");
            w.Line("/// <param name=\"labels\">Receives exactly <c>LabelsLength</c> labels, image by image, row by row.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the input is not finite.</exception>");
        }

        private static void WriteLabelsCheck(SourceWriter w, ModelSpec spec, string owner = "")
        {
            w.Line($"if (labels.Length != {owner}LabelsLength)");
            w.Line($"    throw new global::System.ArgumentException($\"{spec.ClassName} writes {{{owner}LabelsLength}} labels, but the span has {{labels.Length}}.\", nameof(labels));");
        }
    }
}
