using FashionMnist;
using Xunit.Abstractions;

namespace VisionGen.Tests.Parity;

/// <summary>
/// The sample's trained CNN (real weights from scripts/train_fashion_mnist.py) on all 10,000 Fashion-MNIST test
/// images: the generated code must predict what PyTorch predicted, image by image.
/// </summary>
public class FashionMnistEndToEndTests(ITestOutputHelper log)
{
    [Fact]
    public void GeneratedCnnAgreesWithPyTorchOnTheWholeTestSet()
    {
        string sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionMnist");
        (int count, int rows, int cols, byte[] pixels) = Idx.ReadImages(Path.Combine(sample, "data", "t10k-images-idx3-ubyte.gz"));
        byte[] labels = Idx.ReadLabels(Path.Combine(sample, "data", "t10k-labels-idx1-ubyte.gz"));
        byte[] torchPredictions = File.ReadAllBytes(Path.Combine(sample, "model", "pytorch_predictions.bin"));
        Assert.Equal(FashionCnn.InputLength, rows * cols);
        Assert.Equal(count, torchPredictions.Length);

        using var net = FashionCnn.Load(Path.Combine(sample, "model", "fashion_cnn.safetensors"));
        var input = new float[FashionCnn.InputLength];
        var logits = new float[FashionCnn.OutputLength];
        int agree = 0, correct = 0, torchCorrect = 0;
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < input.Length; i++) input[i] = (pixels[n * input.Length + i] / 255f - 0.286f) / 0.353f;
            net.Run(input, logits);
            int best = 0;
            for (int k = 1; k < logits.Length; k++) if (logits[k] > logits[best]) best = k;
            if (best == torchPredictions[n]) agree++;
            if (best == labels[n]) correct++;
            if (torchPredictions[n] == labels[n]) torchCorrect++;
        }
        log.WriteLine($"VisionGen {correct}/{count} correct, PyTorch {torchCorrect}/{count}, same prediction on {agree}/{count}");
        Assert.True(torchCorrect > 8500, "the committed weights are supposed to be a trained model");
        Assert.True(count - agree <= 5, $"{count - agree} predictions differ from PyTorch");
        Assert.InRange(correct - torchCorrect, -5, 5);
    }
}
