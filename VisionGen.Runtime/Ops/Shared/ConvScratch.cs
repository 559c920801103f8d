// Shared between VisionGen.Runtime and VisionGen.Generators: the generator sizes the arena's scratch
// region with the same rule the convolution kernel uses (Conv2dShape.ScratchLength calls this).
namespace VisionGen.Ops
{
    /// <summary>How much scratch memory (floats) a convolution needs.</summary>
    public static class ConvScratch
    {
        /// <summary>
        /// Scratch floats for one convolution: none for a 1×1 stride-1 unpadded conv (a plain GEMM per group) or a
        /// depthwise conv (a direct kernel); otherwise an im2col matrix for one group,
        /// (InChannels/Groups · KH · KW) × (OutH · OutW).
        /// </summary>
        public static int Length(int inChannels, int outChannels, int outHeight, int outWidth, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padHeight, int padWidth, int groups)
        {
            bool pointwise = kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1 && padHeight == 0 && padWidth == 0;
            bool depthwise = groups == inChannels && groups == outChannels;
            if (pointwise || depthwise) return 0;
            return inChannels / groups * kernelHeight * kernelWidth * outHeight * outWidth;
        }
    }
}
