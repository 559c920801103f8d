using VisionGen.Cpu;
using VisionGen.Ops;

namespace VisionGen.Tests.Cpu;

/// <summary>BiFPN's fast normalized fusion on the CPU: the weighted sum against a naive sum in double, and the weight normalization.</summary>
public class CpuWeightedSumTests
{
    /// <summary>Two and three inputs; lengths below, at and past every SIMD width, with and without a tail; each activation the neck uses.</summary>
    [Theory]
    [InlineData(1, 2, ActivationKind.None)]
    [InlineData(7, 3, ActivationKind.Silu)]
    [InlineData(16, 2, ActivationKind.Silu)]
    [InlineData(33, 3, ActivationKind.Relu)]
    [InlineData(1021, 3, ActivationKind.None)]
    [InlineData(4096, 2, ActivationKind.Sigmoid)]
    public void MatchesNaiveWeightedSum(int n, int inputs, ActivationKind kind)
    {
        float[] a = Reference.Random(n, 61, -4f, 4f), b = Reference.Random(n, 62, -4f, 4f);
        float[]? c = inputs == 3 ? Reference.Random(n, 63, -4f, 4f) : null;
        float[] w = inputs == 3 ? new[] { 0.25f, 0.6f, 0.1499f } : new[] { 0.7f, 0.2999f };
        var act = new Activation(kind);
        var expected = new double[n];
        for (int i = 0; i < n; i++)
            expected[i] = ActivationReference.Apply(act, (double)w[0] * a[i] + (double)w[1] * b[i] + (c is null ? 0 : (double)w[2] * c[i]));

        var y = new float[n];
        WeightedSum.Forward(a, b, c, w, act, y);
        ActivationReference.AssertEach(expected, y, $"weighted sum of {inputs}, n={n}, {kind}");

        // In place: the output may be exactly any of the inputs.
        float[] into = (float[])(c ?? b).Clone();
        if (c is null) WeightedSum.Forward(a, into, default, w, act, into);
        else WeightedSum.Forward(a, b, into, w, act, into);
        ActivationReference.AssertEach(expected, into, $"weighted sum of {inputs} in place");
    }

    [Fact]
    public void RejectsMismatchedInputsWeightsAndOverlap()
    {
        var x = new float[32];
        var y = new float[32];
        Assert.Throws<ArgumentException>(() => WeightedSum.Forward(x.AsSpan(0, 16), x.AsSpan(0, 15), default, new[] { 0.5f, 0.5f }, Activation.None, y));
        Assert.Throws<ArgumentException>(() => WeightedSum.Forward(x.AsSpan(0, 16), x.AsSpan(0, 16), default, new[] { 0.3f, 0.3f, 0.3f }, Activation.None, y));
        Assert.Throws<ArgumentException>(() => WeightedSum.Forward(x.AsSpan(0, 16), x.AsSpan(0, 16), x.AsSpan(0, 16), new[] { 0.5f, 0.5f }, Activation.None, y));
        Assert.Throws<ArgumentException>(() => WeightedSum.Forward(x.AsSpan(0, 16), x.AsSpan(0, 16), default, new[] { 0.5f, 0.5f }, Activation.None, y.AsSpan(0, 8)));
        Assert.Throws<ArgumentException>(() => WeightedSum.Forward(x.AsSpan(0, 16), y.AsSpan(0, 16), default, new[] { 0.5f, 0.5f }, Activation.None, x.AsSpan(1, 16)));
    }

    /// <summary>relu(w) / (Σ relu(w) + 1e-4), the formula of EfficientDet's fast normalized fusion, computed here in double.</summary>
    [Theory]
    [InlineData(new[] { 1f, 1f })]
    [InlineData(new[] { 1f, 1f, 1f })]
    [InlineData(new[] { -0.3f, 1.2f, 0.45f })]
    [InlineData(new[] { -1f, -2f })]
    [InlineData(new[] { 0f, 3e-5f, 0.7f })]
    public void NormalizesAsFastNormalizedFusion(float[] raw)
    {
        double sum = raw.Sum(v => Math.Max(v, 0.0));
        var normalized = new float[raw.Length];
        WeightedSum.Normalize(raw, normalized);
        for (int i = 0; i < raw.Length; i++)
        {
            double expected = Math.Max(raw[i], 0.0) / (sum + 1e-4);
            Assert.True(Math.Abs(normalized[i] - expected) <= 1e-6 * Math.Max(1, expected), $"w{i}: {normalized[i]} vs {expected}");
        }
        Assert.Throws<ArgumentException>(() => WeightedSum.Normalize(raw, new float[raw.Length + 1]));
    }
}
