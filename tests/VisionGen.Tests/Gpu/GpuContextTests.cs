using ILGPU.Runtime;
using VisionGen.Kernels;

namespace VisionGen.Tests.Gpu;

public sealed class GpuContextTests
{
    [Fact]
    public void PreferCpuGivesTheCpuAcceleratorWithAClearDescription()
    {
        using var context = GpuContext.Create(preferCpu: true);
        Assert.True(context.IsCpuFallback);
        Assert.Equal(AcceleratorType.CPU, context.Accelerator.AcceleratorType);
        Assert.Contains("CPU accelerator", context.Description);
        Assert.Contains("requested", context.Description);
        Assert.Equal(GpuContext.CpuThreadsPerGroup, context.Accelerator.MaxNumThreadsPerGroup);
    }

    [Fact]
    public void DefaultPicksCudaWhenPresentAndNeverThrowsWithout()
    {
        using var context = GpuContext.Create();
        Assert.Equal(context.Accelerator.AcceleratorType == AcceleratorType.CPU, context.IsCpuFallback);
        Assert.StartsWith(context.IsCpuFallback ? "ILGPU CPU accelerator" : "CUDA:", context.Description);
        Assert.Equal(context.Description, context.ToString());
    }
}
