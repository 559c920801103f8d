using BenchmarkDotNet.Running;
using VisionGen.Bench.Tools;

// Every benchmark class in this assembly is selectable: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*'
// A quick per-convolution profile (no BenchmarkDotNet): dotnet run -c Release --project bench/VisionGen.Bench -- layers resnet18 [threads]
if (args.Length >= 2 && args[0] == "layers")
{
    LayerProfile.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 1);
    return;
}
// Quick interleaved network timing against ONNX Runtime: -- net resnet18 [threads] [rounds]
if (args.Length >= 2 && args[0] == "net")
{
    NetworkAB.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 1, args.Length >= 4 ? int.Parse(args[3]) : 30);
    return;
}
// Managed memory of Load: -- loadmem resnet18 [path]
if (args.Length >= 2 && args[0] == "loadmem")
{
    LoadMemoryProbe.Run(args[1], args.Length >= 3 ? args[2] : null);
    return;
}
// Where Load's time goes: -- loadtime resnet18 [rounds] [load]
if (args.Length >= 2 && args[0] == "loadtime")
{
    LoadTimeProbe.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 7, args.Length >= 4 && args[3] == "load");
    return;
}
// The GEMM's rate on hot caches: -- gemm [seconds per shape]
if (args.Length >= 1 && args[0] == "gemm")
{
    GemmRate.Run(args.Length >= 2 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}
// The plan and a per-step profile: -- profile resnet18 [runs] [threads]
if (args.Length >= 2 && args[0] == "profile")
{
    if (args.Length >= 4) VisionGen.Cpu.CpuThreads.Count = int.Parse(args[3]);
    PlanProfile.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 20);
    return;
}
// ONNX Runtime's own per-node profile of the same network: -- ortprofile mobilenet_v2 [runs] [threads]
if (args.Length >= 2 && args[0] == "ortprofile")
{
    OrtProfile.Run(args[1], args.Length >= 3 ? int.Parse(args[2]) : 100, args.Length >= 4 ? int.Parse(args[3]) : 1);
    return;
}
// One convolution on hot caches, its algorithm and rate: -- conv inC outC size kernel stride pad [groups] [threads]
if (args.Length >= 7 && args[0] == "conv")
{
    ConvProbe.Run(args);
    return;
}
// The core's multiply-add peak, to read the kernels' GFLOP/s against: -- fmapeak
if (args.Length >= 1 && args[0] == "fmapeak")
{
    FmaPeak.Run();
    return;
}
// One max pooling on hot caches: -- pool channels size kernel stride pad
if (args.Length >= 6 && args[0] == "pool")
{
    ConvProbe.RunPool(args);
    return;
}
// One fork/join of the CPU worker pool: -- forkjoin [threads] [work µs per part]; a sleeping worker's start: -- forkjoin wake sleepMs
if (args.Length >= 1 && args[0] == "forkjoin")
{
    if (args.Length >= 3 && args[1] == "wake") { WakeProbe.Run(int.Parse(args[2])); return; }
    ForkJoinProbe.Run(args.Length >= 2 ? int.Parse(args[1]) : 2, args.Length >= 3 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0);
    return;
}
// Calls at a fixed pause, as a camera app makes them: -- interval mobilenet_v2 threads intervalMs calls [both|visiongen|ort]
if (args.Length >= 5 && args[0] == "interval")
{
    IntervalProbe.Run(args[1], int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), args.Length >= 6 ? args[5] : "both");
    return;
}
if (args.Length >= 1 && args[0] == "alloc")
{
    AllocProbe.Run(args.Length >= 2 ? int.Parse(args[1]) : 2);
    return;
}
// Winograd against the implicit GEMM on ResNet-18's 3×3 convolutions: -- winograd [threads] [seconds per shape]
if (args.Length >= 1 && args[0] == "winograd")
{
    WinogradAB.Run(args.Length >= 2 ? int.Parse(args[1]) : 1, args.Length >= 3 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
    return;
}
// Quick interleaved A/B against OpenCV while developing: -- ab blur|resize [key=value ...] (see ImagingAB)
if (args.Length >= 1 && args[0] == "ab")
{
    ImagingAB.Run(args[1..]);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
