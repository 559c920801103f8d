// GPU benchmark: device copy bandwidth, conv/blur/norm kernels as a share of it, and ResNet-18 at batch 1 and 32
// through the generated executor (latency, launches per inference), on whatever accelerator GpuContext picks (CUDA
// when present), with PyTorch on the same device as the anchor when the machine has it.
//   dotnet run -c Release --project bench/VisionGen.GpuBench            full sizes (run on the GPU machine)
//   dotnet run -c Release --project bench/VisionGen.GpuBench -- --small  tiny sizes (CPU accelerator smoke run)
// Options: --iters N (timed samples, median reported), --cpu (force the CPU accelerator), --no-torch (skip the anchor).
// On the GPU machine it runs as part of the one-command device check (tests/VisionGen.GpuCheck, scripts/gpu-check.sh).
using VisionGen.GpuBench;
using VisionGen.Kernels;

bool forceCpu = args.Contains("--cpu");
using var context = GpuContext.Create(preferCpu: forceCpu);
if (!context.IsAvailable)
{
    Console.Error.WriteLine(context.Description);
    return 2;
}
// ILGPU's CPU accelerator only runs the small configuration: the full sizes would take hours there.
bool small = args.Contains("--small") || context.IsCpuFallback;
int at = Array.IndexOf(args, "--iters");
var options = new BenchOptions
{
    Small = small,
    Iterations = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : small ? 3 : 30,
    TorchScript = args.Contains("--no-torch") ? null : Path.Combine(AppContext.BaseDirectory, "torch_anchor.py"),
};
BenchReport report = GpuBenchmarks.Run(context, options, Console.Out);
Console.WriteLine();
Console.WriteLine(report.ToMarkdown());
return report.Failures.Count == 0 ? 0 : 1;
