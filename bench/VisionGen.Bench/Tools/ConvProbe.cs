using System.Diagnostics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// One convolution on a square image, hot caches, one thread: the algorithm <see cref="Conv2d.Forward"/> picks and its
/// median time and rate over 300 calls, three times. <c>dotnet run -c Release --project bench/VisionGen.Bench -- conv
/// 3 32 224 3 2 1</c> (in channels, out channels, size, kernel, stride, padding, [groups], [threads]).
/// </summary>
internal static class ConvProbe
{
    public static void Run(string[] args)
    {
        int ci = int.Parse(args[1]), co = int.Parse(args[2]), h = int.Parse(args[3]), k = int.Parse(args[4]), st = int.Parse(args[5]), pad = int.Parse(args[6]);
        int g = args.Length > 7 ? int.Parse(args[7]) : 1;
        if (args.Length > 8) CpuThreads.Count = int.Parse(args[8]);
        int oh = (h + 2 * pad - k) / st + 1;
        var s = new Conv2dShape(ci, h, h, co, oh, oh, k, k, st, st, pad, pad, 1, 1, g);
        var x = new float[s.InputLength];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 17) * 0.01f;
        var w = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, new float[s.WeightLength], w);
        var b = new float[co];
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        for (int r = 0; r < 3; r++)
        {
            for (int i = 0; i < 30; i++) Conv2d.Forward(s, x, w, b, default, Activation.Relu6, y, scratch);
            var times = new List<double>();
            for (int i = 0; i < 300; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Conv2d.Forward(s, x, w, b, default, Activation.Relu6, y, scratch);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"conv {ci}->{co} k{k} s{st} p{pad} g{g} @{h} {Conv2d.AlgorithmFor(s)}: median {times[150]:F3} ms, {2.0 * ci / g * co * k * k * oh * oh / times[150] / 1e6:F0} GFLOP/s");
        }
    }
}
