using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace VisionGen.Weights;

/// <summary>
/// Parses and validates a safetensors JSON header in one forward pass with <see cref="Utf8JsonReader"/>, straight from the
/// bytes as read (one array, or a chain of segments for a long header from a forward-only stream): no document object
/// model, so a header costs its own bytes plus the entries it declares. Every problem is collected, not just the first.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The most dimensions a tensor may have; bounds what a shape can make the parser allocate.</summary>
    public const int MaxRank = 64;

    private const string MetadataKey = "__metadata__";
    private const long MaxElements = long.MaxValue / 16; // so that elements × dtype size cannot overflow

    /// <summary>The tensors of <paramref name="header"/> in header order; problems go to <paramref name="problems"/>.</summary>
    /// <param name="header">The header bytes.</param>
    /// <param name="dataBase">Where the data section starts in the stream (added to every begin offset).</param>
    /// <param name="metadata">Receives the <c>__metadata__</c> strings.</param>
    /// <param name="problems">Receives one line per problem.</param>
    public static List<SafetensorsTensor> Parse(ReadOnlySequence<byte> header, long dataBase, Dictionary<string, string> metadata, List<string> problems)
    {
        var tensors = new List<SafetensorsTensor>();
        if (!IsValidUtf8(header))
        {
            problems.Add("the header is not valid UTF-8 text");
            return tensors;
        }
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            ParseRoot(ref reader, header, dataBase, tensors, metadata, problems);
        }
        catch (JsonException e)
        {
            // Invalid JSON anywhere makes the rest meaningless: report that alone.
            tensors.Clear();
            metadata.Clear();
            problems.Clear();
            problems.Add($"the header is not valid JSON: {e.Message}");
        }
        return tensors;
    }

    private static void ParseRoot(ref Utf8JsonReader reader, ReadOnlySequence<byte> header, long dataBase,
        List<SafetensorsTensor> tensors, Dictionary<string, string> metadata, List<string> problems)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            string kind = Describe(reader.TokenType);
            reader.Skip();
            ReadToEnd(ref reader);
            problems.Add($"the header is a JSON {kind}, not an object of tensor entries");
            return;
        }

        bool sawMetadata = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var offsets = new List<(long Begin, long End, string Name)>();
        var dims = new List<long>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == MetadataKey)
            {
                if (sawMetadata)
                {
                    problems.Add("'__metadata__' appears more than once in the header");
                    reader.Skip();
                }
                else
                {
                    ParseMetadata(ref reader, metadata, problems);
                }
                sawMetadata = true;
                continue;
            }
            if (!seen.Add(name))
            {
                problems.Add($"tensor '{name}' is listed more than once in the header");
                reader.Skip();
                continue;
            }
            SafetensorsTensor? tensor = ParseEntry(ref reader, header, name, dataBase, dims, problems, out long begin, out long end);
            if (tensor is not null)
            {
                tensors.Add(tensor);
                offsets.Add((begin, end, name));
            }
        }
        ReadToEnd(ref reader);
        CheckOverlaps(offsets, problems);
    }

    /// <summary>After the root value only whitespace may follow (the reader throws on anything else).</summary>
    private static void ReadToEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read()) throw new JsonException($"unexpected {Describe(reader.TokenType)} after the header object");
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, List<string> problems)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problems.Add($"'__metadata__' is a JSON {Describe(reader.TokenType)}, not an object of strings");
            reader.Skip();
            return;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                metadata[key] = reader.GetString()!;
            }
            else
            {
                problems.Add($"'__metadata__' entry '{key}' is a JSON {Describe(reader.TokenType)}, not a string");
                reader.Skip();
            }
        }
    }

    private static SafetensorsTensor? ParseEntry(ref Utf8JsonReader reader, ReadOnlySequence<byte> header, string name, long dataBase,
        List<long> dims, List<string> problems, out long begin, out long end)
    {
        begin = end = 0;
        string what = $"tensor '{name}'";
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problems.Add($"{what}: the entry is a JSON {Describe(reader.TokenType)}, not an object with dtype, shape and data_offsets");
            reader.Skip();
            return null;
        }

        // The fields may come in any order; their problems are reported in the order dtype, shape, data_offsets.
        string? dtype = null, dtypeProblem = null, offsetsProblem = null, offsetsRaw = null;
        int elementSize = 0;
        bool hasDType = false, hasShape = false, hasOffsets = false;
        long[]? shape = null;
        long elementCount = 1;
        var shapeProblems = new List<string>();
        List<string>? repeated = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            bool again = field switch
            {
                "dtype" => hasDType,
                "shape" => hasShape,
                "data_offsets" => hasOffsets,
                _ => false,
            };
            if (again)
            {
                (repeated ??= []).Add($"{what}: '{field}' appears more than once");
                reader.Skip();
                continue;
            }
            switch (field)
            {
                case "dtype":
                    hasDType = true;
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        dtypeProblem = $"{what}: 'dtype' is a JSON {Describe(reader.TokenType)}, not a string";
                        reader.Skip();
                        break;
                    }
                    dtype = reader.GetString()!;
                    elementSize = SafetensorsFile.DTypeSize(dtype);
                    if (elementSize == 0) dtypeProblem = $"{what}: unknown or unsupported dtype '{dtype}'";
                    break;
                case "shape":
                    hasShape = true;
                    shape = ParseShape(ref reader, header, what, dims, shapeProblems, out elementCount);
                    break;
                case "data_offsets":
                    hasOffsets = true;
                    if (!ParseOffsets(ref reader, header, out begin, out end, out offsetsRaw))
                        offsetsProblem = $"{what}: 'data_offsets' {offsetsRaw} is not a pair [begin, end] of non-negative integers";
                    else if (begin > end)
                        offsetsProblem = $"{what}: 'data_offsets' [{begin}, {end}] ends before it begins";
                    break;
                default:
                    reader.Skip(); // other fields are allowed and ignored, as by the reference implementation
                    break;
            }
        }

        int before = problems.Count;
        if (repeated is not null) problems.AddRange(repeated);
        if (!hasDType) problems.Add($"{what}: the entry has no 'dtype'");
        else if (dtypeProblem is not null) problems.Add(dtypeProblem);
        if (!hasShape) problems.Add($"{what}: the entry has no 'shape'");
        else problems.AddRange(shapeProblems);
        if (!hasOffsets) problems.Add($"{what}: the entry has no 'data_offsets'");
        else if (offsetsProblem is not null) problems.Add(offsetsProblem);
        if (problems.Count > before) return null;

        long byteLength = end - begin;                 // 0 <= begin <= end
        long needed = elementCount * elementSize;      // cannot overflow: elementCount <= MaxElements
        if (byteLength != needed)
        {
            problems.Add($"{what}: 'data_offsets' [{begin}, {end}] cover {byteLength} bytes but {dtype} {ShapeText.Format(shape!)} needs {needed} bytes");
            return null;
        }
        if (end > long.MaxValue - dataBase)
        {
            // The absolute position would not fit in 64 bits: no stream is that long.
            problems.Add($"{what}: 'data_offsets' [{begin}, {end}] lie beyond the largest possible file");
            return null;
        }
        return new SafetensorsTensor(name, dtype!, shape!, elementCount, dataBase + begin, byteLength);
    }

    private static long[]? ParseShape(ref Utf8JsonReader reader, ReadOnlySequence<byte> header, string what, List<long> dims,
        List<string> problems, out long elementCount)
    {
        elementCount = 1;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            problems.Add($"{what}: 'shape' is a JSON {Describe(reader.TokenType)}, not an array of dimensions");
            reader.Skip();
            return null;
        }
        long start = reader.TokenStartIndex;
        dims.Clear();
        bool ok = true, overflow = false, hasZero = false;
        int i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long value))
            {
                problems.Add($"{what}: shape dimension {i} ({RawValue(ref reader, header)}) is not an integer");
                ok = false;
            }
            else if (value < 0)
            {
                problems.Add($"{what}: shape dimension {i} is negative ({value})");
                ok = false;
            }
            else if (dims.Count < MaxRank)
            {
                dims.Add(value);
                if (value == 0) hasZero = true;
                else if (!overflow && elementCount > MaxElements / value) overflow = true;
                else if (!overflow) elementCount *= value;
            }
            i++;
        }
        if (i > MaxRank)
        {
            problems.Add($"{what}: shape has {i} dimensions; at most {MaxRank} are supported");
            return null;
        }
        if (!ok) return null;
        if (hasZero)
        {
            elementCount = 0;
        }
        else if (overflow)
        {
            problems.Add($"{what}: shape {Raw(header, start, reader.BytesConsumed)} has too many elements");
            return null;
        }
        return dims.ToArray();
    }

    /// <summary>Reads <c>[begin, end]</c>; false (with the raw text) for anything else.</summary>
    private static bool ParseOffsets(ref Utf8JsonReader reader, ReadOnlySequence<byte> header, out long begin, out long end, out string raw)
    {
        begin = end = 0;
        long start = reader.TokenStartIndex;
        bool ok = reader.TokenType == JsonTokenType.StartArray;
        if (!ok)
        {
            reader.Skip();
            raw = Raw(header, start, reader.BytesConsumed);
            return false;
        }
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value >= 0)
            {
                if (count == 0) begin = value;
                else if (count == 1) end = value;
            }
            else
            {
                ok = false;
                reader.Skip(); // a nested array or object
            }
            count++;
        }
        raw = Raw(header, start, reader.BytesConsumed);
        return ok && count == 2;
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

    /// <summary>The raw text of the current value (a container is skipped to its end), shortened for a message.</summary>
    private static string RawValue(ref Utf8JsonReader reader, ReadOnlySequence<byte> header)
    {
        long start = reader.TokenStartIndex;
        reader.Skip();
        return Raw(header, start, reader.BytesConsumed);
    }

    /// <summary>Header bytes [start, end) as text, at most 80 characters.</summary>
    private static string Raw(ReadOnlySequence<byte> header, long start, long end)
    {
        const int MaxChars = 80;
        long length = end - start;
        ReadOnlySequence<byte> slice = header.Slice(start, Math.Min(length, 4 * MaxChars));
        string text = Encoding.UTF8.GetString(slice);
        return text.Length <= MaxChars && length <= 4 * MaxChars ? text : text[..(MaxChars - 3)] + "...";
    }

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => "value",
    };

    /// <summary>Strict UTF-8 validation across segment boundaries, without allocating.</summary>
    internal static bool IsValidUtf8(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment) return Utf8.IsValid(bytes.FirstSpan);
        Span<byte> carry = stackalloc byte[4];
        int carried = 0;
        foreach (ReadOnlyMemory<byte> memory in bytes)
        {
            ReadOnlySpan<byte> span = memory.Span;
            if (carried > 0)
            {
                // Complete the sequence split at the previous boundary with this segment's first bytes.
                int take = Math.Min(4 - carried, span.Length);
                span[..take].CopyTo(carry[carried..]);
                OperationStatus status = System.Text.Rune.DecodeFromUtf8(carry[..(carried + take)], out _, out int consumed);
                if (status == OperationStatus.NeedMoreData && take == span.Length)
                {
                    carried += take;
                    continue;
                }
                if (status != OperationStatus.Done) return false;
                span = span[(consumed - carried)..];
                carried = 0;
            }
            int tail = IncompleteTail(span);
            if (!Utf8.IsValid(span[..^tail])) return false;
            span[^tail..].CopyTo(carry);
            carried = tail;
        }
        return carried == 0;
    }

    /// <summary>How many bytes at the end of <paramref name="span"/> start a multi-byte sequence that the span cuts off.</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> span)
    {
        for (int back = 1; back <= Math.Min(3, span.Length); back++)
        {
            byte b = span[^back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: look further back
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? back : 0;
        }
        return 0;
    }
}
