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

/// <summary>
/// How long after a job is handed out a sleeping worker starts its part, after <c>sleepMs</c> of idling (part 0 runs 10 ms, so
/// the worker always takes its own part and has gone to sleep again before the next job).
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- forkjoin wake sleepMs</c>
/// </summary>
internal static unsafe class WakeProbe
{
    private static long s_start1;

    public static void Run(int sleepMs)
    {
        CpuThreads.Count = 2;
        var w = new List<double>();
        for (int i = 0; i < 40; i++)
        {
            Thread.Sleep(sleepMs);
            long t0 = Stopwatch.GetTimestamp();
            WorkerPool.Run(&Part, null, 2);
            w.Add((s_start1 - t0) * 1e6 / Stopwatch.Frequency);
        }
        w.Sort();
        Console.WriteLine($"worker start after {sleepMs} ms idle: min {w[0]:F0} median {w[w.Count / 2]:F0} p90 {w[w.Count * 9 / 10]:F0} µs");
    }

    private static void Part(void* context, int part, int parts)
    {
        if (part == 1) { s_start1 = Stopwatch.GetTimestamp(); return; }
        long end = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100; // part 0: 10 ms, so the worker always gets its part
        while (Stopwatch.GetTimestamp() < end) { }
    }
}
