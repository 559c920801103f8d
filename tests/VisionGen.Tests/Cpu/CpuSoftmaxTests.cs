using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuSoftmaxTests
{
    /// <summary>The definition in double: e^(x − max) / Σ e^(x − max) down each [o, :, i] slice.</summary>
    internal static double[] Expected(float[] x, int outer, int axis, int inner)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            double max = double.NegativeInfinity;
            bool nan = false;
            for (int a = 0; a < axis; a++)
            {
                double v = x[(o * axis + a) * inner + i];
                nan |= double.IsNaN(v);
                max = Math.Max(max, v);
            }
            double sum = 0;
            for (int a = 0; a < axis; a++) sum += Math.Exp(x[(o * axis + a) * inner + i] - max);
            for (int a = 0; a < axis; a++)
            {
                int k = (o * axis + a) * inner + i;
                y[k] = nan ? double.NaN : Math.Exp(x[k] - max) / sum;
            }
        }
        return y;
    }

    private static void AssertMatches(double[] expected, ReadOnlySpan<float> y, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i])) { Assert.True(float.IsNaN(y[i]), $"{what}: y[{i}] = {y[i]}, want NaN"); continue; }
            Assert.True(Math.Abs(y[i] - expected[i]) <= 1e-5 * expected[i] + 1e-7, $"{what}: y[{i}] = {y[i]:R}, want {expected[i]:R}");
        }
    }

    // outer, axis, inner, lo, hi (input range)
    public static IEnumerable<object[]> Shapes() => new object[][]
    {
        new object[] { 1, 10, 1, -5f, 5f },          // classifier logits
        new object[] { 3, 1000, 1, -10f, 10f },      // ImageNet logits: vector rows
        new object[] { 2, 67, 1, -3f, 3f },
        new object[] { 4, 3, 1, -3f, 3f },           // shorter than a vector
        new object[] { 2, 5, 7, -4f, 4f },           // dim 1 of [2, 5, 7]: strided columns, scalar
        new object[] { 2, 17, 33, -4f, 4f },         // vector columns and a ragged block
        new object[] { 3, 19, 16, -4f, 4f },         // one full block of columns
        new object[] { 5, 7, 3, -4f, 4f },
        new object[] { 4, 16, 8400, -6f, 6f },       // YOLO DFL: softmax over the 16 bins of [1, 4, 16, A]
        new object[] { 1, 1, 17, -4f, 4f },          // axis of 1: all ones
        new object[] { 1, 300, 9, 1000f, 2000f },    // large values: stable only with the max subtracted
        new object[] { 2, 40, 1, -20000f, 20000f },  // far apart: most terms underflow to 0
        new object[] { 6, 9, 20, 80f, 95f },         // around float's exp overflow (88.7)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheDefinition(int outer, int axis, int inner, float lo, float hi)
    {
        var x = Reference.Random(outer * axis * inner, 71, lo, hi);
        var expected = Expected(x, outer, axis, inner);
        var y = new float[x.Length + 1];
        y[^1] = 5f;
        Softmax.Forward(outer, axis, inner, x, y);
        AssertMatches(expected, y, $"softmax [{outer}, {axis}, {inner}]");
        Assert.Equal(5f, y[^1]);

        var inPlace = (float[])x.Clone();
        Softmax.Forward(outer, axis, inner, inPlace, inPlace);
        Assert.Equal(y[..x.Length], inPlace);
    }

    [Theory]
    [InlineData(3, 50, 1)]
    [InlineData(2, 9, 37)]
    public void NaNSpoilsOnlyItsSlice(int outer, int axis, int inner)
    {
        var x = Reference.Random(outer * axis * inner, 72);
        x[(1 * axis + 3) * inner + inner / 2] = float.NaN; // slice (o = 1, i = inner/2)
        var expected = Expected(x, outer, axis, inner);
        var y = new float[x.Length];
        Softmax.Forward(outer, axis, inner, x, y);
        AssertMatches(expected, y, "NaN");
        Assert.Equal(axis, y.Count(float.IsNaN));
    }

    [Fact]
    public void SlicesSumToOne()
    {
        var x = Reference.Random(3 * 11 * 29, 73, -30f, 30f);
        var y = new float[x.Length];
        Softmax.Forward(3, 11, 29, x, y);
        for (int o = 0; o < 3; o++)
        for (int i = 0; i < 29; i++)
        {
            double s = 0;
            for (int a = 0; a < 11; a++) s += y[(o * 11 + a) * 29 + i];
            Assert.Equal(1.0, s, 5);
        }
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var x = new float[60];
        Assert.Throws<ArgumentException>("outer", () => Softmax.Forward(0, 3, 4, x, x));
        Assert.Throws<ArgumentException>("axis", () => Softmax.Forward(5, 0, 4, x, x));
        Assert.Throws<ArgumentException>("inner", () => Softmax.Forward(5, 3, -1, x, x));
        Assert.Throws<ArgumentException>("input", () => Softmax.Forward(5, 3, 4, x.AsSpan(1), new float[60]));
        Assert.Throws<ArgumentException>("output", () => Softmax.Forward(5, 3, 4, x, new float[59]));
        var shared = new float[70];
        Assert.Throws<ArgumentException>("output", () => Softmax.Forward(5, 3, 4, shared.AsSpan(0, 60), shared.AsSpan(4, 60)));
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var x = Reference.Random(4 * 16 * 500, 1);
        var y = new float[x.Length];
        foreach (var (outer, axis, inner) in new[] { (4, 16, 500), (4, 8000, 1) })
        {
            Softmax.Forward(outer, axis, inner, x, y);
            Assert.Equal(0, Allocations.Fewest(() => { Softmax.Forward(outer, axis, inner, x, y); }, rounds: 3));
        }
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuSoftmaxThreadTests
{
    [Theory]
    [InlineData(4, 16, 8400)]
    [InlineData(64, 1000, 1)]
    [InlineData(1, 30, 4001)]
    public void GivesTheSameBitsOnOneTwoAndThreeThreads(int outer, int axis, int inner)
    {
        var x = Reference.Random(outer * axis * inner, 8, -8f, 8f);
        float[] Run()
        {
            var y = new float[x.Length];
            Softmax.Forward(outer, axis, inner, x, y);
            return y;
        }
        ThreadCounts.SameBitsOnOneTwoAndThree(Run);
    }
}
