using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VisionGen.Startup;

/// <summary>How one measured process is started.</summary>
internal sealed record Config(string Name, string Engine, string Description, string? Binary, string? EnvName, string? EnvValue);

/// <summary>The numbers of one child process.</summary>
internal sealed record RunResult(double ToFirst, double Startup, double Load, double FirstRun, double[] Wall, double[] Cpu, double Sum, double Max, double JitLoad, double JitFirst)
{
    private const int SteadyCalls = 20;

    public double Steady => Median(Wall[^Math.Min(SteadyCalls, Wall.Length)..]);
    public double SteadyCpu => Median(Cpu[^Math.Min(SteadyCalls, Cpu.Length)..]);
    public double Call2 => Wall.Length > 1 ? Wall[1] / Steady : double.NaN;
    public double Max5To10 => Wall.Length >= 10 ? Wall[4..10].Max() / Steady : double.NaN;
    public double P95From5 => Wall.Length > 5 ? Percentile(Wall[4..], 0.95) / Steady : double.NaN;
    public double Median1To40 => Median(Wall[..Math.Min(40, Wall.Length)]);

    public static double Median(IEnumerable<double> values) => Percentile(values.ToArray(), 0.5);

    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToArray();
        double pos = p * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}

/// <summary>
/// Starts fresh processes (this program's <c>child</c> mode) for every network × configuration × pinning, repeats,
/// and writes medians and ratios as a Markdown report. ONNX Runtime (JIT, same harness) is the anchor.
/// </summary>
internal static class Driver
{
    public static Config[] AllConfigs(string root)
    {
        string Published(string variant) => Path.Combine(PublishDir(root), variant, "VisionGen.Startup");
        return
        [
            new("ort", "ort", "ONNX Runtime 1.31 (session creation = Load)", null, null, null),
            new("jit", "visiongen", "default JIT (tiered, dynamic PGO)", null, null, null),
            new("jit-nowarm", "visiongen", "default JIT, no kernel warm-up during Load", null, "VISIONGEN_KERNEL_WARMUP", "0"),
            new("jit-nowx", "visiongen", "default JIT, W^X off (DOTNET_EnableWriteXorExecute=0)", null, "DOTNET_EnableWriteXorExecute", "0"),
            new("ort-nowx", "ort", "ONNX Runtime 1.31, W^X off (DOTNET_EnableWriteXorExecute=0)", null, "DOTNET_EnableWriteXorExecute", "0"),
            new("tc0", "visiongen", "DOTNET_TieredCompilation=0", null, "DOTNET_TieredCompilation", "0"),
            new("pgo0", "visiongen", "DOTNET_TieredPGO=0", null, "DOTNET_TieredPGO", "0"),
            new("r2r", "visiongen", "ReadyToRun (PublishReadyToRun)", Published("r2r"), null, null),
            new("aot-native", "visiongen", "NativeAOT, IlcInstructionSet=native", Published("aot-native"), null, null),
            new("aot-v3", "visiongen", "NativeAOT, IlcInstructionSet=x86-64-v3 (AVX2)", Published("aot-v3"), null, null),
            new("aot-default", "visiongen", "NativeAOT, default instruction set", Published("aot-default"), null, null),
        ];
    }

    public static string PublishDir(string root) => Path.Combine(root, "bench", "VisionGen.Startup", "bin", "publish");

    /// <summary>Publishes the ReadyToRun and the NativeAOT binaries the configurations start.</summary>
    public static int Publish(string root, IEnumerable<string> variants)
    {
        string project = Path.Combine(root, "bench", "VisionGen.Startup", "VisionGen.Startup.csproj");
        foreach (string variant in variants)
        {
            string props = variant switch
            {
                "r2r" => "-p:PublishReadyToRun=true --self-contained false",
                "aot-native" => "-p:PublishAot=true -p:IlcInstructionSet=native",
                "aot-v3" => "-p:PublishAot=true -p:IlcInstructionSet=x86-64-v3",
                "aot-default" => "-p:PublishAot=true",
                _ => throw new ArgumentException($"Unknown variant {variant} (r2r, aot-native, aot-v3, aot-default)."),
            };
            string output = Path.Combine(PublishDir(root), variant);
            string args = $"publish \"{project}\" -c Release -r linux-x64 {props} -o \"{output}\"";
            Console.WriteLine($"dotnet {args}");
            var clock = Stopwatch.StartNew();
            using var p = Process.Start(new ProcessStartInfo("dotnet", args) { UseShellExecute = false })!;
            p.WaitForExit();
            Console.WriteLine($"  {variant}: exit {p.ExitCode} in {clock.Elapsed.TotalSeconds:F0} s");
            if (p.ExitCode != 0) return p.ExitCode;
        }
        return 0;
    }

