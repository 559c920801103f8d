using System.Buffers.Binary;
using System.Text.Json;
using VisionGen.Cpu;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Cpu;

/// <summary>
/// RoIAlign against torchvision 0.14's <c>ops.roi_align</c> (make_faster_rcnn_fixtures.py: aligned False/True, sampling
/// ratio fixed and adaptive, boxes partly or wholly outside the map, degenerate boxes, FPN-like scales) and against a
/// naive double-precision reference written from the definition (bilinear samples averaged per bin), over a table of
/// shapes. The feature-major layout the RoI heads use (stride = box count) holds the same values.
/// </summary>
public class CpuRoiAlignTests(ITestOutputHelper log)
{
    [Fact]
    public void MatchesTorchvision()
    {
        string path = Fixtures.PathOf("roi_align.safetensors");
        Dictionary<string, float[]> t = Fixtures.ReadF32(path);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        using JsonDocument cases = JsonDocument.Parse(header.RootElement.GetProperty("__metadata__").GetProperty("cases").GetString()!);
        int i = 0;
        foreach (JsonElement c in cases.RootElement.EnumerateArray())
        {
            int channels = c.GetProperty("channels").GetInt32(), h = c.GetProperty("height").GetInt32(), w = c.GetProperty("width").GetInt32();
            int ph = c.GetProperty("pooled_h").GetInt32(), pw = c.GetProperty("pooled_w").GetInt32();
            float scale = (float)c.GetProperty("spatial_scale").GetDouble();
            int ratio = c.GetProperty("sampling_ratio").GetInt32();
            bool aligned = c.GetProperty("aligned").GetBoolean();
            float[] input = t[$"case_{i}_input"], rois = t[$"case_{i}_rois"], expected = t[$"case_{i}_out"];
            var ours = new float[expected.Length];
            RoiAlign.Forward(input, channels, h, w, rois, scale, ph, pw, ratio, aligned, ours);
            double err = 0;
            for (int k = 0; k < ours.Length; k++) err = Math.Max(err, Math.Abs(ours[k] - expected[k]));
            log.WriteLine($"case {i}: {rois.Length / 4} boxes, C={channels} {h}x{w} -> {ph}x{pw}, scale {scale}, ratio {ratio}, aligned {aligned}: max error {err:E2}");
            Assert.True(err <= 1e-6, $"case {i}: error {err}");
            i++;
        }
        Assert.Equal(6, i);
    }

    public static TheoryData<int, int, int, int, int, float, int, bool> Shapes => new()
    {
        { 3, 9, 11, 7, 7, 1f, 2, false },
        { 2, 16, 20, 7, 7, 0.25f, 2, false },
        { 5, 5, 8, 2, 3, 0.5f, 0, false },
        { 4, 12, 7, 3, 3, 1f, -1, true },
        { 1, 1, 1, 2, 2, 1f, 2, false },
        { 6, 13, 17, 7, 5, 0.125f, 3, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveReference(int channels, int h, int w, int ph, int pw, float scale, int ratio, bool aligned)
    {
        var rng = new Random(channels * 131 + h * 17 + w);
        var input = new float[channels * h * w];
        for (int i = 0; i < input.Length; i++) input[i] = (float)(rng.NextDouble() * 2 - 1);
        const int boxes = 9;
        var rois = new float[4 * boxes];
        float spanX = w / scale, spanY = h / scale;
        for (int b = 0; b < boxes; b++)
        {
            float x1 = (float)(rng.NextDouble() * 1.4 - 0.2) * spanX, y1 = (float)(rng.NextDouble() * 1.4 - 0.2) * spanY;
            float bw = (float)(rng.NextDouble() * 0.8) * spanX, bh = (float)(rng.NextDouble() * 0.8) * spanY;
            if (b == 0) { bw = 0; bh = 0; }
            rois[4 * b] = x1; rois[4 * b + 1] = y1; rois[4 * b + 2] = x1 + bw; rois[4 * b + 3] = y1 + bh;
        }
        int perBox = channels * ph * pw;
        var ours = new float[boxes * perBox];
        RoiAlign.Forward(input, channels, h, w, rois, scale, ph, pw, ratio, aligned, ours);
        var featureMajor = new float[boxes * perBox];
        for (int b = 0; b < boxes; b++)
            RoiAlign.Box(input, channels, h, w, rois.AsSpan(4 * b, 4), scale, ph, pw, ratio, aligned, featureMajor.AsSpan(b), boxes);
        double err = 0;
        for (int b = 0; b < boxes; b++)
        {
            double[] expected = Naive(input, channels, h, w, rois.AsSpan(4 * b, 4), scale, ph, pw, ratio, aligned);
            for (int k = 0; k < perBox; k++)
            {
                err = Math.Max(err, Math.Abs(ours[b * perBox + k] - expected[k]));
                Assert.Equal(ours[b * perBox + k], featureMajor[k * boxes + b]);
            }
        }
        Assert.True(err <= 1e-5, $"max error {err}");
    }

    /// <summary>RoIAlign from its definition, in double: the bin's grid of samples, each bilinear inside the map (clamped at its border, zero beyond one pixel out), averaged.</summary>
    private static double[] Naive(float[] x, int channels, int h, int w, ReadOnlySpan<float> box, float scale, int ph, int pw, int ratio, bool aligned)
    {
        double off = aligned ? 0.5 : 0;
        double x0 = box[0] * (double)scale - off, y0 = box[1] * (double)scale - off;
        double rw = box[2] * (double)scale - off - x0, rh = box[3] * (double)scale - off - y0;
        if (!aligned) { rw = Math.Max(rw, 1); rh = Math.Max(rh, 1); }
        double bh = rh / ph, bw = rw / pw;
        int gh = ratio > 0 ? ratio : (int)Math.Ceiling(rh / ph), gw = ratio > 0 ? ratio : (int)Math.Ceiling(rw / pw);
        var result = new double[channels * ph * pw];
        for (int c = 0; c < channels; c++)
            for (int py = 0; py < ph; py++)
                for (int px = 0; px < pw; px++)
                {
                    double sum = 0;
                    for (int iy = 0; iy < gh; iy++)
                        for (int ix = 0; ix < gw; ix++)
                            sum += Bilinear(x, c, h, w, y0 + (py + (iy + 0.5) / gh) * bh, x0 + (px + (ix + 0.5) / gw) * bw);
                    result[(c * ph + py) * pw + px] = sum / Math.Max(gh * gw, 1);
                }
        return result;
    }

    private static double Bilinear(float[] x, int c, int h, int w, double y, double xx)
    {
        if (y < -1 || y > h || xx < -1 || xx > w) return 0;
        y = Math.Clamp(y, 0, h - 1);
        xx = Math.Clamp(xx, 0, w - 1);
        int y0 = (int)y, x0 = (int)xx, y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
        double ly = y - y0, lx = xx - x0;
        float V(int yy, int xi) => x[(c * h + yy) * w + xi];
        return (1 - ly) * (1 - lx) * V(y0, x0) + (1 - ly) * lx * V(y0, x1) + ly * (1 - lx) * V(y1, x0) + ly * lx * V(y1, x1);
    }
}
