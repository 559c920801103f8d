using System.Reflection;
using VisionGen.Bench.Networks;
using VisionGen.Weights;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Managed memory of <c>Load</c>: <c>dotnet run -c Release --project bench/VisionGen.Bench -- loadmem resnet18 [path]</c>.
/// Prints, for the generated <c>Load(path)</c>, the bytes allocated while loading (all threads; an upper bound of the
/// peak live memory), the bytes the loaded model keeps (live heap after a full collection, minus before), and the bytes
/// of the model's arrays (weights it runs, and its arena), read by reflection. Then the same split by stage (open the
/// file, bind the tensors, run the generated constructor) to show where the bytes go. For ResNet-18, the same Load(path)
/// line for <c>WeightMemory.Compact</c> and the steady <c>Run</c> time of the two settings, interleaved.
/// </summary>
internal static class LoadMemoryProbe
{
    public static void Run(string network, string? path)
    {
        Type model = network switch
        {
            "resnet18" => typeof(BenchResNet18),
            "resnet18-compact" => typeof(BenchResNet18Compact),
            "resnet50" => typeof(BenchResNet50),
            "mobilenet_v2" => typeof(BenchMobileNetV2),
            _ => throw new ArgumentException($"unknown network {network}"),
        };
        path ??= Path.Combine(ModelFiles.Directory, network + ".safetensors");
        long fileBytes = new FileInfo(path).Length;
        var specs = (IReadOnlyList<WeightSpec>)model.GetProperty("WeightSpecs", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        var ctor = model.GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(WeightSet)])!;

        Console.WriteLine($"{model.Name} from {path}: file {Mb(fileBytes)}, {Environment.ProcessorCount} cores, AVX-512 {System.Runtime.Intrinsics.X86.Avx512F.IsSupported}");
        MeasureLoad(model, "Load(path)", path, fileBytes);
        if (model == typeof(BenchResNet18))
        {
            MeasureLoad(typeof(BenchResNet18Compact), "WeightMemory.Compact Load(path)", path, fileBytes);
            CompareRuns(path);
        }

        // What the generated Load did before it streamed: every tensor read up front (WeightBinder.Bind), then the constructor.
        for (int round = 0; round < 3; round++)
        {
            var (allocated, resident, kept) = Measure(() =>
            {
                using var opened = SafetensorsFile.Open(path);
                return ctor.Invoke([WeightBinder.Bind(opened, specs, model.Name)]);
            });
            long weights = WeightBytes(kept), arena = ArenaBytes(kept);
            ((IDisposable)kept).Dispose();
            if (round < 2) continue;
            Console.WriteLine($"WeightBinder.Bind + constructor (the Load before streaming): allocated {Mb(allocated)} ({allocated / (double)fileBytes:F2}x file), resident {Mb(resident)} " +
                              $"= weights it runs {Mb(weights)} + arena {Mb(arena)} + other {Mb(resident - weights - arena)}; resident/weights {resident / (double)weights:F2}x; " +
                              $"allocated beyond resident {Mb(allocated - resident)} ({(allocated - resident) / (double)fileBytes:F2}x file)");
        }

        // The same from a forward-only stream (a GZip or network stream), with the weight table as generated (read counts
        // stated: each tensor dropped after its last read) and without them (every tensor kept until loading ends).
        WeightSpec[] uncounted = specs.Select(s => s with { Reads = 0 }).ToArray();
        foreach (var (label, table) in new[] { ("generated table (read counts)", specs), ("no read counts", (IReadOnlyList<WeightSpec>)uncounted) })
        {
            for (int round = 0; round < 2; round++)
            {
                var (allocated, resident, kept) = Measure(() =>
                {
                    using var opened = SafetensorsFile.Open(new ForwardOnly(File.OpenRead(path)), Path.GetFileName(path));
                    return WeightBinder.Load(opened, table, model.Name, w => ctor.Invoke([w]));
                });
                ((IDisposable)kept).Dispose();
                if (round < 1) continue;
                Console.WriteLine($"WeightBinder.Load + constructor, forward-only stream, {label}: allocated {Mb(allocated)} ({allocated / (double)fileBytes:F2}x file), " +
                                  $"resident {Mb(resident)}; allocated beyond resident {Mb(allocated - resident)} ({(allocated - resident) / (double)fileBytes:F2}x file)");
            }
        }

