using System.Diagnostics;
using System.Runtime.InteropServices;
using VisionGen.Bench.Networks;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Quick timing of one network against ONNX Runtime (no BenchmarkDotNet): alternates blocks of calls of the two
/// engines (blocks, not single calls: each engine's idle worker threads spin for a while after a call and would take
/// the other engine's second core) and prints min and median of each, and the ratio of the medians. For development; the reported
/// figures come from the BenchmarkDotNet classes. At one thread it also prints each engine's median thread CPU time per
/// call (both run on the calling thread then), the ratio to trust on a loaded machine.
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- net resnet18|resnet50|mobilenet_v2|mobilenet_v3_large|efficientnet_b0|deeplabv3_mobilenet_v3_large [threads] [rounds]</c>
/// </summary>
internal static partial class NetworkAB
{
    public static void Run(string name, int threads, int rounds)
    {
        dynamic bench = Create(name);
        bench.Threads = threads;
        bench.Setup();
        for (int i = 0; i < 5; i++) { bench.VisionGen(); bench.OnnxRuntime(); }
        var ours = new List<double>();
        var ort = new List<double>();
        var oursCpu = new List<double>();
        var ortCpu = new List<double>();
        const int blocks = 4;
        for (int b = 0; b < blocks; b++)
        {
            for (int r = 0; r < rounds / blocks; r++)
            {
                double c0 = ThreadCpuMs();
                long t0 = Stopwatch.GetTimestamp();
                bench.VisionGen();
                ours.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                oursCpu.Add(ThreadCpuMs() - c0);
            }
            Thread.Sleep(100); // let the workers of the engine that just ran go idle
            for (int r = 0; r < rounds / blocks; r++)
            {
                double c0 = ThreadCpuMs();
                long t0 = Stopwatch.GetTimestamp();
                bench.OnnxRuntime();
                ort.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                ortCpu.Add(ThreadCpuMs() - c0);
            }
            Thread.Sleep(100);
        }
        ours.Sort();
        ort.Sort();
        double mo = ours[ours.Count / 2], mr = ort[ort.Count / 2];
        Console.WriteLine($"{name} threads {threads}: VisionGen min {ours[0]:F2} median {mo:F2} ms | ONNX Runtime min {ort[0]:F2} median {mr:F2} ms | ratio {mo / mr:F2}");
        if (threads == 1)
        {
            oursCpu.Sort();
            ortCpu.Sort();
            double co = oursCpu[oursCpu.Count / 2], cr = ortCpu[ortCpu.Count / 2];
            Console.WriteLine($"{name} threads 1, thread CPU time: VisionGen median {co:F2} ms | ONNX Runtime median {cr:F2} ms | ratio {co / cr:F2}");
        }
        bench.Dispose();
    }

    /// <summary>The benchmark class of a network by its bench name (the ONNX and weight files it reads), as <c>dynamic</c>.</summary>
    /// <exception cref="ArgumentException">An unknown name (the message lists the known ones).</exception>
    internal static dynamic Create(string name) =>
        name switch
        {
            "resnet18" => new ResNet18Benchmark(),
            "resnet50" => new ResNet50Benchmark(),
            "mobilenet_v2" => new MobileNetV2Benchmark(),
            "mobilenet_v3_large" => new MobileNetV3LargeBenchmark(),
            "efficientnet_b0" => new EfficientNetB0Benchmark(),
            "deeplabv3_mobilenet_v3_large" => new DeepLabV3MobileNetV3Benchmark(),
            _ => throw new ArgumentException($"Unknown network '{name}' (resnet18, resnet50, mobilenet_v2, mobilenet_v3_large, efficientnet_b0, deeplabv3_mobilenet_v3_large)."),
        };

    /// <summary>CPU time of the calling thread in ms (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)).</summary>
    private static double ThreadCpuMs()
    {
        var ts = default(TimeSpec);
        return clock_gettime(3, ref ts) == 0 ? ts.Seconds * 1e3 + ts.Nanoseconds * 1e-6 : double.NaN;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, ref TimeSpec ts);
}
