using System.Runtime.Intrinsics;
using VisionGen.Cpu;
using Xunit.Abstractions;

namespace VisionGen.Tests.Cpu;

/// <summary>
/// Winograd F(4×4, 3×3) against the naive double-precision convolution, at every SIMD width: each case runs through
/// <see cref="Conv2d.Forward"/> (the width this process runs at: .ci/run repeats this class with AVX-512 and AVX2
/// switched off) and through the kernel at 512, 256 and 128 bits directly (each width the processor accelerates).
/// </summary>
public class CpuWinogradTests(ITestOutputHelper log)
{
    // ic, oc, h, w, pad, bias, residual, activation (index into ActivationReference.All)
    private static readonly int[][] Table =
    {
        new[] { 16, 16, 1, 1, 1, 1, 1, 1 },     // one output: a single tile, almost all padding
        new[] { 16, 16, 3, 3, 0, 0, 0, 2 },     // one output, unpadded
        new[] { 16, 32, 1, 9, 1, 1, 1, 3 },     // one output row, width 9
        new[] { 32, 16, 9, 1, 1, 0, 1, 4 },     // one output column
        new[] { 48, 16, 3, 12, 0, 1, 0, 5 },    // one row unpadded, width 10
        new[] { 16, 32, 5, 2, 1, 1, 1, 6 },     // width 2
        new[] { 32, 16, 4, 4, 1, 0, 1, 7 },     // exactly one tile
        new[] { 16, 48, 5, 5, 1, 1, 1, 8 },     // one tile and one row/column more
        new[] { 32, 32, 6, 6, 1, 1, 0, 9 },     // 6×6: partial second tiles
        new[] { 48, 48, 7, 7, 1, 1, 1, 10 },    // 7×7 (ResNet layer4's size)
        new[] { 16, 32, 8, 8, 1, 0, 1, 11 },    // whole tiles only
        new[] { 32, 48, 11, 13, 1, 1, 1, 12 },  // odd sizes, 48 outputs (1.5 512-bit panels)
        new[] { 48, 32, 2, 17, 1, 1, 1, 0 },    // width 17: a second column block of every width
        new[] { 16, 16, 4, 33, 1, 0, 0, 1 },    // width 33
        new[] { 32, 16, 13, 3, 1, 1, 1, 2 },    // width 3, tall
        new[] { 16, 48, 10, 35, 2, 1, 1, 3 },   // padding 2: 12×37
        new[] { 48, 48, 15, 20, 0, 1, 1, 4 },   // unpadded 13×18
        new[] { 32, 32, 3, 70, 1, 1, 1, 1 },    // wide rows
    };

    public static IEnumerable<object[]> Shapes => Table.Select(r => new object[] { r[0], r[1], r[2], r[3], r[4], r[5] != 0, r[6] != 0, r[7] });

    public static IEnumerable<object[]> Activations => Enumerable.Range(0, ActivationReference.All.Count()).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesDoubleReference(int ic, int oc, int h, int w, int pad, bool hasBias, bool hasResidual, int activation)
        => Check(ic, oc, h, w, pad, hasBias, hasResidual, ActivationReference.All.ElementAt(activation));

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationWithResidual(int activation)
        => Check(32, 48, 9, 11, 1, hasBias: true, hasResidual: true, ActivationReference.All.ElementAt(activation));

