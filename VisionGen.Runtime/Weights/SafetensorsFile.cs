using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using VisionGen.Models;

namespace VisionGen.Weights;

/// <summary>
/// A safetensors file opened over a stream: the header is read (at its declared size) and validated by
/// <see cref="Open(Stream, string, bool)"/>, tensor data is read on demand with <see cref="ReadFloat32"/>, so the file is
/// never held in memory. Seekable streams can be read in any order; non-seekable streams (a GZip or network stream) must
/// be read in ascending <see cref="SafetensorsTensor.DataStart"/> order. Every load path — a path, a seekable stream, a
/// forward-only stream, one returning a few bytes per read — applies the same checks and reports a bad file with the
/// same <see cref="WeightLoadException"/>; a forward-only stream can only tell that its data is cut short when it gets
/// there, so that problem surfaces on the read that meets the end (or in <see cref="EnsureComplete"/>). Not thread-safe.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>
    /// The largest header length accepted: 100,000,000 bytes, the limit of the reference implementation
    /// (huggingface/safetensors, <c>MAX_HEADER_SIZE</c>), which refuses to read anything longer — so no file a
    /// PyTorch user can load is refused here. A longer value means a corrupt or foreign file. It also bounds the memory
    /// a header can claim: the header is read at its declared size.
    /// </summary>
    public const long MaxHeaderLength = 100_000_000;

    private const int ChunkBytes = 64 * 1024;
    private const int HeaderSegmentBytes = 1 << 20;
    private const int DirectReadFloats = 1 << 24; // F32 read straight into the destination, 64 MB per call at most

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _seekable;
    private readonly List<SafetensorsTensor> _ordered;         // header order
    private readonly Dictionary<string, SafetensorsTensor> _tensors;
    private readonly long _dataBase;                           // where the data section starts (same origin as DataStart)
    private readonly long _dataEnd;                            // where the last tensor ends
    private long _position; // non-seekable streams: bytes consumed since Open
    private byte[]? _buffer;
    private float[]? _floats;
    private bool _disposed;

    private SafetensorsFile(Stream stream, bool leaveOpen, string sourceName, long headerLength, long dataBase,
        List<SafetensorsTensor> ordered, Dictionary<string, string> metadata)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _seekable = stream.CanSeek;
        _position = 8 + headerLength;
        _dataBase = dataBase;
        _ordered = ordered;
        _tensors = new Dictionary<string, SafetensorsTensor>(ordered.Count, StringComparer.Ordinal);
        _dataEnd = dataBase;
        foreach (SafetensorsTensor tensor in ordered)
        {
            _tensors.Add(tensor.Name, tensor);
            _dataEnd = Math.Max(_dataEnd, tensor.DataStart + tensor.ByteLength); // checked at parse time: cannot overflow
        }
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
    /// Every problem in the header is collected and reported together. On a seekable stream, tensors whose data
    /// lies past the end of the stream are reported here too.
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
            throw HeaderTruncated(source, headerLength, available - 8);

        ReadOnlySequence<byte> header = ReadHeader(stream, headerLength, seekable, out long headerRead);
        if (headerRead < headerLength) throw HeaderTruncated(source, headerLength, headerRead);

        // origin + 8 + headerLength <= stream length on a seekable stream, and origin is 0 otherwise: no overflow.
        long dataBase = origin + 8 + headerLength;
        var problems = new List<string>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        List<SafetensorsTensor> tensors = SafetensorsHeader.Parse(header, dataBase, metadata, problems);
        if (problems.Count > 0) throw WeightLoadException.Malformed(source, problems);
        if (seekable)
        {
            ExtentProblems(tensors, dataBase, available - 8 - headerLength, problems);
            if (problems.Count > 0) throw WeightLoadException.Malformed(source, problems);
        }
        return new SafetensorsFile(stream, leaveOpen, source, headerLength, dataBase, tensors, metadata);
    }

    private static WeightLoadException HeaderTruncated(string source, long headerLength, long rest) =>
        new(source, $"the header is truncated: its length is {headerLength} bytes but only {rest} bytes follow the length prefix");

    /// <summary>
    /// The header at its declared size. A seekable stream has been checked to hold it: one array. A forward-only stream
    /// may lie about the length, so a long header comes in 1 MB segments and a short stream costs only what it delivers.
    /// </summary>
    private static ReadOnlySequence<byte> ReadHeader(Stream stream, long length, bool seekable, out long received)
    {
        if (seekable || length <= HeaderSegmentBytes)
        {
            var bytes = new byte[length];
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            received = got;
            return new ReadOnlySequence<byte>(bytes, 0, got);
        }
        HeaderSegment? first = null, last = null;
        received = 0;
        while (received < length)
        {
            var chunk = new byte[Math.Min(HeaderSegmentBytes, length - received)];
            int got = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            if (got == 0) break;
            received += got;
            var memory = new ReadOnlyMemory<byte>(chunk, 0, got);
            last = last is null ? first = new HeaderSegment(memory, 0) : last.Append(memory);
            if (got < chunk.Length) break;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class HeaderSegment : ReadOnlySequenceSegment<byte>
    {
        public HeaderSegment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public HeaderSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new HeaderSegment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>
    /// The one check that the data section holds every tensor, used by every load path: at <c>Open</c> for a seekable
    /// stream (its length is known), and for a forward-only stream when a read meets the end of the stream.
    /// </summary>
    private static void ExtentProblems(List<SafetensorsTensor> tensors, long dataBase, long dataLength, List<string> problems)
    {
        foreach (SafetensorsTensor tensor in tensors)
        {
            long begin = tensor.DataStart - dataBase, end = begin + tensor.ByteLength;
            if (end > dataLength)
                problems.Add($"tensor '{tensor.Name}': 'data_offsets' [{begin}, {end}] are outside the file: the data section has only {dataLength} bytes (truncated file?)");
        }
    }

    /// <summary>The exception for a stream that ended at <paramref name="reached"/> (same origin as DataStart).</summary>
    private WeightLoadException EndedAt(long reached)
    {
        long dataLength = Math.Max(0, reached - _dataBase);
        var problems = new List<string>();
        ExtentProblems(_ordered, _dataBase, dataLength, problems);
        if (problems.Count == 0) problems.Add($"the file ended after {dataLength} bytes of tensor data"); // only if it shrank while open
        return WeightLoadException.Malformed(SourceName, problems);
    }

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
    /// Reads a tensor's elements as float32, converting F16 and BF16. F32 is read straight into
    /// <paramref name="destination"/>; F16 and BF16 go through one 64 KiB buffer owned by this object. On a non-seekable
    /// stream, tensors must be read in ascending <see cref="SafetensorsTensor.DataStart"/> order (the stream is skipped forward).
    /// </summary>
    /// <param name="tensor">A tensor of this file (from <see cref="Tensors"/>).</param>
    /// <param name="destination">Exactly <see cref="SafetensorsTensor.ElementCount"/> elements.</param>
    /// <exception cref="ArgumentException">The destination length is wrong, or the tensor is not from this file.</exception>
    /// <exception cref="WeightLoadException">The dtype is not F32, F16 or BF16, or the data is truncated.</exception>
    /// <exception cref="InvalidOperationException">The stream is not seekable and the tensor lies before data already read.</exception>
    public void ReadFloat32(SafetensorsTensor tensor, Span<float> destination)
    {
        int elementSize = CheckRead(tensor, destination.Length);
        if (destination.IsEmpty) return;
        MoveTo(tensor);
        if (tensor.DType == "F32" && BitConverter.IsLittleEndian)
        {
            for (int done = 0; done < destination.Length; done += DirectReadFloats)
                ReadExactly(MemoryMarshal.AsBytes(destination.Slice(done, Math.Min(DirectReadFloats, destination.Length - done))));
            return;
        }
        byte[] buffer = _buffer ??= new byte[ChunkBytes];
        int perChunk = ChunkBytes / elementSize;
        for (int done = 0; done < destination.Length; done += perChunk)
        {
            int count = Math.Min(destination.Length - done, perChunk);
            Span<byte> bytes = buffer.AsSpan(0, count * elementSize);
            ReadExactly(bytes);
            Convert(tensor.DType, bytes, destination.Slice(done, count));
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
        CheckOwn(tensor);
        if (destination.Length != tensor.ByteLength)
            throw new ArgumentException($"The destination has {destination.Length} bytes but tensor '{tensor.Name}' has {tensor.ByteLength}.", nameof(destination));
        if (destination.IsEmpty) return;
        MoveTo(tensor);
        ReadExactly(destination);
    }

    /// <summary>
    /// Reads a forward-only stream up to the end of the last tensor's data, so that a stream cut short after the
    /// tensors a caller read — an ignored tensor, say — is reported as loading it by path would report it. Nothing to do
    /// on a seekable stream: <c>Open</c> has checked its length.
    /// </summary>
    /// <exception cref="WeightLoadException">The stream ends before the last tensor does.</exception>
    public void EnsureComplete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_seekable) SkipTo(_dataEnd);
    }

    /// <summary>
    /// Streams a float tensor through this object's buffers and counts its NaN and infinite values, allocating nothing
    /// per call; the same order rule as <see cref="ReadFloat32"/> applies.
    /// </summary>
    internal (long Count, long FirstIndex, float FirstValue) ScanNonFinite(SafetensorsTensor tensor)
    {
        int elementSize = CheckRead(tensor, tensor.ElementCount);
        (long Count, long FirstIndex, float FirstValue) found = (0, -1, 0f);
        if (tensor.ElementCount == 0) return found;
        MoveTo(tensor);
        byte[] buffer = _buffer ??= new byte[ChunkBytes];
        float[] floats = _floats ??= new float[ChunkBytes / 2];
        int perChunk = ChunkBytes / elementSize;
        for (long done = 0; done < tensor.ElementCount; done += perChunk)
        {
            int count = (int)Math.Min(tensor.ElementCount - done, perChunk);
            Span<byte> bytes = buffer.AsSpan(0, count * elementSize);
            ReadExactly(bytes);
            Span<float> values = floats.AsSpan(0, count);
            Convert(tensor.DType, bytes, values);
            if (InputValidation.AllFinite(values)) continue;
            for (int i = 0; i < count; i++)
            {
                if (float.IsFinite(values[i])) continue;
                if (found.Count++ == 0) found = (1, done + i, values[i]);
            }
        }
        return found;
    }

    /// <summary>Validates a float read; returns the dtype's element size.</summary>
    private int CheckRead(SafetensorsTensor tensor, long length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckOwn(tensor);
        if (length != tensor.ElementCount)
            throw new ArgumentException($"The destination has {length} elements but tensor '{tensor.Name}' has {tensor.ElementCount}.", "destination");
        return tensor.DType switch
        {
            "F32" => 4,
            "F16" or "BF16" => 2,
            _ => throw new WeightLoadException(SourceName,
                $"tensor '{tensor.Name}' has dtype {tensor.DType}; only F32, F16 and BF16 can be read as float32"),
        };
    }

    private void CheckOwn(SafetensorsTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!_tensors.TryGetValue(tensor.Name, out SafetensorsTensor? own) || !ReferenceEquals(own, tensor))
            throw new ArgumentException($"Tensor '{tensor.Name}' does not belong to the weight file '{SourceName}'.", nameof(tensor));
    }

    /// <summary>Fills <paramref name="bytes"/> from the stream, or reports where it ended.</summary>
    private void ReadExactly(Span<byte> bytes)
    {
        int got = _stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (!_seekable) _position += got;
        if (got < bytes.Length) throw EndedAt(_seekable ? _stream.Position : _position);
    }

    private void MoveTo(SafetensorsTensor tensor)
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
        SkipTo(tensor.DataStart);
    }

    /// <summary>Forward-only streams: reads and discards up to <paramref name="target"/>.</summary>
    private void SkipTo(long target)
    {
        byte[] buffer = _buffer ??= new byte[ChunkBytes];
        while (_position < target)
        {
            int got = _stream.Read(buffer, 0, (int)Math.Min(target - _position, buffer.Length));
            if (got <= 0) throw EndedAt(_position);
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
