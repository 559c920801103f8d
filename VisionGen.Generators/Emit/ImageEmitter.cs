using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Plan;
using static VisionGen.Generators.Emit.Format;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// The one call from an image to the answer, for a model declared with <c>[ImageInput]</c>: the declared preprocessing
    /// into the input, the network, and the answer in the source image's terms — <c>Classify</c> (top-k with class names),
    /// <c>Detect</c> (boxes in source pixels) or <c>Segment</c> (a label per source pixel); each from a decoded image
    /// (allocation-free once its buffers have grown to the image size) or from a file.
    /// </summary>
    internal static class ImageEmitter
    {
        private const string Img = "global::VisionGen.Imaging";

        public static void WriteMembers(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            ImageInputSpec image = spec.ImageInput!;
            Shape input = plan.Input.Shape;
            string floats(EquatableArray<float> values) => "[" + string.Join(", ", values.Select(Float)) + "]";
            w.Line("// The declared image input: fit, normalization and channel order, applied by Classify/Detect/Segment.");
            w.Line($"private readonly {Img}.ImagePreprocessor _imagePreprocessor = new({I(input.C)}, {I(input.H)}, {I(input.W)}, ({Img}.ImageFit){I(image.Fit)}, " +
                   $"{I(image.ResizeShorterTo)}, {floats(image.Mean)}, {floats(image.Std)}, bgr: {(image.Bgr ? "true" : "false")}, fill: {I(image.Fill)});");
            w.Line();
            bool detection = spec.Detection is not null;
            Shape output = detection ? input : plan.Tensors[plan.Graph.Outputs[0].Tensor].Shape;
            bool classifier = !detection && output.Rank == 2;
            string cls = Identifier(spec.ClassName);
            if (detection) WriteDetect(w, spec, plan);
            else if (classifier) WriteClassify(w, output[1]);
            else WriteSegment(w, output.C, output.H, output.W);
        }

        /// <summary>Image buffers the model holds (included in Dispose and LoadedBytes).</summary>
        public static string[] Arrays(ModelSpec spec) => spec.Detection is null ? new[] { "_imageInput", "_imageOutput" } : new[] { "_imageInput" };

        public static void WriteFields(SourceWriter w, ModelSpec spec)
        {
            w.Line("private float[] _imageInput = new float[InputLength];");
            if (spec.Detection is null) w.Line("private float[] _imageOutput = new float[OutputLength];");
        }

        private static void WriteClassify(SourceWriter w, int classes)
        {
            w.Line("/// <summary>");
            w.Line("/// Classifies one image of any size: the declared preprocessing, the network, then the <c>top.Length</c> most likely");
            w.Line("/// classes, most likely first, with softmax probabilities and <see cref=\"ClassNames\"/>. Allocates nothing once the");
            w.Line("/// preprocessing buffers have grown to the image size.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"image\">A decoded image (<c>VisionGen.Imaging.ImageDecoder</c>), 1 to 4 channels.</param>");
            w.Line("/// <param name=\"top\">Receives the best classes; its length is k.</param>");
            w.Line("/// <returns>How many entries were written.</returns>");
            using (w.Block($"public int Classify({Img}.DecodedImage image, global::System.Span<global::VisionGen.Prediction> top)"))
            {
                w.Line("global::System.ObjectDisposedException.ThrowIf(_disposed, this);");
                w.Line("EnterRun();");
                using (w.Block("try"))
                {
                    w.Line("_imagePreprocessor.Prepare(image, _imageInput);");
                    w.Line("RunCore(_imageInput, _imageOutput);");
                    w.Line("return global::VisionGen.Classification.TopK(_imageOutput, top, ClassNames);");
                }
                w.Line("finally { global::System.Threading.Volatile.Write(ref _running, 0); }");
            }
            w.Line();
            w.Line("/// <summary>Classifies the image in a file (PNG, JPEG, BMP, …): the <paramref name=\"k\"/> most likely classes.</summary>");
            w.Line("/// <param name=\"path\">The image file.</param>");
            w.Line("/// <param name=\"k\">How many classes to return.</param>");
            w.Line("/// <returns>The best classes, most likely first.</returns>");
            using (w.Block("public global::VisionGen.Prediction[] Classify(string path, int k = 5)"))
            {
                w.Line($"var top = new global::VisionGen.Prediction[global::System.Math.Clamp(k, 1, {I(classes)})];");
                w.Line($"int found = Classify({Img}.ImageDecoder.Load(path), top);");
                w.Line("return top[..found];");
            }
            w.Line();
        }

        private static void WriteSegment(SourceWriter w, int classes, int height, int width)
        {
            w.Line("/// <summary>");
            w.Line("/// Segments one image of any size: the declared preprocessing, the network, then the label (the class with the");
            w.Line("/// largest logit) of every pixel of the source image. Allocates nothing once the buffers have grown to the image size.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"image\">A decoded image, 1 to 4 channels.</param>");
            w.Line("/// <param name=\"labels\">Receives <c>image.Width · image.Height</c> labels, row by row.</param>");
            using (w.Block($"public void Segment({Img}.DecodedImage image, global::System.Span<byte> labels)"))
            {
                w.Line("global::System.ObjectDisposedException.ThrowIf(_disposed, this);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(image);");
                w.Line("if (labels.Length != image.Width * image.Height) ThrowLength(nameof(labels), image.Width * image.Height, labels.Length);");
                w.Line("EnterRun();");
                using (w.Block("try"))
                {
                    w.Line($"{Img}.ImageMapping mapping = _imagePreprocessor.Prepare(image, _imageInput);");
                    w.Line("RunCore(_imageInput, _imageOutput);");
                    w.Line($"global::VisionGen.Segmentation.LabelsAtSource(_imageOutput, {I(classes)}, {I(height)}, {I(width)}, mapping, image.Width, image.Height, labels);");
                }
                w.Line("finally { global::System.Threading.Volatile.Write(ref _running, 0); }");
            }
            w.Line();
            w.Line("/// <summary>Segments the image in a file: one label per pixel, row by row, at the file's size.</summary>");
            w.Line("/// <param name=\"path\">The image file.</param>");
            w.Line("/// <returns>The labels and the image's size.</returns>");
            using (w.Block("public (byte[] Labels, int Width, int Height) Segment(string path)"))
            {
                w.Line($"var image = {Img}.ImageDecoder.Load(path);");
                w.Line("var labels = new byte[image.Width * image.Height];");
                w.Line("Segment(image, labels);");
                w.Line("return (labels, image.Width, image.Height);");
            }
            w.Line();
        }

        private static void WriteDetect(SourceWriter w, ModelSpec spec, ExecutionPlan plan)
        {
            const string Od = "global::VisionGen.ObjectDetection";
            w.Line("/// <summary>");
            w.Line("/// Detects objects in one image of any size: the declared preprocessing, the network and post-processing, then the");
            w.Line("/// boxes mapped back into the source image's pixels (the fit undone, clipped to the image). Allocates nothing once");
            w.Line("/// the buffers have grown to the image size.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"image\">A decoded image, 1 to 4 channels.</param>");
            w.Line("/// <param name=\"results\">Receives detections by descending score; size it with <see cref=\"MaxDetections\"/>.</param>");
            w.Line("/// <returns>The number of detections written.</returns>");
            using (w.Block($"public int Detect({Img}.DecodedImage image, global::System.Span<{Od}.Detection> results)"))
            {
                w.Line("global::System.ObjectDisposedException.ThrowIf(_disposed, this);");
                w.Line("global::System.ArgumentNullException.ThrowIfNull(image);");
                w.Line("EnterRun();");
                using (w.Block("try"))
                {
                    w.Line($"{Img}.ImageMapping mapping = _imagePreprocessor.Prepare(image, _imageInput);");
                    w.Line("RunHeadsCore(_imageInput);");
                    w.Line($"{Od}.DetectionSettings settings = DefaultSettings;");
                    w.Line("int found = " + DetectionEmitter.PostprocessCall(spec, plan) + ";");
                    using (w.Block("for (int i = 0; i < found; i++)"))
                    {
                        w.Line($"{Od}.Detection d = results[i];");
                        w.Line("float x1 = global::System.Math.Clamp(mapping.ToSourceX(d.X1), 0f, image.Width), y1 = global::System.Math.Clamp(mapping.ToSourceY(d.Y1), 0f, image.Height);");
                        w.Line("float x2 = global::System.Math.Clamp(mapping.ToSourceX(d.X2), 0f, image.Width), y2 = global::System.Math.Clamp(mapping.ToSourceY(d.Y2), 0f, image.Height);");
                        w.Line("results[i] = d with { X1 = x1, Y1 = y1, X2 = x2, Y2 = y2 };");
                    }
                    w.Line("return found;");
                }
                w.Line("finally { global::System.Threading.Volatile.Write(ref _running, 0); }");
            }
            w.Line();
            w.Line("/// <summary>Detects objects in the image in a file; boxes in the file's pixels.</summary>");
            w.Line("/// <param name=\"path\">The image file.</param>");
            w.Line("/// <returns>The detections, best first.</returns>");
            using (w.Block($"public {Od}.Detection[] Detect(string path)"))
            {
                w.Line($"var results = new {Od}.Detection[MaxDetections];");
                w.Line($"int found = Detect({Img}.ImageDecoder.Load(path), results);");
                w.Line("return results[..found];");
            }
            w.Line();
        }
    }
}
