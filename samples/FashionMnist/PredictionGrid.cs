using VisionGen.Imaging;

namespace FashionMnist;

/// <summary>Draws test images in a grid, each with its predicted class (green if right, red with the truth if wrong).</summary>
internal static class PredictionGrid
{
    private const int Scale = 3, Caption = 20;

    public static void Write(string path, byte[] pixels, int rows, int cols, byte[] labels, byte[] predictions, string[] classes, int columns, int rowsOfTiles)
    {
        int tileW = cols * Scale + 8, tileH = rows * Scale + Caption;
        int width = columns * tileW, height = rowsOfTiles * tileH;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)250);
        for (int n = 0; n < columns * rowsOfTiles && n < labels.Length; n++)
        {
            int x0 = n % columns * tileW + 4, y0 = n / columns * tileH + 2;
            for (int y = 0; y < rows * Scale; y++)
            for (int x = 0; x < cols * Scale; x++)
            {
                // Fashion-MNIST is white-on-black; draw it dark-on-light for a person to look at.
                byte v = (byte)(255 - pixels[n * rows * cols + y / Scale * cols + x / Scale]);
                int o = 3 * ((y0 + y) * width + x0 + x);
                rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
            }
            bool right = predictions[n] == labels[n];
            (byte, byte, byte) color = right ? ((byte)0, (byte)130, (byte)0) : ((byte)200, (byte)0, (byte)0);
            TinyFont.Draw(rgb, width, x0, y0 + rows * Scale + 2, Short(classes[predictions[n]]), color);
            if (!right) TinyFont.Draw(rgb, width, x0, y0 + rows * Scale + 10, "(" + Short(classes[labels[n]]) + ")", (90, 90, 90));
        }
        PngWriter.Save(path, rgb, width, height, 3);
    }

    private static string Short(string name) => name.Length <= 13 ? name : name[..13];
}
