// Shared between VisionGen.Runtime and VisionGen.Generators: the generator sizes the arena's scratch
// region with the same rule the convolution kernel uses.
namespace VisionGen.Ops
{
    /// <summary>How much scratch memory (floats) a convolution needs.</summary>
    public static class ConvScratch
    {
        /// <summary>
        /// Scratch floats for one convolution: none for a 1×1 stride-1 unpadded conv (a plain GEMM) or a depthwise
        /// conv (direct kernel, which uses at most a few rows); otherwise an im2col matrix for one group,
        /// (InChannels/Groups · KH · KW) × (OutH · OutW).
        /// </summary>
        public static int Length(int inChannels, int outChannels, int outHeight, int outWidth, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padHeight, int padWidth, int dilationHeight, int dilationWidth, int groups)
        {
            bool pointwise = kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padHeight == 0 && padWidth == 0;
            if (pointwise) return 0;
            bool depthwise = groups == inChannels && groups == outChannels;
            if (depthwise) return DepthwiseRowFloats(outWidth, kernelWidth, strideWidth);
            return inChannels / groups * kernelHeight * kernelWidth * outHeight * outWidth;
        }

        /// <summary>Depthwise kernels with stride &gt; 1 gather one strided input row per kernel column: KW · OutW floats, rounded up to a vector.</summary>
        public static int DepthwiseRowFloats(int outWidth, int kernelWidth, int strideWidth) =>
            strideWidth == 1 ? 0 : (kernelWidth * outWidth + 15) / 16 * 16;
    }
}
