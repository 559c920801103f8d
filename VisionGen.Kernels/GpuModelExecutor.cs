using ILGPU;
using ILGPU.Runtime;
using System.ComponentModel;

namespace VisionGen.Kernels;

/// <summary>
/// Base of a generated GPU runner: owns the accelerator stream, the compiled <see cref="GpuKernels"/>, one device
/// arena of every activation (views by offset and length, as the arena plan assigns them), the weights uploaded
/// once, and the pinned staging for input and output. <see cref="Run"/> uploads the input, calls
/// <see cref="EnqueueKernels"/> and downloads the output, with no managed allocation of its own.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class GpuModelExecutor : IDisposable
{
    private readonly bool _ownsContext;
    private readonly GpuBuffer _arena;
    private readonly GpuStaging _staging;
    private readonly List<GpuBuffer> _weights = new();
    private bool _disposed;

    /// <summary>Creates the executor's device state.</summary>
    /// <param name="context">Context to run on (see <see cref="GpuContext.Create(bool)"/>).</param>
    /// <param name="arenaLength">Floats of the activation arena.</param>
    /// <param name="inputOffset">Arena offset of the input tensor.</param>
    /// <param name="inputLength">Floats of the input tensor.</param>
    /// <param name="outputOffset">Arena offset of the output tensor.</param>
    /// <param name="outputLength">Floats of the output tensor.</param>
    /// <param name="ownsContext">Dispose <paramref name="context"/> with the executor.</param>
    protected GpuModelExecutor(GpuContext context, long arenaLength, long inputOffset, int inputLength, long outputOffset, int outputLength,
        bool ownsContext = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (inputLength <= 0 || outputLength <= 0) throw new ArgumentOutOfRangeException(nameof(inputLength), "Input and output lengths must be positive.");
        if (inputOffset < 0 || inputOffset + inputLength > arenaLength || outputOffset < 0 || outputOffset + outputLength > arenaLength)
            throw new ArgumentException($"Input [{inputOffset}, +{inputLength}) and output [{outputOffset}, +{outputLength}) must lie inside the arena of {arenaLength} floats.");
        Context = context;
        _ownsContext = ownsContext;
        Stream = context.Accelerator.CreateStream();
        Kernels = new GpuKernels(context.Accelerator, Stream);
        _arena = new GpuBuffer(context.Accelerator, arenaLength);
        _staging = new GpuStaging(context.Accelerator, Math.Max(inputLength, outputLength));
        InputLength = inputLength;
        OutputLength = outputLength;
        InputView = _arena.Slice(inputOffset, inputLength);
        OutputView = _arena.Slice(outputOffset, outputLength);
    }

    /// <summary>The context the executor runs on.</summary>
    public GpuContext Context { get; }

    /// <summary>The accelerator (CUDA, or the CPU fallback).</summary>
    public Accelerator Accelerator => Context.Accelerator;

    /// <summary>The executor's own stream; every launch and copy goes on it.</summary>
    public AcceleratorStream Stream { get; }

    /// <summary>The compiled kernels, launching on <see cref="Stream"/>.</summary>
    public GpuKernels Kernels { get; }

    /// <summary>Floats <see cref="Run"/> reads.</summary>
    public int InputLength { get; }

    /// <summary>Floats <see cref="Run"/> writes.</summary>
    public int OutputLength { get; }

    /// <summary>The input tensor inside the arena.</summary>
    protected ArrayView<float> InputView { get; }

    /// <summary>The output tensor inside the arena.</summary>
    protected ArrayView<float> OutputView { get; }

    /// <summary>The whole activation arena.</summary>
    protected ArrayView<float> Arena => _arena.View;

    /// <summary>A tensor of the arena plan: <paramref name="length"/> floats from <paramref name="offset"/>.</summary>
    /// <param name="offset">Arena offset in floats.</param>
    /// <param name="length">Floats.</param>
    /// <returns>The view; compute it once at construction and keep it in a field.</returns>
    protected ArrayView<float> ArenaSlice(long offset, long length) => _arena.Slice(offset, length);

    /// <summary>
    /// Uploads a block of weights once (e.g. every folded weight of the model concatenated) and keeps the device
    /// copy alive until the executor is disposed. Slice the returned view per tensor.
    /// </summary>
    /// <param name="weights">Host weights.</param>
    /// <returns>The device copy.</returns>
    protected ArrayView<float> UploadWeights(ReadOnlySpan<float> weights)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buffer = new GpuBuffer(Accelerator, weights);
        _weights.Add(buffer);
        return buffer.View;
    }

    /// <summary>Enqueues a copy of <paramref name="input"/> into <paramref name="destination"/> (no managed allocation).</summary>
    /// <param name="input">Host values.</param>
    /// <param name="destination">Device view, at least input.Length floats.</param>
    protected void UploadInput(ReadOnlySpan<float> input, ArrayView<float> destination) => _staging.Upload(Stream, input, destination);

    /// <summary>Waits for the stream, then copies <paramref name="source"/> into <paramref name="output"/> (no managed allocation).</summary>
    /// <param name="source">Device view, at least output.Length floats.</param>
    /// <param name="output">Host destination.</param>
    protected void DownloadOutput(ArrayView<float> source, Span<float> output) => _staging.Download(Stream, source, output);

    /// <summary>Waits until everything enqueued on <see cref="Stream"/> has finished.</summary>
    public void Synchronize() => Stream.Synchronize();

    /// <summary>Runs the model on one input: upload, <see cref="EnqueueKernels"/>, download.</summary>
    /// <param name="input">Exactly <see cref="InputLength"/> floats.</param>
    /// <param name="output">At least <see cref="OutputLength"/> floats; the first <see cref="OutputLength"/> are written.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (input.Length != InputLength) throw new ArgumentException($"Input needs exactly {InputLength} floats, got {input.Length}.", nameof(input));
        if (output.Length < OutputLength) throw new ArgumentException($"Output needs {OutputLength} floats, got {output.Length}.", nameof(output));
        VisionGen.Models.InputValidation.ThrowIfNotFinite(input, nameof(input)); // as the CPU path: NaN/∞ in, a clear error out
        UploadInput(input, InputView);
        EnqueueKernels();
        DownloadOutput(OutputView, output[..OutputLength]);
    }

    /// <summary>
    /// Runs the kernel sequence again on the input already on the device (the last <see cref="Run"/>'s, or whatever the
    /// arena holds) and waits, with no upload or download: the on-device latency a benchmark compares with a framework's
    /// forward pass on a device tensor. Allocates nothing managed on CUDA.
    /// </summary>
    public void RunOnDevice()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnqueueKernels();
        Stream.Synchronize();
    }

    /// <summary>Enqueues the model's kernel sequence on <see cref="Kernels"/> (which launch on <see cref="Stream"/>).</summary>
    protected abstract void EnqueueKernels();

    /// <summary>Frees weights, arena, staging, stream and kernels (and the context when owned).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the executor's resources; derived classes free their own and call the base.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Stream.Synchronize();
        foreach (var w in _weights) w.Dispose();
        _weights.Clear();
        _arena.Dispose();
        _staging.Dispose();
        Kernels.Dispose();
        Stream.Dispose();
        if (_ownsContext) Context.Dispose();
    }
}
