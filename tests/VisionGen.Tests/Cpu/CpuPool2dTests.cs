using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuPool2dTests
{
    // c, h, w, k, stride, pad
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        { 3, 7, 9, 3, 2, 1 },     // ResNet stem pool on an odd image
        { 5, 13, 5, 2, 2, 0 },
        { 2, 9, 9, 3, 1, 1 },
        { 4, 8, 8, 5, 3, 2 },
        { 3, 4, 4, 3, 2, 1 },
        { 2, 10, 140, 3, 2, 1 },  // 512-bit rows, stride 2
        { 2, 9, 112, 3, 2, 1 },   // the ResNet stem pool's rows: 56 outputs, the last vector overlapping
        { 2, 11, 100, 3, 1, 1 },  // 512-bit rows, stride 1
        { 3, 6, 30, 2, 2, 0 },    // 256-bit rows
        { 2, 12, 90, 3, 3, 1 },   // stride 3 (gathered lanes)
        { 17, 1, 1, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxMatchesReference(int c, int h, int w, int k, int stride, int pad) => Check(c, h, w, k, stride, pad, max: true);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AverageMatchesReference(int c, int h, int w, int k, int stride, int pad) => Check(c, h, w, k, stride, pad, max: false);

    // c, h, w, k, stride, pad: sizes where ceil_mode adds a partial window (GoogLeNet's k3 s2 and k2 s2 pools), with padding,
    // on 512-bit rows, and one where the added window would start in the padding and is dropped again.
    public static TheoryData<int, int, int, int, int, int> CeilShapes => new()
    {
        { 3, 8, 11, 3, 2, 0 },
        { 4, 7, 9, 2, 2, 0 },
        { 2, 8, 10, 3, 2, 1 },
        { 2, 9, 142, 3, 2, 0 },
        { 3, 5, 5, 2, 2, 1 },
        { 2, 6, 7, 3, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(CeilShapes))]
    public void CeilModeMaxMatchesReference(int c, int h, int w, int k, int stride, int pad) => Check(c, h, w, k, stride, pad, max: true, ceilMode: true);

    [Theory]
    [MemberData(nameof(CeilShapes))]
    public void CeilModeAverageMatchesReference(int c, int h, int w, int k, int stride, int pad) => Check(c, h, w, k, stride, pad, max: false, ceilMode: true);

    [Fact]
    public void CeilModeSizesAreTorchs()
    {
        // torch.nn.MaxPool2d(3, 2, ceil_mode=True) on 8x11 gives 4x5; MaxPool2d(2, 2, padding=1, ceil_mode=True) on 5x5 gives 3x3.
        Assert.Equal((4, 5), (VisionGen.Ops.ShapeRules.WindowOutputCeil(8, 3, 2, 0), VisionGen.Ops.ShapeRules.WindowOutputCeil(11, 3, 2, 0)));
        Assert.Equal(3, VisionGen.Ops.ShapeRules.WindowOutputCeil(5, 2, 2, 1));
        Assert.Equal(3, VisionGen.Ops.ShapeRules.WindowOutput(8, 3, 2, 0));
    }

    private static void Check(int c, int h, int w, int k, int stride, int pad, bool max, bool ceilMode = false)
    {
        var x = Reference.Random(c * h * w, 21);
        var expected = Reference.Pool(x, c, h, w, k, stride, pad, max, out int oh, out int ow, ceilMode);
        var s = new Pool2dShape(c, h, w, oh, ow, k, stride, pad);
        var y = new float[s.OutputLength];
        Array.Fill(y, float.NaN);
        if (max) Pool2d.Max(s, x, y); else Pool2d.Average(s, x, y);
        Reference.AssertClose(expected, y, $"{(max ? "max" : "avg")} {s}");
    }

    [Fact]
    public void AverageCountsPaddingInTheDivisor()
    {
        // 4×4 ones, k3 s2 p1: the corner window covers 4 real pixels of a 9-pixel padded window.
        var x = new float[16];
        Array.Fill(x, 1f);
        var y = new float[4];
        Pool2d.Average(new Pool2dShape(1, 4, 4, 2, 2, 3, 2, 1), x, y);
        Assert.Equal(4f / 9f, y[0], 6);
        Assert.Equal(6f / 9f, y[1], 6);
        Assert.Equal(6f / 9f, y[2], 6);
        Assert.Equal(1f, y[3], 6);
    }

    [Fact]
    public void MaxIgnoresPaddingAndPropagatesNaN()
    {
        var x = new float[] { -5, -6, -7, -8 };
        var y = new float[4];
        Pool2d.Max(new Pool2dShape(1, 2, 2, 2, 2, 3, 1, 1), x, y);
        Assert.Equal(new float[] { -5, -5, -5, -5 }, y); // padding is −∞, not 0
        x[3] = float.NaN;
        Pool2d.Max(new Pool2dShape(1, 2, 2, 2, 2, 3, 1, 1), x, y);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void GlobalAverageMatchesReference()
    {
        foreach (int spatial in new[] { 1, 7, 49, 100, 3136 })
        {
            const int c = 5;
            var x = Reference.Random(c * spatial, spatial);
            var expected = new double[c];
            for (int ch = 0; ch < c; ch++)
            {
                double s = 0;
                for (int i = 0; i < spatial; i++) s += x[ch * spatial + i];
                expected[ch] = s / spatial;
            }
            var y = new float[c];
            Pool2d.GlobalAverage(c, spatial, x, y);
            Reference.AssertClose(expected, y, $"global avg spatial {spatial}");
        }
    }

    [Fact]
    public void RejectsBadShapes()
    {
        var x = new float[64]; var y = new float[16];
        Assert.Throws<ArgumentException>(() => Pool2d.Max(new Pool2dShape(1, 8, 8, 5, 5, 3, 2, 1), x, y)); // wrong output size
        Assert.Throws<ArgumentException>(() => Pool2d.Max(new Pool2dShape(1, 8, 8, 5, 5, 3, 2, 0), x, y)); // neither floor (3) nor ceil (4)
        Assert.Throws<ArgumentException>(() => Pool2d.Max(new Pool2dShape(1, 8, 8, 4, 3, 3, 2, 0), x, y)); // ceil height with floor width
        Assert.Throws<ArgumentException>(() => Pool2d.Max(new Pool2dShape(1, 8, 8, 5, 5, 3, 2, 2), x, y)); // pad > k/2
        Assert.Throws<ArgumentException>(() => Pool2d.Average(new Pool2dShape(1, 8, 8, 4, 4, 3, 2, 1), x.AsSpan(1), y));
        Assert.Throws<ArgumentException>(() => Pool2d.Average(new Pool2dShape(1, 8, 8, 4, 4, 3, 2, 1), x, y.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => Pool2d.GlobalAverage(2, 32, x.AsSpan(1), y));
    }
}
