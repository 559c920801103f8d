using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VisionGen.GpuBench;
using VisionGen.Kernels;
using VisionGen.Tests.Forward;
using VisionGen.Tests.Gpu;

namespace VisionGen.GpuCheck;

/// <summary>Command line of the device check.</summary>
public sealed class GpuCheckOptions
{
    /// <summary>Folder the results go to (summary.md, summary.json, bench.md, log.txt); created if missing.</summary>
    public required string Out { get; init; }

    /// <summary>The small configuration: the first row of each table, the light networks, the benchmark's small sizes.</summary>
    public bool Small { get; init; }

    /// <summary>Use ILGPU's CPU accelerator even when CUDA is present.</summary>
    public bool PreferCpu { get; init; }

    /// <summary>Stop (exit code 4) unless the context is on CUDA: the device run must not quietly test the CPU.</summary>
    public bool RequireCuda { get; init; }

    /// <summary>Sections to run (device, kernels, executors, networks, forward, ops, bench); null for all.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>After this long no new check starts; the rest are reported as not run.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Folder laid out like the repository holding the fixtures (tests/fixtures/generated, samples/...).</summary>
    public string? Data { get; init; }

    /// <summary>Run the PyTorch anchor (torch_anchor.py) when the machine has PyTorch with CUDA.</summary>
    public bool Torch { get; init; } = true;

    /// <summary>Exit the process if one check hangs (a kernel that never returns) or the run overruns; off in-process.</summary>
    public bool HardTimeouts { get; init; }

    /// <summary>Longest one check may run before the hard timeout ends the process.</summary>
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromMinutes(4);

    public const string Usage =
        "GpuCheck --out DIR [--small] [--cpu] [--require-cuda] [--only device,kernels,executors,networks,forward,ops,bench]\n" +
        "         [--time-limit SECONDS] [--data DIR] [--no-torch]\n" +
        "Runs every GPU kernel against the CPU kernels, every generated GPU runner against the PyTorch fixtures, launches and\n" +
        "managed bytes per call, and the GPU benchmark; writes summary.md, summary.json, bench.md and log.txt to DIR.\n" +
        "Exit code: 0 all passed, 1 a check failed, 3 the time limit left checks not run, 4 no CUDA with --require-cuda,\n" +
        "5 a check hung, 2 bad arguments.";

    public static GpuCheckOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            int i = Array.IndexOf(args, name);
            if (i < 0) return null;
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.");
            return args[i + 1];
        }
        var known = new HashSet<string> { "--out", "--small", "--cpu", "--require-cuda", "--only", "--time-limit", "--data", "--no-torch" };
        for (int i = 0; i < args.Length; i++)
        {
            if (!known.Contains(args[i])) throw new ArgumentException($"Unknown argument '{args[i]}'.");
            if (args[i] is "--out" or "--only" or "--time-limit" or "--data") i++;
        }
        string? only = Value("--only");
        string? limit = Value("--time-limit");
        return new GpuCheckOptions
        {
            Out = Value("--out") ?? throw new ArgumentException("--out DIR is required."),
            Small = args.Contains("--small"),
            PreferCpu = args.Contains("--cpu"),
            RequireCuda = args.Contains("--require-cuda"),
            Only = only?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
            TimeLimit = limit is null ? null : TimeSpan.FromSeconds(double.Parse(limit, CultureInfo.InvariantCulture)),
            Data = Value("--data"),
            Torch = !args.Contains("--no-torch"),
            HardTimeouts = true,
        };
    }
}

/// <summary>
/// The one-command device check. It runs, in this order, each section writing its results to the summary as it goes
/// (so a run cut short still leaves everything measured so far): the device and the kernels' compile time; every GPU
/// kernel against the CPU kernels over the test tables; the generated GPU runners against PyTorch (custom stack, norm
/// layers, MobileNetV2, ResNet-18, the trained FCOS sample's detections); launches and managed bytes per call of each;
/// the networks declared with Forward (U-Net, YOLO, SE-ResNet); the op table; the GPU benchmark.
/// </summary>
public static class GpuCheckProgram
{
    private static readonly string[] Sections = ["device", "kernels", "executors", "networks", "forward", "ops", "bench"];

