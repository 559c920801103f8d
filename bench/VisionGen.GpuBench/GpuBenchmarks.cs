using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ILGPU.Runtime;
using VisionGen.Cpu;
using VisionGen.Imaging;
using VisionGen.Kernels;
using VisionGen.Ops;

namespace VisionGen.GpuBench;

/// <summary>What the GPU benchmark runs.</summary>
public sealed class BenchOptions
{
    /// <summary>Tiny sizes and a stand-in network instead of ResNet-18 (ILGPU's CPU accelerator; CI).</summary>
    public bool Small { get; init; }

    /// <summary>Timed samples per figure (the median is reported).</summary>
    public int Iterations { get; init; } = 30;

    /// <summary>The PyTorch anchor script (torch_anchor.py); null or missing skips the anchor.</summary>
    public string? TorchScript { get; init; }

    /// <summary>Python interpreter that runs the anchor.</summary>
    public string Python { get; init; } = "python3";

    /// <summary>Longest the anchor may run.</summary>
    public TimeSpan TorchTimeout { get; init; } = TimeSpan.FromSeconds(150);
}

/// <summary>One benchmark figure.</summary>
/// <param name="Name">What was timed.</param>
/// <param name="Ms">Median milliseconds.</param>
/// <param name="GBps">Effective bandwidth (bytes the operation must read and write, over the time).</param>
/// <param name="PercentOfCopy">GBps as a share of the device-to-device copy bandwidth measured in the same run.</param>
/// <param name="Gflops">Arithmetic rate, where it means something.</param>
/// <param name="AnchorMs">The anchor's time for the same work (PyTorch in the same run, or a reference figure).</param>
/// <param name="Anchor">Which anchor.</param>
/// <param name="Target">The issue's target, in words.</param>
/// <param name="TargetMet">Whether the target holds (null: not measurable in this run).</param>
/// <param name="Launches">Kernel launches per call.</param>
public sealed record BenchRow(string Name, double Ms, double? GBps = null, double? PercentOfCopy = null, double? Gflops = null,
    double? AnchorMs = null, string? Anchor = null, string? Target = null, bool? TargetMet = null, long? Launches = null)
{
    /// <summary>Ms over AnchorMs.</summary>
    public double? Ratio => AnchorMs is > 0 ? Ms / AnchorMs : null;
}

/// <summary>The benchmark's figures, and any correctness failure found on the way.</summary>
public sealed class BenchReport
{
    public string Device { get; set; } = "";
    public bool Small { get; set; }
    public int Iterations { get; set; }
    public double CopyGBps { get; set; }
    public string AnchorSource { get; set; } = "none";
    public List<BenchRow> Rows { get; } = new();
    public List<string> Failures { get; } = new();
    public List<string> Notes { get; } = new();

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"Device: {Device}  ");
        s.AppendLine(CultureInfo.InvariantCulture, $"Sizes: {(Small ? "small (CPU-accelerator smoke run: the figures say nothing about a GPU)" : "full")}, median of {Iterations} samples  ");
        s.AppendLine(CultureInfo.InvariantCulture, $"Device-to-device copy: {CopyGBps:F1} GB/s (bytes read + written)  ");
        s.AppendLine(CultureInfo.InvariantCulture, $"Anchor: {AnchorSource}");
        s.AppendLine();
        s.AppendLine("| benchmark | median ms | GB/s | % of copy | GFLOP/s | launches | anchor ms | ratio | target | met |");
        s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (BenchRow r in Rows)
        {
            s.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Ms:F3} | {Num(r.GBps, "F1")} | {Num(r.PercentOfCopy, "F0")} | {Num(r.Gflops, "F1")} | {(r.Launches?.ToString(CultureInfo.InvariantCulture) ?? "")} | " +
                $"{Num(r.AnchorMs, "F3")}{(r.Anchor is null ? "" : $" ({r.Anchor})")} | {Num(r.Ratio, "F2")} | {r.Target ?? ""} | {(r.TargetMet is null ? "" : r.TargetMet.Value ? "yes" : "NO")} |");
        }
        foreach (string note in Notes) s.AppendLine().Append("Note: ").AppendLine(note);
        foreach (string failure in Failures) s.AppendLine().Append("FAILED: ").AppendLine(failure);
        return s.ToString();
    }

    private static string Num(double? v, string format) => v?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}

