using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Detection;

/// <summary>Raw head outputs of generated detectors against torchvision (backbone + FPN + head), same tolerance as classifiers.</summary>
public class DetectionParityTests(ITestOutputHelper log)
{
    private void AssertClose(string what, float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs((double)expected[i] - actual[i]));
        }
        double tolerance = 1e-4 * maxRef + 1e-5;
        log.WriteLine($"{what}: max|y-ref| = {maxErr:E3}, max|ref| = {maxRef:E3}, tolerance {tolerance:E3}");
        Assert.True(maxErr <= tolerance, $"{what}: max|y-ref| = {maxErr:E3} exceeds {tolerance:E3}");
    }

    [Fact]
    public void RetinaNetResNet50HeadOutputs()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_r50.io.safetensors"));
        using var net = ParityRetinaNet.Load(Fixtures.PathOf("retinanet_r50.safetensors"));
        Assert.Equal(ParityRetinaNet.AnchorCount, io["anchors"].Length / 4);
        net.RunHeads(io["input"]);
        AssertClose("retinanet_r50 cls_logits", io["cls_logits"], net.ClassLogits);
        AssertClose("retinanet_r50 bbox_regression", io["bbox_regression"], net.BoxRegression);
    }

    [Fact]
    public void RetinaNetMobileNetV2HeadOutputs()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("retinanet_mnv2.io.safetensors"));
        using var net = ParityRetinaNetMobile.Load(Fixtures.PathOf("retinanet_mnv2.safetensors"));
        Assert.Equal(ParityRetinaNetMobile.AnchorCount, io["anchors"].Length / 4);
        net.RunHeads(io["input"]);
        AssertClose("retinanet_mnv2 cls_logits", io["cls_logits"], net.ClassLogits);
        AssertClose("retinanet_mnv2 bbox_regression", io["bbox_regression"], net.BoxRegression);
    }
}
