using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FashionMnist;
using VisionGen.Imaging;
using VisionGen.Normalization;

// Runs the Fashion-MNIST CNN on the first test images, a set of image operations on a synthetic picture and a few
// depthwise convolutions on synthetic data, checks the network against PyTorch's predictions for the same weights, and
// writes every output to a file so that runs on other targets (net8.0, linux-arm64 under qemu) can be compared with this
// one byte for byte.
//
//   PackageSmoke <model dir> <data dir> <images> <out dir>
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: PackageSmoke <model dir> <data dir> <images> <out dir>");
    return 64;
}
string modelDir = args[0], dataDir = args[1], outDir = args[3];
int images = int.Parse(args[2]);
Directory.CreateDirectory(outDir);
Console.WriteLine($"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.ProcessArchitecture}; "
    + $"vectors: 512 {Vector512.IsHardwareAccelerated}, 256 {Vector256.IsHardwareAccelerated}, 128 {Vector128.IsHardwareAccelerated}");

// The network: logits of the first images, and their argmax against PyTorch's.
(int count, int rows, int cols, byte[] pixels) = Idx.ReadImages(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz"));
byte[] torch = File.ReadAllBytes(Path.Combine(modelDir, "pytorch_predictions.bin"));
images = Math.Min(images, count);
using var net = FashionCnn.Load(Path.Combine(modelDir, "fashion_cnn.safetensors"));
var input = new float[FashionCnn.InputLength];
var logits = new float[images * FashionCnn.OutputLength];
int agree = 0;
for (int n = 0; n < images; n++)
{
    ReadOnlySpan<byte> image = pixels.AsSpan(n * rows * cols, rows * cols);
    for (int i = 0; i < input.Length; i++) input[i] = (image[i] / 255f - 0.286f) / 0.353f; // training's mean and std
    var output = logits.AsSpan(n * FashionCnn.OutputLength, FashionCnn.OutputLength);
    net.Run(input, output);
    int best = 0;
    for (int k = 1; k < output.Length; k++) if (output[k] > output[best]) best = k;
    if (best == torch[n]) agree++;
}
Write("fashion_logits.f32", logits);
Console.WriteLine($"FashionCnn: {agree}/{images} predictions equal PyTorch's");

// Image operations on a deterministic 97x61 RGB picture (a gradient with a pattern, so resampling matters).
const int W = 97, H = 61;
var rgb = new byte[W * H * 3];
for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
        for (int c = 0; c < 3; c++)
            rgb[(y * W + x) * 3 + c] = (byte)((x * 5 + y * 3 + c * 70 + (x * y % 17) * 9) & 0xFF);
var rgbF = Array.ConvertAll(rgb, b => b / 255f);

var down = new byte[64 * 40 * 3];
Resize.Bilinear(rgb, W, H, 3, down, 64, 40);
Write("resize_down_u8.bin", down);
var up = new byte[211 * 133 * 3];
Resize.Bilinear(rgb, W, H, 3, up, 211, 133);
Write("resize_up_u8.bin", up);
var upF = new float[150 * 90 * 3];
Resize.Bilinear(rgbF, W, H, 3, upF, 150, 90);
Write("resize_up_f32.bin", upF);

var blur = new byte[rgb.Length];
GaussianBlur.Apply(rgb, blur, W, H, 3, 5, 1.2f);
Write("blur5_u8.bin", blur);
var blurF = new float[rgbF.Length];
GaussianBlur.Apply(rgbF, blurF, W, H, 3, 7, 1.5f);
Write("blur7_f32.bin", blurF);

float[] mean = { 0.485f, 0.456f, 0.406f }, std = { 0.229f, 0.224f, 0.225f };
var crop = new float[3 * 48 * 48];
Preprocess.CenterCropToChwNormalized(rgb, W, H, 3, 48, 48, crop, mean, std);
Write("center_crop_chw_f32.bin", crop);
var canvas = new byte[80 * 80 * 3];
Preprocess.Letterbox(rgb, W, H, 3, canvas, 80, 80, 114);
Write("letterbox_u8.bin", canvas);

var rowsOut = new float[rgbF.Length];
Activations.Softmax(rgbF, rowsOut, W * 3);
Write("softmax_f32.bin", rowsOut);
Activations.Sigmoid(rgbF, rowsOut);
Write("sigmoid_f32.bin", rowsOut);
Normalize.ZScore(rgbF, rowsOut, W * 3);
Write("zscore_f32.bin", rowsOut);
Normalize.L2(rgbF, rowsOut, W * 3);
Write("l2_f32.bin", rowsOut);
var gamma = new float[W * 3];
var beta = new float[W * 3];
for (int i = 0; i < gamma.Length; i++) { gamma[i] = 1 + 0.01f * (i % 13); beta[i] = 0.001f * i; }
Normalize.LayerNorm(rgbF, rowsOut, W * 3, gamma, beta);
Write("layernorm_f32.bin", rowsOut);

// Depthwise convolutions through the kernel API the generated code calls: the streamed kernels (x64 with AVX-512 or AVX2)
// and the buffered one (ARM64 NEON, and 5×5 at stride 2 everywhere), including its strided row fill.
foreach (var (ch, h, w, k, stride) in new[] { (24, 31, 29, 3, 2), (16, 14, 14, 3, 1), (12, 7, 7, 3, 1), (8, 20, 23, 5, 1), (8, 19, 21, 5, 2) })
{
    int pad = k / 2, oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
    var shape = new VisionGen.Cpu.Conv2dShape(ch, h, w, ch, oh, ow, k, k, stride, stride, pad, pad, 1, 1, ch);
    var x = new float[shape.InputLength];
    for (int i = 0; i < x.Length; i++) x[i] = (i * 7919 % 1000) / 500f - 1f;
    var weight = new float[shape.WeightLength];
    for (int i = 0; i < weight.Length; i++) weight[i] = (i * 104729 % 997) / 997f - 0.5f;
    var bias = new float[ch];
    for (int i = 0; i < ch; i++) bias[i] = 0.01f * i;
    var packed = new float[VisionGen.Cpu.Conv2d.PackedWeightLength(shape)];
    VisionGen.Cpu.Conv2d.PackWeights(shape, weight, packed);
    var y = new float[shape.OutputLength];
    VisionGen.Cpu.Conv2d.Forward(shape, x, packed, bias, default, new VisionGen.Cpu.Activation(VisionGen.Ops.ActivationKind.Relu6), y,
        new float[shape.ScratchLength]);
    Write($"depthwise_{k}x{k}_s{stride}_{h}x{w}_f32.bin", y);
}

Console.WriteLine($"Wrote {Directory.GetFiles(outDir).Length} files to {outDir}");
// Float summation order may differ from PyTorch's, so a near-tie could flip; the sample allows 5 in 10,000.
return agree >= images - Math.Max(1, images * 5 / 10000) ? 0 : 2;

void Write<T>(string name, T[] values) where T : unmanaged
    => File.WriteAllBytes(Path.Combine(outDir, name), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
