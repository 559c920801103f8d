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

/// <summary>
/// Where ILGPU cannot run (a NativeAOT app: no dynamic code; a trimmed app: its static constructors throw),
/// GpuContext.Create returns a context without an accelerator and the reason, instead of throwing; the internal
/// overload simulates both failures. tests/VisionGen.AotFallback publishes a real NativeAOT app that takes this path.
/// </summary>
public sealed class GpuContextFallbackTests
{
    [Fact]
    public void WithoutDynamicCodeCreateReturnsNoBackendAndNeverTouchesIlgpu()
    {
        bool touched = false;
        using var context = GpuContext.Create(preferCpu: false, dynamicCodeSupported: false, _ => { touched = true; throw new InvalidOperationException("must not be called"); });
        Assert.False(touched);
        Assert.Equal(GpuBackend.None, context.Backend);
        Assert.False(context.IsAvailable);
        Assert.True(context.IsCpuFallback);
        Assert.Contains("NativeAOT", context.FallbackReason);
        Assert.Contains("CPU path", context.Description);
    }

    [Fact]
    public void IlgpuFailingToInitializeIsAReasonNotAnException()
    {
        // What ILGPU 1.5 throws in a NativeAOT app (seen there): its type initializer fails on Reflection.Emit.
        var failure = new TypeInitializationException("ILGPU.Context",
            new PlatformNotSupportedException("Dynamic code generation is not supported on this platform."));
        using var context = GpuContext.Create(preferCpu: false, dynamicCodeSupported: true, _ => throw failure);
        Assert.Equal(GpuBackend.None, context.Backend);
        Assert.Contains("PlatformNotSupportedException: Dynamic code generation is not supported", context.FallbackReason);
        var e = Assert.Throws<InvalidOperationException>(() => context.Accelerator);
        Assert.Contains("IsAvailable", e.Message);
        Assert.Contains("Dynamic code generation", e.Message);
        Assert.Throws<InvalidOperationException>(() => context.Context);
    }

    [Fact]
    public void LoadGpuOnAContextWithoutBackendIsAClearError()
    {
        using var context = GpuContext.Create(preferCpu: false, dynamicCodeSupported: false, _ => throw new InvalidOperationException());
        string weights = Parity.Fixtures.PathOf("custom_stack.safetensors");
        var e = Assert.Throws<InvalidOperationException>(() => Parity.ParityCustomStack.LoadGpu(weights, context));
        Assert.Contains("run the model's CPU path", e.Message);
    }

    [Fact]
    public void BugsInsideIlgpuStartUpAreNotHidden()
    {
        Assert.Throws<ArgumentException>(() => GpuContext.Create(preferCpu: false, dynamicCodeSupported: true, _ => throw new ArgumentException("a bug")));
    }

    [Fact]
    public void TheRealContextReportsItsBackend()
    {
        using var cpu = GpuContext.Create(preferCpu: true);
        Assert.Equal(GpuBackend.CpuAccelerator, cpu.Backend);
        Assert.True(cpu.IsAvailable);
        Assert.Equal("the CPU accelerator was requested", cpu.FallbackReason);
        using var any = GpuContext.Create();
        Assert.Equal(any.Backend == GpuBackend.Cuda, any.FallbackReason is null);
    }

    [Fact]
    public void GpuEntryPointsCarryTheDynamicCodeAttributes()
    {
        // The user's NativeAOT or trimmed build warns at the call (IL3050/IL2026) because of these.
        var create = typeof(GpuContext).GetMethod(nameof(GpuContext.Create), [typeof(bool)])!;
        var loadGpu = typeof(Parity.ParityCustomStack).GetMethod("LoadGpu")!;
        foreach (var method in new[] { create, loadGpu })
        {
            Assert.NotNull(method.GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute), false).SingleOrDefault());
            Assert.NotNull(method.GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.RequiresUnreferencedCodeAttribute), false).SingleOrDefault());
        }
    }
}
