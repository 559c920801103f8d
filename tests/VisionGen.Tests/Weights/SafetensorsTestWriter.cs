using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VisionGen.Tests.Weights;

/// <summary>
/// Test-only safetensors writer: builds files in memory, valid ones from (name, dtype, shape, bytes)
/// and deliberately broken ones from a hand-written header.
/// </summary>
internal static class SafetensorsTestWriter
{
    internal sealed record Entry(string Name, string DType, long[] Shape, byte[] Data);

    public static Entry F32(string name, long[] shape, params float[] values) => new(name, "F32", shape, F32Bytes(values));

    /// <summary>F16 or BF16 entry from raw 16-bit patterns.</summary>
    public static Entry Bits16(string name, string dtype, long[] shape, params ushort[] bits) => new(name, dtype, shape, U16Bytes(bits));

    public static Entry I64(string name, long[] shape, params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
        return new(name, "I64", shape, bytes);
    }

    public static byte[] F32Bytes(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    public static byte[] U16Bytes(params ushort[] bits)
    {
        var bytes = new byte[bits.Length * 2];
        for (int i = 0; i < bits.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), bits[i]);
        return bytes;
    }

    /// <summary>
    /// Random F32 weights of the declared shapes, in the order of the specs: batch-norm variances in [0.5, 1.5), other
    /// values in [−0.1, 0.1); the ignored counters as I64 scalars.
    /// </summary>
    public static List<Entry> RandomEntries(IReadOnlyList<VisionGen.Weights.WeightSpec> specs, int seed)
    {
        var random = new Random(seed);
        var entries = new List<Entry>();
        foreach (VisionGen.Weights.WeightSpec spec in specs)
        {
            long[] shape = spec.Shape.Select(d => (long)d).ToArray();
            // Ignored counters as I64; other ignored tensors (auxiliary classifiers) are float tensors the model never reads.
            if (spec.Ignored && spec.Name.EndsWith(VisionGen.Ops.WeightNames.NumBatchesTracked, StringComparison.Ordinal))
            {
                entries.Add(I64(spec.Name, shape, 0));
                continue;
            }
            var values = new float[spec.Shape.Aggregate(1, (a, d) => a * d)];
            bool variance = spec.Name.EndsWith(VisionGen.Ops.WeightNames.RunningVar, StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++) values[i] = variance ? 0.5f + (float)random.NextDouble() : (float)(random.NextDouble() - 0.5) * 0.2f;
            entries.Add(F32(spec.Name, shape, values));
        }
        return entries;
    }

    /// <summary>A valid file: entries' data laid out back to back in the given order.</summary>
    public static byte[] Build(IEnumerable<Entry> entries, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = entries.ToList();
        var data = new MemoryStream();
        var json = new StringBuilder("{");
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":{");
            json.Append(string.Join(",", metadata.Select(kv => $"{Quote(kv.Key)}:{Quote(kv.Value)}")));
            json.Append('}');
            if (list.Count > 0) json.Append(',');
        }
        for (int i = 0; i < list.Count; i++)
        {
            Entry e = list[i];
            long begin = data.Length;
            data.Write(e.Data);
            if (i > 0) json.Append(',');
            json.Append(EntryJson(e.Name, e.DType, e.Shape, begin, data.Length));
        }
        json.Append('}');
        return BuildRaw(json.ToString(), data.ToArray());
    }

    /// <summary>One header entry as written: a test may change any field before <see cref="BuildFrom"/>.</summary>
    internal sealed record HeaderEntry(string Name, string DType, long[] Shape, long Begin, long End);

    /// <summary>The header entries <see cref="Build"/> would write for <paramref name="entries"/>, and the data section.</summary>
    public static List<HeaderEntry> Layout(IEnumerable<Entry> entries, out byte[] data)
    {
        var list = new List<HeaderEntry>();
        var bytes = new MemoryStream();
        foreach (Entry e in entries)
        {
            long begin = bytes.Length;
            bytes.Write(e.Data);
            list.Add(new HeaderEntry(e.Name, e.DType, e.Shape, begin, bytes.Length));
        }
        data = bytes.ToArray();
        return list;
    }

    /// <summary>A file from header entries (in their order) and a data section, as <see cref="Build"/> writes it.</summary>
    public static byte[] BuildFrom(IEnumerable<HeaderEntry> header, byte[] data, string extraJson = "") =>
        BuildRaw("{" + string.Join(",", header.Select(h => EntryJson(h.Name, h.DType, h.Shape, h.Begin, h.End))) + extraJson + "}", data);

    /// <summary><c>"name":{"dtype":…,"shape":[…],"data_offsets":[b,e]}</c></summary>
    public static string EntryJson(string name, string dtype, long[] shape, long begin, long end) =>
        $"{Quote(name)}:{{\"dtype\":{Quote(dtype)},\"shape\":[{string.Join(",", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}],\"data_offsets\":[{begin},{end}]}}";

    /// <summary>A file from a hand-written header, padded with spaces to 8 bytes as the reference writer does.</summary>
    public static byte[] BuildRaw(string headerJson, byte[] data, ulong? declaredHeaderLength = null) =>
        BuildRaw(Encoding.UTF8.GetBytes(headerJson), data, declaredHeaderLength);

    public static byte[] BuildRaw(byte[] header, byte[] data, ulong? declaredHeaderLength = null)
    {
        int padded = (header.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    /// <summary>The header length a file declares.</summary>
    public static int HeaderLength(byte[] file) => checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

/// <summary>A read-only, non-seekable view of another stream (like a GZip or network stream), optionally returning short reads.</summary>
internal sealed class ForwardOnlyStream(Stream inner, int maxBytesPerRead = int.MaxValue) : Stream
{
    public bool Disposed { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxBytesPerRead));
    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, maxBytesPerRead)]);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }
    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}

