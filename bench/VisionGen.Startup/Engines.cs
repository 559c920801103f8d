using Microsoft.ML.OnnxRuntime;
using VisionGen;
using VisionGen.Weights;

namespace VisionGen.Startup;

// The benchmark networks (torchvision defaults, 224x224, 1000 classes; weights from scripts/export_bench_models.py)
// and the FashionDetection sample's FCOS detector (its committed weights; ONNX graph of its heads from the same script).

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class StartupResNet18;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 50)]
[ClassifierHead(Classes = 1000)]
public partial class StartupResNet50;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[MobileNetV2]
[ClassifierHead(Classes = 1000)]
public partial class StartupMobileNetV2;

/// <summary>The FashionDetection sample's detector (samples/FashionDetection/FashionDetector.cs), declared the same way.</summary>
[VisionModel(Channels = 3, Height = 128, Width = 128)]
[MobileNetV2(WidthMultiplier = 0.5f)]
[FpnNeck(OutChannels = 64, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
[FcosHead(Classes = 10)]
public partial class StartupFcos;

/// <summary>One engine running one network: what a fresh process times.</summary>
internal interface IEngine : IDisposable
{
    /// <summary>Reads the weights (VisionGen: Load; ONNX Runtime: session creation).</summary>
    void Load();

    /// <summary>One inference on the prepared input.</summary>
    void Run();

    /// <summary>The first output's values after <see cref="Run"/> (compared across engines by the driver).</summary>
    ReadOnlySpan<float> Output { get; }
}

/// <summary>Where the networks' files are and how big their inputs are.</summary>
internal static class Networks
{
    public static readonly string[] All = { "resnet18", "resnet50", "mobilenet_v2", "fcos" };

    public static int InputLength(string net) => net == "fcos" ? 3 * 128 * 128 : 3 * 224 * 224;

    public static string WeightsPath(string root, string net) => net == "fcos"
        ? Path.Combine(root, "samples", "FashionDetection", "model", "fcos_fashion.safetensors")
        : Path.Combine(root, "bench", "models", net + ".safetensors");

    public static string OnnxPath(string root, string net) =>
        Path.Combine(root, "bench", "models", (net == "fcos" ? "fcos_fashion" : net) + ".onnx");

    /// <summary>The input every engine gets: the PyTorch reference input for the classifiers, seeded noise in [0, 1) for FCOS.</summary>
    public static float[] Input(string root, string net)
    {
        var input = new float[InputLength(net)];
        if (net == "fcos")
        {
            var random = new Random(2004);
            for (int i = 0; i < input.Length; i++) input[i] = random.NextSingle();
            return input;
        }
        using var file = SafetensorsFile.Open(Path.Combine(root, "bench", "models", net + ".io.safetensors"));
        file.ReadFloat32(file.Tensors["input"], input);
        return input;
    }

    public static IEngine Create(string engine, string root, string net, float[] input) => (engine, net) switch
    {
        ("visiongen", "resnet18") => new VisionGenClassifier<StartupResNet18>(WeightsPath(root, net), input),
        ("visiongen", "resnet50") => new VisionGenClassifier<StartupResNet50>(WeightsPath(root, net), input),
        ("visiongen", "mobilenet_v2") => new VisionGenClassifier<StartupMobileNetV2>(WeightsPath(root, net), input),
        ("visiongen", "fcos") => new VisionGenFcos(WeightsPath(root, net), input),
        ("ort", _) => new OnnxRuntimeEngine(OnnxPath(root, net), net, input),
        _ => throw new ArgumentException($"Unknown engine/network {engine}/{net} (engines: visiongen, ort; networks: {string.Join(", ", All)})."),
    };
}

internal sealed class VisionGenClassifier<T>(string path, float[] input) : IEngine where T : class, IVisionModel<T>
{
    private T? _model;
    private float[] _output = [];

    public void Load()
    {
        _model = T.Load(path);
        _output = new float[_model.OutputLength];
    }

    public void Run() => _model!.Run(input, _output);

    public ReadOnlySpan<float> Output => _output;

    public void Dispose() => _model?.Dispose();
}

internal sealed class VisionGenFcos(string path, float[] input) : IEngine
{
    private StartupFcos? _model;

    public void Load() => _model = StartupFcos.Load(path);

    public void Run() => _model!.RunHeads(input);

    public ReadOnlySpan<float> Output => _model!.ClassLogits;

    public void Dispose() => _model?.Dispose();
}

/// <summary>ONNX Runtime on the same weights, one session, outputs bound to preallocated buffers (as the BenchmarkDotNet classes).</summary>
internal sealed class OnnxRuntimeEngine(string path, string net, float[] input) : IEngine
{
    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private string[] _inputNames = [], _outputNames = [];
    private OrtValue[] _inputs = [], _outputs = [];
    private float[] _output = [];
    private readonly List<float[]> _buffers = new();

    public static int Threads { get; set; } = 1;

    public void Load()
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(path, options);
        _runOptions = new RunOptions();
        int side = net == "fcos" ? 128 : 224;
        _inputNames = ["input"];
        _inputs = [OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, side, side })];
        _outputNames = _session.OutputMetadata.Keys.ToArray();
        _outputs = new OrtValue[_outputNames.Length];
        for (int i = 0; i < _outputNames.Length; i++)
        {
            long[] dims = _session.OutputMetadata[_outputNames[i]].Dimensions.Select(d => (long)d).ToArray();
            var buffer = new float[dims.Aggregate(1L, (a, b) => a * b)];
            _buffers.Add(buffer);
            _outputs[i] = OrtValue.CreateTensorValueFromMemory(buffer, dims);
        }
        _output = _buffers[0];
    }

    public void Run() => _session!.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public ReadOnlySpan<float> Output => _output;

    public void Dispose()
    {
        foreach (var v in _inputs.Concat(_outputs)) v.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
    }
}
