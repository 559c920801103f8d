namespace VisionGen.Weights;

/// <summary>One tensor entry of a safetensors header, already validated.</summary>
public sealed class SafetensorsTensor
{
    internal SafetensorsTensor(string name, string dtype, long[] shape, long elementCount, long dataStart, long byteLength)
    {
        Name = name;
        DType = dtype;
        Shape = Array.AsReadOnly(shape);
        ElementCount = elementCount;
        DataStart = dataStart;
        ByteLength = byteLength;
    }

    /// <summary>The tensor's name, e.g. <c>layer1.0.conv1.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The element type exactly as written in the file: <c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, ….</summary>
    public string DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of elements (product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>
    /// Where the tensor's bytes begin in the stream: an absolute position for seekable streams; for
    /// non-seekable streams, the number of bytes from where <see cref="SafetensorsFile.Open(Stream, string, bool)"/> started reading.
    /// </summary>
    public long DataStart { get; }

    /// <summary>The number of bytes the tensor occupies.</summary>
    public long ByteLength { get; }

    /// <summary>Name, dtype and shape, e.g. <c>conv1.weight F32 [64, 3, 7, 7]</c>.</summary>
    public override string ToString() => $"{Name} {DType} {ShapeText.Format(Shape)}";
}

/// <summary>Formats shapes the same way in every message.</summary>
internal static class ShapeText
{
    public static string Format<T>(IReadOnlyList<T> shape) => "[" + string.Join(", ", shape) + "]";
}
