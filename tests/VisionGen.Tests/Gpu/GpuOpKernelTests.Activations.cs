using VisionGen.Cpu;
using VisionGen.Kernels;
using VisionGen.Ops;

namespace VisionGen.Tests.Gpu;

// Every activation kind on the GPU (Activation.Apply compiled by ILGPU) against PyTorch's formulas in double.
public sealed partial class GpuOpKernelTests
{
    /// <summary>[-20, 20] in uneven steps, the places the formulas switch branch, ±0, ±large and NaN.</summary>
    private static float[] ActivationInputs()
    {
        var values = new List<float>();
        for (float v = -20f; v <= 20f; v += 0.37f) values.Add(v);
        values.AddRange(new[]
        {
            0f, -0f, 1e-3f, -1e-3f, 0.0625f, -0.0625f, 0.06249f, -0.06249f, 3f, -3f, 6f, -6f, 5.9999f, 6.0001f,
            1e-30f, -1e-30f, 1e30f, -1e30f, 3e38f, -3e38f, float.NaN,
        });
        return values.ToArray();
    }

    public static TheoryData<ActivationKind> ActivationKinds()
    {
        var data = new TheoryData<ActivationKind>();
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>()) data.Add(kind);
        return data;
    }

    private static Activation Of(ActivationKind kind) => kind == ActivationKind.LeakyRelu ? Activation.LeakyRelu(0.1f) : new Activation(kind);

    [Theory]
    [MemberData(nameof(ActivationKinds))]
    public void ActivateMatchesDoubleFormula(ActivationKind kind)
    {
        var act = Of(kind);
        var x = ActivationInputs();
        var expected = x.Select(v => ActivationReference.Apply(act, v)).ToArray();
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(x.Length);
        K.Activate(gx.View, act, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, x.Length), $"Activate {act}");
        K.Activate(gx.View, act, gx.View); // in place
        ActivationReference.AssertEach(expected, _gpu.Download(gx, x.Length), $"Activate {act} in place");
    }

    /// <summary>
    /// A 1×1 convolution of one channel with weight 1 and no bias hands each input value unchanged to the epilogue, so
    /// every convolution kernel's output is the activation of the input.
    /// </summary>
    [Theory]
    [MemberData(nameof(ActivationKinds))]
    public void Conv2dEpilogueMatchesDoubleFormula(ActivationKind kind)
    {
        var act = Of(kind);
        var x = ActivationInputs();
        var expected = x.Select(v => ActivationReference.Apply(act, v)).ToArray();
        var shape = new Conv2dShape(1, 1, x.Length, 1, 1, x.Length, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(new[] { 1f });
        using var gy = _gpu.Alloc(x.Length);
        foreach (var algorithm in new[] { ConvAlgorithm.Direct, ConvAlgorithm.Depthwise, ConvAlgorithm.ImplicitGemm })
        {
            K.Conv2d(shape, gx.View, gw.View, default, default, act, gy.View, 1, algorithm);
            ActivationReference.AssertEach(expected, _gpu.Download(gy, x.Length), $"Conv2d {algorithm} epilogue {act}");
        }
    }

    /// <summary>
    /// The other fused epilogues, each fed values that reach the activation unchanged: a + 0, x·1 + 0, a 1-input
    /// linear layer whose weights are the values, and a broadcast multiply by 1.
    /// </summary>
    [Theory]
    [MemberData(nameof(ActivationKinds))]
    public void OtherEpiloguesMatchDoubleFormula(ActivationKind kind)
    {
        var act = Of(kind);
        var x = ActivationInputs();
        int n = x.Length;
        var expected = x.Select(v => ActivationReference.Apply(act, v)).ToArray();
        using var gx = _gpu.Upload(x);
        using var zeros = _gpu.Upload(new float[n]);
        using var one = _gpu.Upload(new[] { 1f });
        using var gy = _gpu.Alloc(n);

        K.Add(gx.View, zeros.View, act, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, n), $"Add {act}");

        K.ScaleShift(1, n, gx.View, one.View, zeros.View, default, act, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, n), $"ScaleShift {act}");

        K.Linear(1, n, one.View, gx.View, default, act, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, n), $"Linear {act}");

        K.Binary(BinaryOp.Mul, gx.View, new TensorDims(n), one.View, new TensorDims(1), act, gy.View, new TensorDims(n));
        ActivationReference.AssertEach(expected, _gpu.Download(gy, n), $"Binary {act}");
    }

    [Fact]
    public void AddAndActivateRejectBadLengthsAndOverlap()
    {
        using var x = _gpu.Alloc(32);
        Assert.Throws<ArgumentException>(() => K.Add(x.View.SubView(0, 8), x.View.SubView(8, 7), Activation.None, x.View.SubView(16, 8)));
        Assert.Throws<ArgumentException>(() => K.Add(x.View.SubView(0, 8), x.View.SubView(8, 8), Activation.None, x.View.SubView(16, 7)));
        Assert.Throws<ArgumentException>(() => K.Add(x.View.SubView(0, 8), x.View.SubView(8, 8), Activation.None, x.View.SubView(4, 8)));
        Assert.Throws<ArgumentException>(() => K.Activate(x.View.SubView(0, 8), Activation.Relu, x.View.SubView(1, 8)));
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Activate(x.View.SubView(0, 8), new Activation((ActivationKind)99), x.View.SubView(8, 8)));
    }
}
