using System.Text.Json;
using VisionGen.Normalization;

namespace VisionGen.Tests.Imaging;

public class NormalizationTests
{
    public static TheoryData<string> TorchCases => ImagingFixtures.Names("norm");

    /// <summary>Per element: |y − ref| ≤ 1e-5·|ref| + 1e-5·max|ref| (relative, with a floor for values near 0).</summary>
    private static void AssertClose(float[] expected, float[] actual, string name)
    {
        double scale = expected.Where(float.IsFinite).Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        Compare.Close(expected, actual, 1e-5, 1e-5 * scale, name);
    }

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void MatchesTorchFunctional(string name)
    {
        var c = ImagingFixtures.Case("norm", name);
        string op = c.GetProperty("op").GetString()!;
        int last = c.GetProperty("shape").EnumerateArray().Last().GetInt32();
        var x = ImagingFixtures.Floats(name + "_in0");
        var expected = ImagingFixtures.Floats(name + "_out");
        var y = NormalizationTestsRunner.Run(c, name, expected.Length);
        float Eps() => (float)c.GetProperty("eps").GetDouble();
        AssertClose(expected, y, name);
        if (op is not ("cosine" or "mil_mean" or "mil_max" or "adain"))
        {
            // In place gives the same answer.
            var z = (float[])x.Clone();
            if (op == "softmax") Activations.Softmax(z, z, last);
            else if (op == "log_softmax") Activations.LogSoftmax(z, z, last);
            else if (op == "sigmoid") Activations.Sigmoid(z, z);
            else if (op == "l2") Normalize.L2(z, z, last, Eps());
            else if (op == "z_score") Normalize.ZScore(z, z, last);
            else if (op == "min_max") Normalize.MinMax(z, z, last);
            else z = y;
            Assert.Equal(y, z);
        }
    }

    [Fact]
    public void CosineWorkedExample() => Assert.Equal(0.9746f, Similarity.Cosine([1f, 2f, 3f], [4f, 5f, 6f]), 4);

    [Fact]
    public void SoftmaxOfHugeLogitsIsFinite()
    {
        float[] x = [1e30f, 1e30f - 1e24f, -1e30f, 3e38f, 3e38f];
        var y = new float[x.Length];
        Activations.Softmax(x, y, x.Length);
        Assert.Equal([0f, 0f, 0f, 0.5f, 0.5f], y);
        Activations.LogSoftmax(x, y, x.Length);
        Assert.Equal(-MathF.Log(2), y[3], 6);
        Assert.True(float.IsNegativeInfinity(y[2]) || y[2] < -1e30f);
    }

    [Fact]
    public void SigmoidKeepsTinyValues()
    {
        float[] x = [-100f, -20f, 0f, 20f, 100f];
        var y = new float[5];
        Activations.Sigmoid(x, y);
        Assert.Equal(3.7200760e-44f, y[0]);
        Assert.Equal(0.5f, y[2]);
        Assert.Equal(1f, y[4]);
    }

    [Fact]
    public void BagPoolingIgnoresInstanceOrder()
    {
        float[] bag = [1, 5, 3, 2, 9, 0, -1, 4];
        float[] shuffled = [-1, 4, 3, 2, 1, 5, 9, 0];
        var a = new float[2];
        var b = new float[2];
        BagPooling.Max(bag, a, 2);
        BagPooling.Max(shuffled, b, 2);
        Assert.Equal([9f, 5f], a);
        Assert.Equal(a, b);
        BagPooling.Mean(bag, a, 2);
        BagPooling.Mean(shuffled, b, 2);
        Assert.Equal([3f, 2.75f], a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void WrongShapesThrow()
    {
        var x = new float[24];
        Assert.Throws<ArgumentOutOfRangeException>(() => Normalize.GroupNorm(x, x, 6, 4, 4, default, default));
        Assert.Throws<ArgumentException>(() => Normalize.LayerNorm(x, new float[23], 6, default, default));
        Assert.Throws<ArgumentException>(() => Normalize.LayerNorm(x, x, 5, default, default));
        Assert.Throws<ArgumentException>(() => Normalize.BatchNorm(x, x, 2, 12, new float[3], new float[2], default, default));
        Assert.Throws<ArgumentException>(() => Activations.Softmax(x, x.AsSpan(1, 23).ToArray().AsSpan(), 24));
        Assert.Throws<ArgumentException>(() => Similarity.Cosine([1f], [1f, 2f]));
    }

    /// <summary>SSD's L2 norm across channels against a naive double-precision loop: pixels in runs longer than one chunk, in place too.</summary>
    [Theory]
    [InlineData(1, 512, 300, true)]
    [InlineData(2, 3, 7, false)]
    public void ChannelL2MatchesNaiveReference(int batch, int channels, int spatial, bool scaled)
    {
        var r = new Random(channels + spatial);
        var x = new float[batch * channels * spatial];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 6 - 2);
        x[5] = 0; // a zero vector would divide by eps: make one pixel of the second test all zero
        if (!scaled) for (int c = 0; c < channels; c++) x[c * spatial] = 0;
        float[] w = scaled ? Enumerable.Range(0, channels).Select(c => 15f + c % 11).ToArray() : [];
        var expected = new float[x.Length];
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < spatial; p++)
            {
                double sum = 0;
                for (int c = 0; c < channels; c++) sum += (double)x[(n * channels + c) * spatial + p] * x[(n * channels + c) * spatial + p];
                double norm = Math.Max(Math.Sqrt(sum), 1e-12);
                for (int c = 0; c < channels; c++)
                    expected[(n * channels + c) * spatial + p] = (float)(x[(n * channels + c) * spatial + p] / norm * (scaled ? w[c] : 1));
            }
        var y = new float[x.Length];
        Normalize.ChannelL2(x, y, channels, spatial, w);
        AssertClose(expected, y, "channel L2");
        Normalize.ChannelL2(x, x, channels, spatial, w);
        AssertClose(expected, x, "channel L2 in place");
        Assert.Throws<ArgumentException>(() => Normalize.ChannelL2(y, y, channels, spatial, new float[channels + 1]));
    }

