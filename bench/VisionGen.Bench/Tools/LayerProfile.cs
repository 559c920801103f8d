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
        // Warm every kernel into its fully optimized (tier-1) code first: a layer timed while the runtime still runs its
        // quick first-tier code reads several times slower than it runs inside a network.
        WarmUp(shapes.Select(p => p.Shape).ToList());
        double total = 0, totalFlops = 0;
        var rows = new List<(string Name, Conv2dShape S, double Ms, double Gf)>();
        foreach (var (name, s) in shapes)
        {
            var x = Random(s.InputLength, 1);
            var w = new float[Conv2d.PackedWeightLength(s)];
            Conv2d.PackWeights(s, Random(s.WeightLength, 2), w);
            var b = Random(s.OutChannels, 3);
            var y = new float[s.OutputLength];
            var scratch = new float[Math.Max(1, s.ScratchLength)];
            for (int i = 0; i < 5; i++) Conv2d.Forward(s, x, w, b, default, Activation.Relu, y, scratch);
            // Fastest of many single calls: the machine is shared, the minimum is the least disturbed.
            double best = double.MaxValue;
            int trials = Math.Clamp((int)(4e9 / Math.Max(1.0, Flops(s))), 20, 400);
            for (int t = 0; t < trials; t++)
            {
                long t0 = Stopwatch.GetTimestamp();
                Conv2d.Forward(s, x, w, b, default, Activation.Relu, y, scratch);
                best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            double gf = Flops(s) / (best * 1e6);
            rows.Add((name, s, best, gf));
            total += best; totalFlops += Flops(s);
        }
        // The same convolutions back to back, each once per pass with its own buffers and weights, as in a network:
        // caches hold what the previous layers left, not this layer's data. The gap to the sum above is what cold
        // weights and activations cost.
        var all = shapes.Select(p =>
        {
            var w = new float[Conv2d.PackedWeightLength(p.Shape)];
            Conv2d.PackWeights(p.Shape, Random(p.Shape.WeightLength, 2), w);
            return (S: p.Shape, X: Random(p.Shape.InputLength, 1), W: w, B: Random(p.Shape.OutChannels, 3),
                Y: new float[p.Shape.OutputLength], Scratch: new float[Math.Max(1, p.Shape.ScratchLength)]);
        }).ToList();
        double bestPass = double.MaxValue;
        for (int t = 0; t < 30; t++)
        {
            long t0 = Stopwatch.GetTimestamp();
            foreach (var l in all) Conv2d.Forward(l.S, l.X, l.W, l.B, default, Activation.Relu, l.Y, l.Scratch);
            bestPass = Math.Min(bestPass, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine($"all convolutions back to back, each once (cold caches): {bestPass:F2} ms");
        foreach (var (name, s, ms, gf) in rows.OrderByDescending(r => r.Ms))
            Console.WriteLine($"{name,-34} {s.InChannels,4}x{s.InHeight,3}x{s.InWidth,3} -> {s.OutChannels,4}x{s.OutHeight,3}x{s.OutWidth,3} k{s.KernelHeight}s{s.StrideHeight}g{s.Groups,-4} {ms,8:F3} ms {gf,7:F1} GFLOP/s {100 * ms / total,5:F1}%");
        Console.WriteLine($"total conv {total:F2} ms, {totalFlops / 1e9:F2} GFLOP, {totalFlops / (total * 1e6):F1} GFLOP/s, threads {threads}");
    }

    private static void WarmUp(List<Conv2dShape> shapes)
    {
        var layers = shapes.Select(s =>
        {
            var w = new float[Conv2d.PackedWeightLength(s)];
            Conv2d.PackWeights(s, Random(s.WeightLength, 2), w);
            return (S: s, X: Random(s.InputLength, 1), W: w, B: Random(s.OutChannels, 3),
                Y: new float[s.OutputLength], Scratch: new float[Math.Max(1, s.ScratchLength)]);
        }).ToList();
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 3000)
            foreach (var l in layers) Conv2d.Forward(l.S, l.X, l.W, l.B, default, Activation.Relu, l.Y, l.Scratch);
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
