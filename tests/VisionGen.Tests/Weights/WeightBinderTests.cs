using VisionGen.Weights;
using static VisionGen.Tests.Weights.SafetensorsTestWriter;

namespace VisionGen.Tests.Weights;

public class WeightBinderTests
{
    // A tiny conv + bn + fc model, torchvision-style names.
    private static readonly WeightSpec[] TinyNet =
    {
        new("conv1.weight", new[] { 2, 1, 1, 2 }),
        new("bn1.weight", new[] { 2 }),
        new("bn1.bias", new[] { 2 }),
        new("bn1.running_mean", new[] { 2 }),
        new("bn1.running_var", new[] { 2 }),
        new("bn1.num_batches_tracked", Array.Empty<int>(), Ignored: true),
        new("fc.weight", new[] { 3, 2 }),
        new("fc.bias", new[] { 3 }),
    };

    private static IEnumerable<Entry> TinyNetEntries() => new[]
    {
        // Stored in a different order from the spec list, with mixed dtypes.
        F32("fc.bias", new long[] { 3 }, 0.5f, -0.5f, 0f),
        Bits16("bn1.weight", "F16", new long[] { 2 }, 0x3C00, 0x3E00),        // 1, 1.5
        Bits16("bn1.bias", "BF16", new long[] { 2 }, 0xC010, 0x3C00),         // -2.25, 0.0078125
        F32("bn1.running_mean", new long[] { 2 }, 0.1f, 0.2f),
        I64("bn1.num_batches_tracked", Array.Empty<long>(), 4242),
        F32("bn1.running_var", new long[] { 2 }, 1f, 4f),
        F32("conv1.weight", new long[] { 2, 1, 1, 2 }, 1f, 2f, 3f, 4f),
        F32("fc.weight", new long[] { 3, 2 }, 1f, 0f, 0f, 1f, -1f, -1f),
    };

