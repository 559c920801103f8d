using ILGPU;
using ILGPU.Runtime;
using System.ComponentModel;

namespace VisionGen.Kernels;

/// <summary>
/// Page-locked host memory through which inputs go up and outputs come down without any managed allocation per
/// call: the caller's span is copied into (or out of) the pinned block and the device copy is a view-to-view copy
/// (ILGPU's span overloads wrap the span in a new buffer object per call). On CUDA the pinned block also makes the
/// transfers true DMA.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GpuStaging : IDisposable
{
    private readonly PageLockedArray1D<float> _host;

    /// <summary>Allocates <paramref name="capacity"/> pinned floats.</summary>
    /// <param name="accelerator">Accelerator the transfers run on.</param>
    /// <param name="capacity">Largest transfer, in floats (at least 1).</param>
    public GpuStaging(Accelerator accelerator, long capacity)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be positive.");
        _host = accelerator.AllocatePageLocked1D<float>(capacity);
    }

    /// <summary>Largest transfer, in floats.</summary>
    public long Capacity => _host.Length;

    /// <summary>
    /// Enqueues a copy of <paramref name="source"/> to the start of <paramref name="destination"/> on <paramref name="stream"/>.
    /// The pinned block is reused by the next transfer, so synchronize (or download) before the next upload.
    /// </summary>
    /// <param name="stream">Stream to enqueue on.</param>
    /// <param name="source">Host values; at most <see cref="Capacity"/>.</param>
    /// <param name="destination">Device view; at least source.Length floats.</param>
    public void Upload(AcceleratorStream stream, ReadOnlySpan<float> source, ArrayView<float> destination)
    {
        Check(source.Length, destination.Length, nameof(destination));
        if (source.IsEmpty) return;
        source.CopyTo(_host.Span);
        var target = destination.SubView(0, source.Length);
        target.CopyFrom(stream, _host.ArrayView.SubView(0, source.Length));
    }

    /// <summary>Copies the first destination.Length floats of <paramref name="source"/> to the host, waiting for <paramref name="stream"/>.</summary>
    /// <param name="stream">Stream the producing kernels ran on.</param>
    /// <param name="source">Device view; at least destination.Length floats.</param>
    /// <param name="destination">Host span; at most <see cref="Capacity"/>.</param>
    public void Download(AcceleratorStream stream, ArrayView<float> source, Span<float> destination)
    {
        Check(destination.Length, source.Length, nameof(source));
        if (destination.IsEmpty) return;
        var staging = _host.ArrayView.SubView(0, destination.Length);
        staging.CopyFrom(stream, source.SubView(0, destination.Length));
        stream.Synchronize();
        _host.Span[..destination.Length].CopyTo(destination);
    }

    private void Check(int hostLength, long deviceLength, string name)
    {
        if (hostLength > Capacity) throw new ArgumentException($"Transfer of {hostLength} floats exceeds the staging capacity {Capacity}.");
        if (deviceLength < hostLength) throw new ArgumentException($"Device view holds {deviceLength} floats, {hostLength} needed.", name);
    }

    /// <summary>Frees the pinned memory.</summary>
    public void Dispose() => _host.Dispose();
}
