using VisionGen.Cpu;
using VisionGen.Tests.Parity;
using Xunit;
using Xunit.Abstractions;

namespace VisionGen.Tests.Cpu;

/// <summary>Tests that change <see cref="CpuThreads.Count"/> (process-wide) run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class CpuThreadsCollection
{
    public const string Name = "CpuThreads (process-wide setting)";
}

/// <summary>For tests in the <see cref="CpuThreadsCollection"/>: a kernel's result on one, two and three threads.</summary>
internal static class ThreadCounts
{
    /// <summary>Runs <paramref name="run"/> on one, two and three threads, asserts the same bits, and returns the one-thread result.</summary>
    public static float[] SameBitsOnOneTwoAndThree(Func<float[]> run)
    {
        int saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 1;
            float[] one = run();
            CpuThreads.Count = 2;
            Assert.Equal(one, run());
            CpuThreads.Count = 3;
            Assert.Equal(one, run());
            return one;
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuThreadsTests(ITestOutputHelper log)
{
    private static T WithThreads<T>(int threads, Func<T> body)
    {
        int saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try { return body(); }
        finally { CpuThreads.Count = saved; }
    }

    [Fact]
    public void CountRejectsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.Count = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.Count = CpuThreads.MaxCount + 1);
        Assert.Equal(1, CpuThreads.Count);
    }

    [Fact]
    public void IdleSpinKeepsItsValueAndRejectsOutOfRange()
    {
        TimeSpan saved = CpuThreads.IdleSpin;
        try
        {
            Assert.Equal(30, saved.TotalMilliseconds, 3);
            CpuThreads.IdleSpin = TimeSpan.FromMilliseconds(5);
            Assert.Equal(5, CpuThreads.IdleSpin.TotalMilliseconds, 3);
            CpuThreads.IdleSpin = TimeSpan.Zero;
            Assert.Equal(TimeSpan.Zero, CpuThreads.IdleSpin);
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.IdleSpin = TimeSpan.FromMilliseconds(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuThreads.IdleSpin = TimeSpan.FromSeconds(2));
            Assert.Equal(TimeSpan.Zero, CpuThreads.IdleSpin);
        }
        finally
        {
            CpuThreads.IdleSpin = saved;
        }
    }

