extern alias GpuCheck;
using System.Text.Json;
using Xunit.Abstractions;
using Check = GpuCheck::VisionGen.GpuCheck;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The one-command device check (tests/VisionGen.GpuCheck, packed by scripts/gpu-check.sh) in its small configuration
/// on ILGPU's CPU accelerator, in-process: every section runs and its summary reports no failure, so the program the
/// GPU machine runs never rots between the rare sessions that have one.
/// </summary>
public sealed class GpuCheckProgramTests(ITestOutputHelper log)
{
    [Fact]
    public void SmallConfigurationRunsEverySectionAndReportsNoFailure()
    {
        string dir = Path.Combine(Path.GetTempPath(), "visiongen-gpucheck-" + Guid.NewGuid().ToString("N"));
        try
        {
            var console = new StringWriter();
            int exitCode = Check.GpuCheckProgram.Run(new Check.GpuCheckOptions { Out = dir, Small = true }, console);
            log.WriteLine(File.ReadAllText(Path.Combine(dir, "summary.md")));

            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            JsonElement root = summary.RootElement;
            Assert.True(root.GetProperty("failed").GetInt32() == 0, console.ToString());
            Assert.Equal(0, root.GetProperty("notRun").GetInt32());
            Assert.Equal(0, exitCode);
            Assert.StartsWith("PASSED", root.GetProperty("verdict").GetString());
            Assert.Equal("small", root.GetProperty("configuration").GetString());

            var sections = root.GetProperty("sections").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("passed").GetInt32());
            foreach (string section in new[] { "device", "kernels", "executors", "networks", "ops", "bench" })
                Assert.True(sections.GetValueOrDefault(section) > 0, $"section {section} ran no check");
            Assert.True(sections["kernels"] >= 40, $"only {sections["kernels"]} kernel checks ran");

            // The figures the device run reports: launches and managed bytes per call, and the benchmark's rows.
            foreach (JsonElement network in root.GetProperty("networks").EnumerateArray())
                Assert.True(network.GetProperty("LaunchesPerCall").GetInt64() > 0);
            Assert.True(root.GetProperty("bench").GetProperty("Rows").GetArrayLength() >= 10);
            foreach (string file in new[] { "summary.md", "bench.md", "log.txt" })
                Assert.True(new FileInfo(Path.Combine(dir, file)).Length > 0, file);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BadArgumentsAreAUsageError()
    {
        Assert.Throws<ArgumentException>(() => Check.GpuCheckOptions.Parse(["--small"]));
        Assert.Throws<ArgumentException>(() => Check.GpuCheckOptions.Parse(["--out", "x", "--frobnicate"]));
        Assert.Throws<ArgumentException>(() => Check.GpuCheckOptions.Parse(["--out"]));
        var options = Check.GpuCheckOptions.Parse(["--out", "x", "--small", "--require-cuda", "--time-limit", "420", "--only", "kernels,bench"]);
        Assert.True(options.Small && options.RequireCuda && options.HardTimeouts);
        Assert.Equal(TimeSpan.FromSeconds(420), options.TimeLimit);
        Assert.Equal(new[] { "bench", "kernels" }, options.Only!.Order());
    }
}
