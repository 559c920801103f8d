using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuAdaptivePoolTests
{
    /// <summary>
    /// torch's adaptive pooling: bin o of an axis covers [floor(o·in/out), ceil((o+1)·in/out)); the mean in double, the max
    /// with NaN winning.
    /// </summary>
    internal static double[] Expected(float[] x, int planes, int h, int w, int oh, int ow, bool max)
    {
        var y = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int hs = (int)Math.Floor((double)oy * h / oh), he = (int)Math.Ceiling((double)(oy + 1) * h / oh);
            int ws = (int)Math.Floor((double)ox * w / ow), we = (int)Math.Ceiling((double)(ox + 1) * w / ow);
            double sum = 0, best = double.NegativeInfinity;
            for (int iy = hs; iy < he; iy++)
            for (int ix = ws; ix < we; ix++)
            {
                double v = x[(p * h + iy) * w + ix];
                sum += v;
                if (v > best || double.IsNaN(v)) best = v;
            }
            y[(p * oh + oy) * ow + ox] = max ? best : sum / ((he - hs) * (we - ws));
        }
        return y;
    }

    // planes, inH, inW, outH, outW
    public static IEnumerable<object[]> Shapes() => new object[][]
    {
        new object[] { 3, 10, 13, 7, 7 },     // torchvision's classifier pool size from an odd map
        new object[] { 2, 8, 8, 4, 4 },       // divides
        new object[] { 2, 8, 8, 3, 5 },       // does not divide: overlapping bins
        new object[] { 4, 14, 14, 7, 7 },
        new object[] { 2, 5, 3, 7, 9 },       // output larger than the input: repeated values
        new object[] { 3, 1, 1, 3, 3 },       // one input value
        new object[] { 5, 37, 41, 1, 1 },     // global: one wide bin (vector path)
        new object[] { 2, 6, 70, 2, 2 },      // wide bins of 35 columns
        new object[] { 2, 9, 100, 3, 3 },     // wide bins with tails
        new object[] { 1, 7, 7, 7, 7 },       // identity
        new object[] { 1, 1, 17, 1, 4 },
        new object[] { 6, 13, 1, 5, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AverageMatchesTorchBins(int planes, int h, int w, int oh, int ow)
    {
        var x = Reference.Random(planes * h * w, 31, -2f, 3f);
        var expected = Expected(x, planes, h, w, oh, ow, max: false);
        var y = new float[expected.Length];
        Pool2d.AdaptiveAverage(planes, h, w, oh, ow, x, y);
        for (int i = 0; i < y.Length; i++)
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"avg [{i}] = {y[i]:R}, want {expected[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MaxMatchesTorchBins(int planes, int h, int w, int oh, int ow)
    {
        var x = Reference.Random(planes * h * w, 32, -2f, 3f);
        var expected = Expected(x, planes, h, w, oh, ow, max: true);
        var y = new float[expected.Length];
        Pool2d.AdaptiveMax(planes, h, w, oh, ow, x, y);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), y);
    }

    [Theory]
    [InlineData(2, 10, 13, 7, 7)]   // narrow bins: scalar path
    [InlineData(2, 6, 70, 2, 2)]    // wide bins: vector body and scalar tail
    [InlineData(1, 37, 41, 1, 1)]
    public void MaxPropagatesNaNAndAverageToo(int planes, int h, int w, int oh, int ow)
    {
        var x = Reference.Random(planes * h * w, 33);
        // NaN at the start of the first bin, in the middle of the plane, and at the very end (a tail for wide bins).
        int[] at = { 0, h / 2 * w + w / 2, planes * h * w - 1 };
        foreach (int i in at) x[i] = float.NaN;
        var expectedMax = Expected(x, planes, h, w, oh, ow, max: true);
        var expectedAvg = Expected(x, planes, h, w, oh, ow, max: false);
        var y = new float[expectedMax.Length];
        Pool2d.AdaptiveMax(planes, h, w, oh, ow, x, y);
        for (int i = 0; i < y.Length; i++)
            Assert.True(double.IsNaN(expectedMax[i]) ? float.IsNaN(y[i]) : y[i] == (float)expectedMax[i], $"max [{i}] = {y[i]}, want {expectedMax[i]}");
        Assert.Contains(y, float.IsNaN);
        Pool2d.AdaptiveAverage(planes, h, w, oh, ow, x, y);
        for (int i = 0; i < y.Length; i++)
            Assert.Equal(double.IsNaN(expectedAvg[i]), float.IsNaN(y[i]));
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = new float[2 * 6 * 6];
        var y = new float[2 * 3 * 3];
        Assert.Throws<ArgumentException>("planes", () => Pool2d.AdaptiveAverage(0, 6, 6, 3, 3, x, y));
        Assert.Throws<ArgumentException>("inHeight", () => Pool2d.AdaptiveMax(2, 0, 6, 3, 3, x, y));
        Assert.Throws<ArgumentException>("outWidth", () => Pool2d.AdaptiveMax(2, 6, 6, 3, 0, x, y));
        Assert.Throws<ArgumentException>("input", () => Pool2d.AdaptiveMax(2, 6, 6, 3, 3, x.AsSpan(1), y));
        Assert.Throws<ArgumentException>("output", () => Pool2d.AdaptiveAverage(2, 6, 6, 3, 3, x, y.AsSpan(1)));
        Assert.Throws<ArgumentException>("output", () => Pool2d.AdaptiveAverage(2, 6, 6, 3, 3, x, x.AsSpan(10)));
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var x = Reference.Random(8 * 10 * 70, 1);
        var y = new float[8 * 7 * 7];
        foreach (bool max in new[] { false, true })
        {
            void Call()
            {
                if (max) Pool2d.AdaptiveMax(8, 10, 70, 7, 7, x, y);
                else Pool2d.AdaptiveAverage(8, 10, 70, 7, 7, x, y);
            }
            Call();
            Assert.Equal(0, Allocations.Fewest(() => { Call(); }, rounds: 3));
        }
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuAdaptivePoolThreadTests
{
    [Fact]
    public void GivesTheSameBitsOnOneTwoAndThreeThreads()
    {
        var x = Reference.Random(64 * 56 * 56, 9);
        float[] Run(bool max)
        {
            var y = new float[64 * 7 * 7];
            if (max) Pool2d.AdaptiveMax(64, 56, 56, 7, 7, x, y);
            else Pool2d.AdaptiveAverage(64, 56, 56, 7, 7, x, y);
            return y;
        }
        int saved = CpuThreads.Count;
        try
        {
            foreach (bool max in new[] { false, true })
            {
                CpuThreads.Count = 1;
                float[] one = Run(max);
                CpuThreads.Count = 2;
                Assert.Equal(one, Run(max));
                CpuThreads.Count = 3;
                Assert.Equal(one, Run(max));
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }
}