    [Fact]
    public void RunsWheneverSimdIsInHardware()
    {
        log.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}");
        var s = new Conv2dShape(16, 8, 8, 32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(Vector128.IsHardwareAccelerated ? Conv2dAlgorithm.Winograd : Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(s));
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(s with { DilationHeight = 2, DilationWidth = 2, OutHeight = 6, OutWidth = 6 }));
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(s with { InChannels = 24 }));
        // The weight's panels are two vectors of this process's width wide: 32, 16 or 8 output channels, padded.
        int lanes = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
        if (Vector128.IsHardwareAccelerated)
            Assert.Equal(36 * 16 * RoundUp(48, 2 * lanes), Conv2d.PackedWeightLength(s with { OutChannels = 48 }));
    }

    [Fact]
    public void AllocatesNothing()
    {
        var s = new Conv2dShape(32, 13, 11, 48, 13, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        var x = Reference.Random(s.InputLength, 1);
        var wt = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, Reference.Random(s.WeightLength, 2), wt);
        var bias = Reference.Random(s.OutChannels, 3);
        var res = Reference.Random(s.OutputLength, 4);
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        for (int i = 0; i < 3; i++) Conv2d.Forward(s, x, wt, bias, res, Activation.Silu, y, scratch);
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 10; i++) Conv2d.Forward(s, x, wt, bias, res, Activation.Silu, y, scratch); }, rounds: 3));
    }

    private static int RoundUp(int n, int step) => (n + step - 1) / step * step;

    private void Check(int ic, int oc, int h, int w, int pad, bool hasBias, bool hasResidual, Activation activation)
    {
        int oh = h + 2 * pad - 2, ow = w + 2 * pad - 2;
        var s = new Conv2dShape(ic, h, w, oc, oh, ow, 3, 3, 1, 1, pad, pad, 1, 1, 1);
        var x = Reference.Random(s.InputLength, 11, -2f, 2f);
        var weight = Reference.Random(s.WeightLength, 12, -0.5f, 0.5f);
        var bias = hasBias ? Reference.Random(oc, 13) : null;
        var residual = hasResidual ? Reference.Random(s.OutputLength, 14) : null;
        var expected = Reference.Conv2d(x, ic, h, w, weight, bias, residual, oc, 3, 3, 1, pad, 1, 1, 0, out _, out _);
        for (int i = 0; i < expected.Length; i++) expected[i] = ActivationReference.Apply(activation, expected[i]);
        string what = $"{s} {activation}";

        // The public path, at this process's width.
        Assert.Equal(Vector128.IsHardwareAccelerated ? Conv2dAlgorithm.Winograd : Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(s));
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, weight, packed);
        Reference.AssertClose(expected, Run(s, (y, scratch) =>
            Conv2d.Forward(s, x, packed, bias, residual, activation, y, scratch)), what);

        // Each accelerated width directly, its weight packed for it.
        int widths = 0;
        if (Vector512.IsHardwareAccelerated) { CheckWidth<Vector512<float>, Simd512>(s, x, weight, bias, residual, activation, expected, what); widths++; }
        if (Vector256.IsHardwareAccelerated) { CheckWidth<Vector256<float>, Simd256>(s, x, weight, bias, residual, activation, expected, what); widths++; }
        if (Vector128.IsHardwareAccelerated) { CheckWidth<Vector128<float>, Simd128>(s, x, weight, bias, residual, activation, expected, what); widths++; }
        log.WriteLine($"{what}: {widths} widths checked");
    }

    private static unsafe void CheckWidth<TV, TS>(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[]? residual,
        Activation activation, double[] expected, string what)
        where TV : unmanaged where TS : struct, ISimd<TV>
    {
        var packed = new float[Winograd.PackedWeightLength(s, TS.Count)];
        Winograd.PackWeights(s, weight, packed, TS.Count);
        float[] result = Run(s, (y, scratch) =>
        {
            fixed (float* px = x) fixed (float* pw = packed) fixed (float* pb = bias) fixed (float* pr = residual)
            fixed (float* py = y) fixed (float* ps = scratch)
                Winograd.Forward<TV, TS>(s, px, pw, pb, pr, activation, py, ps);
        });
        Reference.AssertClose(expected, result, $"{what} at {TS.Count * 32} bits");
    }

    /// <summary>
    /// The load-time weight transform, element by element: U = G·g·Gᵀ for every (cout, cin) filter, computed here in double
    /// from F(4×4, 3×3)'s G (Lavin and Gray), at [ξ][cout / P][cin][cout % P] with P = 2 × lanes, and zero in the panel
    /// columns past OutChannels — for each width, into a NaN-filled array (loading packs into arrays the runtime does not
    /// zero, so every float must be written). 48 and 80 output channels leave channels for the one-at-a-time path.
    /// </summary>
    [Theory]
    [InlineData(16, 16)]
    [InlineData(32, 48)]
    [InlineData(16, 80)]
    [InlineData(48, 64)]
    public void WeightTransformIsGgGtInPanels(int ic, int oc)
    {
        double[,] g = { { 0.25, 0, 0 }, { -1 / 6.0, -1 / 6.0, -1 / 6.0 }, { -1 / 6.0, 1 / 6.0, -1 / 6.0 },
                        { 1 / 24.0, 1 / 12.0, 1 / 6.0 }, { 1 / 24.0, -1 / 12.0, 1 / 6.0 }, { 0, 0, 1 } };
        var s = new Conv2dShape(ic, 6, 6, oc, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        float[] weight = Reference.Random(s.WeightLength, 21);
        foreach (int lanes in new[] { 4, 8, 16 })
        {
            int p = 2 * lanes, panels = (oc + p - 1) / p;
            var packed = new float[Winograd.PackedWeightLength(s, lanes)];
            Assert.Equal(36 * panels * p * ic, packed.Length);
            Array.Fill(packed, float.NaN);
            Winograd.PackWeights(s, weight, packed, lanes);
            for (int co = 0; co < panels * p; co++)
            {
                for (int ci = 0; ci < ic; ci++)
                {
                    for (int r = 0; r < 6; r++)
                    {
                        for (int c = 0; c < 6; c++)
                        {
                            double u = 0;
                            if (co < oc)
                            {
                                for (int i = 0; i < 3; i++)
                                    for (int j = 0; j < 3; j++)
                                        u += g[r, i] * weight[((co * ic + ci) * 3 + i) * 3 + j] * g[c, j];
                            }
                            float got = packed[((r * 6 + c) * panels + co / p) * p * ic + ci * p + co % p];
                            Assert.True(Math.Abs(got - u) <= 1e-6 * Math.Max(1, Math.Abs(u)),
                                $"lanes {lanes}: U[{r},{c}] of filter ({co}, {ci}) is {got}, expected {u}");
                        }
                    }
                }
            }
        }
    }

    /// <summary>Runs <paramref name="forward"/> on a NaN-filled output (every element must be written) and NaN-filled scratch (none may leak).</summary>
    private static float[] Run(Conv2dShape s, Action<float[], float[]> forward)
    {
        var y = new float[s.OutputLength];
        Array.Fill(y, float.NaN);
        var scratch = new float[s.ScratchLength];
        Array.Fill(scratch, float.NaN);
        forward(y, scratch);
        return y;
    }
}