    /// <summary>Light theories and facts of the small configuration skip these (minutes each on the CPU accelerator).</summary>
    private static readonly HashSet<string> HeavyTests =
    [
        nameof(GeneratedGpuExecutorTests.TrainedFcosDetectsAsPyTorch), nameof(GeneratedGpuExecutorTests.ResNet18MatchesPyTorch),
        nameof(GeneratedGpuExecutorTests.MobileNetV2MatchesPyTorch), nameof(GeneratedGpuExecutorTests.RunAddsNoManagedAllocationsOfItsOwn),
    ];

    public static int RunCommandLine(string[] args)
    {
        GpuCheckOptions options;
        try
        {
            options = GpuCheckOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(GpuCheckOptions.Usage);
            return 2;
        }
        return Run(options, Console.Out);
    }

    /// <summary>Runs the check; returns the exit code. Safe to call in-process (tests) with HardTimeouts off.</summary>
    public static int Run(GpuCheckOptions options, TextWriter console)
    {
        Directory.CreateDirectory(options.Out);
        // The packed program's fixtures sit in data/ next to it, laid out like the repository (data/tests/fixtures/generated;
        // the device command copies samples/FashionDetection from the checkout to data/samples); a build inside the
        // repository (the CI test) reads them where they are. The variables are restored afterwards: the CI test runs
        // this in the test process.
        string data = options.Data ?? Path.Combine(AppContext.BaseDirectory, "data");
        string? root = Directory.Exists(Path.Combine(data, "tests", "fixtures", "generated")) ? Path.GetFullPath(data) : null;
        if (options.Data is not null && root is null)
        {
            console.WriteLine($"--data {options.Data}: no tests/fixtures/generated there (it must be laid out like the repository).");
            return 2;
        }
        string? savedRoot = Environment.GetEnvironmentVariable(RepoRootVariable);
        string? savedPreferCpu = Environment.GetEnvironmentVariable(PreferCpuVariable);
        try
        {
            if (root is not null) Environment.SetEnvironmentVariable(RepoRootVariable, root);
            if (options.PreferCpu) Environment.SetEnvironmentVariable(PreferCpuVariable, "1");
            return RunChecks(options, console);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RepoRootVariable, savedRoot);
            Environment.SetEnvironmentVariable(PreferCpuVariable, savedPreferCpu);
        }
    }

    private const string RepoRootVariable = "VISIONGEN_REPO_ROOT", PreferCpuVariable = "VISIONGEN_GPU_PREFER_CPU";

    private static int RunChecks(GpuCheckOptions options, TextWriter console)
    {
        using var report = new CheckReport(options, console);
        using var runner = new TestRunner();
        using var watchdog = options.HardTimeouts ? new Watchdog(report, options) : null;
        try
        {
            var clock = Stopwatch.StartNew();
            var gpu = runner.Fixture<GpuFixture>();
            GpuContext context = gpu.Context;
            report.Device = context.Description;
            report.Backend = context.Backend.ToString();
            report.Small = options.Small || context.IsCpuFallback;
            report.Log($"GpuCheck on {context.Description}");
            report.Log($"configuration: {(report.Small ? "small" : "full")}{(options.Small || !context.IsCpuFallback ? "" : " (ILGPU's CPU accelerator runs only the small configuration)")}, " +
                       $"fixtures from {Tests.Parity.Fixtures.RepoRoot}");
            report.Metrics["context_and_kernels_seconds"] = clock.Elapsed.TotalSeconds;
            if (options.RequireCuda && context.Backend != GpuBackend.Cuda)
            {
                report.Add(new CheckResult("device", "CUDA device", CheckResult.Failed, 0, $"--require-cuda, but: {context.Description}", []));
                report.Write();
                return 4;
            }

            bool Wanted(string section) => options.Only is null || options.Only.Contains(section);
            bool small = report.Small;

            if (Wanted("device")) DeviceSection(report, context, gpu);
            if (Wanted("kernels"))
            {
                foreach (Type type in new[] { typeof(GpuKernelTests), typeof(GpuOpKernelTests), typeof(GpuResizeAgreesWithCpuTests), typeof(GpuExecutorTests) })
                    RunTests(report, runner, "kernels", TestRunner.Discover(type, firstRowOnly: small));
            }
            if (Wanted("executors"))
                RunTests(report, runner, "executors", TestRunner.Discover(typeof(GeneratedGpuExecutorTests), m => !small || !HeavyTests.Contains(m.Name)));
            if (Wanted("networks")) NetworksSection(report, context, small);
            if (Wanted("forward") && !small)
                RunTests(report, runner, "forward", TestRunner.Discover(typeof(ForwardNetworkTests), m => m.Name.StartsWith("Gpu", StringComparison.Ordinal)));
            if (Wanted("ops"))
            {
                var ops = TestRunner.Discover(typeof(OpParityTests), m => m.Name == nameof(OpParityTests.GpuMatchesPyTorch));
                RunTests(report, runner, "ops", small ? ops.Take(3).ToList() : ops);
            }
            if (Wanted("bench")) BenchSection(report, context, options, small);

            report.Log($"done in {report.Elapsed.TotalSeconds:F1} s");
        }
        catch (Exception e)
        {
            report.Add(new CheckResult("device", "GpuCheck itself", CheckResult.Failed, 0, e.ToString(), []));
        }
        report.Write();
        report.Log(report.Verdict);
        return report.ExitCode;
    }

    private static void RunTests(CheckReport report, TestRunner runner, string section, List<TestCase> tests)
    {
        foreach (TestCase test in tests)
        {
            if (report.OverTimeLimit)
            {
                report.Add(new CheckResult(section, test.Name, CheckResult.NotRun, 0, "time limit reached", []));
                continue;
            }
            report.Starting(test.Name);
            report.Add(runner.Run(section, test));
        }
    }

    private static void Check(CheckReport report, string section, string name, Action body)
    {
        if (report.OverTimeLimit)
        {
            report.Add(new CheckResult(section, name, CheckResult.NotRun, 0, "time limit reached", []));
            return;
        }
        report.Starting(name);
        var lines = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            body();
            report.Add(new CheckResult(section, name, CheckResult.Passed, clock.Elapsed.TotalSeconds, null, lines));
        }
        catch (Exception e)
        {
            report.Add(new CheckResult(section, name, CheckResult.Failed, clock.Elapsed.TotalSeconds,
                e is Xunit.Sdk.XunitException ? e.Message : e.ToString(), lines));
        }
    }

    /// <summary>The files the parity checks read, relative to the repository (or the packed data folder).</summary>
    private static readonly string[] DataFiles =
    [
        .. new[] { "custom_stack", "norm_stack", "mobilenet_v2_w075", "resnet18_tiny", "unet", "yolo", "se_resnet" }
            .SelectMany(n => new[] { $"tests/fixtures/generated/{n}.safetensors", $"tests/fixtures/generated/{n}.io.safetensors" }),
        "tests/fixtures/generated/ops/manifest.json",
        "samples/FashionDetection/model/fcos_fashion.safetensors", "samples/FashionDetection/model/pytorch_detections.safetensors",
        "samples/FashionDetection/model/pytorch_reference.json", "samples/FashionDetection/data/test_canvases.safetensors",
    ];

    /// <summary>The device, and what compiling the kernels costs: the first GpuKernels on the accelerator and a second one.</summary>
    private static void DeviceSection(CheckReport report, GpuContext context, GpuFixture gpu)
    {
        // Which build ran (linux-x64, or linux-arm64 for a Jetson-class board; scripts/gpu-check.sh --rid).
        report.Log($"  process: {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, " +
                   $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Check(report, "device", "every assembly the program references is present", () =>
        {
            var (names, missing) = AssemblyClosure.Load();
            report.Metrics["assemblies_in_closure"] = names.Count;
            if (missing.Count > 0)
                throw new Xunit.Sdk.XunitException($"Cannot load {string.Join(", ", missing)}: scripts/gpu-check.sh left out an assembly the program needs");
        });
        Check(report, "device", "fixtures and samples present", () =>
        {
            string root = Tests.Parity.Fixtures.RepoRoot;
            string[] missing = DataFiles.Where(f => !File.Exists(Path.Combine(root, f))).ToArray();
            if (missing.Length > 0)
                throw new Xunit.Sdk.XunitException($"Missing under {root}: {string.Join(", ", missing)} (the fixtures travel in the archive's data/; " +
                    "the device command copies samples/FashionDetection from the checkout to data/samples; see scripts/gpu-check.sh)");
        });
        Check(report, "device", "kernels compile and launch on this accelerator", () =>
        {
            var clock = Stopwatch.StartNew();
            using (var again = new GpuKernels(context.Accelerator)) report.Metrics["second_kernel_set_seconds"] = clock.Elapsed.TotalSeconds;
            var acc = context.Accelerator;
            report.Metrics["max_threads_per_group"] = acc.MaxNumThreadsPerGroup;
            report.Metrics["max_shared_memory_per_group_bytes"] = acc.MaxSharedMemoryPerGroup;
            report.Metrics["multiprocessors"] = acc.NumMultiprocessors;
            report.Metrics["threads_per_group_used"] = gpu.Kernels.ThreadsPerGroup;
            report.Log($"  accelerator: {acc.Name}, {acc.NumMultiprocessors} multiprocessors, {acc.MaxNumThreadsPerGroup} threads and " +
                       $"{acc.MaxSharedMemoryPerGroup / 1024} KiB shared memory per group, {acc.MemorySize / (1 << 20)} MiB; " +
                       $"context + first kernel set {report.Metrics["context_and_kernels_seconds"]:F2} s, a second kernel set {report.Metrics["second_kernel_set_seconds"]:F2} s");
            // One launch of each family, checked: a device that cannot run ILGPU's code fails here, not in 400 checks.
            using var x = gpu.Upload([1f, -2f, 3f, -4f]);
            using var y = gpu.Alloc(4);
            gpu.Kernels.Activate(x.View, VisionGen.Cpu.Activation.Relu, y.View);
            float[] got = gpu.Download(y, 4);
            if (got[0] != 1f || got[1] != 0f || got[2] != 3f || got[3] != 0f)
                throw new Xunit.Sdk.XunitException($"ReLU of [1, -2, 3, -4] gave [{string.Join(", ", got)}]");
        });
    }

    private static void NetworksSection(CheckReport report, GpuContext context, bool small)
    {
        foreach (NetworkChecks.Case c in NetworkChecks.Cases())
        {
            if (small && c.Heavy) continue;
            Check(report, "networks", $"launches and managed bytes: {c.Name}", () =>
            {
                NetworkFigures f = NetworkChecks.Measure(c, context, calls: context.IsCpuFallback ? 1 : 20);
                report.Networks.Add(f);
                report.Log("  " + NetworkChecks.Describe(f, !context.IsCpuFallback));
            });
        }
    }

    private static void BenchSection(CheckReport report, GpuContext context, GpuCheckOptions options, bool small)
    {
        Check(report, "bench", "GPU benchmark (bench/VisionGen.GpuBench)", () =>
        {
            var bench = new BenchOptions
            {
                Small = small,
                Iterations = small ? 2 : 30,
                TorchScript = options.Torch && !small ? Path.Combine(AppContext.BaseDirectory, "bench", "torch_anchor.py") : null,
            };
            BenchReport result = GpuBenchmarks.Run(context, bench, report.LogWriter);
            report.Bench = result;
            File.WriteAllText(Path.Combine(options.Out, "bench.md"), "# GPU benchmark\n\n" + result.ToMarkdown());
            if (result.Failures.Count > 0) throw new Xunit.Sdk.XunitException(string.Join("\n", result.Failures));
        });
    }

    /// <summary>Ends the process when one check hangs or the run overruns its limit, after writing the summary.</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public Watchdog(CheckReport report, GpuCheckOptions options)
        {
            TimeSpan hardLimit = options.TimeLimit is { } limit ? limit + TimeSpan.FromMinutes(1) : TimeSpan.MaxValue;
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    Thread.Sleep(1000);
                    (string? current, TimeSpan running) = report.Current;
                    string? why = current is not null && running > options.CheckTimeout ? $"'{current}' has run {running.TotalSeconds:F0} s (hung?)"
                        : report.Elapsed > hardLimit ? $"the run passed its time limit by a minute, in '{current}'" : null;
                    if (why is null) continue;
                    report.Add(new CheckResult("device", "watchdog", CheckResult.Failed, running.TotalSeconds, why, []));
                    report.Write();
                    report.Log($"STOPPED: {why}");
                    Environment.Exit(5);
                }
            }) { IsBackground = true, Name = "GpuCheck watchdog" };
            _thread.Start();
        }

        public void Dispose() => _stop = true;
    }
}

