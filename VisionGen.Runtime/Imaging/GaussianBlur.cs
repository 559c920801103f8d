using VisionGen.Ops;

namespace VisionGen.Imaging;

/// <summary>
/// Gaussian blur with OpenCV's semantics (<c>cv::GaussianBlur</c>): the same kernels, kernel sizes
/// derived from sigma, border modes and, for 8-bit images, the same bit-exact fixed-point result.
/// </summary>
/// <remarks>
/// Images are interleaved (HWC) with any channel count (1, 3 and 4 are the tested ones), or planar
/// (CHW) float through <see cref="ApplyPlanar"/>. Calls are allocation-free once the per-thread
/// scratch (one padded row and the kernel) has grown to the image size; see <see cref="SeparableFilter"/>.
/// </remarks>
public static class GaussianBlur
{
    [ThreadStatic] private static double[]? t_kernelX, t_kernelY;
    [ThreadStatic] private static float[]? t_floatX, t_floatY;
    [ThreadStatic] private static int[]? t_fixedX, t_fixedY;

    /// <summary>Blurs a float HWC image with a square kernel and one sigma.</summary>
    /// <param name="src">source pixels, <c>height·width·channels</c>.</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel.</param>
    /// <param name="kernelSize">odd kernel size, or 0 to derive it from sigma (<c>round(8σ + 1) | 1</c> for float).</param>
    /// <param name="sigma">standard deviation in pixels; ≤ 0 derives it from the size as OpenCV does.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int width, int height, int channels,
        int kernelSize, float sigma, BorderMode border = BorderMode.Reflect101)
        => Apply(src, dst, width, height, channels, kernelSize, kernelSize, sigma, 0, border);

    /// <summary>Blurs an 8-bit HWC image with a square kernel and one sigma, bit-exact with OpenCV.</summary>
    /// <param name="src">source pixels, <c>height·width·channels</c>.</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel.</param>
    /// <param name="kernelSize">odd kernel size, or 0 to derive it from sigma (<c>round(6σ + 1) | 1</c> for 8-bit).</param>
    /// <param name="sigma">standard deviation in pixels; ≤ 0 derives it from the size as OpenCV does.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int channels,
        int kernelSize, float sigma, BorderMode border = BorderMode.Reflect101)
        => Apply(src, dst, width, height, channels, kernelSize, kernelSize, sigma, 0, border);

    /// <summary>Blurs a float HWC image with separate kernel sizes and sigmas per axis, on up to <paramref name="threads"/> threads.</summary>
    /// <param name="src">source pixels, <c>height·width·channels</c>.</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel.</param>
    /// <param name="kernelSizeX">odd horizontal size, or 0 to derive it from <paramref name="sigmaX"/>.</param>
    /// <param name="kernelSizeY">odd vertical size, or 0 to derive it from the vertical sigma.</param>
    /// <param name="sigmaX">horizontal standard deviation (≤ 0: from the size).</param>
    /// <param name="sigmaY">vertical standard deviation; ≤ 0 takes <paramref name="sigmaX"/>, as OpenCV does.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    /// <param name="threads">threads to use; 1 runs on the calling thread only.</param>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int width, int height, int channels,
        int kernelSizeX, int kernelSizeY, double sigmaX, double sigmaY, BorderMode border = BorderMode.Reflect101, int threads = 1)
    {
        SeparableFilter.ValidateImage(src.Length, dst.Length, width, height, channels, threads);
        var (kx, nx, ky, ny) = FloatKernels(width, height, kernelSizeX, kernelSizeY, sigmaX, sigmaY, border);
        SeparableFilter.Apply(src, dst, width, height, channels, kx.AsSpan(0, nx), ky.AsSpan(0, ny), border, threads);
    }

    /// <summary>Blurs an 8-bit HWC image with separate kernel sizes and sigmas per axis, bit-exact with OpenCV.</summary>
    /// <param name="src">source pixels, <c>height·width·channels</c>.</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel.</param>
    /// <param name="kernelSizeX">odd horizontal size, or 0 to derive it from <paramref name="sigmaX"/>.</param>
    /// <param name="kernelSizeY">odd vertical size, or 0 to derive it from the vertical sigma.</param>
    /// <param name="sigmaX">horizontal standard deviation (≤ 0: from the size).</param>
    /// <param name="sigmaY">vertical standard deviation; ≤ 0 takes <paramref name="sigmaX"/>, as OpenCV does.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    /// <param name="threads">threads to use; 1 runs on the calling thread only.</param>
    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int channels,
        int kernelSizeX, int kernelSizeY, double sigmaX, double sigmaY, BorderMode border = BorderMode.Reflect101, int threads = 1)
    {
        SeparableFilter.ValidateImage(src.Length, dst.Length, width, height, channels, threads);
        var (sx, sy, kx, ky) = Resolve(width, height, kernelSizeX, kernelSizeY, sigmaX, sigmaY, border, eightBit: true);
        var dx = Grow(ref t_kernelX, kx);
        var dy = Grow(ref t_kernelY, ky);
        GaussianKernel.Compute(kx, sx, dx);
        GaussianKernel.Compute(ky, sy, dy);
        var fx = Grow(ref t_fixedX, kx);
        var fy = Grow(ref t_fixedY, ky);
        GaussianKernel.ToFixedPoint(dx, kx, fx);
        GaussianKernel.ToFixedPoint(dy, ky, fy);
        SeparableFilter.ApplyFixedPoint(src, dst, width, height, channels, fx.AsSpan(0, kx), fy.AsSpan(0, ky), border, threads);
    }

    /// <summary>Blurs each plane of a planar (CHW) float image independently.</summary>
    /// <param name="src">source planes, <c>planes·height·width</c>.</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">plane width in pixels.</param>
    /// <param name="height">plane height in pixels.</param>
    /// <param name="planes">number of planes (channels of a CHW tensor).</param>
    /// <param name="kernelSize">odd kernel size, or 0 to derive it from sigma.</param>
    /// <param name="sigma">standard deviation in pixels; ≤ 0 derives it from the size.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    /// <param name="threads">threads to use per plane; 1 runs on the calling thread only.</param>
    public static void ApplyPlanar(ReadOnlySpan<float> src, Span<float> dst, int width, int height, int planes,
        int kernelSize, float sigma, BorderMode border = BorderMode.Reflect101, int threads = 1)
    {
        SeparableFilter.ValidateImage(src.Length, dst.Length, width, height, planes, threads);
        int plane = width * height;
        var (kx, nx, ky, ny) = FloatKernels(width, height, kernelSize, kernelSize, sigma, 0, border);
        for (int p = 0; p < planes; p++)
            SeparableFilter.Apply(src.Slice(p * plane, plane), dst.Slice(p * plane, plane), width, height, 1,
                kx.AsSpan(0, nx), ky.AsSpan(0, ny), border, threads);
    }

    private static (float[] X, int SizeX, float[] Y, int SizeY) FloatKernels(int width, int height,
        int kernelSizeX, int kernelSizeY, double sigmaX, double sigmaY, BorderMode border)
    {
        var (sx, sy, kx, ky) = Resolve(width, height, kernelSizeX, kernelSizeY, sigmaX, sigmaY, border, eightBit: false);
        var dx = Grow(ref t_kernelX, kx);
        var dy = Grow(ref t_kernelY, ky);
        GaussianKernel.Compute(kx, sx, dx);
        GaussianKernel.Compute(ky, sy, dy);
        var fx = Grow(ref t_floatX, kx);
        var fy = Grow(ref t_floatY, ky);
        for (int i = 0; i < kx; i++) fx[i] = (float)dx[i];
        for (int i = 0; i < ky; i++) fy[i] = (float)dy[i];
        return (fx, kx, fy, ky);
    }

    /// <summary>OpenCV's createGaussianKernels: sigmaY defaults to sigmaX, sizes come from sigmas, 1-pixel axes get 1 tap.</summary>
    private static (double SigmaX, double SigmaY, int SizeX, int SizeY) Resolve(int width, int height,
        int kernelSizeX, int kernelSizeY, double sigmaX, double sigmaY, BorderMode border, bool eightBit)
    {
        BorderIndex.Validate(border, nameof(border));
        if (double.IsNaN(sigmaX) || double.IsInfinity(sigmaX)) throw new ArgumentOutOfRangeException(nameof(sigmaX), "Sigma must be finite.");
        if (double.IsNaN(sigmaY) || double.IsInfinity(sigmaY)) throw new ArgumentOutOfRangeException(nameof(sigmaY), "Sigma must be finite.");
        if (sigmaY <= 0) sigmaY = sigmaX;
        if (kernelSizeX < 0 || (kernelSizeX > 0 && (kernelSizeX & 1) == 0))
            throw new ArgumentOutOfRangeException(nameof(kernelSizeX), kernelSizeX, "Kernel size must be odd and positive, or 0 to derive it from sigma.");
        if (kernelSizeY < 0 || (kernelSizeY > 0 && (kernelSizeY & 1) == 0))
            throw new ArgumentOutOfRangeException(nameof(kernelSizeY), kernelSizeY, "Kernel size must be odd and positive, or 0 to derive it from sigma.");
        if (kernelSizeX == 0) kernelSizeX = GaussianKernel.SizeFromSigma(sigmaX, eightBit);
        if (kernelSizeY == 0) kernelSizeY = GaussianKernel.SizeFromSigma(sigmaY, eightBit);
        if (kernelSizeX <= 0 || kernelSizeY <= 0)
            throw new ArgumentOutOfRangeException(nameof(sigmaX), "With kernel size 0, sigma must be positive to derive the size from.");
        if (eightBit && (kernelSizeX > 255 || kernelSizeY > 255))
            throw new ArgumentOutOfRangeException(nameof(kernelSizeX), "8-bit kernels are limited to 255 taps.");
        if (border != BorderMode.Constant)
        {
            if (height == 1) kernelSizeY = 1;
            if (width == 1) kernelSizeX = 1;
        }
        return (Math.Max(sigmaX, 0), Math.Max(sigmaY, 0), kernelSizeX, kernelSizeY);
    }

    private static T[] Grow<T>(ref T[]? array, int length)
    {
        if (array == null || array.Length < length) array = new T[Math.Max(length, 16)];
        return array;
    }
}
