using System.Buffers.Binary;
using VisionGen.Weights;
using static VisionGen.Tests.Weights.SafetensorsTestWriter;

namespace VisionGen.Tests.Weights;

public class SafetensorsBadInputTests
{
    private static readonly byte[] Eight = F32Bytes(1f, 2f);

    private static byte[] Header(params string[] entries) => BuildRaw("{" + string.Join(",", entries) + "}", Eight);

    private static byte[] Valid() => Build(new[] { F32("a", new long[] { 2 }, 1f, 2f), F32("b.weight", new long[] { 2, 2 }, 1f, 2f, 3f, 4f) });

    private static byte[] WithDeclaredLength(byte[] file, ulong length)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }

    /// <summary>Case name → (file, fragment of the one problem every load path reports).</summary>
    private static readonly Dictionary<string, (Func<byte[]> File, string Fragment)> Cases = new()
    {
        ["empty stream"] = (() => Array.Empty<byte>(), "only 0 bytes long"),
        ["shorter than the length prefix"] = (() => new byte[5], "only 5 bytes long"),
        ["zero header length"] = (() => new byte[16], "header length is 0"),
        ["oversized header length"] = (() => WithDeclaredLength(Valid(), ulong.MaxValue), "larger than the 100000000-byte limit"),
        ["header length just over the limit"] = (() => WithDeclaredLength(Valid(), 100_000_001), "100000001"),
        ["lying header length"] = (() => WithDeclaredLength(Valid(), (ulong)(HeaderLength(Valid()) + 1000)), "the header is truncated: its length is"),
        ["header shorter than declared"] = (() => WithDeclaredLength(Valid(), 20), "not valid JSON"),
        ["bad JSON"] = (() => BuildRaw("{\"a\": {\"dtype\": \"F32\",", Eight), "not valid JSON"),
        ["JSON nested too deep"] = (() => BuildRaw("{\"a\":" + new string('[', 100) + new string(']', 100) + "}", Eight), "not valid JSON"),
        ["JSON array"] = (() => BuildRaw("[1, 2]", Eight), "header is a JSON array, not an object"),
        ["invalid UTF-8"] = (() => BuildRaw(new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, Eight), "not valid UTF-8"),
        ["entry not an object"] = (() => Header("\"w\":[1,2]"), "tensor 'w': the entry is a JSON array"),
        ["missing dtype"] = (() => Header("\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}"), "tensor 'w': the entry has no 'dtype'"),
        ["dtype not a string"] = (() => Header("\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}"), "tensor 'w': 'dtype' is a JSON number"),
        ["missing shape"] = (() => Header("\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}"), "tensor 'w': the entry has no 'shape'"),
        ["missing data_offsets"] = (() => Header("\"w\":{\"dtype\":\"F32\",\"shape\":[2]}"), "tensor 'w': the entry has no 'data_offsets'"),
        ["unknown dtype"] = (() => Header(EntryJson("w", "F33", new long[] { 2 }, 0, 8)), "tensor 'w': unknown or unsupported dtype 'F33'"),
        ["negative dimension"] = (() => Header(EntryJson("w", "F32", new long[] { -2 }, 0, 8)), "tensor 'w': shape dimension 0 is negative (-2)"),
        ["fractional dimension"] = (() => Header("\"w\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}"), "tensor 'w': shape dimension 0 (2.5) is not an integer"),
        ["shape overflows"] = (() => Header(EntryJson("w", "F32", new long[] { 1L << 40, 1L << 40 }, 0, 8)), "tensor 'w': shape [1099511627776,1099511627776] has too many elements"),
        ["offsets reversed"] = (() => Header(EntryJson("w", "F32", new long[] { 2 }, 8, 0)), "tensor 'w': 'data_offsets' [8, 0] ends before it begins"),
        ["three offsets"] = (() => Header("\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}"), "tensor 'w': 'data_offsets' [0,4,8] is not a pair"),
        ["negative offset"] = (() => Header(EntryJson("w", "F32", new long[] { 2 }, -8, 0)), "tensor 'w': 'data_offsets' [-8,0] is not a pair"),
        ["numel disagrees with offsets"] = (() => Header(EntryJson("w", "F32", new long[] { 3 }, 0, 8)), "tensor 'w': 'data_offsets' [0, 8] cover 8 bytes but F32 [3] needs 12 bytes"),
        ["offsets outside the file"] = (() => Header(EntryJson("w", "F32", new long[] { 4 }, 0, 16)), "tensor 'w': 'data_offsets' [0, 16] are outside the file"),
        ["truncated data"] = (() => Valid()[..^3], "tensor 'b.weight': 'data_offsets' [8, 24] are outside the file"),
        ["overlapping tensors"] = (() => Header(EntryJson("p", "F32", new long[] { 1 }, 0, 4), EntryJson("q", "F32", new long[] { 1 }, 2, 6)), "tensors 'p' and 'q' overlap"),
        ["duplicate tensor"] = (() => Header(EntryJson("w", "F32", new long[] { 1 }, 0, 4), EntryJson("w", "F32", new long[] { 1 }, 4, 8)), "tensor 'w' is listed more than once"),
        ["metadata not an object"] = (() => Header("\"__metadata__\":[\"x\"]"), "'__metadata__' is a JSON array"),
        ["offsets far past the end"] = (() => Header(EntryJson("w", "F32", new long[] { 2 }, 1L << 60, (1L << 60) + 8)), "tensor 'w': 'data_offsets' [1152921504606846976, 1152921504606846984] are outside the file"),
        ["offsets near long.MaxValue"] = (() => Header(EntryJson("w", "F32", new long[] { 2 }, long.MaxValue - 8, long.MaxValue)), "tensor 'w': 'data_offsets' [9223372036854775799, 9223372036854775807] lie beyond the largest possible file"),
        ["field given twice"] = (() => Header("\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}"), "tensor 'w': 'dtype' appears more than once"),
        ["too many dimensions"] = (() => Header(EntryJson("w", "F32", Enumerable.Repeat(1L, 65).ToArray(), 0, 4)), "tensor 'w': shape has 65 dimensions; at most 64"),
        ["text after the header object"] = (() => BuildRaw("{} {}", Eight), "not valid JSON"),
        ["metadata value not a string"] = (() => Header("\"__metadata__\":{\"epoch\":3}"), "'__metadata__' entry 'epoch' is a JSON number"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BadFileIsTheSameWeightLoadExceptionOnEveryLoadPath(string caseName)
    {
        var (build, fragment) = Cases[caseName];
        byte[] file = build();

        var seekable = Assert.Throws<WeightLoadException>(() => Load(LoadPath.Seekable, file));
        Assert.StartsWith("The weight file 'case.safetensors' is not a valid safetensors file: 1 problem.", seekable.Message);
        Assert.Contains(fragment, Assert.Single(seekable.Problems));
        // One validation for every load path: the same problem, word for word, whatever the stream can or cannot do.
        foreach (LoadPath path in LoadPaths.All)
        {
            for (int tinyRead = 1; tinyRead <= (path == LoadPath.TinyReads ? 7 : 1); tinyRead++)
            {
                var other = Assert.Throws<WeightLoadException>(() => Load(path, file, tinyRead));
                Assert.Equal(seekable.Message, other.Message);
            }
        }
    }

    [Fact]
    public void OversizedHeaderLengthIsRejectedBeforeAllocating()
    {
        byte[] file = WithDeclaredLength(Valid(), 99_999_999); // under the limit, but far beyond the stream
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<WeightLoadException>(() => SafetensorsFile.Open(new MemoryStream(file)));
        Assert.Throws<WeightLoadException>(() => SafetensorsFile.Open(new MemoryStream(WithDeclaredLength(file, ulong.MaxValue))));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public void EveryHeaderProblemIsCollectedBeforeThrowing()
    {
        byte[] file = BuildRaw("{" + string.Join(",",
            EntryJson("good", "F32", new long[] { 1 }, 0, 4),
            EntryJson("bad.dtype", "Q7", new long[] { 1 }, 4, 8),
            EntryJson("bad.dims", "F32", new long[] { 2, -1 }, 4, 8),
            EntryJson("bad.size", "F32", new long[] { 5 }, 4, 8)) + "}", Eight);

        var ex = Assert.Throws<WeightLoadException>(() => SafetensorsFile.Open(new MemoryStream(file), "multi.safetensors"));
        Assert.Equal(3, ex.Problems.Count);
        Assert.StartsWith("The weight file 'multi.safetensors' is not a valid safetensors file: 3 problems.", ex.Message);
        foreach (string name in new[] { "'bad.dtype'", "'bad.dims'", "'bad.size'" })
            Assert.Contains(name, ex.Message);
        Assert.DoesNotContain("'good'", ex.Message);
        string[] lines = ex.Message.Split('\n');
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public void EveryTruncationOfAValidFileIsAWeightLoadException()
    {
        byte[] file = MixedFile();
        for (int length = 0; length < file.Length; length++)
        {
            byte[] cut = file[..length];
            AssertOnlyWeightLoadException(() => OpenAndReadAll(new MemoryStream(cut)), $"seekable, truncated to {length}", mustThrow: true);
            AssertOnlyWeightLoadException(() => OpenAndReadAll(new ForwardOnlyStream(new MemoryStream(cut), 13)), $"forward-only, truncated to {length}", mustThrow: true);
        }
    }

    [Fact]
    public void RandomHeaderCorruptionOnlyEverYieldsWeightLoadException()
    {
        byte[] file = MixedFile();
        int headerEnd = 8 + HeaderLength(file);
        var random = new Random(20240611);
        int rejected = 0;
        const int Trials = 3000;
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] copy = (byte[])file.Clone();
            int flips = random.Next(1, 4);
            var where = new List<int>();
            for (int f = 0; f < flips; f++)
            {
                int at = random.Next(headerEnd);
                copy[at] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(copy[at] ^ (1 << random.Next(8)));
                where.Add(at);
            }
            string label = $"trial {trial}, bytes changed at {string.Join(",", where)}";
            bool threw = AssertOnlyWeightLoadException(() => OpenAndReadAll(new MemoryStream(copy)), "seekable " + label, mustThrow: false);
            AssertOnlyWeightLoadException(() => OpenAndReadAll(new ForwardOnlyStream(new MemoryStream(copy), 64)), "forward-only " + label, mustThrow: false);
            if (threw) rejected++;
        }
        Assert.InRange(rejected, Trials / 2, Trials); // most corruptions must be caught, none may escape as another exception
    }

    private static byte[] MixedFile() => Build(new[]
    {
        F32("conv1.weight", new long[] { 2, 1, 1, 2 }, 1f, -1f, 0.5f, 2f),
        Bits16("bn1.weight", "F16", new long[] { 2 }, 0x3C00, 0x3E00),
        I64("bn1.num_batches_tracked", Array.Empty<long>(), 7),
        Bits16("fc.weight", "BF16", new long[] { 3 }, 0x3F80, 0xC010, 0x3C00),
    }, new Dictionary<string, string> { ["format"] = "pt" });

    /// <summary>Opens the file along <paramref name="path"/> and reads it as <see cref="OpenAndReadAll"/> does.</summary>
    private static bool Load(LoadPath path, byte[] file, int tinyRead = 3) =>
        LoadPaths.Run(path, file, p => OpenAndReadAll(SafetensorsFile.Open(p)), (s, name) => OpenAndReadAll(SafetensorsFile.Open(s, name)), tinyRead: tinyRead);

    /// <summary>Opens the stream and reads every float tensor in file order, as a loader would.</summary>
    private static void OpenAndReadAll(Stream stream) => OpenAndReadAll(SafetensorsFile.Open(stream, "case.safetensors"));

    /// <summary>Reads every float tensor in file order, as a loader would, then the rest of the data section.</summary>
    private static bool OpenAndReadAll(SafetensorsFile opened)
    {
        using var file = opened;
        foreach (var tensor in file.Tensors.Values.OrderBy(t => t.DataStart).ThenBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!SafetensorsFile.IsFloat32Convertible(tensor.DType) || tensor.ElementCount > 1_000_000) continue;
            file.ReadFloat32(tensor, new float[tensor.ElementCount]);
        }
        file.EnsureComplete();
        return true;
    }

    private static bool AssertOnlyWeightLoadException(Action action, string label, bool mustThrow)
    {
        try
        {
            action();
        }
        catch (WeightLoadException ex)
        {
            Assert.NotEmpty(ex.Problems);
            return true;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{label}: {ex.GetType().Name} escaped instead of WeightLoadException: {ex.Message}");
        }
        if (mustThrow) Assert.Fail($"{label}: a damaged file was accepted");
        return false;
    }
}
