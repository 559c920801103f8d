using VisionGen.Cpu;
using VisionGen.Imaging;
using VisionGen.Kernels;
using VisionGen.Normalization;
using VisionGen.Ops;
using Ref = VisionGen.Tests.Cpu.Reference;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// Every GpuKernels kernel against the CPU kernels of VisionGen.Runtime (themselves tested against naive
/// references) over tables of shapes, on whatever accelerator <see cref="GpuContext.Create"/> picks.
/// </summary>
public sealed class GpuKernelTests : IClassFixture<GpuFixture>
{
    private readonly GpuFixture _gpu;

    public GpuKernelTests(GpuFixture gpu) => _gpu = gpu;

    // in channels, height, width, out channels, kernel, stride, pad, dilation, groups
    public static TheoryData<int, int, int, int, int, int, int, int, int> ConvShapes => new()
    {
        { 3, 9, 11, 8, 3, 1, 1, 1, 1 },   // odd sizes, 3×3 pad 1
        { 4, 10, 9, 8, 3, 2, 1, 1, 1 },   // stride 2
        { 8, 7, 7, 8, 3, 1, 2, 2, 1 },    // dilation 2
        { 8, 9, 9, 8, 3, 1, 1, 1, 8 },    // depthwise
        { 6, 9, 8, 6, 3, 2, 1, 1, 6 },    // depthwise stride 2
        { 5, 8, 7, 5, 5, 1, 4, 2, 5 },    // depthwise 5×5 dilation 2
        { 8, 6, 7, 16, 3, 1, 1, 1, 2 },   // groups 2, wide groups
        { 4, 6, 6, 4, 3, 1, 1, 1, 2 },    // groups 2, narrow groups
        { 8, 7, 5, 12, 1, 1, 0, 1, 1 },   // pointwise
        { 5, 8, 8, 7, 1, 2, 0, 1, 1 },    // 1×1 stride 2 (not pointwise)
        { 3, 13, 11, 4, 5, 2, 2, 1, 1 },  // 5×5 stride 2
        { 2, 5, 5, 3, 7, 1, 3, 1, 1 },    // kernel wider than the image
        { 20, 5, 6, 9, 3, 1, 0, 1, 1 },   // K = 180: several K tiles, unpadded
        { 24, 12, 11, 72, 3, 1, 1, 1, 1 }, // M = 72, N = 132: more than one 64-wide tile each way on CUDA
    };

    private static Conv2dShape Shape(int ic, int h, int w, int oc, int k, int s, int p, int d, int g) =>
        new(ic, h, w, oc, ShapeRules.WindowOutput(h, k, s, p, d), ShapeRules.WindowOutput(w, k, s, p, d), k, k, s, s, p, p, d, d, g);

    private float[] RunConv(Conv2dShape s, float[] x, float[] w, float[]? bias, float[]? residual, Activation act, ConvAlgorithm algorithm, int batch = 1)
    {
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(w);
        using var gb = bias is null ? null : _gpu.Upload(bias);
        using var gr = residual is null ? null : _gpu.Upload(residual);
        using var gy = _gpu.Alloc(batch * s.OutputLength);
        _gpu.Kernels.Conv2d(s, gx.View, gw.View, gb?.View ?? default, gr?.View ?? default, act, gy.View, batch, algorithm);
        return _gpu.Download(gy, batch * s.OutputLength);
    }

    private static float[] CpuConv(Conv2dShape s, float[] x, float[] w, float[]? bias, float[]? residual, Activation act, int batch = 1)
    {
        var y = new float[batch * s.OutputLength];
        var scratch = new float[Math.Max(1, s.ScratchLength)];
        // The CPU kernel takes its own packed layout; the GPU kernel takes PyTorch's.
        var packed = new float[VisionGen.Cpu.Conv2d.PackedWeightLength(s)];
        VisionGen.Cpu.Conv2d.PackWeights(s, w, packed);
        for (int n = 0; n < batch; n++)
            VisionGen.Cpu.Conv2d.Forward(s, x.AsSpan(n * s.InputLength, s.InputLength), packed, bias ?? default,
                residual is null ? default : residual.AsSpan(n * s.OutputLength, s.OutputLength), act,
                y.AsSpan(n * s.OutputLength, s.OutputLength), scratch);
        return y;
    }

