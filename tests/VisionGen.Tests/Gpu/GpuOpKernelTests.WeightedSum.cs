using VisionGen.Cpu;
using VisionGen.Ops;
using Ref = VisionGen.Tests.Cpu.Reference;

namespace VisionGen.Tests.Gpu;

// BiFPN's fast normalized fusion (a weighted sum of two or three tensors) against a naive sum in double.
public sealed partial class GpuOpKernelTests
{
    [Theory]
    [InlineData(1, 2, ActivationKind.None)]
    [InlineData(37, 3, ActivationKind.Silu)]
    [InlineData(1000, 2, ActivationKind.Silu)]
    [InlineData(4099, 3, ActivationKind.Relu)]
    public void WeightedSumMatchesNaiveSum(int n, int inputs, ActivationKind kind)
    {
        float[] a = Ref.Random(n, 71, -4f, 4f), b = Ref.Random(n, 72, -4f, 4f), c = Ref.Random(n, 73, -4f, 4f);
        float[] w = inputs == 3 ? new[] { 0.25f, 0.6f, 0.1499f } : new[] { 0.7f, 0.2999f };
        var act = new Activation(kind);
        var expected = new double[n];
        for (int i = 0; i < n; i++)
            expected[i] = ActivationReference.Apply(act, (double)w[0] * a[i] + (double)w[1] * b[i] + (inputs == 3 ? (double)w[2] * c[i] : 0));

        using var ga = _gpu.Upload(a);
        using var gb = _gpu.Upload(b);
        using var gc = _gpu.Upload(c);
        using var gw = _gpu.Upload(w);
        using var gy = _gpu.Alloc(n);
        K.WeightedSum(ga.View, gb.View, inputs == 3 ? gc.View : default, gw.View, act, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, n), $"GPU weighted sum of {inputs}, n={n}, {kind}");

        // In place: the output may be exactly an input.
        K.WeightedSum(ga.View, gb.View, inputs == 3 ? gc.View : default, gw.View, act, ga.View);
        ActivationReference.AssertEach(expected, _gpu.Download(ga, n), $"GPU weighted sum of {inputs} into a");
    }

    [Fact]
    public void WeightedSumRejectsBadArguments()
    {
        using var x = _gpu.Alloc(32);
        using var w2 = _gpu.Upload(new[] { 0.5f, 0.5f });
        using var w3 = _gpu.Upload(new[] { 0.3f, 0.3f, 0.3f });
        Assert.Throws<ArgumentException>(() => K.WeightedSum(x.View.SubView(0, 16), x.View.SubView(0, 15), default, w2.View, Activation.None, x.View.SubView(16, 16)));
        Assert.Throws<ArgumentException>(() => K.WeightedSum(x.View.SubView(0, 8), x.View.SubView(8, 8), default, w3.View, Activation.None, x.View.SubView(16, 8)));
        Assert.Throws<ArgumentException>(() => K.WeightedSum(x.View.SubView(0, 8), x.View.SubView(8, 8), default, w2.View, Activation.None, x.View.SubView(1, 8)));
    }
}
