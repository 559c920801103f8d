namespace VisionGen.Imaging;

/// <summary>
/// A piece of work split into parts; <see cref="Execute"/> runs part <c>part</c> of <c>parts</c>.
/// Instances are reused across calls (one per calling thread), so running one allocates nothing.
/// </summary>
internal abstract class ParallelJob
{
    public abstract void Execute(int part, int parts);
}

/// <summary>
/// A persistent, allocation-free worker pool for the multi-threaded image operations: background
/// threads started once, woken per call by a semaphore each, the calling thread doing part 0.
/// One job runs at a time; a caller that finds the pool busy runs every part itself, so concurrent
/// callers never wait on each other and results do not depend on the split.
/// </summary>
internal static class ImagingWorkers
{
    private static readonly object s_gate = new();
    private static Worker[] s_workers = [];
    private static ParallelJob? s_job;
    private static int s_parts;
    private static int s_remaining;
    private static Exception? s_error;
    // Completion: spin briefly (bands take ~0.1-10 ms), then Monitor.Wait on an object made up front.
    // (ManualResetEventSlim creates its lock object lazily on the first blocking wait: a managed
    // allocation that would land in some later call.)
    private static readonly object s_doneLock = new();

    /// <summary>Most parts a job can be split into (the processor count).</summary>
    public static int MaxParallelism => Math.Max(1, Environment.ProcessorCount);

    public static void Run(ParallelJob job, int parts)
    {
        if (parts <= 1)
        {
            job.Execute(0, 1);
            return;
        }
        if (!Monitor.TryEnter(s_gate))
        {
            for (int p = 0; p < parts; p++) job.Execute(p, parts);
            return;
        }
        try
        {
            EnsureWorkers(parts - 1);
            s_job = job;
            s_parts = parts;
            s_error = null;
            Volatile.Write(ref s_remaining, parts - 1);
            for (int i = 0; i < parts - 1; i++) s_workers[i].Wake.Release();
            Exception? mine = null;
            try { job.Execute(0, parts); }
            catch (Exception e) { mine = e; }
            WaitForWorkers();
            s_job = null;
            var error = mine ?? s_error;
            if (error != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
        finally
        {
            Monitor.Exit(s_gate);
        }
    }

    private static void WaitForWorkers()
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref s_remaining) != 0)
        {
            if (spin.Count < 200) { spin.SpinOnce(sleep1Threshold: -1); continue; }
            lock (s_doneLock)
            {
                while (Volatile.Read(ref s_remaining) != 0) Monitor.Wait(s_doneLock);
            }
        }
    }

    private static void EnsureWorkers(int count)
    {
        if (s_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(s_workers, grown, s_workers.Length);
        for (int i = s_workers.Length; i < count; i++) grown[i] = new Worker(i + 1);
        s_workers = grown;
    }

    private sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);
        private readonly int _part;

        public Worker(int part)
        {
            _part = part;
            var thread = new Thread(Loop) { IsBackground = true, Name = $"VisionGen.Imaging worker {part}" };
            thread.Start();
        }

        private void Loop()
        {
            while (true)
            {
                Wake.Wait();
                try { s_job!.Execute(_part, s_parts); }
                catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }
                if (Interlocked.Decrement(ref s_remaining) == 0)
                    lock (s_doneLock) Monitor.PulseAll(s_doneLock);
            }
        }
    }
}
