using VisionGen.Kernels;
using VisionGen.Tests.Detection;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The generated GPU executors (<c>Model.LoadGpu</c>) against PyTorch, on whatever accelerator GpuContext.Create picks:
/// CUDA when a device is present, else ILGPU's CPU accelerator (what CI has). Same tolerance as the CPU path. One context
/// for the class (on CUDA a context costs a device context and the kernels' compilation).
/// </summary>
public sealed class GeneratedGpuExecutorTests(GpuFixture gpu, ITestOutputHelper log) : IClassFixture<GpuFixture>
{
    private readonly GpuContext _context = gpu.Context;

    private void AssertClose(string what, float[] expected, ReadOnlySpan<float> actual) =>
        Fixtures.AssertWithinContract(log, $"{what} on {_context.Description}", expected, actual);

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
    public void NormLayersMatchPyTorch()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("norm_stack");
        using var gpu = ParityNormStack.LoadGpu(Fixtures.PathOf("norm_stack.safetensors"), _context);
        var output = new float[ParityNormStack.OutputLength];
        gpu.Run(input, output);
        AssertClose("norm_stack GPU", expected, output);
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
        // ResNet-18's full structure (downsample shortcuts, fused residual adds) at 32x40, to keep the CPU accelerator quick.
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("resnet18_tiny");
        using var gpu = ParityResNet18Tiny.LoadGpu(Fixtures.PathOf("resnet18_tiny.safetensors"), _context);
        var output = new float[ParityResNet18Tiny.OutputLength];
        gpu.Run(input, output);
        AssertClose("resnet18 (32x40) GPU", expected, output);
    }

    [Fact]
    public void TrainedFcosDetectsAsPyTorch()
    {
        // The Fashion detector (MobileNetV2 + FPN + FCOS with GroupNorm) on the accelerator, against the detections
        // PyTorch recorded for the first canvases.
        string sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionDetection");
        var canvases = FashionDetection.TestCanvases.Load(Path.Combine(sample, "data", "test_canvases.safetensors"));
        Dictionary<string, float[]> torch = FashionDetectionEndToEndTests.ReadDetections(Path.Combine(sample, "model", "pytorch_detections.safetensors"));
        using var gpu = FashionDetection.FashionDetector.LoadGpu(Path.Combine(sample, "model", "fcos_fashion.safetensors"), _context);
        var input = new float[FashionDetection.FashionDetector.InputLength];
        var found = new global::VisionGen.ObjectDetection.Detection[FashionDetection.FashionDetector.MaxDetections];
        int matched = 0;
        for (int n = 0; n < 2; n++)
        {
            canvases.ToInput(n, input);
            int count = gpu.Detect(input, found);
            matched += FashionDetectionEndToEndTests.CompareWithTorch(n, found.AsSpan(0, count), torch);
        }
        log.WriteLine($"FCOS on {_context.Description}: {matched} detections matched PyTorch one to one");
        Assert.True(matched >= 8, $"only {matched} detections compared");
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        using var gpu = ParityCustomStack.LoadGpu(Fixtures.PathOf("custom_stack.safetensors"), _context);
        var input = new float[ParityCustomStack.InputLength];
        input[7] = float.NaN;
        Assert.Contains("index 7", Assert.Throws<ArgumentException>(() => gpu.Run(input, new float[ParityCustomStack.OutputLength])).Message);
        Assert.Throws<ArgumentException>(() => gpu.Run(new float[3], new float[ParityCustomStack.OutputLength]));
    }

    [Fact]
    public void RunAddsNoManagedAllocationsOfItsOwn()
    {
        (float[] input, _) = Fixtures.ReadInputOutput("custom_stack");
        using var gpu = ParityCustomStack.LoadGpu(Fixtures.PathOf("custom_stack.safetensors"), _context);
        var output = new float[ParityCustomStack.OutputLength];
        for (int i = 0; i < 3; i++) gpu.Run(input, output);
        // Fewest over rounds of ten calls: ILGPU's CPU accelerator runs kernels through the JIT, whose tier-up work once
        // landed on this thread mid-round in a loaded CI run (23,051 B per call, none in isolation).
        long perCall = Allocations.Fewest(() => { for (int i = 0; i < 10; i++) gpu.Run(input, output); }) / 10;
        log.WriteLine($"managed bytes per Run on {_context.Description}: {perCall}");
        if (!_context.IsCpuFallback) Assert.Equal(0, perCall);
        else Assert.True(perCall < 4096, $"{perCall} bytes per call on the CPU accelerator");
    }
}
