using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuGemmTests
{
    private static readonly int[] Sizes = { 1, 3, 17, 64, 100, 257 };

    public static TheoryData<int, int, int, bool, bool, int> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool, int>();
        int i = 0;
        foreach (int m in Sizes)
        foreach (int n in Sizes)
        {
            int k = Sizes[(i * 5 + 1) % Sizes.Length]; // k walks the table too
            data.Add(m, n, k, i % 2 == 0, i % 3 == 0, i % 3);
            i++;
        }
        data.Add(7, 600, 300, true, true, 1);  // several n- and k-blocks
        data.Add(13, 33, 600, false, true, 2);
        data.Add(257, 257, 257, true, false, 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(int m, int n, int k, bool hasBias, bool hasResidual, int act)
    {
        var a = Reference.Random(m * k, 10);
        var b = Reference.Random(k * n, 11);
        var bias = hasBias ? Reference.Random(m, 12) : null;
        var res = hasResidual ? Reference.Random(m * n, 13) : null;
        var c = new float[m * n];
        Array.Fill(c, float.NaN);
        Gemm.Multiply(m, n, k, a, b, c, bias, res, new Activation((VisionGen.Ops.ActivationKind)act));
        Reference.AssertClose(Reference.Gemm(m, n, k, a, b, bias, res, act), c, $"gemm {m}x{n}x{k}");
    }

    /// <summary>
    /// The activations the GEMM applies in its stores (None, ReLU, ReLU6, LeakyReLU) must leave ±∞ and NaN as torch does,
    /// and one that calls out (SiLU, applied to each block of C afterwards) must see the stores' values unclamped.
    /// C = ones(m×1)·b makes every row of C the values of b, in every tile shape: full 6-row tiles, the last partial one,
    /// and column tails of 1 to 31.
    /// </summary>
    [Theory]
    [InlineData(VisionGen.Ops.ActivationKind.None)]
    [InlineData(VisionGen.Ops.ActivationKind.Relu)]
    [InlineData(VisionGen.Ops.ActivationKind.Relu6)]
    [InlineData(VisionGen.Ops.ActivationKind.Silu)]
    [InlineData(VisionGen.Ops.ActivationKind.LeakyRelu)]
    public void StoresKeepInfinitiesAndNaN(VisionGen.Ops.ActivationKind kind)
    {
        var act = kind == VisionGen.Ops.ActivationKind.LeakyRelu ? Activation.LeakyRelu(0.1f) : new Activation(kind);
        bool finiteOnly = kind == VisionGen.Ops.ActivationKind.Silu; // SiLU(−∞) is −∞·0 in the double formula
        float[] values = finiteOnly
            ? new[] { -7f, -6f, -1e-3f, 0f, 1e-3f, 5.999f, 6f, 6.001f, 1e30f, -1e30f, 3.5f }
            : new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -7f, -6f, -1e-3f, 0f, 1e-3f, 5.999f, 6f, 6.001f, 1e30f, -1e30f, float.MaxValue, float.MinValue };
        const int m = 13;
        foreach (int n in new[] { 1, 5, 16, 17, 31, 32, 33, 49, 67, 100 })
        {
            var b = new float[n];
            for (int j = 0; j < n; j++) b[j] = values[(j * 7 + n) % values.Length];
            var a = new float[m];
            Array.Fill(a, 1f);
            var c = new float[m * n];
            Array.Fill(c, 12345f);
            Gemm.Multiply(m, n, 1, a, b, c, default, default, act);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double want = ActivationReference.Apply(act, b[j]);
                    float got = c[i * n + j];
                    string at = $"{act}({b[j]:R}) at row {i}, column {j} of {n}: got {got:R}, want {want:R}";
                    if (double.IsNaN(want)) Assert.True(float.IsNaN(got), at);
                    else if (double.IsInfinity(want)) Assert.True(got == want, at);
                    else Assert.True(Math.Abs(got - want) <= 2e-6 * Math.Max(1, Math.Abs(want)), at);
                }
        }
    }

    [Fact]
    public void ZeroDepthGivesEpilogueOfZero()
    {
        var bias = new float[] { 1.5f, -2f };
        var res = new float[] { 1, 2, 3, -4, 5, 6 };
        var c = new float[6];
        Gemm.Multiply(2, 3, 0, default, default, c, bias, res, Activation.Relu);
        Assert.Equal(new float[] { 2.5f, 3.5f, 4.5f, 0f, 3f, 4f }, c);
    }

    [Fact]
    public void RejectsShortSpans()
    {
        var a = new float[12]; var b = new float[12]; var c = new float[9];
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(3, 3, 4, a.AsSpan(1), b, c, default, default, Activation.None));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(3, 3, 4, a, b.AsSpan(1), c, default, default, Activation.None));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(3, 3, 4, a, b, c.AsSpan(1), default, default, Activation.None));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(3, 3, 4, a, b, c, new float[2], default, Activation.None));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(3, 3, 4, a, b, c, default, new float[8], Activation.None));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(-1, 3, 4, a, b, c, default, default, Activation.None));
    }
}
