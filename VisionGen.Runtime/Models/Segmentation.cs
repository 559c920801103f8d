using VisionGen.Imaging;

namespace VisionGen;

/// <summary>Turning a segmenter's logits into labels.</summary>
public static class Segmentation
{
    /// <summary>
    /// The label of every pixel of the source image: the class with the largest logit (the first on ties, as
    /// torch.argmax) at the model pixel nearest to the source pixel's centre through <paramref name="mapping"/> (pixels the
    /// fit cropped away take the nearest model pixel's label). Allocates nothing.
    /// </summary>
    /// <param name="logits">The model's output for one image, [classes, height, width].</param>
    /// <param name="classes">Number of classes (at most 256).</param>
    /// <param name="height">The model's output height.</param>
    /// <param name="width">The model's output width.</param>
    /// <param name="mapping">How model coordinates relate to the source's (from the preprocessing).</param>
    /// <param name="sourceWidth">Source image width.</param>
    /// <param name="sourceHeight">Source image height.</param>
    /// <param name="labels">Receives sourceWidth·sourceHeight labels, row by row.</param>
    /// <exception cref="ArgumentException">A size does not match, or more than 256 classes.</exception>
    public static void LabelsAtSource(ReadOnlySpan<float> logits, int classes, int height, int width, ImageMapping mapping,
        int sourceWidth, int sourceHeight, Span<byte> labels)
    {
        if (classes is < 1 or > 256) throw new ArgumentException($"{classes} classes do not fit a byte label.", nameof(classes));
        int plane = height * width;
        if (logits.Length != classes * plane) throw new ArgumentException($"Logits need {classes}x{height}x{width} floats, got {logits.Length}.", nameof(logits));
        if (labels.Length != sourceWidth * sourceHeight) throw new ArgumentException($"Labels need {sourceWidth}x{sourceHeight} bytes, got {labels.Length}.", nameof(labels));
        for (int sy = 0; sy < sourceHeight; sy++)
        {
            int my = Math.Clamp((int)MathF.Floor((sy + 0.5f) * mapping.ScaleY + mapping.OffsetY), 0, height - 1);
            for (int sx = 0; sx < sourceWidth; sx++)
            {
                int mx = Math.Clamp((int)MathF.Floor((sx + 0.5f) * mapping.ScaleX + mapping.OffsetX), 0, width - 1);
                int at = my * width + mx, best = 0;
                float bestValue = logits[at];
                for (int k = 1; k < classes; k++)
                {
                    float v = logits[k * plane + at];
                    if (v > bestValue)
                    {
                        best = k;
                        bestValue = v;
                    }
                }
                labels[sy * sourceWidth + sx] = (byte)best;
            }
        }
    }
}
