// ImageOps sample: decode a real photo, blur it (run-time and compile-time generated filters),
// letterbox, center-crop and normalize it as a network input, and write PNGs you can look at.
//
//   dotnet run -c Release --project samples/ImageOps [-- input.png [outDir]]
//
// Output (default samples/ImageOps/out/): blur_*.png, letterbox_640x384.png, crop_224.png,
// normalized_*.png (each normalized input channel min-max scaled back to grey) and a diff image.
using System.Diagnostics;
using VisionGen.Imaging;
using VisionGen.Normalization;

string input = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "astronaut.png");
string outDir = args.Length > 1 ? args[1] : Path.Combine(FindSampleDir(), "out");
Directory.CreateDirectory(outDir);

var image = ImageDecoder.Load(input, channels: 3);
int w = image.Width, h = image.Height;
Console.WriteLine($"{Path.GetFileName(input)}: {w}x{h}, {image.Channels} channels");

// 1. Gaussian blur, 8-bit, bit-exact with OpenCV's cv::GaussianBlur.
var blurred = new byte[image.Pixels.Length];
foreach (var (k, sigma) in new[] { (5, 1.5f), (11, 3f), (31, 8f) })
{
    var sw = Stopwatch.StartNew();
    GaussianBlur.Apply(image.Pixels, blurred, w, h, 3, k, sigma);
    Console.WriteLine($"  GaussianBlur {k}x{k} σ{sigma}: {sw.Elapsed.TotalMilliseconds:F2} ms (first call)");
    Save($"blur_{k}x{k}.png", blurred, w, h, 3);
}

// 2. The same 11x11 σ3 blur from a [GaussianBlur] method: weights are literals computed at compile time.
var generated = new byte[image.Pixels.Length];
Filters.Soften(image.Pixels, generated, w, h);
Console.WriteLine($"  generated [GaussianBlur(KernelSize = 11, Sigma = 3)] equals the run-time blur: {generated.AsSpan().SequenceEqual(Blur11(image))}");
Save("blur_generated_11x11.png", generated, w, h, 3);

// 3. What the blur removed: |original − blurred| amplified, the image's fine detail.
var detail = new byte[image.Pixels.Length];
for (int i = 0; i < detail.Length; i++) detail[i] = (byte)Math.Min(255, 4 * Math.Abs(image.Pixels[i] - generated[i]));
Save("detail_x4.png", detail, w, h, 3);

// 4. Detector input: letterbox into a 640x384 canvas with YOLO's grey.
var canvas = new byte[640 * 384 * 3];
var box = Preprocess.Letterbox(image.Pixels, w, h, 3, canvas, 640, 384);
Console.WriteLine($"  letterbox 640x384: scale {box.Scale:F3}, pad ({box.PadX}, {box.PadY})");
Save("letterbox_640x384.png", canvas, 640, 384, 3);

// 5. Classifier input: resize the short side to 256, center-crop 224, normalize with ImageNet
//    statistics into CHW floats (crop and normalization fused in one pass).
int rw = w <= h ? 256 : (int)Math.Round(256.0 * w / h), rh = w <= h ? (int)Math.Round(256.0 * h / w) : 256;
var resized = new byte[rw * rh * 3];
Resize.Bilinear(image.Pixels, w, h, 3, resized, rw, rh);
var crop = new byte[224 * 224 * 3];
Preprocess.CenterCrop(resized, rw, rh, 3, crop, 224, 224);
Save("crop_224.png", crop, 224, 224, 3);
var tensor = new float[3 * 224 * 224];
Preprocess.CenterCropToChwNormalized(resized, rw, rh, 3, 224, 224, tensor, Preprocess.ImageNetMean, Preprocess.ImageNetStd);
Console.WriteLine($"  network input 3x224x224: mean {tensor.Average():F3}, min {tensor.Min():F3}, max {tensor.Max():F3}");

// 6. Look at the normalized channels: min-max each back to 0..255 grey.
var plane = new float[224 * 224];
var grey = new byte[224 * 224];
string[] names = ["r", "g", "b"];
for (int c = 0; c < 3; c++)
{
    Normalize.MinMax(tensor.AsSpan(c * plane.Length, plane.Length), plane, plane.Length, 0f, 255f);
    for (int i = 0; i < grey.Length; i++) grey[i] = (byte)MathF.Round(plane[i]);
    Save($"normalized_{names[c]}.png", grey, 224, 224, 1);
}

// 7. Instance norm over the blurred planes: each channel to zero mean, unit variance.
var planes = new float[3 * 224 * 224];
GaussianBlur.ApplyPlanar(tensor, planes, 224, 224, 3, 0, 2f);
Normalize.InstanceNorm(planes, planes, 3, 224 * 224, default, default);
Console.WriteLine($"  instance-normalized blurred input: channel 0 mean {planes.AsSpan(0, 224 * 224).ToArray().Average():F4}");
Console.WriteLine($"PNGs written to {outDir}");

void Save(string name, byte[] pixels, int width, int height, int channels)
{
    PngWriter.Save(Path.Combine(outDir, name), pixels, width, height, channels);
    Console.WriteLine($"    wrote {name}");
}

static byte[] Blur11(DecodedImage img)
{
    var o = new byte[img.Pixels.Length];
    GaussianBlur.Apply(img.Pixels, o, img.Width, img.Height, 3, 11, 3f);
    return o;
}

static string FindSampleDir()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "ImageOps.csproj"))) return d.FullName;
    return Directory.GetCurrentDirectory();
}

static partial class Filters
{
    /// <summary>11x11 Gaussian, σ = 3, on RGB bytes: generated at build time.</summary>
    [GaussianBlur(KernelSize = 11, Sigma = 3f, Channels = 3)]
    public static partial void Soften(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height);
}
