// GPU kernel benchmark: latency and effective bandwidth of conv, blur and norms on whatever accelerator
// GpuContext picks (CUDA when present), next to the device-to-device copy bandwidth measured in the same run.
//   dotnet run -c Release --project bench/VisionGen.GpuBench            full sizes (run on the GPU machine)
//   dotnet run -c Release --project bench/VisionGen.GpuBench -- --small  tiny sizes (CPU accelerator smoke run)
// Options: --iters N (timed repetitions, median reported), --cpu (force the CPU accelerator).
using System.Diagnostics;
using ILGPU.Runtime;
using VisionGen.Cpu;
using VisionGen.Imaging;
using VisionGen.Kernels;
using VisionGen.Ops;

bool small = args.Contains("--small");
bool forceCpu = args.Contains("--cpu");
int iters = small ? 3 : 50;
int at = Array.IndexOf(args, "--iters");
if (at >= 0 && at + 1 < args.Length) iters = int.Parse(args[at + 1]);

using var context = GpuContext.Create(preferCpu: forceCpu);
using var kernels = new GpuKernels(context.Accelerator);
var acc = context.Accelerator;
Console.WriteLine($"device: {context.Description}");
Console.WriteLine($"sizes: {(small ? "small (smoke test)" : "full")}, {iters} timed iterations, median reported");
Console.WriteLine();
Console.WriteLine($"{"benchmark",-44} {"median ms",10} {"GB/s",9} {"% copy",7} {"GFLOP/s",9}");

