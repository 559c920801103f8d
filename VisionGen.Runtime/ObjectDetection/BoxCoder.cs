namespace VisionGen.ObjectDetection;

/// <summary>
/// RetinaNet / Faster R-CNN box decoding, as torchvision <c>det_utils.BoxCoder.decode_single</c> in float32:
/// widths are <c>x2 − x1</c> (no +1), the centre is <c>x1 + 0.5·w</c>, <c>dw</c> and <c>dh</c> are clamped
/// from above at <see cref="DefaultClip"/> = log(1000/16) before <c>exp</c>, and each operation is rounded
/// to float32 separately (no fused multiply-add), in torchvision's order.
/// </summary>
public static class BoxCoder
{
    /// <summary>torchvision's <c>bbox_xform_clip</c>: log(1000 / 16) rounded to float32, the largest <c>dw</c>/<c>dh</c> passed to exp.</summary>
    public static readonly float DefaultClip = (float)Math.Log(1000.0 / 16);

    /// <summary>Decodes one box with weights (1, 1, 1, 1) and the default clamp, RetinaNet's configuration.</summary>
    /// <param name="anchor">Reference box, 4 floats xyxy.</param>
    /// <param name="delta">Regression output (dx, dy, dw, dh), 4 floats.</param>
    /// <param name="box">Receives the decoded box, 4 floats xyxy.</param>
    public static void Decode(ReadOnlySpan<float> anchor, ReadOnlySpan<float> delta, Span<float> box)
        => Decode(anchor, delta, box, 1f, 1f, 1f, 1f, DefaultClip);

    /// <summary>Decodes one box as <c>BoxCoder(weights=(wx, wy, ww, wh), bbox_xform_clip=clip).decode_single</c>.</summary>
    /// <param name="anchor">Reference box, 4 floats xyxy.</param>
    /// <param name="delta">Regression output (dx, dy, dw, dh), 4 floats.</param>
    /// <param name="box">Receives the decoded box, 4 floats xyxy.</param>
    /// <param name="wx">Weight dividing dx.</param>
    /// <param name="wy">Weight dividing dy.</param>
    /// <param name="ww">Weight dividing dw.</param>
    /// <param name="wh">Weight dividing dh.</param>
    /// <param name="clip">Upper clamp of dw and dh before exp.</param>
    public static void Decode(ReadOnlySpan<float> anchor, ReadOnlySpan<float> delta, Span<float> box, float wx, float wy, float ww, float wh, float clip)
    {
        if (anchor.Length < 4 || delta.Length < 4 || box.Length < 4) ThrowTooShort();
        float widths = anchor[2] - anchor[0];
        float heights = anchor[3] - anchor[1];
        float ctrX = anchor[0] + 0.5f * widths;
        float ctrY = anchor[1] + 0.5f * heights;
        float dx = delta[0] / wx, dy = delta[1] / wy;
        float dw = MinPropagateNaN(delta[2] / ww, clip), dh = MinPropagateNaN(delta[3] / wh, clip);
        float predCtrX = dx * widths + ctrX;
        float predCtrY = dy * heights + ctrY;
        float predW = MathF.Exp(dw) * widths;
        float predH = MathF.Exp(dh) * heights;
        float halfW = 0.5f * predW, halfH = 0.5f * predH;
        box[0] = predCtrX - halfW;
        box[1] = predCtrY - halfH;
        box[2] = predCtrX + halfW;
        box[3] = predCtrY + halfH;
    }

    /// <summary>
    /// Clamps a box into the image as torchvision <c>box_ops.clip_boxes_to_image</c>: x into [0, width],
    /// y into [0, height]. NaN coordinates stay NaN, as with <c>torch.clamp</c>.
    /// </summary>
    /// <param name="box">Box to clip in place, 4 floats xyxy.</param>
    /// <param name="imageHeight">Image height in pixels.</param>
    /// <param name="imageWidth">Image width in pixels.</param>
    public static void ClipToImage(Span<float> box, int imageHeight, int imageWidth)
    {
        if (box.Length < 4) ThrowTooShort();
        float w = imageWidth, h = imageHeight;
        box[0] = Clamp(box[0], w);
        box[1] = Clamp(box[1], h);
        box[2] = Clamp(box[2], w);
        box[3] = Clamp(box[3], h);
    }

    private static float Clamp(float v, float max) => v < 0f ? 0f : v > max ? max : v;

    private static float MinPropagateNaN(float v, float max) => v > max ? max : v;

    internal static void ThrowTooShort() => throw new ArgumentException("Boxes and deltas are spans of at least 4 floats.");
}

/// <summary>
/// FCOS box decoding, as torchvision 0.14 <c>det_utils.BoxLinearCoder.decode</c> in float32: the regression
/// output holds distances (left, top, right, bottom) from the anchor centre <c>0.5·(x1 + x2)</c>, scaled by
/// the anchor's width/height when <c>normalize_by_size</c> (FCOS uses <c>True</c>).
/// </summary>
public static class BoxLinearCoder
{
    /// <summary>Decodes one box: x1 = cx − l·w, y1 = cy − t·h, x2 = cx + r·w, y2 = cy + b·h (w = h = 1 without normalization).</summary>
    /// <param name="anchor">Reference box, 4 floats xyxy.</param>
    /// <param name="delta">Regression output (l, t, r, b), 4 floats.</param>
    /// <param name="box">Receives the decoded box, 4 floats xyxy.</param>
    /// <param name="normalizeBySize">Multiply the distances by the anchor's width and height (torchvision's FCOS: true).</param>
    public static void Decode(ReadOnlySpan<float> anchor, ReadOnlySpan<float> delta, Span<float> box, bool normalizeBySize = true)
    {
        if (anchor.Length < 4 || delta.Length < 4 || box.Length < 4) BoxCoder.ThrowTooShort();
        float ctrX = 0.5f * (anchor[0] + anchor[2]);
        float ctrY = 0.5f * (anchor[1] + anchor[3]);
        float l = delta[0], t = delta[1], r = delta[2], b = delta[3];
        if (normalizeBySize)
        {
            float w = anchor[2] - anchor[0], h = anchor[3] - anchor[1];
            l *= w; t *= h; r *= w; b *= h;
        }
        box[0] = ctrX - l;
        box[1] = ctrY - t;
        box[2] = ctrX + r;
        box[3] = ctrY + b;
    }
}
