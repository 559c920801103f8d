using System.Diagnostics;
using System.Reflection;
using VisionGen.Cpu;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Cpu;

public class KernelWarmUpTests(ITestOutputHelper log)
{
    /// <summary>Every convolution of the test assembly's generated models (their static shapes; the tests' own tables have none).</summary>
    public static IEnumerable<(string Name, Conv2dShape Shape)> ModelConvolutions() =>
        typeof(KernelWarmUpTests).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(Conv2dShape))
                .Select(f => (t.Name + "." + f.Name, (Conv2dShape)f.GetValue(null)!)));

    [Fact]
    public void SmallCopyKeepsEveryModelConvolutionsAlgorithmAndGeometry()
    {
        var all = ModelConvolutions().ToList();
        Assert.True(all.Count > 500, $"only {all.Count} convolutions found");
        int shrunk = 0;
        var byAlgorithm = new Dictionary<Conv2dAlgorithm, int>();
        foreach (var (name, s) in all)
        {
            Conv2dShape m = Conv2d.WarmUpShape(s);
            Assert.True(Conv2d.AlgorithmFor(m) == Conv2d.AlgorithmFor(s), $"{name}: {Conv2d.AlgorithmFor(m)} for the small copy of a {Conv2d.AlgorithmFor(s)} convolution");
            Assert.Equal((s.InHeight, s.InWidth, s.OutHeight, s.OutWidth), (m.InHeight, m.InWidth, m.OutHeight, m.OutWidth));
            Assert.Equal((s.KernelHeight, s.KernelWidth, s.StrideHeight, s.StrideWidth, s.PadHeight, s.PadWidth, s.DilationHeight, s.DilationWidth),
                (m.KernelHeight, m.KernelWidth, m.StrideHeight, m.StrideWidth, m.PadHeight, m.PadWidth, m.DilationHeight, m.DilationWidth));
            Assert.True(m.InChannels <= Math.Max(16, s.InChannels) && (long)m.InChannels * m.OutChannels <= (long)s.InChannels * s.OutChannels,
                $"{name}: the copy has {m.InChannels}→{m.OutChannels} channels, the convolution {s.InChannels}→{s.OutChannels}");
            if (m != s) shrunk++;
            byAlgorithm[Conv2d.AlgorithmFor(s)] = byAlgorithm.GetValueOrDefault(Conv2d.AlgorithmFor(s)) + 1;
        }
        log.WriteLine($"{all.Count} convolutions, {shrunk} run smaller in the warm-up; by algorithm: {string.Join(", ", byAlgorithm.Select(p => $"{p.Key} {p.Value}"))}");
        Assert.Equal(Enum.GetValues<Conv2dAlgorithm>().Length, byAlgorithm.Count);
        Assert.True(shrunk > all.Count / 2, $"only {shrunk} of {all.Count} shrunk");
    }

    public static TheoryData<string, Conv2dShape> OneOfEachKind => new()
    {
        { "implicit GEMM 7x7 stride 2 (ResNet stem)", new Conv2dShape(3, 224, 224, 64, 112, 112, 7, 7, 2, 2, 3, 3, 1, 1, 1) },
        { "pointwise", new Conv2dShape(96, 14, 14, 576, 14, 14, 1, 1, 1, 1, 0, 0, 1, 1, 1) },
        { "Winograd", new Conv2dShape(64, 56, 56, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1) },
        { "output-pixel GEMM", new Conv2dShape(512, 7, 7, 512, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, GemmRows: GemmRows.OutputPixels) },
        { "depthwise stride 2", new Conv2dShape(144, 56, 56, 144, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 144) },
        { "grouped (ResNeXt)", new Conv2dShape(128, 56, 56, 128, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 32) },
        { "one channel", new Conv2dShape(1, 9, 9, 1, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1) },
    };

    [Theory]
    [MemberData(nameof(OneOfEachKind))]
    public void WarmUpRunsTheSameAlgorithmOnFewerChannels(string kind, Conv2dShape s)
    {
        Conv2dShape m = Conv2d.WarmUpShape(s);
        Assert.Equal(Conv2d.AlgorithmFor(s), Conv2d.AlgorithmFor(m));
        Conv2d.WarmUp(s, Activation.Relu6);
        Conv2d.WarmUp(s, Activation.None);
        log.WriteLine($"{kind}: {Conv2d.AlgorithmFor(s)}, {s.InChannels}→{s.OutChannels} channels warmed as {m.InChannels}→{m.OutChannels}");
        if (s.InChannels > 16) Assert.True(m.InChannels < s.InChannels, $"{kind}: {m.InChannels} input channels");
    }

    [Fact]
    public void PoolWarmUpRunsOnOneChannel()
    {
        var s = new Pool2dShape(64, 112, 112, 56, 56, 3, 2, 1);
        Pool2d.WarmUp(s, max: true);
        Pool2d.WarmUp(s, max: false);
        Assert.Throws<ArgumentException>(() => Pool2d.WarmUp(s with { OutHeight = 57 }, max: true));
        Assert.Throws<ArgumentException>(() => Conv2d.WarmUp(new Conv2dShape(3, 8, 8, 4, 9, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1), Activation.None));
    }

    [Fact]
    public void ResizeNormAndAddWarmUpsRunOnOnePlaneAndRejectBadSizes()
    {
        Resize.WarmUp(bilinear: false, 25, 25, 50, 50, alignCorners: false, 0.5f, 0.5f);
        Resize.WarmUp(bilinear: true, 13, 13, 52, 52, alignCorners: true, 12f / 51, 12f / 51);
        VisionGen.Normalization.Normalize.GroupNormWarmUp(100 * 100, 32, affine: true, Activation.Relu);
        VisionGen.Normalization.Normalize.GroupNormWarmUp(7, 4, affine: false, Activation.None);
        Elementwise.WarmUp(Activation.Silu);
        Assert.Throws<ArgumentException>(() => Resize.WarmUp(false, 0, 25, 50, 50, false, 0.5f, 0.5f));
        Assert.Throws<ArgumentException>(() => Resize.WarmUp(true, 25, 25, 50, 50, false, -1f, 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => VisionGen.Normalization.Normalize.GroupNormWarmUp(0, 32, true, Activation.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => VisionGen.Normalization.Normalize.GroupNormWarmUp(49, 0, true, Activation.None));
    }

    [Fact]
    public void LoadStartsOneWarmUpPerModelClassWhichFinishesWithoutFailure()
    {
        Assert.True(KernelWarmUp.Enabled == (Environment.ProcessorCount > 1), "enabled under the JIT with two or more processors");
        // The class's flag as before its first Load (other tests may have loaded it already in this process).
        var flag = typeof(ParityCustomStack).GetField("s_kernelsWarmed", BindingFlags.NonPublic | BindingFlags.Static)!;
        flag.SetValue(null, 0);
        int startedBefore = KernelWarmUp.Counts.Started;
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("custom_stack");
        using var first = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        using var second = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        if (!KernelWarmUp.Enabled) return;
        Assert.Equal(1, (int)flag.GetValue(null)!);
        Assert.True(KernelWarmUp.Counts.Started > startedBefore, "the first Load of the class started a warm-up");
        // The model runs as PyTorch's whether or not the warm-up has finished.
        var output = new float[ParityCustomStack.OutputLength];
        first.Run(input, output);
        Assert.Equal(expected.Length, output.Length);
        for (int i = 0; i < output.Length; i++) Assert.True(Math.Abs(expected[i] - output[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"output {i}: {output[i]} vs PyTorch {expected[i]}");
        var clock = Stopwatch.StartNew();
        while (KernelWarmUp.Counts.Finished < KernelWarmUp.Counts.Started && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(10);
        var (started, finished, failure) = KernelWarmUp.Counts;
        log.WriteLine($"warm-ups in this process: {started} started, {finished} finished");
        Assert.Null(failure);
        Assert.Equal(started, finished);
    }

    [Fact]
    public void EveryGeneratedModelsWarmUpRunsToTheEnd()
    {
        // Each model's warm-up steps as its background thread runs them (the step sequence prepared, then each step's
        // kernels on a few channels): classifiers, detectors, segmenters, Forward-declared networks.
        var warmUps = typeof(KernelWarmUpTests).Assembly.GetTypes()
            .Select(t => (Step: t.GetMethod("WarmKernel", BindingFlags.NonPublic | BindingFlags.Static),
                Count: t.GetField("WarmKernelSteps", BindingFlags.NonPublic | BindingFlags.Static)))
            .Where(m => m.Step != null).ToList();
        Assert.True(warmUps.Count > 100, $"only {warmUps.Count} models have a warm-up");
        var clock = Stopwatch.StartNew();
        foreach (var (warm, countField) in warmUps)
        {
            int count = (int)countField!.GetValue(null)!;
            Assert.True(count >= 2, $"{warm!.DeclaringType!.Name}: {count} warm-up steps");
            for (int i = 0; i < count; i++)
            {
                try { warm!.Invoke(null, new object[] { i }); }
                catch (TargetInvocationException e) { Assert.Fail($"{warm!.DeclaringType!.Name}.WarmKernel({i}): {e.InnerException}"); }
            }
            var beyond = Assert.Throws<TargetInvocationException>(() => warm!.Invoke(null, new object[] { count }));
            Assert.IsType<ArgumentOutOfRangeException>(beyond.InnerException);
        }
        log.WriteLine($"{warmUps.Count} models' warm-ups in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// The steps run once each: step 0, then in order while Load runs, then from the last backwards once Load has returned
    /// (the first Run compiles from the front meanwhile).
    /// </summary>
    [Fact]
    public void StepsGoForwardUntilLoadFinishesThenBackward()
    {
        if (!KernelWarmUp.Enabled) return; // one processor: no warm-up (LoadStartsOneWarmUpPerModelClass… checks that)
        var order = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var atThree = new ManualResetEventSlim();
        using var go = new ManualResetEventSlim();
        using var done = new CountdownEvent(10);
        int flag = 0;
        var steps = KernelWarmUp.Start(ref flag, 10, i =>
        {
            order.Enqueue(i);
            if (i == 3) { atThree.Set(); go.Wait(TimeSpan.FromSeconds(30)); }
            done.Signal();
        });
        Assert.NotNull(steps);
        Assert.Equal(1, flag);
        Assert.True(atThree.Wait(TimeSpan.FromSeconds(30)), "the warm-up reached step 3");
        steps!.LoadFinished();
        go.Set();
        Assert.True(done.Wait(TimeSpan.FromSeconds(30)), "every step ran");
        Assert.Equal(new[] { 0, 1, 2, 3, 9, 8, 7, 6, 5, 4 }, order.ToArray());
        Assert.Null(KernelWarmUp.Start(ref flag, 10, _ => throw new InvalidOperationException("a second warm-up for one flag")));
    }

    [Fact]
    public void SwitchTurnsItOff()
    {
        AppContext.SetSwitch("VisionGen.KernelWarmUp", false);
        try
        {
            Assert.False(KernelWarmUp.Enabled);
            int flag = 0;
            Assert.Null(KernelWarmUp.Start(ref flag, 3, _ => throw new InvalidOperationException("must not run")));
            Assert.Equal(0, flag);
        }
        finally
        {
            AppContext.SetSwitch("VisionGen.KernelWarmUp", true);
        }
    }
}
