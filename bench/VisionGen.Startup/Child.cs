using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace VisionGen.Startup;

/// <summary>
/// One measured process: reads the input, loads one engine, runs it, and prints one <c>result</c> line with raw
/// timestamps (Stopwatch ticks: CLOCK_MONOTONIC, comparable with the driver's) and per-call wall and thread-CPU times.
/// </summary>
internal static partial class Child
{
    public static int Run(string engine, string net, string root, int threads, double seconds, int minCalls)
    {
        long main = Stopwatch.GetTimestamp();
        // The jit-nowarm configuration: Load starts no background kernel warm-up (VisionGen.Cpu.KernelWarmUp).
        if (Environment.GetEnvironmentVariable("VISIONGEN_KERNEL_WARMUP") == "0") AppContext.SetSwitch("VisionGen.KernelWarmUp", false);
        VisionGen.Cpu.CpuThreads.Count = threads;
        OnnxRuntimeEngine.Threads = threads;
        float[] input = Networks.Input(root, net);
        using IEngine e = Networks.Create(engine, root, net, input);
        // Time the JIT spent compiling (all threads; zero under NativeAOT), before Load, after it and after the first Run.
        TimeSpan jit0 = System.Runtime.JitInfo.GetCompilationTime();
        long loadStart = Stopwatch.GetTimestamp();
        e.Load();
        long loaded = Stopwatch.GetTimestamp();
        TimeSpan jit1 = System.Runtime.JitInfo.GetCompilationTime(), jit2 = jit1;
        var wall = new List<double>(256);
        var cpu = new List<double>(256);
        long runStart = loaded;
        while (wall.Count < minCalls || Stopwatch.GetElapsedTime(runStart).TotalSeconds < seconds)
        {
            double c0 = CpuMs(threads);
            long t0 = Stopwatch.GetTimestamp();
            e.Run();
            long t1 = Stopwatch.GetTimestamp();
            wall.Add((t1 - t0) * 1000.0 / Stopwatch.Frequency);
            cpu.Add(CpuMs(threads) - c0);
            if (wall.Count == 1) { runStart = t1; jit2 = System.Runtime.JitInfo.GetCompilationTime(); }
            if (wall.Count >= 4000) break;
        }
        long first = loaded + (long)(wall[0] * Stopwatch.Frequency / 1000.0);
        // A checksum of the output, so the driver can see every configuration computed the same thing.
        double sum = 0, max = 0;
        foreach (float v in e.Output) { sum += v; max = Math.Max(max, Math.Abs(v)); }
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"result engine={engine} net={net} threads={threads} main={main} loadStart={loadStart} loaded={loaded} first={first} ");
        line.Append(CultureInfo.InvariantCulture, $"jitLoad={(jit1 - jit0).TotalMilliseconds:F1} jitFirst={(jit2 - jit1).TotalMilliseconds:F1} ");
        line.Append(CultureInfo.InvariantCulture, $"sum={sum:R} max={max:R} aot={(!System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? 1 : 0)} ");
        line.Append("wall=").Append(string.Join(',', wall.Select(w => w.ToString("F4", CultureInfo.InvariantCulture)))).Append(' ');
        line.Append("cpu=").Append(string.Join(',', cpu.Select(w => w.ToString("F4", CultureInfo.InvariantCulture))));
        Console.WriteLine(line.ToString());
        return 0;
    }

    /// <summary>CPU time of the calling thread (one thread: the one inference runs on), or of the whole process (several).</summary>
    private static double CpuMs(int threads)
    {
        var ts = default(TimeSpec);
        if (clock_gettime(threads == 1 ? ClockThreadCpuTime : ClockProcessCpuTime, ref ts) != 0) return double.NaN;
        return ts.Seconds * 1e3 + ts.Nanoseconds * 1e-6;
    }

    private const int ClockProcessCpuTime = 2, ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int clock_gettime(int clock, ref TimeSpec ts);
}
