using VisionGen.Bench.Networks;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>Process-wide managed allocation over 100 runs (all threads): <c>-- alloc [threads]</c>.</summary>
internal static class AllocProbe
{
    public static void Run(int threads)
    {
        CpuThreads.Count = threads;
        using var net = BenchMobileNetV2.Load(Path.Combine(ModelFiles.Directory, "mobilenet_v2.safetensors"));
        var input = new float[BenchMobileNetV2.InputLength];
        var output = new float[BenchMobileNetV2.OutputLength];
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 50; i++) net.Run(input, output);
            long idle0 = GC.GetTotalAllocatedBytes(true);
            Thread.Sleep(300);
            long idle = GC.GetTotalAllocatedBytes(true) - idle0;
            long t0 = GC.GetTotalAllocatedBytes(true), c0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) net.Run(input, output);
            long total = GC.GetTotalAllocatedBytes(true) - t0, caller = GC.GetAllocatedBytesForCurrentThread() - c0;
            Console.WriteLine($"round {round}: idle 300 ms {idle} B; 100 runs: process {total} B, caller {caller} B");
        }
    }
}
