using System.Numerics.Tensors;

namespace VisionGen.Normalization;

/// <summary>
/// Permutation-invariant pooling over the instances of a bag, as multiple-instance learning uses:
/// a bag is <c>instances × features</c> (row-major); the result has one value per feature and does
/// not depend on the order of the instances.
/// </summary>
public static class BagPooling
{
    /// <summary>Mean over instances (<c>bag.mean(0)</c>).</summary>
    /// <param name="bag">row-major <c>instances × features</c>.</param>
    /// <param name="output">one value per feature.</param>
    /// <param name="features">features per instance.</param>
    public static void Mean(ReadOnlySpan<float> bag, Span<float> output, int features)
    {
        int n = Check(bag, output, features);
        bag[..features].CopyTo(output);
        for (int i = 1; i < n; i++) TensorPrimitives.Add(output, bag.Slice(i * features, features), output);
        TensorPrimitives.Divide(output, n, output);
    }

    /// <summary>Max over instances (<c>bag.amax(0)</c>; NaN propagates as in PyTorch).</summary>
    /// <param name="bag">row-major <c>instances × features</c>.</param>
    /// <param name="output">one value per feature.</param>
    /// <param name="features">features per instance.</param>
    public static void Max(ReadOnlySpan<float> bag, Span<float> output, int features)
    {
        int n = Check(bag, output, features);
        bag[..features].CopyTo(output);
        for (int i = 1; i < n; i++) TensorPrimitives.Max(output, bag.Slice(i * features, features), output);
    }

    private static int Check(ReadOnlySpan<float> bag, Span<float> output, int features)
    {
        if (features <= 0) throw new ArgumentOutOfRangeException(nameof(features), features, "Features must be positive.");
        if (bag.IsEmpty || bag.Length % features != 0)
            throw new ArgumentException($"Bag holds {bag.Length} elements, not a positive multiple of {features} features.", nameof(bag));
        if (output.Length != features) throw new ArgumentException($"Output holds {output.Length} elements; {features} expected.", nameof(output));
        if (bag.Overlaps(output)) throw new ArgumentException("Output must not overlap the bag.", nameof(output));
        return bag.Length / features;
    }
}
