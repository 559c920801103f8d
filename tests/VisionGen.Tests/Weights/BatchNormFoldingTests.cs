using VisionGen.Weights;

namespace VisionGen.Tests.Weights;

public class BatchNormFoldingTests
{
    // Three channels chosen so s = gamma / sqrt(var + eps) is exact by hand (eps = 1):
    //   c0: gamma 2, var 3  -> s = 2 / 2 = 1
    //   c1: gamma 1, var 3  -> s = 1 / 2 = 0.5
    //   c2: gamma 6, var 8  -> s = 6 / 3 = 2
    private static readonly float[] Gamma = { 2f, 1f, 6f };
    private static readonly float[] Beta = { 0.5f, -1f, 3f };
    private static readonly float[] Mean = { 1f, 4f, -0.25f };
    private static readonly float[] Var = { 3f, 3f, 8f };
    private const double Eps = 1.0;

    // Weight [3 out, 2 in, 1, 1] -> 2 values per output channel.
    private static readonly float[] Weight = { 1f, -2f, 3f, 5f, -0.5f, 0.75f };

    [Fact]
    public void FoldWithBiasMatchesHandComputedValues()
    {
        float[] bias = { 2f, 0f, -1f };
        var w = new float[6];
        var b = new float[3];
        BatchNormFolding.FoldIntoConvolution(Weight, bias, Gamma, Beta, Mean, Var, Eps, w, b);

        Assert.Equal(new[] { 1f, -2f, 1.5f, 2.5f, -1f, 1.5f }, w);
        // b' = (b - mean) * s + beta
        //   c0: (2 - 1) * 1 + 0.5 = 1.5;  c1: (0 - 4) * 0.5 - 1 = -3;  c2: (-1 + 0.25) * 2 + 3 = 1.5
        Assert.Equal(new[] { 1.5f, -3f, 1.5f }, b);
    }

    [Fact]
    public void FoldWithoutBiasTreatsBiasAsZero()
    {
        var w = new float[6];
        var b = new float[3];
        BatchNormFolding.FoldIntoConvolution(Weight, ReadOnlySpan<float>.Empty, Gamma, Beta, Mean, Var, Eps, w, b);

        Assert.Equal(new[] { 1f, -2f, 1.5f, 2.5f, -1f, 1.5f }, w);
        //   c0: -1 * 1 + 0.5 = -0.5;  c1: -4 * 0.5 - 1 = -3;  c2: 0.25 * 2 + 3 = 3.5
        Assert.Equal(new[] { -0.5f, -3f, 3.5f }, b);
    }

    [Fact]
    public void FoldInPlaceGivesTheSameResult()
    {
        float[] w = (float[])Weight.Clone();
        float[] b = { 2f, 0f, -1f };
        BatchNormFolding.FoldIntoConvolution(w, b, Gamma, Beta, Mean, Var, Eps, w, b);
        Assert.Equal(new[] { 1f, -2f, 1.5f, 2.5f, -1f, 1.5f }, w);
        Assert.Equal(new[] { 1.5f, -3f, 1.5f }, b);
    }

    // Rows long enough for the vector path (several Vector<float>s and a scalar tail), out of place and in place: each
    // folded weight is the formula's double product rounded once to float, w' = (float)(w · γ / √(var + ε)).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LongRowsRoundEachProductOnce(bool inPlace)
    {
        const int rest = 3 * 16 + 5;
        var rng = new Random(7);
        float[] weight = new float[3 * rest];
        for (int i = 0; i < weight.Length; i++) weight[i] = (float)(rng.NextDouble() * 4 - 2);
        float[] w = inPlace ? (float[])weight.Clone() : new float[weight.Length];
        var b = new float[3];
        float[] gamma = { 1.3f, -0.7f, 2.9f }, variance = { 0.37f, 1.9f, 0.05f };
        const double eps = 1e-5;
        BatchNormFolding.FoldIntoConvolution(inPlace ? w : weight, ReadOnlySpan<float>.Empty, gamma, Beta, Mean, variance, eps, w, b);
        for (int o = 0; o < 3; o++)
        {
            double s = gamma[o] / Math.Sqrt(variance[o] + eps);
            for (int k = o * rest; k < (o + 1) * rest; k++) Assert.Equal((float)(weight[k] * s), w[k]);
        }
    }

    [Fact]
    public void FoldedConvolutionEqualsConvolutionThenBatchNorm()
    {
        // 1x1 convolution of one pixel x = (0.5, -1.5), computed both ways in double.
        double[] x = { 0.5, -1.5 };
        float[] bias = { 2f, 0f, -1f };
        var w = new float[6];
        var b = new float[3];
        BatchNormFolding.FoldIntoConvolution(Weight, bias, Gamma, Beta, Mean, Var, Eps, w, b);
        for (int o = 0; o < 3; o++)
        {
            double conv = Weight[2 * o] * x[0] + Weight[2 * o + 1] * x[1] + bias[o];
            double reference = (conv - Mean[o]) / Math.Sqrt(Var[o] + Eps) * Gamma[o] + Beta[o];
            double folded = w[2 * o] * x[0] + w[2 * o + 1] * x[1] + b[o];
            Assert.Equal(reference, folded, 1e-6);
        }
    }

    [Fact]
    public void ScaleAndShiftMatchesHandComputedValues()
    {
        var scale = new float[3];
        var shift = new float[3];
        BatchNormFolding.ScaleAndShift(Gamma, Beta, Mean, Var, Eps, scale, shift);
        Assert.Equal(new[] { 1f, 0.5f, 2f }, scale);
        // shift = beta - mean * scale: 0.5 - 1 = -0.5;  -1 - 2 = -3;  3 + 0.5 = 3.5
        Assert.Equal(new[] { -0.5f, -3f, 3.5f }, shift);
    }

    [Fact]
    public void ZeroEpsilonIsAllowedWhenVarianceIsPositive()
    {
        var scale = new float[1];
        var shift = new float[1];
        BatchNormFolding.ScaleAndShift(new[] { 1f }, new[] { 1f }, new[] { 3f }, new[] { 0.25f }, 0.0, scale, shift);
        Assert.Equal(2f, scale[0]);  // 1 / sqrt(0.25)
        Assert.Equal(-5f, shift[0]); // 1 - 3 * 2
    }

    [Fact]
    public void MismatchedLengthsAndNonPositiveVarianceAreArgumentExceptions()
    {
        var w = new float[6];
        var b = new float[3];
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(Weight, new float[2], Gamma, Beta, Mean, Var, Eps, w, b));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(Weight.AsSpan(0, 5), ReadOnlySpan<float>.Empty, Gamma, Beta, Mean, Var, Eps, new float[5], b));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(Weight, ReadOnlySpan<float>.Empty, Gamma, Beta.AsSpan(0, 2), Mean, Var, Eps, w, b));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(Weight, ReadOnlySpan<float>.Empty, Gamma, Beta, Mean, Var, Eps, new float[5], b));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.FoldIntoConvolution(Weight, ReadOnlySpan<float>.Empty, Gamma, Beta, Mean, Var, Eps, w, new float[2]));
        Assert.Throws<ArgumentException>(() => BatchNormFolding.ScaleAndShift(Gamma, Beta, Mean, Var, Eps, new float[3], new float[4]));

        var ex = Assert.Throws<ArgumentException>(() =>
            BatchNormFolding.ScaleAndShift(new[] { 1f }, new[] { 0f }, new[] { 0f }, new[] { -2f }, 1.0, new float[1], new float[1]));
        Assert.Contains("channel 0", ex.Message);
    }
}