/// <summary>The ways a weight file reaches the loader; every one must accept and reject exactly the same files.</summary>
internal enum LoadPath
{
    /// <summary>A file on disk, opened by path.</summary>
    File,

    /// <summary>A seekable stream (a MemoryStream).</summary>
    Seekable,

    /// <summary>A forward-only stream that fills every read (like a GZip stream).</summary>
    ForwardOnly,

    /// <summary>A forward-only stream returning 1 to 7 bytes per read (like a slow network stream).</summary>
    TinyReads,
}

internal static class LoadPaths
{
    public static readonly LoadPath[] All = Enum.GetValues<LoadPath>();

    // One scratch folder per test thread, its files rewritten for each load (creating and deleting files costs
    // milliseconds here; the fuzz test loads thousands of files by path), removed when the test process exits.
    [ThreadStatic]
    private static string? t_folder;
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> Folders = CreateBag();

    private static System.Collections.Concurrent.ConcurrentBag<string> CreateBag()
    {
        var bag = new System.Collections.Concurrent.ConcurrentBag<string>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (string folder in bag)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        };
        return bag;
    }

    private static string Folder()
    {
        if (t_folder is null)
        {
            t_folder = Directory.CreateTempSubdirectory("visiongen-loads-").FullName;
            Folders.Add(t_folder);
        }
        return t_folder;
    }

    public static TheoryData<LoadPath> Data => new(All);

    /// <summary>
    /// Loads <paramref name="file"/> along <paramref name="path"/>: by path from a file named <paramref name="fileName"/> in
    /// a scratch folder of the test thread, else from a stream whose source name is <paramref name="fileName"/>.
    /// <paramref name="tinyRead"/> (1–7) is the bytes per read of <see cref="LoadPath.TinyReads"/>.
    /// </summary>
    public static T Run<T>(LoadPath path, byte[] file, Func<string, T> byPath, Func<Stream, string, T> byStream,
        string fileName = "case.safetensors", int tinyRead = 3)
    {
        switch (path)
        {
            case LoadPath.File:
                // Rewritten in place: truncating a file to zero and writing it again makes ext4 flush it on close
                // (auto_da_alloc), milliseconds per file.
                string full = Path.Combine(Folder(), fileName);
                using (var handle = File.OpenHandle(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read))
                {
                    RandomAccess.Write(handle, file, 0);
                    RandomAccess.SetLength(handle, file.Length);
                }
                return byPath(full);
            case LoadPath.Seekable:
                return byStream(new MemoryStream(file, writable: false), fileName);
            case LoadPath.ForwardOnly:
                return byStream(new ForwardOnlyStream(new MemoryStream(file, writable: false)), fileName);
            default:
                return byStream(new ForwardOnlyStream(new MemoryStream(file, writable: false), tinyRead), fileName);
        }
    }
}
