using System.Buffers.Binary;
using System.IO.Compression;

namespace VisionGen.Imaging;

/// <summary>
/// A small PNG encoder for 8-bit images (grey, grey + alpha, RGB, RGBA): per-row adaptive filtering
/// (the filter with the smallest sum of absolute differences, as libpng's heuristic) and zlib
/// compression from <see cref="ZLibStream"/>. Meant for samples, debugging and test artefacts.
/// </summary>
public static class PngWriter
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Writes an interleaved 8-bit image as a PNG file.</summary>
    /// <param name="path">file to create or overwrite.</param>
    /// <param name="pixels"><c>height·width·channels</c> bytes, rows top to bottom.</param>
    /// <param name="width">width in pixels.</param>
    /// <param name="height">height in pixels.</param>
    /// <param name="channels">1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="level">zlib compression level.</param>
    public static void Save(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var file = File.Create(path);
        Write(file, pixels, width, height, channels, level);
    }

    /// <summary>Writes an interleaved 8-bit image as PNG to a stream.</summary>
    /// <param name="stream">destination stream (left open).</param>
    /// <param name="pixels"><c>height·width·channels</c> bytes, rows top to bottom.</param>
    /// <param name="width">width in pixels.</param>
    /// <param name="height">height in pixels.</param>
    /// <param name="channels">1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).</param>
    /// <param name="level">zlib compression level.</param>
    public static void Write(Stream stream, ReadOnlySpan<byte> pixels, int width, int height, int channels, CompressionLevel level = CompressionLevel.Optimal)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Width and height must be positive.");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 to 4.");
        long rowBytes = (long)width * channels; // width·channels·height can pass 2^63: compare by division
        if (rowBytes > pixels.Length || pixels.Length / rowBytes < height)
            throw new ArgumentException($"Pixels hold {pixels.Length} bytes; {width}x{height}x{channels} needs {(Int128)rowBytes * height}.", nameof(pixels));
        int stride = (int)rowBytes; // at most pixels.Length

        stream.Write(Signature);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = channels switch { 1 => 0, 2 => 4, 3 => 2, _ => 6 }; // colour type
        ihdr[10] = ihdr[11] = ihdr[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(stream, "IHDR"u8, ihdr);

        using (var idat = new MemoryStream())
        {
            using (var z = new ZLibStream(idat, level, leaveOpen: true))
            {
                var line = new byte[1 + stride];
                var best = new byte[1 + stride];
                for (int y = 0; y < height; y++)
                {
                    var row = pixels.Slice(y * stride, stride);
                    var prev = y > 0 ? pixels.Slice((y - 1) * stride, stride) : ReadOnlySpan<byte>.Empty;
                    long bestScore = long.MaxValue;
                    for (byte filter = 0; filter <= 4; filter++)
                    {
                        line[0] = filter;
                        long score = Filter(filter, row, prev, channels, line.AsSpan(1));
                        if (score < bestScore) { bestScore = score; line.AsSpan().CopyTo(best); }
                    }
                    z.Write(best);
                }
            }
            WriteChunk(stream, "IDAT"u8, idat.GetBuffer().AsSpan(0, (int)idat.Length));
        }
        WriteChunk(stream, "IEND"u8, ReadOnlySpan<byte>.Empty);
    }

    /// <summary>Applies one PNG filter to a row; returns the sum of |signed residuals| (lower compresses better).</summary>
    private static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, int bpp, Span<byte> output)
    {
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prev.IsEmpty ? 0 : prev[i];
            int c = i >= bpp && !prev.IsEmpty ? prev[i - bpp] : 0;
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => Paeth(a, b, c),
            };
            byte v = (byte)(row[i] - predictor);
            output[i] = v;
            score += v < 128 ? v : 256 - v;
        }
        return score;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        type.CopyTo(header[4..]);
        stream.Write(header);
        stream.Write(data);
        uint crc = Crc(Crc(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(tail, crc);
        stream.Write(tail);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