/// <summary>
/// The GPU benchmark: device copy bandwidth, then conv, blur and norm kernels (GB/s as a share of that copy bandwidth),
/// then ResNet-18 at batch 1 and 32 through the generated executor (latency, launches per inference), with PyTorch on
/// the same device as the anchor when the machine has it (torch_anchor.py), otherwise the reference figures of DESIGN.md.
/// Every network is first checked against the CPU path on the same weights.
/// </summary>
public static class GpuBenchmarks
{
    /// <summary>PyTorch 2.11 eager, fp32, TF32 off, on an H100 (DESIGN.md): the anchor when none is measured in the run.</summary>
    private static readonly Dictionary<string, double> ReferenceMs = new()
    {
        ["resnet18_b1_eager"] = 1.54, ["resnet18_b32_eager"] = 4.44, ["blur_11x11_3x2160x3840"] = 1.8,
    };

    public static BenchReport Run(GpuContext context, BenchOptions options, TextWriter log)
    {
        var report = new BenchReport { Device = context.Description, Small = options.Small, Iterations = options.Iterations };
        using var kernels = new GpuKernels(context.Accelerator);
        var acc = context.Accelerator;
        bool small = options.Small;

        Dictionary<string, double>? torch = small ? null : RunTorchAnchor(options, report, log);
        double? Anchor(string key, out string? source)
        {
            source = null;
            if (torch is not null && torch.TryGetValue(key, out double ms)) { source = "PyTorch, this run"; return ms; }
            if (ReferenceMs.TryGetValue(key, out ms) && !small) { source = "H100 reference, not this run"; return ms; }
            return null;
        }

        double Time(Action launch)
        {
            launch();
            kernels.Synchronize(); // warm-up (and first-launch compilation)
            // A sample repeats the work until it lasts about a millisecond: a launch is asynchronous, and the
            // synchronization that ends a sample costs microseconds of its own.
            long t0 = Stopwatch.GetTimestamp();
            launch();
            kernels.Synchronize();
            double once = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            int repeats = (int)Math.Clamp(Math.Ceiling(1.0 / Math.Max(once, 1e-3)), 1, 200);
            var samples = new double[options.Iterations];
            for (int i = 0; i < samples.Length; i++)
            {
                t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < repeats; r++) launch();
                kernels.Synchronize();
                samples[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / repeats;
            }
            Array.Sort(samples);
            return samples[samples.Length / 2];
        }

        void Add(BenchRow row)
        {
            report.Rows.Add(row);
            log.WriteLine($"  {row.Name,-52} {row.Ms,10:F3} ms" + (row.GBps is null ? "" : $" {row.GBps,8:F1} GB/s") +
                          (row.PercentOfCopy is null ? "" : $" {row.PercentOfCopy,4:F0}% of copy") + (row.Ratio is null ? "" : $"  ratio {row.Ratio:F2}"));
        }

        BenchRow Bandwidth(string name, double ms, double bytes, string? target = null, double minPercent = 0, string? anchorKey = null, double flops = 0)
        {
            double gbps = bytes / (ms * 1e-3) / 1e9;
            double? pct = report.CopyGBps > 0 ? 100 * gbps / report.CopyGBps : null;
            double? anchorMs = anchorKey is null ? null : Anchor(anchorKey, out string? source);
            string? anchorName = anchorKey is null ? null : torch is not null && torch.ContainsKey(anchorKey) ? "PyTorch" : anchorMs is null ? null : "H100 ref";
            return new BenchRow(name, ms, gbps, pct, flops > 0 ? flops / (ms * 1e-3) / 1e9 : null, anchorMs, anchorName,
                target, target is null || small || pct is null ? null : pct >= minPercent);
        }

        GpuBuffer Filled(long n, int seed)
        {
            var host = new float[n];
            var r = new Random(seed);
            for (long i = 0; i < n; i++) host[i] = (float)r.NextDouble() * 2 - 1;
            return new GpuBuffer(acc, host);
        }

        log.WriteLine($"GPU benchmark on {context.Description} ({(small ? "small sizes" : "full sizes")}, median of {options.Iterations})");

        // Device-to-device copy: the bandwidth every memory-bound kernel is measured against (bytes read + written).
        {
            long n = small ? 1 << 16 : 1L << 28;
            using var a = Filled(n, 1);
            using var b = new GpuBuffer(acc, n);
            double ms = Time(() => a.View.CopyTo(kernels.Stream, b.View));
            report.CopyGBps = 2.0 * n * sizeof(float) / (ms * 1e-3) / 1e9;
            Add(Bandwidth($"copy {n * 4 / 1048576.0:G4} MiB device-to-device", ms, 2.0 * n * sizeof(float), anchorKey: "copy_1GiB"));
        }

        // Convolutions: a ResNet stage-1 3×3 conv and a 1×1 expansion, batch 1 and 32; a MobileNet depthwise 3×3.
        foreach (var (name, shape, batch) in ConvCases(small))
        {
            using var x = Filled((long)batch * shape.InputLength, 2);
            using var w = Filled(shape.WeightLength, 3);
            using var bias = Filled(shape.OutChannels, 4);
            using var y = new GpuBuffer(acc, (long)batch * shape.OutputLength);
            double flops = 2.0 * batch * shape.OutputLength * (shape.InChannels / shape.Groups) * shape.KernelHeight * shape.KernelWidth;
            double bytes = 4.0 * (batch * (double)(shape.InputLength + shape.OutputLength) + shape.WeightLength);
            ConvAlgorithm auto = kernels.ConvAlgorithmFor(shape, batch);
            double ms = Time(() => kernels.Conv2d(shape, x.View, w.View, bias.View, default, Activation.Relu, y.View, batch));
            Add(Bandwidth($"{name} [{auto}]", ms, bytes, flops: flops));
            // The implicit GEMM's other variants too, so a device run shows where Auto's choice among them stands.
            ConvAlgorithm[] gemms = [ConvAlgorithm.ImplicitGemm, ConvAlgorithm.ImplicitGemmWide, ConvAlgorithm.ImplicitGemmSplitK];
            if (Array.IndexOf(gemms, auto) >= 0)
            {
                foreach (var other in gemms.Where(a => a != auto))
                {
                    double otherMs = Time(() => kernels.Conv2d(shape, x.View, w.View, bias.View, default, Activation.Relu, y.View, batch, other));
                    Add(Bandwidth($"{name} [{other}, not Auto's pick]", otherMs, bytes, flops: flops));
                }
            }
        }

        // Gaussian blur 11×11 σ3, planar float, Reflect101; bytes = image read + image written (as torchvision's figure).
        {
            int planes = 3, height = small ? 24 : 2160, width = small ? 32 : 3840;
            long n = (long)planes * height * width;
            var taps = GpuKernels.GaussianTaps(11, 3.0);
            using var t = new GpuBuffer(acc, taps);
            using var x = Filled(n, 5);
            using var tmp = new GpuBuffer(acc, n);
            using var y = new GpuBuffer(acc, n);
            double ms = Time(() => kernels.GaussianBlur(x.View, tmp.View, y.View, t.View, 11, t.View, 11, width, height, planes, BorderMode.Reflect101));
            Add(Bandwidth($"gaussian blur 11x11 s3 {planes}x{height}x{width}", ms, 2.0 * n * sizeof(float), "≥ 80% of copy", 80, "blur_11x11_3x2160x3840"));
            // The two-launch path (horizontal into temp, vertical out of it) that wider kernels take, for comparison.
            double twoPass = Time(() =>
            {
                kernels.BlurRows(x.View, tmp.View, t.View, 11, width, height, planes, BorderMode.Reflect101);
                kernels.BlurColumns(tmp.View, y.View, t.View, 11, width, height, planes, BorderMode.Reflect101);
            });
            Add(Bandwidth($"gaussian blur 11x11 s3 {planes}x{height}x{width} [two launches through temp]", twoPass, 2.0 * n * sizeof(float)));
        }

        // Normalization family on N×C×H×W; bytes = tensor read + tensor written.
        {
            int batch = small ? 2 : 32, channels = small ? 8 : 256, side = small ? 8 : 56, spatial = side * side, groups = small ? 4 : 32;
            long n = (long)batch * channels * spatial;
            string dims = $"{batch}x{channels}x{side}x{side}";
            using var x = Filled(n, 6);
            using var y = new GpuBuffer(acc, n);
            using var mean = Filled(channels, 7);
            using var variance = new GpuBuffer(acc, Enumerable.Repeat(1f, channels).ToArray());
            using var weight = Filled(channels, 8);
            using var bias = Filled(channels, 9);
            using var lnWeight = Filled(channels * (long)spatial, 10);
            using var lnBias = Filled(channels * (long)spatial, 11);
            long scratchLength = Math.Max(GpuKernels.NormScratchLength(batch * channels, spatial),
                Math.Max(GpuKernels.NormScratchLength(batch * groups, channels / groups * spatial), GpuKernels.NormScratchLength(batch, channels * spatial)));
            using var scratch = new GpuBuffer(acc, scratchLength);
            double bytes = 2.0 * n * sizeof(float);
            Add(Bandwidth($"batch norm {dims}", Time(() => kernels.BatchNorm(x.View, y.View, channels, spatial, mean.View, variance.View, weight.View, bias.View, batch: batch)),
                bytes, "≥ 85% of copy", 85, "batch_norm"));
            Add(Bandwidth($"group norm ({groups} groups) {dims}", Time(() => kernels.GroupNorm(x.View, y.View, batch, channels, spatial, groups, weight.View, bias.View, scratch.View)),
                bytes, "≥ 85% of copy", 85, "group_norm"));
            Add(Bandwidth($"instance norm {dims}", Time(() => kernels.InstanceNorm(x.View, y.View, batch, channels, spatial, weight.View, bias.View, scratch.View)),
                bytes, "≥ 85% of copy", 85, "instance_norm"));
            Add(Bandwidth($"layer norm over C,H,W {dims}", Time(() => kernels.LayerNorm(x.View, y.View, batch, channels * spatial, lnWeight.View, lnBias.View, scratch.View)),
                bytes, "≥ 85% of copy", 85, "layer_norm"));
        }

        // Networks through the generated executor, each checked against the CPU path on the same weights first.
        if (small)
        {
            Network(context, report, log, Add, "tiny net (stand-in) batch 1", BenchTinyNet.WeightSpecs, 1, BenchTinyNet.InputLength, BenchTinyNet.OutputLength,
                (p, x, y) => { using var m = BenchTinyNet.Load(p); m.Run(x, y); }, (p, c) => BenchTinyNet.LoadGpu(p, c), options, null);
            Network(context, report, log, Add, "tiny net (stand-in) batch 2", BenchTinyNetBatch2.WeightSpecs, 2, BenchTinyNetBatch2.InputLength, BenchTinyNetBatch2.OutputLength,
                (p, x, y) => { using var m = BenchTinyNetBatch2.Load(p); m.Run(x, y); }, (p, c) => BenchTinyNetBatch2.LoadGpu(p, c), options, null);
        }
        else
        {
            double? eager1 = Anchor("resnet18_b1_eager", out _);
            double? cudnn32 = torch is not null && torch.TryGetValue("resnet18_b32_cudnn", out double c32) ? c32 : Anchor("resnet18_b32_eager", out _);
            string anchor1 = torch?.ContainsKey("resnet18_b1_eager") == true ? "PyTorch eager" : "H100 eager ref";
            string anchor32 = torch?.ContainsKey("resnet18_b32_cudnn") == true ? "cuDNN via PyTorch" : "H100 eager ref";
            Network(context, report, log, Add, "resnet18 224x224 batch 1", BenchResNet18.WeightSpecs, 1, BenchResNet18.InputLength, BenchResNet18.OutputLength,
                (p, x, y) => { using var m = BenchResNet18.Load(p); m.Run(x, y); }, (p, c) => BenchResNet18.LoadGpu(p, c), options,
                eager1 is null ? null : (eager1.Value, anchor1, 0.5, "≤ 0.5× PyTorch eager"));
            Network(context, report, log, Add, "resnet18 224x224 batch 32", BenchResNet18Batch32.WeightSpecs, 32, BenchResNet18Batch32.InputLength, BenchResNet18Batch32.OutputLength,
                (p, x, y) => { using var m = BenchResNet18Batch32.Load(p); m.Run(x, y); }, (p, c) => BenchResNet18Batch32.LoadGpu(p, c), options,
                cudnn32 is null ? null : (cudnn32.Value, anchor32, 1.3, "≤ 1.3× cuDNN fp32"));
        }
        log.WriteLine($"GPU benchmark done: {report.Rows.Count} figures, {report.Failures.Count} failures");
        return report;
    }

