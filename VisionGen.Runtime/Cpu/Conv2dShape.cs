using VisionGen.Ops;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Static shape of a 2-D convolution over one CHW image (batch 1), PyTorch semantics. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
/// <param name="InChannels">Input channels (C of the CHW input).</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="OutHeight">Output height; must equal PyTorch's floor rule for the other parameters.</param>
/// <param name="OutWidth">Output width; must equal PyTorch's floor rule for the other parameters.</param>
/// <param name="KernelHeight">Kernel height.</param>
/// <param name="KernelWidth">Kernel width.</param>
/// <param name="StrideHeight">Vertical stride.</param>
/// <param name="StrideWidth">Horizontal stride.</param>
/// <param name="PadHeight">Zero padding on the top and bottom.</param>
/// <param name="PadWidth">Zero padding on the left and right.</param>
/// <param name="DilationHeight">Vertical dilation.</param>
/// <param name="DilationWidth">Horizontal dilation.</param>
/// <param name="Groups">Channel groups; divides both channel counts.</param>
/// <param name="WeightMemory">
/// <see cref="VisionGen.WeightMemory.Compact"/>: never Winograd, the weight is packed at its own size for the implicit
/// GEMM and no Winograd scratch is needed; <see cref="VisionGen.WeightMemory.Fast"/> (default) lets a 3×3 stride-1
/// convolution run by Winograd where the processor supports it, from weights four times larger. (An enum rather than a
/// bool: the shape is a GPU kernel argument, and a bool is not blittable.)
/// </param>
/// <param name="GemmRows">
/// <see cref="Cpu.GemmRows.OutputPixels"/>: the CPU runs it with the output pixels as the GEMM's rows (small outputs and
/// strided kernels; the generator chooses it, see <see cref="Ops.ConvScratch.PixelRowsCandidate"/>), never by Winograd; the weight is packed
/// for that orientation.
/// </param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct Conv2dShape(
    int InChannels, int InHeight, int InWidth,
    int OutChannels, int OutHeight, int OutWidth,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadHeight, int PadWidth,
    int DilationHeight, int DilationWidth,
    int Groups,
    WeightMemory WeightMemory = WeightMemory.Fast,
    GemmRows GemmRows = GemmRows.OutputChannels)
{
    /// <summary>True with <see cref="VisionGen.WeightMemory.Compact"/>: no Winograd-transformed weights, no Winograd scratch.</summary>
    public bool CompactWeights => WeightMemory == WeightMemory.Compact;

    /// <summary>Floats in the CHW input: InChannels·InHeight·InWidth.</summary>
    public int InputLength => InChannels * InHeight * InWidth;

    /// <summary>Floats in the CHW output: OutChannels·OutHeight·OutWidth.</summary>
    public int OutputLength => OutChannels * OutHeight * OutWidth;

    /// <summary>Floats in the PyTorch weight [OutC, InC/Groups, KH, KW].</summary>
    public int WeightLength => OutChannels * (InChannels / Groups) * KernelHeight * KernelWidth;

    /// <summary>True when Groups == InChannels == OutChannels (one filter per channel).</summary>
    public bool IsDepthwise => Groups == InChannels && Groups == OutChannels;

    /// <summary>True for a 1×1, stride-1, unpadded convolution, which is a GEMM straight on the input.</summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1
        && PadHeight == 0 && PadWidth == 0;

    /// <summary>True when the CPU runs it with the output pixels as the GEMM's rows: asked for, one group, not depthwise.</summary>
    internal bool UsesPixelRows => GemmRows == GemmRows.OutputPixels && Groups == 1 && !IsDepthwise;

    /// <summary>
    /// Floats of scratch <see cref="Conv2d.Forward"/> needs: with <see cref="Cpu.GemmRows.OutputPixels"/> (one group, not
    /// depthwise) the pixel-rows buffers (<see cref="Ops.ConvScratch.PixelRowsLength"/>); with few output channels or as a
    /// stem the direct kernel's buffered input planes (<see cref="Ops.ConvScratch.DirectLength"/>); otherwise the Winograd buffers of a
    /// 3×3 stride-1 convolution with channel counts in whole 16-float vectors (see <see cref="Ops.ConvScratch.WinogradLength"/>),
    /// and 0 for the rest (and with <see cref="CompactWeights"/>).
    /// </summary>
    public int ScratchLength =>
        UsesPixelRows
            ? checked((int)Ops.ConvScratch.PixelRowsLength(InChannels, OutChannels, InHeight, InWidth, OutHeight, OutWidth, KernelHeight, KernelWidth, PadHeight, PadWidth))
        : DirectConv.Applies(this) ? checked((int)DirectConv.ScratchLength(this))
        : CompactWeights ? 0
        : Ops.ConvScratch.Length(InChannels, OutChannels, OutHeight, OutWidth, KernelHeight, KernelWidth, StrideHeight, StrideWidth, PadHeight, PadWidth, Groups);

    /// <summary>Throws <see cref="ArgumentException"/> when the shape is not a valid PyTorch convolution.</summary>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the channels, or the output size is wrong.</exception>
    public void Validate()
    {
        if (InChannels <= 0 || InHeight <= 0 || InWidth <= 0 || OutChannels <= 0 || OutHeight <= 0 || OutWidth <= 0
            || KernelHeight <= 0 || KernelWidth <= 0 || StrideHeight <= 0 || StrideWidth <= 0
            || DilationHeight <= 0 || DilationWidth <= 0 || Groups <= 0 || PadHeight < 0 || PadWidth < 0)
            throw new ArgumentException($"Invalid convolution shape {this}: sizes, strides, dilations and groups must be positive, padding non-negative.");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"Invalid convolution shape {this}: Groups must divide InChannels and OutChannels.");
        int oh = ShapeRules.WindowOutput(InHeight, KernelHeight, StrideHeight, PadHeight, DilationHeight);
        int ow = ShapeRules.WindowOutput(InWidth, KernelWidth, StrideWidth, PadWidth, DilationWidth);
        if (oh != OutHeight || ow != OutWidth)
            throw new ArgumentException($"Invalid convolution shape {this}: output must be {oh}×{ow}.");
    }
}
