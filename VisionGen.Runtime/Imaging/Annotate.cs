namespace VisionGen.Imaging;

/// <summary>
/// Draws results onto interleaved RGB images (3 bytes per pixel, row-major) so a person can look at them:
/// boxes and short labels in a built-in 5×7 bitmap font (upper-case letters, digits and a few signs).
/// Write the result with <see cref="PngWriter"/>.
/// </summary>
public static class Annotate
{
    /// <summary>Glyph cell: 5 pixels wide, 7 high, 6 pixels from one character to the next (at scale 1).</summary>
    public const int GlyphWidth = 5, GlyphHeight = 7, Advance = 6;

    // Each glyph: 7 rows of 5 pixels, '#' = ink.
    private static readonly Dictionary<char, string[]> s_glyphs = new()
    {
        ['A'] = [" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
        ['B'] = ["#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "],
        ['C'] = [" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "],
        ['D'] = ["#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "],
        ['E'] = ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"],
        ['F'] = ["#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "],
        ['G'] = [" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"],
        ['H'] = ["#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"],
        ['I'] = [" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        ['J'] = ["  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "],
        ['K'] = ["#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"],
        ['L'] = ["#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"],
        ['M'] = ["#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"],
        ['N'] = ["#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"],
        ['O'] = [" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
        ['P'] = ["#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "],
        ['Q'] = [" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"],
        ['R'] = ["#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"],
        ['S'] = [" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "],
        ['T'] = ["#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "],
        ['U'] = ["#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "],
        ['V'] = ["#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "],
        ['W'] = ["#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #"],
        ['X'] = ["#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"],
        ['Y'] = ["#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "],
        ['Z'] = ["#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"],
        ['0'] = [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        ['1'] = ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        ['2'] = [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        ['3'] = ["#### ", "    #", "    #", " ### ", "    #", "    #", "#### "],
        ['4'] = ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        ['5'] = ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        ['6'] = [" ### ", "#    ", "#    ", "#### ", "#   #", "#   #", " ### "],
        ['7'] = ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        ['8'] = [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        ['9'] = [" ### ", "#   #", "#   #", " ####", "    #", "    #", " ### "],
        ['-'] = ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
        ['/'] = ["    #", "    #", "   # ", "  #  ", " #   ", "#    ", "#    "],
        ['.'] = ["     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "],
        ['%'] = ["##  #", "##  #", "   # ", "  #  ", " #   ", "#  ##", "#  ##"],
        ['('] = ["   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "],
        [')'] = [" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "],
        [':'] = ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "],
    };

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 1) => text.Length * Advance * scale;

    /// <summary>Draws upper-cased <paramref name="text"/> with its top-left corner at (x, y); unknown characters are blank, pixels outside the image are skipped.</summary>
    public static void Text(Span<byte> rgb, int width, int height, int x, int y, string text, (byte R, byte G, byte B) color, int scale = 1)
    {
        Check(rgb, width, height);
        foreach (char c in text.ToUpperInvariant())
        {
            if (s_glyphs.TryGetValue(c, out string[]? rows))
            {
                for (int gy = 0; gy < GlyphHeight * scale; gy++)
                for (int gx = 0; gx < GlyphWidth * scale; gx++)
                {
                    if (rows[gy / scale][gx / scale] == '#') Pixel(rgb, width, height, x + gx, y + gy, color);
                }
            }
            x += Advance * scale;
        }
    }

    /// <summary>Draws the outline of the box (x1, y1)–(x2, y2), clipped to the image.</summary>
    public static void Box(Span<byte> rgb, int width, int height, float x1, float y1, float x2, float y2, (byte R, byte G, byte B) color, int thickness = 1)
    {
        Check(rgb, width, height);
        int l = (int)MathF.Round(x1), t = (int)MathF.Round(y1), r = (int)MathF.Round(x2) - 1, b = (int)MathF.Round(y2) - 1;
        for (int k = 0; k < thickness; k++)
        {
            for (int x = l; x <= r; x++)
            {
                Pixel(rgb, width, height, x, t + k, color);
                Pixel(rgb, width, height, x, b - k, color);
            }
            for (int y = t; y <= b; y++)
            {
                Pixel(rgb, width, height, l + k, y, color);
                Pixel(rgb, width, height, r - k, y, color);
            }
        }
    }

    /// <summary>Fills the rectangle [x0, x1) × [y0, y1), clipped to the image.</summary>
    public static void Fill(Span<byte> rgb, int width, int height, int x0, int y0, int x1, int y1, (byte R, byte G, byte B) color)
    {
        Check(rgb, width, height);
        for (int y = Math.Max(0, y0); y < Math.Min(height, y1); y++)
        for (int x = Math.Max(0, x0); x < Math.Min(width, x1); x++)
        {
            Pixel(rgb, width, height, x, y, color);
        }
    }

    private static void Pixel(Span<byte> rgb, int width, int height, int x, int y, (byte R, byte G, byte B) color)
    {
        if ((uint)x >= (uint)width || (uint)y >= (uint)height) return;
        int o = 3 * (y * width + x);
        rgb[o] = color.R;
        rgb[o + 1] = color.G;
        rgb[o + 2] = color.B;
    }

    private static void Check(Span<byte> rgb, int width, int height)
    {
        if (width <= 0 || height <= 0 || rgb.Length < 3L * width * height)
            throw new ArgumentException($"Expected an RGB image of {width}x{height} ({3L * width * height} bytes), got {rgb.Length} bytes.", nameof(rgb));
    }
}
