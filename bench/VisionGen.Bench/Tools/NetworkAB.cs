using System.Diagnostics;
using VisionGen.Bench.Networks;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Quick timing of one network against ONNX Runtime (no BenchmarkDotNet): alternates blocks of calls of the two
/// engines (blocks, not single calls: each engine's idle worker threads spin for a while after a call and would take
/// the other engine's second core) and prints min and median of each, and the ratio of the medians. For development; the reported
/// figures come from the BenchmarkDotNet classes.
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- net resnet18|resnet50|mobilenet_v2 [threads] [rounds]</c>
/// </summary>
internal static class NetworkAB
{
    public static void Run(string name, int threads, int rounds)
    {
        dynamic bench = name switch
        {
            "resnet18" => new ResNet18Benchmark(),
            "resnet50" => new ResNet50Benchmark(),
            "mobilenet_v2" => new MobileNetV2Benchmark(),
            _ => throw new ArgumentException($"Unknown network '{name}' (resnet18, resnet50, mobilenet_v2)."),
        };
        bench.Threads = threads;
        bench.Setup();
        for (int i = 0; i < 5; i++) { bench.VisionGen(); bench.OnnxRuntime(); }
        var ours = new List<double>();
        var ort = new List<double>();
        const int blocks = 4;
        for (int b = 0; b < blocks; b++)
        {
            for (int r = 0; r < rounds / blocks; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                bench.VisionGen();
                ours.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            Thread.Sleep(100); // let the workers of the engine that just ran go idle
            for (int r = 0; r < rounds / blocks; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                bench.OnnxRuntime();
                ort.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            Thread.Sleep(100);
        }
        ours.Sort();
        ort.Sort();
        double mo = ours[ours.Count / 2], mr = ort[ort.Count / 2];
        Console.WriteLine($"{name} threads {threads}: VisionGen min {ours[0]:F2} median {mo:F2} ms | ONNX Runtime min {ort[0]:F2} median {mr:F2} ms | ratio {mo / mr:F2}");
        bench.Dispose();
    }
}
