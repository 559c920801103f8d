using VisionGen.ObjectDetection;

namespace VisionGen.Tests.Detection;

public class BoxCoderTests
{
    private static readonly Dictionary<string, float[]> Refs = RuntimeFixtures.Tensors("detection_boxcoder.safetensors");

    // Error relative to the box's largest coordinate: x1 = ctr − w/2 can cancel to a small number, and a
    // one-ulp difference in exp (torch's vectorized exp vs MathF.Exp) then shows at the operands' scale.
    private static double MaxRelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int b = 0; b < expected.Length; b += 4)
        {
            double scale = 1;
            for (int k = 0; k < 4; k++) scale = Math.Max(scale, Math.Abs((double)expected[b + k]));
            for (int k = 0; k < 4; k++)
            {
                Assert.False(float.IsNaN(actual[b + k]));
                worst = Math.Max(worst, Math.Abs((double)expected[b + k] - actual[b + k]) / scale);
            }
        }
        return worst;
    }

    // A delegate type of its own: .NET 8's Action<T1, T2, T3> cannot take spans (ref structs as type arguments came in .NET 9).
    private delegate void Decoder(ReadOnlySpan<float> anchor, ReadOnlySpan<float> delta, Span<float> box);

    private static float[] DecodeAll(Decoder decode)
    {
        float[] anchors = Refs["anchors"], deltas = Refs["deltas"];
        var boxes = new float[anchors.Length];
        for (int i = 0; i < anchors.Length; i += 4) decode(anchors.AsSpan(i, 4), deltas.AsSpan(i, 4), boxes.AsSpan(i, 4));
        return boxes;
    }

    [Fact]
    public void DecodeMatchesTorchvisionBoxCoderIncludingClamp()
    {
        float[] boxes = DecodeAll((a, d, b) => BoxCoder.Decode(a, d, b));
        double err = MaxRelativeError(Refs["decoded_unit"], boxes);
        Assert.True(err <= 1e-6, $"max rel err {err:E2}");
        // The fixture really exercises the clamp: some dw are far beyond log(1000/16).
        Assert.Contains(Refs["deltas"].Where((_, i) => i % 4 == 2), dw => dw > BoxCoder.DefaultClip + 1);
    }

    [Fact]
    public void DecodeWithWeightsMatchesTorchvision()
    {
        float[] boxes = DecodeAll((a, d, b) => BoxCoder.Decode(a, d, b, 10f, 10f, 5f, 5f, BoxCoder.DefaultClip));
        double err = MaxRelativeError(Refs["decoded_w10"], boxes);
        Assert.True(err <= 1e-6, $"max rel err {err:E2}");
    }

    [Fact]
    public void ClampLimitsScaleToLog1000Over16()
    {
        Span<float> box = stackalloc float[4];
        BoxCoder.Decode([0f, 0f, 10f, 20f], [0f, 0f, 50f, 50f], box);
        // exp(log(1000/16)) = 62.5 times the anchor's size, centred on the anchor.
        Assert.Equal(5f - 312.5f, box[0], 1e-3f);
        Assert.Equal(5f + 312.5f, box[2], 1e-3f);
        Assert.Equal(10f - 625f, box[1], 1e-3f);
        Assert.Equal(10f + 625f, box[3], 1e-3f);
    }

    [Fact]
    public void ClipMatchesTorchvision()
    {
        float[] boxes = DecodeAll((a, d, b) => { BoxCoder.Decode(a, d, b); BoxCoder.ClipToImage(b, 96, 128); });
        Assert.True(MaxRelativeError(Refs["clipped"], boxes) <= 1e-6);
        Assert.All(boxes.Where((_, i) => i % 2 == 0), x => Assert.InRange(x, 0f, 128f));
        Assert.All(boxes.Where((_, i) => i % 2 == 1), y => Assert.InRange(y, 0f, 96f));
    }

    [Fact]
    public void LinearCoderMatchesTorchvision()
    {
        float[] normalized = DecodeAll((a, d, b) => BoxLinearCoder.Decode(a, d, b, true));
        float[] raw = DecodeAll((a, d, b) => BoxLinearCoder.Decode(a, d, b, false));
        Assert.Equal(Refs["linear_norm"], normalized); // bit-exact: same float32 operations
        Assert.Equal(Refs["linear_raw"], raw);
    }

    [Fact]
    public void ShortSpansAreRejected()
    {
        Assert.Throws<ArgumentException>(() => BoxCoder.Decode(new float[3], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => BoxLinearCoder.Decode(new float[4], new float[4], new float[2]));
    }
}
