using System.Diagnostics;
using System.Text.Json;
using FashionSegmentation;

// Segments held-out Fashion-MNIST canvases with the VisionGen-generated U-Net (declared with a Forward method), prints
// mean IoU and pixel accuracy beside PyTorch's for the same weights and canvases, and the share of pixels whose label
// equals PyTorch's, and writes input | ground truth | prediction pictures.
//
//   dotnet run -c Release --project samples/FashionSegmentation [-- --out DIR]

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

var input = new float[UNetFashion.InputLength];
var logits = new float[UNetFashion.OutputLength];
var prediction = new byte[plane];
var metrics = new SegmentationMetrics(labels.Length);
long sameAsTorch = 0;
var clock = new Stopwatch();
for (int n = 0; n < canvases.Count; n++)
{
    canvases.ToInput(n, input);
    clock.Start();
    net.Run(input, logits);
    clock.Stop();
    ArgmaxPerPixel(logits, labels.Length, prediction);
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
Console.WriteLine($"Throughput: {canvases.Count / clock.Elapsed.TotalSeconds:F1} canvases/s ({clock.Elapsed.TotalMilliseconds / canvases.Count:F2} ms each, Run only)");
Console.WriteLine($"Wrote {Math.Min(Pictures, canvases.Count)} pictures to {outDir}");
bool agree = agreement >= 0.999 && Math.Abs(meanIou - torchMeanIou) <= 0.005;
Console.WriteLine(agree ? "Agrees with PyTorch (>= 99.9% of pixels labelled alike, mean IoU within 0.005)."
                        : "ERROR: the generated model disagrees with PyTorch.");
return agree ? 0 : 2;

// The label of each pixel: the first of the largest logits (torch.argmax keeps the first index on ties).
static void ArgmaxPerPixel(ReadOnlySpan<float> logits, int labels, Span<byte> prediction)
{
    int plane = prediction.Length;
    for (int i = 0; i < plane; i++)
    {
        int best = 0;
        float bestValue = logits[i];
        for (int k = 1; k < labels; k++)
        {
            float v = logits[k * plane + i];
            if (v > bestValue)
            {
                best = k;
                bestValue = v;
            }
        }
        prediction[i] = (byte)best;
    }
}
