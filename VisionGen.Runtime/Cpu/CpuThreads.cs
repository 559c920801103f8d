namespace VisionGen.Cpu;

/// <summary>
/// How many threads the CPU kernels use. The default is 1: kernels run on the calling thread only and no
/// worker thread exists. Set <see cref="Count"/> once at startup (e.g. to <see cref="Environment.ProcessorCount"/>)
/// to split each convolution across that many threads: the caller plus Count − 1 persistent background workers,
/// created when the property is set. Work is handed over without allocating, so inference stays
/// allocation-free when multi-threaded.
/// </summary>
/// <remarks>
/// Workers spin for a short while after each piece of work (so back-to-back layers hand over in microseconds),
/// then sleep until the next one. One inference at a time uses the workers; a second thread calling a kernel
/// while they are busy runs its kernel single-threaded instead of waiting.
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
}
