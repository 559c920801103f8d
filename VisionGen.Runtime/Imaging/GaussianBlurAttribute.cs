namespace VisionGen.Imaging;

/// <summary>
/// Turns a <c>static partial</c> method into a Gaussian blur whose weights are computed at compile
/// time and emitted as literal constants. The method must return <c>void</c> and take
/// <c>(ReadOnlySpan&lt;float&gt; src, Span&lt;float&gt; dst, int width, int height)</c> or the same with
/// <c>byte</c>; the image has <see cref="Channels"/> interleaved channels.
/// </summary>
/// <example>
/// <code>
/// [GaussianBlur(KernelSize = 5, Sigma = 1.5f)]
/// static partial void Soften(ReadOnlySpan&lt;float&gt; src, Span&lt;float&gt; dst, int width, int height);
/// </code>
/// </example>
/// <remarks>
/// Weights are the sampled Gaussian normalized to sum 1 (OpenCV's <c>getGaussianKernel</c>); 8-bit
/// methods get OpenCV's fixed-point weights and are bit-exact with <see cref="GaussianBlur"/>.
/// Invalid arguments are compile-time diagnostics VG0101–VG0105.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class GaussianBlurAttribute : Attribute
{
    /// <summary>Odd, positive kernel size; 0 derives it from <see cref="Sigma"/> as OpenCV does.</summary>
    public int KernelSize { get; set; }

    /// <summary>Standard deviation in pixels; ≤ 0 derives it from <see cref="KernelSize"/> as OpenCV does.</summary>
    public float Sigma { get; set; }

    /// <summary>Interleaved channels per pixel (1 to 4).</summary>
    public int Channels { get; set; } = 1;

    /// <summary>Border mode of the generated filter.</summary>
    public BorderMode Border { get; set; } = BorderMode.Reflect101;
}
