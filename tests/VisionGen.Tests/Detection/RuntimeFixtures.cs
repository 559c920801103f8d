using System.Text.Json;
using VisionGen.Tests.Parity;

namespace VisionGen.Tests.Detection;

/// <summary>Reads the references written by scripts/fixtures/make_detection_fixtures.py (torchvision / scikit-learn).</summary>
internal static class RuntimeFixtures
{
    private static readonly Lazy<JsonDocument> Meta = new(() => JsonDocument.Parse(File.ReadAllBytes(Fixtures.PathOf("detection_runtime.json"))));

    public static JsonElement Json => Meta.Value.RootElement;

    public static Dictionary<string, float[]> Tensors(string file) => Fixtures.ReadF32(Fixtures.PathOf(file));

    public static JsonElement Case(string section, string name)
    {
        foreach (JsonElement c in Json.GetProperty(section).EnumerateArray())
            if (c.GetProperty("name").GetString() == name) return c;
        throw new KeyNotFoundException($"No {section} case {name} in detection_runtime.json");
    }

    public static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static int[] AsInts(float[] values) => values.Select(v => checked((int)v)).ToArray();

    /// <summary>Bytes <paramref name="repeats"/> calls allocate on this thread after two warm-up calls: the fewest over three rounds (see <see cref="Allocations"/>).</summary>
    public static long AllocatedBytes(Action call, int repeats = 20)
    {
        call();
        call(); // past the first JIT tier
        return Allocations.Fewest(() => { for (int i = 0; i < repeats; i++) call(); }, rounds: 3);
    }
}