    private static void AssertTinyNetWeights(WeightSet weights)
    {
        Assert.Equal(7, weights.Count);
        Assert.False(weights.Contains("bn1.num_batches_tracked"));
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, weights["conv1.weight"]);
        Assert.Equal(new[] { 1f, 1.5f }, weights["bn1.weight"]);
        Assert.Equal(new[] { -2.25f, 0.0078125f }, weights["bn1.bias"]);
        Assert.Equal(new[] { 1f, 4f }, weights["bn1.running_var"]);
        Assert.Equal(new[] { 1f, 0f, 0f, 1f, -1f, -1f }, weights["fc.weight"]);
        Assert.Equal(new[] { 0.5f, -0.5f, 0f }, weights["fc.bias"]);
    }

    [Fact]
    public void BindsMixedDTypesAndIgnoresNumBatchesTracked()
    {
        using var file = SafetensorsFile.Open(new MemoryStream(Build(TinyNetEntries())), "tiny.safetensors");
        AssertTinyNetWeights(WeightBinder.Bind(file, TinyNet, "TinyNet"));
    }

    [Fact]
    public void BindsFromANonSeekableStreamInFileOrder()
    {
        var stream = new ForwardOnlyStream(new MemoryStream(Build(TinyNetEntries())), maxBytesPerRead: 5);
        using var file = SafetensorsFile.Open(stream, "tiny.safetensors.gz");
        AssertTinyNetWeights(WeightBinder.Bind(file, TinyNet, "TinyNet"));
    }

    [Fact]
    public void AbsentIgnoredTensorIsNotMissing()
    {
        var entries = TinyNetEntries().Where(e => e.Name != "bn1.num_batches_tracked");
        using var file = SafetensorsFile.Open(new MemoryStream(Build(entries)));
        Assert.Equal(7, WeightBinder.Bind(file, TinyNet, "TinyNet").Count);
    }

    [Fact]
    public void EveryMismatchIsReportedInOneException()
    {
        var entries = TinyNetEntries()
            .Where(e => e.Name is not "bn1.running_mean" and not "conv1.weight")                 // 2 missing
            .Select(e => e.Name switch
            {
                "fc.weight" => F32("fc.weight", new long[] { 2, 3 }, 1f, 2f, 3f, 4f, 5f, 6f),        // mis-shaped
                "bn1.running_var" => new Entry("bn1.running_var", "I32", new long[] { 2 }, new byte[8]), // wrong dtype
                _ => e,
            })
            .Append(F32("fc2.weight", new long[] { 1, 2 }, 1f, 2f));                               // unexpected
        using var file = SafetensorsFile.Open(new MemoryStream(Build(entries)), "tiny.safetensors");

        var ex = Assert.Throws<WeightLoadException>(() => WeightBinder.Bind(file, TinyNet, "TinyNet"));

        Assert.Equal(new[]
        {
            "missing tensor 'bn1.running_mean' [2]",
            "missing tensor 'conv1.weight' [2, 1, 1, 2]",
            "tensor 'fc.weight' has shape [2, 3] but TinyNet expects [3, 2]",
            "tensor 'bn1.running_var' has dtype I32; expected F32, F16 or BF16",
            "unexpected tensor 'fc2.weight' [1, 2] (not part of TinyNet)",
        }, ex.Problems);
        Assert.StartsWith("The weight file 'tiny.safetensors' does not match TinyNet: 5 problems.", ex.Message);
        foreach (string problem in ex.Problems) Assert.Contains(problem, ex.Message);
        Assert.Equal("TinyNet", ex.ModelName);
        Assert.Equal("tiny.safetensors", ex.SourceName);
    }

    [Fact]
    public void NaNAndInfinityInWeightsAreReported()
    {
        var entries = TinyNetEntries().Select(e => e.Name switch
        {
            "fc.weight" => F32("fc.weight", new long[] { 3, 2 }, 1f, 0f, float.NaN, 1f, -1f, float.NaN),
            "bn1.running_var" => F32("bn1.running_var", new long[] { 2 }, float.PositiveInfinity, 4f),
            "bn1.weight" => Bits16("bn1.weight", "F16", new long[] { 2 }, 0x3C00, 0xFC00), // F16 -infinity
            _ => e,
        });
        using var file = SafetensorsFile.Open(new MemoryStream(Build(entries)), "nan.safetensors");

        var ex = Assert.Throws<WeightLoadException>(() => WeightBinder.Bind(file, TinyNet, "TinyNet"));

        Assert.Equal(3, ex.Problems.Count);
        Assert.StartsWith("tensor 'bn1.running_var' contains NaN or infinity (1 value, first at flat index 0", ex.Problems[0]);
        Assert.StartsWith("tensor 'bn1.weight' contains NaN or infinity (1 value, first at flat index 1", ex.Problems[1]);
        Assert.StartsWith("tensor 'fc.weight' contains NaN or infinity (2 values, first at flat index 2", ex.Problems[2]);
    }

    [Fact]
    public void UnknownNameInWeightSetThrowsKeyNotFoundNamingIt()
    {
        using var file = SafetensorsFile.Open(new MemoryStream(Build(TinyNetEntries())));
        WeightSet weights = WeightBinder.Bind(file, TinyNet, "TinyNet");
        var ex = Assert.Throws<KeyNotFoundException>(() => weights["layer9.weight"]);
        Assert.Contains("'layer9.weight'", ex.Message);
        Assert.Equal(TinyNet.Where(s => !s.Ignored).Select(s => s.Name).Order(StringComparer.Ordinal), weights.Names);
    }

    [Fact]
    public void InvalidSpecListIsAProgrammingError()
    {
        using var file = SafetensorsFile.Open(new MemoryStream(Build(TinyNetEntries())));
        var duplicate = TinyNet.Append(new WeightSpec("fc.bias", new[] { 3 })).ToArray();
        Assert.Contains("'fc.bias'", Assert.Throws<ArgumentException>(() => WeightBinder.Bind(file, duplicate, "TinyNet")).Message);
        var negative = new[] { new WeightSpec("x", new[] { -1 }) };
        Assert.Throws<ArgumentException>(() => WeightBinder.Bind(file, negative, "TinyNet"));
    }
}
