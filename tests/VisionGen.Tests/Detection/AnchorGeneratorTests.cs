using VisionGen.ObjectDetection;

namespace VisionGen.Tests.Detection;

public class AnchorGeneratorTests
{
    [Theory]
    [InlineData("retina_96x128")]
    [InlineData("retina_100x130")]
    [InlineData("fcos_96x128")]
    [InlineData("odd_sizes")]
    public void GenerateMatchesTorchvisionAnchorGenerator(string name)
    {
        var c = RuntimeFixtures.Case("anchors", name);
        int[] image = RuntimeFixtures.Ints(c.GetProperty("image"));
        (int, int)[] features = c.GetProperty("features").EnumerateArray().Select(f => (f[0].GetInt32(), f[1].GetInt32())).ToArray();
        float[][] sizes = c.GetProperty("sizes").EnumerateArray().Select(RuntimeFixtures.Floats).ToArray();
        float[][] ratios = c.GetProperty("ratios").EnumerateArray().Select(RuntimeFixtures.Floats).ToArray();
        var refs = RuntimeFixtures.Tensors("detection_anchors.safetensors");

        float[] anchors = AnchorGenerator.Generate(image[0], image[1], features, sizes, ratios);
        Assert.Equal(refs[name + ".anchors"], anchors); // bit-exact
        Assert.Equal(RuntimeFixtures.Ints(c.GetProperty("anchors_per_level")), AnchorGenerator.AnchorsPerLevel(features, sizes, ratios));
        for (int l = 0; l < sizes.Length; l++)
            Assert.Equal(refs[$"{name}.cell.{l}"], AnchorGenerator.CellAnchors(sizes[l], ratios[l]));
    }

    [Fact]
    public void DefaultSizesAreTorchvisionsTruncatedOnes()
    {
        var c = RuntimeFixtures.Case("anchors", "retina_96x128");
        float[][] expected = c.GetProperty("sizes").EnumerateArray().Select(RuntimeFixtures.Floats).ToArray();
        float[][] sizes = AnchorGenerator.RetinaNetDefaultSizes();
        Assert.Equal(expected, sizes);
        Assert.Equal([32f, 40f, 50f], sizes[0]);
        Assert.Equal([512f, 645f, 812f], sizes[4]);
        Assert.Equal(RuntimeFixtures.Case("anchors", "fcos_96x128").GetProperty("sizes").EnumerateArray().Select(RuntimeFixtures.Floats).ToArray(), AnchorGenerator.FcosDefaultSizes());
        Assert.All(AnchorGenerator.RetinaNetDefaultRatios(), r => Assert.Equal([0.5f, 1f, 2f], r));
    }

    [Fact]
    public void CellAnchorsRoundHalfToEven()
    {
        // size 5, ratio 1: ±2.5 rounds to ±2 (torch.round is half-to-even), not ±3.
        Assert.Equal([-2f, -2f, 2f, 2f], AnchorGenerator.CellAnchors([5f], [1f]));
        Assert.Equal([-4f, -4f, 4f, 4f], AnchorGenerator.CellAnchors([7f], [1f])); // ±3.5 -> ±4
    }

    [Fact]
    public void RejectsInconsistentLevels()
    {
        Assert.Throws<ArgumentException>(() => AnchorGenerator.Generate(64, 64, [(8, 8), (4, 4)], [[32f]], [[1f], [1f]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorGenerator.CellAnchors([32f], [0f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorGenerator.Generate(64, 64, [(0, 8)], [[32f]], [[1f]]));
    }
}
