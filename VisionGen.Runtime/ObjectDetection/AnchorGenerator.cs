namespace VisionGen.ObjectDetection;

/// <summary>
/// Anchor boxes exactly as torchvision's <c>AnchorGenerator</c> (models/detection/anchor_utils.py) computes
/// them in float32: zero-centred cell anchors rounded half-to-even, shifted over each feature map with an
/// integer stride of <c>imageSize / featureSize</c> per axis. Load-time code: it allocates its results.
/// </summary>
public static class AnchorGenerator
{
    /// <summary>
    /// Zero-centred base anchors for one level, <c>[ratios × sizes, 4]</c> xyxy, ratio-major (index
    /// <c>r * sizes.Length + s</c>), as <c>AnchorGenerator.generate_anchors</c>: h = √ratio, w = 1/h,
    /// base = round([−w·size, −h·size, w·size, h·size] / 2) in float32, round half to even.
    /// The aspect ratio is height / width.
    /// </summary>
    /// <param name="sizes">Anchor sizes (square side in pixels) for this level.</param>
    /// <param name="aspectRatios">Height/width ratios for this level.</param>
    /// <returns>A new array of <c>4 · ratios · sizes</c> floats.</returns>
    public static float[] CellAnchors(ReadOnlySpan<float> sizes, ReadOnlySpan<float> aspectRatios)
    {
        if (sizes.IsEmpty) throw new ArgumentException("At least one anchor size is required.", nameof(sizes));
        if (aspectRatios.IsEmpty) throw new ArgumentException("At least one aspect ratio is required.", nameof(aspectRatios));
        var result = new float[4 * sizes.Length * aspectRatios.Length];
        int k = 0;
        for (int r = 0; r < aspectRatios.Length; r++)
        {
            if (!(aspectRatios[r] > 0) || float.IsInfinity(aspectRatios[r]))
                throw new ArgumentOutOfRangeException(nameof(aspectRatios), $"Aspect ratio {aspectRatios[r]} must be positive and finite.");
            float hRatio = MathF.Sqrt(aspectRatios[r]);
            float wRatio = 1f / hRatio;
            for (int s = 0; s < sizes.Length; s++)
            {
                if (!(sizes[s] > 0) || float.IsInfinity(sizes[s]))
                    throw new ArgumentOutOfRangeException(nameof(sizes), $"Anchor size {sizes[s]} must be positive and finite.");
                float w = wRatio * sizes[s];
                float h = hRatio * sizes[s];
                result[k++] = MathF.Round(-w / 2f, MidpointRounding.ToEven);
                result[k++] = MathF.Round(-h / 2f, MidpointRounding.ToEven);
                result[k++] = MathF.Round(w / 2f, MidpointRounding.ToEven);
                result[k++] = MathF.Round(h / 2f, MidpointRounding.ToEven);
            }
        }
        return result;
    }