    [Theory]
    [MemberData(nameof(ConvShapes))]
    public void Conv2dEveryAlgorithmMatchesCpu(int ic, int h, int w, int oc, int k, int s, int p, int d, int g)
    {
        var shape = Shape(ic, h, w, oc, k, s, p, d, g);
        int seed = ic * 1000 + h * 100 + oc * 10 + k + s + p + d + g;
        var x = Ref.Random(shape.InputLength, seed);
        var wt = Ref.Random(shape.WeightLength, seed + 1);
        var bias = Ref.Random(oc, seed + 2);
        var residual = Ref.Random(shape.OutputLength, seed + 3);
        var act = new Activation((VisionGen.Ops.ActivationKind)(seed % 3));
        var expected = CpuConv(shape, x, wt, bias, residual, act);
        var algorithms = shape.IsDepthwise
            ? new[] { ConvAlgorithm.Auto, ConvAlgorithm.Direct, ConvAlgorithm.Depthwise, ConvAlgorithm.ImplicitGemm, ConvAlgorithm.ImplicitGemmWide, ConvAlgorithm.ImplicitGemmSplitK }
            : new[] { ConvAlgorithm.Auto, ConvAlgorithm.Direct, ConvAlgorithm.ImplicitGemm, ConvAlgorithm.ImplicitGemmWide, ConvAlgorithm.ImplicitGemmSplitK };
        foreach (var algorithm in algorithms)
            GpuAssert.Close(expected, RunConv(shape, x, wt, bias, residual, act, algorithm), $"{shape} {act} {algorithm}");
    }

    // Inception v3's per-axis kernels: ic, h, w, oc, kh, kw, stride, ph, pw (each algorithm against the CPU kernel, which
    // the Inception v3 parity tests check against PyTorch).
    [Theory]
    [InlineData(6, 7, 9, 5, 1, 7, 1, 0, 3)]
    [InlineData(6, 9, 7, 5, 7, 1, 1, 3, 0)]
    [InlineData(4, 5, 6, 3, 1, 3, 1, 0, 1)]
    [InlineData(4, 6, 5, 3, 3, 1, 2, 1, 0)]
    public void Conv2dPerAxisKernelsMatchCpu(int ic, int h, int w, int oc, int kh, int kw, int stride, int ph, int pw)
    {
        var shape = new Conv2dShape(ic, h, w, oc, ShapeRules.WindowOutput(h, kh, stride, ph), ShapeRules.WindowOutput(w, kw, stride, pw),
            kh, kw, stride, stride, ph, pw, 1, 1, 1);
        var x = Ref.Random(shape.InputLength, kh * 10 + kw);
        var wt = Ref.Random(shape.WeightLength, kh * 10 + kw + 1);
        var bias = Ref.Random(oc, 5);
        var expected = CpuConv(shape, x, wt, bias, null, Activation.Relu);
        foreach (var algorithm in new[] { ConvAlgorithm.Auto, ConvAlgorithm.Direct, ConvAlgorithm.ImplicitGemm, ConvAlgorithm.ImplicitGemmWide, ConvAlgorithm.ImplicitGemmSplitK })
            GpuAssert.Close(expected, RunConv(shape, x, wt, bias, null, Activation.Relu, algorithm), $"{shape} {algorithm}");
    }

    [Theory]
    [InlineData(ActivationKind.None, false, false)]
    [InlineData(ActivationKind.Relu, true, false)]
    [InlineData(ActivationKind.Relu6, true, true)]
    [InlineData(ActivationKind.Relu, false, true)]
    public void Conv2dEpilogueVariantsMatchCpu(ActivationKind kind, bool withBias, bool withResidual)
    {
        var act = new Activation(kind);
        var shape = Shape(6, 7, 9, 8, 3, 1, 1, 1, 1);
        var x = Ref.Random(shape.InputLength, 11, -4f, 4f); // wide range so Relu6 clips at both ends
        var wt = Ref.Random(shape.WeightLength, 12);
        var bias = withBias ? Ref.Random(8, 13) : null;
        var residual = withResidual ? Ref.Random(shape.OutputLength, 14, -3f, 3f) : null;
        var expected = CpuConv(shape, x, wt, bias, residual, act);
        foreach (var algorithm in new[] { ConvAlgorithm.Direct, ConvAlgorithm.ImplicitGemm, ConvAlgorithm.ImplicitGemmWide, ConvAlgorithm.ImplicitGemmSplitK })
            GpuAssert.Close(expected, RunConv(shape, x, wt, bias, residual, act, algorithm), $"{act} bias={withBias} residual={withResidual} {algorithm}");
    }

