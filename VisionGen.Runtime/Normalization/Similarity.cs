using System.Numerics.Tensors;

namespace VisionGen.Normalization;

/// <summary>Cosine similarity as <c>F.cosine_similarity</c>: <c>a·b / sqrt(max(‖a‖²‖b‖², eps²))</c>.</summary>
public static class Similarity
{
    /// <summary>Cosine similarity of two equal-length vectors ([1,2,3] vs [4,5,6] is 0.9746).</summary>
    /// <param name="a">first vector.</param>
    /// <param name="b">second vector, same length.</param>
    /// <param name="epsilon">lower bound of the norm product (PyTorch's default 1e-8).</param>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float epsilon = 1e-8f)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Lengths differ: {a.Length} and {b.Length}.", nameof(b));
        if (a.IsEmpty) throw new ArgumentException("Vectors must not be empty.", nameof(a));
        double dot = TensorPrimitives.Dot(a, b);
        double na = TensorPrimitives.SumOfSquares(a), nb = TensorPrimitives.SumOfSquares(b);
        return (float)(dot / Math.Sqrt(Math.Max(na * nb, (double)epsilon * epsilon)));
    }

    /// <summary>Row-wise cosine similarity of two <c>rows × rowLength</c> matrices into <paramref name="output"/>.</summary>
    /// <param name="a">first matrix.</param>
    /// <param name="b">second matrix, same shape.</param>
    /// <param name="output">one value per row.</param>
    /// <param name="rowLength">elements per row.</param>
    /// <param name="epsilon">lower bound of the norm product.</param>
    public static void CosineRows(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output, int rowLength, float epsilon = 1e-8f)
    {
        if (rowLength <= 0) throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "Row length must be positive.");
        if (a.Length != b.Length || a.Length % rowLength != 0) throw new ArgumentException("Matrices must have the same shape, a whole number of rows.", nameof(b));
        int rows = a.Length / rowLength;
        if (output.Length != rows) throw new ArgumentException($"Output holds {output.Length} elements; {rows} expected.", nameof(output));
        for (int r = 0; r < rows; r++)
            output[r] = Cosine(a.Slice(r * rowLength, rowLength), b.Slice(r * rowLength, rowLength), epsilon);
    }
}
