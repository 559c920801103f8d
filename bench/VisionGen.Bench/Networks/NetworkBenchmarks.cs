using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace VisionGen.Bench.Networks;

/// <summary>
/// Batch-1 latency of a generated network against ONNX Runtime on the same weights, in the same process run.
/// ONNX Runtime is the baseline, so the Ratio column reads "VisionGen time / ONNX Runtime time".
/// Both run on <see cref="Threads"/> threads: ORT's IntraOpNumThreads and VisionGen's <see cref="VisionGen.Cpu.CpuThreads.Count"/>.
/// </summary>
[MemoryDiagnoser]
public abstract class NetworkBenchmark<TModel> : IDisposable where TModel : class, IDisposable
{
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly float[] _ortOutput;
    private TModel _model = null!;
    private InferenceSession _session = null!;
    private OrtValue _ortInputValue = null!, _ortOutputValue = null!;
    private RunOptions _runOptions = null!;
    private readonly string[] _inputNames = { "input" }, _outputNames = { "output" };
    private OrtValue[] _inputValues = null!, _outputValues = null!;
    private readonly string _name;

    protected NetworkBenchmark(string name, int inputLength, int outputLength)
    {
        _name = name;
        _input = new float[inputLength];
        _output = new float[outputLength];
        _ortOutput = new float[outputLength];
        var random = new Random(7);
        for (int i = 0; i < _input.Length; i++) _input[i] = (float)(random.NextDouble() * 2 - 1);
    }

    /// <summary>Threads both engines use (ORT intra-op threads; VisionGen's CpuThreads.Count).</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    protected abstract TModel Load(string safetensorsPath);

    protected abstract void Run(TModel model, ReadOnlySpan<float> input, Span<float> output);

    [GlobalSetup]
    public void Setup()
    {
        string dir = ModelFiles.Directory;
        global::VisionGen.Cpu.CpuThreads.Count = Threads;
        _model = Load(Path.Combine(dir, _name + ".safetensors"));
        var options = new SessionOptions
        {
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(Path.Combine(dir, _name + ".onnx"), options);
        _ortInputValue = OrtValue.CreateTensorValueFromMemory(_input, new long[] { 1, 3, 224, 224 });
        // The graph's own output shape (a classifier's [1, classes], a segmenter's [1, classes, H, W]).
        long[] outputShape = Array.ConvertAll(_session.OutputMetadata["output"].Dimensions, d => (long)d);
        _ortOutputValue = OrtValue.CreateTensorValueFromMemory(_ortOutput, outputShape);
        _runOptions = new RunOptions();
        _inputValues = new[] { _ortInputValue };
        _outputValues = new[] { _ortOutputValue };

        // Same weights, same input: the two must agree before their speed is worth comparing.
        VisionGen();
        OnnxRuntime();
        double maxRef = _ortOutput.Max(v => Math.Abs(v)), maxErr = _ortOutput.Zip(_output, (a, b) => Math.Abs(a - b)).Max();
        if (maxErr > 1e-4 * maxRef + 1e-5) throw new InvalidOperationException($"{_name}: VisionGen and ONNX Runtime differ by {maxErr} (max |ref| {maxRef})");
        Console.WriteLine($"// {_name}: VisionGen vs ONNX Runtime max |diff| = {maxErr:E2} (max |ref| {maxRef:E2})");
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime")]
    public void OnnxRuntime() =>
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    [Benchmark(Description = "VisionGen")]
    public void VisionGen() => Run(_model, _input, _output);

    [GlobalCleanup]
    public void Dispose()
    {
        _model?.Dispose();
        _session?.Dispose();
        _ortInputValue?.Dispose();
        _ortOutputValue?.Dispose();
        _runOptions?.Dispose();
        GC.SuppressFinalize(this);
    }
}

public class ResNet18Benchmark() : NetworkBenchmark<BenchResNet18>("resnet18", BenchResNet18.InputLength, BenchResNet18.OutputLength)
{
    protected override BenchResNet18 Load(string path) => BenchResNet18.Load(path);
    protected override void Run(BenchResNet18 model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

public class ResNet50Benchmark() : NetworkBenchmark<BenchResNet50>("resnet50", BenchResNet50.InputLength, BenchResNet50.OutputLength)
{
    protected override BenchResNet50 Load(string path) => BenchResNet50.Load(path);
    protected override void Run(BenchResNet50 model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

public class MobileNetV2Benchmark() : NetworkBenchmark<BenchMobileNetV2>("mobilenet_v2", BenchMobileNetV2.InputLength, BenchMobileNetV2.OutputLength)
{
    protected override BenchMobileNetV2 Load(string path) => BenchMobileNetV2.Load(path);
    protected override void Run(BenchMobileNetV2 model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

public class MobileNetV3LargeBenchmark() : NetworkBenchmark<BenchMobileNetV3Large>("mobilenet_v3_large", BenchMobileNetV3Large.InputLength, BenchMobileNetV3Large.OutputLength)
{
    protected override BenchMobileNetV3Large Load(string path) => BenchMobileNetV3Large.Load(path);
    protected override void Run(BenchMobileNetV3Large model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

public class EfficientNetB0Benchmark() : NetworkBenchmark<BenchEfficientNetB0>("efficientnet_b0", BenchEfficientNetB0.InputLength, BenchEfficientNetB0.OutputLength)
{
    protected override BenchEfficientNetB0 Load(string path) => BenchEfficientNetB0.Load(path);
    protected override void Run(BenchEfficientNetB0 model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

public class DeepLabV3MobileNetV3Benchmark() : NetworkBenchmark<BenchDeepLabV3MobileNetV3>("deeplabv3_mobilenet_v3_large", BenchDeepLabV3MobileNetV3.InputLength, BenchDeepLabV3MobileNetV3.OutputLength)
{
    protected override BenchDeepLabV3MobileNetV3 Load(string path) => BenchDeepLabV3MobileNetV3.Load(path);
    protected override void Run(BenchDeepLabV3MobileNetV3 model, ReadOnlySpan<float> input, Span<float> output) => model.Run(input, output);
}

/// <summary>Where scripts/export_bench_models.py wrote the weights and ONNX files.</summary>
internal static class ModelFiles
{
    public static string Directory
    {
        get
        {
            for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "bench", "models");
                if (System.IO.Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("bench/models not found: run /usr/bin/python3 scripts/export_bench_models.py --out bench/models first.");
        }
    }
}
