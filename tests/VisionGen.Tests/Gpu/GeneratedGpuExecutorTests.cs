using VisionGen.Kernels;
using VisionGen.Tests.Detection;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The generated GPU executors (<c>Model.LoadGpu</c>) against PyTorch, on whatever accelerator GpuContext.Create picks:
/// CUDA when a device is present, else ILGPU's CPU accelerator (what CI has). Same tolerance as the CPU path.
/// </summary>
public sealed class GeneratedGpuExecutorTests(ITestOutputHelper log) : IDisposable
{
    private readonly GpuContext _context = GpuContext.Create();

    public void Dispose() => _context.Dispose();

    private void AssertClose(string what, float[] expected, ReadOnlySpan<float> actual)
    {
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs((double)expected[i] - actual[i]));
        }
        log.WriteLine($"{what} on {_context.Description}: max|y-ref| = {maxErr:E3}, max|ref| = {maxRef:E3}");
        Assert.True(maxErr <= 1e-4 * maxRef + 1e-5, $"{what}: max|y-ref| = {maxErr:E3}");
    }

    [Fact]
    public void CustomStackFoldedAndUnfoldedMatchPyTorch()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("custom_stack");
        var output = new float[ParityCustomStack.OutputLength];
        using (var gpu = ParityCustomStack.LoadGpu(Fixtures.PathOf("custom_stack.safetensors"), _context))
        {
            gpu.Run(input, output);
            AssertClose("custom_stack (folded) GPU", expected, output);
        }
        using (var gpu = ParityCustomStackUnfolded.LoadGpu(Fixtures.PathOf("custom_stack.safetensors"), _context))
        {
            gpu.Run(input, output);
            AssertClose("custom_stack (unfolded) GPU", expected, output);
        }
    }

    [Fact]
    public void MobileNetV2MatchesPyTorch()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("mobilenet_v2_w075");
        using var gpu = ParityMobileNetV2W075.LoadGpu(Fixtures.PathOf("mobilenet_v2_w075.safetensors"), _context);
        var output = new float[ParityMobileNetV2W075.OutputLength];
        gpu.Run(input, output);
        AssertClose("mobilenet_v2 (0.75) GPU", expected, output);
    }

    [Fact]
    public void ResNet18MatchesPyTorch()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("resnet18");
        using var gpu = ParityResNet18.LoadGpu(Fixtures.PathOf("resnet18.safetensors"), _context);
        var output = new float[ParityResNet18.OutputLength];
        gpu.Run(input, output);
        AssertClose("resnet18 GPU", expected, output);
    }

    [Fact]
    public void RetinaNetMobileNetDetectsAsTheCpuPath()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_mnv2.io.safetensors"));
        using var gpu = ParityRetinaNetMobile.LoadGpu(Fixtures.PathOf("retinanet_mnv2.safetensors"), _context);
        var results = new global::VisionGen.ObjectDetection.Detection[ParityRetinaNetMobile.MaxDetections];
        int count = gpu.Detect(io["input"], results);
        AssertClose("retinanet_mnv2 cls_logits GPU", io["cls_logits"], gpu.ClassLogits);
        AssertClose("retinanet_mnv2 bbox_regression GPU", io["bbox_regression"], gpu.BoxRegression);
        Assert.Equal(io["det_scores"].Length, count);
    }

    [Fact]
    public void RunAddsNoManagedAllocationsOfItsOwn()
    {
        (float[] input, _) = Fixtures.ReadInputOutput("custom_stack");
        using var gpu = ParityCustomStack.LoadGpu(Fixtures.PathOf("custom_stack.safetensors"), _context);
        var output = new float[ParityCustomStack.OutputLength];
        for (int i = 0; i < 40; i++) gpu.Run(input, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) gpu.Run(input, output);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 50;
        log.WriteLine($"managed bytes per Run on {_context.Description}: {perCall}");
        if (!_context.IsCpuFallback) Assert.Equal(0, perCall);
        else Assert.True(perCall < 4096, $"{perCall} bytes per call on the CPU accelerator");
    }
}
