using BenchmarkDotNet.Attributes;
using VisionGen.Normalization;

namespace VisionGen.Bench.Imaging;

/// <summary>
/// The normalization kernels on network-sized tensors, beside a copy of the same bytes (read + write)
/// as the memory-bandwidth yardstick: bytes/s = (input + output bytes) / time.
/// Run: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*NormalizationBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class NormalizationBenchmarks
{
    // 64 x 112 x 112 floats: 3.2 MB in, 3.2 MB out (a ResNet stem activation).
    private const int C = 64, HW = 112 * 112;
    private float[] _x = [], _y = [], _mean = [], _var = [], _w = [], _b = [];
    private float[] _logits = [], _probs = [];

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(1);
        _x = Enumerable.Range(0, C * HW).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        _y = new float[_x.Length];
        _mean = Enumerable.Range(0, C).Select(_ => (float)r.NextDouble()).ToArray();
        _var = Enumerable.Range(0, C).Select(_ => (float)r.NextDouble() + 0.5f).ToArray();
        _w = Enumerable.Range(0, C).Select(_ => (float)r.NextDouble()).ToArray();
        _b = Enumerable.Range(0, C).Select(_ => (float)r.NextDouble()).ToArray();
        _logits = Enumerable.Range(0, 256 * 1000).Select(_ => (float)(r.NextDouble() * 40 - 20)).ToArray(); // 256 rows of 1000 classes
        _probs = new float[_logits.Length];
    }

    [Benchmark(Baseline = true, Description = "copy (bandwidth yardstick, 6.4 MB moved)")]
    public void Copy() => _x.AsSpan().CopyTo(_y);

    [Benchmark] public void BatchNorm() => Normalize.BatchNorm(_x, _y, C, HW, _mean, _var, _w, _b);
    [Benchmark] public void LayerNormCHW() => Normalize.LayerNorm(_x, _y, C * HW, default, default);
    [Benchmark] public void GroupNorm32() => Normalize.GroupNorm(_x, _y, C, HW, 32, _w, _b);
    [Benchmark] public void InstanceNorm() => Normalize.InstanceNorm(_x, _y, C, HW, _w, _b);
    [Benchmark] public void RmsNormRows() => Normalize.RmsNorm(_x, _y, HW, default);
    [Benchmark] public void L2Rows() => Normalize.L2(_x, _y, HW);
    [Benchmark] public void Sigmoid() => Activations.Sigmoid(_x, _y);
    [Benchmark(Description = "Softmax 256x1000 (2 MB moved)")] public void Softmax() => Activations.Softmax(_logits, _probs, 1000);
    [Benchmark(Description = "LogSoftmax 256x1000 (2 MB moved)")] public void LogSoftmax() => Activations.LogSoftmax(_logits, _probs, 1000);
}