    /// <summary>
    /// Loads a generated network on the CPU and the GPU from the same random weights, checks the GPU's output against the
    /// CPU's within the numerics contract, then times <c>Run</c> (upload, kernels, download) and <c>RunOnDevice</c> (the
    /// kernels on the input already there) and counts the launches of one inference.
    /// </summary>
    private static void Network(GpuContext context, BenchReport report, TextWriter log, Action<BenchRow> add, string name,
        IReadOnlyList<VisionGen.Weights.WeightSpec> specs, int batch, int inputLength, int outputLength,
        Action<string, float[], float[]> runCpu, Func<string, GpuContext, GpuModelExecutor> loadGpu, BenchOptions options,
        (double Ms, string Name, double MaxRatio, string Target)? anchor)
    {
        string path = Path.Combine(Path.GetTempPath(), $"visiongen-gpubench-{Environment.ProcessId}-{name.Replace(' ', '_')}.safetensors");
        try
        {
            RandomWeights.Write(path, specs);
            var input = new float[inputLength];
            var random = new Random(99);
            for (int i = 0; i < input.Length; i++) input[i] = (float)(random.NextDouble() * 4 - 2);
            var expected = new float[outputLength];
            int threads = CpuThreads.Count;
            CpuThreads.Count = Math.Max(1, Environment.ProcessorCount); // the CPU reference only; not timed
            try
            {
                runCpu(path, input, expected);
            }
            finally
            {
                CpuThreads.Count = threads;
            }

            using GpuModelExecutor gpu = loadGpu(path, context);
            var output = new float[outputLength];
            gpu.Run(input, output);
            double maxRef = 0, maxErr = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
                maxErr = Math.Max(maxErr, Math.Abs(expected[i] - output[i]));
            }
            double tolerance = 1e-4 * maxRef + 1e-5;
            log.WriteLine($"  {name}: GPU vs CPU on the same weights: max|y-ref| = {maxErr:E3}, tolerance {tolerance:E3}");
            if (!(maxErr <= tolerance)) report.Failures.Add($"{name}: GPU output differs from the CPU path by {maxErr:E3} (tolerance {tolerance:E3})");

            long before = gpu.Kernels.Launches;
            gpu.RunOnDevice();
            long launches = gpu.Kernels.Launches - before;

            double runMs = Median(() => gpu.Run(input, output), options.Iterations);
            double deviceMs = Median(gpu.RunOnDevice, options.Iterations);
            add(new BenchRow($"{name}: Run (upload + kernels + download)", runMs, Launches: launches));
            bool? met = anchor is null || report.Small ? null : deviceMs <= anchor.Value.MaxRatio * anchor.Value.Ms;
            add(new BenchRow($"{name}: kernels only (RunOnDevice)", deviceMs, AnchorMs: anchor?.Ms, Anchor: anchor?.Name, Target: anchor?.Target,
                TargetMet: met, Launches: launches));
            report.Notes.Add($"{name}: {launches} launches per inference, {1000.0 * batch / deviceMs:F0} images/s on the device.");
        }
        catch (Exception e)
        {
            report.Failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            log.WriteLine($"  {name}: FAILED {e}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double Median(Action run, int iterations)
    {
        run();
        var samples = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            samples[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(samples);
        return samples[iterations / 2];
    }

    /// <summary>Runs torch_anchor.py (PyTorch on the same device) and reads its JSON; null when it cannot run.</summary>
    private static Dictionary<string, double>? RunTorchAnchor(BenchOptions options, BenchReport report, TextWriter log)
    {
        if (options.TorchScript is null || !File.Exists(options.TorchScript))
        {
            report.AnchorSource = "none in this run (no anchor script); reference figures from DESIGN.md (PyTorch 2.11 eager on an H100) where given";
            return null;
        }
        try
        {
            var start = new ProcessStartInfo(options.Python, $"\"{options.TorchScript}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(options.TorchTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the PyTorch anchor ran past {options.TorchTimeout.TotalSeconds:F0} s");
            }
            // The script prints one JSON object on its last line.
            string json = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException($"the PyTorch anchor printed nothing (exit code {process.ExitCode}): {stderr.Result.Trim()}");
            using JsonDocument doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                throw new InvalidOperationException(error.GetString());
            var result = new Dictionary<string, double>();
            string version = "";
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number) result[p.Name] = p.Value.GetDouble();
                else if (p.Name == "torch") version = p.Value.GetString() ?? "";
            }
            report.AnchorSource = $"PyTorch {version} on the same device, this run (fp32, TF32 off; eager, and cuDNN with benchmark mode for batch 32)";
            log.WriteLine($"  PyTorch anchor: {string.Join(", ", result.Select(kv => $"{kv.Key} {kv.Value:F3}"))}");
            if (stderr.Result.Length > 0) log.WriteLine($"  (anchor stderr: {stderr.Result.Trim()})");
            return result;
        }
        catch (Exception e)
        {
            report.AnchorSource = $"none in this run ({e.GetType().Name}: {e.Message}); reference figures from DESIGN.md (PyTorch 2.11 eager on an H100) where given";
            log.WriteLine($"  PyTorch anchor not run: {e.Message}");
            return null;
        }
    }

