using VisionGen.Imaging;

namespace VisionGen.Tests.Imaging;

/// <summary>Filters the Gaussian blur generator writes at build time (see obj/.../generated).</summary>
internal static partial class GeneratedBlurs
{
    [GaussianBlur(KernelSize = 3, Sigma = 1.5f)]
    public static partial void Blur3(ReadOnlySpan<float> src, Span<float> dst, int width, int height);

    [GaussianBlur(KernelSize = 5, Sigma = 1.5f, Channels = 3)]
    public static partial void Blur5Rgb(ReadOnlySpan<float> src, Span<float> dst, int width, int height);

    [GaussianBlur(KernelSize = 11, Sigma = 3f, Border = BorderMode.Constant)]
    internal static partial void Blur11Bytes(ReadOnlySpan<byte> source, Span<byte> destination, int width, int height);

    [GaussianBlur(Sigma = 2f, Channels = 4, Border = BorderMode.Replicate)]
    public static partial void BlurDerivedSizeBytes(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height);
}
