using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;
using VisionGen.Kernels;
using VisionGen.Normalization;
using VisionGen.Ops;
using Xunit.Abstractions;
using Ref = VisionGen.Tests.Cpu.Reference;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// A hand-written executor of the shape the generator will emit: conv3×3+bias+relu, conv1×1 + residual + relu,
/// global average pool, linear, softmax; checked against the CPU kernels and for managed allocations per call.
/// </summary>
public sealed class GpuExecutorTests : IClassFixture<GpuFixture>
{
    private readonly GpuFixture _gpu;
    private readonly ITestOutputHelper _output;

    public GpuExecutorTests(GpuFixture gpu, ITestOutputHelper output)
    {
        _gpu = gpu;
        _output = output;
    }

    private sealed class TinyNet : GpuModelExecutor
    {
        public const int Classes = 5;
        public static readonly Conv2dShape Conv1 = new(3, 8, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        public static readonly Conv2dShape Conv2 = new(8, 8, 8, 8, 8, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1);
        public const int Launches = 5;

        // Arena plan: [input 192][a 512][b 512][pooled 8][logits 5]
        private readonly ArrayView<float> _a, _b, _pooled, _w1, _b1, _w2, _fc, _fcBias;

        public TinyNet(GpuContext context, float[] weights)
            : base(context, arenaLength: 192 + 512 + 512 + 8 + Classes, inputOffset: 0, inputLength: 192,
                outputOffset: 192 + 512 + 512 + 8, outputLength: Classes)
        {
            _a = ArenaSlice(192, 512);
            _b = ArenaSlice(704, 512);
            _pooled = ArenaSlice(1216, 8);
            var w = UploadWeights(weights);
            int o = 0;
            _w1 = w.SubView(o, Conv1.WeightLength); o += Conv1.WeightLength;
            _b1 = w.SubView(o, 8); o += 8;
            _w2 = w.SubView(o, Conv2.WeightLength); o += Conv2.WeightLength;
            _fc = w.SubView(o, 8 * Classes); o += 8 * Classes;
            _fcBias = w.SubView(o, Classes);
        }

        public static int WeightLength => Conv1.WeightLength + 8 + Conv2.WeightLength + 8 * Classes + Classes;

        protected override void EnqueueKernels()
        {
            Kernels.Conv2d(Conv1, InputView, _w1, _b1, default, Activation.Relu, _a);
            Kernels.Conv2d(Conv2, _a, _w2, default, _a, Activation.Relu, _b);
            Kernels.GlobalAvgPool(8, 64, _b, _pooled);
            Kernels.Linear(8, Classes, _pooled, _fc, _fcBias, Activation.None, OutputView);
            Kernels.Softmax(OutputView, OutputView, 1, Classes);
        }

        public static float[] Reference(float[] input, float[] weights)
        {
            var w = weights.AsSpan();
            int o = 0;
            var w1 = w.Slice(o, Conv1.WeightLength); o += Conv1.WeightLength;
            var b1 = w.Slice(o, 8); o += 8;
            var w2 = w.Slice(o, Conv2.WeightLength); o += Conv2.WeightLength;
            var fc = w.Slice(o, 8 * Classes); o += 8 * Classes;
            var fcBias = w.Slice(o, Classes);
            var a = new float[512];
            var b = new float[512];
            var scratch = new float[Conv1.ScratchLength];
            // The CPU kernel takes its own packed layout; the GPU kernel takes PyTorch's.
            var p1 = new float[VisionGen.Cpu.Conv2d.PackedWeightLength(Conv1)];
            var p2 = new float[VisionGen.Cpu.Conv2d.PackedWeightLength(Conv2)];
            VisionGen.Cpu.Conv2d.PackWeights(Conv1, w1, p1);
            VisionGen.Cpu.Conv2d.PackWeights(Conv2, w2, p2);
            VisionGen.Cpu.Conv2d.Forward(Conv1, input, p1, b1, default, Activation.Relu, a, scratch);
            VisionGen.Cpu.Conv2d.Forward(Conv2, a, p2, default, a, Activation.Relu, b, scratch);
            var pooled = new float[8];
            Pool2d.GlobalAverage(8, 64, b, pooled);
            var logits = new float[Classes];
            VisionGen.Cpu.Linear.Forward(8, Classes, pooled, fc, fcBias, Activation.None, logits);
            Activations.Softmax(logits, logits, Classes);
            return logits;
        }
    }

