using System.Text.Json;
using VisionGen.Imaging;
using VisionGen.Ops;

namespace VisionGen.Tests.Imaging;

public class GaussianBlurTests
{
    public static TheoryData<string> OpenCvCases => ImagingFixtures.Names("blur_cv");
    public static TheoryData<string> TorchvisionCases => ImagingFixtures.Names("blur_tv");
    public static TheoryData<string> KernelCases => ImagingFixtures.Names("kernel_cv");

    [Theory]
    [MemberData(nameof(OpenCvCases))]
    public void MatchesOpenCv(string name)
    {
        var c = ImagingFixtures.Case("blur_cv", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), ch = c.GetProperty("channels").GetInt32();
        int kx = c.GetProperty("kx").GetInt32(), ky = c.GetProperty("ky").GetInt32();
        double sx = c.GetProperty("sx").GetDouble(), sy = c.GetProperty("sy").GetDouble();
        var border = Enum.Parse<BorderMode>(c.GetProperty("border").GetString()!);
        foreach (int threads in new[] { 1, 2 })
        {
            if (c.GetProperty("dtype").GetString() == "f32")
            {
                var src = ImagingFixtures.Floats(name + "_in");
                var expected = ImagingFixtures.Floats(name + "_out");
                var dst = new float[src.Length];
                GaussianBlur.Apply(src, dst, w, h, ch, kx, ky, sx, sy, border, threads);
                double err = Compare.MaxAbs(expected, dst);
                Assert.True(err <= 1e-5, $"{name}: max |diff| {err:G3} vs OpenCV");
            }
            else
            {
                var src = ImagingFixtures.Bytes(name + "_in");
                var expected = ImagingFixtures.Bytes(name + "_out");
                var dst = new byte[src.Length];
                GaussianBlur.Apply(src, dst, w, h, ch, kx, ky, sx, sy, border, threads);
                // OpenCV's 8-bit blur is fixed-point; ours reproduces it bit for bit.
                Assert.Equal(expected, dst);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TorchvisionCases))]
    public void PlanarMatchesTorchvision(string name)
    {
        var c = ImagingFixtures.Case("blur_tv", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), ch = c.GetProperty("channels").GetInt32();
        int kx = c.GetProperty("kx").GetInt32(), ky = c.GetProperty("ky").GetInt32();
        double sx = c.GetProperty("sx").GetDouble(), sy = c.GetProperty("sy").GetDouble();
        var src = ImagingFixtures.Floats(name + "_in");
        var expected = ImagingFixtures.Floats(name + "_out");
        var dst = new float[src.Length];
        if (kx == ky && sx == sy)
            GaussianBlur.ApplyPlanar(src, dst, w, h, ch, kx, (float)sx);
        else
            for (int p = 0; p < ch; p++)
                GaussianBlur.Apply(src.AsSpan(p * w * h, w * h), dst.AsSpan(p * w * h, w * h), w, h, 1, kx, ky, sx, sy);
        double err = Compare.MaxAbs(expected, dst);
        Assert.True(err <= 1e-5, $"{name}: max |diff| {err:G3} vs torchvision");
    }

    [Theory]
    [MemberData(nameof(KernelCases))]
    public void KernelMatchesGetGaussianKernel(string name)
    {
        var c = ImagingFixtures.Case("kernel_cv", name);
        var expected = ImagingFixtures.Floats(name);
        var k = GaussianKernel.Compute(c.GetProperty("size").GetInt32(), c.GetProperty("sigma").GetDouble());
        Compare.Close(expected, k.Select(v => (float)v).ToArray(), 1e-6, 1e-9, name);
    }

    [Fact]
    public void WorkedExampleSigma15Radius1()
    {
        var raw = GaussianKernel.Raw2D(3, 1.5);
        // The textbook figure sums weights rounded to 7 decimals; the exact sum is 0.47871481.
        Assert.Equal(0.4787147, raw.Sum(), 1.5e-7);
        Assert.Equal(0.147761, raw[4] / raw.Sum(), 6);
        // The separable normalized kernel's outer product is the same normalized 2-D kernel.
        var k = GaussianKernel.Compute(3, 1.5);
        Assert.Equal(0.147761, k[1] * k[1], 6);
    }

    [Fact]
    public void FixedPointWeightsSumTo256()
    {
        foreach (var (n, s) in new[] { (3, 0.0), (5, 1.5), (11, 3.0), (31, 6.0), (21, 0.5) })
        {
            var f = GaussianKernel.ToFixedPoint(GaussianKernel.Compute(n, s));
            Assert.Equal(256, f.Sum());
            Assert.Equal(f, f.AsEnumerable().Reverse()); // AsEnumerable: on .NET 8, C# 14 binds f.Reverse() to the in-place span method
        }
    }

