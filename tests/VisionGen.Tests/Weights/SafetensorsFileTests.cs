using VisionGen.Weights;
using static VisionGen.Tests.Weights.SafetensorsTestWriter;

namespace VisionGen.Tests.Weights;

public class SafetensorsFileTests
{
    private static SafetensorsFile OpenBytes(byte[] file, bool forwardOnly = false, int maxBytesPerRead = int.MaxValue) =>
        SafetensorsFile.Open(forwardOnly ? new ForwardOnlyStream(new MemoryStream(file), maxBytesPerRead) : new MemoryStream(file), "test.safetensors");

    private static float[] Read(SafetensorsFile file, string name)
    {
        var tensor = file.Tensors[name];
        var values = new float[tensor.ElementCount];
        file.ReadFloat32(tensor, values);
        return values;
    }

    [Fact]
    public void F32RoundTripKeepsValuesShapesAndOffsets()
    {
        byte[] bytes = Build(new[]
        {
            F32("conv.weight", new long[] { 2, 3 }, 1f, -2f, 3.5f, float.Epsilon, -0f, 1e30f),
            F32("conv.bias", new long[] { 2 }, 0.25f, -0.125f),
        });
        using var file = OpenBytes(bytes);

        Assert.Equal(2, file.Tensors.Count);
        var weight = file.Tensors["conv.weight"];
        Assert.Equal("F32", weight.DType);
        Assert.Equal(new long[] { 2, 3 }, weight.Shape);
        Assert.Equal(6, weight.ElementCount);
        Assert.Equal(24, weight.ByteLength);
        long dataBase = 8 + HeaderLength(bytes);
        Assert.Equal(dataBase, weight.DataStart);
        Assert.Equal(dataBase + 24, file.Tensors["conv.bias"].DataStart);

        // Read out of file order: fine on a seekable stream.
        Assert.Equal(new[] { 0.25f, -0.125f }, Read(file, "conv.bias"));
        float[] w = Read(file, "conv.weight");
        Assert.Equal(new[] { 1f, -2f, 3.5f, float.Epsilon, 0f, 1e30f }, w);
        Assert.True(float.IsNegative(w[4]), "-0 keeps its sign");
    }

    [Fact]
    public void F16ConvertsExactlyRepresentableValues()
    {
        // IEEE half bit patterns worked out by hand: sign | 5-bit exponent (bias 15) | 10-bit mantissa.
        ushort[] bits = { 0x3E00, 0xC080, 0x2000, 0x0000, 0x7BFF, 0x0001, 0x3C00 };
        float[] expected = { 1.5f, -2.25f, 0.0078125f, 0f, 65504f, 5.9604645e-8f /* 2^-24 */, 1f };
        using var file = OpenBytes(Build(new[] { Bits16("h", "F16", new long[] { 7 }, bits) }));
        Assert.Equal(expected, Read(file, "h"));
    }

    [Fact]
    public void BF16ConvertsExactlyRepresentableValues()
    {
        // bfloat16 is the upper half of a float32: 1.5f = 0x3FC00000, -2.25f = 0xC0100000, 2^-7 = 0x3C000000.
        ushort[] bits = { 0x3FC0, 0xC010, 0x3C00, 0x3F80, 0x8000, 0x4049 };
        float[] expected = { 1.5f, -2.25f, 0.0078125f, 1f, -0f, 3.140625f };
        using var file = OpenBytes(Build(new[] { Bits16("b", "BF16", new long[] { 2, 3 }, bits) }));
        float[] actual = Read(file, "b");
        Assert.Equal(expected, actual);
        Assert.True(float.IsNegative(actual[4]));
    }