    [Fact]
    public void ExecutorRunMatchesCpuPipeline()
    {
        var weights = Ref.Random(TinyNet.WeightLength, 1);
        using var net = new TinyNet(_gpu.Context, weights);
        var output = new float[TinyNet.Classes];
        for (int seed = 2; seed < 4; seed++) // twice: the second call reuses every buffer
        {
            var input = Ref.Random(net.InputLength, seed, -2f, 2f);
            net.Run(input, output);
            GpuAssert.Close(TinyNet.Reference(input, weights), output, $"tiny net, input {seed}");
        }
        Assert.Throws<ArgumentException>(() => net.Run(new float[net.InputLength - 1], output));
        Assert.Throws<ArgumentException>(() => net.Run(new float[net.InputLength], new float[TinyNet.Classes - 1]));
    }

    [Fact]
    public void StagedTransfersAllocateNothing()
    {
        using var staging = new GpuStaging(_gpu.Accelerator, 1000);
        using var device = _gpu.Alloc(1000);
        var host = Ref.Random(1000, 5);
        var back = new float[1000];
        var stream = _gpu.Kernels.Stream;
        for (int i = 0; i < 3; i++)
        {
            staging.Upload(stream, host, device.View);
            staging.Download(stream, device.View, back);
        }
        long allocated = Allocations.Fewest(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                staging.Upload(stream, host, device.View);
                staging.Download(stream, device.View, back);
            }
        }, rounds: 3);
        Assert.Equal(host, back);
        Assert.Equal(0, allocated);
    }

    private static void RawAdd(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, Activation activation, int hasB)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX) y[i] = a[i] + (hasB != 0 ? b[i] : 0f);
    }

    /// <summary>
    /// Our launcher (validation, launch geometry, delegate call) adds nothing to what ILGPU itself allocates for a
    /// launch: the same call through a kernel of identical signature loaded straight from ILGPU allocates the same.
    /// </summary>
    [Fact]
    public void LauncherAllocatesNoMoreThanARawIlgpuLaunch()
    {
        using var a = _gpu.Upload(Ref.Random(256, 1));
        using var y = _gpu.Alloc(256);
        var stream = _gpu.Kernels.Stream;
        var raw = _gpu.Accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, Activation, int>(RawAdd);
        var config = new KernelConfig(4, _gpu.Kernels.ThreadsPerGroup);
        const int launches = 40;
        (long rawBytes, long ourBytes) = LaunchAllocations.Fewest(
            () => raw(stream, config, a.View, a.View, y.View, 256, default, 1),
            () => _gpu.Kernels.Add(a.View, a.View, Activation.None, y.View),
            launches, stream.Synchronize);

        _output.WriteLine($"{_gpu.Context.Description}: raw ILGPU launch {rawBytes / (double)launches} B, GpuKernels.Add {ourBytes / (double)launches} B per launch");
        Assert.True(ourBytes <= rawBytes, $"GpuKernels.Add allocated {ourBytes} B for {launches} launches, a raw ILGPU launch {rawBytes} B");
        if (!_gpu.Context.IsCpuFallback) Assert.Equal(0, ourBytes); // CUDA launches marshal arguments on the stack
    }

    /// <summary>
    /// A Run's parts one by one, each with the stream wait a Run ends with: waits, staged transfers and each kernel kind
    /// TinyNet launches, on a stream of its own (as an executor's) and on the default stream. On CUDA every part must
    /// allocate nothing; the failure names each part's bytes, so one device run shows which part a Run's bytes come
    /// from. On the CPU accelerator a part may allocate ILGPU's per-launch bookkeeping only.
    /// </summary>
    [Fact]
    public void EveryPartOfARunAllocatesNothingOnCuda()
    {
        var accelerator = _gpu.Accelerator;
        using var own = accelerator.CreateStream();
        using var kernels = new GpuKernels(accelerator, own);
        using var staging = new GpuStaging(accelerator, 512);
        using var x = _gpu.Upload(Ref.Random(512, 3));
        using var w1 = _gpu.Upload(Ref.Random(TinyNet.Conv1.WeightLength, 4));
        using var w2 = _gpu.Upload(Ref.Random(TinyNet.Conv2.WeightLength, 5));
        using var bias = _gpu.Upload(Ref.Random(8, 6));
        using var fc = _gpu.Upload(Ref.Random(8 * TinyNet.Classes, 7));
        using var a = _gpu.Alloc(512);
        using var b = _gpu.Alloc(512);
        using var pooled = _gpu.Alloc(8);
        using var logits = _gpu.Alloc(TinyNet.Classes);
        var host = Ref.Random(192, 8);
        var back = new float[TinyNet.Classes];
        var parts = new (string Name, int Launches, Action Call)[]
        {
            ("default stream: Synchronize", 0, () => accelerator.DefaultStream.Synchronize()),
            ("own stream: Synchronize", 0, () => own.Synchronize()),
            ("own stream: staged upload + download", 0, () => { staging.Upload(own, host, x.View); staging.Download(own, logits.View, back); }),
            ("own stream: Add", 1, () => { kernels.Add(x.View, x.View, Activation.None, a.View); own.Synchronize(); }),
            ("own stream: Conv2d 3x3", 1, () => { kernels.Conv2d(TinyNet.Conv1, x.View, w1.View, bias.View, default, Activation.Relu, a.View); own.Synchronize(); }),
            ("own stream: Conv2d 1x1 + residual", 1, () => { kernels.Conv2d(TinyNet.Conv2, a.View, w2.View, default, a.View, Activation.Relu, b.View); own.Synchronize(); }),
            ("own stream: GlobalAvgPool", 1, () => { kernels.GlobalAvgPool(8, 64, b.View, pooled.View); own.Synchronize(); }),
            ("own stream: Linear", 1, () => { kernels.Linear(8, TinyNet.Classes, pooled.View, fc.View, bias.View.SubView(0, TinyNet.Classes), Activation.None, logits.View); own.Synchronize(); }),
            ("own stream: Softmax", 1, () => { kernels.Softmax(logits.View, logits.View, 1, TinyNet.Classes); own.Synchronize(); }),
            ("default stream: Conv2d 3x3", 1, () => { _gpu.Kernels.Conv2d(TinyNet.Conv1, x.View, w1.View, bias.View, default, Activation.Relu, a.View); _gpu.Kernels.Synchronize(); }),
            ("default stream: Softmax", 1, () => { _gpu.Kernels.Softmax(logits.View, logits.View, 1, TinyNet.Classes); _gpu.Kernels.Synchronize(); }),
        };
        const int calls = 10;
        var bytes = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            for (int warm = 0; warm < 35; warm++) parts[i].Call(); // past the tiered-JIT threshold
            var call = parts[i].Call;
            bytes[i] = Allocations.Fewest(() => { for (int c = 0; c < calls; c++) call(); }, rounds: 5) / calls;
        }
        string report = string.Join("; ", parts.Select((p, i) => $"{p.Name} {bytes[i]} B"));
        _output.WriteLine($"{_gpu.Context.Description}: managed bytes per call: {report}");
        for (int i = 0; i < parts.Length; i++)
        {
            if (_gpu.Context.IsCpuFallback) Assert.InRange(bytes[i], 0, parts[i].Launches * 1024);
            else Assert.True(bytes[i] == 0, $"on CUDA, managed bytes per call: {report}");
        }
    }

    /// <summary>
    /// A whole Run allocates nothing but ILGPU's per-launch bookkeeping on the CPU accelerator (a few hundred bytes per
    /// launch, varying with thread contention), and nothing at all on CUDA.
    /// </summary>
    [Fact]
    public void ExecutorRunAllocatesOnlyIlgpuLaunchOverhead()
    {
        var weights = Ref.Random(TinyNet.WeightLength, 1);
        using var net = new TinyNet(_gpu.Context, weights);
        var input = Ref.Random(net.InputLength, 2);
        var output = new float[TinyNet.Classes];
        // Past the tiered-JIT threshold, so no tier-up work lands inside the measured rounds.
        for (int i = 0; i < 35; i++) net.Run(input, output);

        // The fewest bytes over five rounds of ten calls (Allocations.Fewest): what the code allocates, it allocates in every
        // round; a round where a contended test run made ILGPU's CPU worker threads allocate more (11.7 KB per Run once in
        // CI, 1 KB in the other round) does not decide it.
        const int calls = 10;
        long fewest = Allocations.Fewest(() => { for (int i = 0; i < calls; i++) net.Run(input, output); });

        double perRun = fewest / (double)calls;
        _output.WriteLine($"{_gpu.Context.Description}: {perRun} B per Run ({TinyNet.Launches} launches, {perRun / TinyNet.Launches:F0} B per launch)");
        if (_gpu.Context.IsCpuFallback)
        {
            // ILGPU's CPU accelerator allocates its launch bookkeeping on the calling thread (measured 150–320 B per launch,
            // more when its worker threads contend with other tests); transfers add 0 (tested above). The bound of 1 KB per
            // launch still catches any copy of a tensor or weight (kilobytes to megabytes) made per Run.
            Assert.InRange(perRun, 0, TinyNet.Launches * 1024);
        }
        else
        {
            Assert.Equal(0, fewest);
        }
    }
}
