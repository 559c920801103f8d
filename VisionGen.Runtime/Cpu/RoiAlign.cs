using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace VisionGen.Cpu;

/// <summary>
/// RoIAlign, as torchvision 0.14 <c>ops.roi_align</c> on the CPU, in float32 and in the same order of operations: each
/// box is scaled by <c>spatialScale</c> (minus 0.5 when <c>aligned</c>; without it a box is at least 1×1), split into
/// pooledH × pooledW bins, and every bin averages a grid of bilinear samples (<c>samplingRatio</c> per side, or
/// ceil(bin size) when it is not positive). Samples more than one pixel outside the map are 0, samples near the border
/// are clamped into it, as the C++ kernel does.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RoiAlign
{
    // Samples of one bin whose positions and weights are computed once and shared by every channel; larger grids
    // (adaptive sampling of large boxes) compute them per channel, with the same arithmetic.
    private const int MaxPrecomputed = 64;

    /// <summary>RoIAlign of <paramref name="boxes"/> over one [C, H, W] feature map into [boxes, C, pooledH, pooledW].</summary>
    /// <param name="input">The feature map, C·H·W floats (CHW).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="boxes">Boxes, [n, 4] as (x1, y1, x2, y2) in input-image coordinates.</param>
    /// <param name="spatialScale">Feature-map size over image size (1/stride).</param>
    /// <param name="pooledHeight">Output bins per column.</param>
    /// <param name="pooledWidth">Output bins per row.</param>
    /// <param name="samplingRatio">Samples per bin side; 0 or less: ceil(bin size), adaptive.</param>
    /// <param name="aligned">Shift boxes by −0.5 pixel (torchvision's <c>aligned=True</c>); false keeps the legacy behavior Faster R-CNN uses.</param>
    /// <param name="output">Receives n·C·pooledH·pooledW floats.</param>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    public static void Forward(ReadOnlySpan<float> input, int channels, int height, int width, ReadOnlySpan<float> boxes, float spatialScale,
        int pooledHeight, int pooledWidth, int samplingRatio, bool aligned, Span<float> output)
    {
        if (boxes.Length % 4 != 0) throw new ArgumentException($"boxes has {boxes.Length} floats, not a multiple of 4.", nameof(boxes));
        int n = boxes.Length / 4;
        long perBox = (long)channels * pooledHeight * pooledWidth;
        if (output.Length < n * perBox) throw new ArgumentException($"Output needs {n * perBox} floats, got {output.Length}.", nameof(output));
        for (int i = 0; i < n; i++)
            Box(input, channels, height, width, boxes.Slice(4 * i, 4), spatialScale, pooledHeight, pooledWidth, samplingRatio, aligned, output.Slice((int)(i * perBox)), 1);
    }

    /// <summary>
    /// RoIAlign of one box: output value (c, py, px) goes to <c>output[((c·pooledH + py)·pooledW + px)·stride]</c>, so
    /// stride 1 writes [C, pooledH, pooledW] and stride n writes one column of a feature-major [C·pooledH·pooledW, n]
    /// matrix (the RoI heads' layout: the fully connected layers then multiply it as it is).
    /// </summary>
    /// <param name="input">The feature map, C·H·W floats (CHW).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="box">(x1, y1, x2, y2) in input-image coordinates.</param>
    /// <param name="spatialScale">Feature-map size over image size.</param>
    /// <param name="pooledHeight">Output bins per column.</param>
    /// <param name="pooledWidth">Output bins per row.</param>
    /// <param name="samplingRatio">Samples per bin side; 0 or less: adaptive.</param>
    /// <param name="aligned">torchvision's <c>aligned</c>.</param>
    /// <param name="output">Receives the values at multiples of <paramref name="stride"/>.</param>
    /// <param name="stride">Distance between consecutive output values.</param>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    public static void Box(ReadOnlySpan<float> input, int channels, int height, int width, ReadOnlySpan<float> box, float spatialScale,
        int pooledHeight, int pooledWidth, int samplingRatio, bool aligned, Span<float> output, int stride)
    {
        if (channels <= 0 || height <= 0 || width <= 0 || pooledHeight <= 0 || pooledWidth <= 0 || stride <= 0)
            throw new ArgumentException("Channels, map size, pooled size and stride must be positive.");
        long plane = (long)height * width;
        if (input.Length < channels * plane) throw new ArgumentException($"Input needs {channels * plane} floats, got {input.Length}.", nameof(input));
        if (box.Length < 4) throw new ArgumentException("A box is 4 floats.", nameof(box));
        long bins = (long)pooledHeight * pooledWidth;
        long last = ((channels - 1) * bins + bins - 1) * stride;
        if (output.Length <= last) throw new ArgumentException($"Output needs {last + 1} floats, got {output.Length}.", nameof(output));

        float offset = aligned ? 0.5f : 0f;
        float startW = box[0] * spatialScale - offset;
        float startH = box[1] * spatialScale - offset;
        float endW = box[2] * spatialScale - offset;
        float endH = box[3] * spatialScale - offset;
        float roiW = endW - startW, roiH = endH - startH;
        if (!aligned)
        {
            roiW = MathF.Max(roiW, 1f);
            roiH = MathF.Max(roiH, 1f);
        }
        float binH = roiH / pooledHeight, binW = roiW / pooledWidth;
        int gridH = samplingRatio > 0 ? samplingRatio : (int)MathF.Ceiling(roiH / pooledHeight);
        int gridW = samplingRatio > 0 ? samplingRatio : (int)MathF.Ceiling(roiW / pooledWidth);
        float count = Math.Max(gridH * gridW, 1);
        int samples = gridH * gridW;

        Span<int> pos = stackalloc int[4 * MaxPrecomputed];
        Span<float> weight = stackalloc float[4 * MaxPrecomputed];
        for (int py = 0; py < pooledHeight; py++)
        {
            for (int px = 0; px < pooledWidth; px++)
            {
                int bin = py * pooledWidth + px;
                if (samples <= MaxPrecomputed)
                {
                    int s = 0;
                    for (int iy = 0; iy < gridH; iy++)
                    for (int ix = 0; ix < gridW; ix++, s++)
                        Sample(height, width, SampleY(startH, py, binH, iy, gridH), SampleX(startW, px, binW, ix, gridW), pos.Slice(4 * s, 4), weight.Slice(4 * s, 4));
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<float> map = input.Slice((int)(c * plane), (int)plane);
                        float sum = 0f;
                        for (int k = 0; k < samples; k++)
                            sum += Bilinear(map, pos.Slice(4 * k, 4), weight.Slice(4 * k, 4));
                        output[(int)((c * bins + bin) * stride)] = sum / count;
                    }
                }
                else
                {
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<float> map = input.Slice((int)(c * plane), (int)plane);
                        float sum = 0f;
                        for (int iy = 0; iy < gridH; iy++)
                        for (int ix = 0; ix < gridW; ix++)
                        {
                            Sample(height, width, SampleY(startH, py, binH, iy, gridH), SampleX(startW, px, binW, ix, gridW), pos.Slice(0, 4), weight.Slice(0, 4));
                            sum += Bilinear(map, pos.Slice(0, 4), weight.Slice(0, 4));
                        }
                        output[(int)((c * bins + bin) * stride)] = sum / count;
                    }
                }
            }
        }
    }

    // roi_start + p·bin + (i + 0.5)·bin / grid, each operation rounded to float32 in this order.
    private static float SampleY(float start, int p, float bin, int i, int grid) => start + p * bin + (i + .5f) * bin / grid;

    private static float SampleX(float start, int p, float bin, int i, int grid) => start + p * bin + (i + .5f) * bin / grid;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Bilinear(ReadOnlySpan<float> map, ReadOnlySpan<int> pos, ReadOnlySpan<float> w)
        => w[0] * map[pos[0]] + w[1] * map[pos[1]] + w[2] * map[pos[2]] + w[3] * map[pos[3]];

    /// <summary>The four neighbours and weights of a sample, as torchvision's pre_calc_for_bilinear_interpolate.</summary>
    private static void Sample(int height, int width, float y, float x, Span<int> pos, Span<float> w)
    {
        if (!(y >= -1.0 && y <= height && x >= -1.0 && x <= width))
        {
            pos.Clear();
            w.Clear();
            return;
        }
        if (y <= 0) y = 0;
        if (x <= 0) x = 0;
        int yLow = (int)y, xLow = (int)x, yHigh, xHigh;
        if (yLow >= height - 1)
        {
            yHigh = yLow = height - 1;
            y = yLow;
        }
        else
        {
            yHigh = yLow + 1;
        }
        if (xLow >= width - 1)
        {
            xHigh = xLow = width - 1;
            x = xLow;
        }
        else
        {
            xHigh = xLow + 1;
        }
        float ly = y - yLow, lx = x - xLow;
        float hy = 1f - ly, hx = 1f - lx;
        w[0] = hy * hx;
        w[1] = hy * lx;
        w[2] = ly * hx;
        w[3] = ly * lx;
        pos[0] = yLow * width + xLow;
        pos[1] = yLow * width + xHigh;
        pos[2] = yHigh * width + xLow;
        pos[3] = yHigh * width + xHigh;
    }
}
