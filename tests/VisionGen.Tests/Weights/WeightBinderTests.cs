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

    /// <summary>The TinyNet spec list stating one read of each of <paramref name="names"/> (a count states every read, so the others state none).</summary>
    private static WeightSpec[] TinyNetReadOnce(params string[] names) => TinyNet.Select(s => names.Contains(s.Name) ? s with { Reads = 1 } : s).ToArray();

    [Fact]
    public void StreamedLoadHandsEachTensorOutAndChecksTheRestAfterwards()
    {
        foreach (LoadPath path in LoadPaths.All)
        {
            WeightSet? seen = null;
            string result = LoadPaths.Run(path, Build(TinyNetEntries()),
                p => { using var f = SafetensorsFile.Open(p); return Load(f); },
                (stream, name) => { using var f = SafetensorsFile.Open(stream, name); return Load(f); });
            Assert.Equal("built", result);

            string Load(SafetensorsFile file) => WeightBinder.Load(file, TinyNetReadOnce("fc.weight", "conv1.weight", "bn1.bias"), "TinyNet", weights =>
            {
                seen = weights;
                Assert.Equal(7, weights.Count);
                Assert.False(weights.Contains("bn1.num_batches_tracked"));
                // Asked for in another order than the file's (fc.bias comes first there): a forward-only stream keeps what it passes.
                Assert.Equal(new[] { 1f, 0f, 0f, 1f, -1f, -1f }, weights["fc.weight"]);
                Assert.Equal(new[] { 1f, 2f, 3f, 4f }, weights["conv1.weight"]);
                Assert.Equal(new[] { -2.25f, 0.0078125f }, weights["bn1.bias"]);
                // Read once each, as the table states: a second read is the generated code's bug, on every path alike.
                Assert.Contains("'fc.weight' is read more often", Assert.Throws<InvalidOperationException>(() => weights["fc.weight"]).Message);
                return "built";
            });
        }
    }

    [Fact]
    public void AReadTheTableStatesButTheConstructorNeverMakesIsAProgrammingError()
    {
        // Generated tables state every read: one the constructor does not make means the two disagree, on every path alike.
        foreach (LoadPath path in LoadPaths.All)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => LoadPaths.Run(path, Build(TinyNetEntries()),
                p => { using var f = SafetensorsFile.Open(p); return Load(f); },
                (stream, name) => { using var f = SafetensorsFile.Open(stream, name); return Load(f); }));
            Assert.Equal("Tensor 'bn1.running_var' was read 1 time(s) fewer than its WeightSpec.Reads states; the generated model and its weight table disagree.", ex.Message);

            Disposable Load(SafetensorsFile file) => WeightBinder.Load(file, TinyNetReadOnce("fc.weight", "bn1.running_var"), "TinyNet", weights =>
            {
                _ = weights["fc.weight"];
                return new Disposable();
            });
        }
    }

    [Fact]
    public void StreamedLoadRejectsNaNInATensorTheConstructorNeverRead()
    {
        var entries = TinyNetEntries().Select(e => e.Name == "bn1.running_mean" ? F32(e.Name, new long[] { 2 }, 0f, float.NaN) : e);
        foreach (LoadPath path in LoadPaths.All)
        {
            bool built = false;
            var ex = Assert.Throws<WeightLoadException>(() => LoadPaths.Run(path, Build(entries),
                p => { using var f = SafetensorsFile.Open(p); return Load(f); },
                (stream, name) => { using var f = SafetensorsFile.Open(stream, name); return Load(f); }));
            Assert.True(built);
            Assert.Equal("tensor 'bn1.running_mean' contains NaN or infinity (1 value, first at flat index 1: NaN)", Assert.Single(ex.Problems));

            Disposable Load(SafetensorsFile file) => WeightBinder.Load(file, TinyNetReadOnce("fc.weight"), "TinyNet", weights =>
            {
                _ = weights["fc.weight"];
                built = true;
                return new Disposable();
            });
        }
    }

    private sealed class Disposable : IDisposable
    {
        public void Dispose() { }
    }

    [Fact]
    public void SharedTensorIsReadAsOftenAsItsSpecSaysThenDropped()
    {
        // SharedConvNet applies convolution 'c' twice, each time with another batch norm folded in: 'c.weight' and 'c.bias' are read twice.
        byte[] file = Build(RandomEntries(ModelLoads.Specs<SharedConvNet>(), seed: 5));
        float[] reference = ModelLoads.Try(() => ModelLoads.Bound<SharedConvNet>(LoadPath.File, file)).Output;
        Assert.NotEmpty(reference);
        WeightSpec[] counted = ModelLoads.Specs<SharedConvNet>().Select(s => s.Ignored ? s : s with { Reads = s.Name.StartsWith("c.", StringComparison.Ordinal) ? 2 : 1 }).ToArray();
        WeightSpec[] undercounted = counted.Select(s => s.Ignored ? s : s with { Reads = 1 }).ToArray();
        foreach (LoadPath path in LoadPaths.All)
        {
            Assert.Equal(reference, ModelLoads.Try(() => ModelLoads.Streamed<SharedConvNet>(path, file)).Output);           // no counts: kept
            Assert.Equal(reference, ModelLoads.Try(() => ModelLoads.Streamed<SharedConvNet>(path, file, counted)).Output);  // dropped after the 2nd
            var ex = Assert.Throws<InvalidOperationException>(() => ModelLoads.Streamed<SharedConvNet>(path, file, undercounted));
            Assert.Matches("^Tensor 'c\\.(weight|bias)' is read more often than its WeightSpec.Reads states", ex.Message);
        }
    }

    [Fact]
    public void IgnoredTensorOutsideTheFileIsRejectedOnEveryPath()
    {
        // num_batches_tracked is never read, but its data_offsets must still lie inside the file: stored last and cut off,
        // loading by path and from a forward-only stream report the same problem.
        List<Entry> entries = RandomEntries(ModelLoads.Specs<FoldedWeightsNet>(), seed: 2);
        entries = entries.Where(e => !e.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            .Append(I64("bn1.num_batches_tracked", [], 12)).ToList();
        byte[] file = Build(entries)[..^8];
        foreach (LoadPath path in LoadPaths.All)
        {
            foreach (var load in new Func<FoldedWeightsNet>[] { () => ModelLoads.Generated<FoldedWeightsNet>(path, file), () => ModelLoads.Bound<FoldedWeightsNet>(path, file) })
            {
                var ex = Assert.Throws<WeightLoadException>(load);
                Assert.Null(ex.ModelName); // a malformed file, whichever model reads it
                Assert.Matches(@"^tensor 'bn1\.num_batches_tracked': 'data_offsets' \[\d+, \d+\] are outside the file: the data section has only \d+ bytes \(truncated file\?\)$",
                    Assert.Single(ex.Problems));
            }
        }
    }

    [Fact]
    public void DataOffsetsNearLongMaxValueAreTheSameWeightLoadExceptionOnEveryPath()
    {
        // Before: a forward-only stream wrapped DataStart to a negative position and threw InvalidOperationException.
        List<HeaderEntry> header = Layout(RandomEntries(ModelLoads.Specs<FoldedWeightsNet>(), seed: 2), out byte[] data);
        int fc = header.FindIndex(h => h.Name == "fc.bias");
        header[fc] = header[fc] with { Begin = long.MaxValue - 12, End = long.MaxValue };
        byte[] file = BuildFrom(header, data);
        foreach (LoadPath path in LoadPaths.All)
        {
            for (int tinyRead = 1; tinyRead <= (path == LoadPath.TinyReads ? 7 : 1); tinyRead++)
            {
                foreach (var load in new Func<FoldedWeightsNet>[] { () => ModelLoads.Generated<FoldedWeightsNet>(path, file, tinyRead), () => ModelLoads.Bound<FoldedWeightsNet>(path, file, tinyRead) })
                {
                    var ex = Assert.Throws<WeightLoadException>(load);
                    Assert.Equal("tensor 'fc.bias': 'data_offsets' [9223372036854775795, 9223372036854775807] lie beyond the largest possible file", Assert.Single(ex.Problems));
                }
            }
        }
    }

    [Fact]
    public void NegativeReadCountIsAProgrammingError()
    {
        using var file = SafetensorsFile.Open(new MemoryStream(Build(TinyNetEntries())));
        var negative = TinyNet.Select(s => s.Name == "fc.bias" ? s with { Reads = -1 } : s).ToArray();
        Assert.Contains("'fc.bias'", Assert.Throws<ArgumentException>(() => WeightBinder.Load(file, negative, "TinyNet", w => 0)).Message);
    }
}
