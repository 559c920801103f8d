using VisionGen.Weights;

namespace FashionSegmentation;

/// <summary>The held-out canvases written by scripts/train_fashion_segmentation.py, with their ground-truth label maps.</summary>
internal sealed class TestCanvases
{
    public required int Count { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required byte[] Pixels { get; init; }   // [Count, Height, Width] grayscale
    public required byte[] Labels { get; init; }   // [Count, Height, Width]: 0 background, 1 + class

    public int PlaneLength => Height * Width;

    public static TestCanvases Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        SafetensorsTensor images = file.Tensors["images"], labels = file.Tensors["labels"];
        if (images.DType != "U8" || labels.DType != "U8" || images.Shape.Count != 3 || !images.Shape.SequenceEqual(labels.Shape))
        {
            throw new InvalidDataException($"{path}: expected images and labels U8 [N, H, W] of one shape.");
        }
        var pixels = new byte[images.ByteLength];
        var truth = new byte[labels.ByteLength];
        file.ReadBytes(images, pixels);
        file.ReadBytes(labels, truth);
        return new TestCanvases
        {
            Count = (int)images.Shape[0], Height = (int)images.Shape[1], Width = (int)images.Shape[2], Pixels = pixels, Labels = truth,
        };
    }

    /// <summary>Canvas <paramref name="index"/> as the network's input [1, 1, H, W]: pixels divided by 255.</summary>
    public void ToInput(int index, Span<float> input)
    {
        ReadOnlySpan<byte> src = Pixels.AsSpan(index * PlaneLength, PlaneLength);
        for (int i = 0; i < src.Length; i++) input[i] = src[i] / 255f;
    }
}