    [Theory]
    [InlineData(ConvAlgorithm.Direct, 4, 8, 3, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemm, 4, 8, 3, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemm, 6, 6, 1, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemmWide, 4, 8, 3, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemmWide, 6, 6, 1, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemmSplitK, 4, 8, 3, 1)]
    [InlineData(ConvAlgorithm.ImplicitGemmSplitK, 40, 6, 1, 1)]
    [InlineData(ConvAlgorithm.Depthwise, 5, 5, 3, 5)]
    public void Conv2dBatchOfTwoMatchesCpuPerSample(ConvAlgorithm algorithm, int ic, int oc, int k, int g)
    {
        var shape = Shape(ic, 6, 7, oc, k, 1, k / 2, 1, g);
        var x = Ref.Random(2 * shape.InputLength, 21);
        var wt = Ref.Random(shape.WeightLength, 22);
        var bias = Ref.Random(oc, 23);
        var residual = Ref.Random(2 * shape.OutputLength, 24);
        var expected = CpuConv(shape, x, wt, bias, residual, Activation.Relu, batch: 2);
        GpuAssert.Close(expected, RunConv(shape, x, wt, bias, residual, Activation.Relu, algorithm, batch: 2), $"batch 2 {algorithm}");
    }

    [Fact]
    public void Conv2dRejectsWrongSizesAndAlgorithms()
    {
        var shape = Shape(3, 5, 5, 4, 3, 1, 1, 1, 1);
        using var x = _gpu.Alloc(shape.InputLength);
        using var w = _gpu.Alloc(shape.WeightLength);
        using var shortOut = _gpu.Alloc(shape.OutputLength - 1);
        using var y = _gpu.Alloc(shape.OutputLength);
        Assert.Throws<ArgumentException>(() => _gpu.Kernels.Conv2d(shape, x.View, w.View, default, default, Activation.None, shortOut.View));
        Assert.Throws<ArgumentException>(() => _gpu.Kernels.Conv2d(shape, x.View, w.View, default, default, Activation.None, y.View, algorithm: ConvAlgorithm.Depthwise));
        Assert.Throws<ArgumentException>(() => _gpu.Kernels.Conv2d(shape with { OutHeight = 4 }, x.View, w.View, default, default, Activation.None, y.View));
        Assert.Equal(ConvAlgorithm.Depthwise, GpuKernels.ChooseConvAlgorithm(Shape(8, 5, 5, 8, 3, 1, 1, 1, 8)));
        Assert.Equal(ConvAlgorithm.ImplicitGemm, GpuKernels.ChooseConvAlgorithm(Shape(8, 5, 5, 16, 1, 1, 0, 1, 1)));
    }

    [Fact]
    public void LaunchesStayInsideCudaGridLimitsOnEveryAccelerator()
    {
        // 8192 groups × batch 8 = 65536 on the implicit GEMM's Z axis, one more than CUDA takes: Auto runs it direct, and an
        // explicit ImplicitGemm is a clear error, on the CPU accelerator too (which has no such limit), so CI sees it.
        var shape = Shape(8192, 1, 1, 8 * 8192, 1, 1, 0, 1, 8192);
        const int batch = 8;
        var x = Ref.Random(batch * shape.InputLength, 31);
        var w = Ref.Random(shape.WeightLength, 32);
        var expected = CpuConv(shape, x, w, null, null, Activation.Relu, batch);
        GpuAssert.Close(expected, RunConv(shape, x, w, null, null, Activation.Relu, ConvAlgorithm.Auto, batch), "8192 groups × batch 8, Auto");
        var e = Assert.Throws<ArgumentException>(() => RunConv(shape, x, w, null, null, Activation.Relu, ConvAlgorithm.ImplicitGemm, batch));
        Assert.Contains("65535", e.Message);

        using var tall = _gpu.Alloc(65536);
        using var taps = _gpu.Upload(GpuKernels.GaussianTaps(3, 1.0));
        Assert.Contains("65535", Assert.Throws<ArgumentException>(() =>
            _gpu.Kernels.BlurRows(tall.View, tall.View, taps.View, 3, width: 1, height: 65536, planes: 1)).Message);
    }