    private static IEnumerable<(string Name, Conv2dShape Shape, int Batch)> ConvCases(bool small)
    {
        static Conv2dShape Conv(int c, int hw, int oc, int k, int stride, int groups)
        {
            int pad = k / 2, o = ShapeRules.WindowOutput(hw, k, stride, pad);
            return new Conv2dShape(c, hw, hw, oc, o, o, k, k, stride, stride, pad, pad, 1, 1, groups);
        }
        if (small)
        {
            yield return ("conv 3x3 8->8 8x8 batch 1", Conv(8, 8, 8, 3, 1, 1), 1);
            yield return ("conv 1x1 8->16 8x8 batch 2", Conv(8, 8, 16, 1, 1, 1), 2);
            yield return ("depthwise 3x3 16ch 8x8 batch 1", Conv(16, 8, 16, 3, 1, 16), 1);
            yield break;
        }
        yield return ("conv 3x3 64->64 56x56 batch 1", Conv(64, 56, 64, 3, 1, 1), 1);
        yield return ("conv 3x3 64->64 56x56 batch 32", Conv(64, 56, 64, 3, 1, 1), 32);
        yield return ("conv 1x1 64->256 56x56 batch 1", Conv(64, 56, 256, 1, 1, 1), 1);
        yield return ("conv 1x1 64->256 56x56 batch 32", Conv(64, 56, 256, 1, 1, 1), 32);
        yield return ("conv 7x7/2 3->64 224x224 batch 1", Conv(3, 224, 64, 7, 2, 1), 1);
        yield return ("conv 3x3 256->256 14x14 batch 1", Conv(256, 14, 256, 3, 1, 1), 1);
        yield return ("conv 3x3 512->512 7x7 batch 1", Conv(512, 7, 512, 3, 1, 1), 1);
        yield return ("depthwise 3x3 144ch 56x56 batch 1", Conv(144, 56, 144, 3, 1, 144), 1);
        // ResNet-18's other convolutions at batch 1 and 32, each also timed with the implicit GEMM's other variants: the
        // data for Auto's choice among them (ConvAlgorithmFor) on the device at hand.
        foreach (int batch in new[] { 1, 32 })
        {
            yield return ($"resnet18 3x3/2 64->128 56x56 batch {batch}", Conv(64, 56, 128, 3, 2, 1), batch);
            yield return ($"resnet18 1x1/2 64->128 56x56 batch {batch}", Conv(64, 56, 128, 1, 2, 1), batch);
            yield return ($"resnet18 3x3 128->128 28x28 batch {batch}", Conv(128, 28, 128, 3, 1, 1), batch);
            yield return ($"resnet18 3x3/2 128->256 28x28 batch {batch}", Conv(128, 28, 256, 3, 2, 1), batch);
            yield return ($"resnet18 1x1/2 128->256 28x28 batch {batch}", Conv(128, 28, 256, 1, 2, 1), batch);
            yield return ($"resnet18 3x3/2 256->512 14x14 batch {batch}", Conv(256, 14, 512, 3, 2, 1), batch);
            yield return ($"resnet18 1x1/2 256->512 14x14 batch {batch}", Conv(256, 14, 512, 1, 2, 1), batch);
        }
        yield return ("resnet18 3x3 256->256 14x14 batch 32", Conv(256, 14, 256, 3, 1, 1), 32);
        yield return ("resnet18 3x3 512->512 7x7 batch 32", Conv(512, 7, 512, 3, 1, 1), 32);
    }
}
