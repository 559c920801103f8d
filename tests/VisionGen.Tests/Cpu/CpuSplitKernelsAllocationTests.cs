using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

/// <summary>The broadcast, layout, pooling, resize, transposed-convolution and softmax kernels split across threads without allocating.</summary>
[Collection(CpuThreadsCollection.Name)]
public class CpuSplitKernelsAllocationTests
{
    [Fact]
    public void SecondCallsOnTwoThreadsAllocateNothingAnywhere()
    {
        var x = Reference.Random(64 * 56 * 56, 1);
        var y = new float[4 * x.Length];
        var scale = Reference.Random(64, 2);
        var d = new TensorDims(1, 64, 56, 56);
        var s = new ConvTranspose2dShape(64, 28, 28, 32, 56, 56, 2, 2, 2, 2, 0, 0, 1, 1, 1);
        var packed = new float[ConvTranspose2d.PackedWeightLength(s)];
        ConvTranspose2d.PackWeights(s, Reference.Random(s.WeightLength, 3), packed);
        var bias = Reference.Random(32, 4);
        var scratch = new float[s.ScratchLength];
        var calls = new Action[]
        {
            () => Broadcast.Binary(BinaryOp.Mul, x, d, scale, new TensorDims(1, 64, 1, 1), Activation.Silu, y, d),
            () => Layout.Permute(x, d, new TensorDims(0, 2, 3, 1), y),
            () => Layout.CopySlice(x, d, 1, 0, y, new TensorDims(1, 128, 56, 56), 64, 64),
            () => Pool2d.AdaptiveAverage(64, 56, 56, 7, 7, x, y),
            () => Pool2d.AdaptiveMax(64, 56, 56, 5, 5, x, y),
            () => Resize.Nearest(64, 56, 56, 112, 112, 0.5f, 0.5f, x, y),
            () => Resize.Bilinear(64, 56, 56, 100, 100, false, 0.56f, 0.56f, x, y),
            () => ConvTranspose2d.Forward(s, x.AsSpan(0, s.InputLength), packed, bias, Activation.Relu, y, scratch),
            () => Softmax.Forward(64, 56, 56, x, y),
        };
        int saved = CpuThreads.Count;
        try
        {
            CpuThreads.Count = 2;
            WorkerPool.CallerTakesLateParts = false; // the worker runs its own part of every kernel: what it allocates is measured
            foreach (Action call in calls) call(); // first calls: the workers' GEMM packing buffers
            // The fewest bytes over three rounds, on the caller and on the worker (see Allocations.Fewest: the runtime's own
            // work can land on a thread during one round of a loaded run; the code under test would allocate in every round).
            long mine = long.MaxValue, workers = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long mine0 = GC.GetAllocatedBytesForCurrentThread();
                long workers0 = WorkerPool.WorkerAllocatedBytes(), jobs = WorkerPool.WorkerJobs();
                foreach (Action call in calls) call();
                mine = Math.Min(mine, GC.GetAllocatedBytesForCurrentThread() - mine0);
                workers = Math.Min(workers, WorkerPool.WorkerAllocatedBytes() - workers0);
                Assert.True(WorkerPool.WorkerJobs() - jobs >= calls.Length, "the worker took part in every kernel");
            }
            Assert.Equal(0, mine);
            Assert.Equal(0, workers);
        }
        finally
        {
            CpuThreads.Count = saved;
            WorkerPool.CallerTakesLateParts = true;
        }
    }
}
