using System.Diagnostics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// One convolution on a square image, hot caches, one thread: the algorithm <see cref="Conv2d.Forward"/> picks and its
/// median time and rate over 300 calls, three times. <c>dotnet run -c Release --project bench/VisionGen.Bench -- conv
/// 3 32 224 3 2 1</c> (in channels, out channels, size, kernel, stride, padding, [groups], [threads], and <c>pixelrows</c>
/// for the pixel-rows GEMM). With <c>cold</c>, each call reads another of 8 copies of the weight and input
/// (<c>VISIONGEN_COLD_COPIES=32</c>: more than the last-level cache holds, so the weight comes from memory);
/// <c>VISIONGEN_PROBE_HUGE=1</c> allocates weights and scratch as a model does (<c>ModelArrays</c>, 2 MB pages on Linux).
/// </summary>
internal static class ConvProbe
{
    public static void Run(string[] args)
    {
        // "pixelrows" anywhere after the numbers: the output pixels as the GEMM's rows (what the generator picks for small outputs).
        var rows = args.Contains("pixelrows") ? GemmRows.OutputPixels : GemmRows.OutputChannels;
        // "cold" anywhere after the numbers: each call reads another of 8 copies of the weight (and of its input), as
        // a network's layers do — a large weight then comes from memory rather than from the cache.
        bool cold = args.Contains("cold");
        // "act=NAME" anywhere after the numbers: the fused activation (an ActivationKind name; ReLU6 without it).
        string? actArg = args.FirstOrDefault(a => a.StartsWith("act=", StringComparison.Ordinal));
        var act = actArg is null ? VisionGen.Ops.ActivationKind.Relu6 : Enum.Parse<VisionGen.Ops.ActivationKind>(actArg[4..], ignoreCase: true);
        args = args.Where(a => a != "pixelrows" && a != "cold" && a != actArg).ToArray();
        int ci = int.Parse(args[1]), co = int.Parse(args[2]), h = int.Parse(args[3]), k = int.Parse(args[4]), st = int.Parse(args[5]), pad = int.Parse(args[6]);
        int g = args.Length > 7 ? int.Parse(args[7]) : 1;
        if (args.Length > 8) CpuThreads.Count = int.Parse(args[8]);
        int oh = (h + 2 * pad - k) / st + 1;
        var s = new Conv2dShape(ci, h, h, co, oh, oh, k, k, st, st, pad, pad, 1, 1, g, GemmRows: rows);
        int copies = cold ? (int.TryParse(Environment.GetEnvironmentVariable("VISIONGEN_COLD_COPIES"), out int n) ? n : 8) : 1;
        bool huge = Environment.GetEnvironmentVariable("VISIONGEN_PROBE_HUGE") == "1";
        float[] Large(int length) => huge ? VisionGen.Weights.ModelArrays.Arena(length) : new float[length];
        var xs = new float[copies][];
        var ws = new float[copies][];
        for (int c = 0; c < copies; c++)
        {
            xs[c] = new float[s.InputLength];
            for (int i = 0; i < xs[c].Length; i++) xs[c][i] = (i % 17) * 0.01f;
            ws[c] = Large(Conv2d.PackedWeightLength(s));
            Conv2d.PackWeights(s, new float[s.WeightLength], ws[c]);
        }
        int call = 0;
        var b = new float[co];
        var y = new float[s.OutputLength];
        var scratch = Large((int)s.ScratchLength);
        for (int r = 0; r < 3; r++)
        {
            double median = MedianMs(() => { int c = call++ % copies; Conv2d.Forward(s, xs[c], ws[c], b, default, new Activation(act), y, scratch); });
            Console.WriteLine($"conv {ci}->{co} k{k} s{st} p{pad} g{g} @{h}{(cold ? " cold" : "")} {act} {Conv2d.AlgorithmFor(s)}: median {median:F3} ms, {2.0 * ci / g * co * k * k * oh * oh / median / 1e6:F0} GFLOP/s");
        }
    }

    /// <summary>
    /// Max pooling the same way: <c>-- pool 64 112 3 2 1</c> (channels, size, kernel, stride, padding), median time and the
    /// input read per second.
    /// </summary>
    public static void RunPool(string[] args)
    {
        int c = int.Parse(args[1]), h = int.Parse(args[2]), k = int.Parse(args[3]), st = int.Parse(args[4]), pad = int.Parse(args[5]);
        int oh = (h + 2 * pad - k) / st + 1;
        var s = new Pool2dShape(c, h, h, oh, oh, k, st, pad);
        var x = new float[s.InputLength];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 17) * 0.01f;
        var y = new float[s.OutputLength];
        for (int r = 0; r < 3; r++)
        {
            double median = MedianMs(() => Pool2d.Max(s, x, y));
            Console.WriteLine($"max pool {c}x{h}x{h} k{k} s{st} p{pad}: median {median:F3} ms, input {4.0 * s.InputLength / median / 1e6:F1} GB/s");
        }
    }

    /// <summary>Median milliseconds of 300 calls after 30 unmeasured ones.</summary>
    private static double MedianMs(Action call)
    {
        for (int i = 0; i < 30; i++) call();
        var times = new double[300];
        for (int i = 0; i < times.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
