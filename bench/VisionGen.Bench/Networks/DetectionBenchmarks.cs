using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using VisionGen;

namespace VisionGen.Bench.Networks;

/// <summary>torchvision retinanet_resnet50_fpn at 384x384 (91 classes); weights from scripts/export_detection_bench.py.</summary>
[VisionModel(Channels = 3, Height = 384, Width = 384)]
[ResNet(Depth = 50)]
[FpnNeck]
[RetinaNetHead(Classes = 91)]
public partial class BenchRetinaNet;

/// <summary>
/// Backbone + FPN + head of RetinaNet (the part <c>RunHeads</c> computes) against ONNX Runtime on the same weights,
/// single-threaded, in the same run. ONNX Runtime is the baseline: Ratio = VisionGen / ONNX Runtime.
/// </summary>
[MemoryDiagnoser]
public class RetinaNetHeadsBenchmark : IDisposable
{
    private readonly float[] _input = new float[BenchRetinaNet.InputLength];
    private readonly float[] _ortLogits = new float[BenchRetinaNet.AnchorCount * BenchRetinaNet.ClassCount];
    private readonly float[] _ortBoxes = new float[BenchRetinaNet.AnchorCount * 4];
    private BenchRetinaNet _model = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private readonly string[] _inputNames = { "input" }, _outputNames = { "cls_logits", "bbox_regression" };
    private OrtValue[] _inputs = null!, _outputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        string dir = ModelFiles.Directory;
        var random = new Random(11);
        for (int i = 0; i < _input.Length; i++) _input[i] = (float)(random.NextDouble() * 2 - 1);
        _model = BenchRetinaNet.Load(Path.Combine(dir, "retinanet_r50.safetensors"));
        _session = new InferenceSession(Path.Combine(dir, "retinanet_r50.onnx"), new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        });
        _runOptions = new RunOptions();
        _inputs = new[] { OrtValue.CreateTensorValueFromMemory(_input, new long[] { 1, 3, 384, 384 }) };
        _outputs = new[]
        {
            OrtValue.CreateTensorValueFromMemory(_ortLogits, new long[] { 1, BenchRetinaNet.AnchorCount, BenchRetinaNet.ClassCount }),
            OrtValue.CreateTensorValueFromMemory(_ortBoxes, new long[] { 1, BenchRetinaNet.AnchorCount, 4 }),
        };
        VisionGen();
        OnnxRuntime();
        Check("cls_logits", _ortLogits, _model.ClassLogits);
        Check("bbox_regression", _ortBoxes, _model.BoxRegression);
    }

    private static void Check(string name, float[] reference, ReadOnlySpan<float> actual)
    {
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs(reference[i]));
            maxErr = Math.Max(maxErr, Math.Abs(reference[i] - actual[i]));
        }
        if (maxErr > 1e-4 * maxRef + 1e-5) throw new InvalidOperationException($"{name}: VisionGen and ONNX Runtime differ by {maxErr}");
        Console.WriteLine($"// retinanet {name}: max |diff| vs ONNX Runtime = {maxErr:E2} (max |ref| {maxRef:E2})");
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime")]
    public void OnnxRuntime() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    [Benchmark(Description = "VisionGen")]
    public void VisionGen() => _model.RunHeads(_input);

    [GlobalCleanup]
    public void Dispose()
    {
        _model?.Dispose();
        _session?.Dispose();
        _runOptions?.Dispose();
        foreach (OrtValue v in _inputs ?? []) v.Dispose();
        foreach (OrtValue v in _outputs ?? []) v.Dispose();
        GC.SuppressFinalize(this);
    }
}