double Time(Action launch)
{
    launch();
    kernels.Synchronize(); // warm-up (and first-launch JIT on the CPU accelerator)
    var samples = new double[iters];
    for (int i = 0; i < iters; i++)
    {
        long t0 = Stopwatch.GetTimestamp();
        launch();
        kernels.Synchronize();
        samples[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
    Array.Sort(samples);
    return samples[iters / 2];
}

double copyGbps = 0;
void Report(string name, double ms, double bytes, double flops = 0)
{
    double gbps = bytes / (ms * 1e-3) / 1e9;
    string pct = copyGbps > 0 ? $"{100 * gbps / copyGbps,6:F0}%" : "      -";
    string gflops = flops > 0 ? $"{flops / (ms * 1e-3) / 1e9,9:F1}" : "        -";
    Console.WriteLine($"{name,-44} {ms,10:F3} {gbps,9:F1} {pct} {gflops}");
}

GpuBuffer Filled(long n, int seed)
{
    var host = new float[n];
    var r = new Random(seed);
    for (long i = 0; i < n; i++) host[i] = (float)r.NextDouble() * 2 - 1;
    return new GpuBuffer(acc, host);
}

// Device-to-device copy: the bandwidth every memory-bound kernel is measured against (read + write bytes).
{
    long n = small ? 1 << 16 : 1L << 28;
    using var a = Filled(n, 1);
    using var b = new GpuBuffer(acc, n);
    double ms = Time(() => a.View.CopyTo(kernels.Stream, b.View));
    copyGbps = 2.0 * n * sizeof(float) / (ms * 1e-3) / 1e9;
    Report($"copy {n * 4 / 1048576.0:F2} MiB device-to-device", ms, 2.0 * n * sizeof(float));
}

// Convolutions: a ResNet stage-1 3×3 conv and a 1×1 expansion, batch 1 and 32; a MobileNet depthwise 3×3.
foreach (var (name, shape, batch) in ConvCases(small))
{
    using var x = Filled((long)batch * shape.InputLength, 2);
    using var w = Filled(shape.WeightLength, 3);
    using var bias = Filled(shape.OutChannels, 4);
    using var y = new GpuBuffer(acc, (long)batch * shape.OutputLength);
    double ms = Time(() => kernels.Conv2d(shape, x.View, w.View, bias.View, default, Activation.Relu, y.View, batch));
    double flops = 2.0 * batch * shape.OutputLength * (shape.InChannels / shape.Groups) * shape.KernelHeight * shape.KernelWidth;
    double bytes = 4.0 * (batch * (double)(shape.InputLength + shape.OutputLength) + shape.WeightLength);
    Report($"{name} [{GpuKernels.ChooseConvAlgorithm(shape)}]", ms, bytes, flops);
}

// Gaussian blur 11×11 σ3, planar float, Reflect101; bytes = image read + image written (as torchvision's figure).
{
    int planes = 3, height = small ? 64 : 2160, width = small ? 96 : 3840;
    long n = (long)planes * height * width;
    var taps = GpuKernels.GaussianTaps(11, 3.0);
    using var t = new GpuBuffer(acc, taps);
    using var x = Filled(n, 5);
    using var tmp = new GpuBuffer(acc, n);
    using var y = new GpuBuffer(acc, n);
    double ms = Time(() => kernels.GaussianBlur(x.View, tmp.View, y.View, t.View, 11, t.View, 11, width, height, planes, BorderMode.Reflect101));
    Report($"gaussian blur 11x11 s3 {planes}x{height}x{width}", ms, 2.0 * n * sizeof(float));
}

// Normalization family on N×C×H×W; bytes = tensor read + tensor written.
{
    int batch = small ? 2 : 32, channels = small ? 16 : 256, spatial = small ? 14 * 14 : 56 * 56, groups = small ? 4 : 32;
    long n = (long)batch * channels * spatial;
    string dims = $"{batch}x{channels}x{(small ? 14 : 56)}x{(small ? 14 : 56)}";
    using var x = Filled(n, 6);
    using var y = new GpuBuffer(acc, n);
    using var mean = Filled(channels, 7);
    using var variance = new GpuBuffer(acc, Enumerable.Repeat(1f, channels).ToArray());
    using var weight = Filled(channels, 8);
    using var bias = Filled(channels, 9);
    using var lnWeight = Filled(channels * (long)spatial, 10);
    using var lnBias = Filled(channels * (long)spatial, 11);
    long scratchLength = Math.Max(GpuKernels.NormScratchLength(batch * channels, spatial),
        Math.Max(GpuKernels.NormScratchLength(batch * groups, channels / groups * spatial), GpuKernels.NormScratchLength(batch, channels * spatial)));
    using var scratch = new GpuBuffer(acc, scratchLength);
    double bytes = 2.0 * n * sizeof(float);
    Report($"batch norm {dims}", Time(() => kernels.BatchNorm(x.View, y.View, channels, spatial, mean.View, variance.View, weight.View, bias.View, batch: batch)), bytes);
    Report($"group norm ({groups} groups) {dims}", Time(() => kernels.GroupNorm(x.View, y.View, batch, channels, spatial, groups, weight.View, bias.View, scratch.View)), bytes);
    Report($"instance norm {dims}", Time(() => kernels.InstanceNorm(x.View, y.View, batch, channels, spatial, weight.View, bias.View, scratch.View)), bytes);
    Report($"layer norm over C,H,W {dims}", Time(() => kernels.LayerNorm(x.View, y.View, batch, channels * spatial, lnWeight.View, lnBias.View, scratch.View)), bytes);
}

static IEnumerable<(string Name, Conv2dShape Shape, int Batch)> ConvCases(bool small)
{
    static Conv2dShape Conv(int c, int hw, int oc, int k, int stride, int groups)
    {
        int pad = k / 2, o = ShapeRules.WindowOutput(hw, k, stride, pad);
        return new Conv2dShape(c, hw, hw, oc, o, o, k, k, stride, stride, pad, pad, 1, 1, groups);
    }
    if (small)
    {
        yield return ("conv 3x3 8->8 16x16 batch 1", Conv(8, 16, 8, 3, 1, 1), 1);
        yield return ("conv 1x1 8->16 16x16 batch 2", Conv(8, 16, 16, 1, 1, 1), 2);
        yield return ("depthwise 3x3 16ch 16x16 batch 1", Conv(16, 16, 16, 3, 1, 16), 1);
        yield break;
    }
    yield return ("conv 3x3 64->64 56x56 batch 1", Conv(64, 56, 64, 3, 1, 1), 1);
    yield return ("conv 3x3 64->64 56x56 batch 32", Conv(64, 56, 64, 3, 1, 1), 32);
    yield return ("conv 1x1 64->256 56x56 batch 1", Conv(64, 56, 256, 1, 1, 1), 1);
    yield return ("conv 1x1 64->256 56x56 batch 32", Conv(64, 56, 256, 1, 1, 1), 32);
    yield return ("conv 7x7/2 3->64 224x224 batch 1", Conv(3, 224, 64, 7, 2, 1), 1);
    yield return ("depthwise 3x3 144ch 56x56 batch 1", Conv(144, 56, 144, 3, 1, 144), 1);
}