    // channels, height, width, kernel, stride, padding
    [Theory]
    [InlineData(3, 9, 9, 3, 2, 1)]
    [InlineData(2, 8, 7, 2, 2, 0)]
    [InlineData(4, 11, 10, 3, 1, 1)]
    [InlineData(1, 7, 7, 5, 2, 2)]
    [InlineData(2, 10, 13, 3, 3, 1)]
    [InlineData(3, 8, 11, 3, 2, 0, true)]
    [InlineData(2, 7, 9, 2, 2, 0, true)]
    [InlineData(2, 8, 10, 3, 2, 1, true)]
    public void PoolingMatchesCpu(int c, int h, int w, int k, int s, int p, bool ceilMode = false)
    {
        var shape = ceilMode
            ? new Pool2dShape(c, h, w, ShapeRules.WindowOutputCeil(h, k, s, p), ShapeRules.WindowOutputCeil(w, k, s, p), k, s, p)
            : new Pool2dShape(c, h, w, ShapeRules.WindowOutput(h, k, s, p), ShapeRules.WindowOutput(w, k, s, p), k, s, p);
        var x = Ref.Random(shape.InputLength, c * 31 + h + w + k, -2f, 1f);
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(shape.OutputLength);
        var expected = new float[shape.OutputLength];

        Pool2d.Max(shape, x, expected);
        _gpu.Kernels.MaxPool(shape, gx.View, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, shape.OutputLength), $"max {shape}");

