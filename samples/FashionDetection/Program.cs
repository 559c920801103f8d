using System.Diagnostics;
using System.Text.Json;
using FashionDetection;
using VisionGen.Imaging;
using VisionGen.Metrics;
using VisionGen.ObjectDetection;

// Runs the generated FCOS detector on held-out Fashion-MNIST canvases, prints mAP@0.5 beside PyTorch's mAP for the
// same weights and canvases, and writes annotated PNGs.
//
//   dotnet run -c Release --project samples/FashionDetection [-- --out DIR] [--gpu]
//
// --gpu runs the network on an ILGPU accelerator (CUDA when present; ILGPU's CPU accelerator otherwise, which is slow).

string baseDir = AppContext.BaseDirectory;
int outIndex = Array.IndexOf(args, "--out");
string outDir = Path.GetFullPath(outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "fashion-detection-out");
using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(baseDir, "model", "pytorch_reference.json")));
string[] classes = reference.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
double torchMap50 = reference.RootElement.GetProperty("map50").GetDouble();
double torchMap = reference.RootElement.GetProperty("map50_95").GetDouble();

TestCanvases canvases = TestCanvases.Load(Path.Combine(baseDir, "data", "test_canvases.safetensors"));
bool onGpu = args.Contains("--gpu");
string weightsPath = Path.Combine(baseDir, "model", "fcos_fashion.safetensors");
using VisionGen.Kernels.GpuContext? gpuContext = onGpu ? VisionGen.Kernels.GpuContext.Create() : null;
using FashionDetector? cpu = onGpu ? null : FashionDetector.Load(weightsPath);
using FashionDetector.Gpu? gpu = onGpu ? FashionDetector.LoadGpu(weightsPath, gpuContext!) : null;
Func<float[], Detection[], int> detect = gpu is not null ? (i, r) => gpu.Detect(i, r) : (i, r) => cpu!.Detect(i, r);
Console.WriteLine($"FashionDetector: {FashionDetector.AnchorCount} anchors on {canvases.Count} test canvases of {canvases.Height}x{canvases.Width}, " +
                  (gpuContext is null ? "CPU" : gpuContext.Description));

var input = new float[FashionDetector.InputLength];
var found = new Detection[FashionDetector.MaxDetections];
var evaluation = new List<EvaluationImage>(canvases.Count);
var clock = new Stopwatch();
Directory.CreateDirectory(outDir);
for (int n = 0; n < canvases.Count; n++)
{
    canvases.ToInput(n, input);
    clock.Start();
    int count = detect(input, found);
    clock.Stop();
    evaluation.Add(new EvaluationImage(found[..count], [.. canvases.Truths[n]]));
    if (n < 12) WritePicture(Path.Combine(outDir, $"canvas_{n:D3}.png"), canvases, n, found.AsSpan(0, count), classes);
    if ((n + 1) % 50 == 0) Console.WriteLine($"  {n + 1,4}/{canvases.Count} canvases");
}

double map50 = DetectionMetrics.MeanAveragePrecision(evaluation, classes.Length, 0.5);
double map = DetectionMetrics.CocoMeanAveragePrecision(evaluation, classes.Length);
Console.WriteLine();
Console.WriteLine($"VisionGen mAP@0.5      : {map50:F4}   mAP@[.5:.95]: {map:F4}");
Console.WriteLine($"PyTorch   mAP@0.5      : {torchMap50:F4}   mAP@[.5:.95]: {torchMap:F4}   (same weights, same canvases)");
Console.WriteLine($"Throughput             : {canvases.Count / clock.Elapsed.TotalSeconds:F1} canvases/s ({clock.Elapsed.TotalMilliseconds / canvases.Count:F2} ms each, Detect incl. NMS, {(onGpu ? "GPU path" : "1 thread")})");
Console.WriteLine($"Wrote annotated canvases to {outDir}");
bool agree = Math.Abs(map50 - torchMap50) <= 0.005;
Console.WriteLine(agree ? "mAP@0.5 agrees with PyTorch (within 0.005)." : $"ERROR: mAP@0.5 differs from PyTorch by {Math.Abs(map50 - torchMap50):F4}.");
return agree ? 0 : 2;

static void WritePicture(string path, TestCanvases canvases, int index, ReadOnlySpan<Detection> detections, string[] classes)
{
    const int Scale = 3;
    int w = canvases.Width * Scale, h = canvases.Height * Scale;
    var rgb = new byte[w * h * 3];
    for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
    {
        byte v = canvases.Pixels[(index * canvases.Height + y / Scale) * canvases.Width + x / Scale];
        rgb[3 * (y * w + x)] = rgb[3 * (y * w + x) + 1] = rgb[3 * (y * w + x) + 2] = v;
    }
    foreach (var t in canvases.Truths[index])
    {
        Annotate.Box(rgb, w, h, t.X1 * Scale, t.Y1 * Scale, t.X2 * Scale, t.Y2 * Scale, (60, 160, 255));
    }
    // For the picture only: one label per object. Class-wise NMS keeps overlapping boxes of different classes, so
    // skip a box that overlaps an already drawn, higher-scored one (detections arrive best first).
    var drawn = new List<Detection>();
    foreach (Detection d in detections)
    {
        if (d.Score < 0.3f || drawn.Exists(o => Iou.Of([o.X1, o.Y1, o.X2, o.Y2], [d.X1, d.Y1, d.X2, d.Y2]) > 0.5f)) continue;
        drawn.Add(d);
        Annotate.Box(rgb, w, h, d.X1 * Scale, d.Y1 * Scale, d.X2 * Scale, d.Y2 * Scale, (255, 200, 0), thickness: 2);
        string label = $"{classes[d.Label]} {d.Score:F2}";
        int ty = Math.Max(0, (int)(d.Y1 * Scale) - 9);
        Annotate.Fill(rgb, w, h, (int)(d.X1 * Scale), ty, (int)(d.X1 * Scale) + Annotate.TextWidth(label) + 2, ty + 9, (0, 0, 0));
        Annotate.Text(rgb, w, h, (int)(d.X1 * Scale) + 1, ty + 1, label, (255, 200, 0));
    }
    PngWriter.Save(path, rgb, w, h, 3);
}
