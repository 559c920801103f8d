using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Detection;

/// <summary>Raw head outputs of generated detectors against torchvision (backbone + FPN + head), same tolerance as classifiers.</summary>
public class DetectionParityTests(ITestOutputHelper log)
{
    private void AssertClose(string what, float[] expected, ReadOnlySpan<float> actual) => Fixtures.AssertWithinContract(log, what, expected, actual);

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

    [Fact]
    public void FcosResNet50HeadOutputs()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("fcos_r50.io.safetensors"));
        using var net = ParityFcos.Load(Fixtures.PathOf("fcos_r50.safetensors"));
        Assert.Equal(ParityFcos.AnchorCount, io["anchors"].Length / 4);
        net.RunHeads(io["input"]);
        AssertClose("fcos_r50 cls_logits", io["cls_logits"], net.ClassLogits);
        AssertClose("fcos_r50 bbox_regression", io["bbox_regression"], net.BoxRegression);
        AssertClose("fcos_r50 bbox_ctrness", io["bbox_ctrness"], net.Centerness);
    }
}
