using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace VisionGen.Cpu;

/// <summary>
/// Compiles a model's CPU kernels on a background thread while <c>Load</c> reads its weights, so the first <c>Run</c>
/// finds them compiled: under the JIT, the SIMD kernels (optimized straight away, one copy per vector width and
/// activation) cost 90–130 ms of compiling in the first call of a ResNet or MobileNet otherwise. The generated
/// <c>Load</c> calls <see cref="Start"/> with a method that runs each of the model's kernels once on a small copy of
/// its step (<see cref="Conv2d.WarmUp"/>, <see cref="Pool2d.WarmUp"/>, …): same code paths, a few channels.
/// <para>
/// It does nothing under NativeAOT (the code is compiled ahead of time), with one processor (the warm-up would take the
/// core <c>Load</c> runs on), after the first <c>Load</c> of a model class in a process, or with the
/// <c>VisionGen.KernelWarmUp</c> <see cref="AppContext"/> switch set to false (runtimeconfig:
/// <c>&lt;RuntimeHostConfigurationOption Include="VisionGen.KernelWarmUp" Value="false" /&gt;</c>). It never blocks:
/// a kernel the first <c>Run</c> reaches before the warm-up does is compiled there, as without it.
/// </para>
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelWarmUp
{
    private static int s_started, s_finished;
    private static Exception? s_failure;

    /// <summary>Starts <paramref name="warm"/> on a background thread, the first time per <paramref name="started"/> flag (one per model class).</summary>
    /// <param name="started">The model class's flag: 0 until its first warm-up starts.</param>
    /// <param name="warm">Runs the model's kernels once on small data; its results are discarded.</param>
    public static void Start(ref int started, Action warm)
    {
        ArgumentNullException.ThrowIfNull(warm);
        if (!Enabled || Interlocked.Exchange(ref started, 1) != 0) return;
        Interlocked.Increment(ref s_started);
        try
        {
            var thread = new Thread(Body, maxStackSize: 1 << 20) { IsBackground = true, Name = "VisionGen kernel warm-up", Priority = ThreadPriority.BelowNormal };
            thread.UnsafeStart(warm);
        }
        catch (PlatformNotSupportedException)
        {
            // A runtime without threads (single-threaded WebAssembly): Load goes on without the warm-up.
            Interlocked.Increment(ref s_finished);
        }
    }

    /// <summary>
    /// True when a warm-up can help: code is compiled at run time, there is a second processor for it, and the
    /// <c>VisionGen.KernelWarmUp</c> switch is not false.
    /// </summary>
    public static bool Enabled =>
        RuntimeFeature.IsDynamicCodeCompiled && Environment.ProcessorCount > 1
        && !(AppContext.TryGetSwitch("VisionGen.KernelWarmUp", out bool on) && !on);

    /// <summary>Warm-ups started and finished in this process, and the first one's failure, if any (for tests).</summary>
    internal static (int Started, int Finished, Exception? Failure) Counts => (Volatile.Read(ref s_started), Volatile.Read(ref s_finished), Volatile.Read(ref s_failure));

    [ThreadStatic] private static float[]? t_buffer;

    /// <summary>
    /// <paramref name="length"/> floats of zeros for a warm-up's tensors, from one array per thread that grows as needed: a
    /// warm-up of a whole network then allocates a few arrays, not a large one per step — large-object garbage that
    /// would bring full collections, pausing the <c>Load</c> running beside it.
    /// </summary>
    internal static Span<float> Buffer(long length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < length) t_buffer = buffer = new float[Math.Max(length, Math.Min(Array.MaxLength, 2L * (buffer?.Length ?? 0)))];
        Span<float> span = buffer.AsSpan(0, (int)length);
        span.Clear();
        return span;
    }

    private static void Body(object? state)
    {
        // The warm-up's kernels run on this thread alone: the worker pool stays free for the caller's first Run.
        WorkerPool.RunInline = true;
        try
        {
            ((Action)state!)();
        }
        catch (Exception e)
        {
            // A warm-up is an optimization; a failure here must not take the process down. Tests read it.
            Interlocked.CompareExchange(ref s_failure, e, null);
        }
        finally
        {
            Interlocked.Increment(ref s_finished);
        }
    }
}
