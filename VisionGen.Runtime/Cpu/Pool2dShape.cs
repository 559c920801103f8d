using VisionGen.Ops;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// Static shape of a square 2-D pooling window over one CHW image. The output size is PyTorch's floor-mode size or its
/// <c>ceil_mode=True</c> size; the windows are the same either way (output o starts at o·Stride − Padding), ceil mode
/// only adds a last, partial window, which the kernels clip to the input.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <param name="Channels">Channels (pooling is per channel).</param>
/// <param name="InHeight">Input height.</param>
/// <param name="InWidth">Input width.</param>
/// <param name="OutHeight">Output height; PyTorch's floor rule or its ceil-mode rule.</param>
/// <param name="OutWidth">Output width; PyTorch's floor rule or its ceil-mode rule.</param>
/// <param name="Kernel">Window size (square).</param>
/// <param name="Stride">Stride in both directions.</param>
/// <param name="Padding">Padding on every side; at most Kernel/2, as PyTorch requires.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct Pool2dShape(int Channels, int InHeight, int InWidth, int OutHeight, int OutWidth, int Kernel, int Stride, int Padding)
{
    /// <summary>Floats in the CHW input.</summary>
    public int InputLength => Channels * InHeight * InWidth;

    /// <summary>Floats in the CHW output.</summary>
    public int OutputLength => Channels * OutHeight * OutWidth;

    /// <summary>Throws <see cref="ArgumentException"/> when the shape is not a valid PyTorch pooling.</summary>
    /// <exception cref="ArgumentException">A size is not positive, padding exceeds Kernel/2, or the output size is neither PyTorch's floor nor its ceil-mode size.</exception>
    public void Validate()
    {
        if (Channels <= 0 || InHeight <= 0 || InWidth <= 0 || OutHeight <= 0 || OutWidth <= 0 || Kernel <= 0 || Stride <= 0
            || Padding < 0 || Padding > Kernel / 2)
            throw new ArgumentException($"Invalid pooling shape {this}: sizes must be positive and 0 ≤ Padding ≤ Kernel/2.");
        int oh = ShapeRules.WindowOutput(InHeight, Kernel, Stride, Padding);
        int ow = ShapeRules.WindowOutput(InWidth, Kernel, Stride, Padding);
        int ohCeil = ShapeRules.WindowOutputCeil(InHeight, Kernel, Stride, Padding);
        int owCeil = ShapeRules.WindowOutputCeil(InWidth, Kernel, Stride, Padding);
        if ((oh != OutHeight || ow != OutWidth) && (ohCeil != OutHeight || owCeil != OutWidth))
            throw new ArgumentException((oh, ow) == (ohCeil, owCeil)
                ? $"Invalid pooling shape {this}: output must be {oh}×{ow}."
                : $"Invalid pooling shape {this}: output must be {oh}×{ow} (floor mode) or {ohCeil}×{owCeil} (ceil mode).");
    }
}
