using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using VisionGen.Kernels;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// Every GPU kernel compiled to PTX through ILGPU's CUDA backend, on any machine: no device is needed to generate
/// PTX, so what only the CUDA backend rejects (a math function it has no instruction for, a call it leaves undefined)
/// fails here in CI and not first on the rarely lent NVIDIA machine. Compiled for sm_90 (H100/H200; ILGPU 1.5.3 writes the PTX for its
/// sm_80 target, which the driver compiles for the device, Jetson Orin's sm_87 included), through the same ILGPU
/// configuration <see cref="GpuContext.Create(bool)"/> uses.
/// </summary>
public sealed class GpuKernelsCompileForCudaTests
{
    /// <summary>The kernels: GpuKernels' static methods named *Kernel (each loaded into one delegate field).</summary>
    private static MethodInfo[] KernelMethods() =>
        typeof(GpuKernels).GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal) && m.ReturnType == typeof(void))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void EveryLoadedKernelIsInTheList()
    {
        // One delegate field per kernel (Action<AcceleratorStream, KernelConfig, ...>): a kernel not named *Kernel
        // would be loaded but never compiled below.
        int loaded = typeof(GpuKernels).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Count(f => f.FieldType.IsGenericType && f.FieldType.GetGenericArguments() is [var first, var second, ..]
                        && first == typeof(AcceleratorStream) && second == typeof(KernelConfig));
        Assert.True(loaded >= 20, $"only {loaded} kernel delegate fields found");
        Assert.Equal(loaded, KernelMethods().Length);
    }

    [Fact]
    public void EveryKernelCompilesToPtx()
    {
        using var context = Context.Create(GpuContext.ConfigureIlgpu);
        var architecture = CudaArchitecture.SM_90;
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture,
            CudaInstructionSet.ISA_83, nvvmAPI: null);
        var failures = new List<string>();
        int compiled = 0;
        foreach (var method in KernelMethods())
        {
            try
            {
                var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
                var specialization = KernelSpecialization.Empty;
                var kernel = (PTXCompiledKernel)backend.Compile(entry, specialization);
                Assert.Contains($".entry Kernel_{method.Name}(", kernel.PTXAssembly);
                // A function ILGPU could not lower (MathF.FusedMultiplyAdd, for one) is left declared .extern and
                // never defined: the driver's PTX compiler then fails the whole module when the kernel loads.
                foreach (string line in kernel.PTXAssembly.Split('\n'))
                    Assert.False(line.StartsWith(".extern .func", StringComparison.Ordinal), $"undefined function: {line}");
                compiled++;
            }
            catch (Exception e)
            {
                var inner = e;
                while (inner.InnerException is not null) inner = inner.InnerException;
                failures.Add($"{method.Name}: {inner.GetType().Name}: {inner.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(KernelMethods().Length, compiled);
    }
}
