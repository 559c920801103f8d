namespace VisionGen;

/// <summary>
/// A tensor inside a model's <c>Forward</c> method. The VisionGen generator reads <c>Forward</c> at build time and
/// follows every tensor through it with its static shape; nothing here runs at run time (every member throws).
/// Shapes are PyTorch's: batch first, then channels, height and width for images.
/// </summary>
public sealed class Tensor
{
    private Tensor()
    {
    }

    /// <summary>The batch size (dimension 0), a build-time constant: <c>[VisionModel(Batch = N)]</c>.</summary>
    public int Batch => throw Nn.BuildTimeOnly();

    /// <summary>Channels (dimension 1), a build-time constant.</summary>
    public int Channels => throw Nn.BuildTimeOnly();

    /// <summary>Height (dimension 2 of an image tensor), a build-time constant.</summary>
    public int Height => throw Nn.BuildTimeOnly();

    /// <summary>Width (dimension 3 of an image tensor), a build-time constant.</summary>
    public int Width => throw Nn.BuildTimeOnly();

    /// <summary>Number of dimensions, a build-time constant (4 for an image batch, 2 after <c>Flatten</c>).</summary>
    public int Rank => throw Nn.BuildTimeOnly();

    /// <summary>Size of one dimension, as torch's <c>x.size(dim)</c>; negative counts from the end.</summary>
    /// <param name="dim">Dimension.</param>
    /// <returns>Its size, a build-time constant.</returns>
    public int Size(int dim) => throw Nn.BuildTimeOnly();

    /// <summary>Element-wise sum with NumPy broadcasting (<see cref="Nn.Add"/>).</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand.</param>
    public static Tensor operator +(Tensor a, Tensor b) => throw Nn.BuildTimeOnly();

    /// <summary>Element-wise product with NumPy broadcasting (<see cref="Nn.Mul"/>).</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand.</param>
    public static Tensor operator *(Tensor a, Tensor b) => throw Nn.BuildTimeOnly();
}
