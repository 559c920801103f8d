using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuResizeTests
{
    /// <summary>ATen's compute_scales_value: 1/scale_factor (computed in double, then float) or in/out in float.</summary>
    private static float ScaleValue(double? scaleFactor, int inSize, int outSize)
        => scaleFactor is double f ? (float)(1.0 / f) : (float)inSize / outSize;

    /// <summary>ATen's area_pixel_compute_scale.</summary>
    private static float AreaScale(bool alignCorners, double? scaleFactor, int inSize, int outSize)
        => alignCorners ? (outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : 0f) : ScaleValue(scaleFactor, inSize, outSize);

    /// <summary>torch's output size for a scale factor: floor(in·scale_factor).</summary>
    private static int OutSize(int inSize, double scaleFactor) => (int)Math.Floor(inSize * scaleFactor);

    /// <summary>ATen's nearest_idx transcribed: the two shortcuts, then min(floorf(d·scale), in − 1) in float.</summary>
    private static int NearestSource(int d, int inSize, int outSize, float scale)
    {
        if (outSize == inSize) return d;
        if (outSize == 2 * inSize) return d >> 1;
        return Math.Min((int)MathF.Floor(d * scale), inSize - 1);
    }

    private static float[] ExpectedNearest(float[] x, int planes, int h, int w, int oh, int ow, float sy, float sx)
    {
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
            y[(p * oh + oy) * ow + ox] = x[(p * h + NearestSource(oy, h, oh, sy)) * w + NearestSource(ox, w, ow, sx)];
        return y;
    }

    /// <summary>
    /// ATen's linear source index and weights (compute_source_index_and_lambda with area_pixel_compute_source_index), the
    /// coordinate and weights in float as ATen 2.x computes them for float tensors (opmath_t = float).
    /// </summary>
    private static (int I0, int I1, double L0, double L1) LinearSource(int d, int inSize, int outSize, float scale, bool alignCorners)
    {
        if (outSize == inSize) return (d, d, 1, 0);
        float src = alignCorners ? scale * d : scale * (d + 0.5f) - 0.5f;
        if (!alignCorners && src < 0) src = 0;
        int i0 = (int)src;
        int i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
        float l1 = src - i0;
        float l0 = 1f - l1;
        return (i0, i1, l0, l1);
    }

    private static double[] ExpectedBilinear(float[] x, int planes, int h, int w, int oh, int ow, bool alignCorners, float sy, float sx)
    {
        var y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        {
            var (h0, h1, l0h, l1h) = LinearSource(oy, h, oh, sy, alignCorners);
            for (int ox = 0; ox < ow; ox++)
            {
                var (w0, w1, l0w, l1w) = LinearSource(ox, w, ow, sx, alignCorners);
                double X(int r, int c) => x[(p * h + r) * w + c];
                y[(p * oh + oy) * ow + ox] = l0h * (l0w * X(h0, w0) + l1w * X(h0, w1)) + l1h * (l0w * X(h1, w0) + l1w * X(h1, w1));
            }
        }
        return y;
    }

    /// <summary>The contract's float expression, l0h·(l0w·a + l1w·b) + l1h·(l0w·c + l1w·d), evaluated as written.</summary>
    private static float[] ExpectedBilinearFloat(float[] x, int planes, int h, int w, int oh, int ow, bool alignCorners, float sy, float sx)
    {
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        {
            var (h0, h1, l0hd, l1hd) = LinearSource(oy, h, oh, sy, alignCorners);
            float l0h = (float)l0hd, l1h = (float)l1hd;
            for (int ox = 0; ox < ow; ox++)
            {
                var (w0, w1, l0wd, l1wd) = LinearSource(ox, w, ow, sx, alignCorners);
                float l0w = (float)l0wd, l1w = (float)l1wd;
                float X(int r, int c) => x[(p * h + r) * w + c];
                y[(p * oh + oy) * ow + ox] = l0h * (l0w * X(h0, w0) + l1w * X(h0, w1)) + l1h * (l0w * X(h1, w0) + l1w * X(h1, w1));
            }
        }
        return y;
    }

    // planes, inH, inW, scale factor H (0 = size given), scale factor W, outH (when size given), outW
    public static IEnumerable<object[]> Cases() => new object[][]
    {
        new object[] { 3, 5, 7, 2.0, 2.0, 0, 0 },        // upscale 2× (FPN, U-Net)
        new object[] { 2, 6, 9, 1.5, 1.5, 0, 0 },        // non-integer up
        new object[] { 2, 10, 13, 0.7, 0.7, 0, 0 },      // non-integer down
        new object[] { 2, 7, 11, 3.0, 1.5, 0, 0 },       // different factors per axis
        new object[] { 1, 10, 10, 2.09, 2.09, 0, 0 },    // out = 2·in though the factor is not 2: ATen's shortcut
        new object[] { 1, 10, 12, 1.05, 1.05, 0, 0 },    // out = in though the factor is not 1: ATen's shortcut
        new object[] { 2, 9, 13, 0.0, 0.0, 4, 5 },       // size-based downscale
        new object[] { 2, 4, 5, 0.0, 0.0, 11, 7 },       // size-based upscale, not a multiple
        new object[] { 3, 6, 7, 0.0, 0.0, 1, 1 },        // output 1×1
        new object[] { 3, 1, 1, 0.0, 0.0, 5, 4 },        // input 1×1
        new object[] { 2, 1, 9, 0.0, 0.0, 3, 20 },       // input height 1
        new object[] { 1, 3, 700, 0.0, 0.0, 5, 1300 },   // wider than one tabulated chunk of columns
        new object[] { 2, 8, 8, 0.0, 0.0, 8, 8 },        // same size
    };

    private static (int Oh, int Ow, double? Fy, double? Fx) Geometry(int h, int w, double fy, double fx, int oh, int ow)
        => fy > 0 ? (OutSize(h, fy), OutSize(w, fx), fy, fx) : (oh, ow, null, null);

    [Theory]
    [MemberData(nameof(Cases))]
    public void NearestMatchesAten(int planes, int h, int w, double fy, double fx, int ohGiven, int owGiven)
    {
        var (oh, ow, sfy, sfx) = Geometry(h, w, fy, fx, ohGiven, owGiven);
        float sy = ScaleValue(sfy, h, oh), sx = ScaleValue(sfx, w, ow);
        var x = Reference.Random(planes * h * w, 41);
        var y = new float[planes * oh * ow];
        Resize.Nearest(planes, h, w, oh, ow, sy, sx, x, y);
        Assert.Equal(ExpectedNearest(x, planes, h, w, oh, ow, sy, sx), y);
        if (sfy is null)
        {
            // The size-only overload is the same thing with in/out scales.
            var y7 = new float[y.Length];
            Resize.Nearest(planes, h, w, oh, ow, x, y7);
            Assert.Equal(y, y7);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BilinearMatchesAten(int planes, int h, int w, double fy, double fx, int ohGiven, int owGiven)
    {
        var (oh, ow, sfy, sfx) = Geometry(h, w, fy, fx, ohGiven, owGiven);
        var x = Reference.Random(planes * h * w, 42, -3f, 3f);
        foreach (bool alignCorners in new[] { false, true })
        {
            // torch ignores the scale factor for align_corners=True scales ((in − 1)/(out − 1)).
            float sy = AreaScale(alignCorners, sfy, h, oh), sx = AreaScale(alignCorners, sfx, w, ow);
            var expected = ExpectedBilinear(x, planes, h, w, oh, ow, alignCorners, sy, sx);
            var y = new float[expected.Length];
            Resize.Bilinear(planes, h, w, oh, ow, alignCorners, sy, sx, x, y);
            for (int i = 0; i < y.Length; i++)
                Assert.True(Math.Abs(y[i] - expected[i]) <= 2e-6 * Math.Max(1, Math.Abs(expected[i])),
                    $"align_corners={alignCorners} [{i}] = {y[i]:R}, want {expected[i]:R}");
            // The separable kernel performs exactly the formula's float operations.
            Assert.Equal(ExpectedBilinearFloat(x, planes, h, w, oh, ow, alignCorners, sy, sx), y);
        }
    }

    [Fact]
    public void MatchesPyTorchOnTheShortcutCases()
    {
        // torch 1.13: F.interpolate(arange(10).view(1,1,1,10), scale_factor=(1, 2.09), mode="nearest") repeats each column
        // twice (out = 20 = 2·in takes ATen's shortcut; floorf(d/2.09) would give 0,0,0,1,1,2,…).
        var x = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        var y = new float[20];
        Resize.Nearest(1, 1, 10, 1, 20, 1f, (float)(1 / 2.09), x, y);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (float)(i / 2)).ToArray(), y);
        // scale_factor 1.05 on 10 columns: out = 10 = in, a copy in both modes.
        var z = new float[10];
        Resize.Nearest(1, 1, 10, 1, 10, 1f, (float)(1 / 1.05), x, z);
        Assert.Equal(x, z);
        Resize.Bilinear(1, 1, 10, 1, 10, false, 1f, (float)(1 / 1.05), x, z);
        Assert.Equal(x, z);
    }

    [Fact]
    public void BilinearUpscaleOfARampIsLinear()
    {
        // align_corners=True on a ramp 0..4 to 9 samples: exactly 0, 0.5, …, 4.
        var x = new float[] { 0, 1, 2, 3, 4 };
        var y = new float[9];
        Resize.Bilinear(1, 1, 5, 1, 9, true, 0f, 4f / 8f, x, y);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i * 0.5f).ToArray(), y);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = new float[2 * 4 * 4];
        var y = new float[2 * 8 * 8];
        Assert.Throws<ArgumentException>("planes", () => Resize.Nearest(0, 4, 4, 8, 8, 0.5f, 0.5f, x, y));
        Assert.Throws<ArgumentException>("channels", () => Resize.Nearest(0, 4, 4, 8, 8, x, y));
        Assert.Throws<ArgumentException>("inWidth", () => Resize.Bilinear(2, 4, 0, 8, 8, false, 0.5f, 0.5f, x, y));
        Assert.Throws<ArgumentException>("outHeight", () => Resize.Bilinear(2, 4, 4, -1, 8, false, 0.5f, 0.5f, x, y));
        Assert.Throws<ArgumentException>("scaleY", () => Resize.Nearest(2, 4, 4, 8, 8, -0.5f, 0.5f, x, y));
        Assert.Throws<ArgumentException>("scaleX", () => Resize.Nearest(2, 4, 4, 8, 8, 0.5f, float.NaN, x, y));
        Assert.Throws<ArgumentException>("scaleX", () => Resize.Bilinear(2, 4, 4, 8, 8, true, 0.5f, -1f, x, y));
        Assert.Throws<ArgumentException>("scaleY", () => Resize.Bilinear(2, 4, 4, 8, 8, true, float.PositiveInfinity, 1f, x, y));
        Assert.Throws<ArgumentException>("input", () => Resize.Bilinear(2, 4, 4, 8, 8, false, 0.5f, 0.5f, x.AsSpan(1), y));
        Assert.Throws<ArgumentException>("output", () => Resize.Nearest(2, 4, 4, 8, 8, 0.5f, 0.5f, x, y.AsSpan(1)));
        var shared = new float[200];
        Assert.Throws<ArgumentException>("output", () => Resize.Nearest(2, 4, 4, 8, 8, 0.5f, 0.5f, shared.AsSpan(0, 32), shared.AsSpan(16, 128)));
    }

    [Fact]
    public void ScalesLargerThanAtenWouldComputeStayInsideTheInput()
    {
        // A caller's wrong scale must not read outside the input: indices are clamped to the last row/column.
        var x = Reference.Random(3 * 5, 43);
        var y = new float[7 * 9];
        Resize.Bilinear(1, 3, 5, 7, 9, false, 10f, 10f, x, y);
        Assert.All(y, v => Assert.Equal(x[^1], v, 5));
        Resize.Nearest(1, 3, 5, 7, 9, 1e30f, 1e30f, x, y);
        for (int oy = 1; oy < 7; oy++)
            for (int ox = 1; ox < 9; ox++) Assert.Equal(x[^1], y[oy * 9 + ox]);
        Assert.Equal(x[0], y[0]); // index 0 · scale = 0
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var x = Reference.Random(4 * 9 * 13, 1);
        var y = new float[4 * 20 * 600];
        Resize.Nearest(4, 9, 13, 20, 600, 9f / 20, 13f / 600, x, y);
        Assert.Equal(0, Allocations.Fewest(() => { Resize.Nearest(4, 9, 13, 20, 600, 9f / 20, 13f / 600, x, y); }, rounds: 3));
        Resize.Bilinear(4, 9, 13, 20, 600, false, 9f / 20, 13f / 600, x, y);
        Assert.Equal(0, Allocations.Fewest(() => { Resize.Bilinear(4, 9, 13, 20, 600, false, 9f / 20, 13f / 600, x, y); }, rounds: 3));
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuResizeThreadTests
{
    [Fact]
    public void GivesTheSameBitsOnOneTwoAndThreeThreads()
    {
        var x = Reference.Random(3 * 40 * 50, 2);
        float[] Run(bool bilinear)
        {
            var y = new float[3 * 100 * 125];
            if (bilinear) Resize.Bilinear(3, 40, 50, 100, 125, false, 0.4f, 0.4f, x, y);
            else Resize.Nearest(3, 40, 50, 100, 125, 0.4f, 0.4f, x, y);
            return y;
        }
        foreach (bool bilinear in new[] { false, true }) ThreadCounts.SameBitsOnOneTwoAndThree(() => Run(bilinear));
    }
}
