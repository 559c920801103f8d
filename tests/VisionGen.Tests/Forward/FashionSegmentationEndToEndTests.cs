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
}
