using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace VisionGen.Weights;

/// <summary>
/// A safetensors file opened over a stream: the header is read and validated by <see cref="Open(Stream, string, bool)"/>,
/// tensor data is read on demand with <see cref="ReadFloat32"/> through one small reusable buffer, so the
/// file is never held in memory. Seekable streams can be read in any order; non-seekable streams
/// (a GZip or network stream) must be read in ascending <see cref="SafetensorsTensor.DataStart"/> order.
/// Not thread-safe.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The largest header length accepted (100 MB); a larger value means a corrupt or foreign file.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private const int ChunkBytes = 64 * 1024;
    private const string MetadataKey = "__metadata__";
    private const long MaxElements = long.MaxValue / 16; // so that elements × dtype size cannot overflow

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _seekable;
    private readonly Dictionary<string, SafetensorsTensor> _tensors;
    private long _position; // non-seekable streams: bytes consumed since Open
    private byte[]? _buffer;
    private bool _disposed;

    private SafetensorsFile(Stream stream, bool leaveOpen, string sourceName, long headerLength, long position,
        Dictionary<string, SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _seekable = stream.CanSeek;
        _position = position;
        _tensors = tensors;
        SourceName = sourceName;
        HeaderLength = headerLength;
        Metadata = metadata;
    }

    /// <summary>The name used in error messages (usually the file name).</summary>
    public string SourceName { get; }

    /// <summary>The length in bytes of the JSON header (the value of the first 8 bytes).</summary>
    public long HeaderLength { get; }

    /// <summary>Every tensor in the file, by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors => _tensors;

    /// <summary>The optional <c>__metadata__</c> string map of the header; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>True when tensors can be read in any order (the stream is seekable).</summary>
    public bool CanReadInAnyOrder => _seekable;

    /// <summary>Opens a safetensors file from disk; the error messages name the file.</summary>
    /// <param name="path">The path of the <c>.safetensors</c> file.</param>
    /// <exception cref="WeightLoadException">The file is not a valid safetensors file.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Open(stream, Path.GetFileName(path), leaveOpen: false);
    }

    /// <summary>
    /// Reads and validates the header of a safetensors file that starts at the stream's current position.
    /// Every problem in the header is collected and reported together.
    /// </summary>
    /// <param name="stream">A readable stream, seekable or not.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <param name="leaveOpen">When false (default), the stream is disposed with this object, or at once if opening fails.</param>
    /// <exception cref="WeightLoadException">The header is truncated, malformed or inconsistent.</exception>
    public static SafetensorsFile Open(Stream stream, string sourceName = "stream", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        sourceName ??= "stream";
        if (!stream.CanRead) throw new ArgumentException("The stream must be readable.", nameof(stream));
        try
        {
            return OpenCore(stream, sourceName, leaveOpen);
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    private static SafetensorsFile OpenCore(Stream stream, string source, bool leaveOpen)
    {
        bool seekable = stream.CanSeek;
        long origin = seekable ? stream.Position : 0;
        long available = seekable ? Math.Max(0, stream.Length - origin) : -1;

        Span<byte> prefix = stackalloc byte[8];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < 8)
            throw new WeightLoadException(source, $"the file is only {got} bytes long; a safetensors file starts with an 8-byte header length");

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared == 0)
            throw new WeightLoadException(source, "the header length is 0; a safetensors header is a non-empty JSON object");
        if (declared > MaxHeaderLength)
            throw new WeightLoadException(source, $"the header length {declared} is larger than the {MaxHeaderLength}-byte limit (corrupt file, or not a safetensors file)");
        long headerLength = (long)declared;
        if (seekable && headerLength > available - 8)
            throw new WeightLoadException(source, $"the header length {headerLength} is larger than the rest of the file ({available - 8} bytes): the header is truncated or its length is wrong");

        byte[] header = ReadHeader(stream, headerLength, out long headerRead);
        if (headerRead < headerLength)
            throw new WeightLoadException(source, $"the header is truncated: expected {headerLength} bytes, the stream ended after {headerRead}");

        long dataLength = seekable ? available - 8 - headerLength : -1;
        long dataBase = origin + 8 + headerLength;
        var problems = new List<string>();
        var tensors = new Dictionary<string, SafetensorsTensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var offsets = new List<(long Begin, long End, string Name)>();
        ParseHeader(header, dataBase, dataLength, tensors, metadata, offsets, problems);
        CheckOverlaps(offsets, problems);
        if (problems.Count > 0) throw WeightLoadException.Malformed(source, problems);

        return new SafetensorsFile(stream, leaveOpen, source, headerLength, 8 + headerLength, tensors, metadata);
    }

    // Grows the buffer as bytes arrive, so a lying length on a short non-seekable stream does not
    // allocate the full declared size up front.
    private static byte[] ReadHeader(Stream stream, long length, out long filled)
    {
        byte[] header = new byte[Math.Min(length, 1 << 20)];
        int count = 0;
        while (count < length)
        {
            if (count == header.Length) Array.Resize(ref header, (int)Math.Min(length, (long)header.Length * 2));
            int got = stream.Read(header, count, header.Length - count);
            if (got <= 0) break;
            count += got;
        }
        filled = count;
        return header;
    }

    private static void ParseHeader(byte[] header, long dataBase, long dataLength, Dictionary<string, SafetensorsTensor> tensors,
        Dictionary<string, string> metadata, List<(long, long, string)> offsets, List<string> problems)
    {
        if (!Utf8.IsValid(header))
        {
            problems.Add("the header is not valid UTF-8 text");
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            problems.Add($"the header is not valid JSON: {e.Message}");
            return;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"the header is a JSON {Describe(root.ValueKind)}, not an object of tensor entries");
                return;
            }

            bool sawMetadata = false;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                string name = property.Name;
                if (name == MetadataKey)
                {
                    if (sawMetadata) problems.Add("'__metadata__' appears more than once in the header");
                    else ParseMetadata(property.Value, metadata, problems);
                    sawMetadata = true;
                    continue;
                }
                if (!seen.Add(name))
                {
                    problems.Add($"tensor '{name}' is listed more than once in the header");
                    continue;
                }
                SafetensorsTensor? tensor = ParseEntry(name, property.Value, dataBase, dataLength, problems, out long begin, out long end);
                if (tensor is not null)
                {
                    tensors.Add(name, tensor);
                    offsets.Add((begin, end, name));
                }
            }
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"'__metadata__' is a JSON {Describe(value.ValueKind)}, not an object of strings");
            return;
        }
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                problems.Add($"'__metadata__' entry '{entry.Name}' is a JSON {Describe(entry.Value.ValueKind)}, not a string");
            else
                metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafetensorsTensor? ParseEntry(string name, JsonElement entry, long dataBase, long dataLength,
        List<string> problems, out long begin, out long end)
    {
        begin = end = 0;
        string what = $"tensor '{name}'";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{what}: the entry is a JSON {Describe(entry.ValueKind)}, not an object with dtype, shape and data_offsets");
            return null;
        }

        bool ok = true;

        // dtype
        string? dtype = null;
        int elementSize = 0;
        if (!entry.TryGetProperty("dtype", out JsonElement dtypeElement))
        {
            problems.Add($"{what}: the entry has no 'dtype'");
            ok = false;
        }
        else if (dtypeElement.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{what}: 'dtype' is a JSON {Describe(dtypeElement.ValueKind)}, not a string");
            ok = false;
        }
        else
        {
            dtype = dtypeElement.GetString()!;
            elementSize = DTypeSize(dtype);
            if (elementSize == 0)
            {
                problems.Add($"{what}: unknown or unsupported dtype '{dtype}'");
                ok = false;
            }
        }

        // shape
        long[]? shape = null;
        long elementCount = 1;
        if (!entry.TryGetProperty("shape", out JsonElement shapeElement))
        {
            problems.Add($"{what}: the entry has no 'shape'");
            ok = false;
        }
        else if (shapeElement.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{what}: 'shape' is a JSON {Describe(shapeElement.ValueKind)}, not an array of dimensions");
            ok = false;
        }
        else
        {
            shape = new long[shapeElement.GetArrayLength()];
            int i = 0;
            bool overflow = false, hasZero = false;
            foreach (JsonElement dim in shapeElement.EnumerateArray())
            {
                if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long value))
                {
                    problems.Add($"{what}: shape dimension {i} ({Raw(dim)}) is not an integer");
                    ok = false;
                }
                else if (value < 0)
                {
                    problems.Add($"{what}: shape dimension {i} is negative ({value})");
                    ok = false;
                }
                else
                {
                    shape[i] = value;
                    if (value == 0) hasZero = true;
                    else if (!overflow && elementCount > MaxElements / value) overflow = true;
                    else if (!overflow) elementCount *= value;
                }
                i++;
            }
            if (hasZero) elementCount = 0;
            else if (overflow && ok)
            {
                problems.Add($"{what}: shape {Raw(shapeElement)} has too many elements");
                ok = false;
            }
        }

        // data_offsets
        if (!entry.TryGetProperty("data_offsets", out JsonElement offsetsElement))
        {
            problems.Add($"{what}: the entry has no 'data_offsets'");
            ok = false;
        }
        else if (offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2
                 || !TryGetOffset(offsetsElement[0], out begin) || !TryGetOffset(offsetsElement[1], out end))
        {
            problems.Add($"{what}: 'data_offsets' {Raw(offsetsElement)} is not a pair [begin, end] of non-negative integers");
            ok = false;
        }
        else if (begin > end)
        {
            problems.Add($"{what}: 'data_offsets' [{begin}, {end}] ends before it begins");
            ok = false;
        }

        if (!ok) return null;

        long byteLength = end - begin;
        long needed = elementCount * elementSize; // cannot overflow: elementCount <= MaxElements
        if (byteLength != needed)
        {
            problems.Add($"{what}: 'data_offsets' [{begin}, {end}] cover {byteLength} bytes but {dtype} {ShapeText.Format(shape!)} needs {needed} bytes");
            return null;
        }
        if (dataLength >= 0 && end > dataLength)
        {
            problems.Add($"{what}: 'data_offsets' [{begin}, {end}] are outside the file: the data section has only {dataLength} bytes (truncated file?)");
            return null;
        }

        return new SafetensorsTensor(name, dtype!, shape!, elementCount, dataBase + begin, byteLength);
    }

    private static void CheckOverlaps(List<(long Begin, long End, string Name)> offsets, List<string> problems)
    {
        offsets.RemoveAll(o => o.Begin == o.End);
        offsets.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : string.CompareOrdinal(a.Name, b.Name));
        long reach = -1;
        string? owner = null;
        foreach (var (begin, end, name) in offsets)
        {
            if (owner is not null && begin < reach)
                problems.Add($"tensors '{owner}' and '{name}' overlap in the data section");
            if (end > reach)
            {
                reach = end;
                owner = name;
            }
        }
    }

    private static bool TryGetOffset(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) && value >= 0;
    }

    private static string Raw(JsonElement element)
    {
        string text = element.GetRawText();
        return text.Length <= 80 ? text : text[..77] + "...";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    /// <summary>Bytes per element of a safetensors dtype, or 0 for an unknown one.</summary>
    internal static int DTypeSize(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" or "C64" => 8,
        _ => 0,
    };

    /// <summary>True for the dtypes <see cref="ReadFloat32"/> converts: F32, F16 and BF16.</summary>
    /// <param name="dtype">A dtype string as written in the file.</param>
    public static bool IsFloat32Convertible(string dtype) => dtype is "F32" or "F16" or "BF16";

    /// <summary>
    /// Reads a tensor's elements as float32, converting F16 and BF16. The stream is read in 64 KiB chunks
    /// through one buffer owned by this object. On a non-seekable stream, tensors must be read in
    /// ascending <see cref="SafetensorsTensor.DataStart"/> order (the stream is skipped forward).
    /// </summary>
    /// <param name="tensor">A tensor of this file (from <see cref="Tensors"/>).</param>
    /// <param name="destination">Exactly <see cref="SafetensorsTensor.ElementCount"/> elements.</param>
    /// <exception cref="ArgumentException">The destination length is wrong, or the tensor is not from this file.</exception>
    /// <exception cref="WeightLoadException">The dtype is not F32, F16 or BF16, or the data is truncated.</exception>
    /// <exception cref="InvalidOperationException">The stream is not seekable and the tensor lies before data already read.</exception>
    public void ReadFloat32(SafetensorsTensor tensor, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensors.TryGetValue(tensor.Name, out SafetensorsTensor? own) || !ReferenceEquals(own, tensor))
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to the weight file '{SourceName}'.", nameof(tensor));
        if (destination.Length != tensor.ElementCount)
            throw new ArgumentException(
                $"The destination has {destination.Length} elements but tensor '{tensor.Name}' has {tensor.ElementCount}.", nameof(destination));

        int elementSize = tensor.DType switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            _ => throw new WeightLoadException(SourceName,
                $"tensor '{tensor.Name}' has dtype {tensor.DType}; only F32, F16 and BF16 can be read as float32"),
        };
        if (destination.IsEmpty) return;

        byte[] buffer = _buffer ??= new byte[ChunkBytes];
        MoveTo(tensor, buffer);

        int perChunk = ChunkBytes / elementSize;
        int done = 0;
        while (done < destination.Length)
        {
            int count = Math.Min(destination.Length - done, perChunk);
            int bytes = count * elementSize;
            int got = _stream.ReadAtLeast(buffer.AsSpan(0, bytes), bytes, throwOnEndOfStream: false);
            _position += got;
            if (got < bytes)
                throw new WeightLoadException(SourceName,
                    $"tensor '{tensor.Name}' is truncated: the file ended after {(long)done * elementSize + got} of its {tensor.ByteLength} bytes");
            Convert(tensor.DType, buffer.AsSpan(0, bytes), destination.Slice(done, count));
            done += count;
        }
    }

    /// <summary>
    /// Copies a tensor's raw little-endian bytes, whatever its dtype (e.g. U8 images or I64 labels stored beside
    /// weights). <paramref name="destination"/> must be exactly <see cref="SafetensorsTensor.ByteLength"/> bytes.
    /// </summary>
    /// <exception cref="WeightLoadException">The file ends before the tensor does.</exception>
    public void ReadBytes(SafetensorsTensor tensor, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensors.TryGetValue(tensor.Name, out SafetensorsTensor? own) || !ReferenceEquals(own, tensor))
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to the weight file '{SourceName}'.", nameof(tensor));
        if (destination.Length != tensor.ByteLength)
            throw new ArgumentException($"The destination has {destination.Length} bytes but tensor '{tensor.Name}' has {tensor.ByteLength}.", nameof(destination));
        if (destination.IsEmpty) return;
        MoveTo(tensor, _buffer ??= new byte[ChunkBytes]);
        int got = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        _position += got;
        if (got < destination.Length)
            throw new WeightLoadException(SourceName, $"tensor '{tensor.Name}' is truncated: the file ended after {got} of its {tensor.ByteLength} bytes");
    }

    private void MoveTo(SafetensorsTensor tensor, byte[] buffer)
    {
        if (_seekable)
        {
            _stream.Position = tensor.DataStart;
            return;
        }
        if (tensor.DataStart < _position)
            throw new InvalidOperationException(
                $"Tensor '{tensor.Name}' starts at byte {tensor.DataStart} of '{SourceName}', but this forward-only stream is already at byte {_position}. " +
                "Read tensors in ascending DataStart order, or open the file from a seekable stream.");
        long skip = tensor.DataStart - _position;
        while (skip > 0)
        {
            int got = _stream.Read(buffer, 0, (int)Math.Min(skip, buffer.Length));
            if (got <= 0)
                throw new WeightLoadException(SourceName,
                    $"tensor '{tensor.Name}' is truncated: the file ended {skip} bytes before its data begins");
            skip -= got;
            _position += got;
        }
    }

    private static void Convert(string dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case "F32":
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source.Slice(4 * i));
                }
                break;
            case "F16":
                if (BitConverter.IsLittleEndian)
                {
                    TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                        destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source.Slice(2 * i));
                }
                break;
            default: // BF16: the upper 16 bits of a float32
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source.Slice(2 * i)) << 16);
                break;
        }
    }

    /// <summary>Disposes the stream unless the file was opened with <c>leaveOpen</c>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_leaveOpen) _stream.Dispose();
    }
}
