using VisionGen.Cpu;
using VisionGen.Ops;

namespace VisionGen.Tests.Cpu;

public class CpuBroadcastTests
{
    /// <summary>Row-major offset of a multi-index in dims, reading index 0 along axes of size 1 (broadcast).</summary>
    internal static long Offset(int[] dims, int[] index)
    {
        long off = 0;
        for (int i = 0; i < dims.Length; i++) off = off * dims[i] + (dims[i] == 1 ? 0 : index[i]);
        return off;
    }

    /// <summary>Steps a row-major multi-index; false after the last one.</summary>
    internal static bool Next(int[] dims, int[] index)
    {
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            if (++index[i] < dims[i]) return true;
            index[i] = 0;
        }
        return false;
    }

    /// <summary>
    /// The naive definition: for every output index, a and b read at that index with broadcast axes pinned to 0; the op in
    /// float (as the kernel, exactly), the activation in double.
    /// </summary>
    private static double[] Expected(BinaryOp op, float[] a, int[] ad, float[] b, int[] bd, Activation act, int[] od)
    {
        long n = 1;
        foreach (int d in od) n *= d;
        var y = new double[n];
        var index = new int[od.Length];
        long k = 0;
        do
        {
            float av = a[Offset(ad, index)], bv = b[Offset(bd, index)];
            float v = op == BinaryOp.Add ? av + bv : av * bv;
            y[k++] = ActivationReference.Apply(act, v);
        }
        while (Next(od, index));
        return y;
    }

    private static void AssertMatches(double[] expected, ReadOnlySpan<float> y, Activation act, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (act.IsNone) Assert.True(expected[i].Equals(y[i]), $"{what}: y[{i}] = {y[i]:R}, want {expected[i]:R} exactly");
            else
            {
                double tol = 2e-6 * Math.Max(1, Math.Abs(expected[i]));
                Assert.True(Math.Abs(y[i] - expected[i]) <= tol || (double.IsNaN(expected[i]) && float.IsNaN(y[i])),
                    $"{what}: y[{i}] = {y[i]:R}, want {expected[i]:R}");
            }
        }
    }

    private static int[] OutDims(int[] ad, int[] bd) => ad.Zip(bd, Math.Max).ToArray();

    private static long Count(int[] d) => d.Aggregate(1L, (p, x) => p * x);

    // a dims | b dims | op | activation (kind, alpha)
    public static IEnumerable<object[]> Table() => new object[][]
    {
        new object[] { new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }, BinaryOp.Add, ActivationKind.None, 0f },       // equal shapes
        new object[] { new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }, BinaryOp.Mul, ActivationKind.Relu, 0f },
        new object[] { new[] { 67 }, new[] { 67 }, BinaryOp.Add, ActivationKind.Silu, 0f },                        // rank 1, odd
        new object[] { new[] { 2, 5, 1, 1 }, new[] { 2, 5, 9, 11 }, BinaryOp.Mul, ActivationKind.None, 0f },       // SE scale [N,C,1,1]·[N,C,H,W]
        new object[] { new[] { 2, 5, 9, 11 }, new[] { 2, 5, 1, 1 }, BinaryOp.Mul, ActivationKind.Sigmoid, 0f },    // the other order
        new object[] { new[] { 2, 5, 9, 11 }, new[] { 2, 5, 1, 1 }, BinaryOp.Add, ActivationKind.None, 0f },
        new object[] { new[] { 1, 5, 1, 1 }, new[] { 3, 5, 4, 6 }, BinaryOp.Add, ActivationKind.LeakyRelu, 0.1f }, // [1,C,1,1]
        new object[] { new[] { 3, 5, 4, 6 }, new[] { 1, 5, 1, 1 }, BinaryOp.Mul, ActivationKind.None, 0f },
        new object[] { new[] { 2, 1, 7, 9 }, new[] { 2, 4, 7, 9 }, BinaryOp.Mul, ActivationKind.None, 0f },       // [N,1,H,W]
        new object[] { new[] { 2, 4, 7, 9 }, new[] { 2, 1, 7, 9 }, BinaryOp.Add, ActivationKind.Gelu, 0f },
        new object[] { new[] { 5, 33 }, new[] { 1, 33 }, BinaryOp.Add, ActivationKind.None, 0f },                 // rank 2 [N,F]·[1,F]
        new object[] { new[] { 1, 33 }, new[] { 5, 33 }, BinaryOp.Mul, ActivationKind.Tanh, 0f },
        new object[] { new[] { 5, 1 }, new[] { 1, 33 }, BinaryOp.Mul, ActivationKind.None, 0f },                  // outer product
        new object[] { new[] { 4, 1, 17 }, new[] { 1, 6, 17 }, BinaryOp.Add, ActivationKind.None, 0f },           // rank 3
        new object[] { new[] { 3, 5, 1 }, new[] { 3, 1, 19 }, BinaryOp.Mul, ActivationKind.Hardswish, 0f },
        new object[] { new[] { 1, 1 }, new[] { 1, 1 }, BinaryOp.Add, ActivationKind.Relu6, 0f },                  // one element
        new object[] { new[] { 1 }, new[] { 37 }, BinaryOp.Mul, ActivationKind.None, 0f },                        // scalar · vector
        new object[] { new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, BinaryOp.Mul, ActivationKind.GeluTanh, 0f },
        new object[] { new[] { 2, 1, 3, 1, 5, 2 }, new[] { 1, 4, 3, 2, 1, 2 }, BinaryOp.Add, ActivationKind.None, 0f }, // rank 6
        new object[] { new[] { 3, 1, 4, 1, 5 }, new[] { 1, 2, 4, 3, 1 }, BinaryOp.Mul, ActivationKind.Silu, 0f },      // rank 5
        new object[] { new[] { 1, 3, 1, 17, 1 }, new[] { 2, 3, 5, 17, 1 }, BinaryOp.Add, ActivationKind.None, 0f },    // size-1 inner axis
        new object[] { new[] { 2, 3, 1, 1 }, new[] { 1, 1, 1, 1 }, BinaryOp.Mul, ActivationKind.None, 0f },           // b a scalar
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void MatchesTheBroadcastingDefinition(int[] ad, int[] bd, BinaryOp op, ActivationKind kind, float alpha)
    {
        var act = new Activation(kind, alpha);
        int[] od = OutDims(ad, bd);
        var a = Reference.Random((int)Count(ad), 1, -4f, 4f);
        var b = Reference.Random((int)Count(bd), 2, -4f, 4f);
        var expected = Expected(op, a, ad, b, bd, act, od);
        var y = new float[Count(od) + 3];
        y[^3] = y[^2] = y[^1] = 1234f;
        Broadcast.Binary(op, a, TensorDims.Of(ad), b, TensorDims.Of(bd), act, y, TensorDims.Of(od));
        AssertMatches(expected, y, act, $"{op} {string.Join('x', ad)} · {string.Join('x', bd)} {act}");
        Assert.Equal(new[] { 1234f, 1234f, 1234f }, y[^3..]); // nothing written past the output

        // In place on whichever operand has the output's shape.
        if (ad.SequenceEqual(od))
        {
            var inPlace = (float[])a.Clone();
            Broadcast.Binary(op, inPlace, TensorDims.Of(ad), b, TensorDims.Of(bd), act, inPlace, TensorDims.Of(od));
            AssertMatches(expected, inPlace, act, "in place on a");
        }
        if (bd.SequenceEqual(od))
        {
            var inPlace = (float[])b.Clone();
            Broadcast.Binary(op, a, TensorDims.Of(ad), inPlace, TensorDims.Of(bd), act, inPlace, TensorDims.Of(od));
            AssertMatches(expected, inPlace, act, "in place on b");
        }
    }

    [Fact]
    public void EqualShapesInPlaceOnBothOperands()
    {
        var x = Reference.Random(45, 3);
        var expected = x.Select(v => (double)(v * v)).ToArray();
        var d = new TensorDims(3, 15);
        Broadcast.Binary(BinaryOp.Mul, x, d, x, d, Activation.None, x, d);
        AssertMatches(expected, x, Activation.None, "x·x into x");
    }

    [Fact]
    public void KeepsNaN()
    {
        var a = new float[] { float.NaN, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, float.NaN };
        var y = new float[17];
        Broadcast.Binary(BinaryOp.Add, a, new TensorDims(17), new float[] { 1f }, new TensorDims(1), Activation.Relu, y, new TensorDims(17));
        Assert.True(float.IsNaN(y[0]) && float.IsNaN(y[16]));
        Assert.Equal(2f, y[1]);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var d4 = new TensorDims(2, 3, 4, 5);
        var buf = new float[200];
        var y = new float[120];
        Assert.Throws<ArgumentException>("op", () => Broadcast.Binary((BinaryOp)7, buf, d4, buf, d4, default, y, d4));
        Assert.Throws<ArgumentException>("aDims", () => Broadcast.Binary(BinaryOp.Add, buf, new TensorDims(3, 4, 5), buf, d4, default, y, d4));
        Assert.Throws<ArgumentException>("bDims", () => Broadcast.Binary(BinaryOp.Add, buf, d4, buf, new TensorDims(2, 2, 4, 5), default, y, d4));
        Assert.Throws<ArgumentException>("aDims", () => Broadcast.Binary(BinaryOp.Add, buf, new TensorDims(2, 3, 0, 5), buf, d4, default, y, d4));
        Assert.Throws<ArgumentException>("a", () => Broadcast.Binary(BinaryOp.Add, buf.AsSpan(0, 119), d4, buf, d4, default, y, d4));
        Assert.Throws<ArgumentException>("b", () => Broadcast.Binary(BinaryOp.Add, buf, d4, buf.AsSpan(0, 10), d4, default, y, d4));
        Assert.Throws<ArgumentException>("output", () => Broadcast.Binary(BinaryOp.Add, buf, d4, buf, d4, default, y.AsSpan(0, 119), d4));
        // Partial overlap, and a broadcast operand aliasing the output.
        Assert.Throws<ArgumentException>("a", () => Broadcast.Binary(BinaryOp.Add, buf.AsSpan(1, 120), d4, new float[120], d4, default, buf.AsSpan(0, 120), d4));
        Assert.Throws<ArgumentException>("b", () => Broadcast.Binary(BinaryOp.Add, new float[120], d4, buf.AsSpan(0, 15), new TensorDims(1, 3, 1, 5), default, buf.AsSpan(0, 120), d4));
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var a = Reference.Random(2 * 16 * 9 * 11, 1);
        var s = Reference.Random(2 * 16, 2);
        var y = new float[a.Length];
        var ad = new TensorDims(2, 16, 9, 11);
        var sd = new TensorDims(2, 16, 1, 1);
        var rd = new TensorDims(1, 16, 1, 11);
        foreach (var (bd, op) in new[] { (ad, BinaryOp.Add), (sd, BinaryOp.Mul), (rd, BinaryOp.Add) })
        {
            var b = bd == ad ? a : bd == sd ? s : Reference.Random(16 * 11, 3);
            Broadcast.Binary(op, a, ad, b, bd, Activation.Silu, y, ad);
            Assert.Equal(0, Allocations.Fewest(() => { Broadcast.Binary(op, a, ad, b, bd, Activation.Silu, y, ad); }, rounds: 3));
        }
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuBroadcastThreadTests
{
    public static IEnumerable<object[]> Big() => new object[][]
    {
        new object[] { new[] { 1, 64, 56, 56 }, new[] { 1, 64, 1, 1 }, BinaryOp.Mul, ActivationKind.Silu },      // rows split
        new object[] { new[] { 1, 1, 1, 70001 }, new[] { 1, 1, 1, 70001 }, BinaryOp.Add, ActivationKind.Gelu },   // one row: block split
        new object[] { new[] { 2, 1, 150, 301 }, new[] { 2, 3, 150, 301 }, BinaryOp.Add, ActivationKind.Tanh },
        new object[] { new[] { 3, 40003 }, new[] { 1, 40003 }, BinaryOp.Mul, ActivationKind.Sigmoid },          // few rows: block split
    };

    [Theory]
    [MemberData(nameof(Big))]
    public void GivesTheSameBitsOnOneTwoAndThreeThreads(int[] ad, int[] bd, BinaryOp op, ActivationKind kind)
    {
        int[] od = ad.Zip(bd, Math.Max).ToArray();
        var a = Reference.Random(ad.Aggregate(1, (p, x) => p * x), 5, -5f, 5f);
        var b = Reference.Random(bd.Aggregate(1, (p, x) => p * x), 6, -5f, 5f);
        float[] Run()
        {
            var y = new float[od.Aggregate(1, (p, x) => p * x)];
            Broadcast.Binary(op, a, TensorDims.Of(ad), b, TensorDims.Of(bd), new Activation(kind), y, TensorDims.Of(od));
            return y;
        }
        ThreadCounts.SameBitsOnOneTwoAndThree(Run);
    }
}
