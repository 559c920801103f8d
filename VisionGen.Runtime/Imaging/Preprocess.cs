namespace VisionGen.Imaging;

/// <summary>Where a letterboxed image landed in its canvas, to map results back to the source image.</summary>
/// <param name="Scale">source pixels × Scale = canvas pixels.</param>
/// <param name="PadX">left padding in canvas pixels.</param>
/// <param name="PadY">top padding in canvas pixels.</param>
/// <param name="ResizedWidth">width of the resized image inside the canvas.</param>
/// <param name="ResizedHeight">height of the resized image inside the canvas.</param>
public readonly record struct LetterboxInfo(float Scale, int PadX, int PadY, int ResizedWidth, int ResizedHeight)
{
    /// <summary>Maps a canvas coordinate back to the source image.</summary>
    /// <param name="x">canvas x.</param>
    /// <param name="y">canvas y.</param>
    public (float X, float Y) ToSource(float x, float y) => ((x - PadX) / Scale, (y - PadY) / Scale);
}

/// <summary>
/// Network input preparation: center crop, letterbox, and the fused HWC 8-bit → CHW float
/// normalization (<c>(p/255 − mean)/std</c>, torchvision's <c>to_tensor</c> + <c>normalize</c>)
/// straight into a caller-provided span. Allocation-free.
/// </summary>
public static class Preprocess
{
    /// <summary>ImageNet channel means (RGB), as torchvision's classification models expect.</summary>
    public static ReadOnlySpan<float> ImageNetMean => [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations (RGB).</summary>
    public static ReadOnlySpan<float> ImageNetStd => [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// Top-left corner of a centered crop, as torchvision's <c>center_crop</c>:
    /// <c>round((size − crop)/2)</c> with round half to even.
    /// </summary>
    /// <param name="width">image width.</param>
    /// <param name="height">image height.</param>
    /// <param name="cropWidth">crop width (≤ width).</param>
    /// <param name="cropHeight">crop height (≤ height).</param>
    public static (int X, int Y) CenterCropOrigin(int width, int height, int cropWidth, int cropHeight)
    {
        if (cropWidth <= 0 || cropHeight <= 0 || cropWidth > width || cropHeight > height)
            throw new ArgumentOutOfRangeException(nameof(cropWidth), $"Crop {cropWidth}x{cropHeight} must be positive and fit in {width}x{height}.");
        return ((int)Math.Round((width - cropWidth) / 2.0, MidpointRounding.ToEven), (int)Math.Round((height - cropHeight) / 2.0, MidpointRounding.ToEven));
    }

    /// <summary>Copies the centered <paramref name="cropWidth"/>×<paramref name="cropHeight"/> region of an HWC image.</summary>
    /// <param name="src">source pixels.</param>
    /// <param name="width">source width.</param>
    /// <param name="height">source height.</param>
    /// <param name="channels">interleaved channels.</param>
    /// <param name="dst">destination, <c>cropHeight·cropWidth·channels</c>.</param>
    /// <param name="cropWidth">crop width.</param>
    /// <param name="cropHeight">crop height.</param>
    public static void CenterCrop(ReadOnlySpan<byte> src, int width, int height, int channels, Span<byte> dst, int cropWidth, int cropHeight)
    {
        CheckImage(src.Length, width, height, channels);
        var (x0, y0) = CenterCropOrigin(width, height, cropWidth, cropHeight);
        int row = cropWidth * channels;
        if (dst.Length < row * cropHeight) throw new ArgumentException("Destination is shorter than the crop.", nameof(dst));
        for (int y = 0; y < cropHeight; y++)
            src.Slice(((y0 + y) * width + x0) * channels, row).CopyTo(dst.Slice(y * row, row));
    }

    /// <summary>
    /// Resizes an image to fit a <paramref name="canvasWidth"/>×<paramref name="canvasHeight"/> canvas
    /// keeping its aspect ratio (bilinear, OpenCV <c>INTER_LINEAR</c>), centered, the rest filled with
    /// <paramref name="fill"/> — the YOLO-style letterbox.
    /// </summary>
    /// <param name="src">source pixels, HWC.</param>
    /// <param name="width">source width.</param>
    /// <param name="height">source height.</param>
    /// <param name="channels">interleaved channels.</param>
    /// <param name="canvas">destination, <c>canvasHeight·canvasWidth·channels</c>.</param>
    /// <param name="canvasWidth">canvas width.</param>
    /// <param name="canvasHeight">canvas height.</param>
    /// <param name="fill">border value for every channel (114 is YOLO's grey).</param>
    public static LetterboxInfo Letterbox(ReadOnlySpan<byte> src, int width, int height, int channels,
        Span<byte> canvas, int canvasWidth, int canvasHeight, byte fill = 114)
    {
        CheckImage(src.Length, width, height, channels);
        if (canvasWidth <= 0 || canvasHeight <= 0) throw new ArgumentOutOfRangeException(nameof(canvasWidth), "Canvas size must be positive.");
        int stride = canvasWidth * channels;
        if (canvas.Length < stride * canvasHeight) throw new ArgumentException("Canvas is shorter than its size says.", nameof(canvas));
        float scale = Math.Min((float)canvasWidth / width, (float)canvasHeight / height);
        int rw = Math.Clamp((int)MathF.Round(width * scale), 1, canvasWidth);
        int rh = Math.Clamp((int)MathF.Round(height * scale), 1, canvasHeight);
        int padX = (canvasWidth - rw) / 2, padY = (canvasHeight - rh) / 2;
        // Fill only the bands outside the resized image.
        canvas[..(padY * stride)].Fill(fill);
        canvas[((padY + rh) * stride)..(canvasHeight * stride)].Fill(fill);
        for (int y = padY; y < padY + rh; y++)
        {
            canvas.Slice(y * stride, padX * channels).Fill(fill);
            canvas.Slice(y * stride + (padX + rw) * channels, (canvasWidth - padX - rw) * channels).Fill(fill);
        }
        Resize.Bilinear(src, width, height, channels, canvas[((padY * canvasWidth + padX) * channels)..], stride, rw, rh);
        return new LetterboxInfo(scale, padX, padY, rw, rh);
    }

    /// <summary>
    /// HWC 8-bit → CHW float, <c>(p/255 − mean[c]) / std[c]</c>, in one pass into <paramref name="chw"/>.
    /// Bit-identical to torchvision's <c>normalize(to_tensor(img), mean, std)</c>.
    /// </summary>
    /// <param name="hwc">source pixels.</param>
    /// <param name="width">image width.</param>
    /// <param name="height">image height.</param>
    /// <param name="channels">channels (1–4).</param>
    /// <param name="chw">destination, <c>channels·height·width</c>.</param>
    /// <param name="mean">per-channel mean (empty for 0).</param>
    /// <param name="std">per-channel standard deviation (empty for 1).</param>
    public static void ToChwNormalized(ReadOnlySpan<byte> hwc, int width, int height, int channels, Span<float> chw,
        ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
        => CropToChwNormalized(hwc, width, height, channels, 0, 0, width, height, chw, mean, std);

    /// <summary>Center crop fused with the HWC → CHW normalization: torchvision's <c>CenterCrop</c>, <c>ToTensor</c>, <c>Normalize</c> in one pass.</summary>
    /// <param name="hwc">source pixels.</param>
    /// <param name="width">image width.</param>
    /// <param name="height">image height.</param>
    /// <param name="channels">channels (1–4).</param>
    /// <param name="cropWidth">crop width.</param>
    /// <param name="cropHeight">crop height.</param>
    /// <param name="chw">destination, <c>channels·cropHeight·cropWidth</c>.</param>
    /// <param name="mean">per-channel mean (empty for 0).</param>
    /// <param name="std">per-channel standard deviation (empty for 1).</param>
    public static void CenterCropToChwNormalized(ReadOnlySpan<byte> hwc, int width, int height, int channels,
        int cropWidth, int cropHeight, Span<float> chw, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        var (x0, y0) = CenterCropOrigin(width, height, cropWidth, cropHeight);
        CropToChwNormalized(hwc, width, height, channels, x0, y0, cropWidth, cropHeight, chw, mean, std);
    }

    /// <summary>Any rectangular region of an HWC 8-bit image → normalized CHW float, one pass.</summary>
    /// <param name="hwc">source pixels.</param>
    /// <param name="width">image width.</param>
    /// <param name="height">image height.</param>
    /// <param name="channels">channels (1–4).</param>
    /// <param name="x">region left.</param>
    /// <param name="y">region top.</param>
    /// <param name="regionWidth">region width.</param>
    /// <param name="regionHeight">region height.</param>
    /// <param name="chw">destination, <c>channels·regionHeight·regionWidth</c>.</param>
    /// <param name="mean">per-channel mean (empty for 0).</param>
    /// <param name="std">per-channel standard deviation (empty for 1).</param>
    public static void CropToChwNormalized(ReadOnlySpan<byte> hwc, int width, int height, int channels,
        int x, int y, int regionWidth, int regionHeight, Span<float> chw, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        CheckImage(hwc.Length, width, height, channels);
        if (channels > 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 to 4.");
        if (x < 0 || y < 0 || regionWidth <= 0 || regionHeight <= 0 || x + regionWidth > width || y + regionHeight > height)
            throw new ArgumentOutOfRangeException(nameof(x), $"Region {x},{y} {regionWidth}x{regionHeight} must lie inside {width}x{height}.");
        if (!mean.IsEmpty && mean.Length != channels) throw new ArgumentException($"Mean has {mean.Length} values for {channels} channels.", nameof(mean));
        if (!std.IsEmpty && std.Length != channels) throw new ArgumentException($"Std has {std.Length} values for {channels} channels.", nameof(std));
        int plane = regionWidth * regionHeight;
        if (chw.Length < plane * channels) throw new ArgumentException($"Destination holds {chw.Length} values; {channels}x{regionHeight}x{regionWidth} needs {plane * channels}.", nameof(chw));

        // A 256-entry table per channel, computed with torchvision's exact float operations
        // (p / 255, − mean, / std), makes the pass one lookup per value and the result bit-identical.
        Span<float> lut = stackalloc float[4 * 256];
        for (int c = 0; c < channels; c++)
        {
            float m = mean.IsEmpty ? 0f : mean[c], s = std.IsEmpty ? 1f : std[c];
            for (int p = 0; p < 256; p++) lut[c * 256 + p] = (p / 255f - m) / s;
        }
        for (int row = 0; row < regionHeight; row++)
        {
            var src = hwc.Slice(((y + row) * width + x) * channels, regionWidth * channels);
            int o = row * regionWidth;
            switch (channels)
            {
                case 3:
                {
                    var d0 = chw.Slice(o, regionWidth);
                    var d1 = chw.Slice(plane + o, regionWidth);
                    var d2 = chw.Slice(2 * plane + o, regionWidth);
                    var l0 = lut[..256];
                    var l1 = lut.Slice(256, 256);
                    var l2 = lut.Slice(512, 256);
                    for (int i = 0, j = 0; i < regionWidth; i++, j += 3)
                    {
                        d0[i] = l0[src[j]];
                        d1[i] = l1[src[j + 1]];
                        d2[i] = l2[src[j + 2]];
                    }
                    break;
                }
                default:
                    for (int c = 0; c < channels; c++)
                    {
                        var d = chw.Slice(c * plane + o, regionWidth);
                        var l = lut.Slice(c * 256, 256);
                        for (int i = 0; i < regionWidth; i++) d[i] = l[src[i * channels + c]];
                    }
                    break;
            }
        }
    }

    private static void CheckImage(int length, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Image size must be positive.");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (length < (long)width * height * channels) throw new ArgumentException($"Image holds {length} bytes; {width}x{height}x{channels} needs {(long)width * height * channels}.");
    }
}
