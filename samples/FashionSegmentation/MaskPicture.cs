using VisionGen.Imaging;

namespace FashionSegmentation;

/// <summary>Draws one canvas as three panels — input | ground truth | prediction — with a colour legend below.</summary>
internal static class MaskPicture
{
    private const int Scale = 3, Gap = 8, Title = 12, LegendRow = 12;

    /// <summary>One colour per label: black background, then the 10 classes.</summary>
    public static readonly (byte R, byte G, byte B)[] Palette =
    [
        (0, 0, 0), (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (255, 230, 90), (23, 190, 207), (188, 189, 34),
    ];

    public static void Write(string path, TestCanvases canvases, int index, ReadOnlySpan<byte> prediction, string[] labels)
    {
        int panelW = canvases.Width * Scale, panelH = canvases.Height * Scale;
        int legendColumns = 4, legendRows = (labels.Length + legendColumns - 1) / legendColumns;
        int width = 3 * panelW + 4 * Gap, height = Title + panelH + Gap + legendRows * LegendRow + Gap;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)245);

        int plane = canvases.PlaneLength;
        ReadOnlySpan<byte> pixels = canvases.Pixels.AsSpan(index * plane, plane);
        ReadOnlySpan<byte> truth = canvases.Labels.AsSpan(index * plane, plane);
        string[] titles = ["input", "ground truth", "prediction"];
        for (int panel = 0; panel < 3; panel++)
        {
            int x0 = Gap + panel * (panelW + Gap), y0 = Title;
            Annotate.Text(rgb, width, height, x0, 2, titles[panel], (40, 40, 40));
            for (int y = 0; y < panelH; y++)
            for (int x = 0; x < panelW; x++)
            {
                int i = y / Scale * canvases.Width + x / Scale;
                (byte R, byte G, byte B) c = panel switch
                {
                    0 => (pixels[i], pixels[i], pixels[i]),
                    1 => Palette[truth[i]],
                    _ => Palette[prediction[i]],
                };
                int o = 3 * ((y0 + y) * width + x0 + x);
                rgb[o] = c.R;
                rgb[o + 1] = c.G;
                rgb[o + 2] = c.B;
            }
        }

        int columnWidth = (width - 2 * Gap) / legendColumns;
        for (int k = 0; k < labels.Length; k++)
        {
            int x0 = Gap + k % legendColumns * columnWidth, y0 = Title + panelH + Gap + k / legendColumns * LegendRow;
            Annotate.Fill(rgb, width, height, x0, y0, x0 + 9, y0 + 9, (90, 90, 90));
            Annotate.Fill(rgb, width, height, x0 + 1, y0 + 1, x0 + 8, y0 + 8, Palette[k]);
            Annotate.Text(rgb, width, height, x0 + 13, y0 + 1, labels[k], (40, 40, 40));
        }
        PngWriter.Save(path, rgb, width, height, 3);
    }
}
