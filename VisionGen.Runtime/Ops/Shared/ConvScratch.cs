// Shared between VisionGen.Runtime and VisionGen.Generators: the generator sizes the arena's scratch
// region with the same rule the convolution kernel uses (Conv2dShape.ScratchLength calls this).
namespace VisionGen.Ops
{
    /// <summary>How much scratch memory (floats) a convolution needs.</summary>
    public static class ConvScratch
    {
        /// <summary>
        /// Scratch floats for one convolution: the Winograd buffers for a 3×3 stride-1 candidate
        /// (<see cref="WinogradCandidate"/>, <see cref="WinogradLength"/>), none otherwise — pointwise convolutions are a
        /// GEMM on the input, depthwise ones a direct kernel, and the rest an implicit GEMM that packs straight from the image.
        /// </summary>
        public static int Length(int inChannels, int outChannels, int outHeight, int outWidth, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int padHeight, int padWidth, int groups)
            => WinogradCandidate(inChannels, outChannels, kernelHeight, kernelWidth, strideHeight, strideWidth, groups)
                ? checked((int)WinogradLength(inChannels, outChannels, outHeight, outWidth))
                : 0;

        /// <summary>
        /// True for the convolutions the CPU runtime may run by Winograd F(4×4, 3×3): 3×3, stride 1, one group, channel
        /// counts in whole 16-float vectors. Whether it does also depends on the processor (AVX-512) and dilation; the
        /// scratch is reserved either way.
        /// </summary>
        public static bool WinogradCandidate(int inChannels, int outChannels, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int groups)
            => kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1 && groups == 1
               && inChannels % 16 == 0 && outChannels % 16 == 0;

        /// <summary>
        /// Floats of scratch a transposed convolution needs for one image: the GEMM result of one group,
        /// (OutC/G·KH·KW) × (H·W), scattered into the output afterwards (col2im).
        /// </summary>
        public static long TransposedLength(int inChannels, int outChannels, int inHeight, int inWidth, int kernelHeight, int kernelWidth, int groups)
            => (long)(outChannels / groups) * kernelHeight * kernelWidth * inHeight * inWidth;

        /// <summary>
        /// Floats of the Winograd F(4×4, 3×3) buffers: the zero-bordered channels-last input
        /// ((4·⌈OutH/4⌉ + 2) × (4·⌈OutW/4⌉ + 2) × InC) and, for each of the 36 transform positions, the transformed input
        /// (tiles × InC) and the products (tiles × OutC), with tiles = ⌈OutH/4⌉·⌈OutW/4⌉.
        /// </summary>
        public static long WinogradLength(int inChannels, int outChannels, int outHeight, int outWidth)
        {
            long tilesY = (outHeight + 3) / 4, tilesX = (outWidth + 3) / 4;
            long padded = (4 * tilesY + 2) * (4 * tilesX + 2) * inChannels;
            return padded + 36 * tilesY * tilesX * (inChannels + outChannels);
        }
    }
}