    /// <summary>
    /// All anchors of an image, <c>[N, 4]</c> xyxy, in torchvision's order: level-major, then location
    /// (row y, then column x), then cell anchor (ratio-major, then size). The stride of level <c>l</c> is
    /// <c>imageHeight / H</c> and <c>imageWidth / W</c> (integer division, as torchvision divides the
    /// tensor sizes); the anchor of location (y, x) is the cell anchor plus (x·strideW, y·strideH, x·strideW, y·strideH).
    /// </summary>
    /// <param name="imageHeight">Input height in pixels (the padded batch height in torchvision).</param>
    /// <param name="imageWidth">Input width in pixels.</param>
    /// <param name="featureSizes">Feature-map size (H, W) of every level.</param>
    /// <param name="sizesPerLevel">Anchor sizes of every level.</param>
    /// <param name="ratiosPerLevel">Aspect ratios (height / width) of every level.</param>
    /// <returns>A new array of <c>4 · Σ H·W·A</c> floats.</returns>
    public static float[] Generate(int imageHeight, int imageWidth, (int H, int W)[] featureSizes, float[][] sizesPerLevel, float[][] ratiosPerLevel)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(sizesPerLevel);
        ArgumentNullException.ThrowIfNull(ratiosPerLevel);
        if (imageHeight <= 0 || imageWidth <= 0) throw new ArgumentOutOfRangeException(nameof(imageHeight), "Image size must be positive.");
        if (featureSizes.Length != sizesPerLevel.Length || featureSizes.Length != ratiosPerLevel.Length)
            throw new ArgumentException($"featureSizes ({featureSizes.Length}), sizesPerLevel ({sizesPerLevel.Length}) and ratiosPerLevel ({ratiosPerLevel.Length}) must have one entry per level.");
        var cells = new float[featureSizes.Length][];
        long total = 0;
        for (int l = 0; l < featureSizes.Length; l++)
        {
            var (h, w) = featureSizes[l];
            if (h <= 0 || w <= 0) throw new ArgumentOutOfRangeException(nameof(featureSizes), $"Level {l} feature size ({h}, {w}) must be positive.");
            cells[l] = CellAnchors(sizesPerLevel[l], ratiosPerLevel[l]);
            total += (long)h * w * cells[l].Length;
        }
        var anchors = new float[checked((int)total)];
        int k = 0;
        for (int l = 0; l < featureSizes.Length; l++)
        {
            var (h, w) = featureSizes[l];
            int strideH = imageHeight / h, strideW = imageWidth / w;
            float[] cell = cells[l];
            for (int y = 0; y < h; y++)
            {
                float sy = y * strideH;
                for (int x = 0; x < w; x++)
                {
                    float sx = x * strideW;
                    for (int a = 0; a < cell.Length; a += 4)
                    {
                        anchors[k++] = sx + cell[a];
                        anchors[k++] = sy + cell[a + 1];
                        anchors[k++] = sx + cell[a + 2];
                        anchors[k++] = sy + cell[a + 3];
                    }
                }
            }
        }
        return anchors;
    }

    /// <summary>Number of anchors of every level (H·W·sizes·ratios), the split torchvision applies to head outputs.</summary>
    /// <param name="featureSizes">Feature-map size (H, W) of every level.</param>
    /// <param name="sizesPerLevel">Anchor sizes of every level.</param>
    /// <param name="ratiosPerLevel">Aspect ratios of every level.</param>
    /// <returns>A new array with one count per level.</returns>
    public static int[] AnchorsPerLevel((int H, int W)[] featureSizes, float[][] sizesPerLevel, float[][] ratiosPerLevel)
    {
        ArgumentNullException.ThrowIfNull(featureSizes);
        ArgumentNullException.ThrowIfNull(sizesPerLevel);
        ArgumentNullException.ThrowIfNull(ratiosPerLevel);
        if (featureSizes.Length != sizesPerLevel.Length || featureSizes.Length != ratiosPerLevel.Length)
            throw new ArgumentException("featureSizes, sizesPerLevel and ratiosPerLevel must have one entry per level.");
        var counts = new int[featureSizes.Length];
        for (int l = 0; l < counts.Length; l++)
            counts[l] = checked(featureSizes[l].H * featureSizes[l].W * sizesPerLevel[l].Length * ratiosPerLevel[l].Length);
        return counts;
    }

    /// <summary>
    /// RetinaNet's default anchor sizes, as torchvision's <c>retinanet._default_anchorgen</c>: for x in
    /// 32, 64, 128, 256, 512 the sizes (x, int(x·2^(1/3)), int(x·2^(2/3))) — truncated to integers, e.g.
    /// (32, 40, 50) and (512, 645, 812).
    /// </summary>
    /// <returns>Five new arrays of three sizes.</returns>
    public static float[][] RetinaNetDefaultSizes()
    {
        var sizes = new float[5][];
        for (int i = 0; i < sizes.Length; i++) sizes[i] = Ops.AnchorLayout.RetinaNetSizes(Ops.AnchorLayout.RetinaNetBase(i));
        return sizes;
    }

    /// <summary>RetinaNet's default aspect ratios: (0.5, 1, 2) on each of five levels.</summary>
    /// <returns>Five new arrays.</returns>
    public static float[][] RetinaNetDefaultRatios() => [[0.5f, 1f, 2f], [0.5f, 1f, 2f], [0.5f, 1f, 2f], [0.5f, 1f, 2f], [0.5f, 1f, 2f]];

    /// <summary>FCOS's default anchor sizes (torchvision <c>FCOS</c>): one square anchor of 8, 16, 32, 64, 128 per level.</summary>
    /// <returns>Five new arrays of one size.</returns>
    public static float[][] FcosDefaultSizes() => [[Ops.AnchorLayout.FcosBase(0)], [Ops.AnchorLayout.FcosBase(1)], [Ops.AnchorLayout.FcosBase(2)], [Ops.AnchorLayout.FcosBase(3)], [Ops.AnchorLayout.FcosBase(4)]];

    /// <summary>FCOS's default aspect ratios: (1) on each of five levels.</summary>
    /// <returns>Five new arrays.</returns>
    public static float[][] FcosDefaultRatios() => [[1f], [1f], [1f], [1f], [1f]];
}
