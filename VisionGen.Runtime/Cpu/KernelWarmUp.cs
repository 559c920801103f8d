using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace VisionGen.Cpu;

/// <summary>
/// Compiles a model's CPU kernels on a background thread while <c>Load</c> reads its weights, so the first <c>Run</c>
/// finds them compiled: under the JIT, the SIMD kernels (optimized straight away, one copy per vector width and
/// activation) cost 90–130 ms of compiling in the first call of a ResNet or MobileNet otherwise. The generated
/// <c>Load</c> calls <see cref="Start"/> with the model's steps — step 0 compiles the method that runs the network,
/// each further one runs a layer's kernels once on a small copy of its step (<see cref="Conv2d.WarmUp"/>,
/// <see cref="Pool2d.WarmUp"/>, …): same code paths, a few channels — and tells it when <c>Load</c> is done
/// (<see cref="Steps.LoadFinished"/>).
/// <para>
/// The steps go in network order while <c>Load</c> runs, and from the last step backwards once it has returned: the first
/// <c>Run</c> compiles what it reaches before the warm-up from the front, so the two threads compile different kernels
/// and meet in the middle instead of the first <c>Run</c> waiting, layer after layer, on the one the warm-up is compiling
/// just ahead of it (MobileNetV2, whose 14 MB load is over before the warm-up is half done: first result 110 → 96 ms).
/// </para>
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

    /// <summary>
    /// Starts running <paramref name="step"/>(0), …, <paramref name="step"/>(<paramref name="count"/> − 1) on a background
    /// thread, the first time per <paramref name="started"/> flag (one per model class): step 0 first, then in order until
    /// <see cref="Steps.LoadFinished"/>, then from the last one backwards. Each step runs once.
    /// </summary>
    /// <param name="started">The model class's flag: 0 until its first warm-up starts.</param>
    /// <param name="count">How many steps.</param>
    /// <param name="step">Runs one step's kernels once on small data; its results are discarded.</param>
    /// <returns>The running warm-up, for <c>Load</c> to say when it is done; null when none was started.</returns>
    public static Steps? Start(ref int started, int count, Action<int> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!Enabled || Interlocked.Exchange(ref started, 1) != 0) return null;
        Interlocked.Increment(ref s_started);
        var steps = new Steps(count, step);
        try
        {
            var thread = new Thread(Body, maxStackSize: 1 << 20) { IsBackground = true, Name = "VisionGen kernel warm-up", Priority = ThreadPriority.BelowNormal };
            thread.UnsafeStart(steps);
        }
        catch (PlatformNotSupportedException)
        {
            // A runtime without threads (single-threaded WebAssembly): Load goes on without the warm-up.
            Interlocked.Increment(ref s_finished);
            return null;
        }
        return steps;
    }

    /// <summary>A running warm-up: its steps, and whether <c>Load</c> has returned.</summary>
    public sealed class Steps
    {
        private readonly Action<int> _step;
        private readonly int _count;
        private volatile bool _loadFinished;

        internal Steps(int count, Action<int> step) { _count = count; _step = step; }

        /// <summary><c>Load</c> has returned: the steps left run from the last one backwards, away from the first <c>Run</c>.</summary>
        public void LoadFinished() => _loadFinished = true;

        /// <summary>Runs every step once: 0, then forwards while <c>Load</c> runs, then backwards from the last.</summary>
        internal void RunAll()
        {
            if (_count == 0) return;
            _step(0);
            for (int next = 1, last = _count - 1; next <= last;)
                _step(_loadFinished ? last-- : next++);
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
            ((Steps)state!).RunAll();
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
