namespace VisionGen.Imaging;

/// <summary>
/// A piece of work split into chunks; <see cref="Execute"/> runs chunk <c>chunk</c> of <c>chunks</c>.
/// Instances are reused across calls (one per calling thread), so running one allocates nothing.
/// </summary>
internal abstract class ParallelJob
{
    public abstract void Execute(int chunk, int chunks);
}

/// <summary>
/// A persistent, allocation-free worker pool for the multi-threaded image operations. Background
/// threads are started once, and each is woken per call by its own semaphore. The job is cut into
/// more chunks than threads, and every participant, the calling thread included, claims chunks
/// from a shared counter until none are left. A worker the OS schedules late therefore delays
/// nobody: once the chunks run out, the caller takes back the wake-up of any worker that has not
/// started and returns.
/// One job runs at a time; a caller that finds the pool busy runs every chunk itself, so concurrent
/// callers never wait on each other. Results never depend on the split.
/// </summary>
internal static class ImagingWorkers
{
    private static readonly object s_gate = new();
    // All workers (one per extra processor) start with the first use of the pool, busy or not, so
    // no later call pays for (or allocates) a thread.
    private static readonly Worker[] s_workers = CreateWorkers(Math.Max(1, Environment.ProcessorCount) - 1);
    private static ParallelJob? s_job;
    private static int s_chunks;
    private static int s_next;
    private static int s_remaining;
    private static Exception? s_error;
    // Completion: spin briefly, then Monitor.Wait on an object made up front. (ManualResetEventSlim
    // creates its lock object lazily on the first blocking wait: a managed allocation that would land
    // in some later call.)
    private static readonly object s_doneLock = new();

    /// <summary>Most threads a job can use (the processor count).</summary>
    public static int MaxParallelism => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="chunks"/> chunks of <paramref name="job"/> on up to <paramref name="threads"/> threads.</summary>
    public static void Run(ParallelJob job, int threads, int chunks)
    {
        if (threads <= 1 || chunks <= 1 || !Monitor.TryEnter(s_gate))
        {
            for (int c = 0; c < chunks; c++) job.Execute(c, chunks);
            return;
        }
        try
        {
            int helpers = Math.Min(Math.Min(threads, chunks) - 1, s_workers.Length);
            s_job = job;
            s_chunks = chunks;
            s_error = null;
            Volatile.Write(ref s_next, 0);
            Volatile.Write(ref s_remaining, helpers);
            for (int i = 0; i < helpers; i++) s_workers[i].Wake.Release();
            Exception? mine = null;
            try { Drain(job, chunks); }
            catch (Exception e) { mine = e; }
            // Workers that have not woken up yet are not needed any more: take their wake-up back.
            for (int i = 0; i < helpers; i++)
                if (s_workers[i].Wake.Wait(0)) Interlocked.Decrement(ref s_remaining);
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

    private static void Drain(ParallelJob job, int chunks)
    {
        int c;
        while ((c = Interlocked.Increment(ref s_next) - 1) < chunks) job.Execute(c, chunks);
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

    private static Worker[] CreateWorkers(int count)
    {
        var workers = new Worker[count];
        for (int i = 0; i < count; i++) workers[i] = new Worker(i + 1);
        return workers;
    }

    private sealed class Worker
    {
        public readonly SemaphoreSlim Wake = new(0);

        public Worker(int id)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"VisionGen.Imaging worker {id}" };
            thread.Start();
        }

        private void Loop()
        {
            while (true)
            {
                Wake.Wait();
                try { Drain(s_job!, s_chunks); }
                catch (Exception e) { Interlocked.CompareExchange(ref s_error, e, null); }
                if (Interlocked.Decrement(ref s_remaining) == 0)
                    lock (s_doneLock) Monitor.PulseAll(s_doneLock);
            }
        }
    }
}
