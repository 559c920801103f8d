using System.Diagnostics;
using System.Text.Json;
using FashionMnist;

// Classifies the 10,000 Fashion-MNIST test images with the VisionGen-generated FashionCnn, prints its accuracy
// beside PyTorch's for the same weights, and writes a grid of test images labelled with the predictions.
//
//   dotnet run -c Release --project samples/FashionMnist [-- --out DIR]
//
// The same program as one native binary (NativeAOT; no .NET runtime needed where it runs):
//
//   dotnet publish samples/FashionMnist -c Release -r linux-x64 -p:PublishAot=true -p:IlcInstructionSet=native -o out/fashion-mnist
//   out/fashion-mnist/FashionMnist

string baseDir = AppContext.BaseDirectory;
string outDir = Path.GetFullPath(ArgValue("--out") ?? "fashion-mnist-out");
string modelDir = Path.Combine(baseDir, "model");
string dataDir = FindDataDirectory();

// Source-generated JSON reading (ReferenceJson below): no reflection, so the NativeAOT build reads it the same way.
var reference = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(modelDir, "pytorch_reference.json")), ReferenceJson.Default.PyTorchReference)!;
byte[] torchPredictions = File.ReadAllBytes(Path.Combine(modelDir, "pytorch_predictions.bin"));
(int count, int rows, int cols, byte[] pixels) = Idx.ReadImages(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz"));
byte[] labels = Idx.ReadLabels(Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));
if (rows * cols != FashionCnn.InputLength || labels.Length != count || torchPredictions.Length != count)
{
    Console.Error.WriteLine($"Unexpected data: {count} images of {rows}x{cols}, {labels.Length} labels, {torchPredictions.Length} PyTorch predictions.");
    return 1;
}

using FashionCnn net = FashionCnn.Load(Path.Combine(modelDir, "fashion_cnn.safetensors"));
Console.WriteLine($"FashionCnn: {FashionCnn.InputLength} inputs -> {FashionCnn.OutputLength} classes, arena {FashionCnn.ArenaLength * 4 / 1024} KiB");
Console.WriteLine($"Classifying {count} test images from {dataDir} ...");

var input = new float[FashionCnn.InputLength];
var logits = new float[FashionCnn.OutputLength];
var predictions = new byte[count];
float mean = reference.Mean, std = reference.Std;
int correct = 0, agree = 0;
var clock = Stopwatch.StartNew();
for (int n = 0; n < count; n++)
{
    // The same pre-processing as training: x = (pixel / 255 - mean) / std.
    ReadOnlySpan<byte> image = pixels.AsSpan(n * input.Length, input.Length);
    for (int i = 0; i < input.Length; i++) input[i] = (image[i] / 255f - mean) / std;
    net.Run(input, logits);
    int best = 0;
    for (int k = 1; k < logits.Length; k++) if (logits[k] > logits[best]) best = k;
    predictions[n] = (byte)best;
    if (best == labels[n]) correct++;
    if (best == torchPredictions[n]) agree++;
    if ((n + 1) % 2000 == 0) Console.WriteLine($"  {n + 1,5}/{count}  running accuracy {100.0 * correct / (n + 1):F2} %");
}
double seconds = clock.Elapsed.TotalSeconds;

double accuracy = (double)correct / count;
Console.WriteLine();
Console.WriteLine($"VisionGen accuracy : {100 * accuracy:F2} % ({correct}/{count})");
Console.WriteLine($"PyTorch accuracy   : {100 * reference.TestAccuracy:F2} % (same weights, torch {reference.TorchVersion})");
Console.WriteLine($"Same prediction as PyTorch on {agree}/{count} images ({100.0 * agree / count:F2} %)");
Console.WriteLine($"Throughput         : {count / seconds:F0} images/s ({1000 * seconds / count:F3} ms/image, 1 thread, pre-processing included)");

Directory.CreateDirectory(outDir);
string grid = Path.Combine(outDir, "fashion_predictions.png");
PredictionGrid.Write(grid, pixels, rows, cols, labels, predictions, reference.Classes, columns: 10, rowsOfTiles: 8);
Console.WriteLine($"Wrote {grid} (first 80 test images; green = correct, red = wrong, with the true class)");

// Float summation order differs from PyTorch's, so a near-tie could flip; allow at most 5 of 10,000 images.
bool agrees = count - agree <= 5 && Math.Abs(accuracy - reference.TestAccuracy) <= 5.0 / count;
Console.WriteLine(agrees
    ? $"VisionGen and PyTorch agree ({count - agree} of {count} predictions differ)."
    : $"ERROR: VisionGen and PyTorch disagree on {count - agree} images.");
return agrees ? 0 : 2;

string? ArgValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

string FindDataDirectory()
{
    // Bundled copy first (works on a fresh machine), then Debian's dataset-fashion-mnist package.
    string? fromArgs = ArgValue("--data");
    foreach (string? dir in new[] { fromArgs, Path.Combine(baseDir, "data"), "/usr/share/datasets/fashion-mnist" })
    {
        if (dir is not null && File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"))) return dir;
    }
    throw new FileNotFoundException("Fashion-MNIST t10k files not found (bundled data/ folder or /usr/share/datasets/fashion-mnist).");
}

internal sealed record PyTorchReference(double TestAccuracy, float Mean, float Std, string[] Classes, string TorchVersion);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PyTorchReference))]
internal sealed partial class ReferenceJson : System.Text.Json.Serialization.JsonSerializerContext;
