using VisionGen.Kernels;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Zoo;

/// <summary>
/// The zoo's generated GPU runners (<c>Model.LoadGpu</c>) against torchvision, on whatever accelerator GpuContext.Create
/// picks (ILGPU's CPU accelerator in CI, which runs every GPU thread on the CPU: the inputs are tiny). Each family's new
/// pieces run here: MobileNetV3's hardswish, hardsigmoid squeeze-excitation and dilation; EfficientNet's SiLU and
/// sigmoid squeeze-excitation; GoogLeNet's ceil-mode pools, four-branch concatenations and transform_input.
/// EfficientNetV2 (its fused blocks are convolution + batch norm + SiLU), VGG, ResNeXt and Inception v3 add no op the GPU tests lack (Inception's 1×7 and 7×1 kernels are in
/// GpuKernelTests), and even their smallest inputs take minutes on the CPU accelerator.
/// </summary>
public sealed class ZooGpuTests(ITestOutputHelper log) : IDisposable
{
    private readonly GpuContext _context = GpuContext.Create();

    public void Dispose() => _context.Dispose();

    private void Check(string caseName, string weights, Func<string, GpuContext, GpuModelExecutor> load, int outputLength)
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("zoo/" + caseName);
        using GpuModelExecutor gpu = load(Fixtures.PathOf($"zoo/{weights}.safetensors"), _context);
        var output = new float[outputLength];
        gpu.Run(input, output);
        Fixtures.AssertWithinContract(log, $"{caseName} GPU on {_context.Description}", expected, output);
    }

    [Fact]
    public void MobileNetV3SmallReducedTailDilated() =>
        Check("mobilenet_v3_small_rt_dil", "mobilenet_v3_small_rt_dil", (p, c) => ZooMobileNetV3SmallDilated.LoadGpu(p, c), ZooMobileNetV3SmallDilated.OutputLength);

    [Fact]
    public void EfficientNetB0() =>
        Check("efficientnet_b0.tiny", "efficientnet_b0", (p, c) => ZooEfficientNetB0Tiny.LoadGpu(p, c), ZooEfficientNetB0Tiny.OutputLength);

    [Fact]
    public void GoogLeNetWithTransformInput() =>
        Check("googlenet.tiny", "googlenet", (p, c) => ZooGoogLeNetTiny.LoadGpu(p, c), ZooGoogLeNetTiny.OutputLength);
}
