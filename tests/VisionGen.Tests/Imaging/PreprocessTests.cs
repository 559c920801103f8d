using VisionGen.Imaging;

namespace VisionGen.Tests.Imaging;

public class PreprocessTests
{
    public static TheoryData<string> ResizeCases => ImagingFixtures.Names("resize_cv");
    public static TheoryData<string> CropCases => ImagingFixtures.Names("crop_tv");
    public static TheoryData<string> LetterboxCases => ImagingFixtures.Names("letterbox_cv");

    [Theory]
    [MemberData(nameof(ResizeCases))]
    public void BilinearMatchesOpenCvInterLinear(string name)
    {
        var c = ImagingFixtures.Case("resize_cv", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), ch = c.GetProperty("channels").GetInt32();
        int dw = c.GetProperty("dw").GetInt32(), dh = c.GetProperty("dh").GetInt32();
        if (c.GetProperty("dtype").GetString() == "u8")
        {
            var src = ImagingFixtures.Bytes(name + "_in");
            var expected = ImagingFixtures.Bytes(name + "_out");
            var dst = new byte[dw * dh * ch];
            Resize.Bilinear(src, w, h, ch, dst, dw, dh);
            // OpenCV's 8-bit INTER_LINEAR is fixed-point; we follow its rounding steps bit for bit.
            Assert.Equal(expected, dst);
        }
        else
        {
            var src = ImagingFixtures.Floats(name + "_in");
            var expected = ImagingFixtures.Floats(name + "_out");
            var dst = new float[dw * dh * ch];
            Resize.Bilinear(src, w, h, ch, dst, dw, dh);
            double err = Compare.MaxAbs(expected, dst);
            Assert.True(err <= 1e-5, $"{name}: max |diff| {err:G3} vs cv2.resize");
        }
    }

