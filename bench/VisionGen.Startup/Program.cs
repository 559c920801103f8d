using System.Globalization;
using VisionGen.Startup;

// Fresh-process timing: time to first result (process start -> Load -> first Run), calls 2-10 and the steady state,
// VisionGen under several code-generation settings beside ONNX Runtime, each in its own new process.
//
//   /usr/bin/python3 scripts/export_bench_models.py --out bench/models        # once (the four networks' files)
//   dotnet run -c Release --project bench/VisionGen.Startup -- publish        # R2R and NativeAOT binaries
//   dotnet run -c Release --project bench/VisionGen.Startup -- run [--nets resnet18,resnet50,mobilenet_v2,fcos]
//       [--configs ort,jit,tc0,pgo0,r2r,aot-native,aot-v3,aot-default] [--pin unpinned,pinned] [--reps 3] [--threads 1]
//       [--seconds 5] [--calls 40] [--out bench/results/startup.md]
//
// The child mode is what the driver starts: child visiongen|ort NET --root DIR [--threads N] [--seconds S] [--calls N].

string root = Option("--root") ?? FindRoot();
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: publish [r2r,aot-native,aot-v3,aot-default] | run [options] | child ENGINE NET [options]  (see Program.cs)");
    return 0;
}
switch (args[0])
{
    case "child":
        return Child.Run(args[1], args[2], root, Int("--threads", 1), Double("--seconds", 5), Int("--calls", 40));
    case "publish":
        return Driver.Publish(root, args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal)
            ? args[1].Split(',') : ["r2r", "aot-native", "aot-v3", "aot-default"]);
    case "run":
        return Driver.Run(root,
            (Option("--nets") ?? string.Join(',', Networks.All)).Split(','),
            (Option("--configs") ?? "ort,jit,tc0,pgo0,r2r,aot-native,aot-default").Split(','),
            (Option("--pin") ?? "unpinned,pinned").Split(','),
            Int("--reps", 3), Int("--threads", 1), Double("--seconds", 5), Int("--calls", 40), Option("--out"),
            "dotnet run -c Release --project bench/VisionGen.Startup -- " + string.Join(' ', args));
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 1;
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int Int(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

double Double(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

// The repository root: the nearest folder above the working directory (or the binary) holding VisionGen.sln.
static string FindRoot()
{
    foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VisionGen.sln"))) return d.FullName;
    throw new DirectoryNotFoundException("VisionGen.sln not found above the working directory; pass --root.");
}
