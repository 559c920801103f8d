namespace VisionGen.Cpu;

/// <summary>
/// How many threads the CPU kernels use. The default is 1: kernels run on the calling thread only and no
/// worker thread exists. Set <see cref="Count"/> once at startup (e.g. to <see cref="Environment.ProcessorCount"/>)
/// to split each convolution across that many threads: the caller plus Count − 1 persistent background workers,
/// created when the property is set. Work is handed over without allocating, so inference stays
/// allocation-free when multi-threaded.
/// </summary>
/// <remarks>
/// Workers spin for <see cref="IdleSpin"/> after each piece of work (so back-to-back layers, and inferences a camera's
/// frame apart, hand over in microseconds), then sleep until the next one; the caller runs the part of any worker that
/// has not started when it is done with its own. One inference at a time uses the workers; a second thread calling a
/// kernel while they are busy runs its kernel single-threaded instead of waiting.
/// </remarks>
public static class CpuThreads
{
    /// <summary>Most threads <see cref="Count"/> accepts.</summary>
    public const int MaxCount = 64;

    /// <summary>
    /// Threads a kernel splits its work across, the caller included (1 to <see cref="MaxCount"/>; default 1).
    /// Raising it starts the missing workers (allocates once); lowering it leaves the extra workers asleep.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxCount"/>.</exception>
    public static int Count
    {
        get => WorkerPool.Threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxCount);
            WorkerPool.SetThreads(value);
        }
    }

    /// <summary>
    /// How long an idle worker keeps polling for the next piece of work before it sleeps (0 to 1 s; default 30 ms, about
    /// ONNX Runtime's own default). A worker woken from sleep can take from tens of microseconds up to milliseconds on a
    /// virtual machine whose idle core went back to its host; inferences that come less than this apart (a 30 fps
    /// camera loop) find the workers still polling. Polling keeps one core per worker busy meanwhile: set it lower (or
    /// zero) where power matters more than the latency of an inference after a pause.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or above one second.</exception>
    public static TimeSpan IdleSpin
    {
        get => WorkerPool.IdleSpin;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromSeconds(1));
            WorkerPool.IdleSpin = value;
        }
    }
}
