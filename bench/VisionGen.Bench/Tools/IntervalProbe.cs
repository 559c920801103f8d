using System.Diagnostics;

namespace VisionGen.Bench.Tools;

/// <summary>
/// A network called the way a camera app calls it: one inference every <c>interval</c> ms, so the worker threads have gone
/// to sleep (and a virtual machine's idle core may have been handed back to its host) before every call. Alternates with
/// ONNX Runtime, each engine's call after the same pause; prints min, median and 90th percentile of each.
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- interval NET threads intervalMs calls [both|visiongen|ort]</c>, NET as for <c>-- net</c>
/// </summary>
internal static class IntervalProbe
{
    public static void Run(string name, int threads, int intervalMs, int calls, string engines = "both")
    {
        dynamic bench = NetworkAB.Create(name);
        bench.Threads = threads;
        bench.Setup();
        for (int i = 0; i < 20; i++) bench.VisionGen();
        for (int i = 0; i < 20; i++) bench.OnnxRuntime();
        var ms = new List<double>();
        var ort = new List<double>();
        for (int i = 0; i < calls; i++)
        {
            long t0;
            if (engines != "ort")
            {
                Thread.Sleep(intervalMs);
                t0 = Stopwatch.GetTimestamp();
                bench.VisionGen();
                ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            if (engines != "visiongen")
            {
                Thread.Sleep(intervalMs);
                t0 = Stopwatch.GetTimestamp();
                bench.OnnxRuntime();
                ort.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }
        ms.Sort();
        ort.Sort();
        if (ms.Count == 0) ms.Add(double.NaN);
        if (ort.Count == 0) ort.Add(double.NaN);
        Console.WriteLine($"{name} threads {threads} every {intervalMs} ms: VisionGen min {ms[0]:F2} median {ms[ms.Count / 2]:F2} p90 {ms[ms.Count * 9 / 10]:F2} ms | ONNX Runtime min {ort[0]:F2} median {ort[ort.Count / 2]:F2} p90 {ort[ort.Count * 9 / 10]:F2} ms");
        bench.Dispose();
    }
}