    [Theory]
    [MemberData(nameof(CropCases))]
    public void CenterCropNormalizeMatchesTorchvision(string name)
    {
        var c = ImagingFixtures.Case("crop_tv", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32();
        int cw = c.GetProperty("cw").GetInt32(), chh = c.GetProperty("ch").GetInt32();
        float[] mean = c.GetProperty("mean").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        float[] std = c.GetProperty("std").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        var src = ImagingFixtures.Bytes(name + "_in");
        var expected = ImagingFixtures.Floats(name + "_out");
        var dst = new float[3 * cw * chh];
        Preprocess.CenterCropToChwNormalized(src, w, h, 3, cw, chh, dst, mean, std);
        Assert.Equal(expected, dst); // the lookup table replays torchvision's float operations exactly

        // The unfused steps agree with the fused pass.
        var crop = new byte[cw * chh * 3];
        Preprocess.CenterCrop(src, w, h, 3, crop, cw, chh);
        var again = new float[dst.Length];
        Preprocess.ToChwNormalized(crop, cw, chh, 3, again, mean, std);
        Assert.Equal(dst, again);
    }

    [Theory]
    [MemberData(nameof(LetterboxCases))]
    public void LetterboxMatchesOpenCvResizeAndPad(string name)
    {
        var c = ImagingFixtures.Case("letterbox_cv", name);
        int w = c.GetProperty("width").GetInt32(), h = c.GetProperty("height").GetInt32(), ch = c.GetProperty("channels").GetInt32();
        int cw = c.GetProperty("cw").GetInt32(), chh = c.GetProperty("ch").GetInt32();
        var src = ImagingFixtures.Bytes(name + "_in");
        var expected = ImagingFixtures.Bytes(name + "_out");
        var canvas = new byte[cw * chh * ch];
        var info = Preprocess.Letterbox(src, w, h, ch, canvas, cw, chh, (byte)c.GetProperty("fill").GetInt32());
        Assert.Equal(c.GetProperty("px").GetInt32(), info.PadX);
        Assert.Equal(c.GetProperty("py").GetInt32(), info.PadY);
        Assert.Equal(c.GetProperty("rw").GetInt32(), info.ResizedWidth);
        Assert.Equal(c.GetProperty("rh").GetInt32(), info.ResizedHeight);
        Assert.Equal(expected, canvas);
        var (sx, sy) = info.ToSource(info.PadX, info.PadY + info.ResizedHeight);
        Assert.Equal(0f, sx, 4);
        Assert.Equal(h, sy, 1);
    }

    [Fact]
    public void DecodesThePngExactlyAsOpenCv()
    {
        var c = ImagingFixtures.Cases("decode").Single();
        var root = Path.GetFullPath(Path.Combine(ImagingFixtures.Directory, "..", "..", "..", ".."));
        var img = ImageDecoder.Load(Path.Combine(root, c.GetProperty("png").GetString()!), channels: 3);
        Assert.Equal((512, 512, 3), (img.Width, img.Height, img.Channels));
        Assert.Equal(ImagingFixtures.Bytes("decode_png_rgb"), img.Pixels);
    }

    [Fact]
    public void DecodesJpegCloseToOpenCv()
    {
        var jpg = File.ReadAllBytes(Path.Combine(ImagingFixtures.Directory, "decode_small.jpg"));
        var img = ImageDecoder.Decode(jpg, channels: 3);
        Assert.Equal((128, 96), (img.Width, img.Height));
        var expected = ImagingFixtures.Bytes("decode_jpg_rgb");
        // JPEG decoders may differ in IDCT and chroma upsampling: compare on average, and bound the worst pixel.
        double mean = expected.Zip(img.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(mean < 1.5, $"mean |diff| {mean:F2} vs cv2.imdecode");
        Assert.True(Compare.MaxAbs(expected, img.Pixels) <= 32);
    }

    [Fact]
    public void DecodeRejectsGarbage() =>
        Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void PngRoundTripsThroughAnIndependentDecoder(int channels)
    {
        const int w = 37, h = 21;
        var pixels = new byte[w * h * channels];
        var r = new Random(channels);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i % 7 == 0 ? r.Next(256) : (i * 3 + i / 50) & 0xFF);
        using var ms = new MemoryStream();
        PngWriter.Write(ms, pixels, w, h, channels);
        var decoded = ImageDecoder.Decode(ms.ToArray());
        Assert.Equal((w, h, channels), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Theory]
    [InlineData(int.MaxValue, 1, 4)] // width·channels wrapped to a negative stride: OverflowException from new byte[]
    [InlineData(int.MaxValue, int.MaxValue, 4)]
    [InlineData(5, 3, 3)]
    public void PngWriterRejectsSizesThePixelsDoNotHold(int width, int height, int channels)
    {
        var ex = Assert.Throws<ArgumentException>(() => PngWriter.Write(new MemoryStream(), new byte[16], width, height, channels));
        Assert.Contains("Pixels hold 16 bytes", ex.Message);
    }

    [Fact]
    public void PreprocessingIsAllocationFree()
    {
        const int w = 96, h = 72;
        var src = new byte[w * h * 3];
        new Random(2).NextBytes(src);
        var canvas = new byte[64 * 64 * 3];
        var chw = new float[3 * 64 * 64];
        var resized = new byte[50 * 40 * 3];
        var resizedF = new float[50 * 40 * 3];
        var srcF = src.Select(b => b / 255f).ToArray();
        void Once()
        {
            Resize.Bilinear(src, w, h, 3, resized, 50, 40);
            Resize.Bilinear(srcF, w, h, 3, resizedF, 50, 40);
            Preprocess.Letterbox(src, w, h, 3, canvas, 64, 64);
            Preprocess.CenterCropToChwNormalized(src, w, h, 3, 64, 64, chw, Preprocess.ImageNetMean, Preprocess.ImageNetStd);
            Preprocess.ToChwNormalized(canvas, 64, 64, 3, chw, Preprocess.ImageNetMean, Preprocess.ImageNetStd);
        }
        Once();
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 50; i++) Once(); }, rounds: 3));
    }

    [Fact]
    public void BadRegionsThrow()
    {
        var src = new byte[10 * 10 * 3];
        var dst = new float[3 * 100];
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocess.CenterCropToChwNormalized(src, 10, 10, 3, 11, 5, dst, default, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocess.CropToChwNormalized(src, 10, 10, 3, 5, 5, 6, 2, dst, default, default));
        Assert.Throws<ArgumentException>(() => Preprocess.ToChwNormalized(src, 10, 10, 3, dst.AsSpan(1), default, default));
        Assert.Throws<ArgumentException>(() => Preprocess.ToChwNormalized(src, 10, 10, 3, dst, [0.5f], default));
        Assert.Throws<ArgumentException>(() => Resize.Bilinear(src, 10, 10, 3, new byte[5], 3, 3));
    }
}