    public static int Run(string root, string[] nets, string[] configNames, string[] pins, int reps, int threads, double seconds,
        int minCalls, string? outPath, string commandLine)
    {
        var configs = AllConfigs(root).Where(c => configNames.Contains(c.Name)).ToArray();
        foreach (var c in configs)
            if (c.Binary != null && !File.Exists(c.Binary))
                throw new FileNotFoundException($"{c.Name}: {c.Binary} is missing; run `-- publish` first.");
        var results = new Dictionary<(string Net, string Pin, string Config), List<RunResult>>();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## Fresh processes, {threads} thread{(threads == 1 ? "" : "s")} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine("```bash");
        report.AppendLine(commandLine);
        report.AppendLine("```");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, load average before the run: {LoadAverage()}. Medians of {reps} processes per row; " +
            $"each process runs for at least {seconds:0.#} s and {minCalls} calls; steady = median of its last 20 calls.");
        report.AppendLine();
        foreach (string net in nets)
        foreach (string pin in pins)
        {
            for (int rep = 0; rep < reps; rep++)
            foreach (var config in configs)
            {
                var r = Launch(root, config, net, pin == "pinned", threads, seconds, minCalls);
                if (!results.TryGetValue((net, pin, config.Name), out var list)) results[(net, pin, config.Name)] = list = new();
                list.Add(r);
                Console.Error.WriteLine($"{net} {pin} {config.Name} #{rep + 1}: first result {r.ToFirst:F0} ms, steady {r.Steady:F2} ms (cpu {r.SteadyCpu:F2}), call 2 {r.Call2:F2}x");
            }
            report.Append(Table(net, pin, configs, results));
            Console.Write(Table(net, pin, configs, results));
            if (outPath != null) File.WriteAllText(outPath, report.ToString());
        }
        report.Append(Summary(nets, pins, configs, results));
        if (outPath != null) File.WriteAllText(outPath, report.ToString());
        Console.Write(Summary(nets, pins, configs, results));
        return 0;
    }

    private static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static RunResult Launch(string root, Config config, string net, bool pinned, int threads, double seconds, int minCalls)
    {
        string self = Path.Combine(AppContext.BaseDirectory, "VisionGen.Startup.dll");
        string childArgs = $"child {config.Engine} {net} --root \"{root}\" --threads {threads} --seconds {seconds.ToString(CultureInfo.InvariantCulture)} --calls {minCalls}";
        string file, args;
        if (config.Binary != null) { file = config.Binary; args = childArgs; }
        else { file = "dotnet"; args = $"\"{self}\" {childArgs}"; }
        if (pinned) { args = $"-c 0 \"{file}\" {args}"; file = "taskset"; }
        var info = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // Only the configuration's own switch: nothing the driver's environment sets leaks into the child.
        foreach (string key in info.Environment.Keys.ToArray())
            if (key.StartsWith("DOTNET_", StringComparison.Ordinal) && key != "DOTNET_ROOT") info.Environment.Remove(key);
        if (config.EnvName != null) info.Environment[config.EnvName] = config.EnvValue;
        Thread.Sleep(300); // let the previous process's threads and page-cache writes settle
        long launch = Stopwatch.GetTimestamp();
        using var p = Process.Start(info)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        string? line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal));
        if (p.ExitCode != 0 || line == null)
            throw new InvalidOperationException($"{config.Name} {net}: exit {p.ExitCode}\n{stdout}\n{stderr}");
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        long L(string k) => long.Parse(fields[k], CultureInfo.InvariantCulture);
        double[] Series(string k) => fields[k].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var wall = Series("wall");
        return new RunResult(Ms(L("first") - launch), Ms(L("main") - launch), Ms(L("loaded") - L("loadStart")), wall[0], wall, Series("cpu"),
            double.Parse(fields["sum"], CultureInfo.InvariantCulture), double.Parse(fields["max"], CultureInfo.InvariantCulture),
            double.Parse(fields["jitLoad"], CultureInfo.InvariantCulture), double.Parse(fields["jitFirst"], CultureInfo.InvariantCulture));
    }

    private static double Med(List<RunResult> runs, Func<RunResult, double> metric) => RunResult.Median(runs.Select(metric));

    private static string Table(string net, string pin, Config[] configs, Dictionary<(string, string, string), List<RunResult>> results)
    {
        var sb = new StringBuilder();
        results.TryGetValue((net, pin, "ort"), out var ort);
        results.TryGetValue((net, pin, "jit"), out var jit);
        double ortFirst = ort == null ? double.NaN : Med(ort, r => r.ToFirst), ortSteady = ort == null ? double.NaN : Med(ort, r => r.Steady);
        double jitSteady = jit == null ? double.NaN : Med(jit, r => r.Steady), jitCpu = jit == null ? double.NaN : Med(jit, r => r.SteadyCpu);
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {net}, {(pin == "pinned" ? "pinned to one core (taskset -c 0)" : "unpinned")}");
        sb.AppendLine();
        sb.AppendLine("| configuration | start → first result ms | × ORT | Load ms | first Run ms | JIT ms in Load / first Run | call 2 × steady | calls 5–10 max × steady | p95 from 5th × steady | median calls 1–40 ms | steady ms | × ORT | × default JIT | steady CPU ms | CPU × default JIT |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in configs)
        {
            if (!results.TryGetValue((net, pin, c.Name), out var runs)) continue;
            double first = Med(runs, r => r.ToFirst), steady = Med(runs, r => r.Steady), cpu = Med(runs, r => r.SteadyCpu);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Description} | {first:F0} | {first / ortFirst:F2} | {Med(runs, r => r.Load):F0} | {Med(runs, r => r.FirstRun):F1} | {Med(runs, r => r.JitLoad):F0} / {Med(runs, r => r.JitFirst):F0} | {Med(runs, r => r.Call2):F2} | {Med(runs, r => r.Max5To10):F2} | {Med(runs, r => r.P95From5):F2} | {Med(runs, r => r.Median1To40):F2} | {steady:F2} | {steady / ortSteady:F2} | {(c.Engine == "ort" ? "" : (steady / jitSteady).ToString("F2", CultureInfo.InvariantCulture))} | {cpu:F2} | {(c.Engine == "ort" ? "" : (cpu / jitCpu).ToString("F2", CultureInfo.InvariantCulture))} |");
        }
        // Every VisionGen configuration computed the same output (checksums agree with the default JIT's).
        var sums = configs.Where(c => c.Engine == "visiongen" && results.ContainsKey((net, pin, c.Name)))
            .Select(c => (c.Name, Sum: results[(net, pin, c.Name)][0].Sum, Max: results[(net, pin, c.Name)][0].Max)).ToList();
        if (sums.Count > 0)
        {
            var (_, s0, m0) = sums[0];
            var odd = sums.Where(s => Math.Abs(s.Sum - s0) > 1e-3 * Math.Max(1, m0) * 10 || Math.Abs(s.Max - m0) > 1e-4 * Math.Max(1, m0)).ToList();
            if (ort != null) sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Output checksum (sum, max |y|): VisionGen {s0:G6}, {m0:G6}; ONNX Runtime {ort[0].Sum:G6}, {ort[0].Max:G6}.{(odd.Count == 0 ? " Every VisionGen configuration agrees." : " DIFFERENT: " + string.Join(", ", odd.Select(o => $"{o.Name} {o.Sum:G6}/{o.Max:G6}")))}");
        }
        sb.AppendLine();
        return sb.ToString();
    }

    private static string Summary(string[] nets, string[] pins, Config[] configs, Dictionary<(string, string, string), List<RunResult>> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Targets (issue 12)");
        sb.AppendLine();
        sb.AppendLine("| network | pinning | steady × default JIT: TC=0 / PGO=0 / R2R / AOT native (≤ 1.05) | AOT x86-64-v3 / default ISA × JIT | call 2 × steady, JIT (≤ 1.5) | calls 5–10 max × steady, JIT (≤ 1.1) | first result × ORT (≤ 0.5) | steady × ORT |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string net in nets)
        foreach (string pin in pins)
        {
            double Get(string config, Func<RunResult, double> metric) =>
                results.TryGetValue((net, pin, config), out var runs) ? Med(runs, metric) : double.NaN;
            double jit = Get("jit", r => r.Steady);
            string F(double v) => double.IsNaN(v) ? "–" : v.ToString("F2", CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {net} | {pin} | {F(Get("tc0", r => r.Steady) / jit)} / {F(Get("pgo0", r => r.Steady) / jit)} / {F(Get("r2r", r => r.Steady) / jit)} / {F(Get("aot-native", r => r.Steady) / jit)} | {F(Get("aot-v3", r => r.Steady) / jit)} / {F(Get("aot-default", r => r.Steady) / jit)} | {F(Get("jit", r => r.Call2))} | {F(Get("jit", r => r.Max5To10))} | {F(Get("jit", r => r.ToFirst) / Get("ort", r => r.ToFirst))} | {F(jit / Get("ort", r => r.Steady))} |");
        }
        sb.AppendLine();
        return sb.ToString();
    }
}
