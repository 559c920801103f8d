using BenchmarkDotNet.Attributes;
using VisionGen.ObjectDetection;

namespace VisionGen.Bench.Networks;

/// <summary>
/// RetinaNet post-processing alone (sigmoid, score threshold, top-k per level, box decoding, class-wise NMS) on the
/// head outputs of retinanet_resnet50_fpn at 384x384 (27,621 anchors x 91 classes), timed apart from the network.
/// Zero allocations per call.
/// </summary>
[MemoryDiagnoser]
public class RetinaNetPostprocessBenchmark : IDisposable
{
    private BenchRetinaNet _model = null!;
    private readonly Detection[] _results = new Detection[BenchRetinaNet.MaxDetections];
    private float[] _logits = null!, _boxes = null!;
    private PostprocessWorkspace _workspace = null!;
    private static readonly int[] s_perLevel = LevelCounts();

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchRetinaNet.Load(Path.Combine(ModelFiles.Directory, "retinanet_r50.safetensors"));
        var input = new float[BenchRetinaNet.InputLength];
        var random = new Random(11);
        for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 2 - 1);
        _model.RunHeads(input);
        _logits = _model.ClassLogits.ToArray();
        _boxes = _model.BoxRegression.ToArray();
        _workspace = new PostprocessWorkspace(BenchRetinaNet.DefaultSettings, s_perLevel.Length);
        Console.WriteLine($"// post-processing keeps {Postprocess()} detections");
    }

    private static int[] LevelCounts()
    {
        // 384x384 through strides 8..128: 48, 24, 12, 6, 3 cells a side, 9 anchors per cell.
        int[] sides = [48, 24, 12, 6, 3];
        return sides.Select(s => s * s * 9).ToArray();
    }

    [Benchmark(Description = "RetinaNet post-processing")]
    public int Postprocess() => RetinaNetPostprocess.Run(BenchRetinaNet.DefaultSettings, _logits, _boxes, _model.Anchors, s_perLevel, 384, 384, _workspace, _results);

    [GlobalCleanup]
    public void Dispose()
    {
        _model?.Dispose();
        GC.SuppressFinalize(this);
    }
}
