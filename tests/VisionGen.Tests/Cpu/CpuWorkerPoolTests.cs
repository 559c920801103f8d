using VisionGen.Cpu;
using Xunit;

namespace VisionGen.Tests.Cpu;

/// <summary>
/// The worker pool's claim protocol: every part of every job runs exactly once, whoever runs it (slow parts on the caller
/// or on a worker, more parts than threads, jobs that find the workers asleep), and a worker that starts late (asleep
/// after idling) has its part run by the caller instead of holding the job up.
/// </summary>
[Collection(CpuThreadsCollection.Name)]
public unsafe class CpuWorkerPoolTests
{
    private struct Counts
    {
        public int* Runs;       // per part: how many times it ran
        public int SpinPart;    // this part spins for a while (−1: none)
        public int RanPartOne;  // the managed thread id that ran part 1
    }

    private static void CountPart(void* context, int part, int parts)
    {
        ref Counts c = ref *(Counts*)context;
        Interlocked.Increment(ref c.Runs[part]);
        if (part == 1) c.RanPartOne = Environment.CurrentManagedThreadId;
        if (part == c.SpinPart) Thread.SpinWait(2000);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(2, 5)]  // more parts than threads: the rest run on the caller
    [InlineData(3, 2)]
    public void EveryPartRunsExactlyOnce(int threads, int parts)
    {
        int saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            int* runs = stackalloc int[parts];
            for (int job = 0; job < 20000; job++)
            {
                for (int p = 0; p < parts; p++) runs[p] = 0;
                // Some jobs have a slow part, so workers and caller finish in every order; some follow a pause long enough
                // for the workers to sleep.
                var counts = new Counts { Runs = runs, SpinPart = job % 3 == 0 ? job % parts : -1 };
                if (job % 5000 == 4999) Thread.Sleep(40); // past CpuThreads.IdleSpin (30 ms)
                WorkerPool.Run(&CountPart, &counts, parts);
                for (int p = 0; p < parts; p++)
                    Assert.True(runs[p] == 1, $"job {job}: part {p} of {parts} ran {runs[p]} times");
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [Fact]
    public void TheCallerRunsAPartItsWorkerHasNotStarted()
    {
        int saved = CpuThreads.Count;
        TimeSpan savedSpin = CpuThreads.IdleSpin;
        CpuThreads.Count = 2;
        CpuThreads.IdleSpin = TimeSpan.Zero; // the worker sleeps as soon as it is idle
        try
        {
            int* runs = stackalloc int[2];
            int caller = Environment.CurrentManagedThreadId, takenByCaller = 0;
            for (int trial = 0; trial < 20 && takenByCaller == 0; trial++)
            {
                // Idle long enough for the worker to go to sleep: waking it takes far longer than part 0.
                Thread.Sleep(30);
                runs[0] = runs[1] = 0;
                var counts = new Counts { Runs = runs, SpinPart = -1, RanPartOne = 0 };
                WorkerPool.Run(&CountPart, &counts, 2);
                Assert.Equal(1, runs[0]);
                Assert.Equal(1, runs[1]);
                if (counts.RanPartOne == caller) takenByCaller++;
            }
            Assert.True(takenByCaller > 0, "in 20 jobs started with the worker asleep, the caller never ran the worker's part");
        }
        finally
        {
            CpuThreads.Count = saved;
            CpuThreads.IdleSpin = savedSpin;
        }
    }
}
