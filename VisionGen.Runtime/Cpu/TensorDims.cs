using System.Runtime.CompilerServices;

namespace VisionGen.Cpu;

/// <summary>
/// The dimensions of a dense row-major tensor of rank 1 to <see cref="MaxRank"/> (batch first, as PyTorch), or a
/// permutation of axes. A plain value (seven ints) so generated code keeps one in a static field and both the CPU
/// kernels and the ILGPU kernels take it by value.
/// </summary>
public readonly struct TensorDims : IEquatable<TensorDims>
{
    /// <summary>The largest rank supported.</summary>
    public const int MaxRank = 6;

    private readonly int _d0, _d1, _d2, _d3, _d4, _d5;

    /// <summary>Creates dimensions from 1 to <see cref="MaxRank"/> sizes.</summary>
    /// <param name="dims">Sizes, outermost first.</param>
    /// <exception cref="ArgumentException">No sizes, or more than <see cref="MaxRank"/>.</exception>
    public TensorDims(params ReadOnlySpan<int> dims)
    {
        if (dims.Length is 0 or > MaxRank) throw new ArgumentException($"A tensor has 1 to {MaxRank} dimensions, got {dims.Length}.", nameof(dims));
        Rank = dims.Length;
        _d0 = dims[0];
        _d1 = dims.Length > 1 ? dims[1] : 0;
        _d2 = dims.Length > 2 ? dims[2] : 0;
        _d3 = dims.Length > 3 ? dims[3] : 0;
        _d4 = dims.Length > 4 ? dims[4] : 0;
        _d5 = dims.Length > 5 ? dims[5] : 0;
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