    [Theory]
    [MemberData(nameof(CpuConv2dTests.Shapes), MemberType = typeof(CpuConv2dTests))]
    public void ConvolutionGivesTheSameBitsOnTwoAndThreeThreads(int ic, int oc, int h, int w, int k, int stride, int pad, int dil, int groups,
        bool hasBias, bool hasResidual, int act)
    {
        int oh = Reference.OutSize(h, k, stride, pad, dil), ow = Reference.OutSize(w, k, stride, pad, dil);
        // Scaled up so each kernel is big enough to be split.
        var s = new Conv2dShape(ic * 4, h, w, oc * 4, oh, ow, k, k, stride, stride, pad, pad, dil, dil, groups * 4);
        var x = Reference.Random(s.InputLength, 1);
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, Reference.Random(s.WeightLength, 2), packed);
        var bias = hasBias ? Reference.Random(s.OutChannels, 3) : null;
        var residual = hasResidual ? Reference.Random(s.OutputLength, 4) : null;
        float[] Run()
        {
            var y = new float[s.OutputLength];
            var scratch = new float[s.ScratchLength];
            Conv2d.Forward(s, x, packed, bias, residual, new Activation((VisionGen.Ops.ActivationKind)act), y, scratch);
            return y;
        }
        float[] one = WithThreads(1, Run);
        Assert.Equal(one, WithThreads(2, Run));
        Assert.Equal(one, WithThreads(3, Run));
    }

    [Theory]
    [MemberData(nameof(CpuConv2dTests.DirectShapes), MemberType = typeof(CpuConv2dTests))]
    public void DirectKernelGivesTheSameBitsOnTwoAndThreeThreads(int ic, int oc, int h, int w, int k, int stride, int pad, int dil,
        bool hasBias, bool hasResidual, int act)
    {
        int oh = Reference.OutSize(h, k, stride, pad, dil), ow = Reference.OutSize(w, k, stride, pad, dil);
        // Output rows split across threads (in blocks of four): more input channels (few outputs) so each is big enough
        // to be split; the stems are.
        var s = new Conv2dShape(oc <= 12 ? ic * 8 : ic, h, w, oc, oh, ow, k, k, stride, stride, pad, pad, dil, dil, 1);
        Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(s));
        var x = Reference.Random(s.InputLength, 1);
        var weight = Reference.Random(s.WeightLength, 2);
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, weight, packed);
        var bias = hasBias ? Reference.Random(s.OutChannels, 3) : null;
        var residual = hasResidual ? Reference.Random(s.OutputLength, 4) : null;
        float[] Run()
        {
            var y = new float[s.OutputLength];
            Array.Fill(y, float.NaN);
            var scratch = new float[s.ScratchLength];
            Array.Fill(scratch, float.NaN);
            Conv2d.Forward(s, x, packed, bias, residual, new Activation((VisionGen.Ops.ActivationKind)act), y, scratch);
            return y;
        }
        float[] two = WithThreads(2, Run);
        Reference.AssertClose(Reference.Conv2d(x, s.InChannels, h, w, weight, bias, residual, oc, k, k, stride, pad, dil, 1, act, out _, out _), two, s.ToString());
        Assert.Equal(WithThreads(1, Run), two);
        Assert.Equal(two, WithThreads(3, Run));
    }

    [Theory]
    [InlineData(64, 64, 56, 56, 1)]   // Winograd: a ResNet layer1 convolution
    [InlineData(256, 512, 13, 11, 1)] // Winograd: wide, partial edge tiles
    [InlineData(32, 48, 30, 70, 2)]   // Winograd: padding 2
    public void WinogradGivesTheSameBitsOnTwoAndThreeThreads(int ic, int oc, int h, int w, int pad)
    {
        var s = new Conv2dShape(ic, h, w, oc, h + 2 * pad - 2, w + 2 * pad - 2, 3, 3, 1, 1, pad, pad, 1, 1, 1);
        var x = Reference.Random(s.InputLength, 1);
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, Reference.Random(s.WeightLength, 2), packed);
        var bias = Reference.Random(s.OutChannels, 3);
        var residual = Reference.Random(s.OutputLength, 4);
        float[] Run()
        {
            var y = new float[s.OutputLength];
            Conv2d.Forward(s, x, packed, bias, residual, Activation.Relu, y, new float[s.ScratchLength]);
            return y;
        }
        float[] one = WithThreads(1, Run);
        Assert.Equal(one, WithThreads(2, Run));
        Assert.Equal(one, WithThreads(3, Run));
    }

    [Fact]
    public void PoolingGivesTheSameBitsOnTwoThreads()
    {
        foreach (var s in new[] { new Pool2dShape(64, 112, 112, 56, 56, 3, 2, 1), new Pool2dShape(7, 33, 70, 17, 35, 3, 2, 1) })
        {
            var x = Reference.Random(s.InputLength, 1);
            float[] Run(bool max)
            {
                var y = new float[s.OutputLength];
                if (max) Pool2d.Max(s, x, y); else Pool2d.Average(s, x, y);
                return y;
            }
            Assert.Equal(WithThreads(1, () => Run(true)), WithThreads(2, () => Run(true)));
            Assert.Equal(WithThreads(1, () => Run(false)), WithThreads(2, () => Run(false)));
        }
    }

    [Theory]
    [InlineData(1280, 1002)] // MobileNetV2's classifier, with two outputs past the last group of four (the last part's)
    [InlineData(2048, 103)]  // few outputs per part
    [InlineData(64, 8)]      // too small to split: one part
    public void LinearGivesTheSameBitsOnTwoAndThreeThreads(int nIn, int nOut)
    {
        var x = Reference.Random(nIn, 41);
        var wt = Reference.Random(nIn * nOut, 42);
        var bias = Reference.Random(nOut, 43);
        float[] Run()
        {
            var y = new float[nOut];
            Linear.Forward(nIn, nOut, x, wt, bias, Activation.Relu, y);
            return y;
        }
        float[] one = WithThreads(1, Run);
        Assert.Equal(one, WithThreads(2, Run));
        Assert.Equal(one, WithThreads(3, Run));
    }

    [Fact]
    public void GemmGivesTheSameBitsOnTwoThreads()
    {
        foreach (var (m, n, k) in new[] { (7, 1000, 33), (200, 49, 300), (64, 3136, 576), (5, 17, 3) })
        {
            var a = Reference.Random(m * k, 1); var b = Reference.Random(k * n, 2); var bias = Reference.Random(m, 3);
            float[] Run() { var c = new float[m * n]; Gemm.Multiply(m, n, k, a, b, c, bias, default, Activation.Relu); return c; }
            Assert.Equal(WithThreads(1, Run), WithThreads(2, Run));
        }
    }

    [Fact]
    public void NetworksMatchPyTorchOnTwoThreads() => WithThreads(2, () =>
    {
        using var resnet = ParityResNet50.Load(Fixtures.PathOf("resnet50.safetensors"));
        using var mobilenet = ParityMobileNetV2.Load(Fixtures.PathOf("mobilenet_v2.safetensors"));
        Check("resnet50", (i, o) => resnet.Run(i, o), ParityResNet50.OutputLength);
        Check("mobilenet_v2", (i, o) => mobilenet.Run(i, o), ParityMobileNetV2.OutputLength);
        return 0;
    });

    private void Check(string name, Action<float[], float[]> run, int outputLength)
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput(name);
        var actual = new float[outputLength];
        run(input, actual);
        double maxRef = expected.Max(v => Math.Abs((double)v));
        double maxErr = expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
        log.WriteLine($"{name} (2 threads): max|y-ref| = {maxErr:E3}, max|ref| = {maxRef:E3}");
        Assert.True(maxErr <= 1e-4 * maxRef + 1e-5, $"{name}: max|y-ref| = {maxErr:E3}");
    }

    [Fact]
    public void RunAllocatesZeroBytesOnTwoThreads() => WithThreads(2, () =>
    {
        using var resnet = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        using var mobilenet = ParityMobileNetV2.Load(Fixtures.PathOf("mobilenet_v2.safetensors"));
        float[] resnetIn = Fixtures.ReadInputOutput("resnet18").Input, resnetOut = new float[ParityResNet18.OutputLength];
        float[] mobileIn = Fixtures.ReadInputOutput("mobilenet_v2").Input, mobileOut = new float[ParityMobileNetV2.OutputLength];
        // The worker runs its own parts here (a part it starts late is not taken over by the caller), so what it allocates
        // is measured on every kernel.
        WorkerPool.CallerTakesLateParts = false;
        try
        {
            // Warm-up past tiered JIT on every thread, including the workers' tier-up of the kernels they run.
            for (int i = 0; i < 64; i++) { resnet.Run(resnetIn, resnetOut); mobilenet.Run(mobileIn, mobileOut); }
            Thread.Sleep(200); // let background tier-up finish before the process-wide count is read

            // Exact: the caller and every worker thread allocate nothing. Coarse: the process-wide count also sees the test
            // host's own threads (a few KB per second, so tens of KB per round on a busy machine); it must stay below
            // 100 KB in at least one round, where one 24-byte object per layer per run would already be ~250 KB.
            var processRounds = new List<long>();
            for (int round = 0; round < 5; round++)
            {
                long total = GC.GetTotalAllocatedBytes(precise: true);
                long mine = GC.GetAllocatedBytesForCurrentThread();
                long workers = WorkerPool.WorkerAllocatedBytes(), jobs = WorkerPool.WorkerJobs();
                for (int i = 0; i < 100; i++) { resnet.Run(resnetIn, resnetOut); mobilenet.Run(mobileIn, mobileOut); }
                long callerBytes = GC.GetAllocatedBytesForCurrentThread() - mine;
                long workerBytes = WorkerPool.WorkerAllocatedBytes() - workers;
                long processBytes = GC.GetTotalAllocatedBytes(precise: true) - total;
                log.WriteLine($"round {round}: 100 runs of 2 models on 2 threads: caller {callerBytes} B, workers {workerBytes} B, whole process {processBytes} B");
                Assert.Equal(0, callerBytes);
                Assert.Equal(0, workerBytes);
                Assert.True(WorkerPool.WorkerJobs() - jobs >= 100, "the worker thread took part");
                processRounds.Add(processBytes);
            }
            Assert.True(processRounds.Min() < 100_000, $"process allocated {string.Join(", ", processRounds)} B per round");
        }
        finally
        {
            WorkerPool.CallerTakesLateParts = true;
        }
        return 0;
    });
}
