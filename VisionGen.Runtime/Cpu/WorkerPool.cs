using System.Runtime.ExceptionServices;

namespace VisionGen.Cpu;

/// <summary>
/// Persistent, allocation-free fork/join over <see cref="CpuThreads.Count"/> threads. A job is a static function
/// pointer plus a pointer to a context struct on the caller's stack (the caller blocks until every part is done,
/// so the struct outlives the job). Part 0 runs on the caller; parts 1..n−1 on dedicated background workers,
/// which poll for <see cref="CpuThreads.IdleSpin"/> after each job and then sleep on a monitor until the next job is published.
/// <para>
/// A worker's part is claimed, by the worker or by the caller, before it runs: the caller, done with its own part,
/// runs every part no worker has started yet. A worker that is asleep, or whose core the operating system (or a
/// virtual machine's host) has given to something else, then costs the job one part's time instead of a wake-up or a
/// time slice, and the late worker finds nothing left. Each part still runs exactly once, with the same part index,
/// so the results do not depend on which thread ran it.
/// </para>
/// </summary>
internal static unsafe class WorkerPool
{
    // How long an idle worker polls for the next job before sleeping (Stopwatch ticks; CpuThreads.IdleSpin).
    private static long s_idleSpinTicks = System.Diagnostics.Stopwatch.Frequency * 30 / 1000;

