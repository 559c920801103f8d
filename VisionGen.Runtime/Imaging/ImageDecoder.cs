using StbImageSharp;

namespace VisionGen.Imaging;

/// <summary>A decoded 8-bit image, interleaved (HWC), rows top to bottom.</summary>
/// <param name="Width">width in pixels.</param>
/// <param name="Height">height in pixels.</param>
/// <param name="Channels">1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).</param>
/// <param name="Pixels"><c>Height·Width·Channels</c> bytes.</param>
public sealed record DecodedImage(int Width, int Height, int Channels, byte[] Pixels);

/// <summary>
/// Decodes PNG, JPEG, BMP, TGA, GIF (first frame), PSD and HDR (tone-mapped to 8 bits) with
/// StbImageSharp: a managed port of stb_image, no native library to ship, and it restores from
/// the package registry. Decoding allocates the result; it is a load-time step, not the hot path.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes an encoded image held in memory.</summary>
    /// <param name="encoded">the file's bytes.</param>
    /// <param name="channels">channels wanted (1–4, converting as needed), or 0 for the file's own.</param>
    /// <exception cref="InvalidDataException">the data is not an image stb_image can read.</exception>
    public static DecodedImage Decode(byte[] encoded, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        using var stream = new MemoryStream(encoded, writable: false);
        return Decode(stream, channels);
    }

    /// <summary>Decodes an encoded image from a stream.</summary>
    /// <param name="stream">readable stream positioned at the image.</param>
    /// <param name="channels">channels wanted (1–4, converting as needed), or 0 for the file's own.</param>
    /// <exception cref="InvalidDataException">the data is not an image stb_image can read.</exception>
    public static DecodedImage Decode(Stream stream, int channels = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (channels is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 0 (as stored) or 1 to 4.");
        ImageResult result;
        try
        {
            result = ImageResult.FromStream(stream, (ColorComponents)channels);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            throw new InvalidDataException("Not a decodable image: " + e.Message, e);
        }
        if (result?.Data == null) throw new InvalidDataException("Not a decodable image.");
        return new DecodedImage(result.Width, result.Height, (int)result.Comp, result.Data);
    }

    /// <summary>Reads and decodes an image file.</summary>
    /// <param name="path">file path.</param>
    /// <param name="channels">channels wanted (1–4), or 0 for the file's own.</param>
    public static DecodedImage Load(string path, int channels = 0)
    {
        using var stream = File.OpenRead(path);
        return Decode(stream, channels);
    }
}
