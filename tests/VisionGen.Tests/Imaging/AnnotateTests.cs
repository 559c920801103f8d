using VisionGen.Imaging;

namespace VisionGen.Tests.Imaging;

public class AnnotateTests
{
    private static bool Red(byte[] rgb, int w, int x, int y) => rgb[3 * (y * w + x)] == 255 && rgb[3 * (y * w + x) + 1] == 0;

    [Fact]
    public void BoxOutlinesExactlyTheBoxPixels()
    {
        const int w = 10, h = 8;
        var rgb = new byte[w * h * 3];
        Annotate.Box(rgb, w, h, 2, 1, 6, 5, (255, 0, 0)); // pixels 2..5 x 1..4
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            bool onEdge = (x is 2 or 5 && y is >= 1 and <= 4) || (y is 1 or 4 && x is >= 2 and <= 5);
            Assert.Equal(onEdge, Red(rgb, w, x, y));
        }
    }

    [Fact]
    public void TextDrawsTheGlyphAndClipsAtTheEdges()
    {
        const int w = 12, h = 9;
        var rgb = new byte[w * h * 3];
        Annotate.Text(rgb, w, h, 1, 1, "l", (255, 0, 0)); // lower case is drawn upper case: 'L'
        for (int y = 1; y <= 7; y++) Assert.True(Red(rgb, w, 1, y));   // the vertical stroke
        for (int x = 1; x <= 5; x++) Assert.True(Red(rgb, w, x, 7));   // the foot
        Assert.False(Red(rgb, w, 3, 3));
        Annotate.Text(rgb, w, h, 9, 6, "WW", (255, 0, 0));             // runs off the image: no exception
        Annotate.Box(rgb, w, h, -5, -5, 50, 50, (255, 0, 0));
        Assert.Throws<ArgumentException>(() => Annotate.Box(new byte[10], w, h, 0, 0, 1, 1, (0, 0, 0)));
    }
}