    [Fact]
    public void SizeFromSigmaRoundsLikeOpenCv()
    {
        Assert.Equal(9, GaussianKernel.SizeFromSigma(1.0, eightBit: false)); // round(9) | 1
        Assert.Equal(7, GaussianKernel.SizeFromSigma(1.0, eightBit: true));
        Assert.Equal(13, GaussianKernel.SizeFromSigma(1.5, eightBit: false));
        Assert.Equal(19, GaussianKernel.SizeFromSigma(3.0, eightBit: true));
        Assert.Equal(0, GaussianKernel.SizeFromSigma(0, eightBit: true));
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var src = new float[12];
        var dst = new float[12];
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(src, dst, 4, 3, 1, 4, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(src, dst, 4, 3, 1, -3, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(src, dst, 4, 3, 1, 0, 0f));
        Assert.Throws<ArgumentException>(() => GaussianBlur.Apply(src, dst, 5, 3, 1, 3, 1f));
        Assert.Throws<ArgumentException>(() => GaussianBlur.Apply(src, src, 4, 3, 1, 3, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(src, dst, 4, 3, 1, 3, 1f, (BorderMode)3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianBlur.Apply(src, dst, 4, 3, 1, 3, float.NaN));
    }

    [Fact]
    public void ConstantImageStaysConstantForEveryBorderButConstant()
    {
        var src = Enumerable.Repeat((byte)200, 31 * 17 * 3).ToArray();
        var dst = new byte[src.Length];
        foreach (var b in new[] { BorderMode.Reflect101, BorderMode.Reflect, BorderMode.Replicate })
        {
            GaussianBlur.Apply(src, dst, 31, 17, 3, 11, 3f, b);
            Assert.All(dst, v => Assert.Equal(200, v));
        }
    }

    [Fact]
    public void ApplyIsAllocationFree()
    {
        const int w = 203, h = 67;
        var f = new float[w * h * 3];
        var fo = new float[f.Length];
        var u = new byte[f.Length];
        var uo = new byte[f.Length];
        new Random(1).NextBytes(u);
        void Once()
        {
            GaussianBlur.Apply(f, fo, w, h, 3, 5, 1.5f);
            GaussianBlur.Apply(u, uo, w, h, 3, 11, 3f, BorderMode.Constant);
            GaussianBlur.Apply(f, fo, w, h, 1, 0, 0, 2.0, 1.0, BorderMode.Reflect, threads: 2);
            GaussianBlur.Apply(u, uo, w, h, 1, 7, 3, 0, 0, BorderMode.Replicate, threads: 2);
            GaussianBlur.ApplyPlanar(f, fo, w, h, 3, 5, 1.5f, threads: 2);
        }
        Once();
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 10; i++) Once(); }));
    }
}

/// <summary>Images large enough for the streaming-store path, at odd alignments, against a plain reference.</summary>
public class GaussianBlurLargeImageTests
{
    [Theory]
    [InlineData(1200, 900, 1, 0)]
    [InlineData(1201, 877, 1, 3)]
    [InlineData(701, 511, 3, 1)]
    public void StreamingPathMatchesNaiveConvolution(int w, int h, int ch, int misalign)
    {
        int n = w * h * ch;
        Assert.True((long)n * 4 >= 4 << 20);
        var rng = new Random(w);
        var src = new float[n];
        for (int i = 0; i < n; i++) src[i] = (float)rng.NextDouble();
        var dstBuffer = new float[n + misalign];
        var dst = dstBuffer.AsSpan(misalign, n);
        GaussianBlur.Apply(src, dst, w, h, ch, 0, 0, 1.3, 2.1, BorderMode.Reflect101, threads: 2);
        var kx = VisionGen.Ops.GaussianKernel.Compute(VisionGen.Ops.GaussianKernel.SizeFromSigma(1.3, false), 1.3);
        var ky = VisionGen.Ops.GaussianKernel.Compute(VisionGen.Ops.GaussianKernel.SizeFromSigma(2.1, false), 2.1);
        // Spot-check rows near the top, middle and bottom against a direct double-precision sum.
        foreach (int y in new[] { 0, 1, h / 2, h - 2, h - 1 })
            for (int x = 0; x < w; x += 7)
                for (int c = 0; c < ch; c++)
                {
                    double sum = 0;
                    for (int j = 0; j < ky.Length; j++)
                        for (int i = 0; i < kx.Length; i++)
                        {
                            int yy = Reflect101(y + j - ky.Length / 2, h), xx = Reflect101(x + i - kx.Length / 2, w);
                            sum += ky[j] * kx[i] * src[(yy * w + xx) * ch + c];
                        }
                    Assert.True(Math.Abs(sum - dst[(y * w + x) * ch + c]) < 2e-6, $"({x},{y},{c}): {sum} vs {dst[(y * w + x) * ch + c]}");
                }
    }

    private static int Reflect101(int p, int n) => p < 0 ? -p : p >= n ? 2 * n - 2 - p : p;
}

