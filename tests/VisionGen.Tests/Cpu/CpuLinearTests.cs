using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuLinearTests
{
    [Theory]
    [InlineData(1, 1, true, 0)]
    [InlineData(3, 5, false, 1)]
    [InlineData(17, 33, true, 2)]
    [InlineData(100, 7, true, 1)]
    [InlineData(257, 10, false, 0)]
    [InlineData(512, 1000, true, 0)]
    [InlineData(1280, 1002, true, 1)] // split across threads where there are several, the last part with the rows past the groups of four
    public void MatchesReference(int nIn, int nOut, bool hasBias, int act)
    {
        var x = Reference.Random(nIn, 31);
        var wt = Reference.Random(nIn * nOut, 32);
        var bias = hasBias ? Reference.Random(nOut, 33) : null;
        var expected = new double[nOut];
        for (int o = 0; o < nOut; o++)
        {
            double s = bias?[o] ?? 0;
            for (int i = 0; i < nIn; i++) s += (double)wt[o * nIn + i] * x[i];
            expected[o] = Reference.Act(s, act);
        }
        var y = new float[nOut];
        Linear.Forward(nIn, nOut, x, wt, bias, new Activation((VisionGen.Ops.ActivationKind)act), y);
        Reference.AssertClose(expected, y, $"linear {nIn}->{nOut}");
    }

    [Fact]
    public void RejectsShortSpans()
    {
        Assert.Throws<ArgumentException>(() => Linear.Forward(4, 2, new float[3], new float[8], default, Activation.None, new float[2]));
        Assert.Throws<ArgumentException>(() => Linear.Forward(4, 2, new float[4], new float[7], default, Activation.None, new float[2]));
        Assert.Throws<ArgumentException>(() => Linear.Forward(4, 2, new float[4], new float[8], new float[1], Activation.None, new float[2]));
        Assert.Throws<ArgumentException>(() => Linear.Forward(4, 2, new float[4], new float[8], default, Activation.None, new float[1]));
    }
}
