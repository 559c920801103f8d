using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuElementwiseTests
{
    [Theory]
    [InlineData(3, 7, false, 0)]
    [InlineData(5, 49, true, 1)]
    [InlineData(17, 100, true, 2)]
    [InlineData(2, 3136, false, 1)]
    public void ScaleShiftMatchesReference(int c, int spatial, bool hasResidual, int act)
    {
        var x = Reference.Random(c * spatial, 41, -8f, 8f);
        var scale = Reference.Random(c, 42);
        var shift = Reference.Random(c, 43);
        var res = hasResidual ? Reference.Random(c * spatial, 44) : null;
        var expected = Expected(x, scale, shift, res, spatial, act);

        var y = new float[x.Length];
        Elementwise.ScaleShift(c, spatial, x, scale, shift, res, new Activation((VisionGen.Ops.ActivationKind)act), y);
        Reference.AssertClose(expected, y, "scale-shift");

        var inPlace = (float[])x.Clone();
        Elementwise.ScaleShift(c, spatial, inPlace, scale, shift, res, new Activation((VisionGen.Ops.ActivationKind)act), inPlace);
        Reference.AssertClose(expected, inPlace, "scale-shift in place");

        if (res != null)
        {
            var intoResidual = (float[])res.Clone();
            Elementwise.ScaleShift(c, spatial, x, scale, shift, intoResidual, new Activation((VisionGen.Ops.ActivationKind)act), intoResidual);
            Reference.AssertClose(expected, intoResidual, "scale-shift into residual");
        }
    }

    private static double[] Expected(float[] x, float[] scale, float[] shift, float[]? res, int spatial, int act)
    {
        var e = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / spatial;
            e[i] = Reference.Act((double)x[i] * scale[ch] + shift[ch] + (res?[i] ?? 0), act);
        }
        return e;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(15, 1)]
    [InlineData(33, 2)]
    [InlineData(1000, 1)]
    public void AddAndActivateMatchReference(int n, int act)
    {
        var a = Reference.Random(n, 51, -8f, 8f);
        var b = Reference.Random(n, 52, -8f, 8f);
        var sum = new double[n];
        var activated = new double[n];
        for (int i = 0; i < n; i++)
        {
            sum[i] = Reference.Act((double)a[i] + b[i], act);
            activated[i] = Reference.Act(a[i], act);
        }

        var y = new float[n];
        Elementwise.Add(a, b, new Activation((VisionGen.Ops.ActivationKind)act), y);
        Reference.AssertClose(sum, y, "add");
        var inPlaceA = (float[])a.Clone();
        Elementwise.Add(inPlaceA, b, new Activation((VisionGen.Ops.ActivationKind)act), inPlaceA);
        Reference.AssertClose(sum, inPlaceA, "add in place (a)");
        var inPlaceB = (float[])b.Clone();
        Elementwise.Add(a, inPlaceB, new Activation((VisionGen.Ops.ActivationKind)act), inPlaceB);
        Reference.AssertClose(sum, inPlaceB, "add in place (b)");

        Elementwise.Activate(a, new Activation((VisionGen.Ops.ActivationKind)act), y);
        Reference.AssertClose(activated, y, "activate");
        var inPlace = (float[])a.Clone();
        Elementwise.Activate(inPlace, new Activation((VisionGen.Ops.ActivationKind)act), inPlace);
        Reference.AssertClose(activated, inPlace, "activate in place");
    }

    [Fact]
    public void ReluKeepsNaNAndRelu6Clamps()
    {
        var x = new float[40];
        for (int i = 0; i < x.Length; i++) x[i] = i - 20;
        x[3] = float.NaN; x[35] = float.NaN;
        var y = new float[40];
        Elementwise.Activate(x, Activation.Relu6, y);
        Assert.True(float.IsNaN(y[3]) && float.IsNaN(y[35]));
        Assert.Equal(0f, y[0]);
        Assert.Equal(6f, y[39]);
        Assert.Equal(5f, y[25]);
    }

    [Fact]
    public void RejectsPartialOverlapAndShortSpans()
    {
        var buf = new float[40];
        Assert.Throws<ArgumentException>(() => Elementwise.Activate(buf.AsSpan(0, 32), Activation.Relu, buf.AsSpan(1, 32)));
        Assert.Throws<ArgumentException>(() => Elementwise.Add(buf.AsSpan(0, 32), new float[32], Activation.None, buf.AsSpan(4, 32)));
        Assert.Throws<ArgumentException>(() => Elementwise.Add(new float[4], new float[5], Activation.None, new float[5]));
        Assert.Throws<ArgumentException>(() => Elementwise.ScaleShift(2, 16, buf.AsSpan(0, 32), new float[2], new float[2], default, Activation.None, buf.AsSpan(2, 32)));
        Assert.Throws<ArgumentException>(() => Elementwise.ScaleShift(2, 16, new float[32], new float[1], new float[2], default, Activation.None, new float[32]));
    }
}
