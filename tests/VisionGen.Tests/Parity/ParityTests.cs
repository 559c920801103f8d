using VisionGen.Tests.Weights;
using Xunit.Abstractions;

namespace VisionGen.Tests.Parity;

/// <summary>
/// Generated networks against torchvision in eval mode (random init, randomized batch-norm statistics),
/// within the contract's tolerance: max|y − ref| ≤ 1e-4·max|ref| + 1e-5.
/// </summary>
public class ParityTests(ITestOutputHelper log)
{
    private void AssertClose(string caseName, float[] expected, float[] actual) => Fixtures.AssertWithinContract(log, caseName, expected, actual);

    private static void RunAndCompare(string caseName, Action<float[], float[]> run, int outputLength, Action<string, float[], float[]> assert)
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput(caseName);
        var actual = new float[outputLength];
        run(input, actual);
        assert(caseName, expected, actual);
    }

    [Fact]
    public void ResNet18Folded()
    {
        using var net = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        RunAndCompare("resnet18", (i, o) => net.Run(i, o), ParityResNet18.OutputLength, AssertClose);
    }

    [Fact]
    public void ResNet18Unfolded()
    {
        using var net = ParityResNet18Unfolded.Load(Fixtures.PathOf("resnet18.safetensors"));
        RunAndCompare("resnet18", (i, o) => net.Run(i, o), ParityResNet18Unfolded.OutputLength, AssertClose);
    }

    [Fact]
    public void ResNet50Folded()
    {
        using var net = ParityResNet50.Load(Fixtures.PathOf("resnet50.safetensors"));
        RunAndCompare("resnet50", (i, o) => net.Run(i, o), ParityResNet50.OutputLength, AssertClose);
    }

    [Fact]
    public void ResNet50Unfolded()
    {
        using var net = ParityResNet50Unfolded.Load(Fixtures.PathOf("resnet50.safetensors"));
        RunAndCompare("resnet50", (i, o) => net.Run(i, o), ParityResNet50Unfolded.OutputLength, AssertClose);
    }

    [Fact]
    public void MobileNetV2Folded()
    {
        using var net = ParityMobileNetV2.Load(Fixtures.PathOf("mobilenet_v2.safetensors"));
        RunAndCompare("mobilenet_v2", (i, o) => net.Run(i, o), ParityMobileNetV2.OutputLength, AssertClose);
    }

    [Fact]
    public void MobileNetV2Unfolded()
    {
        using var net = ParityMobileNetV2Unfolded.Load(Fixtures.PathOf("mobilenet_v2.safetensors"));
        RunAndCompare("mobilenet_v2", (i, o) => net.Run(i, o), ParityMobileNetV2Unfolded.OutputLength, AssertClose);
    }

    [Fact]
    public void ResNet34AtOddInputSize()
    {
        using var net = ParityResNet34Odd.Load(Fixtures.PathOf("resnet34_odd.safetensors"));
        RunAndCompare("resnet34_odd", (i, o) => net.Run(i, o), ParityResNet34Odd.OutputLength, AssertClose);
    }

    [Fact]
    public void MobileNetV2Width075()
    {
        using var net = ParityMobileNetV2W075.Load(Fixtures.PathOf("mobilenet_v2_w075.safetensors"));
        RunAndCompare("mobilenet_v2_w075", (i, o) => net.Run(i, o), ParityMobileNetV2W075.OutputLength, AssertClose);
    }

    [Fact]
    public void MobileNetV2Width14()
    {
        using var net = ParityMobileNetV2W14.Load(Fixtures.PathOf("mobilenet_v2_w14.safetensors"));
        RunAndCompare("mobilenet_v2_w14", (i, o) => net.Run(i, o), ParityMobileNetV2W14.OutputLength, AssertClose);
    }

    [Fact]
    public void CustomStackFolded()
    {
        using var net = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        RunAndCompare("custom_stack", (i, o) => net.Run(i, o), ParityCustomStack.OutputLength, AssertClose);
    }

    [Fact]
    public void CustomStackUnfolded()
    {
        using var net = ParityCustomStackUnfolded.Load(Fixtures.PathOf("custom_stack.safetensors"));
        RunAndCompare("custom_stack", (i, o) => net.Run(i, o), ParityCustomStackUnfolded.OutputLength, AssertClose);
    }

    [Fact]
    public void GroupInstanceAndLayerNormLayers()
    {
        using var net = ParityNormStack.Load(Fixtures.PathOf("norm_stack.safetensors"));
        RunAndCompare("norm_stack", (i, o) => net.Run(i, o), ParityNormStack.OutputLength, AssertClose);
        // InstanceNorm2d without affine binds no tensors, as in torch's state_dict.
        Assert.DoesNotContain(ParityNormStack.WeightSpecs, s => s.Name.StartsWith("7.", StringComparison.Ordinal));
        Assert.Contains(ParityNormStack.WeightSpecs, s => s.Name == "9.weight" && s.Shape.SequenceEqual(new[] { 12, 9, 12 }));
    }

    [Fact]
    public void LoadFromNonSeekableStreamGivesTheSameResult()
    {
        using var file = File.OpenRead(Fixtures.PathOf("custom_stack.safetensors"));
        using var forwardOnly = new ForwardOnlyStream(file);
        using var net = ParityCustomStack.Load(forwardOnly);
        RunAndCompare("custom_stack", (i, o) => net.Run(i, o), ParityCustomStack.OutputLength, AssertClose);
    }
}
