using System.Buffers.Binary;
using System.Text.Json;

namespace VisionGen.Tests.Parity;

/// <summary>
/// Locates the PyTorch reference fixtures (written by scripts/make-fixtures.sh into tests/fixtures/generated)
/// and reads their F32 tensors with a deliberately tiny reader of its own, independent of the code under test.
/// </summary>
internal static class Fixtures
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Directory => Path.Combine(RepoRoot, "tests", "fixtures", "generated");

    public static string PathOf(string file)
    {
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Missing PyTorch fixture {path}. Run scripts/install-deps.sh and scripts/make-fixtures.sh (CI does this in .ci/run).", path);
        }
        return path;
    }

    /// <summary>Reads the "input" and "output" tensors of <c>{case}.io.safetensors</c>.</summary>
    public static (float[] Input, float[] Output) ReadInputOutput(string caseName)
    {
        Dictionary<string, float[]> tensors = ReadF32(PathOf(caseName + ".io.safetensors"));
        return (tensors["input"], tensors["output"]);
    }

    public static Dictionary<string, float[]> ReadF32(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var result = new Dictionary<string, float[]>();
        foreach (JsonProperty entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__" || entry.Value.GetProperty("dtype").GetString() != "F32") continue;
            JsonElement offsets = entry.Value.GetProperty("data_offsets");
            int begin = 8 + headerLength + offsets[0].GetInt32(), end = 8 + headerLength + offsets[1].GetInt32();
            var values = new float[(end - begin) / 4];
            for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(begin + 4 * i));
            result[entry.Name] = values;
        }
        return result;
    }

    /// <summary>
    /// The numerics contract: max|y − ref| ≤ 1e-4·max|ref| + 1e-5. Logs the figures (they go into closing notes) and
    /// fails with them when the contract does not hold.
    /// </summary>
    public static void AssertWithinContract(Xunit.Abstractions.ITestOutputHelper log, string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = 0, maxErr = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxRef = Math.Max(maxRef, Math.Abs((double)expected[i]));
            maxErr = Math.Max(maxErr, Math.Abs((double)expected[i] - actual[i]));
        }
        double tolerance = 1e-4 * maxRef + 1e-5;
        log.WriteLine($"{what}: max|y-ref| = {maxErr:E3}, max|ref| = {maxRef:E3}, tolerance {tolerance:E3}");
        Assert.True(maxErr <= tolerance, $"{what}: max|y-ref| = {maxErr:E3} exceeds {tolerance:E3}");
    }

    private static string FindRepoRoot()
    {
        // The GPU check program (tests/VisionGen.GpuCheck) carries the fixtures in a folder laid out like the repository.
        string? given = Environment.GetEnvironmentVariable("VISIONGEN_REPO_ROOT");
        if (!string.IsNullOrEmpty(given)) return Path.GetFullPath(given);
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "VisionGen.sln"))) return d.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (VisionGen.sln) above " + AppContext.BaseDirectory);
    }
}