/// <summary>
/// The fused float row kernel (rows of ≥ 128 elements, radii 1-6, 1/3/4 channels) for every radius
/// pair, channel count and border, with streaming stores at odd destination alignments, against a
/// double-precision reference; the same shapes in 8-bit against the exact fixed-point definition.
/// </summary>
public class GaussianBlurFusedPathTests
{
    public static TheoryData<int, int, int, int, int, BorderMode> Cases()
    {
        var data = new TheoryData<int, int, int, int, int, BorderMode>();
        var borders = new[] { BorderMode.Reflect101, BorderMode.Reflect, BorderMode.Replicate, BorderMode.Constant };
        int b = 0;
        // Every radius pair the fused kernel specializes (kernel sizes 3..13), widths with odd tails.
        foreach (int ch in new[] { 1, 3, 4 })
            for (int kx = 3; kx <= 13; kx += 2)
                for (int ky = 3; ky <= 13; ky += 4)
                    data.Add(131 + 7 * kx + ky, 9 + ky, ch, kx, ky, borders[b++ % 4]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesNaiveConvolution(int w, int h, int ch, int kx, int ky, BorderMode border)
    {
        var src = Random(w * h * ch, w + 31 * kx + ky);
        var dst = new float[src.Length];
        GaussianBlur.Apply(src, dst, w, h, ch, kx, ky, 0, 0, border);
        var wx = GaussianKernel.Compute(kx, 0);
        var wy = GaussianKernel.Compute(ky, 0);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < ch; c++)
                    AssertClose(Naive(src, w, h, ch, wx, wy, border, x, y, c), dst[(y * w + x) * ch + c], x, y, c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EightBitMatchesFixedPointReference(int w, int h, int ch, int kx, int ky, BorderMode border)
    {
        var src = new byte[w * h * ch];
        new Random(w + 31 * kx + ky).NextBytes(src);
        var dst = new byte[src.Length];
        GaussianBlur.Apply(src, dst, w, h, ch, kx, ky, 0, 0, border);
        // OpenCV's fixed-point definition: (Σ wy·Σ wx·p + 2^15) >> 16 with integer weights summing to 256.
        var wx = GaussianKernel.ToFixedPoint(GaussianKernel.Compute(kx, 0));
        var wy = GaussianKernel.ToFixedPoint(GaussianKernel.Compute(ky, 0));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < ch; c++)
                {
                    long sum = 0;
                    for (int j = 0; j < ky; j++)
                    {
                        int yy = BorderIndex.Map(y + j - ky / 2, h, border);
                        if (yy < 0) continue;
                        for (int i = 0; i < kx; i++)
                        {
                            int xx = BorderIndex.Map(x + i - kx / 2, w, border);
                            if (xx >= 0) sum += (long)wy[j] * wx[i] * src[(yy * w + xx) * ch + c];
                        }
                    }
                    int expected = (int)((sum + 32768) >> 16);
                    if (dst[(y * w + x) * ch + c] != expected)
                        Assert.Fail($"({x},{y},{c}): {dst[(y * w + x) * ch + c]} vs {expected}");
                }
    }

    [Theory]
    [InlineData(1024, 1024, 1, 0)]
    [InlineData(1023, 1030, 1, 1)]
    [InlineData(611, 580, 3, 2)]
    [InlineData(517, 509, 4, 3)]
    public void StreamingRowsMatchNaiveConvolution(int w, int h, int ch, int misalign)
    {
        Assert.True((long)w * h * ch * 4 >= SeparableFilter.StreamingThresholdBytes);
        var src = Random(w * h * ch, w);
        var buffer = new float[src.Length + misalign];
        var dst = buffer.AsSpan(misalign, src.Length);
        GaussianBlur.Apply(src, dst, w, h, ch, 5, 9, 0, 0, BorderMode.Reflect101, threads: 2);
        var wx = GaussianKernel.Compute(5, 0);
        var wy = GaussianKernel.Compute(9, 0);
        foreach (int y in new[] { 0, 3, h / 2, h - 1 })
            for (int x = 0; x < w; x++)
                for (int c = 0; c < ch; c++)
                    AssertClose(Naive(src, w, h, ch, wx, wy, BorderMode.Reflect101, x, y, c), dst[(y * w + x) * ch + c], x, y, c);
    }

    private static float[] Random(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)rng.NextDouble();
        return a;
    }

    private static double Naive(float[] src, int w, int h, int ch, double[] wx, double[] wy, BorderMode border, int x, int y, int c)
    {
        double sum = 0;
        for (int j = 0; j < wy.Length; j++)
        {
            int yy = BorderIndex.Map(y + j - wy.Length / 2, h, border);
            if (yy < 0) continue;
            for (int i = 0; i < wx.Length; i++)
            {
                int xx = BorderIndex.Map(x + i - wx.Length / 2, w, border);
                if (xx >= 0) sum += wy[j] * wx[i] * src[(yy * w + xx) * ch + c];
            }
        }
        return sum;
    }

    private static void AssertClose(double expected, float actual, int x, int y, int c)
    {
        if (Math.Abs(expected - actual) > 2e-6)
            Assert.Fail($"({x},{y},{c}): {actual} vs {expected}");
    }
}
