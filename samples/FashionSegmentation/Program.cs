using System.Diagnostics;
using System.Text.Json;
using FashionSegmentation;
using VisionGen;

// Segments held-out Fashion-MNIST canvases with the VisionGen-generated U-Net (declared with a Forward method), prints
// mean IoU and pixel accuracy beside PyTorch's for the same weights and canvases, and the share of pixels whose label
// equals PyTorch's, and writes input | ground truth | prediction pictures.
//
//   dotnet run -c Release --project samples/FashionSegmentation [-- --out DIR] [--profile]

string baseDir = AppContext.BaseDirectory;
int outIndex = Array.IndexOf(args, "--out");
string outDir = Path.GetFullPath(outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "fashion-segmentation-out");
const int Pictures = 8;

using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(baseDir, "model", "pytorch_reference.json")));
string[] labels = reference.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray();
double torchMeanIou = reference.RootElement.GetProperty("mean_iou").GetDouble();
double torchForegroundIou = reference.RootElement.GetProperty("mean_iou_foreground").GetDouble();
double torchPixelAccuracy = reference.RootElement.GetProperty("pixel_accuracy").GetDouble();

TestCanvases canvases = TestCanvases.Load(Path.Combine(baseDir, "data", "test_canvases.safetensors"));
byte[] torchLabels = File.ReadAllBytes(Path.Combine(baseDir, "model", "pytorch_labels.bin"));
int plane = canvases.PlaneLength;
if (labels.Length != UNetFashion.Labels || UNetFashion.InputLength != plane || UNetFashion.OutputLength != UNetFashion.Labels * plane
    || torchLabels.Length != canvases.Count * plane)
{
    Console.Error.WriteLine($"Unexpected data: {labels.Length} labels, {canvases.Count} canvases of {canvases.Height}x{canvases.Width}, " +
                            $"{torchLabels.Length} PyTorch labels; the model takes {UNetFashion.InputLength} inputs and gives {UNetFashion.OutputLength} outputs.");
    return 1;
}

using UNetFashion net = UNetFashion.Load(Path.Combine(baseDir, "model", "unet_fashion.safetensors"));
Console.WriteLine($"UNetFashion: {canvases.Count} test canvases of {canvases.Height}x{canvases.Width}, {labels.Length} labels per pixel");
Directory.CreateDirectory(outDir);

var prediction = new byte[plane];
var metrics = new SegmentationMetrics(labels.Length);
long sameAsTorch = 0;
var clock = new Stopwatch();
for (int n = 0; n < canvases.Count; n++)
{
    // One call from the picture to a label per pixel ([ImageInput] on the model declares the preprocessing).
    var canvas = new VisionGen.Imaging.DecodedImage(canvases.Width, canvases.Height, 1, canvases.Pixels.AsSpan(n * plane, plane).ToArray());
    clock.Start();
    net.Segment(canvas, prediction);
    clock.Stop();
    metrics.Add(canvases.Labels.AsSpan(n * plane, plane), prediction);
    ReadOnlySpan<byte> torch = torchLabels.AsSpan(n * plane, plane);
    for (int i = 0; i < plane; i++) if (prediction[i] == torch[i]) sameAsTorch++;
    if (n < Pictures) MaskPicture.Write(Path.Combine(outDir, $"canvas_{n:D3}.png"), canvases, n, prediction, labels);
    if ((n + 1) % 50 == 0) Console.WriteLine($"  {n + 1,4}/{canvases.Count} canvases");
}

double meanIou = metrics.MeanIou(), foregroundIou = metrics.MeanIou(includeBackground: false), pixelAccuracy = metrics.PixelAccuracy();
double agreement = (double)sameAsTorch / torchLabels.Length;
Console.WriteLine();
Console.WriteLine("label          IoU");
for (int c = 0; c < labels.Length; c++) Console.WriteLine($"  {labels[c],-12} {(metrics.Iou(c) is double iou ? iou.ToString("F4") : "absent")}");
Console.WriteLine();
Console.WriteLine($"VisionGen mean IoU: {meanIou:F4} (foreground {foregroundIou:F4})   pixel accuracy: {pixelAccuracy:F4}");
Console.WriteLine($"PyTorch   mean IoU: {torchMeanIou:F4} (foreground {torchForegroundIou:F4})   pixel accuracy: {torchPixelAccuracy:F4}   (same weights, same canvases)");
Console.WriteLine($"Same label as PyTorch: {agreement * 100:F3}% of {torchLabels.Length} pixels");
Console.WriteLine($"Throughput: {canvases.Count / clock.Elapsed.TotalSeconds:F1} canvases/s ({clock.Elapsed.TotalMilliseconds / canvases.Count:F2} ms each, Segment: preprocessing, network, labels)");
if (args.Contains("--profile"))
{
    // The plan as data and a per-step profile over a few more runs.
    Console.WriteLine();
    Console.WriteLine(UNetFashion.Plan);
    net.Profile = new StepProfile(UNetFashion.Plan);
    var input = new float[UNetFashion.InputLength];
    var logits = new float[UNetFashion.OutputLength];
    for (int n = 0; n < 20; n++)
    {
        canvases.ToInput(n, input);
        net.Run(input, logits);
    }
    Console.WriteLine(net.Profile);
}
Console.WriteLine($"Wrote {Math.Min(Pictures, canvases.Count)} pictures to {outDir}");
bool agree = agreement >= 0.999 && Math.Abs(meanIou - torchMeanIou) <= 0.005;
Console.WriteLine(agree ? "Agrees with PyTorch (>= 99.9% of pixels labelled alike, mean IoU within 0.005)."
                        : "ERROR: the generated model disagrees with PyTorch.");
return agree ? 0 : 2;
