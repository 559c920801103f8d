using System.Runtime.CompilerServices;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// The dimensions of a dense row-major tensor of rank 1 to <see cref="MaxRank"/> (batch first, as PyTorch), or a
/// permutation of axes. A plain value (seven ints) so generated code keeps one in a static field and both the CPU
/// kernels and the ILGPU kernels take it by value.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct TensorDims : IEquatable<TensorDims>
{
    /// <summary>The largest rank supported.</summary>
    public const int MaxRank = 6;

    private readonly int _d0, _d1, _d2, _d3, _d4, _d5;

    /// <summary>Rank-1 dimensions.</summary>
    /// <param name="d0">Size of dimension 0.</param>
    public TensorDims(int d0) : this(1, d0, 0, 0, 0, 0, 0) { }

    /// <summary>Rank-2 dimensions.</summary>
    /// <param name="d0">Size of dimension 0.</param>
    /// <param name="d1">Size of dimension 1.</param>
    public TensorDims(int d0, int d1) : this(2, d0, d1, 0, 0, 0, 0) { }

    /// <summary>Rank-3 dimensions.</summary>
    /// <param name="d0">Size of dimension 0.</param>
    /// <param name="d1">Size of dimension 1.</param>
    /// <param name="d2">Size of dimension 2.</param>
    public TensorDims(int d0, int d1, int d2) : this(3, d0, d1, d2, 0, 0, 0) { }

    /// <summary>Rank-4 dimensions (N, C, H, W for an image batch).</summary>
    /// <param name="d0">Size of dimension 0.</param>
    /// <param name="d1">Size of dimension 1.</param>
    /// <param name="d2">Size of dimension 2.</param>
    /// <param name="d3">Size of dimension 3.</param>
    public TensorDims(int d0, int d1, int d2, int d3) : this(4, d0, d1, d2, d3, 0, 0) { }

    /// <summary>Rank-5 dimensions.</summary>
    /// <param name="d0">Size of dimension 0.</param>
    /// <param name="d1">Size of dimension 1.</param>
    /// <param name="d2">Size of dimension 2.</param>
    /// <param name="d3">Size of dimension 3.</param>
    /// <param name="d4">Size of dimension 4.</param>
    public TensorDims(int d0, int d1, int d2, int d3, int d4) : this(5, d0, d1, d2, d3, d4, 0) { }

    /// <summary>Rank-6 dimensions.</summary>
    /// <param name="d0">Size of dimension 0.</param>
    /// <param name="d1">Size of dimension 1.</param>
    /// <param name="d2">Size of dimension 2.</param>
    /// <param name="d3">Size of dimension 3.</param>
    /// <param name="d4">Size of dimension 4.</param>
    /// <param name="d5">Size of dimension 5.</param>
    public TensorDims(int d0, int d1, int d2, int d3, int d4, int d5) : this(6, d0, d1, d2, d3, d4, d5) { }

    private TensorDims(int rank, int d0, int d1, int d2, int d3, int d4, int d5)
    {
        Rank = rank;
        (_d0, _d1, _d2, _d3, _d4, _d5) = (d0, d1, d2, d3, d4, d5);
    }

    /// <summary>Dimensions from 1 to <see cref="MaxRank"/> sizes.</summary>
    /// <param name="dims">Sizes, outermost first.</param>
    /// <returns>The dimensions.</returns>
    /// <exception cref="ArgumentException">No sizes, or more than <see cref="MaxRank"/>.</exception>
    public static TensorDims Of(ReadOnlySpan<int> dims)
    {
        if (dims.Length is 0 or > MaxRank) throw new ArgumentException($"A tensor has 1 to {MaxRank} dimensions, got {dims.Length}.", nameof(dims));
        Span<int> d = stackalloc int[MaxRank];
        dims.CopyTo(d);
        return new TensorDims(dims.Length, d[0], d[1], d[2], d[3], d[4], d[5]);
    }

    /// <summary>Number of dimensions.</summary>
    public int Rank { get; }

    /// <summary>Size of dimension <paramref name="axis"/> (0 = outermost).</summary>
    /// <param name="axis">0 ≤ axis &lt; <see cref="Rank"/>.</param>
    public int this[int axis]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => axis switch { 0 => _d0, 1 => _d1, 2 => _d2, 3 => _d3, 4 => _d4, _ => _d5 };
    }

    /// <summary>Elements: the product of the sizes.</summary>
    public long Length
    {
        get
        {
            long n = 1;
            for (int i = 0; i < Rank; i++) n *= this[i];
            return n;
        }
    }

    /// <summary>Elements in one step of <paramref name="axis"/>: the product of the sizes after it.</summary>
    /// <param name="axis">0 ≤ axis &lt; <see cref="Rank"/>.</param>
    public long Stride(int axis)
    {
        long n = 1;
        for (int i = axis + 1; i < Rank; i++) n *= this[i];
        return n;
    }

    /// <summary>Throws unless every size is positive.</summary>
    /// <param name="name">Parameter name for the exception.</param>
    /// <exception cref="ArgumentException">A size is not positive or the rank is 0.</exception>
    public void Validate(string name)
    {
        if (Rank is < 1 or > MaxRank) throw new ArgumentException($"A tensor has 1 to {MaxRank} dimensions, got {Rank}.", name);
        for (int i = 0; i < Rank; i++)
            if (this[i] <= 0) throw new ArgumentException($"Dimension {i} of {this} is not positive.", name);
    }

    /// <summary>Throws unless these dims are a permutation of the axes of <paramref name="of"/> (0 … rank − 1, each once).</summary>
    /// <param name="of">The dims being permuted.</param>
    /// <param name="name">Parameter name for the exception.</param>
    /// <exception cref="ArgumentException">The ranks differ, or an axis is missing, repeated or out of range.</exception>
    public void ValidatePermutationOf(in TensorDims of, string name)
    {
        if (Rank != of.Rank)
            throw new ArgumentException($"Permutation {this} has rank {Rank}, the input {of} {of.Rank}.", name);
        int seen = 0;
        for (int i = 0; i < Rank; i++)
        {
            int p = this[i];
            if ((uint)p >= (uint)Rank || (seen & (1 << p)) != 0)
                throw new ArgumentException($"{this} is not a permutation of 0 … {Rank - 1}.", name);
            seen |= 1 << p;
        }
    }

    /// <inheritdoc />
    public bool Equals(TensorDims other)
    {
        if (Rank != other.Rank) return false;
        for (int i = 0; i < Rank; i++) if (this[i] != other[i]) return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TensorDims d && Equals(d);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, _d0, _d1, _d2, _d3, _d4, _d5);

    /// <summary>Equality of rank and sizes.</summary>
    public static bool operator ==(TensorDims left, TensorDims right) => left.Equals(right);

    /// <summary>Inequality of rank or sizes.</summary>
    public static bool operator !=(TensorDims left, TensorDims right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new string[Rank];
        for (int i = 0; i < Rank; i++) parts[i] = this[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
