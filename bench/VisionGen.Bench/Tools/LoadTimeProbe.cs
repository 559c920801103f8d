using System.Diagnostics;
using System.Reflection;
using VisionGen.Bench.Networks;
using VisionGen.Cpu;
using VisionGen.Weights;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Where <c>Load</c>'s time goes: <c>dotnet run -c Release --project bench/VisionGen.Bench -- loadtime resnet18 [rounds]</c>.
/// Per round (file in the page cache, JIT warm after the first round; medians printed): reading the file's bytes
/// (the floor a load can reach), <see cref="WeightBinder.Bind"/> (read every tensor as float32 and check it for NaN/∞),
/// the generated <c>Load(path)</c>, the same network with <see cref="WeightMemory.Compact"/> (no Winograd transform),
/// and the weight packing alone for every convolution (<see cref="Conv2d.PackWeights"/>, by algorithm).
/// </summary>
internal static class LoadTimeProbe
{
    public static void Run(string network, int rounds, bool loadOnly = false)
    {
        (Func<string, IDisposable> load, Func<string, IDisposable>? compact, Type model) = network switch
        {
            "resnet18" => ((Func<string, IDisposable>)(p => BenchResNet18.Load(p)), (Func<string, IDisposable>?)(p => BenchResNet18Compact.Load(p)), typeof(BenchResNet18)),
            "resnet50" => (p => BenchResNet50.Load(p), null, typeof(BenchResNet50)),
            "mobilenet_v2" => (p => BenchMobileNetV2.Load(p), null, typeof(BenchMobileNetV2)),
            _ => throw new ArgumentException($"unknown network {network}"),
        };
        string path = Path.Combine(ModelFiles.Directory, network + ".safetensors");
        var specs = (IReadOnlyList<WeightSpec>)model.GetProperty("WeightSpecs", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        Console.WriteLine($"{model.Name}: {path} ({new FileInfo(path).Length / 1e6:F1} MB), {rounds} rounds, medians in ms");

        var shapes = ConvShapes(model);
        var series = new Dictionary<string, List<double>>();
        void Add(string name, double ms) => (series.TryGetValue(name, out var l) ? l : series[name] = []).Add(ms);
        for (int round = 0; round < rounds; round++)
        {
            if (loadOnly)
            {
                Add("generated Load(path)", Time(() => load(path).Dispose()));
                continue;
            }
            Add("read the file (64 KiB reads)", Time(() => ReadAll(path)));
            Add("WeightBinder.Bind (read as float32 + NaN/inf check)", Time(() =>
            {
                using var file = SafetensorsFile.Open(path);
                WeightBinder.Bind(file, specs, model.Name);
            }));
            int gen2 = GC.CollectionCount(2), gen0 = GC.CollectionCount(0);
            TimeSpan paused = GC.GetTotalPauseDuration();
            Add("generated Load(path)", Time(() => load(path).Dispose()));
            Add("  of which GC pauses", (GC.GetTotalPauseDuration() - paused).TotalMilliseconds);
            Add("  GCs during it (gen0 / gen2)", GC.CollectionCount(0) - gen0 + (GC.CollectionCount(2) - gen2) / 100.0);
            if (compact is not null) Add("Load(path), WeightMemory.Compact", Time(() => compact(path).Dispose()));
            foreach (var group in shapes.GroupBy(s => Conv2d.AlgorithmFor(s)))
            {
                double fresh = 0, reused = 0;
                foreach (Conv2dShape s in group)
                {
                    var w = new float[s.WeightLength];
                    for (int i = 0; i < w.Length; i++) w[i] = (i % 17 - 8) * 0.01f;
                    var packed = new float[Conv2d.PackedWeightLength(s)];
                    fresh += Time(() => Conv2d.PackWeights(s, w, packed));
                    reused += Time(() => Conv2d.PackWeights(s, w, packed));
                }
                Add($"PackWeights, {group.Key} ({group.Count()} convolutions), new arrays", fresh);
                Add($"PackWeights, {group.Key}, into the same arrays again", reused);
            }
            if (round == 0) Console.WriteLine("  (round 1 done: includes JIT; medians below are over every round)");
        }
        if (File.Exists("/proc/self/smaps_rollup"))
        {
            using var kept = load(path);
            Console.WriteLine("  with a model loaded: " + string.Join(", ", File.ReadLines("/proc/self/smaps_rollup")
                .Where(l => l.StartsWith("Rss:", StringComparison.Ordinal) || l.StartsWith("AnonHugePages:", StringComparison.Ordinal))
                .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))));
        }
        foreach (var (name, values) in series)
            Console.WriteLine($"  {name,-60} {Median(values),9:F1}   first {values[0]:F1}");
    }

    /// <summary>The model's convolution shapes, read from its static Conv2dShape fields.</summary>
    private static List<Conv2dShape> ConvShapes(Type model) =>
        model.GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(Conv2dShape))
            .Select(f => (Conv2dShape)f.GetValue(null)!)
            .ToList();

    private static void ReadAll(string path)
    {
        var buffer = new byte[1 << 16];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        while (stream.Read(buffer, 0, buffer.Length) > 0) { }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
