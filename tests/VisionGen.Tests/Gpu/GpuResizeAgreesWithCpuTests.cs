using VisionGen.Kernels;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// The GPU's nearest and bilinear resizes give the CPU kernels' values (nearest exactly; bilinear to the last bits a
/// fused multiply-add changes), including where ATen takes its shortcuts
/// (an axis that keeps its size, a nearest axis that exactly doubles) although the scale it was given says otherwise:
/// e.g. torch's scale_factor 2.09 on 10 columns gives 20 columns read as d/2, not floor(d/2.09).
/// </summary>
public sealed class GpuResizeAgreesWithCpuTests(GpuFixture gpu) : IClassFixture<GpuFixture>
{
    [Theory]
    [InlineData(false, 6, 10, 12, 20, 1 / 2.09f, 1 / 2.09f)]   // doubles on both axes with a scale of 2.09
    [InlineData(false, 6, 10, 6, 10, 1 / 1.05f, 1 / 1.05f)]    // keeps its size with a scale of 1.05
    [InlineData(false, 7, 9, 10, 13, 0.7f, 0.7f)]              // neither: the formula
    [InlineData(true, 6, 10, 6, 10, 1 / 1.05f, 1 / 1.05f)]     // bilinear that keeps its size
    [InlineData(true, 6, 10, 6, 21, 1 / 1.05f, 1 / 2.15f)]     // bilinear keeping one axis only
    [InlineData(true, 7, 9, 10, 13, 0.7f, 0.7f)]
    public void SameValuesAsTheCpuKernel(bool bilinear, int inH, int inW, int outH, int outW, float scaleY, float scaleX)
    {
        const int planes = 3;
        float[] x = Cpu.Reference.Random(planes * inH * inW, 7, -5f, 5f);
        var expected = new float[planes * outH * outW];
        if (bilinear) VisionGen.Cpu.Resize.Bilinear(planes, inH, inW, outH, outW, false, scaleY, scaleX, x, expected);
        else VisionGen.Cpu.Resize.Nearest(planes, inH, inW, outH, outW, scaleY, scaleX, x, expected);

        using GpuBuffer gx = gpu.Upload(x);
        using GpuBuffer gy = gpu.Alloc(expected.Length);
        if (bilinear) gpu.Kernels.Bilinear(planes, inH, inW, outH, outW, false, scaleY, scaleX, gx.View, gy.View);
        else gpu.Kernels.Nearest(planes, inH, inW, outH, outW, scaleY, scaleX, gx.View, gy.View);
        float[] actual = gpu.Download(gy, expected.Length);
        if (bilinear)
        {
            // The same float operations, but CUDA's compiler fuses multiply-adds (the source coordinate
            // scale·(d + 0.5) − 0.5 among them): a coordinate may differ by an ulp or two (≤ 2·2⁻²³·size), which moves
            // each blend weight by as much, times the spread of the values blended (≤ 2·max|x|). Seen on an H200:
            // 4.0e-6 at 0.37 for inputs in ±5.
            float maxAbs = x.Max(Math.Abs);
            float coordinate = 2 * MathF.Pow(2, -23) * Math.Max(inH, inW);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 2 * coordinate * 2 * maxAbs + 1e-6f * (1 + Math.Abs(expected[i])), $"{i}: {expected[i]} vs {actual[i]}");
        }
        else
        {
            Assert.Equal(expected, actual);
        }
    }
}
