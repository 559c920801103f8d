using VisionGen.Kernels;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Segmentation;

/// <summary>
/// torchvision 0.14's segmentation models against their generated declarations (random init, random batch-norm
/// statistics, F16 conv weights, non-square inputs; scripts/fixtures/make_segmentation_fixtures.py): the main output's
/// logits within max|y − ref| ≤ 1e-4·max|ref| + 1e-5 of torch's float64 result (see AssertWithinContract), <c>Segment</c>'s labels equal to torch.argmax's wherever the
/// reference's two best logits are further apart than that tolerance, and a second Run or Segment allocates nothing.
/// </summary>
public class SegmentationParityTests(ITestOutputHelper log)
{
    private void Check<TModel>(string caseName, Func<string, TModel> load, Action<TModel, float[], float[]> run, Action<TModel, float[], byte[]> segment,
        int outputLength, int labelsLength, string? weights = null)
        where TModel : IDisposable
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf($"segmentation/{caseName}.io.safetensors"));
        using TModel net = load(Fixtures.PathOf($"segmentation/{weights ?? caseName}.safetensors"));
        var logits = new float[outputLength];
        run(net, io["input"], logits);
        AssertWithinContract(caseName, io, logits);

        var labels = new byte[labelsLength];
        segment(net, io["input"], labels);
        AssertLabels(caseName, io, labels);
        Assert.True(labels.Distinct().Count() > 1, $"{caseName}: more than one class is found");

        // Later calls allocate nothing (the fewest bytes over three calls, see Allocations) and give the same answers.
        var again = new float[outputLength];
        var labelsAgain = new byte[labelsLength];
        Assert.Equal(0, Allocations.Fewest(() =>
        {
            run(net, io["input"], again);
            segment(net, io["input"], labelsAgain);
        }, rounds: 3));
        Assert.Equal(logits, again);
        Assert.Equal(labels, labelsAgain);
    }

    /// <summary>
    /// The contract against torch's result for these weights and input computed in float64 (the same model, <c>.double()</c>):
    /// without averaging over pixels, float32's own error through a dilated ResNet-50 is a large part of the tolerance
    /// (torch's float32 result is 1e-4 to 3e-4 from float64 here, half the tolerance, and differs by that between CPUs),
    /// so the float32 reference would measure torch's rounding as much as ours. Both distances are logged.
    /// </summary>
    private void AssertWithinContract(string caseName, Dictionary<string, float[]> io, float[] logits)
    {
        double toFloat32 = io["output"].Zip(logits, (a, b) => Math.Abs((double)a - b)).Max();
        log.WriteLine($"{caseName}: max|y-ref(float32)| = {toFloat32:E3}; torch's float32 vs float64 {io["f32_vs_f64"][0]:E3}");
        Fixtures.AssertWithinContract(log, caseName + " vs float64", io["output_f64"], logits);
    }

    /// <summary>Labels equal torch.argmax's, except where the reference's top two logits are within the tolerance.</summary>
    internal static void AssertLabels(string caseName, Dictionary<string, float[]> io, ReadOnlySpan<byte> labels)
    {
        float[] expected = io["labels"], margin = io["margin"];
        Assert.Equal(expected.Length, labels.Length);
        double tolerance = 1e-4 * io["output"].Max(v => Math.Abs(v)) + 1e-5;
        int differ = 0, ties = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            bool tie = margin[i] <= 2 * tolerance;
            if (tie) ties++;
            if (labels[i] != (byte)expected[i])
            {
                differ++;
                Assert.True(tie, $"{caseName}: pixel {i} labelled {labels[i]}, torch.argmax says {expected[i]} (margin {margin[i]:E2})");
            }
        }
        Assert.True(differ <= ties, $"{caseName}: {differ} labels differ");
    }

    [Fact]
    public void DeepLabV3ResNet50()
    {
        // The file holds aux_classifier.* (aux_loss=True, as torchvision's published weights): accepted, never read.
        Assert.Contains(SegDeepLabV3ResNet50.WeightSpecs, s => s.Name == "aux_classifier.0.weight" && s.Ignored && s.Shape.SequenceEqual(new[] { 256, 1024, 3, 3 }));
        Check("deeplabv3_resnet50", SegDeepLabV3ResNet50.Load, (n, i, o) => n.Run(i, o), (n, i, l) => n.Segment(i, l),
            SegDeepLabV3ResNet50.OutputLength, SegDeepLabV3ResNet50.LabelsLength);
    }

    [Fact]
    public void FcnResNet50() =>
        Check("fcn_resnet50", SegFcnResNet50.Load, (n, i, o) => n.Run(i, o), (n, i, l) => n.Segment(i, l), SegFcnResNet50.OutputLength, SegFcnResNet50.LabelsLength);

    [Fact]
    public void DeepLabV3MobileNetV3Large()
    {
        Assert.Equal(5 * 65 * 97, SegDeepLabV3MobileNetV3.OutputLength);
        Assert.Equal(65 * 97, SegDeepLabV3MobileNetV3.LabelsLength);
        Assert.Equal(5, SegDeepLabV3MobileNetV3.ClassCount);
        Check("deeplabv3_mobilenet_v3_large", SegDeepLabV3MobileNetV3.Load, (n, i, o) => n.Run(i, o), (n, i, l) => n.Segment(i, l),
            SegDeepLabV3MobileNetV3.OutputLength, SegDeepLabV3MobileNetV3.LabelsLength);
    }

    [Fact]
    public void LrasppMobileNetV3Large() =>
        Check("lraspp_mobilenet_v3_large", SegLrasppMobileNetV3.Load, (n, i, o) => n.Run(i, o), (n, i, l) => n.Segment(i, l),
            SegLrasppMobileNetV3.OutputLength, SegLrasppMobileNetV3.LabelsLength);

    [Fact]
    public void SegmentRejectsWrongLengthsAndKeepsWorking()
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("segmentation/deeplabv3_mobilenet_v3_large.tiny.io.safetensors"));
        using var net = SegDeepLabV3MobileNetV3Tiny.Load(Fixtures.PathOf("segmentation/deeplabv3_mobilenet_v3_large.safetensors"));
        var labels = new byte[SegDeepLabV3MobileNetV3Tiny.LabelsLength];
        Assert.Throws<ArgumentException>("labels", () => net.Segment(io["input"], new byte[labels.Length - 1]));
        Assert.Throws<ArgumentException>("input", () => net.Segment(io["input"].AsSpan(1), labels));
        float[] bad = (float[])io["input"].Clone();
        bad[7] = float.NaN;
        Assert.Throws<ArgumentException>("input", () => net.Segment(bad, labels));
        net.Segment(io["input"], labels);
        AssertLabels("deeplabv3_mobilenet_v3_large.tiny", io, labels);
    }

    [Fact]
    public void GpuRunnerMatchesTorchvision()
    {
        // The GPU runner on whatever GpuContext.Create picks (ILGPU's CPU accelerator in CI): the smallest input.
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf("segmentation/deeplabv3_mobilenet_v3_large.tiny.io.safetensors"));
        using GpuContext context = GpuContext.Create();
        using var gpu = SegDeepLabV3MobileNetV3Tiny.LoadGpu(Fixtures.PathOf("segmentation/deeplabv3_mobilenet_v3_large.safetensors"), context);
        var logits = new float[SegDeepLabV3MobileNetV3Tiny.OutputLength];
        gpu.Run(io["input"], logits);
        log.WriteLine(context.Description);
        AssertWithinContract("deeplabv3_mobilenet_v3_large.tiny GPU", io, logits);
        var labels = new byte[SegDeepLabV3MobileNetV3Tiny.LabelsLength];
        gpu.Segment(io["input"], labels);
        AssertLabels("deeplabv3_mobilenet_v3_large.tiny GPU", io, labels);
        Assert.Throws<ArgumentException>("labels", () => gpu.Segment(io["input"], new byte[3]));
    }
}
