// Shared between VisionGen.Runtime and VisionGen.Generators: the generator sizes the arena's scratch
// region with the same rules the convolution kernels use (Conv2dShape.ScratchLength and
// ConvTranspose2dShape.ScratchLength call these). netstandard2.0: no spans, no MathF.
using System;
using System.ComponentModel;

namespace VisionGen.Ops
{
    /// <summary>How much scratch memory (floats) a convolution needs. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
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
        /// counts in whole 16-float vectors (so whole vectors at every SIMD width). Whether it does also depends on dilation
        /// and on SIMD being in hardware (any width: AVX-512, AVX2, SSE, ARM64 NEON); the scratch is reserved either way.
        /// </summary>
        public static bool WinogradCandidate(int inChannels, int outChannels, int kernelHeight, int kernelWidth,
            int strideHeight, int strideWidth, int groups)
            => kernelHeight == 3 && kernelWidth == 3 && strideHeight == 1 && strideWidth == 1 && groups == 1
               && inChannels % 16 == 0 && outChannels % 16 == 0;

        /// <summary>
        /// Most output pixels for which the generator runs a stride-1 or 1×1 convolution with the output pixels as the GEMM's
        /// rows (<see cref="PixelRowsCandidate"/>): up to 8×8, e.g. the last stage of a 224×224 ResNet (7×7).
        /// </summary>
        public const int PixelRowsMaxPixels = 64;

        /// <summary>Most output pixels of a 1×1 reduction that runs with the output pixels as rows (14×14).</summary>
        public const int PixelRowsMaxReductionPixels = 196;

        /// <summary>Fewest input channels of such a reduction (at least twice its output channels).</summary>
        public const int PixelRowsMinReductionChannels = 384;

        /// <summary>Fewest input and output channels of a 1×1 convolution that runs with the output pixels as rows.</summary>
        public const int PixelRowsMinPointwiseChannels = 160;

        /// <summary>
        /// True when a convolution may run with the output pixels as the GEMM's rows (output channels across SIMD lanes), one
        /// group, not depthwise, its scratch (<see cref="PixelRowsLength"/>) within one array, and either
        /// <list type="bullet">
        /// <item>at most <see cref="PixelRowsMaxPixels"/> output pixels, with a kernel larger than 1×1 or a 1×1 kernel with at
        /// least <see cref="PixelRowsMinPointwiseChannels"/> input and output channels (with fewer, the few multiply-adds per
        /// output do not pay for the transpose back; the GEMM on the input is faster there), or</item>
        /// <item>a strided kernel larger than 1×1 that the direct kernel does not take (<see cref="DirectCandidate"/>): the
        /// other orientation packs de-interleaved panels of the input for every k-row, this one reads each tap in place —
        /// ResNet's 3×3 stride-2 convolutions, measured 1.1–1.7× faster, or</item>
        /// <item>a 1×1 stride-1 reduction of at most <see cref="PixelRowsMaxReductionPixels"/> pixels from at least
        /// <see cref="PixelRowsMinReductionChannels"/> channels to at most half as many (ResNet-50's 1024 → 256 at 14²: 0.463
        /// → 0.438 ms; wider outputs and expansions keep the GEMM on the input, 256 → 1024 0.429 against 0.512).</item>
        /// </list>
        /// The generator asks for it only when every use of the weight qualifies, since the weight is packed for one orientation.
        /// </summary>
        public static bool PixelRowsCandidate(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
            int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
            int dilationHeight, int dilationWidth, int groups)
        {
            if (groups != 1 || inChannels == 1 && outChannels == 1) return false;
            if (PixelRowsLength(inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth, padHeight, padWidth) > int.MaxValue / 2)
                return false;
            bool pointwise = (long)kernelHeight * kernelWidth == 1;
            if ((long)outHeight * outWidth <= PixelRowsMaxPixels)
                return !pointwise || inChannels >= PixelRowsMinPointwiseChannels && outChannels >= PixelRowsMinPointwiseChannels;
            if (pointwise)
                return strideHeight == 1 && strideWidth == 1 && (long)outHeight * outWidth <= PixelRowsMaxReductionPixels
                    && inChannels >= PixelRowsMinReductionChannels && inChannels >= 2 * outChannels;
            return (strideHeight > 1 || strideWidth > 1)
                && !DirectCandidate(inChannels, outChannels, inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth,
                    strideHeight, strideWidth, padHeight, padWidth, dilationHeight, dilationWidth, groups);
        }

        /// <summary>Output pixels per tile of the pixel-rows kernel (its register block: 7 pixels × two vectors of output channels).</summary>
        public const int PixelRowsPanel = 7;

        /// <summary>
        /// Floats of the pixel-rows product: the output pixels rounded up to whole tiles of <see cref="PixelRowsPanel"/>, by
        /// the output channels rounded up to whole panels of two 16-float vectors (enough for every SIMD width).
        /// </summary>
        public static long PixelRowsProductLength(int outChannels, int outHeight, int outWidth)
            => ((long)outHeight * outWidth + PixelRowsPanel - 1) / PixelRowsPanel * PixelRowsPanel * ((outChannels + 31L) / 32 * 32);

        /// <summary>
        /// Floats of the pixel-rows buffers: the product (<see cref="PixelRowsProductLength"/>), the input offset of each of
        /// the InC·KH·KW steps of k (one int in each float's place) and, when the convolution pads, the input with its zero
        /// border ((InH + 2·PadH) × (InW + 2·PadW) per input channel).
        /// </summary>
        public static long PixelRowsLength(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
            int kernelHeight, int kernelWidth, int padHeight, int padWidth)
            => PixelRowsProductLength(outChannels, outHeight, outWidth) + (long)inChannels * kernelHeight * kernelWidth
               + (padHeight == 0 && padWidth == 0 ? 0 : ((long)inHeight + 2L * padHeight) * ((long)inWidth + 2L * padWidth) * inChannels);

