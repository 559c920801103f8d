using System.Text.Json;
using FashionSegmentation;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Forward;

/// <summary>
/// The segmentation sample's U-Net (declared with Forward; weights trained by scripts/train_fashion_segmentation.py) on
/// its 200 held-out canvases: the generated code must label pixels as PyTorch did and reach PyTorch's mean IoU.
/// </summary>
public class FashionSegmentationEndToEndTests(ITestOutputHelper log)
{
    [Fact]
    public void GeneratedUNetLabelsPixelsAsPyTorchDoes()
    {
        string sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionSegmentation");
        TestCanvases canvases = TestCanvases.Load(Path.Combine(sample, "data", "test_canvases.safetensors"));
        byte[] torchLabels = File.ReadAllBytes(Path.Combine(sample, "model", "pytorch_labels.bin"));
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample, "model", "pytorch_reference.json")));
        double torchMeanIou = reference.RootElement.GetProperty("mean_iou").GetDouble();
        int plane = canvases.PlaneLength;
        Assert.Equal(canvases.Count * plane, torchLabels.Length);

        using var net = UNetFashion.Load(Path.Combine(sample, "model", "unet_fashion.safetensors"));
        var input = new float[UNetFashion.InputLength];
        var logits = new float[UNetFashion.OutputLength];
        var prediction = new byte[plane];
        var metrics = new SegmentationMetrics(UNetFashion.Labels);
        long same = 0;
        for (int n = 0; n < canvases.Count; n++)
        {
            canvases.ToInput(n, input);
            net.Run(input, logits);
            for (int i = 0; i < plane; i++)
            {
                int best = 0;
                for (int k = 1; k < UNetFashion.Labels; k++) if (logits[k * plane + i] > logits[best * plane + i]) best = k;
                prediction[i] = (byte)best;
                if (best == torchLabels[n * plane + i]) same++;
            }
            metrics.Add(canvases.Labels.AsSpan(n * plane, plane), prediction);
        }
        double agreement = (double)same / torchLabels.Length;
        log.WriteLine($"same label as PyTorch on {agreement:P4} of {torchLabels.Length} pixels; mean IoU {metrics.MeanIou():F4} (PyTorch {torchMeanIou:F4})");
        Assert.True(torchMeanIou > 0.4, "the committed weights are supposed to be a trained model");
        Assert.True(agreement >= 0.999, $"only {agreement:P4} of pixels labelled as PyTorch labelled them");
        Assert.InRange(metrics.MeanIou() - torchMeanIou, -0.005, 0.005);
    }

    /// <summary>Segment takes a picture of any size and answers at that size: a canvas scaled up 3x gets PyTorch's labels scaled up 3x.</summary>
    [Fact]
    public void SegmentAnswersAtTheSourceImagesSize()
    {
        string sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionSegmentation");
        TestCanvases canvases = TestCanvases.Load(Path.Combine(sample, "data", "test_canvases.safetensors"));
        byte[] torchLabels = File.ReadAllBytes(Path.Combine(sample, "model", "pytorch_labels.bin"));
        int w = canvases.Width, h = canvases.Height, plane = w * h;
        using var net = UNetFashion.Load(Path.Combine(sample, "model", "unet_fashion.safetensors"));
        long same = 0, total = 0;
        for (int n = 0; n < 5; n++)
        {
            // Nearest 3x enlargement: bilinear resizing back down to the model's size gives the canvas exactly.
            var big = new byte[9 * plane];
            for (int y = 0; y < 3 * h; y++)
                for (int x = 0; x < 3 * w; x++) big[y * 3 * w + x] = canvases.Pixels[n * plane + y / 3 * w + x / 3];
            var labels = new byte[9 * plane];
            net.Segment(new VisionGen.Imaging.DecodedImage(3 * w, 3 * h, 1, big), labels);
            for (int y = 0; y < 3 * h; y++)
                for (int x = 0; x < 3 * w; x++, total++)
                    if (labels[y * 3 * w + x] == torchLabels[n * plane + y / 3 * w + x / 3]) same++;
        }
        log.WriteLine($"at 3x the size: same label as PyTorch's (scaled) on {(double)same / total:P4} of {total} pixels");
        Assert.True(same >= 0.999 * total);
    }
}