    /// <summary><see cref="CpuThreads.IdleSpin"/>: read by each worker when it goes idle.</summary>
    public static TimeSpan IdleSpin
    {
        get => TimeSpan.FromSeconds((double)Volatile.Read(ref s_idleSpinTicks) / System.Diagnostics.Stopwatch.Frequency);
        set => Volatile.Write(ref s_idleSpinTicks, (long)(value.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
    }

    // How long the caller polls for the workers' parts to end before backing off (iterations of Thread.SpinWait(1)).
    private const int CallerSpinIterations = 20000;

    private static readonly object s_gate = new();   // guards sleeping workers and growth
    private static Worker[] s_workers = [];
    private static volatile int s_threads = 1;
    private static int s_busy; // 1 while a job owns the workers

    // The job being run: written by the caller before it signals the workers, stable until they are all done.
    private static delegate*<void*, int, int, void> s_fn;
    private static void* s_ctx;
    private static int s_parts;
    private static int s_pending;
    private static long s_generation; // bumped once per job handed to the workers; their parts are claimed against it
    private static ExceptionDispatchInfo? s_error;

    /// <summary>False: the caller never takes a worker's part (tests that measure what the workers themselves do).</summary>
    internal static bool CallerTakesLateParts = true;

    public static int Threads => s_threads;

    /// <summary>True on a thread whose jobs always run inline, never on the workers (the kernel warm-up's, <see cref="KernelWarmUp"/>).</summary>
    [ThreadStatic] internal static bool RunInline;

    /// <summary>Managed bytes the worker threads have allocated so far (each worker updates its count after every job); for tests.</summary>
    internal static long WorkerAllocatedBytes()
    {
        long sum = 0;
        foreach (Worker w in s_workers) sum += Volatile.Read(ref w.AllocatedBytes);
        return sum;
    }

    /// <summary>Jobs the worker threads have run so far; for tests.</summary>
    internal static long WorkerJobs()
    {
        long sum = 0;
        foreach (Worker w in s_workers) sum += Volatile.Read(ref w.Jobs);
        return sum;
    }

    public static void SetThreads(int count)
    {
        lock (s_gate)
        {
            int needed = count - 1;
            if (needed > s_workers.Length)
            {
                var grown = new Worker[needed];
                Array.Copy(s_workers, grown, s_workers.Length);
                for (int i = s_workers.Length; i < needed; i++) grown[i] = new Worker(i + 1);
                s_workers = grown;
            }
            s_threads = count;
        }
    }

    /// <summary>Items [Lo, Hi) of <paramref name="count"/> that part <paramref name="part"/> of <paramref name="parts"/> takes: an even static split.</summary>
    public static (int Lo, int Hi) Range(int count, int part, int parts)
        => ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    /// <summary>
    /// Runs fn(ctx, part, parts) for part = 0..parts−1 and returns when all are done. Part 0 and any parts beyond
    /// the thread count run on the caller; so does every part of a job started while the workers are busy with
    /// another caller's.
    /// </summary>
    public static void Run(delegate*<void*, int, int, void> fn, void* ctx, int parts)
    {
        if (parts <= 1 || s_threads <= 1 || RunInline || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) fn(ctx, p, parts);
            return;
        }
        try
        {
            Worker[] all = s_workers;
            int workers = Math.Min(Math.Min(parts, s_threads) - 1, all.Length);
            s_fn = fn;
            s_ctx = ctx;
            s_parts = parts;
            s_error = null;
            long generation = s_generation + 1;
            Volatile.Write(ref s_pending, workers);
            for (int i = 0; i < workers; i++) all[i].Open(generation);
            Volatile.Write(ref s_generation, generation); // after the job's fields: a worker reading it sees them
            for (int i = 0; i < workers; i++) all[i].Signal();
            fn(ctx, 0, parts);
            for (int p = workers + 1; p < parts; p++) fn(ctx, p, parts);
            // Parts no worker has claimed yet run here.
            for (int i = 0; i < workers && CallerTakesLateParts; i++)
            {
                if (!all[i].TryClaim(generation)) continue;
                fn(ctx, i + 1, parts);
                Interlocked.Decrement(ref s_pending);
            }
            // Poll at the pause instruction's pace first (parts of one step end close together), then back off.
            for (int i = 0; i < CallerSpinIterations && Volatile.Read(ref s_pending) != 0; i++) Thread.SpinWait(1);
            var spin = new SpinWait();
            while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            s_error?.Throw();
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>One background thread running part <see cref="_index"/> of each job it is signalled for.</summary>
    private sealed class Worker
    {
        private readonly int _index;
        private int _ticket;   // bumped by the caller once per job this worker takes part in
        private int _sleeping; // 1 while the worker waits on its monitor, 2 once it has been woken and until it runs
        private long _claim;   // −g: this worker's part of job g is open; g: it was claimed (by the worker or the caller)
        public long AllocatedBytes; // GC.GetAllocatedBytesForCurrentThread() after the worker's last job
        public long Jobs;           // jobs run so far

        public Worker(int index)
        {
            _index = index;
            var thread = new Thread(Loop, maxStackSize: 256 * 1024)
            {
                IsBackground = true,
                Name = $"VisionGen CPU worker {index}",
            };
            thread.Start();
        }

        /// <summary>Makes this worker's part of job <paramref name="generation"/> claimable (before the job is published).</summary>
        public void Open(long generation) => Volatile.Write(ref _claim, -generation);

        /// <summary>Takes this worker's part of job <paramref name="generation"/>; false when it is not open (taken, or not in the job).</summary>
        public bool TryClaim(long generation) => Interlocked.CompareExchange(ref _claim, generation, -generation) == -generation;

        public void Signal()
        {
            Interlocked.Increment(ref _ticket); // full fence before reading _sleeping (pairs with the worker's)
            // One wake-up per sleep: while a woken worker is still on its way back (many microseconds when its core was
            // idle), jobs it misses are run by the caller, and pulsing again would only contend for its monitor.
            if (Volatile.Read(ref _sleeping) == 1 && Interlocked.CompareExchange(ref _sleeping, 2, 1) == 1)
            {
                lock (this) Monitor.Pulse(this);
            }
        }

        private void Loop()
        {
            int seen = 0;
            while (true)
            {
                seen = WaitForTicket(seen);
                // The job's fields are read before the claim: when the claim succeeds, that job still waits for this part,
                // so no later job can have replaced them (the caller publishes the next job only after this one ends).
                long generation = Volatile.Read(ref s_generation);
                delegate*<void*, int, int, void> fn = s_fn;
                void* ctx = s_ctx;
                int parts = s_parts;
                if (!TryClaim(generation)) continue; // the caller took it, or this worker is not in the current job
                try
                {
                    fn(ctx, _index, parts);
                }
                catch (Exception e)
                {
                    s_error = ExceptionDispatchInfo.Capture(e);
                }
                Volatile.Write(ref AllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref Jobs, Jobs + 1);
                Interlocked.Decrement(ref s_pending);
            }
        }

        private int WaitForTicket(int seen)
        {
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + Volatile.Read(ref s_idleSpinTicks);
            for (int i = 1; ; i++)
            {
                int t = Volatile.Read(ref _ticket);
                if (t != seen) return t;
                Thread.SpinWait(1);
                if ((i & 63) == 0 && System.Diagnostics.Stopwatch.GetTimestamp() >= until) break;
            }
            lock (this)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                while (Volatile.Read(ref _ticket) == seen) Monitor.Wait(this);
                Volatile.Write(ref _sleeping, 0);
                return Volatile.Read(ref _ticket);
            }
        }
    }
}
