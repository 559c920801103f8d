using VisionGen.Tests.Parity;
using VisionGen.Weights;

namespace VisionGen.Tests.Weights;

/// <summary>
/// The generated <c>Load</c> streams each tensor into the layer that folds and packs it; <see cref="WeightBinder.Bind"/>
/// reads every tensor first. Both must give a model whose every array is bit for bit the same, from a path and from a
/// forward-only stream, for real networks (the sample's Fashion-MNIST CNN with its trained weights, ResNet-18,
/// MobileNetV2, and ResNet-18 with <see cref="WeightMemory.Compact"/>). (Written while a linux-arm64 smoke-test failure
/// with the streamed load was open — it turned out to be the emulator's, see scripts/test-arm64.sh — and kept: it runs
/// on every machine the suite runs on.)
/// </summary>
public class StreamedEqualsBoundTests
{
    [Fact]
    public void FashionCnnSample() => Same<StreamFashionCnn>(Path.Combine(Fixtures.RepoRoot, "samples", "FashionMnist", "model", "fashion_cnn.safetensors"));

    [Fact]
    public void ResNet18() => Same<ParityResNet18>(Fixtures.PathOf("resnet18.safetensors"));

    [Fact]
    public void ResNet18Compact() => Same<ParityResNet18Compact>(Fixtures.PathOf("resnet18.safetensors"));

    [Fact]
    public void MobileNetV2() => Same<ParityMobileNetV2>(Fixtures.PathOf("mobilenet_v2.safetensors"));

    private static void Same<T>(string path) where T : IVisionModel<T>
    {
        Dictionary<string, float[]> bound;
        using (var file = SafetensorsFile.Open(path))
        using (T model = ModelLoads.Construct<T>(WeightBinder.Bind(file, ModelLoads.Specs<T>(), typeof(T).Name)))
            bound = Arrays(model);
        using (T model = T.Load(path)) AssertSame(bound, Arrays(model), "Load(path)");
        using (T model = T.Load(new ForwardOnlyStream(File.OpenRead(path)))) AssertSame(bound, Arrays(model), "Load(forward-only stream)");
    }

    private static Dictionary<string, float[]> Arrays(object model) =>
        model.GetType().GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .Where(f => f.FieldType == typeof(float[]) && f.Name != "_arena")
            .ToDictionary(f => f.Name, f => ((float[])f.GetValue(model)!).ToArray());

    private static void AssertSame(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual, string how)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.NotEmpty(expected);
        foreach ((string field, float[] values) in expected)
        {
            float[] other = actual[field];
            Assert.Equal(values.Length, other.Length);
            for (int i = 0; i < values.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(values[i]) != BitConverter.SingleToInt32Bits(other[i]))
                    Assert.Fail($"{how}: {field}[{i}] is {other[i]:R}, bound {values[i]:R}");
            }
        }
    }
}

/// <summary>samples/FashionMnist's FashionCnn declared again (the sample project is referenced on net10.0 only).</summary>
[VisionModel(Channels = 1, Height = 28, Width = 28)]
[Conv2d("0", 32, 3, Padding = 1, Bias = false)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 32, 3, Padding = 1, Bias = false)]
[BatchNorm2d("4")]
[ReLU]
[MaxPool2d(2)]
[Conv2d("7", 64, 3, Padding = 1, Bias = false)]
[BatchNorm2d("8")]
[ReLU]
[MaxPool2d(2)]
[Flatten]
[Linear("12", 128, InFeatures = 64 * 7 * 7)]
[ReLU]
[Linear("14", 10)]
public partial class StreamFashionCnn;
