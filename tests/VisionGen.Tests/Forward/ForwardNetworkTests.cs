using VisionGen.Kernels;
using VisionGen.Tests.Gpu;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Forward;

/// <summary>
/// Three networks declared with <c>Forward</c> against PyTorch modules built from <c>torch.nn</c> in
/// scripts/fixtures/make_forward_fixtures.py (random init, randomized batch norm, non-square inputs): a U-Net
/// (concatenation, transposed convolution, bilinear upsampling), a YOLOv8-style detector (SiLU conv blocks, C2f with
/// Chunk + Cat, SPPF, an upsample-and-concatenate neck, a three-scale head and the DFL decoding), and a
/// squeeze-excitation residual network with Batch = 4. Raw outputs, CPU and GPU runner, and no allocation per call.
/// </summary>
public sealed class ForwardNetworkTests(GpuFixture gpu, ITestOutputHelper log) : IClassFixture<GpuFixture>
{
    public static TheoryData<string, Type> Networks() => new()
    {
        { "unet", typeof(ForwardUNet) },
        { "yolo", typeof(ForwardYolo) },
        { "se_resnet", typeof(ForwardSeResNet) },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void CpuMatchesPyTorch(string name, Type model)
    {
        var (input, expected, names, lengths) = ForwardParity.ReadCase("", name);
        float[] actual = ForwardParity.RunCpu(model, Fixtures.PathOf(name + ".safetensors"), input);
        ForwardParity.AssertOutputs(log, name + " CPU", expected, actual, names, lengths);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void GpuMatchesPyTorch(string name, Type model)
    {
        GpuContext context = gpu.Context; // one for the class: on CUDA a context costs a device context and the kernels' compilation
        var (input, expected, names, lengths) = ForwardParity.ReadCase("", name);
        float[] actual = ForwardParity.RunGpu(model, context, Fixtures.PathOf(name + ".safetensors"), input, expected.Length);
        ForwardParity.AssertOutputs(log, $"{name} GPU ({context.Description})", expected, actual, names, lengths);
    }

    [Fact]
    public void YoloTupleOutputsComeBackInTheirOwnSpans()
    {
        var (input, expected, names, lengths) = ForwardParity.ReadCase("", "yolo");
        using var yolo = ForwardYolo.Load(Fixtures.PathOf("yolo.safetensors"));
        float[][] outputs = lengths.Select(n => new float[n]).ToArray();
        yolo.Run(input, outputs[0], outputs[1], outputs[2], outputs[3]);
        ForwardParity.AssertOutputs(log, "yolo CPU (one span per output)", expected, outputs.SelectMany(o => o).ToArray(), names, lengths);
        Assert.Equal(new[] { ForwardYolo.Output0Length, ForwardYolo.Output1Length, ForwardYolo.Output2Length, ForwardYolo.Output3Length }, lengths);
    }

    [Fact]
    public void RunAllocatesNothing()
    {
        AssertNoAllocation<ForwardUNet>("unet");
        AssertNoAllocation<ForwardYolo>("yolo");
        AssertNoAllocation<ForwardSeResNet>("se_resnet");
    }

    private static void AssertNoAllocation<T>(string name) where T : IVisionModel<T>
    {
        var (input, _, _, _) = ForwardParity.ReadCase("", name);
        using T model = T.Load(Fixtures.PathOf(name + ".safetensors"));
        var output = new float[model.OutputLength];
        model.Run(input, output);
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 3; i++) model.Run(input, output); }, rounds: 3));
    }
}
