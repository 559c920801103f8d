using System.Buffers.Binary;
using System.Text.Json;
using VisionGen.Tests.Parity;
using VisionGen.Tests.Weights;
using Xunit.Abstractions;

namespace VisionGen.Tests.Zoo;

/// <summary>
/// The backbone zoo against torchvision 0.14 in eval mode (random init, random batch-norm statistics, non-square inputs;
/// scripts/fixtures/make_zoo_fixtures.py), raw outputs within the contract: max|y − ref| ≤ 1e-4·max|ref| + 1e-5; every Run after the first allocates nothing.
/// </summary>
public class ZooParityTests(ITestOutputHelper log)
{
    private void Check<TModel>(string caseName, string weights, Func<string, TModel> load, Action<TModel, float[], float[]> run, int outputLength)
        where TModel : IDisposable
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("zoo/" + caseName);
        using TModel net = load(Fixtures.PathOf($"zoo/{weights}.safetensors"));
        var actual = new float[outputLength];
        run(net, input, actual);
        Fixtures.AssertWithinContract(log, caseName, expected, actual);

        // A second Run allocates nothing and gives the same output (the arena is reused, nothing is left over).
        var again = new float[outputLength];
        Assert.Equal(0, Allocations.Fewest(() => { run(net, input, again); }, rounds: 3));
        Assert.Equal(actual, again);
    }

    [Fact]
    public void Vgg11BatchNormWithTorchvisionsClassifier() =>
        Check("vgg11_bn", "vgg11_bn", ZooVgg11Bn.Load, (n, i, o) => n.Run(i, o), ZooVgg11Bn.OutputLength);

    [Fact]
    public void Vgg13FeaturesAlone()
    {
        Assert.Equal(512 * 1 * 2, ZooVgg13Features.OutputLength); // features at stride 32: 47x71 -> 1x2
        Check("vgg13_features", "vgg13_features", ZooVgg13Features.Load, (n, i, o) => n.Run(i, o), ZooVgg13Features.OutputLength);
    }

    [Fact]
    public void ResNeXt50_32x4d() =>
        Check("resnext50_32x4d", "resnext50_32x4d", ZooResNeXt50.Load, (n, i, o) => n.Run(i, o), ZooResNeXt50.OutputLength);

    [Fact]
    public void WideResNet50_2() =>
        Check("wide_resnet50_2", "wide_resnet50_2", ZooWideResNet50.Load, (n, i, o) => n.Run(i, o), ZooWideResNet50.OutputLength);

    [Fact]
    public void MobileNetV3LargeWidth075() =>
        Check("mobilenet_v3_large_w075", "mobilenet_v3_large_w075", ZooMobileNetV3Large075.Load, (n, i, o) => n.Run(i, o), ZooMobileNetV3Large075.OutputLength);

    [Fact]
    public void MobileNetV3SmallReducedTailDilated() =>
        Check("mobilenet_v3_small_rt_dil", "mobilenet_v3_small_rt_dil", ZooMobileNetV3SmallDilated.Load, (n, i, o) => n.Run(i, o), ZooMobileNetV3SmallDilated.OutputLength);

    [Fact]
    public void EfficientNetB0() =>
        Check("efficientnet_b0", "efficientnet_b0", ZooEfficientNetB0.Load, (n, i, o) => n.Run(i, o), ZooEfficientNetB0.OutputLength);

    [Fact]
    public void EfficientNetB0Unfolded() =>
        Check("efficientnet_b0", "efficientnet_b0", ZooEfficientNetB0Unfolded.Load, (n, i, o) => n.Run(i, o), ZooEfficientNetB0Unfolded.OutputLength);

    [Fact]
    public void EfficientNetV2S() =>
        Check("efficientnet_v2_s", "efficientnet_v2_s", ZooEfficientNetV2S.Load, (n, i, o) => n.Run(i, o), ZooEfficientNetV2S.OutputLength);

    [Fact]
    public void GoogLeNet() =>
        Check("googlenet", "googlenet", ZooGoogLeNet.Load, (n, i, o) => n.Run(i, o), ZooGoogLeNet.OutputLength);

    [Fact]
    public void GoogLeNetTransformInput()
    {
        // torchvision's transform_input=True (what googlenet(weights=...) sets) on the same weights; the default is False.
        Check("googlenet.transform", "googlenet", ZooGoogLeNetTransformInput.Load, (n, i, o) => n.Run(i, o), ZooGoogLeNetTransformInput.OutputLength);
        (float[] input, float[] withTransform) = Fixtures.ReadInputOutput("zoo/googlenet.transform");
        using var plain = ZooGoogLeNet.Load(Fixtures.PathOf("zoo/googlenet.safetensors"));
        var output = new float[ZooGoogLeNet.OutputLength];
        plain.Run(input, output);
        double difference = withTransform.Zip(output, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference > 1e-2, $"transform_input changes the logits (by {difference:E2} here)");
    }

    [Fact]
    public void GoogLeNetTiny() =>
        Check("googlenet.tiny", "googlenet", ZooGoogLeNetTiny.Load, (n, i, o) => n.Run(i, o), ZooGoogLeNetTiny.OutputLength);

    [Fact]
    public void InceptionV3AtItsSmallestInput() =>
        Check("inception_v3", "inception_v3", ZooInceptionV3.Load, (n, i, o) => n.Run(i, o), ZooInceptionV3.OutputLength);

    [Fact]
    public void InceptionV3TransformInput() =>
        Check("inception_v3.transform", "inception_v3", ZooInceptionV3TransformInput.Load, (n, i, o) => n.Run(i, o), ZooInceptionV3TransformInput.OutputLength);

    [Fact]
    public void AuxiliaryClassifiersAreAcceptedButNotRequired()
    {
        // torchvision's googlenet() keeps aux1/aux2 in its state_dict; googlenet(weights=..., aux_logits=False) drops them.
        // Both load; the file without them gives the same logits.
        string path = Fixtures.PathOf("zoo/googlenet.safetensors");
        Assert.Contains(ZooGoogLeNet.WeightSpecs, s => s.Name == "aux1.fc2.weight" && s.Ignored && s.Shape.SequenceEqual(new[] { 10, 1024 }));
        byte[] withoutAux = WithoutTensors(path, name => name.StartsWith("aux", StringComparison.Ordinal));
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("zoo/googlenet");
        using var net = ZooGoogLeNet.Load(new MemoryStream(withoutAux));
        var output = new float[ZooGoogLeNet.OutputLength];
        net.Run(input, output);
        Fixtures.AssertWithinContract(log, "googlenet without aux tensors", expected, output);
    }

    /// <summary>A copy of a safetensors file without the tensors <paramref name="drop"/> selects (dtypes and bytes kept).</summary>
    internal static byte[] WithoutTensors(string path, Func<string, bool> drop)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var entries = new List<SafetensorsTestWriter.Entry>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__" || drop(entry.Name)) continue;
            JsonElement offsets = entry.Value.GetProperty("data_offsets");
            int begin = 8 + headerLength + offsets[0].GetInt32(), end = 8 + headerLength + offsets[1].GetInt32();
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            entries.Add(new SafetensorsTestWriter.Entry(entry.Name, entry.Value.GetProperty("dtype").GetString()!, shape, bytes[begin..end]));
        }
        return SafetensorsTestWriter.Build(entries);
    }
}
