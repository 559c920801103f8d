namespace VisionGen.Cpu;

/// <summary>Spatial resizing of CHW tensors.</summary>
public static class Resize
{
    /// <summary>
    /// Nearest-neighbour resize as torch's <c>F.interpolate(mode="nearest", size=...)</c>: output pixel (y, x) reads
    /// input (min(floor(y·inH/outH), inH−1), min(floor(x·inW/outW), inW−1)), the scale computed in float as torch does.
    /// </summary>
    public static void Nearest(int channels, int inHeight, int inWidth, int outHeight, int outWidth, ReadOnlySpan<float> input, Span<float> output)
    {
        if (channels <= 0 || inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0)
            throw new ArgumentException($"Invalid resize {channels}x{inHeight}x{inWidth} -> {outHeight}x{outWidth}.");
        if (input.Length < channels * inHeight * inWidth) throw new ArgumentException("Input span too short.", nameof(input));
        if (output.Length < channels * outHeight * outWidth) throw new ArgumentException("Output span too short.", nameof(output));
        float scaleY = (float)inHeight / outHeight, scaleX = (float)inWidth / outWidth;
        bool exact2x = outWidth == 2 * inWidth;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> plane = input.Slice(c * inHeight * inWidth, inHeight * inWidth);
            for (int y = 0; y < outHeight; y++)
            {
                int sy = Math.Min((int)MathF.Floor(y * scaleY), inHeight - 1);
                ReadOnlySpan<float> src = plane.Slice(sy * inWidth, inWidth);
                Span<float> dst = output.Slice((c * outHeight + y) * outWidth, outWidth);
                if (exact2x)
                {
                    for (int x = 0; x < inWidth; x++) dst[2 * x] = dst[2 * x + 1] = src[x];
                }
                else
                {
                    for (int x = 0; x < outWidth; x++) dst[x] = src[Math.Min((int)MathF.Floor(x * scaleX), inWidth - 1)];
                }
            }
        }
    }
}
