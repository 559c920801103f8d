using System.Buffers.Binary;
using System.IO.Compression;

namespace FashionMnist;

/// <summary>Reads the gzip'd IDX files Fashion-MNIST ships in.</summary>
internal static class Idx
{
    /// <summary>Images as (count, rows, cols, pixels row-major u8).</summary>
    public static (int Count, int Rows, int Cols, byte[] Pixels) ReadImages(string path)
    {
        byte[] data = ReadAll(path);
        Expect(data, 0x00000803, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (data.Length != 16 + (long)count * rows * cols) throw new InvalidDataException($"{path}: expected {count}x{rows}x{cols} pixels, found {data.Length - 16} bytes");
        return (count, rows, cols, data[16..]);
    }

    public static byte[] ReadLabels(string path)
    {
        byte[] data = ReadAll(path);
        Expect(data, 0x00000801, path);
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (data.Length != 8 + count) throw new InvalidDataException($"{path}: expected {count} labels, found {data.Length - 8}");
        return data[8..];
    }

    private static byte[] ReadAll(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }

    private static void Expect(byte[] data, int magic, string path)
    {
        if (data.Length < 16 || BinaryPrimitives.ReadInt32BigEndian(data) != magic)
            throw new InvalidDataException($"{path} is not an IDX file with magic 0x{magic:X8}");
    }
}
