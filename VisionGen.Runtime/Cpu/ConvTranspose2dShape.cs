using System.ComponentModel;
namespace VisionGen.Cpu;

/// <summary>Static shape of a 2-D transposed convolution (<c>nn.ConvTranspose2d</c>) over one CHW image, PyTorch semantics. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
/// <param name="InChannels">Input channels.</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="OutHeight">Output height: (InHeight − 1)·StrideHeight − 2·PadHeight + DilationHeight·(KernelHeight − 1) + op + 1
/// for an output padding 0 ≤ op &lt; max(StrideHeight, DilationHeight).</param>
/// <param name="OutWidth">Output width, by the same rule.</param>
/// <param name="KernelHeight">Kernel height.</param>
/// <param name="KernelWidth">Kernel width.</param>
/// <param name="StrideHeight">Vertical stride (the input's step in the output).</param>
/// <param name="StrideWidth">Horizontal stride.</param>
/// <param name="PadHeight">Rows cut from the top and the bottom of the full output (torch's padding).</param>
/// <param name="PadWidth">Columns cut from the left and the right of the full output.</param>
/// <param name="DilationHeight">Vertical dilation.</param>
/// <param name="DilationWidth">Horizontal dilation.</param>
/// <param name="Groups">Channel groups; divides both channel counts.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
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

    /// <summary>
    /// Floats of scratch <see cref="ConvTranspose2d.Forward"/> needs: one group's column matrix
    /// (see <see cref="Ops.ConvScratch.TransposedLength"/>).
    /// </summary>
    public int ScratchLength => checked((int)Ops.ConvScratch.TransposedLength(InChannels, OutChannels, InHeight, InWidth,
        KernelHeight, KernelWidth, Groups));

    /// <summary>Throws <see cref="ArgumentException"/> when the shape is not a valid PyTorch transposed convolution.</summary>
    /// <exception cref="ArgumentException">A size is not positive, groups do not divide the channels, or the output size is
    /// not one the output padding can give.</exception>
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
        long smallest = (long)(input - 1) * stride - 2L * pad + (long)dilation * (kernel - 1) + 1; // output padding 0
        long largest = smallest + Math.Max(stride, dilation) - 1;
        if (output < smallest || output > largest)
            throw new ArgumentException(largest < 1
                ? $"Invalid transposed convolution shape {this}: the padding leaves no output {axis}."
                : $"Invalid transposed convolution shape {this}: the output {axis} must be {Math.Max(1, smallest)}..{largest} (output padding 0..{Math.Max(stride, dilation) - 1}).");
    }
}
