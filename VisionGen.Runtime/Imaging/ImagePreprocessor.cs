using System.ComponentModel;

namespace VisionGen.Imaging;

/// <summary>
/// Where a point of the model's input lies in the source image: <c>source = (model − Offset) / Scale</c> per axis, in
/// pixel-edge coordinates (a box's corners map exactly; a pixel's centre maps to its centre).
/// </summary>
/// <param name="ScaleX">Model pixels per source pixel, horizontally.</param>
/// <param name="ScaleY">Model pixels per source pixel, vertically.</param>
/// <param name="OffsetX">Model x of the source's left edge (negative after a crop, the padding after a letterbox).</param>
/// <param name="OffsetY">Model y of the source's top edge.</param>
public readonly record struct ImageMapping(float ScaleX, float ScaleY, float OffsetX, float OffsetY)
{
    /// <summary>The source x of model x.</summary>
    /// <param name="x">A model-input x.</param>
    /// <returns>The source image's x.</returns>
    public float ToSourceX(float x) => (x - OffsetX) / ScaleX;

    /// <summary>The source y of model y.</summary>
    /// <param name="y">A model-input y.</param>
    /// <returns>The source image's y.</returns>
    public float ToSourceY(float y) => (y - OffsetY) / ScaleY;
}

/// <summary>
/// Brings a decoded image of any size and channel count to a model's input, as its <see cref="ImageInputAttribute"/>
/// declares: channel conversion (gray ↔ RGB, alpha dropped, RGB ↔ BGR), the fit (stretch, resize + centre crop, or
/// letterbox; bilinear as OpenCV's <c>INTER_LINEAR</c>) and normalization, into the caller's CHW span. Generated models
/// keep one; its working buffers grow to the largest image seen and are then reused, so steady use allocates nothing.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ImagePreprocessor
{
    private readonly int _channels, _height, _width, _resizeShorterTo;
    private readonly ImageFit _fit;
    private readonly float[] _mean, _std;
    private readonly bool _bgr;
    private readonly byte _fill;
    private byte[] _converted = [];
    private byte[] _resized = [];

    /// <summary>Creates a preprocessor for an input of <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> (generated code does).</summary>
    /// <param name="channels">Model input channels (1 or 3).</param>
    /// <param name="height">Model input height.</param>
    /// <param name="width">Model input width.</param>
    /// <param name="fit">How images are fitted.</param>
    /// <param name="resizeShorterTo">For a centre crop, the shorter side after resizing (0: the input's larger side).</param>
    /// <param name="mean">Per-channel mean (empty: 0; one value: every channel).</param>
    /// <param name="std">Per-channel standard deviation (empty: 1; one value: every channel).</param>
    /// <param name="bgr">The model expects BGR.</param>
    /// <param name="fill">Letterbox border value.</param>
    public ImagePreprocessor(int channels, int height, int width, ImageFit fit, int resizeShorterTo, float[] mean, float[] std, bool bgr, byte fill)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Image inputs have 1 or 3 channels.");
        _channels = channels;
        _height = height;
        _width = width;
        _fit = fit;
        _resizeShorterTo = resizeShorterTo > 0 ? resizeShorterTo : Math.Max(height, width);
        _mean = PerChannel(mean, channels, 0f);
        _std = PerChannel(std, channels, 1f);
        _bgr = bgr;
        _fill = fill;
    }

    private static float[] PerChannel(float[] values, int channels, float fallback) =>
        values.Length == 0 ? Enumerable.Repeat(fallback, channels).ToArray()
        : values.Length == 1 ? Enumerable.Repeat(values[0], channels).ToArray()
        : values;

    /// <summary>Writes the model input for <paramref name="image"/> into <paramref name="chw"/> and says where it came from.</summary>
    /// <param name="image">A decoded image (1, 2, 3 or 4 channels, any size).</param>
    /// <param name="chw">Exactly channels·height·width floats.</param>
    /// <returns>How model coordinates map back to the image's.</returns>
    /// <exception cref="ArgumentException">The image is empty or its pixels do not match its size, or the span has the wrong length.</exception>
    public ImageMapping Prepare(DecodedImage image, Span<float> chw)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width <= 0 || image.Height <= 0 || image.Channels is < 1 or > 4 || image.Pixels.Length != (long)image.Width * image.Height * image.Channels)
            throw new ArgumentException($"The image's {image.Pixels.Length} bytes do not make {image.Width}x{image.Height} pixels of {image.Channels} channels.", nameof(image));
        if (chw.Length != _channels * _height * _width)
            throw new ArgumentException($"The input needs {_channels * _height * _width} floats, the span has {chw.Length}.", nameof(chw));
        ReadOnlySpan<byte> pixels = Convert(image);
        int w = image.Width, h = image.Height, c = _channels;
        switch (_fit)
        {
            case ImageFit.Letterbox:
            {
                byte[] canvas = Grow(ref _resized, _width * _height * c);
                LetterboxInfo box = Preprocess.Letterbox(pixels, w, h, c, canvas, _width, _height, _fill);
                Preprocess.ToChwNormalized(canvas.AsSpan(0, _width * _height * c), _width, _height, c, chw, _mean, _std);
                // The resized image spans exactly ResizedWidth x ResizedHeight model pixels from the padding on.
                return new ImageMapping((float)box.ResizedWidth / w, (float)box.ResizedHeight / h, box.PadX, box.PadY);
            }
            case ImageFit.CenterCrop:
            {
                // torchvision Resize(int): the shorter side becomes the size, the longer int(size · long / short).
                int shorter = Math.Min(w, h);
                int rw = w <= h ? _resizeShorterTo : (int)((long)_resizeShorterTo * w / h);
                int rh = h < w ? _resizeShorterTo : (int)((long)_resizeShorterTo * h / w);
                if (rw < _width || rh < _height)
                    throw new ArgumentException($"Resizing to {rw}x{rh} leaves less than the {_width}x{_height} crop; ResizeShorterTo is too small for this input.", nameof(image));
                ReadOnlySpan<byte> resized = ResizeTo(pixels, w, h, rw, rh);
                (int x0, int y0) = Preprocess.CenterCropOrigin(rw, rh, _width, _height);
                Preprocess.CropToChwNormalized(resized, rw, rh, c, x0, y0, _width, _height, chw, _mean, _std);
                return new ImageMapping((float)rw / w, (float)rh / h, -x0, -y0);
            }
            default:
            {
                ReadOnlySpan<byte> resized = ResizeTo(pixels, w, h, _width, _height);
                Preprocess.ToChwNormalized(resized, _width, _height, c, chw, _mean, _std);
                return new ImageMapping((float)_width / w, (float)_height / h, 0f, 0f);
            }
        }
    }

    private ReadOnlySpan<byte> ResizeTo(ReadOnlySpan<byte> pixels, int w, int h, int rw, int rh)
    {
        if (rw == w && rh == h) return pixels;
        byte[] resized = Grow(ref _resized, rw * rh * _channels);
        Resize.Bilinear(pixels, w, h, _channels, resized.AsSpan(0, rw * rh * _channels), rw, rh);
        return resized.AsSpan(0, rw * rh * _channels);
    }

    /// <summary>The image's pixels in the model's channels and order: gray to RGB replicated, RGB to gray by ITU-R 601 luma (as PIL's "L"), alpha dropped.</summary>
    private ReadOnlySpan<byte> Convert(DecodedImage image)
    {
        int n = image.Width * image.Height, from = image.Channels, to = _channels;
        if (from == to && !(_bgr && to == 3)) return image.Pixels;
        byte[] output = Grow(ref _converted, n * to);
        byte[] p = image.Pixels;
        for (int i = 0; i < n; i++)
        {
            int s = i * from;
            byte r, g, b;
            if (from <= 2) r = g = b = p[s];
            else (r, g, b) = (p[s], p[s + 1], p[s + 2]);
            if (to == 1) output[i] = from <= 2 ? r : (byte)((r * 299 + g * 587 + b * 114 + 500) / 1000);
            else if (_bgr) (output[3 * i], output[3 * i + 1], output[3 * i + 2]) = (b, g, r);
            else (output[3 * i], output[3 * i + 1], output[3 * i + 2]) = (r, g, b);
        }
        return output.AsSpan(0, n * to);
    }

    private static byte[] Grow(ref byte[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new byte[length];
        return buffer;
    }
}
