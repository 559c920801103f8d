namespace VisionGen.Cpu;

/// <summary>The kernels <see cref="Conv2d.Forward"/> chooses between.</summary>
public enum Conv2dAlgorithm
{
    /// <summary>One filter per channel: a direct kernel over de-interleaved rows.</summary>
    Depthwise,

    /// <summary>3×3 stride 1, channel counts multiples of 16: Winograd F(4×4, 3×3), weights transformed at load (at every SIMD width).</summary>
    Winograd,

    /// <summary>1×1 stride 1 unpadded: a GEMM straight on the input.</summary>
    PointwiseGemm,

    /// <summary>Everything else: a GEMM whose operand panels are packed straight from the image (no im2col matrix).</summary>
    ImplicitGemm,

    /// <summary>Small outputs (<see cref="GemmRows.OutputPixels"/>): a GEMM with the output pixels as rows and the output channels across SIMD lanes.</summary>
    PixelRowsGemm,

    /// <summary>Few output channels, or a stem on the image (<see cref="Ops.ConvScratch.DirectCandidate"/>): a direct kernel over zero-bordered input planes, output pixels across SIMD lanes.</summary>
    Direct,
}

public static unsafe partial class Conv2d
{
    /// <summary>
    /// The kernel <see cref="Forward"/> runs for <paramref name="s"/> on this machine — the same tests in the same order
    /// as its dispatch (Winograd runs at any SIMD width — AVX-512, AVX2, SSE, ARM64 NEON — but needs SIMD in hardware, so
    /// the same shape reports <see cref="Conv2dAlgorithm.ImplicitGemm"/> where vectors are emulated).
    /// </summary>
    /// <param name="s">Convolution shape.</param>
    /// <returns>The algorithm.</returns>
    public static Conv2dAlgorithm AlgorithmFor(in Conv2dShape s) =>
        s.IsDepthwise ? Conv2dAlgorithm.Depthwise
        : PixelRowsConv.Applies(s) ? Conv2dAlgorithm.PixelRowsGemm
        : DirectConv.Applies(s) ? Conv2dAlgorithm.Direct
        : UsesWinograd(s) ? Conv2dAlgorithm.Winograd
        : s.IsPointwise ? Conv2dAlgorithm.PointwiseGemm
        : Conv2dAlgorithm.ImplicitGemm;
}