    [Fact]
    public void LargeTensorsAreReadInChunksFromSeekableAndShortReadingForwardOnlyStreams()
    {
        // Larger than the 64 KiB read buffer, odd lengths, so chunk boundaries fall mid-tensor.
        float[] big = Enumerable.Range(0, 40_001).Select(i => (float)(i - 20_000)).ToArray();
        ushort[] halfBits = Enumerable.Range(0, 70_001).Select(i => BitConverter.HalfToUInt16Bits((Half)(i % 2048))).ToArray();
        byte[] bytes = Build(new[]
        {
            F32("big", new long[] { 40_001 }, big),
            Bits16("half", "F16", new long[] { 70_001 }, halfBits),
        });

        foreach (bool forwardOnly in new[] { false, true })
        {
            using var file = OpenBytes(bytes, forwardOnly, maxBytesPerRead: 1000);
            Assert.Equal(big, Read(file, "big"));
            float[] half = Read(file, "half");
            for (int i = 0; i < half.Length; i++) Assert.Equal(i % 2048, half[i]);
        }
    }

    [Fact]
    public void ScalarsEmptyTensorsAndMetadataAreSupported()
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "quote \" inside" };
        byte[] bytes = Build(new[]
        {
            F32("scalar", Array.Empty<long>(), 42f),
            new Entry("empty", "F32", new long[] { 0, 3 }, Array.Empty<byte>()),
            I64("bn.num_batches_tracked", Array.Empty<long>(), 12345),
        }, metadata);
        using var file = OpenBytes(bytes);

        Assert.Equal(metadata, file.Metadata);
        Assert.Equal(1, file.Tensors["scalar"].ElementCount);
        Assert.Empty(file.Tensors["scalar"].Shape);
        Assert.Equal(new[] { 42f }, Read(file, "scalar"));
        Assert.Equal(0, file.Tensors["empty"].ElementCount);
        Assert.Empty(Read(file, "empty"));
        Assert.Equal("I64", file.Tensors["bn.num_batches_tracked"].DType);
        Assert.Equal(8, file.Tensors["bn.num_batches_tracked"].ByteLength);
    }

    [Fact]
    public void FileMayStartInTheMiddleOfASeekableStream()
    {
        byte[] inner = Build(new[] { F32("w", new long[] { 2 }, 7f, 8f) });
        var stream = new MemoryStream();
        stream.Write(new byte[] { 1, 2, 3, 4, 5 });
        stream.Write(inner);
        stream.Position = 5;
        using var file = SafetensorsFile.Open(stream);
        Assert.Equal(5 + 8 + HeaderLength(inner), file.Tensors["w"].DataStart);
        Assert.Equal(new[] { 7f, 8f }, Read(file, "w"));
    }

    [Fact]
    public void WrongDestinationLengthIsAnArgumentException()
    {
        using var file = OpenBytes(Build(new[] { F32("w", new long[] { 3 }, 1f, 2f, 3f) }));
        var ex = Assert.Throws<ArgumentException>(() => file.ReadFloat32(file.Tensors["w"], new float[2]));
        Assert.Contains("'w'", ex.Message);
        Assert.Throws<ArgumentException>(() => file.ReadFloat32(file.Tensors["w"], new float[4]));
    }

    [Fact]
    public void ReadingANonFloatDTypeIsAWeightLoadException()
    {
        using var file = OpenBytes(Build(new[] { I64("steps", new long[] { 1 }, 5) }));
        var ex = Assert.Throws<WeightLoadException>(() => file.ReadFloat32(file.Tensors["steps"], new float[1]));
        Assert.Contains("tensor 'steps' has dtype I64", ex.Message);
    }

    [Fact]
    public void ForwardOnlyStreamReadsAscendingAndRefusesToGoBack()
    {
        byte[] bytes = Build(new[]
        {
            F32("a", new long[] { 1 }, 1f),
            I64("skipped", new long[] { 2 }, 1, 2),
            F32("c", new long[] { 1 }, 3f),
        });
        using var file = OpenBytes(bytes, forwardOnly: true);
        Assert.False(file.CanReadInAnyOrder);
        Assert.Equal(new[] { 3f }, Read(file, "c")); // skips forward over 'a' and 'skipped'
        var ex = Assert.Throws<InvalidOperationException>(() => Read(file, "a"));
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("ascending", ex.Message);
    }

    [Fact]
    public void DataTruncatedAfterTheHeaderIsReportedWhenReadingAForwardOnlyStream()
    {
        byte[] bytes = Build(new[] { F32("a", new long[] { 2 }, 1f, 2f), F32("last.weight", new long[] { 4 }, 1f, 2f, 3f, 4f) });
        byte[] cut = bytes[..^5];
        using var file = OpenBytes(cut, forwardOnly: true); // a forward-only stream cannot know its length up front
        Assert.Equal(new[] { 1f, 2f }, Read(file, "a"));
        var ex = Assert.Throws<WeightLoadException>(() => Read(file, "last.weight"));
        // The same problem loading by path reports (see SafetensorsBadInputTests), found when the stream ends.
        Assert.Equal("tensor 'last.weight': 'data_offsets' [8, 24] are outside the file: the data section has only 19 bytes (truncated file?)", Assert.Single(ex.Problems));
        Assert.Contains("test.safetensors", ex.Message);
    }

    [Fact]
    public void StreamIsDisposedUnlessLeftOpenAndAlsoWhenOpenFails()
    {
        byte[] bytes = Build(new[] { F32("w", new long[] { 1 }, 1f) });

        var owned = new ForwardOnlyStream(new MemoryStream(bytes));
        SafetensorsFile.Open(owned).Dispose();
        Assert.True(owned.Disposed);

        var kept = new ForwardOnlyStream(new MemoryStream(bytes));
        SafetensorsFile.Open(kept, leaveOpen: true).Dispose();
        Assert.False(kept.Disposed);

        var failing = new ForwardOnlyStream(new MemoryStream(new byte[3]));
        Assert.Throws<WeightLoadException>(() => SafetensorsFile.Open(failing));
        Assert.True(failing.Disposed);

        var disposedFile = SafetensorsFile.Open(new MemoryStream(bytes));
        disposedFile.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposedFile.ReadFloat32(disposedFile.Tensors["w"], new float[1]));
    }

    [Fact]
    public void OpenFromPathNamesTheFileInErrors()
    {
        string path = Path.Combine(Path.GetTempPath(), $"visiongen-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, Build(new[] { F32("w", new long[] { 2 }, 1f, 2f) }));
            using (var file = SafetensorsFile.Open(path))
                Assert.Equal(new[] { 1f, 2f }, Read(file, "w"));

            File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
            var ex = Assert.Throws<WeightLoadException>(() => SafetensorsFile.Open(path));
            Assert.StartsWith($"The weight file '{Path.GetFileName(path)}' is not a valid safetensors file: 1 problem.", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ValidHeaderNearTheLimitIsReadAtItsDeclaredSize()
    {
        // A valid file whose header JSON is followed by spaces (as the reference writer pads) up to just under the 100 MB
        // limit. Before, the header buffer grew by doubling and the JSON went through a DOM: 368 MB for this file.
        const int Length = 99_999_992;
        byte[] header = new byte[Length];
        header.AsSpan().Fill((byte)' ');
        System.Text.Encoding.UTF8.GetBytes("{" + EntryJson("w", "F32", new long[] { 2 }, 0, 8) + "}").CopyTo(header, 0);
        byte[] bytes = BuildRaw(header, F32Bytes(7f, 8f));
        Assert.Equal(Length, HeaderLength(bytes));

        foreach (LoadPath path in new[] { LoadPath.File, LoadPath.Seekable, LoadPath.ForwardOnly })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            float[] values = LoadPaths.Run(path, bytes, p => ReadW(SafetensorsFile.Open(p)), (s, name) => ReadW(SafetensorsFile.Open(s, name)));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(new[] { 7f, 8f }, values);
            Assert.InRange(allocated, Length, Length + 1_000_000);
        }

        static float[] ReadW(SafetensorsFile opened)
        {
            using var file = opened;
            Assert.Equal(Length, file.HeaderLength);
            return Read(file, "w");
        }
    }
}