        Pool2d.Average(shape, x, expected);
        _gpu.Kernels.AvgPool(shape, gx.View, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, shape.OutputLength), $"avg {shape}");
    }

    [Fact]
    public void MaxPoolPropagatesNaN()
    {
        var shape = new Pool2dShape(1, 4, 4, 2, 2, 2, 2, 0);
        var x = Ref.Random(16, 5);
        x[5] = float.NaN;
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(4);
        _gpu.Kernels.MaxPool(shape, gx.View, gy.View);
        var y = _gpu.Download(gy, 4);
        Assert.True(float.IsNaN(y[0]));
        Assert.False(float.IsNaN(y[1]) || float.IsNaN(y[2]) || float.IsNaN(y[3]));
    }

    [Theory]
    [InlineData(5, 49)]
    [InlineData(3, 1000)]
    [InlineData(17, 1)]
    public void GlobalAvgPoolMatchesCpu(int channels, int spatial)
    {
        var x = Ref.Random(channels * spatial, channels + spatial);
        var expected = new float[channels];
        Pool2d.GlobalAverage(channels, spatial, x, expected);
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(channels);
        _gpu.Kernels.GlobalAvgPool(channels, spatial, gx.View, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, channels), "global average");
    }

    [Theory]
    [InlineData(17, 10, true, ActivationKind.None)]
    [InlineData(300, 7, true, ActivationKind.Relu)]
    [InlineData(9, 33, false, ActivationKind.Relu6)]
    public void LinearMatchesCpu(int nIn, int nOut, bool withBias, ActivationKind kind)
    {
        var act = new Activation(kind);
        var x = Ref.Random(nIn, nIn, -3f, 3f);
        var w = Ref.Random(nIn * nOut, nOut);
        var b = withBias ? Ref.Random(nOut, 7) : null;
        var expected = new float[nOut];
        Linear.Forward(nIn, nOut, x, w, b ?? default, act, expected);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(w);
        using var gb = b is null ? null : _gpu.Upload(b);
        using var gy = _gpu.Alloc(nOut);
        _gpu.Kernels.Linear(nIn, nOut, gx.View, gw.View, gb?.View ?? default, act, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, nOut), $"linear {nIn}->{nOut}");
    }

    [Theory]
    [InlineData(3, 37, 1f)]
    [InlineData(2, 1000, 100f)]  // large logits: the naive formula overflows
    [InlineData(5, 1, 1f)]
    public void SoftmaxMatchesCpu(int rows, int rowLength, float scale)
    {
        var x = Ref.Random(rows * rowLength, rows * rowLength, -scale, scale);
        var expected = new float[x.Length];
        Activations.Softmax(x, expected, rowLength);
        using var gx = _gpu.Upload(x);
        _gpu.Kernels.Softmax(gx.View, gx.View, rows, rowLength); // in place
        GpuAssert.Close(expected, _gpu.Download(gx, x.Length), $"softmax {rows}x{rowLength}");
    }

    [Theory]
    [InlineData(ActivationKind.None)]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.Relu6)]
    public void AddActivateAndScaleShiftMatchCpu(ActivationKind kind)
    {
        var act = new Activation(kind);
        const int c = 5, spatial = 37, batch = 2, n = batch * c * spatial;
        var a = Ref.Random(n, 1, -8f, 8f);
        var b = Ref.Random(n, 2, -8f, 8f);
        var scale = Ref.Random(c, 3);
        var shift = Ref.Random(c, 4);
        using var ga = _gpu.Upload(a);
        using var gb = _gpu.Upload(b);
        using var gs = _gpu.Upload(scale);
        using var gt = _gpu.Upload(shift);
        using var gy = _gpu.Alloc(n);
        var expected = new float[n];

        Elementwise.Add(a, b, act, expected);
        _gpu.Kernels.Add(ga.View, gb.View, act, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"add {act}");

        Elementwise.Activate(a, act, expected);
        _gpu.Kernels.Activate(ga.View, act, gy.View);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"activate {act}");

        for (int i = 0; i < batch; i++)
            Elementwise.ScaleShift(c, spatial, a.AsSpan(i * c * spatial, c * spatial), scale, shift, b.AsSpan(i * c * spatial, c * spatial), act,
                expected.AsSpan(i * c * spatial, c * spatial));
        _gpu.Kernels.ScaleShift(c, spatial, ga.View, gs.View, gt.View, gb.View, act, gy.View, batch);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"scale-shift {act}");
    }

    // planes, in height, in width, out height, out width
    [Theory]
    [InlineData(3, 5, 7, 10, 14)]   // exact 2×
    [InlineData(2, 5, 7, 8, 11)]    // fractional up
    [InlineData(1, 6, 6, 4, 5)]     // down
    [InlineData(2, 3, 3, 7, 9)]     // 7/3 scale rounding
    public void NearestWithSizeScalesMatchesCpu(int planes, int ih, int iw, int oh, int ow)
    {
        var x = Ref.Random(planes * ih * iw, ih * iw + oh);
        var expected = new float[planes * oh * ow];
        VisionGen.Cpu.Resize.Nearest(planes, ih, iw, oh, ow, x, expected);
        using var gx = _gpu.Upload(x);
        using var gy = _gpu.Alloc(expected.Length);
        _gpu.Kernels.Nearest(planes, ih, iw, oh, ow, (float)ih / oh, (float)iw / ow, gx.View, gy.View);
        Assert.Equal(expected, _gpu.Download(gy, expected.Length)); // a gather: bit-exact
    }

    // width, height, planes, kernel size, sigma, border
    [Theory]
    [InlineData(23, 17, 3, 11, 3.0f, BorderMode.Reflect101)]
    [InlineData(23, 17, 2, 11, 3.0f, BorderMode.Reflect)]
    [InlineData(23, 17, 2, 11, 3.0f, BorderMode.Replicate)]
    [InlineData(23, 17, 2, 11, 3.0f, BorderMode.Constant)]
    [InlineData(9, 7, 2, 5, 1.1f, BorderMode.Reflect101)]
    [InlineData(6, 5, 1, 11, 2.0f, BorderMode.Reflect101)] // kernel wider than the image: repeated reflection
    [InlineData(6, 5, 1, 13, 2.5f, BorderMode.Reflect)]
    [InlineData(40, 3, 1, 3, 0.8f, BorderMode.Replicate)]
    public void GaussianBlurMatchesCpu(int width, int height, int planes, int kernelSize, float sigma, BorderMode border)
    {
        int n = width * height * planes;
        var x = Ref.Random(n, width * height + kernelSize, 0f, 255f);
        var expected = new float[n];
        GaussianBlur.ApplyPlanar(x, expected, width, height, planes, kernelSize, sigma, border);
        var taps = GpuKernels.GaussianTaps(kernelSize, sigma);
        using var gx = _gpu.Upload(x);
        using var gt = _gpu.Upload(taps);
        using var tmp = _gpu.Alloc(n);
        using var gy = _gpu.Alloc(n);
        _gpu.Kernels.GaussianBlur(gx.View, tmp.View, gy.View, gt.View, taps.Length, gt.View, taps.Length, width, height, planes, border);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"blur {width}x{height}x{planes} k{kernelSize} {border}", rel: 1e-5);
    }

    // width, height, planes, horizontal size and sigma, vertical size and sigma: separate taps per axis through the one
    // launch that does both passes, and a 71-tap kernel whose tile no longer fits 48 KB of shared memory (on CUDA it runs
    // the two launches through temp instead).
    [Theory]
    [InlineData(37, 29, 2, 5, 1.2, 9, 2.1, BorderMode.Reflect101)]
    [InlineData(37, 29, 1, 9, 2.1, 3, 0.7, BorderMode.Constant)]
    [InlineData(100, 90, 1, 71, 12.0, 71, 12.0, BorderMode.Reflect)]
    public void GaussianBlurWithTapsPerAxisMatchesCpu(int width, int height, int planes, int kx, double sx, int ky, double sy, BorderMode border)
    {
        int n = width * height * planes, plane = width * height;
        var x = Ref.Random(n, width + kx * ky, 0f, 255f);
        var expected = new float[n];
        for (int p = 0; p < planes; p++)
            GaussianBlur.Apply(x.AsSpan(p * plane, plane), expected.AsSpan(p * plane, plane), width, height, 1, kx, ky, sx, sy, border);
        var tapsX = GpuKernels.GaussianTaps(kx, sx);
        var tapsY = GpuKernels.GaussianTaps(ky, sy);
        using var gx = _gpu.Upload(x);
        using var gtx = _gpu.Upload(tapsX);
        using var gty = _gpu.Upload(tapsY);
        using var tmp = _gpu.Alloc(n);
        using var gy = _gpu.Alloc(n);
        _gpu.Kernels.GaussianBlur(gx.View, tmp.View, gy.View, gtx.View, kx, gty.View, ky, width, height, planes, border);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"blur {width}x{height}x{planes} k{kx}/{ky} {border}", rel: 1e-5);
    }

    [Fact]
    public void BatchNormMatchesCpu()
    {
        const int c = 6, spatial = 45, batch = 2, n = batch * c * spatial;
        var x = Ref.Random(n, 1, -3f, 5f);
        var mean = Ref.Random(c, 2);
        var variance = Ref.Random(c, 3, 0.1f, 2f);
        var w = Ref.Random(c, 4);
        var b = Ref.Random(c, 5);
        var expected = new float[n];
        Normalize.BatchNorm(x, expected, c, spatial, mean, variance, w, b);
        using var gx = _gpu.Upload(x);
        using var gm = _gpu.Upload(mean);
        using var gv = _gpu.Upload(variance);
        using var gw = _gpu.Upload(w);
        using var gb = _gpu.Upload(b);
        using var gy = _gpu.Alloc(n);
        _gpu.Kernels.BatchNorm(gx.View, gy.View, c, spatial, gm.View, gv.View, gw.View, gb.View, batch: batch);
        GpuAssert.Close(expected, _gpu.Download(gy, n), "batch norm", rel: 1e-5);
        Normalize.BatchNorm(x, expected, c, spatial, mean, variance, default, default);
        _gpu.Kernels.BatchNorm(gx.View, gy.View, c, spatial, gm.View, gv.View, default, default, batch: batch);
        GpuAssert.Close(expected, _gpu.Download(gy, n), "batch norm without affine", rel: 1e-5);
    }

    // rows, row length, affine; values offset from zero so a naive one-pass variance would lose digits
    [Theory]
    [InlineData(1, 5000, true)]
    [InlineData(2, 4800, false)]
    [InlineData(7, 33, true)]
    public void LayerAndRmsNormMatchCpu(int rows, int length, bool affine)
    {
        var x = Ref.Random(rows * length, rows + length, 4f, 6f);
        var w = affine ? Ref.Random(length, 2) : null;
        var b = affine ? Ref.Random(length, 3) : null;
        using var gx = _gpu.Upload(x);
        using var gw = w is null ? null : _gpu.Upload(w);
        using var gb = b is null ? null : _gpu.Upload(b);
        using var gy = _gpu.Alloc(x.Length);
        using var scratch = _gpu.Alloc(GpuKernels.NormScratchLength(rows, length));
        var expected = new float[x.Length];

        Normalize.LayerNorm(x, expected, length, w ?? default, b ?? default);
        _gpu.Kernels.LayerNorm(gx.View, gy.View, rows, length, gw?.View ?? default, gb?.View ?? default, scratch.View);
        GpuAssert.Close(expected, _gpu.Download(gy, x.Length), $"layer norm {rows}x{length}", rel: 1e-5);

        Normalize.RmsNorm(x, expected, length, w ?? default);
        _gpu.Kernels.RmsNorm(gx.View, gy.View, rows, length, gw?.View ?? default, scratch.View);
        GpuAssert.Close(expected, _gpu.Download(gy, x.Length), $"rms norm {rows}x{length}", rel: 1e-5);
    }

    // batch, channels, spatial, groups
    [Theory]
    [InlineData(2, 8, 130, 4)]
    [InlineData(1, 6, 2500, 2)]
    [InlineData(1, 4, 9, 1)]
    public void GroupAndInstanceNormMatchCpu(int batch, int channels, int spatial, int groups)
    {
        int n = batch * channels * spatial;
        var x = Ref.Random(n, n + groups, -1f, 3f);
        var w = Ref.Random(channels, 2);
        var b = Ref.Random(channels, 3);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(w);
        using var gb = _gpu.Upload(b);
        using var gy = _gpu.Alloc(n);
        using var scratch = _gpu.Alloc(Math.Max(GpuKernels.NormScratchLength(batch * groups, channels / groups * spatial),
            GpuKernels.NormScratchLength(batch * channels, spatial)));
        var expected = new float[n];

        Normalize.GroupNorm(x, expected, channels, spatial, groups, w, b);
        _gpu.Kernels.GroupNorm(gx.View, gy.View, batch, channels, spatial, groups, gw.View, gb.View, scratch.View);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"group norm", rel: 1e-5);

        Normalize.InstanceNorm(x, expected, channels, spatial, default, default);
        _gpu.Kernels.InstanceNorm(gx.View, gy.View, batch, channels, spatial, default, default, scratch.View);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"instance norm", rel: 1e-5);

        // In place, as the CPU kernels allow.
        _gpu.Kernels.InstanceNorm(gx.View, gx.View, batch, channels, spatial, default, default, scratch.View);
        GpuAssert.Close(expected, _gpu.Download(gx, n), $"instance norm in place", rel: 1e-5);
    }

    // batch, channels, spatial, groups: one launch from shared memory (a segment of ≤ 4096 values per group) and
    // two launches (longer segments, or segments split over several groups), each with a fused activation
    [Theory]
    [InlineData(2, 8, 130, 4, ActivationKind.Relu, 1)]
    [InlineData(1, 6, 2500, 2, ActivationKind.Silu, 2)]
    [InlineData(3, 4, 2000, 1, ActivationKind.Relu6, 2)]
    public void NormsApplyTheFusedActivationAsCpuDoesAfterwards(int batch, int channels, int spatial, int groups, ActivationKind kind, int cpuLaunches)
    {
        var act = new Activation(kind);
        int n = batch * channels * spatial;
        var x = Ref.Random(n, n + 7, -2f, 3f);
        var w = Ref.Random(channels, 4);
        var b = Ref.Random(channels, 5);
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(w);
        using var gb = _gpu.Upload(b);
        using var gy = _gpu.Alloc(n);
        using var scratch = _gpu.Alloc(Math.Max(GpuKernels.NormScratchLength(batch * groups, channels / groups * spatial),
            GpuKernels.NormScratchLength(batch, channels * spatial)));
        var expected = new float[n];

        int per = channels * spatial;
        for (int i = 0; i < batch; i++)
            Normalize.GroupNorm(x.AsSpan(i * per, per), expected.AsSpan(i * per, per), channels, spatial, groups, w, b);
        Elementwise.Activate(expected, act, expected);
        long before = _gpu.Kernels.Launches;
        _gpu.Kernels.GroupNorm(gx.View, gy.View, batch, channels, spatial, groups, gw.View, gb.View, scratch.View, activation: act);
        long launches = _gpu.Kernels.Launches - before;
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"group norm + {act}", rel: 1e-5);
        if (_gpu.Context.IsCpuFallback) Assert.Equal(cpuLaunches, launches); // the split depends on the device's size
        Assert.InRange(launches, 1, 2);

        for (int i = 0; i < batch; i++)
            Normalize.LayerNorm(x.AsSpan(i * per, per), expected.AsSpan(i * per, per), per, default, default);
        Elementwise.Activate(expected, act, expected);
        _gpu.Kernels.LayerNorm(gx.View, gx.View, batch, per, default, default, scratch.View, activation: act); // in place
        GpuAssert.Close(expected, _gpu.Download(gx, n), $"layer norm + {act} in place", rel: 1e-5);
    }

    [Fact]
    public void LinearRunsEveryRowInOneLaunch()
    {
        const int rows = 5, nIn = 37, nOut = 11;
        var x = Ref.Random(rows * nIn, 1, -2f, 2f);
        var w = Ref.Random(nIn * nOut, 2);
        var b = Ref.Random(nOut, 3);
        var expected = new float[rows * nOut];
        for (int r = 0; r < rows; r++)
            Linear.Forward(nIn, nOut, x.AsSpan(r * nIn, nIn), w, b, Activation.Relu, expected.AsSpan(r * nOut, nOut));
        using var gx = _gpu.Upload(x);
        using var gw = _gpu.Upload(w);
        using var gb = _gpu.Upload(b);
        using var gy = _gpu.Alloc(rows * nOut);
        long before = _gpu.Kernels.Launches;
        _gpu.Kernels.Linear(nIn, nOut, gx.View, gw.View, gb.View, Activation.Relu, gy.View, rows);
        Assert.Equal(1, _gpu.Kernels.Launches - before);
        GpuAssert.Close(expected, _gpu.Download(gy, rows * nOut), "linear over 5 rows");
        Assert.Throws<ArgumentException>(() => _gpu.Kernels.Linear(nIn, nOut, gx.View, gw.View, gb.View, Activation.Relu, gy.View, rows + 1));
    }

    [Fact]
    public void NormsRejectShortScratch()
    {
        using var x = _gpu.Alloc(4000);
        using var scratch = _gpu.Alloc(GpuKernels.NormScratchLength(1, 4000) - 1);
        Assert.Throws<ArgumentException>(() => _gpu.Kernels.LayerNorm(x.View, x.View, 1, 4000, default, default, scratch.View));
        Assert.Throws<ArgumentOutOfRangeException>(() => _gpu.Kernels.GroupNorm(x.View, x.View, 1, 10, 400, 3, default, default, scratch.View));
    }

    // batch, channels, spatial, with a per-channel scale: SSD300's L2 norm across channels
    [Theory]
    [InlineData(1, 512, 37, true)]
    [InlineData(2, 5, 300, false)]
    public void ChannelL2MatchesCpu(int batch, int channels, int spatial, bool scaled)
    {
        int n = batch * channels * spatial;
        var x = Ref.Random(n, n + channels, -2f, 3f);
        var w = scaled ? Ref.Random(channels, 9, 10f, 30f) : null;
        using var gx = _gpu.Upload(x);
        using var gw = w is null ? null : _gpu.Upload(w);
        using var gy = _gpu.Alloc(n);
        var expected = new float[n];
        Normalize.ChannelL2(x, expected, channels, spatial, w ?? default);
        _gpu.Kernels.ChannelL2(gx.View, gy.View, batch, channels, spatial, gw?.View ?? default);
        GpuAssert.Close(expected, _gpu.Download(gy, n), $"channel L2 {batch}x{channels}x{spatial}", rel: 1e-5);
        _gpu.Kernels.ChannelL2(gx.View, gx.View, batch, channels, spatial, gw?.View ?? default);
        GpuAssert.Close(expected, _gpu.Download(gx, n), "channel L2 in place", rel: 1e-5);
    }
}
