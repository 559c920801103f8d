using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;
using System.ComponentModel;

namespace VisionGen.Kernels;

/// <summary>
/// Every VisionGen GPU kernel, compiled once for one accelerator, with typed launchers. Launchers only
/// enqueue work on <see cref="Stream"/>; call <see cref="Synchronize"/> (or download) to wait.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <remarks>
/// All kernels are explicitly grouped and read their group size at run time, so the same code runs with
/// 256-thread groups on CUDA and 4-thread groups on the CPU accelerator (see
/// <see cref="GpuContext.CpuThreadsPerGroup"/>). Element-wise kernels loop grid-stride over a bounded
/// number of groups. Tensors are float32, NCHW, addressed through <see cref="ArrayView{T}"/>s; optional
/// operands (bias, residual, affine weights) are passed as empty views (<c>default</c>).
/// Launchers validate sizes on the host and allocate nothing managed themselves; ILGPU's CPU
/// accelerator allocates a small task object per launch (see the allocation tests), CUDA does not.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class GpuKernels : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly int _threads;
    private readonly int _tileSide;
    private readonly int _maxGroups;

    /// <summary>Compiles every kernel for <paramref name="accelerator"/> (seconds on the CPU accelerator, once).</summary>
    /// <param name="accelerator">Accelerator to compile for.</param>
    /// <param name="stream">Stream launches are enqueued on; null uses the accelerator's default stream.</param>
    public GpuKernels(Accelerator accelerator, AcceleratorStream? stream = null)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        _accelerator = accelerator;
        Stream = stream ?? accelerator.DefaultStream;
        int maxGroup = accelerator.MaxNumThreadsPerGroup;
        _threads = Math.Min(256, maxGroup);
        _tileSide = 1;
        while (_tileSide < 16 && (2 * _tileSide) * (2 * _tileSide) <= maxGroup) _tileSide *= 2;
        // Enough resident groups to hide latency on a GPU; few on the CPU, where each group costs a thread handshake.
        int perSm = Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / _threads);
        _maxGroups = accelerator.AcceleratorType == AcceleratorType.CPU ? 4 : Math.Max(1, accelerator.NumMultiprocessors * perSm * 4);

        LoadElementwise();
        LoadPooling();
        LoadConv();
        LoadNormalization();
        LoadBlur();
        LoadBroadcast();
        LoadLayout();
        LoadResize();
        LoadConvTranspose();
        LoadWeightedSum();
    }

    /// <summary>The accelerator the kernels were compiled for.</summary>
    public Accelerator Accelerator => _accelerator;

    /// <summary>The stream every launcher enqueues on.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>Threads per group of the one-dimensional kernels (256 on CUDA).</summary>
    public int ThreadsPerGroup => _threads;

    /// <summary>Frees the kernels' own device buffers (a small dummy, the split-K scratch); the kernels themselves belong to the accelerator.</summary>
    public void Dispose()
    {
        _dummy?.Dispose();
        _splitScratch?.Dispose();
    }

    /// <summary>Waits until every launch enqueued on <see cref="Stream"/> has finished.</summary>
    public void Synchronize() => Stream.Synchronize();

    /// <summary>
    /// Kernel launches this instance has enqueued so far (copies are not launches). A generated runner's launches per
    /// inference are the difference over one <c>Run</c>: at batch 1 on a GPU, each costs a few microseconds of launch
    /// overhead whatever its size, so fewer is faster.
    /// </summary>
    public long Launches => _launches;

    private long _launches;

    /// <summary>The stream a launcher enqueues on, counting the launch.</summary>
    private AcceleratorStream Launch()
    {
        _launches++;
        return Stream;
    }

    private KernelConfig GridStride(long n)
    {
        long groups = Math.Min((n + _threads - 1) / _threads, _maxGroups);
        return new KernelConfig((int)Math.Max(1, groups), _threads);
    }

    private KernelConfig Reduce(int groups) =>
        new(groups, _threads, SharedMemoryConfig.RequestDynamic<float>(2 * _threads));

    private static void Need(ArrayView<float> view, long length, string name)
    {
        if (view.Length < length)
            throw new ArgumentException($"{name} needs {length} floats, got {view.Length}.", name);
    }

    private static void NeedOptional(ArrayView<float> view, long length, string name)
    {
        if (view.Length != 0 && view.Length < length)
            throw new ArgumentException($"{name} needs {length} floats or none (an empty view), got {view.Length}.", name);
    }

    /// <summary>Throws unless a tensor of <paramref name="length"/> floats fits the 32-bit element indices a launch uses.</summary>
    private static int LaunchLength(long length, string name)
    {
        if (length > int.MaxValue)
            throw new ArgumentException($"A tensor of {length} values exceeds the 2^31 elements one launch addresses.", name);
        return (int)length;
    }

    /// <summary>
    /// Throws when <paramref name="output"/>'s first <paramref name="outputLength"/> floats overlap
    /// <paramref name="input"/>'s first <paramref name="inputLength"/>, except, when <paramref name="sameStartAllowed"/>,
    /// for exactly the same start (an element-wise kernel in place). Compares device addresses, so views of
    /// different buffers never overlap.
    /// </summary>
    private static void CheckOverlap(ArrayView<float> input, long inputLength, ArrayView<float> output, long outputLength,
        string name, bool sameStartAllowed)
    {
        if (inputLength == 0 || outputLength == 0 || input.Length == 0 || output.Length == 0) return;
        long a = input.LoadEffectiveAddressAsPtr().ToInt64(), b = output.LoadEffectiveAddressAsPtr().ToInt64();
        if (a + inputLength * sizeof(float) <= b || b + outputLength * sizeof(float) <= a) return;
        if (sameStartAllowed && a == b) return;
        throw new ArgumentException(sameStartAllowed
            ? $"{name} partially overlaps the output (only exactly the same view is allowed)."
            : $"{name} overlaps the output.", name);
    }

    /// <summary>
    /// Dynamic shared memory of <paramref name="floats"/> floats per group, or a clear error where the device gives a group
    /// less (48 KB on CUDA without opt-in): the CPU accelerator has no such limit, so CI alone would never see it.
    /// </summary>
    private SharedMemoryConfig SharedFloats(int floats, string name)
    {
        long bytes = (long)floats * sizeof(float);
        if (bytes > _accelerator.MaxSharedMemoryPerGroup)
            throw new ArgumentException($"This launch needs {bytes / 1024.0:F1} KB of shared memory per group; {_accelerator.Name} gives a group {_accelerator.MaxSharedMemoryPerGroup / 1024} KB.", name);
        return SharedMemoryConfig.RequestDynamic<float>(floats);
    }

    /// <summary>A grid's Y or Z extent: CUDA launches at most 65535 groups along each (X takes 2^31 − 1).</summary>
    /// <param name="groups">Groups along the axis.</param>
    /// <param name="what">What needs them, with a {0} for <paramref name="count"/> — formatted only when the launch is
    /// refused: a launch allocates nothing (an interpolated string here would be built on every call).</param>
    /// <param name="count">The size the message names.</param>
    /// <param name="name">The parameter to blame.</param>
    private static void GridExtent(long groups, string what, long count, string name)
    {
        if (groups > 65535)
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, what, count) +
                $" needs {groups} groups along one grid axis; a CUDA launch takes at most 65535 there.", name);
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
    }

    private static void CheckActivation(Activation activation)
    {
        if (!Enum.IsDefined(activation.Kind))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
    }

    /// <summary>ILGPU cannot bind an empty view as a kernel parameter on every backend; a one-float view stands in.</summary>
    private ArrayView<float> OrDummy(ArrayView<float> view) => view.Length == 0 ? _dummy.View : view;

    private MemoryBuffer1D<float, Stride1D.Dense> _dummy = null!;
}