    [Fact]
    public void AllAreAllocationFree()
    {
        var x = new float[2 * 8 * 36];
        var y = new float[x.Length];
        var w = new float[8];
        var r = new Random(3);
        for (int i = 0; i < x.Length; i++) x[i] = (float)r.NextDouble() * 10 - 5;
        Array.Fill(w, 1.5f);
        var o = new float[36];
        void Once()
        {
            Normalize.BatchNorm(x, y, 8, 36, w, w, w, w);
            Normalize.LayerNorm(x, y, 8 * 36, default, default);
            Normalize.GroupNorm(x, y, 8, 36, 4, w, w);
            Normalize.InstanceNorm(x, y, 8, 36, w, default);
            Normalize.AdaptiveInstanceNorm(x.AsSpan(0, 288), x.AsSpan(288, 288), y.AsSpan(0, 288), 8, 36, 36);
            Normalize.RmsNorm(x, y, 36, default);
            Normalize.MinMax(x, y, 36);
            Normalize.ZScore(x, y, 36);
            Normalize.L2(x, y, 36);
            Normalize.ChannelL2(x, y, 8, 36, w);
            Activations.Softmax(x, y, 36);
            Activations.LogSoftmax(x, y, 576);
            Activations.Sigmoid(x, y);
            Similarity.CosineRows(x.AsSpan(0, 288), x.AsSpan(288, 288), o.AsSpan(0, 8), 36);
            BagPooling.Mean(x, o, 36);
            BagPooling.Max(x, o, 36);
        }
        Once();
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 100; i++) Once(); }, rounds: 3));
    }
}

/// <summary>Runs one torch.nn.functional fixture case through the matching VisionGen call.</summary>
internal static class NormalizationTestsRunner
{
    public static float[] Run(JsonElement c, string name, int outputLength)
    {
        string op = c.GetProperty("op").GetString()!;
        int[] shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var inputs = Enumerable.Range(0, c.GetProperty("inputs").GetInt32()).Select(j => ImagingFixtures.Floats($"{name}_in{j}")).ToArray();
        var x = inputs[0];
        var y = new float[outputLength];
        int last = shape[^1];
        float Eps() => (float)c.GetProperty("eps").GetDouble();
        switch (op)
        {
            case "batch_norm":
                Normalize.BatchNorm(x, y, shape[1], shape[2] * shape[3], inputs[1], inputs[2], inputs[3], inputs[4], Eps());
                break;
            case "layer_norm":
                int nd = c.GetProperty("normalized").GetInt32();
                Normalize.LayerNorm(x, y, shape[^nd..].Aggregate(1, (a, b) => a * b), Optional(inputs, 1), Optional(inputs, 2), Eps());
                break;
            case "group_norm":
                Normalize.GroupNorm(x, y, shape[1], shape[2] * shape[3], c.GetProperty("groups").GetInt32(), Optional(inputs, 1), Optional(inputs, 2), Eps());
                break;
            case "instance_norm":
                Normalize.InstanceNorm(x, y, shape[1], shape[2] * shape[3], inputs[1], inputs[2], Eps());
                break;
            case "adain":
                int[] style = c.GetProperty("style").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Normalize.AdaptiveInstanceNorm(x, inputs[1], y, shape[1], shape[2] * shape[3], style[2] * style[3], Eps());
                break;
            case "rms_norm": Normalize.RmsNorm(x, y, last, inputs[1], Eps()); break;
            case "min_max": Normalize.MinMax(x, y, last); break;
            case "z_score": Normalize.ZScore(x, y, last); break;
            case "l2": Normalize.L2(x, y, last, Eps()); break;
            case "softmax": Activations.Softmax(x, y, last); break;
            case "log_softmax": Activations.LogSoftmax(x, y, last); break;
            case "sigmoid": Activations.Sigmoid(x, y); break;
            case "cosine": Similarity.CosineRows(x, inputs[1], y, last, Eps()); break;
            case "mil_mean": BagPooling.Mean(x, y, last); break;
            case "mil_max": BagPooling.Max(x, y, last); break;
            default: throw new InvalidOperationException("Unknown op " + op);
        }
        return y;
    }

    private static float[] Optional(float[][] inputs, int i) => i < inputs.Length ? inputs[i] : [];
}
