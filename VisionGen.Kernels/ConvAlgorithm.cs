using System.ComponentModel;
namespace VisionGen.Kernels;

/// <summary>Which convolution kernel <see cref="GpuKernels.Conv2d"/> runs. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum ConvAlgorithm
{
    /// <summary>Pick by shape: depthwise for depthwise, implicit GEMM otherwise (1×1 shapes take its pointwise path), direct for narrow groups.</summary>
    Auto = 0,

    /// <summary>One thread per output element; handles every shape. The reference path.</summary>
    Direct = 1,

    /// <summary>One thread per output of a depthwise convolution (Groups == InChannels == OutChannels only).</summary>
    Depthwise = 2,

    /// <summary>
    /// Shared-memory tiled GEMM per group: weights [OutC/G, InC/G·KH·KW] times the im2col matrix, gathered on
    /// the fly (never materialized); a 1×1 stride-1 unpadded shape reads the input directly as the GEMM operand.
    /// </summary>
    ImplicitGemm = 3,

    /// <summary>
    /// The implicit GEMM with four times the tile area per group (each thread computes a 4 × 4 block of outputs
    /// instead of 2 × 2): fewer shared-memory reads per multiply-add, a quarter as many groups. Auto takes it when the
    /// grid still gives every multiprocessor a group (a large batch, a large layer).
    /// </summary>
    ImplicitGemmWide = 4,

    /// <summary>
    /// The implicit GEMM with its reduction (K) split across groups, each slice's partial sums written to a scratch the
    /// kernels own, then summed in slice order with the epilogue in a second launch: for small outputs with long
    /// reductions (a deep layer at batch 1), where one group per output tile would leave most multiprocessors idle.
    /// </summary>
    ImplicitGemmSplitK = 5,
}