        /// <summary>Most output channels of a convolution the CPU runs by its direct kernel (<see cref="DirectCandidate"/>).</summary>
        public const int DirectMaxOutChannels = 12;

        /// <summary>Most input channels of a stem the CPU runs by its direct kernel (<see cref="DirectCandidate"/>): an RGB or grayscale image.</summary>
        public const int DirectStemMaxInChannels = 4;

        /// <summary>Most output channels of such a stem (<see cref="DirectCandidate"/>).</summary>
        public const int DirectStemMaxOutChannels = 64;

        /// <summary>Output rows per register block of the direct kernel: a block's unused rows read past the last plane (<see cref="DirectLength"/>).</summary>
        public const int DirectRowBlock = 4;

        /// <summary>Most floats of the direct kernel's buffered input planes (<see cref="DirectLength"/>): 16 MiB.</summary>
        private const long DirectMaxLength = 1L << 22;

        /// <summary>
        /// True for the convolutions the CPU runs by its direct kernel: at most <see cref="DirectMaxOutChannels"/> output
        /// channels (a detection head's class, box or centerness maps, a segmentation head's few classes), or a stem on the
        /// image (at most <see cref="DirectStemMaxInChannels"/> input and <see cref="DirectStemMaxOutChannels"/> output
        /// channels); a kernel larger than 1×1, one group, not depthwise, its buffered input (<see cref="DirectLength"/>) at
        /// most 4 Mi floats. The GEMM forms pack every input value once per tap and then use it for as few multiply-adds as
        /// there are output channels; a stem's strided gather from three planes and its short k (27 for 3×3, 147 for 7×7)
        /// cost them more than the direct kernel's copy of the image (MobileNetV2's stem 0.33 → 0.23 ms, ResNet's 7×7
        /// 2.1 → 1.8 ms on one core of the test machine, -- conv in bench/VisionGen.Bench).
        /// </summary>
        public static bool DirectCandidate(int inChannels, int outChannels, int inHeight, int inWidth, int outHeight, int outWidth,
            int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
            int dilationHeight, int dilationWidth, int groups)
            => groups == 1 && !(inChannels == 1 && outChannels == 1)
               && (outChannels <= DirectMaxOutChannels || inChannels <= DirectStemMaxInChannels && outChannels <= DirectStemMaxOutChannels)
               && (long)kernelHeight * kernelWidth > 1
               && DirectLength(inChannels, inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth, strideHeight, strideWidth,
                   padHeight, padWidth, dilationHeight, dilationWidth) <= DirectMaxLength;

        /// <summary>
        /// Floats of the direct kernel's scratch: every input channel as a zero-bordered plane (<see cref="PlaneRows"/> rows of
        /// stride-phase rows <see cref="PlanePitch"/> apart, sized for 16-float vectors so it serves every width), and the rows
        /// a row block's unused rows read past the last plane.
        /// </summary>
        public static long DirectLength(int inChannels, int inHeight, int inWidth, int outHeight, int outWidth,
            int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int padHeight, int padWidth,
            int dilationHeight, int dilationWidth)
        {
            long row = (long)strideWidth * PlanePitch(inWidth, outWidth, kernelWidth, strideWidth, padWidth, dilationWidth, 16);
            long plane = PlaneRows(inHeight, outHeight, kernelHeight, strideHeight, padHeight, dilationHeight) * row;
            return inChannels * plane + (DirectRowBlock - 1) * (long)strideHeight * row;
        }

        /// <summary>
        /// Floats from one stride phase of a buffered row to the next in the direct kernels' zero-bordered planes (depthwise and
        /// few-output convolutions: phase q holds padded columns q, q + stride, …), for output vectors of
        /// <paramref name="lanes"/> floats: room for the last output vector's furthest tap, and for a row copy's whole 16-float
        /// vectors plus the zero vector stored after them; a multiple of 16.
        /// </summary>
        public static int PlanePitch(int inWidth, int outWidth, int kernelWidth, int strideWidth, int padWidth, int dilationWidth, int lanes)
        {
            int vectors = (outWidth + lanes - 1) / lanes;
            int reach = (kernelWidth - 1) * dilationWidth / strideWidth; // furthest phase element a tap adds
            int phaseData = (padWidth + inWidth + strideWidth - 1) / strideWidth; // left padding + data, per phase
            return (Math.Max(vectors * lanes + reach, phaseData + 32) + 15) & ~15;
        }

        /// <summary>Rows of such a plane: the padded input, or every tap of every output row where that reaches further.</summary>
        public static int PlaneRows(int inHeight, int outHeight, int kernelHeight, int strideHeight, int padHeight, int dilationHeight)
            => Math.Max(inHeight + 2 * padHeight, (outHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1);

        /// <summary>
        /// Scratch floats for one transposed convolution (one image): the column matrix of one group,
        /// (OutC/Groups·KH·KW) × (InH·InW) — the GEMM of the transposed weight by the group's input, which col2im then
        /// scatters into the output.
        /// </summary>
        /// <param name="inChannels">Input channels.</param>
        /// <param name="outChannels">Output channels.</param>
        /// <param name="inHeight">Input height.</param>
        /// <param name="inWidth">Input width.</param>
        /// <param name="kernelHeight">Kernel height.</param>
        /// <param name="kernelWidth">Kernel width.</param>
        /// <param name="groups">Channel groups (divides both channel counts).</param>
        /// <returns>Floats of scratch.</returns>
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
