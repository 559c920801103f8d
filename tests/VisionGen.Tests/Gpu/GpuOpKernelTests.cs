using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;
using VisionGen.Kernels;
using VisionGen.Ops;
using Xunit.Abstractions;
using Ref = VisionGen.Tests.Cpu.Reference;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The GPU kernels of the Forward-method ops (broadcasting binary ops, slices, permutes, adaptive pooling, resizing,
/// transposed convolution, softmax over an axis), each against a naive reference written out here (double precision
/// where arithmetic is involved, bit-exact where the kernel only moves values) over tables of shapes, on whatever
/// accelerator <see cref="GpuContext.Create"/> picks (ILGPU's CPU accelerator in CI).
/// </summary>
public sealed partial class GpuOpKernelTests : IClassFixture<GpuFixture>
{
    private readonly GpuFixture _gpu;
    private readonly ITestOutputHelper _output;

    public GpuOpKernelTests(GpuFixture gpu, ITestOutputHelper output)
    {
        _gpu = gpu;
        _output = output;
    }

    private GpuKernels K => _gpu.Kernels;

    // ---------------------------------------------------------------- Binary

    public static TheoryData<BinaryOp, int[], int[], ActivationKind> BinaryShapes => new()
    {
        { BinaryOp.Add, new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }, ActivationKind.Relu },       // equal dims
        { BinaryOp.Mul, new[] { 2, 3, 5, 7 }, new[] { 2, 3, 5, 7 }, ActivationKind.None },
        { BinaryOp.Mul, new[] { 2, 6, 5, 7 }, new[] { 2, 6, 1, 1 }, ActivationKind.None },       // squeeze-excitation scale
        { BinaryOp.Mul, new[] { 2, 6, 1, 1 }, new[] { 2, 6, 5, 7 }, ActivationKind.Sigmoid },    // the same, operands swapped
        { BinaryOp.Add, new[] { 2, 3, 4, 5 }, new[] { 1, 3, 1, 1 }, ActivationKind.Silu },       // per-channel bias
        { BinaryOp.Add, new[] { 1, 1, 1, 1 }, new[] { 2, 3, 4, 5 }, ActivationKind.LeakyRelu },  // a scalar
        { BinaryOp.Add, new[] { 3, 1, 7 }, new[] { 1, 5, 7 }, ActivationKind.GeluTanh },         // both broadcast
        { BinaryOp.Mul, new[] { 4, 1 }, new[] { 1, 9 }, ActivationKind.Tanh },                   // outer product
        { BinaryOp.Add, new[] { 13 }, new[] { 1 }, ActivationKind.Hardswish },                   // rank 1
        { BinaryOp.Add, new[] { 1, 3, 1, 5, 1 }, new[] { 2, 1, 4, 1, 3 }, ActivationKind.Gelu }, // rank 5, alternating
        { BinaryOp.Mul, new[] { 2, 1, 3, 1, 2, 3 }, new[] { 1, 2, 3, 2, 1, 3 }, ActivationKind.Relu6 }, // rank 6
        { BinaryOp.Add, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, ActivationKind.Hardsigmoid },       // one element
        { BinaryOp.Mul, new[] { 3, 5, 1 }, new[] { 3, 5, 9 }, ActivationKind.None },             // innermost broadcast
    };

    [Theory]
    [MemberData(nameof(BinaryShapes))]
    public void BinaryMatchesNaiveBroadcast(BinaryOp op, int[] aShape, int[] bShape, ActivationKind kind)
    {
        var outShape = new int[aShape.Length];
        for (int d = 0; d < outShape.Length; d++) outShape[d] = Math.Max(aShape[d], bShape[d]);
        var aDims = TensorDims.Of(aShape);
        var bDims = TensorDims.Of(bShape);
        var outDims = TensorDims.Of(outShape);
        var act = kind == ActivationKind.LeakyRelu ? Activation.LeakyRelu(0.2f) : new Activation(kind);
        var a = Ref.Random((int)aDims.Length, aShape.Sum() + 1, -3f, 3f);
        var b = Ref.Random((int)bDims.Length, bShape.Sum() + 2, -3f, 3f);

        var expected = new double[outDims.Length];
        var coord = new int[outShape.Length];
        for (int i = 0; i < expected.Length; i++)
        {
            int t = i;
            for (int d = outShape.Length - 1; d >= 0; d--) { coord[d] = t % outShape[d]; t /= outShape[d]; }
            double u = a[BroadcastIndex(coord, aShape)], v = b[BroadcastIndex(coord, bShape)];
            expected[i] = ActivationReference.Apply(act, op == BinaryOp.Add ? u + v : u * v);
        }

        using var ga = _gpu.Upload(a);
        using var gb = _gpu.Upload(b);
        using var gy = _gpu.Alloc(expected.Length);
        K.Binary(op, ga.View, aDims, gb.View, bDims, act, gy.View, outDims);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, expected.Length), $"{op} {aDims} {bDims} {act}");

        // In place: the output may be exactly an operand that has the output's dims.
        if (aDims == outDims)
        {
            K.Binary(op, ga.View, aDims, gb.View, bDims, act, ga.View, outDims);
            ActivationReference.AssertEach(expected, _gpu.Download(ga, expected.Length), $"{op} {aDims} {bDims} {act} into a");
        }
        else if (bDims == outDims)
        {
            K.Binary(op, ga.View, aDims, gb.View, bDims, act, gb.View, outDims);
            ActivationReference.AssertEach(expected, _gpu.Download(gb, expected.Length), $"{op} {aDims} {bDims} {act} into b");
        }
    }

    private static int BroadcastIndex(int[] coord, int[] shape)
    {
        int index = 0;
        for (int d = 0; d < shape.Length; d++) index = index * shape[d] + (shape[d] == 1 ? 0 : coord[d]);
        return index;
    }

    [Fact]
    public void BinaryRejectsBadShapesAndOverlap()
    {
        using var x = _gpu.Alloc(64);
        var d23 = new TensorDims(2, 3);
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View, d23, x.View.SubView(10, 6), new TensorDims(6), Activation.None, x.View.SubView(20, 6), d23)); // rank
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View, d23, x.View.SubView(10, 6), new TensorDims(3, 2), Activation.None, x.View.SubView(20, 6), d23)); // 3 vs 2
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View, new TensorDims(2, 4), x.View.SubView(10, 6), d23, Activation.None, x.View.SubView(20, 6), d23)); // a larger than out
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View.SubView(0, 5), d23, x.View.SubView(10, 6), d23, Activation.None, x.View.SubView(20, 6), d23)); // a too short
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View, d23, x.View.SubView(10, 6), d23, Activation.None, x.View.SubView(3, 6), d23)); // partial overlap
        Assert.Throws<ArgumentException>(() => K.Binary(BinaryOp.Add, x.View, new TensorDims(1, 3), x.View.SubView(10, 6), d23, Activation.None, x.View, d23)); // over a broadcast operand
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Binary((BinaryOp)7, x.View, d23, x.View.SubView(10, 6), d23, Activation.None, x.View.SubView(20, 6), d23));
    }

    // ---------------------------------------------------------------- CopySlice

    // source dims, axis, source start, destination dims, destination start, count
    public static TheoryData<int[], int, int, int[], int, int> SliceCases => new()
    {
        { new[] { 2, 3, 4, 5 }, 1, 0, new[] { 2, 7, 4, 5 }, 3, 3 },    // torch.cat: the second input of a channel concat
        { new[] { 2, 7, 4, 5 }, 1, 2, new[] { 2, 4, 4, 5 }, 0, 4 },    // torch.split: a slice out of the channels
        { new[] { 3, 2, 5 }, 0, 1, new[] { 4, 2, 5 }, 2, 2 },          // outermost axis
        { new[] { 2, 3, 9 }, 2, 4, new[] { 2, 3, 6 }, 1, 5 },          // innermost axis
        { new[] { 10 }, 0, 3, new[] { 7 }, 2, 4 },                     // rank 1
        { new[] { 1, 5, 1, 3 }, 1, 1, new[] { 1, 3, 1, 3 }, 0, 3 },    // 1-element dims
        { new[] { 2, 1, 3, 4, 2, 3 }, 3, 1, new[] { 2, 1, 3, 5, 2, 3 }, 2, 3 }, // rank 6
        { new[] { 3, 1, 5 }, 1, 0, new[] { 3, 2, 5 }, 1, 1 },          // a single index along the axis
    };

    [Theory]
    [MemberData(nameof(SliceCases))]
    public void CopySliceMatchesNaiveCopy(int[] sourceShape, int axis, int sourceStart, int[] destinationShape, int destinationStart, int count)
    {
        var sourceDims = TensorDims.Of(sourceShape);
        var destinationDims = TensorDims.Of(destinationShape);
        var source = Ref.Random((int)sourceDims.Length, sourceShape.Sum(), -5f, 5f);
        var before = Ref.Random((int)destinationDims.Length, destinationShape.Sum() + 7, 10f, 20f); // what must survive
        var expected = (float[])before.Clone();
        var coord = new int[sourceShape.Length];
        for (int i = 0; i < source.Length; i++)
        {
            int t = i;
            for (int d = sourceShape.Length - 1; d >= 0; d--) { coord[d] = t % sourceShape[d]; t /= sourceShape[d]; }
            int k = coord[axis] - sourceStart;
            if (k < 0 || k >= count) continue;
            coord[axis] = destinationStart + k;
            int j = 0;
            for (int d = 0; d < destinationShape.Length; d++) j = j * destinationShape[d] + coord[d];
            expected[j] = source[i];
        }
        using var gs = _gpu.Upload(source);
        using var gd = _gpu.Upload(before);
        K.CopySlice(gs.View, sourceDims, axis, sourceStart, gd.View, destinationDims, destinationStart, count);
        Assert.Equal(expected, _gpu.Download(gd, expected.Length));
    }

    [Fact]
    public void CopySliceRejectsBadArguments()
    {
        using var s = _gpu.Alloc(60);
        using var d = _gpu.Alloc(60);
        var src = new TensorDims(3, 4, 5);
        var dst = new TensorDims(3, 2, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => K.CopySlice(s.View, src, 1, 3, d.View, dst, 0, 2)); // past the source
        Assert.Throws<ArgumentOutOfRangeException>(() => K.CopySlice(s.View, src, 1, 0, d.View, dst, 1, 2)); // past the destination
        Assert.Throws<ArgumentOutOfRangeException>(() => K.CopySlice(s.View, src, 3, 0, d.View, dst, 0, 1)); // axis
        Assert.Throws<ArgumentException>(() => K.CopySlice(s.View, src, 1, 0, d.View, new TensorDims(3, 2, 4), 0, 2)); // other dims differ
        Assert.Throws<ArgumentException>(() => K.CopySlice(s.View, src, 1, 0, s.View.SubView(30, 30), dst, 0, 2)); // overlap
        Assert.Throws<ArgumentOutOfRangeException>(() => K.CopySlice(s.View, src, 1, 0, d.View, dst, 0, 0)); // count
    }

    // ---------------------------------------------------------------- Permute

    public static TheoryData<int[], int[]> PermuteCases => new()
    {
        { new[] { 5, 7 }, new[] { 1, 0 } },
        { new[] { 3, 4 }, new[] { 0, 1 } },                   // identity
        { new[] { 3, 4, 5 }, new[] { 0, 2, 1 } },
        { new[] { 3, 4, 5 }, new[] { 2, 0, 1 } },
        { new[] { 3, 4, 5 }, new[] { 1, 0, 2 } },             // last axis stays last
        { new[] { 3, 4, 5 }, new[] { 2, 1, 0 } },
        { new[] { 1, 4, 16, 5 }, new[] { 0, 2, 1, 3 } },      // [1, 4, 16, A] → (0, 2, 1, 3)
        { new[] { 2, 3, 5, 7 }, new[] { 0, 2, 3, 1 } },       // NCHW → NHWC
        { new[] { 2, 5, 7, 3 }, new[] { 0, 3, 1, 2 } },       // NHWC → NCHW
        { new[] { 2, 3, 5, 7 }, new[] { 3, 2, 1, 0 } },
        { new[] { 3, 17, 9 }, new[] { 0, 2, 1 } },            // several tiles each way, ragged edges
        { new[] { 2, 3, 1, 4, 5 }, new[] { 0, 3, 1, 4, 2 } }, // rank 5 with a 1
        { new[] { 2, 1, 3, 2, 3, 2 }, new[] { 5, 4, 3, 2, 1, 0 } }, // rank 6 reversed
        { new[] { 2, 2, 3, 2, 3, 2 }, new[] { 0, 2, 1, 3, 5, 4 } }, // rank 6, pairs swapped
        { new[] { 1, 1, 1 }, new[] { 2, 0, 1 } },             // one element
    };

    [Theory]
    [MemberData(nameof(PermuteCases))]
    public void PermuteMatchesNaivePermute(int[] shape, int[] permutation)
    {
        var inputDims = TensorDims.Of(shape);
        var perm = TensorDims.Of(permutation);
        int rank = shape.Length;
        var x = Ref.Random((int)inputDims.Length, shape.Sum() * 3 + permutation[0]);
        var outShape = new int[rank];
        for (int i = 0; i < rank; i++) outShape[i] = shape[permutation[i]];
        var expected = new float[x.Length];
        var coord = new int[rank];
        var inCoord = new int[rank];
        for (int i = 0; i < expected.Length; i++)
        {
            int t = i;
            for (int d = rank - 1; d >= 0; d--) { coord[d] = t % outShape[d]; t /= outShape[d]; }
            for (int d = 0; d < rank; d++) inCoord[permutation[d]] = coord[d];
            int j = 0;
            for (int d = 0; d < rank; d++) j = j * shape[d] + inCoord[d];
            expected[i] = x[j];
        }
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(x.Length);
        K.Permute(gx.View, inputDims, perm, gy.View);
        Assert.Equal(expected, _gpu.Download(gy, x.Length));
    }

    [Fact]
    public void PermuteRejectsBadPermutations()
    {
        using var x = _gpu.Alloc(24);
        using var y = _gpu.Alloc(24);
        var dims = new TensorDims(2, 3, 4);
        Assert.Throws<ArgumentException>(() => K.Permute(x.View, dims, new TensorDims(0, 1), y.View));
        Assert.Throws<ArgumentException>(() => K.Permute(x.View, dims, new TensorDims(0, 1, 1), y.View));
        Assert.Throws<ArgumentException>(() => K.Permute(x.View, dims, new TensorDims(0, 1, 3), y.View));
        Assert.Throws<ArgumentException>(() => K.Permute(x.View, dims, new TensorDims(2, 1, 0), x.View));
        Assert.Throws<ArgumentException>(() => K.Permute(x.View, dims, new TensorDims(2, 1, 0), y.View.SubView(0, 23)));
    }

    // ---------------------------------------------------------------- adaptive pooling

    // planes, in height, in width, out height, out width
    [Theory]
    [InlineData(3, 7, 9, 3, 4)]    // uneven, overlapping bins
    [InlineData(2, 8, 8, 4, 4)]    // even bins
    [InlineData(1, 5, 5, 7, 6)]    // more outputs than inputs
    [InlineData(2, 6, 10, 1, 1)]   // global
    [InlineData(1, 1, 1, 2, 3)]    // one input pixel
    [InlineData(3, 13, 11, 5, 5)]
    public void AdaptivePoolsMatchNaiveBins(int planes, int ih, int iw, int oh, int ow)
    {
        var x = Ref.Random(planes * ih * iw, planes * 100 + ih * 10 + iw, -2f, 2f);
        var avg = new double[planes * oh * ow];
        var max = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    // PyTorch: start = floor(o·in/out), end = ceil((o + 1)·in/out)
                    int h0 = (int)Math.Floor((double)oy * ih / oh), h1 = (int)Math.Ceiling((double)(oy + 1) * ih / oh);
                    int w0 = (int)Math.Floor((double)ox * iw / ow), w1 = (int)Math.Ceiling((double)(ox + 1) * iw / ow);
                    double sum = 0;
                    float m = float.NegativeInfinity;
                    for (int iy = h0; iy < h1; iy++)
                        for (int ix = w0; ix < w1; ix++)
                        {
                            float v = x[(p * ih + iy) * iw + ix];
                            sum += v;
                            m = Math.Max(m, v);
                        }
                    int o = (p * oh + oy) * ow + ox;
                    avg[o] = sum / ((h1 - h0) * (w1 - w0));
                    max[o] = m;
                }
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(avg.Length);
        K.AdaptiveAvgPool(planes, ih, iw, oh, ow, gx.View, gy.View);
        ActivationReference.AssertEach(avg, _gpu.Download(gy, avg.Length), $"adaptive avg {ih}x{iw} -> {oh}x{ow}", 1e-5);
        K.AdaptiveMaxPool(planes, ih, iw, oh, ow, gx.View, gy.View);
        Assert.Equal(max, _gpu.Download(gy, max.Length));
    }

    [Fact]
    public void AdaptiveMaxPoolPropagatesNaN()
    {
        var x = Ref.Random(2 * 6 * 6, 3);
        x[7] = float.NaN; // plane 0, row 1, column 1: only the first bin of a 2×2 output
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(8);
        K.AdaptiveMaxPool(2, 6, 6, 2, 2, gx.View, gy.View);
        var y = _gpu.Download(gy, 8);
        Assert.True(float.IsNaN(y[0]));
        for (int i = 1; i < 8; i++) Assert.False(float.IsNaN(y[i]), $"output {i}");
    }

    // ---------------------------------------------------------------- Nearest / Bilinear

    /// <summary>ATen's compute_scales_value: 1/scale_factor (computed in double, used in float) when a factor is given, else in/out.</summary>
    private static float TorchScale(int input, int output, double? scaleFactor) =>
        scaleFactor is double f ? (float)(1.0 / f) : (float)input / output;

    /// <summary>ATen's area_pixel_compute_scale.</summary>
    private static float TorchLinearScale(int input, int output, bool alignCorners, double? scaleFactor) =>
        alignCorners ? (output > 1 ? (float)(input - 1) / (output - 1) : 0f) : TorchScale(input, output, scaleFactor);

    // planes, in height, in width, scale factor (0: sizes given as out height/width)
    [Theory]
    [InlineData(2, 5, 6, 1.5, 0, 0)]
    [InlineData(2, 10, 9, 0.7, 0, 0)]
    [InlineData(1, 3, 4, 2.0, 0, 0)]
    [InlineData(1, 4, 3, 3.0, 0, 0)]
    [InlineData(2, 5, 7, 0, 11, 6)]
    public void NearestWithExplicitScaleMatchesTorchRule(int planes, int ih, int iw, double factor, int oh, int ow)
    {
        double? f = factor > 0 ? factor : null;
        if (f is double s) { oh = (int)Math.Floor(ih * s); ow = (int)Math.Floor(iw * s); }
        float scaleY = TorchScale(ih, oh, f), scaleX = TorchScale(iw, ow, f);
        var x = Ref.Random(planes * ih * iw, ih * iw + oh);
        var expected = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++)
                {
                    // torch's nearest_idx: floorf(dst·scale) in float, clamped to the last index
                    int sy = Math.Min((int)MathF.Floor(oy * scaleY), ih - 1), sx = Math.Min((int)MathF.Floor(ox * scaleX), iw - 1);
                    expected[(p * oh + oy) * ow + ox] = x[(p * ih + sy) * iw + sx];
                }
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(expected.Length);
        K.Nearest(planes, ih, iw, oh, ow, scaleY, scaleX, gx.View, gy.View);
        Assert.Equal(expected, _gpu.Download(gy, expected.Length));
    }

    // planes, in height, in width, out height, out width (0: from the factor), align corners, scale factor (0: sizes)
    [Theory]
    [InlineData(2, 5, 7, 10, 14, false, 0)]
    [InlineData(2, 5, 7, 10, 14, true, 0)]
    [InlineData(1, 6, 9, 4, 5, false, 0)]   // down
    [InlineData(1, 6, 9, 4, 5, true, 0)]
    [InlineData(2, 4, 6, 0, 0, false, 1.5)]
    [InlineData(1, 10, 10, 0, 0, false, 0.7)]
    [InlineData(1, 4, 5, 0, 0, true, 1.5)]  // align_corners ignores the factor's scale
    [InlineData(1, 5, 5, 1, 1, true, 0)]    // a single output with align_corners: scale 0
    [InlineData(2, 1, 3, 3, 7, false, 0)]   // one input row
    public void BilinearMatchesNaiveInterpolation(int planes, int ih, int iw, int oh, int ow, bool alignCorners, double factor)
    {
        double? f = factor > 0 ? factor : null;
        if (f is double s) { oh = (int)Math.Floor(ih * s); ow = (int)Math.Floor(iw * s); }
        float scaleY = TorchLinearScale(ih, oh, alignCorners, f), scaleX = TorchLinearScale(iw, ow, alignCorners, f);
        var x = Ref.Random(planes * ih * iw, ih * 7 + iw + oh, -2f, 2f);
        var expected = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++)
            for (int oy = 0; oy < oh; oy++)
            {
                (int h0, int h1, double lh1) = LinearTaps(scaleY, oy, ih, alignCorners);
                for (int ox = 0; ox < ow; ox++)
                {
                    (int w0, int w1, double lw1) = LinearTaps(scaleX, ox, iw, alignCorners);
                    double At(int yy, int xx) => x[(p * ih + yy) * iw + xx];
                    expected[(p * oh + oy) * ow + ox] = (1 - lh1) * ((1 - lw1) * At(h0, w0) + lw1 * At(h0, w1))
                        + lh1 * ((1 - lw1) * At(h1, w0) + lw1 * At(h1, w1));
                }
            }
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(expected.Length);
        K.Bilinear(planes, ih, iw, oh, ow, alignCorners, scaleY, scaleX, gx.View, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, expected.Length), $"bilinear {ih}x{iw} -> {oh}x{ow} align={alignCorners}", 1e-5);
    }

    private static (int I0, int I1, double L1) LinearTaps(float scale, int dst, int size, bool alignCorners)
    {
        double src = alignCorners ? (double)scale * dst : Math.Max((double)scale * (dst + 0.5) - 0.5, 0);
        int i0 = Math.Min((int)Math.Floor(src), size - 1);
        return (i0, i0 < size - 1 ? i0 + 1 : i0, src - i0);
    }

    [Fact]
    public void ResizeRejectsBadScales()
    {
        using var x = _gpu.Alloc(16);
        using var y = _gpu.Alloc(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Nearest(1, 4, 4, 8, 8, float.NaN, 0.5f, x.View, y.View));
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Nearest(1, 4, 4, 8, 8, 0.5f, -0.5f, x.View, y.View));
        Assert.Throws<ArgumentOutOfRangeException>(() => K.Bilinear(1, 4, 4, 8, 8, false, float.PositiveInfinity, 0.5f, x.View, y.View));
        Assert.Throws<ArgumentException>(() => K.Bilinear(1, 4, 4, 8, 8, false, 0.5f, 0.5f, x.View, y.View.SubView(0, 63)));
        Assert.Throws<ArgumentException>(() => K.Nearest(1, 4, 4, 8, 8, 0.5f, 0.5f, y.View.SubView(8, 16), y.View));
    }

    // ---------------------------------------------------------------- ConvTranspose2d

    // in channels, height, width, out channels, kernel, stride, pad, output padding, dilation, groups
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> ConvTransposeShapes => new()
    {
        { 4, 5, 6, 3, 2, 2, 0, 0, 1, 1 },   // k2 s2: the U-Net upsampler
        { 3, 5, 4, 4, 3, 2, 1, 1, 1, 1 },   // k3 s2 p1 op1: exact 2×
        { 2, 4, 5, 3, 4, 2, 1, 0, 1, 1 },   // k4 s2 p1 (DCGAN)
        { 4, 5, 5, 6, 3, 2, 1, 1, 1, 2 },   // groups 2
        { 3, 5, 6, 2, 3, 1, 1, 0, 2, 1 },   // dilation 2
        { 2, 4, 4, 3, 3, 2, 2, 1, 2, 1 },   // dilation 2 stride 2, output padding 1
        { 2, 3, 4, 2, 3, 3, 0, 2, 1, 1 },   // stride 3, output padding 2
        { 5, 3, 3, 4, 1, 1, 0, 0, 1, 1 },   // 1×1
        { 4, 4, 5, 4, 3, 2, 1, 1, 1, 4 },   // depthwise
        { 1, 1, 1, 3, 3, 1, 0, 0, 1, 1 },   // one input pixel
        { 3, 4, 5, 2, 5, 1, 3, 0, 1, 1 },   // padding that crops most of the full output (2×3 of 8×9)
    };

    private static ConvTranspose2dShape TransposeShape(int ic, int h, int w, int oc, int k, int s, int p, int op, int d, int g) =>
        new(ic, h, w, oc, (h - 1) * s - 2 * p + d * (k - 1) + op + 1, (w - 1) * s - 2 * p + d * (k - 1) + op + 1, k, k, s, s, p, p, d, d, g);

    /// <summary>The scatter form of a transposed convolution, in double: every input pixel adds its weighted taps into the output.</summary>
    private static double[] NaiveConvTranspose(ConvTranspose2dShape s, int batch, float[] x, float[] w, float[]? bias, Activation act)
    {
        var y = new double[batch * s.OutputLength];
        int cinG = s.InChannels / s.Groups, coutG = s.OutChannels / s.Groups;
        for (int n = 0; n < batch; n++)
            for (int ic = 0; ic < s.InChannels; ic++)
            {
                int g = ic / cinG;
                for (int iy = 0; iy < s.InHeight; iy++)
                    for (int ix = 0; ix < s.InWidth; ix++)
                    {
                        double v = x[((n * s.InChannels + ic) * s.InHeight + iy) * s.InWidth + ix];
                        for (int o = 0; o < coutG; o++)
                            for (int kh = 0; kh < s.KernelHeight; kh++)
                                for (int kw = 0; kw < s.KernelWidth; kw++)
                                {
                                    int oy = iy * s.StrideHeight - s.PadHeight + kh * s.DilationHeight;
                                    int ox = ix * s.StrideWidth - s.PadWidth + kw * s.DilationWidth;
                                    if (oy < 0 || oy >= s.OutHeight || ox < 0 || ox >= s.OutWidth) continue;
                                    int oc = g * coutG + o;
                                    y[((n * s.OutChannels + oc) * s.OutHeight + oy) * s.OutWidth + ox] +=
                                        v * w[((ic * coutG + o) * s.KernelHeight + kh) * s.KernelWidth + kw];
                                }
                    }
            }
        for (int i = 0; i < y.Length; i++)
        {
            int oc = i / (s.OutHeight * s.OutWidth) % s.OutChannels;
            y[i] = ActivationReference.Apply(act, y[i] + (bias is null ? 0 : bias[oc]));
        }
        return y;
    }

    [Theory]
    [MemberData(nameof(ConvTransposeShapes))]
    public void ConvTranspose2dMatchesNaiveScatter(int ic, int h, int w, int oc, int k, int s, int p, int op, int d, int g)
    {
        var shape = TransposeShape(ic, h, w, oc, k, s, p, op, d, g);
        int seed = ic * 1000 + h * 100 + oc * 10 + k + s + p + op + d + g;
        var x = Ref.Random(shape.InputLength, seed);
        var wt = Ref.Random(shape.WeightLength, seed + 1);
        var bias = Ref.Random(oc, seed + 2);
        var act = new Activation((ActivationKind)(seed % 11), 0.1f);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(wt);
        using var gb = _gpu.Upload(bias);
        using var gy = _gpu.Alloc(shape.OutputLength);
        K.ConvTranspose2d(shape, gx.View, gw.View, gb.View, act, gy.View);
        GpuAssertDouble(NaiveConvTranspose(shape, 1, x, wt, bias, act), _gpu.Download(gy, shape.OutputLength), $"{shape} {act}");
        K.ConvTranspose2d(shape, gx.View, gw.View, default, Activation.None, gy.View);
        GpuAssertDouble(NaiveConvTranspose(shape, 1, x, wt, null, Activation.None), _gpu.Download(gy, shape.OutputLength), $"{shape} no bias");
    }

    [Fact]
    public void ConvTranspose2dBatchAndAsymmetricShape()
    {
        // 3×2 kernel, strides 2×1, padding 1×0, dilation 1×2, output padding 1×1, two samples.
        var shape = new ConvTranspose2dShape(4, 3, 5, 6, (3 - 1) * 2 - 2 + 2 + 1 + 1, (5 - 1) * 1 - 0 + 2 * 1 + 1 + 1, 3, 2, 2, 1, 1, 0, 1, 2, 2);
        shape.Validate();
        var x = Ref.Random(2 * shape.InputLength, 41);
        var wt = Ref.Random(shape.WeightLength, 42);
        var bias = Ref.Random(6, 43);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(wt);
        using var gb = _gpu.Upload(bias);
        using var gy = _gpu.Alloc(2 * shape.OutputLength);
        K.ConvTranspose2d(shape, gx.View, gw.View, gb.View, Activation.Relu, gy.View, batch: 2);
        GpuAssertDouble(NaiveConvTranspose(shape, 2, x, wt, bias, Activation.Relu), _gpu.Download(gy, 2 * shape.OutputLength), $"{shape} batch 2");
    }

    [Fact]
    public void ConvTranspose2dRejectsBadShapes()
    {
        var shape = TransposeShape(3, 4, 4, 2, 3, 2, 1, 1, 1, 1);
        using var x = _gpu.Alloc(shape.InputLength);
        using var w = _gpu.Alloc(shape.WeightLength);
        using var y = _gpu.Alloc(shape.OutputLength);
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape with { OutHeight = shape.OutHeight + 1 }, x.View, w.View, default, Activation.None, y.View)); // op = 2 ≥ stride
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape with { OutHeight = shape.OutHeight - 2 }, x.View, w.View, default, Activation.None, y.View)); // op < 0
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape with { Groups = 2 }, x.View, w.View, default, Activation.None, y.View)); // 3 channels
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape, x.View, w.View.SubView(0, shape.WeightLength - 1), default, Activation.None, y.View));
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape, x.View, w.View, default, Activation.None, y.View, batch: 2));
        Assert.Throws<ArgumentException>(() => K.ConvTranspose2d(shape, y.View, w.View, default, Activation.None, y.View));
    }

    private static void GpuAssertDouble(double[] expected, float[] actual, string what)
    {
        // A sum of products: rounding grows with the number of terms, so the bound is relative to the largest output.
        var e = new float[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = (float)expected[i];
        GpuAssert.Close(e, actual, what, rel: 1e-5, abs: 1e-6);
    }

    // ---------------------------------------------------------------- SoftmaxAxis

    // outer, axis, inner, value range
    [Theory]
    [InlineData(1, 7, 1, 3f)]      // one row
    [InlineData(3, 5, 1, 3f)]      // rows (the group-per-row kernel)
    [InlineData(2, 4, 6, 3f)]      // a middle axis
    [InlineData(1, 9, 13, 3f)]     // the first axis
    [InlineData(5, 1, 3, 3f)]      // an axis of one: all ones
    [InlineData(2, 33, 3, 60f)]    // large logits: exp would overflow without the maximum subtracted
    public void SoftmaxAxisMatchesNaiveSoftmax(int outer, int axis, int inner, float range)
    {
        var x = Ref.Random(outer * axis * inner, outer * 100 + axis * 10 + inner, -range, range);
        var expected = NaiveSoftmax(x, outer, axis, inner);
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(x.Length);
        K.SoftmaxAxis(outer, axis, inner, gx.View, gy.View);
        ActivationReference.AssertEach(expected, _gpu.Download(gy, x.Length), $"softmax [{outer}, {axis}, {inner}]", 5e-6);
        K.SoftmaxAxis(outer, axis, inner, gx.View, gx.View); // in place
        ActivationReference.AssertEach(expected, _gpu.Download(gx, x.Length), $"softmax [{outer}, {axis}, {inner}] in place", 5e-6);
    }

    [Fact]
    public void SoftmaxAxisPropagatesNaNAndAllNegativeInfinity()
    {
        const int outer = 2, axis = 3, inner = 4;
        var x = Ref.Random(outer * axis * inner, 9);
        x[1 * inner + 2] = float.NaN; // column (0, 2)
        for (int k = 0; k < axis; k++) x[(1 * axis + k) * inner + 3] = float.NegativeInfinity; // column (1, 3)
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(x.Length);
        K.SoftmaxAxis(outer, axis, inner, gx.View, gy.View);
        var y = _gpu.Download(gy, x.Length);
        var expected = NaiveSoftmax(x, outer, axis, inner);
        for (int k = 0; k < axis; k++)
        {
            Assert.True(float.IsNaN(y[k * inner + 2]), "NaN column");
            Assert.True(float.IsNaN(y[(axis + k) * inner + 3]), "all −∞ column");
        }
        ActivationReference.AssertEach(expected, y, "softmax with NaN and −∞ columns", 5e-6);
    }

    private static double[] NaiveSoftmax(float[] x, int outer, int axis, int inner)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int r = 0; r < inner; r++)
            {
                double m = double.NegativeInfinity;
                bool nan = false;
                for (int k = 0; k < axis; k++)
                {
                    double v = x[(o * axis + k) * inner + r];
                    nan |= double.IsNaN(v);
                    m = Math.Max(m, v);
                }
                double sum = 0;
                for (int k = 0; k < axis; k++) sum += Math.Exp(x[(o * axis + k) * inner + r] - m);
                for (int k = 0; k < axis; k++)
                {
                    int i = (o * axis + k) * inner + r;
                    y[i] = nan || double.IsNegativeInfinity(m) ? double.NaN : Math.Exp(x[i] - m) / sum;
                }
            }
        return y;
    }

    // ---------------------------------------------------------------- allocations

    private static void RawBinary(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, TensorDims dims, TensorDims aStrides,
        TensorDims bStrides, int n, int op, Activation activation)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX) y[i] = a[i * aStrides[0]] + b[i * bStrides[0]];
    }

    private static void RawConvTranspose(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        ConvTranspose2dShape s, Activation activation, int batch, int hasBias)
    {
        int n = batch * s.OutChannels * s.OutHeight * s.OutWidth;
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX) y[i] = x[0] * w[0] + (hasBias != 0 ? bias[0] : 0f);
    }

    /// <summary>
    /// The Binary and ConvTranspose2d launchers (validation, dim merging on the stack, launch geometry) add nothing to
    /// what ILGPU allocates for a launch: a kernel of the same signature loaded straight from ILGPU allocates the same.
    /// </summary>
    [Fact]
    public void LaunchersAllocateNoMoreThanARawIlgpuLaunch()
    {
        var stream = K.Stream;
        var config = new KernelConfig(4, K.ThreadsPerGroup);
        const int launches = 40;

        var dims = new TensorDims(2, 3, 4, 8);
        var rowDims = new TensorDims(2, 3, 1, 1);
        using var a = _gpu.Upload(Ref.Random(192, 1));
        using var b = _gpu.Upload(Ref.Random(6, 2));
        using var y = _gpu.Alloc(192);
        var rawBinary = _gpu.Accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, TensorDims, TensorDims, TensorDims, int, int, Activation>(RawBinary);
        var strides = new TensorDims(1);
        var zero = new TensorDims(0);
        void Raw() => rawBinary(stream, config, a.View, b.View, y.View, dims, strides, zero, 192, 0, Activation.Silu);
        void Ours() => K.Binary(BinaryOp.Mul, a.View, dims, b.View, rowDims, Activation.Silu, y.View, dims);
        (long raw, long ours) = LaunchAllocations.Fewest(Raw, Ours, launches, K.Synchronize);
        _output.WriteLine($"{_gpu.Context.Description}: raw launch {raw / (double)launches} B, Binary {ours / (double)launches} B per launch");
        Assert.True(ours <= raw, $"Binary's launcher allocated {ours} B for {launches} launches, a raw ILGPU launch {raw} B");

        var shape = TransposeShape(4, 5, 6, 3, 2, 2, 0, 0, 1, 1);
        using var x = _gpu.Upload(Ref.Random(shape.InputLength, 3));
        using var w = _gpu.Upload(Ref.Random(shape.WeightLength, 4));
        using var bias = _gpu.Upload(Ref.Random(3, 5));
        using var o = _gpu.Alloc(shape.OutputLength);
        var rawTranspose = _gpu.Accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvTranspose2dShape, Activation, int, int>(RawConvTranspose);
        void RawT() => rawTranspose(stream, config, x.View, w.View, bias.View, o.View, shape, Activation.Relu, 1, 1);
        void OursT() => K.ConvTranspose2d(shape, x.View, w.View, bias.View, Activation.Relu, o.View);
        (raw, ours) = LaunchAllocations.Fewest(RawT, OursT, launches, K.Synchronize);
        _output.WriteLine($"{_gpu.Context.Description}: raw launch {raw / (double)launches} B, ConvTranspose2d {ours / (double)launches} B per launch");
        Assert.True(ours <= raw, $"ConvTranspose2d's launcher allocated {ours} B for {launches} launches, a raw ILGPU launch {raw} B");
        if (!_gpu.Context.IsCpuFallback) Assert.Equal(0, ours); // CUDA launches marshal arguments on the stack
    }
}
