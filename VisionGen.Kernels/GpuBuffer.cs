using ILGPU;
using ILGPU.Runtime;
using System.ComponentModel;

namespace VisionGen.Kernels;

/// <summary>
/// A device buffer of floats, allocated once. <see cref="CopyFrom"/>/<see cref="CopyTo"/> are for setup and
/// tests (ILGPU wraps the host span in a small object per copy); hot paths copy through <see cref="GpuStaging"/>.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuBuffer : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _buffer;

    /// <summary>Allocates <paramref name="length"/> floats on <paramref name="accelerator"/> (contents undefined).</summary>
    /// <param name="accelerator">Owning accelerator.</param>
    /// <param name="length">Floats; at least 1.</param>
    public GpuBuffer(Accelerator accelerator, long length)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (length <= 0) throw new ArgumentOutOfRangeException(nameof(length), length, "Length must be positive.");
        _buffer = accelerator.Allocate1D<float>(length);
        View = _buffer.View;
    }

    /// <summary>Allocates a buffer holding a copy of <paramref name="values"/>.</summary>
    /// <param name="accelerator">Owning accelerator.</param>
    /// <param name="values">Initial contents; at least one value.</param>
    public GpuBuffer(Accelerator accelerator, ReadOnlySpan<float> values) : this(accelerator, values.Length) => CopyFrom(values);

    /// <summary>Floats in the buffer.</summary>
    public long Length => View.Length;

    /// <summary>The whole buffer as a view kernels take.</summary>
    public ArrayView<float> View { get; }

    /// <summary>A sub-view of <paramref name="length"/> floats from <paramref name="offset"/>.</summary>
    /// <param name="offset">First float.</param>
    /// <param name="length">Floats.</param>
    /// <returns>The sub-view.</returns>
    public ArrayView<float> Slice(long offset, long length) => View.SubView(offset, length);

    /// <summary>Copies <paramref name="values"/> to the start of the buffer and waits.</summary>
    /// <param name="values">At most <see cref="Length"/> values.</param>
    public void CopyFrom(ReadOnlySpan<float> values)
    {
        if (values.Length > Length) throw new ArgumentException($"{values.Length} values do not fit in {Length}.", nameof(values));
        if (values.IsEmpty) return;
        View.SubView(0, values.Length).CopyFromCPU(values);
    }

    /// <summary>Copies the first destination.Length floats of the buffer into <paramref name="destination"/> (waits for the default stream).</summary>
    /// <param name="destination">At most <see cref="Length"/> floats.</param>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length > Length) throw new ArgumentException($"Buffer holds {Length} floats, {destination.Length} requested.", nameof(destination));
        if (destination.IsEmpty) return;
        View.SubView(0, destination.Length).CopyToCPU(destination);
    }

    /// <summary>Copies the buffer into a new array (tests, diagnostics).</summary>
    /// <returns>The contents.</returns>
    public float[] ToArray()
    {
        var result = new float[Length];
        CopyTo(result);
        return result;
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose() => _buffer.Dispose();
}