/// <summary>The results so far, written to the output folder after every check.</summary>
internal sealed class CheckReport : IDisposable
{
    private readonly GpuCheckOptions _options;
    private readonly TextWriter _console;
    private readonly StreamWriter _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly object _gate = new();
    private string? _current;
    private long _currentStart;

    public CheckReport(GpuCheckOptions options, TextWriter console)
    {
        _options = options;
        _console = console;
        _log = new StreamWriter(Path.Combine(options.Out, "log.txt"), append: false) { AutoFlush = true };
        LogWriter = new LineWriter(this);
    }

    public string Device { get; set; } = "(not created)";
    public string Backend { get; set; } = "";
    public bool Small { get; set; }
    public List<CheckResult> Results { get; } = new();
    public List<NetworkFigures> Networks { get; } = new();
    public Dictionary<string, double> Metrics { get; } = new();
    public BenchReport? Bench { get; set; }
    public TextWriter LogWriter { get; }
    public TimeSpan Elapsed => _clock.Elapsed;
    public bool OverTimeLimit => _options.TimeLimit is { } limit && Elapsed > limit;

    public (string? Name, TimeSpan Running) Current
    {
        get
        {
            lock (_gate) return (_current, _current is null ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_currentStart));
        }
    }

    public int Failed => Results.Count(r => r.Outcome == CheckResult.Failed);
    public int NotRun => Results.Count(r => r.Outcome == CheckResult.NotRun);
    public int Passed => Results.Count(r => r.Outcome == CheckResult.Passed);

    public string Verdict => Failed > 0 ? $"FAILED: {Failed} of {Results.Count} checks failed"
        : NotRun > 0 ? $"INCOMPLETE: {Passed} passed, {NotRun} not run (time limit)"
        : $"PASSED: all {Passed} checks";

    public int ExitCode => Failed > 0 ? 1 : NotRun > 0 ? 3 : 0;

    public void Log(string line)
    {
        lock (_gate)
        {
            _console.WriteLine(line);
            _console.Flush();
            _log.WriteLine(line);
        }
    }

    public void Starting(string name)
    {
        lock (_gate)
        {
            _current = name;
            _currentStart = Stopwatch.GetTimestamp();
        }
    }

    public void Add(CheckResult result)
    {
        lock (_gate)
        {
            Results.Add(result);
            _current = null;
        }
        string mark = result.Outcome == CheckResult.Passed ? "ok  " : result.Outcome == CheckResult.Failed ? "FAIL" : "skip";
        Log($"{mark} [{result.Section}] {result.Name} ({result.Seconds:F2} s)");
        lock (_gate)
        {
            foreach (string line in result.Output) _log.WriteLine("       " + line);
        }
        if (result.Message is not null) Log("       " + result.Message.Replace("\n", "\n       "));
        Write();
    }

    /// <summary>Writes summary.md and summary.json (cheap; after every check).</summary>
    public void Write()
    {
        lock (_gate)
        {
            File.WriteAllText(Path.Combine(_options.Out, "summary.md"), Markdown());
            File.WriteAllText(Path.Combine(_options.Out, "summary.json"), Json());
        }
    }

    private string Markdown()
    {
        var s = new StringBuilder();
        s.AppendLine("# VisionGen GPU check");
        s.AppendLine();
        s.AppendLine(CultureInfo.InvariantCulture, $"- **{Verdict}**");
        s.AppendLine(CultureInfo.InvariantCulture, $"- device: {Device}");
        s.AppendLine(CultureInfo.InvariantCulture, $"- configuration: {(Small ? "small" : "full")}; started {_started:u}; {Elapsed.TotalSeconds:F1} s so far");
        foreach (var (k, v) in Metrics) s.AppendLine(CultureInfo.InvariantCulture, $"- {k}: {v:G6}");
        s.AppendLine();
        s.AppendLine("| section | passed | failed | not run | seconds |");
        s.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var g in Results.GroupBy(r => r.Section))
            s.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key} | {g.Count(r => r.Outcome == CheckResult.Passed)} | {g.Count(r => r.Outcome == CheckResult.Failed)} | {g.Count(r => r.Outcome == CheckResult.NotRun)} | {g.Sum(r => r.Seconds):F1} |");
        if (Failed > 0)
        {
            s.AppendLine().AppendLine("## Failures").AppendLine();
            foreach (CheckResult r in Results.Where(r => r.Outcome == CheckResult.Failed))
                s.AppendLine(CultureInfo.InvariantCulture, $"- [{r.Section}] `{r.Name}`: {r.Message?.Split('\n')[0]}");
        }
        if (Networks.Count > 0)
        {
            s.AppendLine().AppendLine("## Generated runners: launches and managed bytes per call").AppendLine();
            s.AppendLine("| network | call | launches per call | managed bytes per call | bytes per launch | ms per call |");
            s.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (NetworkFigures f in Networks)
                s.AppendLine(CultureInfo.InvariantCulture, $"| {f.Name} | {f.Call} | {f.LaunchesPerCall} | {f.BytesPerCall} | {f.BytesPerLaunch:F0} | {f.MsPerCall:F2} |");
        }
        if (Bench is not null) s.AppendLine().AppendLine("## GPU benchmark").AppendLine().AppendLine(Bench.ToMarkdown());
        s.AppendLine().AppendLine("## Slowest checks").AppendLine();
        foreach (CheckResult r in Results.OrderByDescending(r => r.Seconds).Take(15))
            s.AppendLine(CultureInfo.InvariantCulture, $"- {r.Seconds:F2} s [{r.Section}] {r.Name}");
        return s.ToString();
    }

    private string Json()
    {
        var doc = new
        {
            verdict = Verdict,
            device = Device,
            backend = Backend,
            configuration = Small ? "small" : "full",
            started = _started,
            seconds = Elapsed.TotalSeconds,
            passed = Passed,
            failed = Failed,
            notRun = NotRun,
            metrics = Metrics,
            sections = Results.GroupBy(r => r.Section).Select(g => new
            {
                name = g.Key,
                passed = g.Count(r => r.Outcome == CheckResult.Passed),
                failed = g.Count(r => r.Outcome == CheckResult.Failed),
                notRun = g.Count(r => r.Outcome == CheckResult.NotRun),
                seconds = g.Sum(r => r.Seconds),
            }),
            networks = Networks,
            bench = Bench is null ? null : new { Bench.Device, Bench.CopyGBps, Bench.AnchorSource, Bench.Rows, Bench.Failures, Bench.Notes },
            results = Results.Select(r => new { r.Section, r.Name, r.Outcome, r.Seconds, r.Message }),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        });
    }

    public void Dispose() => _log.Dispose();

    /// <summary>Lines written by the benchmark go to the console and the log.</summary>
    private sealed class LineWriter(CheckReport report) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                report.Log(_line.ToString());
                _line.Clear();
            }
            else if (value != '\r') _line.Append(value);
        }
    }
}
