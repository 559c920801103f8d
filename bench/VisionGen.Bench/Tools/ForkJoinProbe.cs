using System.Diagnostics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// What one fork/join of the CPU worker pool costs: <see cref="WorkerPool.Run"/> with parts that do nothing, or that each
/// spin for a fixed time (the caller then waits for the slower part), many times in a row as a network's steps do.
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- forkjoin [threads] [work µs]</c>
/// </summary>
internal static unsafe class ForkJoinProbe
{
    private static long s_workTicks;

    public static void Run(int threads, double workMicroseconds)
    {
        CpuThreads.Count = threads;
        s_workTicks = (long)(workMicroseconds * Stopwatch.Frequency / 1e6);
        const int calls = 20000;
        var ns = new List<double>();
        for (int round = 0; round < 7; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) WorkerPool.Run(&Part, null, threads);
            ns.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1e6 / calls);
        }
        ns.Sort();
        Console.WriteLine($"forkjoin threads {threads}, {workMicroseconds} µs per part: {ns[ns.Count / 2] - workMicroseconds * 1e3:F0} ns per Run beyond the part's work (median of 7 rounds of {calls}; min {ns[0] - workMicroseconds * 1e3:F0})");
    }

    private static void Part(void* context, int part, int parts)
    {
        if (s_workTicks == 0) return;
        long end = Stopwatch.GetTimestamp() + s_workTicks;
        while (Stopwatch.GetTimestamp() < end) { }
    }
}
