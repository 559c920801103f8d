using System.Runtime.InteropServices;
using VisionGen.Metrics;
using VisionGen.Weights;

namespace FashionDetection;

/// <summary>The held-out canvases written by scripts/train_fashion_detector.py, with their ground-truth boxes.</summary>
internal sealed class TestCanvases
{
    public required int Count { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required byte[] Pixels { get; init; }                 // [Count, Height, Width] grayscale
    public required List<GroundTruth>[] Truths { get; init; }    // per canvas

    public static TestCanvases Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        SafetensorsTensor images = file.Tensors["images"];
        var pixels = new byte[images.ByteLength];
        file.ReadBytes(images, pixels);
        int count = (int)images.Shape[0], height = (int)images.Shape[1], width = (int)images.Shape[2];

        float[] boxes = ReadAsFloat(file, "boxes"), labels = ReadAsFloat(file, "labels"), owner = ReadAsFloat(file, "image_index");
        var truths = new List<GroundTruth>[count];
        for (int i = 0; i < count; i++) truths[i] = [];
        for (int j = 0; j < labels.Length; j++)
        {
            truths[(int)owner[j]].Add(new GroundTruth(boxes[4 * j], boxes[4 * j + 1], boxes[4 * j + 2], boxes[4 * j + 3], (int)labels[j]));
        }
        return new TestCanvases { Count = count, Height = height, Width = width, Pixels = pixels, Truths = truths };
    }

    /// <summary>Canvas <paramref name="index"/> as the network's input: grayscale replicated to 3 channels, divided by 255.</summary>
    public void ToInput(int index, Span<float> input)
    {
        int plane = Height * Width;
        ReadOnlySpan<byte> src = Pixels.AsSpan(index * plane, plane);
        for (int c = 0; c < 3; c++)
        {
            Span<float> dst = input.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = src[i] / 255f;
        }
    }

    private static float[] ReadAsFloat(SafetensorsFile file, string name)
    {
        SafetensorsTensor t = file.Tensors[name];
        if (SafetensorsFile.IsFloat32Convertible(t.DType))
        {
            var values = new float[t.ElementCount];
            file.ReadFloat32(t, values);
            return values;
        }
        if (t.DType != "I64") throw new InvalidDataException($"{name}: unexpected dtype {t.DType}");
        var raw = new byte[t.ByteLength];
        file.ReadBytes(t, raw);
        return MemoryMarshal.Cast<byte, long>(raw).ToArray().Select(v => (float)v).ToArray();
    }
}
