using VisionGen.Imaging;

namespace VisionGen;

/// <summary>Turning a segmenter's logits into labels.</summary>
public static class Segmentation
{
    /// <summary>
    /// The label of every pixel: the class with the largest logit (the first on ties, as torch.argmax over the class
    /// dimension). Allocates nothing.
    /// </summary>
    /// <param name="logits">The model's output, [batch, classes, height, width].</param>
    /// <param name="batch">Images in <paramref name="logits"/>.</param>
    /// <param name="classes">Number of classes (1 to 256).</param>
    /// <param name="labels">Receives batch·height·width labels, image by image, row by row.</param>
    /// <exception cref="ArgumentException">A size does not match, or more than 256 classes.</exception>
    public static void Labels(ReadOnlySpan<float> logits, int batch, int classes, Span<byte> labels)
    {
        if (classes is < 1 or > 256) throw new ArgumentException($"{classes} classes do not fit a byte label.", nameof(classes));
        if (batch < 1 || labels.Length % batch != 0) throw new ArgumentException($"{labels.Length} labels do not split into {batch} images.", nameof(labels));
        if (logits.Length != (long)classes * labels.Length)
            throw new ArgumentException($"Logits need {classes} floats per label ({(long)classes * labels.Length}), got {logits.Length}.", nameof(logits));
        const int Chunk = 256;
        int plane = labels.Length / batch;
        Span<float> best = stackalloc float[Chunk];
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> image = logits.Slice(n * classes * plane, classes * plane);
            Span<byte> mask = labels.Slice(n * plane, plane);
            // A chunk of pixels at a time, class after class: every read is contiguous and the running maxima stay in L1.
            for (int start = 0; start < plane; start += Chunk)
            {
                int count = Math.Min(Chunk, plane - start);
                Span<float> top = best[..count];
                Span<byte> chunk = mask.Slice(start, count);
                image.Slice(start, count).CopyTo(top);
                chunk.Clear();
                for (int k = 1; k < classes; k++)
                {
                    ReadOnlySpan<float> row = image.Slice(k * plane + start, count);
                    for (int i = 0; i < count; i++)
                    {
                        if (row[i] > top[i])
                        {
                            top[i] = row[i];
                            chunk[i] = (byte)k;
                        }
                    }
                }
            }
        }
    }

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
