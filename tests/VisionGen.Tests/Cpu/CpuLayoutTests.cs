using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuLayoutTests
{
    private static int Count(int[] d) => d.Aggregate(1, (p, x) => p * x);

    private static int Flat(int[] dims, int[] index)
    {
        int off = 0;
        for (int i = 0; i < dims.Length; i++) off = off * dims[i] + index[i];
        return off;
    }

    /// <summary>Values that name their position (no two alike), so a wrong index cannot go unnoticed.</summary>
    private static float[] Iota(int n, float offset = 0.5f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i + offset;
        return a;
    }

    /// <summary>The definition: destination[…, destinationStart + i, …] = source[…, sourceStart + i, …]; the rest untouched.</summary>
    internal static float[] ExpectedSlice(float[] source, int[] sd, int axis, int sourceStart, float[] destination, int[] dd, int destinationStart, int count)
    {
        var y = (float[])destination.Clone();
        var index = new int[sd.Length];
        do
        {
            int i = index[axis] - sourceStart;
            if (i < 0 || i >= count) continue;
            var di = (int[])index.Clone();
            di[axis] = destinationStart + i;
            y[Flat(dd, di)] = source[Flat(sd, index)];
        }
        while (CpuBroadcastTests.Next(sd, index));
        return y;
    }

    // source dims | axis | sourceStart | destination size along axis | destinationStart | count
    public static IEnumerable<object[]> SliceTable() => new object[][]
    {
        new object[] { new[] { 37 }, 0, 0, 50, 13, 37 },                  // rank 1: cat's second input
        new object[] { new[] { 37 }, 0, 5, 20, 0, 20 },                   // rank 1: split
        new object[] { new[] { 3, 5 }, 0, 1, 4, 2, 2 },
        new object[] { new[] { 3, 5 }, 1, 0, 11, 6, 5 },                  // cat along the last axis: short blocks
        new object[] { new[] { 2, 3, 7, 9 }, 1, 0, 8, 3, 3 },             // torch.cat channel concat (U-Net skip)
        new object[] { new[] { 2, 8, 7, 9 }, 1, 3, 3, 0, 3 },             // split channels out
        new object[] { new[] { 2, 3, 7, 9 }, 0, 1, 1, 0, 1 },             // batch slice
        new object[] { new[] { 2, 3, 7, 9 }, 2, 2, 10, 5, 4 },
        new object[] { new[] { 2, 3, 7, 9 }, 3, 4, 6, 1, 5 },
        new object[] { new[] { 1, 144, 20, 20 }, 1, 64, 80, 0, 80 },      // YOLO: split box/class channels
        new object[] { new[] { 2, 1, 3, 4, 5 }, 4, 1, 7, 3, 4 },          // rank 5
        new object[] { new[] { 2, 2, 3, 1, 5, 3 }, 3, 0, 4, 2, 1 },       // rank 6, size-1 axis
        new object[] { new[] { 2, 2, 3, 2, 5, 3 }, 0, 0, 3, 1, 2 },
        new object[] { new[] { 4, 5 }, 1, 2, 7, 3, 0 },                   // count 0: nothing
    };

    [Theory]
    [MemberData(nameof(SliceTable))]
    public void CopySliceMatchesTheDefinition(int[] sd, int axis, int sourceStart, int destinationAxis, int destinationStart, int count)
    {
        int[] dd = (int[])sd.Clone();
        dd[axis] = destinationAxis;
        var source = Iota(Count(sd));
        var destination = Iota(Count(dd), -0.25f); // distinct from every source value
        var expected = ExpectedSlice(source, sd, axis, sourceStart, destination, dd, destinationStart, count);
        Layout.CopySlice(source, TensorDims.Of(sd), axis, sourceStart, destination, TensorDims.Of(dd), destinationStart, count);
        Assert.Equal(expected, destination);
    }

    [Fact]
    public void CatAndSplitRoundTrip()
    {
        // cat([a, b, c], dim=1) then split back: each input comes back unchanged.
        int[][] parts = { new[] { 2, 3, 5, 7 }, new[] { 2, 1, 5, 7 }, new[] { 2, 4, 5, 7 } };
        var outDims = new TensorDims(2, 8, 5, 7);
        var cat = new float[outDims.Length];
        int at = 0;
        var inputs = parts.Select((d, i) => Reference.Random(Count(d), 20 + i)).ToArray();
        for (int i = 0; i < parts.Length; i++)
        {
            Layout.CopySlice(inputs[i], TensorDims.Of(parts[i]), 1, 0, cat, outDims, at, parts[i][1]);
            at += parts[i][1];
        }
        at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            var back = new float[Count(parts[i])];
            Layout.CopySlice(cat, outDims, 1, at, back, TensorDims.Of(parts[i]), 0, parts[i][1]);
            Assert.Equal(inputs[i], back);
            at += parts[i][1];
        }
    }

    [Fact]
    public void CopySliceRejectsBadArguments()
    {
        var s = new TensorDims(2, 3, 4);
        var d = new TensorDims(2, 5, 4);
        var src = new float[24];
        var dst = new float[40];
        Assert.Throws<ArgumentException>("axis", () => Layout.CopySlice(src, s, 3, 0, dst, d, 0, 1));
        Assert.Throws<ArgumentException>("axis", () => Layout.CopySlice(src, s, -1, 0, dst, d, 0, 1));
        Assert.Throws<ArgumentException>("destinationDims", () => Layout.CopySlice(src, s, 2, 0, dst, d, 0, 1));     // differ on axis 1
        Assert.Throws<ArgumentException>("destinationDims", () => Layout.CopySlice(src, s, 1, 0, dst, new TensorDims(2, 5), 0, 1));
        Assert.Throws<ArgumentException>("sourceStart", () => Layout.CopySlice(src, s, 1, 2, dst, d, 0, 2));
        Assert.Throws<ArgumentException>("sourceStart", () => Layout.CopySlice(src, s, 1, -1, dst, d, 0, 2));
        Assert.Throws<ArgumentException>("destinationStart", () => Layout.CopySlice(src, s, 1, 0, dst, d, 3, 3));
        Assert.Throws<ArgumentException>("count", () => Layout.CopySlice(src, s, 1, 0, dst, d, 0, -1));
        Assert.Throws<ArgumentException>("source", () => Layout.CopySlice(src.AsSpan(0, 23), s, 1, 0, dst, d, 0, 1));
        Assert.Throws<ArgumentException>("destination", () => Layout.CopySlice(src, s, 1, 0, dst.AsSpan(0, 39), d, 0, 1));
        var shared = new float[64];
        Assert.Throws<ArgumentException>("destination", () => Layout.CopySlice(shared.AsSpan(0, 24), s, 1, 0, shared.AsSpan(20, 40), d, 0, 1));
    }

    /// <summary>The definition: output[i0, …] = input[…] with output axis k running over input axis perm[k].</summary>
    internal static float[] ExpectedPermute(float[] x, int[] dims, int[] perm)
    {
        int[] od = perm.Select(p => dims[p]).ToArray();
        var y = new float[x.Length];
        var oi = new int[od.Length];
        var ii = new int[dims.Length];
        int k = 0;
        do
        {
            for (int a = 0; a < od.Length; a++) ii[perm[a]] = oi[a];
            y[k++] = x[Flat(dims, ii)];
        }
        while (CpuBroadcastTests.Next(od, oi));
        return y;
    }

    private static IEnumerable<int[]> Permutations(int n)
    {
        if (n == 1) { yield return new[] { 0 }; yield break; }
        foreach (int[] p in Permutations(n - 1))
            for (int at = 0; at <= p.Length; at++)
            {
                var q = new List<int>(p);
                q.Insert(at, n - 1);
                yield return q.ToArray();
            }
    }

    public static IEnumerable<object[]> EveryPermutation()
    {
        // Every permutation of ranks 2–4, on odd sizes (with a 1) that leave 8×8 blocks and ragged edges.
        foreach (int[] dims in new[] { new[] { 13, 19 }, new[] { 8, 16 }, new[] { 5, 11, 17 }, new[] { 3, 1, 10, 9 }, new[] { 2, 9, 3, 17 } })
            foreach (int[] p in Permutations(dims.Length))
                yield return new object[] { dims, p };
    }

    public static IEnumerable<object[]> NamedPermutations() => new object[][]
    {
        new object[] { new[] { 1, 4, 16, 37 }, new[] { 0, 2, 1, 3 } },          // YOLO DFL: [1,4,16,A] → [1,16,4,A]
        new object[] { new[] { 1, 4, 16, 8400 }, new[] { 0, 2, 1, 3 } },
        new object[] { new[] { 2, 3, 17, 19 }, new[] { 0, 2, 3, 1 } },          // NCHW → NHWC
        new object[] { new[] { 2, 17, 19, 3 }, new[] { 0, 3, 1, 2 } },          // NHWC → NCHW
        new object[] { new[] { 1, 64, 40, 40 }, new[] { 0, 2, 3, 1 } },         // wide: full 8×8 blocks
        new object[] { new[] { 2, 3, 4, 5 }, new[] { 0, 1, 2, 3 } },            // identity
        new object[] { new[] { 7 }, new[] { 0 } },                              // rank 1
        new object[] { new[] { 1, 1 }, new[] { 1, 0 } },                        // one element
        new object[] { new[] { 2, 3, 2, 5, 3 }, new[] { 4, 2, 0, 3, 1 } },      // rank 5
        new object[] { new[] { 2, 3, 2, 5, 1, 3 }, new[] { 5, 1, 4, 0, 3, 2 } }, // rank 6 with a 1
        new object[] { new[] { 2, 3, 2, 2, 3, 2 }, new[] { 1, 0, 3, 2, 5, 4 } }, // rank 6, pairwise swaps
        new object[] { new[] { 1, 3, 85, 20, 20 }, new[] { 0, 1, 3, 4, 2 } },    // YOLOv5 head: [N,A,85,H,W] → [N,A,H,W,85]
        new object[] { new[] { 6, 4, 5 }, new[] { 1, 0, 2 } },                   // swap outer axes: row copies
    };

    [Theory]
    [MemberData(nameof(EveryPermutation))]
    [MemberData(nameof(NamedPermutations))]
    public void PermuteMatchesTheDefinition(int[] dims, int[] perm)
    {
        var x = Iota(Count(dims));
        var y = new float[x.Length + 2];
        y[^1] = y[^2] = -7f;
        Layout.Permute(x, TensorDims.Of(dims), TensorDims.Of(perm), y);
        Assert.Equal(ExpectedPermute(x, dims, perm), y[..x.Length]);
        Assert.Equal(-7f, y[^1]);
        Assert.Equal(-7f, y[^2]);
    }

    [Fact]
    public void PermuteRejectsBadArguments()
    {
        var d = new TensorDims(2, 3, 4);
        var x = new float[24];
        var y = new float[24];
        Assert.Throws<ArgumentException>("permutation", () => Layout.Permute(x, d, new TensorDims(0, 1), y));
        Assert.Throws<ArgumentException>("permutation", () => Layout.Permute(x, d, new TensorDims(0, 1, 1), y));
        Assert.Throws<ArgumentException>("permutation", () => Layout.Permute(x, d, new TensorDims(0, 1, 3), y));
        Assert.Throws<ArgumentException>("permutation", () => Layout.Permute(x, d, new TensorDims(0, -1, 2), y));
        Assert.Throws<ArgumentException>("input", () => Layout.Permute(x.AsSpan(0, 23), d, new TensorDims(2, 1, 0), y));
        Assert.Throws<ArgumentException>("output", () => Layout.Permute(x, d, new TensorDims(2, 1, 0), y.AsSpan(0, 23)));
        var shared = new float[40];
        Assert.Throws<ArgumentException>("output", () => Layout.Permute(shared.AsSpan(0, 24), d, new TensorDims(2, 1, 0), shared.AsSpan(10, 24)));
        Assert.Throws<ArgumentException>("inputDims", () => Layout.Permute(x, new TensorDims(2, 0, 4), new TensorDims(2, 1, 0), y));
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var x = Reference.Random(2 * 16 * 9 * 11, 1);
        var y = new float[x.Length];
        var d = new TensorDims(2, 16, 9, 11);
        foreach (var perm in new[] { new TensorDims(0, 2, 3, 1), new TensorDims(0, 2, 1, 3) })
        {
            Layout.Permute(x, d, perm, y);
            Assert.Equal(0, Allocations.Fewest(() => { Layout.Permute(x, d, perm, y); }, rounds: 3));
        }
        var wide = new float[2 * 20 * 9 * 11];
        Layout.CopySlice(x, d, 1, 0, wide, new TensorDims(2, 20, 9, 11), 3, 16);
        Assert.Equal(0, Allocations.Fewest(() => Layout.CopySlice(x, d, 1, 0, wide, new TensorDims(2, 20, 9, 11), 3, 16), rounds: 3));
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuLayoutThreadTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SplitCopiesMatchTheDefinition(int threads)
    {
        int saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            int[] dims = { 2, 48, 37, 41 };
            var x = Reference.Random(dims.Aggregate(1, (p, v) => p * v), 3);
            foreach (int[] perm in new[] { new[] { 0, 2, 3, 1 }, new[] { 1, 0, 2, 3 }, new[] { 3, 2, 1, 0 } })
            {
                var y = new float[x.Length];
                Layout.Permute(x, TensorDims.Of(dims), TensorDims.Of(perm), y);
                Assert.Equal(CpuLayoutTests.ExpectedPermute(x, dims, perm), y);
            }
            int[] dd = { 2, 100, 37, 41 };
            var dest = new float[dd.Aggregate(1, (p, v) => p * v)];
            var expected = CpuLayoutTests.ExpectedSlice(x, dims, 1, 5, dest, dd, 60, 40);
            Layout.CopySlice(x, TensorDims.Of(dims), 1, 5, dest, TensorDims.Of(dd), 60, 40);
            Assert.Equal(expected, dest);
            int[] flat = { 1, 200003 };
            var big = Reference.Random(200003, 4);
            var into = new float[2 * 200003];
            Layout.CopySlice(big, TensorDims.Of(flat), 0, 0, into, new TensorDims(2, 200003), 1, 1);
            Assert.Equal(big, into[200003..]);
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }
}
