using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FashionMnist;
using VisionGen.Kernels;

// Proves the GPU path's story where ILGPU cannot run: published with NativeAOT, GpuContext.Create returns a context
// with Backend None and the reason (instead of throwing TypeInitializationException), LoadGpu on it is a clear
// InvalidOperationException, and the app runs the generated CPU model, which must agree with PyTorch's predictions.
// Run as a JIT app (dotnet run) it takes the GPU runner instead. Exit code 0 when everything holds.
//   bash scripts/aot-fallback.sh        publishes with NativeAOT and runs it

string baseDir = AppContext.BaseDirectory;
string weights = Path.Combine(baseDir, "model", "fashion_cnn.safetensors");
(int count, _, _, byte[] pixels) = Idx.ReadImages(Path.Combine(baseDir, "data", "t10k-images-idx3-ubyte.gz"));
byte[] torchPredictions = File.ReadAllBytes(Path.Combine(baseDir, "model", "pytorch_predictions.bin"));
const float Mean = 0.2860f, Std = 0.3530f; // as scripts/train_fashion_mnist.py normalizes (pytorch_reference.json)
int images = Math.Min(count, 1000);
int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    if (!ok) failures++;
}

bool aot = !RuntimeFeature.IsDynamicCodeSupported;
Console.WriteLine($"dynamic code supported: {!aot} ({(aot ? "NativeAOT" : "JIT")})");
using GpuContext gpu = CreateContext();
Console.WriteLine($"GpuContext: backend {gpu.Backend}; {gpu.Description}");
if (aot)
{
    Check(gpu.Backend == GpuBackend.None && !gpu.IsAvailable, "NativeAOT: GpuContext.Create returned Backend None instead of throwing");
    Check(gpu.FallbackReason?.Contains("NativeAOT") == true, $"the reason is given: {gpu.FallbackReason}");
    // What GpuContext.Create protects the app from: ILGPU itself, started directly, throws in a NativeAOT process.
    string direct = StartIlgpuDirectly();
    Console.WriteLine($"ILGPU started directly: {direct}");
    Check(direct.StartsWith("TypeInitializationException"), "ILGPU itself cannot start here (why Create must not call it)");
    try
    {
        using var _ = LoadGpu(weights, gpu);
        Check(false, "LoadGpu on a context without an accelerator must throw");
    }
    catch (InvalidOperationException e)
    {
        Check(e.Message.Contains("CPU path"), $"LoadGpu is a clear error: {e.Message}");
    }
}
else
{
    Check(gpu.IsAvailable, "JIT: an accelerator is available");
}

// The app's fallback: the GPU runner where it can run, the CPU model where it cannot.
using FashionCnn? cpu = gpu.IsAvailable ? null : FashionCnn.Load(weights);
using FashionCnn.Gpu? onGpu = gpu.IsAvailable ? LoadGpu(weights, gpu) : null;
var input = new float[FashionCnn.InputLength];
var logits = new float[FashionCnn.OutputLength];
int agree = 0;
for (int n = 0; n < images; n++)
{
    for (int i = 0; i < input.Length; i++) input[i] = (pixels[n * input.Length + i] / 255f - Mean) / Std;
    if (cpu is not null) cpu.Run(input, logits);
    else onGpu!.Run(input, logits);
    int best = 0;
    for (int k = 1; k < logits.Length; k++) if (logits[k] > logits[best]) best = k;
    if (best == torchPredictions[n]) agree++;
}
Check(images - agree <= 1, $"{(cpu is not null ? "CPU model" : "GPU runner")}: same prediction as PyTorch on {agree}/{images} images");
Console.WriteLine(failures == 0 ? "AOT fallback check passed" : $"AOT fallback check FAILED ({failures})");
return failures == 0 ? 0 : 1;

// The app knows it handles the NativeAOT case (Backend None), so it suppresses the warnings the attributes raise.
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Backend None is handled: the app falls back to the CPU model.")]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Backend None is handled: the app falls back to the CPU model.")]
static GpuContext CreateContext() => GpuContext.Create();

[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only called where it can run, or to show the clear error.")]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only called where it can run, or to show the clear error.")]
static FashionCnn.Gpu LoadGpu(string path, GpuContext context) => FashionCnn.LoadGpu(path, context);

[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Shows what ILGPU does under NativeAOT.")]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Shows what ILGPU does under NativeAOT.")]
static string StartIlgpuDirectly()
{
    try
    {
        using var context = ILGPU.Context.CreateDefault();
        return "started";
    }
    catch (Exception e)
    {
        string chain = $"{e.GetType().Name}: {e.Message}";
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException) chain += $" -> {inner.GetType().Name}: {inner.Message}";
        return chain;
    }
}
