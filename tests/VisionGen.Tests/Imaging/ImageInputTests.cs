using System.Text.Json;
using VisionGen.Imaging;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Imaging;

/// <summary>A classifier declared with [ImageInput]: torchvision's resize + centre crop, ImageNet normalization, named classes.</summary>
[VisionModel(Channels = 3, Height = 56, Width = 56)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 10)]
[ImageInput(Fit = ImageFit.CenterCrop, ResizeShorterTo = 64, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f])]
[ClassNames("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")]
public partial class PhotoClassifier;

/// <summary>
/// One call from an image to an answer, against OpenCV's preprocessing and PyTorch's model
/// (scripts/fixtures/make_image_input_fixtures.py): the preprocessed tensors for every fit and a gray model, the
/// classifier's top-5 with probabilities and names, and the mapping a letterbox is undone with.
/// </summary>
public class ImageInputTests(ITestOutputHelper log)
{
    private static string FixturePath(string file) => Fixtures.PathOf(Path.Combine("image_input", file));

    public static TheoryData<string, int, int, int, ImageFit, int> Fits() => new()
    {
        { "stretch", 3, 48, 64, ImageFit.Stretch, 0 },
        { "centercrop", 3, 56, 56, ImageFit.CenterCrop, 64 },
        { "letterbox", 3, 64, 64, ImageFit.Letterbox, 0 },
        { "gray", 1, 48, 64, ImageFit.Stretch, 0 },
    };

    [Theory]
    [MemberData(nameof(Fits))]
    public void PreprocessingMatchesOpenCv(string name, int channels, int height, int width, ImageFit fit, int resize)
    {
        float[] expected = Fixtures.ReadF32(FixturePath("inputs.safetensors"))[name];
        float[] mean = channels == 1 ? [0.5f] : [0.485f, 0.456f, 0.406f], std = channels == 1 ? [0.25f] : [0.229f, 0.224f, 0.225f];
        var preprocessor = new ImagePreprocessor(channels, height, width, fit, resize, mean, std, bgr: false, fill: 114);
        var actual = new float[channels * height * width];
        preprocessor.Prepare(ImageDecoder.Load(FixturePath("photo.png")), actual);
        Fixtures.AssertWithinContract(log, $"{name} preprocessing vs OpenCV", expected, actual);
    }

    [Fact]
    public void LetterboxMappingUndoesTheFit()
    {
        var preprocessor = new ImagePreprocessor(3, 64, 64, ImageFit.Letterbox, 0, [], [], bgr: false, fill: 114);
        ImageMapping mapping = preprocessor.Prepare(ImageDecoder.Load(FixturePath("photo.png")), new float[3 * 64 * 64]);
        // 300x200 fitted into 64x64: 64x43 from row 10 (see the fixture's manifest): the resized image's corners are the photo's.
        Assert.Equal(0f, mapping.ToSourceX(0f), 3);
        Assert.Equal(0f, mapping.ToSourceY(10f), 3);
        Assert.Equal(300f, mapping.ToSourceX(64f), 3);
        Assert.Equal(200f, mapping.ToSourceY(53f), 3);
    }

    [Fact]
    public void ClassifyFromAFileGivesPyTorchsTopFiveWithTheirNames()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(FixturePath("manifest.json")));
        var top5 = manifest.RootElement.GetProperty("top5").EnumerateArray()
            .Select(t => (Class: t.GetProperty("class").GetInt32(), Probability: t.GetProperty("probability").GetDouble())).ToArray();
        using var net = PhotoClassifier.Load(FixturePath("classifier.safetensors"));
        Prediction[] found = net.Classify(FixturePath("photo.png"), 5);
        log.WriteLine(string.Join(", ", found));
        Assert.Equal(top5.Select(t => t.Class), found.Select(p => p.Class));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(top5[i].Probability, found[i].Score, 4);
            Assert.Equal(net.ClassNames![found[i].Class], found[i].Label);
        }

        // From a decoded image, allocation-free once the buffers have grown to its size.
        DecodedImage photo = ImageDecoder.Load(FixturePath("photo.png"));
        var top = new Prediction[3];
        net.Classify(photo, top);
        int n = 0;
        Assert.Equal(0, Allocations.Fewest(() => n = net.Classify(photo, top), rounds: 3));
        Assert.Equal(3, n);
        Assert.Equal(top5.Take(3).Select(t => t.Class), top.Select(p => p.Class));
    }
}
