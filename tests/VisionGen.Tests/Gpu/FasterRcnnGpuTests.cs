using VisionGen.Kernels;
using VisionGen.Tests.Detection;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The GPU runner of a small generated Faster R-CNN (mobilenet_v3_large ×0.5, 16-channel FPN) (backbone, FPN and RPN head on the accelerator,
/// the second stage on the host) against torchvision, as the CPU model is checked in <see cref="FasterRcnnParityTests"/>;
/// on ILGPU's CPU accelerator in CI, CUDA where present.
/// </summary>
public sealed class FasterRcnnGpuTests(GpuFixture gpu, ITestOutputHelper log) : IClassFixture<GpuFixture>
{
    [Fact]
    public void SmallFasterRcnnMatchesTorchvision()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("frcnn_tiny.io.safetensors"));
        using var net = ParityFasterRcnnTiny.LoadGpu(Fixtures.PathOf("frcnn_tiny.safetensors"), gpu.Context);
        var results = new global::VisionGen.ObjectDetection.Detection[ParityFasterRcnnTiny.MaxDetections];
        int count = net.Detect(io["input"], results);
        log.WriteLine($"on {gpu.Context.Description}");
        FasterRcnnParityTests.Check(log, 1, "frcnn_tiny GPU runner", io, net.Objectness, net.RpnBoxDeltas, net.Anchors, net.Proposals, net.ProposalScores,
            net.ClassLogits, net.BoxRegression, results.AsSpan(0, count));
    }
}
