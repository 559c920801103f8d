// TEMPORARY COPY: VisionGen.Runtime/Cpu/ConvTranspose2dShape.cs (the CPU side of the kernel contract, another
// branch) defines this record in namespace VisionGen.Cpu, with ScratchLength besides. It is repeated here only so
// this branch builds on its own; delete this file when the two branches are merged.
namespace VisionGen.Cpu;

/// <summary>Static shape of a 2-D transposed convolution over one CHW image (batch 1), PyTorch semantics.</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="OutHeight">Output height: (InHeight − 1)·StrideHeight − 2·PadHeight + DilationHeight·(KernelHeight − 1) + op + 1, 0 ≤ op &lt; max(StrideHeight, DilationHeight).</param>
/// <param name="OutWidth">Output width, by the same rule.</param>
/// <param name="KernelHeight">Kernel height.</param>
/// <param name="KernelWidth">Kernel width.</param>
/// <param name="StrideHeight">Vertical stride.</param>
/// <param name="StrideWidth">Horizontal stride.</param>
/// <param name="PadHeight">Padding removed from the top and bottom of the full output.</param>
/// <param name="PadWidth">Padding removed from the left and right of the full output.</param>
/// <param name="DilationHeight">Vertical dilation.</param>
/// <param name="DilationWidth">Horizontal dilation.</param>
/// <param name="Groups">Channel groups; divides both channel counts.</param>
public readonly record struct ConvTranspose2dShape(
    int InChannels, int InHeight, int InWidth,
    int OutChannels, int OutHeight, int OutWidth,
    int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth,
    int PadHeight, int PadWidth,
    int DilationHeight, int DilationWidth,
    int Groups)
{
    /// <summary>Floats in the CHW input: InChannels·InHeight·InWidth.</summary>
    public int InputLength => InChannels * InHeight * InWidth;

    /// <summary>Floats in the CHW output: OutChannels·OutHeight·OutWidth.</summary>
    public int OutputLength => OutChannels * OutHeight * OutWidth;

    /// <summary>Floats in the PyTorch weight [InC, OutC/Groups, KH, KW].</summary>
    public int WeightLength => InChannels * (OutChannels / Groups) * KernelHeight * KernelWidth;

    /// <summary>Throws <see cref="ArgumentException"/> when the shape is not a valid PyTorch transposed convolution.</summary>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the channels, or the output size is wrong.</exception>
    public void Validate()
    {
        if (InChannels <= 0 || InHeight <= 0 || InWidth <= 0 || OutChannels <= 0 || OutHeight <= 0 || OutWidth <= 0
            || KernelHeight <= 0 || KernelWidth <= 0 || StrideHeight <= 0 || StrideWidth <= 0
            || DilationHeight <= 0 || DilationWidth <= 0 || Groups <= 0 || PadHeight < 0 || PadWidth < 0)
            throw new ArgumentException($"Invalid transposed convolution shape {this}: sizes, strides, dilations and groups must be positive, padding non-negative.");
        if (InChannels % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"Invalid transposed convolution shape {this}: Groups must divide InChannels and OutChannels.");
        CheckAxis(InHeight, OutHeight, KernelHeight, StrideHeight, PadHeight, DilationHeight, "height");
        CheckAxis(InWidth, OutWidth, KernelWidth, StrideWidth, PadWidth, DilationWidth, "width");
    }

    private void CheckAxis(int input, int output, int kernel, int stride, int pad, int dilation, string axis)
    {
        // torch: out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1, with 0 ≤ output_padding < max(s, d).
        long least = (long)(input - 1) * stride - 2L * pad + (long)dilation * (kernel - 1) + 1;
        long outputPadding = output - least;
        if (outputPadding < 0 || outputPadding >= Math.Max(stride, dilation))
            throw new ArgumentException(least + Math.Max(stride, dilation) - 1 < 1
                ? $"Invalid transposed convolution shape {this}: the padding leaves no output {axis}."
                : $"Invalid transposed convolution shape {this}: output {axis} must be {Math.Max(1, least)} to {least + Math.Max(stride, dilation) - 1}.");
    }
}
