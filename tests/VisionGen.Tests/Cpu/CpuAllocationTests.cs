using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuAllocationTests
{
    private static long Measure(Action call)
    {
        // Warm-up past the tiered-JIT call-count threshold (30), so tier-up work the runtime does on this
        // thread is not counted as ours; also creates the thread-local packing buffer.
        for (int i = 0; i < 64; i++) call();
        return Allocations.Fewest(() => { for (int i = 0; i < 100; i++) call(); }, rounds: 3);
    }

    private static void AssertNoAllocations(Conv2dShape s)
    {
        var x = Reference.Random(s.InputLength, 1);
        var wt = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, Reference.Random(s.WeightLength, 2), wt);
        var bias = Reference.Random(s.OutChannels, 3);
        var res = Reference.Random(s.OutputLength, 4);
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        Assert.Equal(0, Measure(() => Conv2d.Forward(s, x, wt, bias, res, Activation.Relu, y, scratch)));
    }

    [Fact]
    public void Conv2dGeneralAllocatesNothing() => AssertNoAllocations(new Conv2dShape(8, 15, 17, 12, 8, 9, 3, 3, 2, 2, 1, 1, 1, 1, 2));

    [Fact]
    public void Conv2dPointwiseAllocatesNothing() => AssertNoAllocations(new Conv2dShape(16, 9, 9, 24, 9, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1));

    [Fact]
    public void Conv2dDepthwiseAllocatesNothing() => AssertNoAllocations(new Conv2dShape(16, 20, 70, 16, 10, 35, 3, 3, 2, 2, 1, 1, 1, 1, 16));

    [Fact]
    public void GemmAllocatesNothing()
    {
        var a = Reference.Random(17 * 300, 1); var b = Reference.Random(300 * 600, 2); var c = new float[17 * 600];
        var bias = new float[17]; var res = new float[17 * 600];
        Assert.Equal(0, Measure(() => Gemm.Multiply(17, 600, 300, a, b, c, bias, res, Activation.Relu6)));
    }

    [Fact]
    public void PoolsAllocateNothing()
    {
        var s = new Pool2dShape(3, 15, 70, 8, 35, 3, 2, 1);
        var x = Reference.Random(s.InputLength, 1);
        var y = new float[s.OutputLength];
        var g = new float[3];
        Assert.Equal(0, Measure(() => Pool2d.Max(s, x, y)));
        Assert.Equal(0, Measure(() => Pool2d.Average(s, x, y)));
        Assert.Equal(0, Measure(() => Pool2d.GlobalAverage(3, 15 * 70, x, g)));
    }

    [Fact]
    public void LinearAndElementwiseAllocateNothing()
    {
        var x = Reference.Random(100, 1); var wt = Reference.Random(100 * 10, 2); var bias = new float[10]; var y = new float[10];
        Assert.Equal(0, Measure(() => Linear.Forward(100, 10, x, wt, bias, Activation.Relu, y)));
        var scale = new float[4]; var shift = new float[4]; var buf = Reference.Random(100, 3);
        Assert.Equal(0, Measure(() => Elementwise.ScaleShift(4, 25, buf, scale, shift, x, Activation.Relu, buf)));
        Assert.Equal(0, Measure(() => Elementwise.Add(buf, x, Activation.Relu6, buf)));
        Assert.Equal(0, Measure(() => Elementwise.Activate(buf, Activation.Relu, buf)));
    }
}
