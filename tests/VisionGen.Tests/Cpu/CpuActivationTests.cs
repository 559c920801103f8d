using System.Runtime.Intrinsics;
using VisionGen.Cpu;
using VisionGen.Ops;
using Xunit.Abstractions;

namespace VisionGen.Tests.Cpu;

public class CpuActivationTests(ITestOutputHelper log)
{
    public static readonly Activation[] All = ActivationReference.All.ToArray();

    public static IEnumerable<object[]> Kinds => All.Select(a => new object[] { a.Kind, a.Alpha });

    /// <summary>
    /// [−20, 20] in steps of ~0.0137 (no two lanes alike), the formulas' switch points, ±0, tiny, large and extreme
    /// finite values; <see cref="Special"/> adds ±∞ and NaN.
    /// </summary>
    private static float[] Finite()
    {
        var list = new List<float>();
        for (int i = 0; i <= 2900; i++) list.Add(-20f + 40f * i / 2900f);
        list.AddRange(new[]
        {
            0f, -0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 0.0625f, -0.0625f, 0.06249f, -0.06251f, 3f, -3f, 6f, -6f,
            30f, -30f, 50f, -50f, 87f, -87f, 88f, -88f, 100f, -100f, 1e4f, -1e4f, 1e30f, -1e30f, float.MaxValue, float.MinValue,
        });
        return list.ToArray();
    }

    private static readonly float[] Special = { float.PositiveInfinity, float.NegativeInfinity, float.NaN, -float.NaN };

