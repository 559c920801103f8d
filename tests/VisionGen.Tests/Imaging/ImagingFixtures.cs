using System.Text;
using System.Text.Json;

namespace VisionGen.Tests.Imaging;

/// <summary>
/// Reads the OpenCV/PyTorch references written by scripts/fixtures/make_imaging_fixtures.py
/// (tests/fixtures/generated/imaging: .npy arrays and manifest.json).
/// </summary>
internal static class ImagingFixtures
{
    public static string Directory
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir != null && !System.IO.Directory.Exists(Path.Combine(dir, "tests", "fixtures")))
                dir = Path.GetDirectoryName(dir);
            if (dir == null) throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
            var path = Path.Combine(dir, "tests", "fixtures", "generated", "imaging");
            if (!File.Exists(Path.Combine(path, "manifest.json")))
                throw new InvalidOperationException($"Imaging fixtures missing in {path}: run scripts/make-fixtures.sh first.");
            return path;
        }
    }

    private static readonly Lazy<JsonDocument> s_manifest = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "manifest.json"))));

    public static IEnumerable<JsonElement> Cases(string group) => s_manifest.Value.RootElement.GetProperty(group).EnumerateArray();

    /// <summary>Case names of a group as xunit theory data.</summary>
    public static TheoryData<string> Names(string group)
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases(group)) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static JsonElement Case(string group, string name) =>
        Cases(group).First(c => c.GetProperty("name").GetString() == name);

    public static float[] Floats(string name) => Read<float>(name, "<f4", out _);
    public static float[] Floats(string name, out int[] shape) => Read<float>(name, "<f4", out shape);
    public static byte[] Bytes(string name) => Read<byte>(name, "|u1", out _);

    private static T[] Read<T>(string name, string descr, out int[] shape) where T : unmanaged
    {
        var bytes = File.ReadAllBytes(Path.Combine(Directory, name + ".npy"));
        // NPY v1/v2: magic, version, header length, then a Python dict literal.
        int major = bytes[6];
        int headerLen = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(bytes, headerStart, headerLen);
        if (!header.Contains($"'descr': '{descr}'")) throw new InvalidDataException($"{name}: expected {descr}, header {header}");
        if (header.Contains("'fortran_order': True")) throw new InvalidDataException($"{name}: Fortran order");
        int open = header.IndexOf('(', header.IndexOf("'shape'")), close = header.IndexOf(')', open);
        shape = header[(open + 1)..close].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var data = bytes.AsSpan(headerStart + headerLen);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(data).ToArray();
    }
}

internal static class Compare
{
    /// <summary>Max |a − b| over all elements (lengths must match).</summary>
    public static double MaxAbs(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (float.IsNaN(a[i]) != float.IsNaN(b[i])) return double.PositiveInfinity;
            m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        }
        return m;
    }

    public static int MaxAbs(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        int m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    /// <summary>Asserts max|actual − expected| ≤ rel·max(|expected|, 1)-style tolerance: atol + rtol·|expected| per element.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double tol = atol + rtol * Math.Abs(e);
            if (!(Math.Abs(e - a) <= tol))
                Assert.Fail($"{what}: element {i}: expected {e:R}, got {a:R} (|diff| {Math.Abs(e - a):G3} > {tol:G3})");
        }
    }
}
