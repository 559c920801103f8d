using System.Diagnostics;
using System.Reflection;
using VisionGen.Bench.Networks;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Per-convolution timing of a benchmark network (not a BenchmarkDotNet run; a quick profile for kernel work):
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- layers resnet18 [threads]</c>.
/// Reads the generated model's static convolution shapes by reflection and times Conv2d.Forward on random data.
/// </summary>
internal static class LayerProfile
{
    public static void Run(string network, int threads)
    {
        Type model = network switch
        {
            "resnet18" => typeof(BenchResNet18),
            "resnet50" => typeof(BenchResNet50),
            "mobilenet_v2" => typeof(BenchMobileNetV2),
            _ => throw new ArgumentException($"unknown network {network}"),
        };
        CpuThreads.Count = threads;
        var shapes = model.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Conv2dShape))
            .Select(f => (f.Name, Shape: (Conv2dShape)f.GetValue(null)!)).ToList();
        // Each layer with its own random input, packed weights, bias, output and scratch, as in a network.
        var layers = shapes.Select(p => Layer.Create(p.Name, p.Shape)).ToList();
        // Warm every kernel into its fully optimized (tier-1) code first: a layer timed while the runtime still runs its
        // quick first-tier code reads several times slower than it runs inside a network.
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 3000)
            foreach (var l in layers) l.Run();
        double total = 0, totalFlops = 0;
        var rows = new List<(string Name, Conv2dShape S, double Ms, double Gf)>();
        foreach (var l in layers)
        {
            // Fastest of many single calls: the machine is shared, the minimum is the least disturbed.
            double best = double.MaxValue;
            int trials = Math.Clamp((int)(4e9 / Math.Max(1.0, Flops(l.S))), 20, 400);
            for (int t = 0; t < trials; t++)
            {
                long t0 = Stopwatch.GetTimestamp();
                l.Run();
                best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            double gf = Flops(l.S) / (best * 1e6);
            rows.Add((l.Name, l.S, best, gf));
            total += best; totalFlops += Flops(l.S);
        }
        // The same convolutions back to back, each once per pass: caches hold what the previous layers left, not this
        // layer's data. The gap to the sum above is what cold weights and activations cost.
        double bestPass = double.MaxValue;
        for (int t = 0; t < 30; t++)
        {
            long t0 = Stopwatch.GetTimestamp();
            foreach (var l in layers) l.Run();
            bestPass = Math.Min(bestPass, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine($"all convolutions back to back, each once (cold caches): {bestPass:F2} ms");
        foreach (var (name, s, ms, gf) in rows.OrderByDescending(r => r.Ms))
            Console.WriteLine($"{name,-34} {s.InChannels,4}x{s.InHeight,3}x{s.InWidth,3} -> {s.OutChannels,4}x{s.OutHeight,3}x{s.OutWidth,3} k{s.KernelHeight}s{s.StrideHeight}g{s.Groups,-4} {ms,8:F3} ms {gf,7:F1} GFLOP/s {100 * ms / total,5:F1}%");
        Console.WriteLine($"total conv {total:F2} ms, {totalFlops / 1e9:F2} GFLOP, {totalFlops / (total * 1e6):F1} GFLOP/s, threads {threads}");
    }

    /// <summary>One convolution with its own buffers.</summary>
    private sealed record Layer(string Name, Conv2dShape S, float[] X, float[] W, float[] B, float[] Y, float[] Scratch)
    {
        public static Layer Create(string name, Conv2dShape s)
        {
            var w = new float[Conv2d.PackedWeightLength(s)];
            Conv2d.PackWeights(s, Random(s.WeightLength, 2), w);
            return new Layer(name, s, Random(s.InputLength, 1), w, Random(s.OutChannels, 3), new float[s.OutputLength],
                new float[Math.Max(1, s.ScratchLength)]);
        }

        public void Run() => Conv2d.Forward(S, X, W, B, default, Activation.Relu, Y, Scratch);
    }

    private static double Flops(in Conv2dShape s) => 2.0 * s.OutputLength * (s.InChannels / s.Groups) * s.KernelHeight * s.KernelWidth;

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
