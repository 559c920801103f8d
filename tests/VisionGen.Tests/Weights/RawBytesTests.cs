using VisionGen.Weights;

namespace VisionGen.Tests.Weights;

/// <summary>Non-float tensors stored beside weights (U8 images, I64 labels) can be read as raw bytes.</summary>
public class RawBytesTests
{
    [Fact]
    public void ReadsU8AndI64TensorsByteForByte()
    {
        byte[] pixels = [0, 1, 127, 128, 254, 255];
        byte[] file = SafetensorsTestWriter.Build(
        [
            new SafetensorsTestWriter.Entry("images", "U8", [2, 3], pixels),
            SafetensorsTestWriter.I64("labels", [2], 7, -1),
        ]);
        using var reader = SafetensorsFile.Open(new MemoryStream(file));
        var images = new byte[6];
        reader.ReadBytes(reader.Tensors["images"], images);
        Assert.Equal(pixels, images);
        var labels = new byte[16];
        reader.ReadBytes(reader.Tensors["labels"], labels);
        Assert.Equal(new long[] { 7, -1 }, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(labels).ToArray());
        Assert.Throws<ArgumentException>(() => reader.ReadBytes(reader.Tensors["images"], new byte[5]));
    }

    [Fact]
    public void TruncatedRawTensorIsAWeightLoadException()
    {
        byte[] file = SafetensorsTestWriter.Build([new SafetensorsTestWriter.Entry("images", "U8", [4], [1, 2, 3, 4])]);
        // Forward-only, so the size check at open cannot see the missing bytes; the read must.
        using var reader = SafetensorsFile.Open(new ForwardOnlyStream(new MemoryStream(file[..^2])));
        Assert.Throws<WeightLoadException>(() => reader.ReadBytes(reader.Tensors["images"], new byte[4]));
    }
}