    private static void AssertActivated(Activation a, ReadOnlySpan<float> x, ReadOnlySpan<float> y, bool againstDouble, string what)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float scalar = a.Apply(x[i]);
            Assert.True(float.IsNaN(scalar) == float.IsNaN(y[i]),
                $"{what} {a}({x[i]:R}) at {i}: kernel {y[i]:R}, Activation.Apply {scalar:R}");
            if (float.IsNaN(scalar)) continue;
            if (float.IsInfinity(scalar) || float.IsInfinity(y[i]))
            {
                Assert.True(scalar == y[i], $"{what} {a}({x[i]:R}): kernel {y[i]:R}, Activation.Apply {scalar:R}");
                continue;
            }
            double tolScalar = 1e-6 * Math.Max(1, Math.Abs(scalar));
            Assert.True(Math.Abs((double)y[i] - scalar) <= tolScalar,
                $"{what} {a}({x[i]:R}) at {i}: kernel {y[i]:R}, Activation.Apply {scalar:R} (|diff| {Math.Abs((double)y[i] - scalar):G3} > {tolScalar:G3})");
            if (!againstDouble) continue;
            double exact = ActivationReference.Apply(a, x[i]);
            double tol = 2e-6 * Math.Max(1, Math.Abs(exact));
            Assert.True(Math.Abs(y[i] - exact) <= tol,
                $"{what} {a}({x[i]:R}) at {i}: kernel {y[i]:R}, double formula {exact:R} (|diff| {Math.Abs(y[i] - exact):G3} > {tol:G3})");
            // The scalar formula itself meets the same bound (it is what scalar tails and the GPU compute).
            Assert.True(Math.Abs(scalar - exact) <= tol, $"{what} Activation.Apply {a}({x[i]:R}) = {scalar:R}, double formula {exact:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void VectorFormulaMatchesScalarAndDoubleOverTheRange(ActivationKind kind, float alpha)
    {
        var a = new Activation(kind, alpha);
        float[] x = Finite();
        var y = new float[x.Length];
        Elementwise.Activate(x, a, y);
        AssertActivated(a, x, y, againstDouble: true, "finite");

        // ±∞ and NaN in every lane position: they must agree with the scalar formula (NaN stays NaN).
        var special = new float[64];
        for (int i = 0; i < special.Length; i++) special[i] = Special[i % Special.Length];
        var ys = new float[special.Length];
        Elementwise.Activate(special, a, ys);
        AssertActivated(a, special, ys, againstDouble: false, "special");
        for (int i = 0; i < special.Length; i++)
            if (float.IsNaN(special[i])) Assert.True(float.IsNaN(ys[i]), $"{a}(NaN) = {ys[i]}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void VectorBodyAndScalarTailAgreeForEveryLength(ActivationKind kind, float alpha)
    {
        var a = new Activation(kind, alpha);
        foreach (int n in new[] { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 67 })
        {
            var x = Reference.Random(n, 100 + n, -9f, 9f);
            x[n / 2] = float.NaN;
            if (n > 2) x[n - 1] = -0f;
            var y = new float[n];
            Elementwise.Activate(x, a, y);
            AssertActivated(a, x, y, againstDouble: true, $"n={n}");
            var inPlace = (float[])x.Clone();
            Elementwise.Activate(inPlace, a, inPlace);
            Assert.Equal(y, inPlace);
        }
    }

    [Fact]
    public void VectorExpHasRelativeErrorNearOneUlpAtEveryWidth()
    {
        var x = new List<float>();
        for (int i = 0; i <= 20000; i++) x.Add(-87f + 175f * i / 20000f);
        x.AddRange(new[] { 0f, -0f, 1e-8f, -1e-8f, 0.34657f, -0.34657f, 88.3f, -87.33f });
        float[] xs = x.ToArray();
        double worst = 0;
        worst = Math.Max(worst, CheckExp<Vector128<float>, Simd128>(xs));
        if (Vector256.IsHardwareAccelerated) worst = Math.Max(worst, CheckExp<Vector256<float>, Simd256>(xs));
        if (Vector512.IsHardwareAccelerated) worst = Math.Max(worst, CheckExp<Vector512<float>, Simd512>(xs));
        Assert.True(worst <= 2.5e-7, $"worst relative error {worst:G3}");
        log.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}: worst relative error of Exp {worst:G3}");

        // Ends: NaN stays NaN, far below the range is 0, far above is +∞.
        float[] ends = { float.NaN, -100f, -1e30f, float.NegativeInfinity, 100f, 1e30f, float.PositiveInfinity, 0f };
        float[] got = ExpOf<Vector256<float>, Simd256>(ends, Vector256.IsHardwareAccelerated);
        Assert.True(float.IsNaN(got[0]));
        Assert.Equal(new[] { 0f, 0f, 0f }, got[1..4]);
        Assert.Equal(new[] { float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity }, got[4..7]);
        Assert.Equal(1f, got[7]);
    }

    private static double CheckExp<TV, TS>(float[] xs) where TV : struct where TS : struct, ISimd<TV>
    {
        float[] y = ExpOf<TV, TS>(xs, true);
        double worst = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double exact = Math.Exp(xs[i]);
            double rel = Math.Abs(y[i] - exact) / exact;
            Assert.True(rel <= 2.5e-7, $"Exp<{typeof(TV).Name}>({xs[i]:R}) = {y[i]:R}, want {exact:R} (relative error {rel:G3})");
            worst = Math.Max(worst, rel);
        }
        return worst;
    }

    private static unsafe float[] ExpOf<TV, TS>(float[] xs, bool accelerated) where TV : struct where TS : struct, ISimd<TV>
    {
        if (!accelerated) return ExpOf<Vector128<float>, Simd128>(xs, true);
        int v = TS.Count;
        var padded = new float[(xs.Length + v - 1) / v * v];
        xs.CopyTo(padded, 0);
        var y = new float[padded.Length];
        fixed (float* px = padded) fixed (float* py = y)
            for (int i = 0; i < padded.Length; i += v) TS.Store(py + i, SimdOps.Exp<TV, TS>(TS.Load(px + i)));
        return y[..xs.Length];
    }

    [Theory]
    [InlineData(ActivationKind.Silu, 0f)]
    [InlineData(ActivationKind.Gelu, 0f)]
    [InlineData(ActivationKind.LeakyRelu, 0.1f)]
    [InlineData(ActivationKind.Hardswish, 0f)]
    [InlineData(ActivationKind.GeluTanh, 0f)]
    [InlineData(ActivationKind.Sigmoid, 0f)]
    [InlineData(ActivationKind.Tanh, 0f)]
    [InlineData(ActivationKind.Hardsigmoid, 0f)]
    public void ConvolutionEpilogueAppliesTheActivation(ActivationKind kind, float alpha)
    {
        var a = new Activation(kind, alpha);
        // General (implicit GEMM), pointwise, depthwise and Winograd convolutions: four different epilogues.
        var shapes = new[]
        {
            (ic: 5, oc: 7, h: 9, w: 19, k: 3, stride: 1, pad: 1, groups: 1),
            (ic: 6, oc: 9, h: 5, w: 13, k: 1, stride: 1, pad: 0, groups: 3),
            (ic: 8, oc: 8, h: 11, w: 37, k: 3, stride: 2, pad: 1, groups: 8),
            (ic: 16, oc: 32, h: 9, w: 10, k: 3, stride: 1, pad: 1, groups: 1),
        };
        foreach (var (ic, oc, h, w, k, stride, pad, groups) in shapes)
        {
            int oh = Reference.OutSize(h, k, stride, pad, 1), ow = Reference.OutSize(w, k, stride, pad, 1);
            var s = new Conv2dShape(ic, h, w, oc, oh, ow, k, k, stride, stride, pad, pad, 1, 1, groups);
            var x = Reference.Random(s.InputLength, 7, -3f, 3f);
            var weight = Reference.Random(s.WeightLength, 8);
            var bias = Reference.Random(oc, 9);
            var expected = Reference.Conv2d(x, ic, h, w, weight, bias, null, oc, k, k, stride, pad, 1, groups, 0, out _, out _);
            for (int i = 0; i < expected.Length; i++) expected[i] = ActivationReference.Apply(a, expected[i]);

            var packed = new float[Conv2d.PackedWeightLength(s)];
            Conv2d.PackWeights(s, weight, packed);
            var y = new float[s.OutputLength];
            Conv2d.Forward(s, x, packed, bias, default, a, y, new float[s.ScratchLength]);
            Reference.AssertClose(expected, y, $"conv {s} {a}");
        }
    }

    [Theory]
    [InlineData(ActivationKind.Silu, 0f)]
    [InlineData(ActivationKind.Gelu, 0f)]
    [InlineData(ActivationKind.LeakyRelu, 0.1f)]
    [InlineData(ActivationKind.GeluTanh, 0f)]
    public void GemmEpilogueAppliesTheActivation(ActivationKind kind, float alpha)
    {
        var a = new Activation(kind, alpha);
        foreach (var (m, n, k) in new[] { (7, 37, 19), (13, 70, 5), (1, 1, 3) })
        {
            var am = Reference.Random(m * k, 11, -2f, 2f);
            var bm = Reference.Random(k * n, 12, -2f, 2f);
            var bias = Reference.Random(m, 13);
            var expected = Reference.Gemm(m, n, k, am, bm, bias, null, 0);
            for (int i = 0; i < expected.Length; i++) expected[i] = ActivationReference.Apply(a, expected[i]);
            var c = new float[m * n];
            Gemm.Multiply(m, n, k, am, bm, c, bias, default, a);
            Reference.AssertClose(expected, c, $"gemm {m}x{n}x{k} {a}");
        }
    }

    [Fact]
    public void ActivatingAllocatesNothing()
    {
        var x = Reference.Random(1000, 1, -5f, 5f);
        var y = new float[1000];
        foreach (Activation a in All)
        {
            Elementwise.Activate(x, a, y);
            Assert.Equal(0, Allocations.Fewest(() => { Elementwise.Activate(x, a, y); }, rounds: 3));
        }
    }
}