        // By stage, with WeightBinder.Bind (the other public entry point), to show where the bytes went before streaming.
        SafetensorsFile? file = null;
        WeightSet? set = null;
        var (openAllocated, _, _) = Measure(() => file = SafetensorsFile.Open(path));
        var (bindAllocated, bindResident, _) = Measure(() => set = WeightBinder.Bind(file!, specs, model.Name));
        var (ctorAllocated, _, built) = Measure(() => ctor.Invoke([set!]));
        file!.Dispose();
        long rawBytes = specs.Where(s => !s.Ignored).Sum(s => 4L * s.Shape.Aggregate(1L, (a, d) => a * d));
        Console.WriteLine($"  open (header)      allocated {Mb(openAllocated)}");
        Console.WriteLine($"  bind (raw tensors) allocated {Mb(bindAllocated)}, kept until the constructor ends {Mb(bindResident)} (raw float32 tensors: {Mb(rawBytes)})");
        Console.WriteLine($"  constructor        allocated {Mb(ctorAllocated)} (kept by the model: weights {Mb(WeightBytes(built))}, arena {Mb(ArenaBytes(built))})");
        ((IDisposable)built).Dispose();
    }

    /// <summary>The generated Load(path): allocated while loading, resident after it, and LoadedBytes; the last of three rounds.</summary>
    private static void MeasureLoad(Type model, string label, string path, long fileBytes)
    {
        var load = model.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(string)])!;
        for (int round = 0; round < 3; round++) // the first rounds JIT and warm the statics; the last one is printed
        {
            var (allocated, resident, kept) = Measure(() => load.Invoke(null, [path])!);
            long weights = WeightBytes(kept), arena = ArenaBytes(kept);
            long loadedBytes = (long)model.GetProperty("LoadedBytes")!.GetValue(kept)!;
            ((IDisposable)kept).Dispose();
            if (round < 2) continue;
            Console.WriteLine($"{label}: allocated {Mb(allocated)} ({allocated / (double)fileBytes:F2}x file), resident {Mb(resident)} ({resident / (double)fileBytes:F2}x file) " +
                              $"= weights it runs {Mb(weights)} + arena {Mb(arena)} + other {Mb(resident - weights - arena)}; resident/weights {resident / (double)weights:F2}x; " +
                              $"allocated beyond resident {Mb(allocated - resident)} ({(allocated - resident) / (double)fileBytes:F2}x file); LoadedBytes {Mb(loadedBytes)} ({loadedBytes / (double)fileBytes:F2}x file)");
        }
    }

    /// <summary>Steady Run time of the default and the compact ResNet-18, one thread, interleaved rounds; medians.</summary>
    private static void CompareRuns(string path)
    {
        using var fast = BenchResNet18.Load(path);
        using var compact = BenchResNet18Compact.Load(path);
        var input = new float[BenchResNet18.InputLength];
        var rng = new Random(1);
        for (int i = 0; i < input.Length; i++) input[i] = (float)rng.NextDouble() * 2 - 1;
        var a = new float[BenchResNet18.OutputLength];
        var b = new float[BenchResNet18Compact.OutputLength];
        for (int i = 0; i < 3; i++) { fast.Run(input, a); compact.Run(input, b); }
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < a.Length; i++) { maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - b[i])); maxRef = Math.Max(maxRef, Math.Abs(a[i])); }
        const int rounds = 15;
        var tf = new double[rounds];
        var tc = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            fast.Run(input, a);
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            compact.Run(input, b);
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            tf[r] = (t1 - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            tc[r] = (t2 - t1) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
        }
        Array.Sort(tf);
        Array.Sort(tc);
        double mf = tf[rounds / 2], mc = tc[rounds / 2];
        Console.WriteLine($"Run, one thread, median of {rounds} interleaved: default {mf:F1} ms, WeightMemory.Compact {mc:F1} ms (compact/default {mc / mf:F2}x); " +
                          $"outputs differ by at most {maxDiff:G3} (max |y| {maxRef:G3})");
    }

    private static (long Allocated, long Resident, object Result) Measure(Func<object> action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long live0 = GC.GetTotalMemory(forceFullCollection: true);
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        object result = action();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        long resident = GC.GetTotalMemory(forceFullCollection: true) - live0;
        GC.KeepAlive(result);
        return (allocated, resident, result);
    }

    private static IEnumerable<FieldInfo> ArrayFields(object model) =>
        model.GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance).Where(f => f.FieldType == typeof(float[]));

    private static long WeightBytes(object model) =>
        ArrayFields(model).Where(f => f.Name != "_arena").Sum(f => 4L * (((float[]?)f.GetValue(model))?.Length ?? 0));

    private static long ArenaBytes(object model) =>
        ArrayFields(model).Where(f => f.Name == "_arena").Sum(f => 4L * (((float[]?)f.GetValue(model))?.Length ?? 0));

    private static string Mb(long bytes) => $"{bytes / 1e6:F1} MB";

    /// <summary>A non-seekable view of a stream.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
