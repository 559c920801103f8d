using FashionDetection;
using VisionGen.Metrics;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;
using Det = VisionGen.ObjectDetection.Detection;

namespace VisionGen.Tests.Detection;

/// <summary>
/// The sample's trained FCOS (real weights from scripts/train_fashion_detector.py) on its held-out canvases: the same
/// detections as PyTorch on the canvases it recorded, and the same mAP@0.5 over all of them.
/// </summary>
public class FashionDetectionEndToEndTests(ITestOutputHelper log)
{
    private static readonly string Sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionDetection");

    [Fact]
    public void DetectionsAndMapAgreeWithPyTorch()
    {
        TestCanvases canvases = TestCanvases.Load(Path.Combine(Sample, "data", "test_canvases.safetensors"));
        using var net = FashionDetector.Load(Path.Combine(Sample, "model", "fcos_fashion.safetensors"));
        Dictionary<string, float[]> torch = ReadDetections(Path.Combine(Sample, "model", "pytorch_detections.safetensors"));
        var input = new float[FashionDetector.InputLength];
        var found = new Det[FashionDetector.MaxDetections];
        var evaluation = new List<EvaluationImage>();
        int compared = 0;
        for (int n = 0; n < canvases.Count; n++)
        {
            canvases.ToInput(n, input);
            int count = net.Detect(input, found);
            evaluation.Add(new EvaluationImage(found[..count], [.. canvases.Truths[n]]));
            compared += CompareWithTorch(n, found.AsSpan(0, count), torch);
        }
        Assert.True(compared > 100, "PyTorch's recorded detections should cover the first canvases");

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Sample, "model", "pytorch_reference.json")));
        double torchMap = json.RootElement.GetProperty("map50").GetDouble();
        double map = DetectionMetrics.MeanAveragePrecision(evaluation, 10, 0.5);
        log.WriteLine($"{compared} detections matched PyTorch one to one; mAP@0.5 VisionGen {map:F4}, PyTorch {torchMap:F4}");
        Assert.True(torchMap > 0.5, "the committed detector is supposed to be trained");
        Assert.True(Math.Abs(map - torchMap) <= 0.005, $"mAP@0.5 {map:F4} vs PyTorch {torchMap:F4}");
    }

    /// <summary>Every PyTorch detection on canvas n has one of ours with the same label, score within 1e-4, box within 1e-3 relative.</summary>
    /// <summary>
    /// Detect from a picture of any size answers in that picture's pixels: canvases enlarged 2x (gray, one channel) give
    /// PyTorch's detections with boxes scaled by 2 (bilinear resizing of a 2x nearest enlargement back to 128x128 is exact
    /// to within the averaging of two equal pixels, so the network sees the same input).
    /// </summary>
    [Fact]
    public void DetectFromAPictureAnswersInItsPixels()
    {
        TestCanvases canvases = TestCanvases.Load(Path.Combine(Sample, "data", "test_canvases.safetensors"));
        using var net = FashionDetector.Load(Path.Combine(Sample, "model", "fcos_fashion.safetensors"));
        Dictionary<string, float[]> torch = ReadDetections(Path.Combine(Sample, "model", "pytorch_detections.safetensors"));
        var found = new Det[FashionDetector.MaxDetections];
        int w = canvases.Width, h = canvases.Height, compared = 0;
        for (int n = 0; n < 10; n++)
        {
            var big = new byte[4 * w * h];
            for (int y = 0; y < 2 * h; y++)
                for (int x = 0; x < 2 * w; x++) big[y * 2 * w + x] = canvases.Pixels[n * w * h + y / 2 * w + x / 2];
            int count = net.Detect(new VisionGen.Imaging.DecodedImage(2 * w, 2 * h, 1, big), found);
            Det[] halved = found[..count].Select(d => d with { X1 = d.X1 / 2, Y1 = d.Y1 / 2, X2 = d.X2 / 2, Y2 = d.Y2 / 2 }).ToArray();
            compared += CompareWithTorch(n, halved, torch);
        }
        log.WriteLine($"{compared} detections from 2x pictures matched PyTorch's (boxes scaled) one to one");
        Assert.True(compared > 10);
    }

    internal static int CompareWithTorch(int n, ReadOnlySpan<Det> ours, Dictionary<string, float[]> torch)
    {
        float[] image = torch["image_index"], boxes = torch["boxes"], scores = torch["scores"], labels = torch["labels"];
        int matched = 0, expected = 0;
        var used = new bool[ours.Length];
        for (int t = 0; t < image.Length; t++)
        {
            if ((int)image[t] != n) continue;
            expected++;
            for (int o = 0; o < ours.Length; o++)
            {
                if (used[o] || ours[o].Label != (int)labels[t] || Math.Abs(ours[o].Score - scores[t]) > 1e-4) continue;
                double err = new[] { ours[o].X1 - boxes[4 * t], ours[o].Y1 - boxes[4 * t + 1], ours[o].X2 - boxes[4 * t + 2], ours[o].Y2 - boxes[4 * t + 3] }.Max(v => Math.Abs(v));
                if (err > 1e-3 * 128) continue;
                used[o] = true;
                matched++;
                break;
            }
        }
        Assert.Equal(expected, matched);
        if (expected > 0) Assert.Equal(expected, ours.Length);
        return matched;
    }

    internal static Dictionary<string, float[]> ReadDetections(string path)
    {
        using var file = VisionGen.Weights.SafetensorsFile.Open(path);
        var result = new Dictionary<string, float[]>();
        foreach (var (name, tensor) in file.Tensors)
        {
            if (VisionGen.Weights.SafetensorsFile.IsFloat32Convertible(tensor.DType))
            {
                var values = new float[tensor.ElementCount];
                file.ReadFloat32(tensor, values);
                result[name] = values;
            }
            else
            {
                var raw = new byte[tensor.ByteLength];
                file.ReadBytes(tensor, raw);
                result[name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(v => (float)v).ToArray();
            }
        }
        return result;
    }
}
