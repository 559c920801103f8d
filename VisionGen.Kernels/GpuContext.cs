using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace VisionGen.Kernels;

/// <summary>
/// An ILGPU context and one accelerator: the first CUDA device when there is one, otherwise ILGPU's CPU
/// accelerator (a correctness fallback, not a fast path). Creating it never throws for a missing or
/// broken CUDA installation; <see cref="Description"/> says what was picked and why.
/// </summary>
public sealed class GpuContext : IDisposable
{
    /// <summary>
    /// Threads per group of the CPU accelerator. ILGPU runs every thread of a group on its own OS thread
    /// and synchronizes them at each barrier; more threads than cores makes barriers cost milliseconds,
    /// so the simulated group is kept small. Kernels read their group size at run time and work with any.
    /// </summary>
    public const int CpuThreadsPerGroup = 4;

    private GpuContext(Context context, Accelerator accelerator, bool isCpuFallback, string description)
    {
        Context = context;
        Accelerator = accelerator;
        IsCpuFallback = isCpuFallback;
        Description = description;
    }

    /// <summary>The ILGPU context that owns <see cref="Accelerator"/>.</summary>
    public Context Context { get; }

    /// <summary>The accelerator kernels run on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>True when no usable CUDA device was found (or the CPU was asked for) and kernels run on ILGPU's CPU accelerator.</summary>
    public bool IsCpuFallback { get; }

    /// <summary>One line for logs: the device picked and, for the CPU fallback, why.</summary>
    public string Description { get; }

    /// <summary>
    /// Creates a context on the first CUDA device, or on ILGPU's CPU accelerator when there is none,
    /// CUDA fails to start, or <paramref name="preferCpu"/> is true.
    /// </summary>
    /// <param name="preferCpu">Use the CPU accelerator even when a CUDA device is present (tests, debugging).</param>
    /// <returns>A context the caller disposes.</returns>
    public static GpuContext Create(bool preferCpu = false)
    {
        var cpuDevice = new CPUDevice(numThreadsPerWarp: CpuThreadsPerGroup, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);
        var context = Context.Create(builder => builder.Cuda().CPU(cpuDevice));
        string why;
        if (preferCpu)
        {
            why = "the CPU accelerator was requested";
        }
        else
        {
            why = "no CUDA device was found";
            foreach (var device in context.GetCudaDevices())
            {
                try
                {
                    var cuda = device.CreateAccelerator(context);
                    string text = $"CUDA: {cuda.Name}, {cuda.NumMultiprocessors} SMs, {cuda.MemorySize / (1 << 20)} MiB";
                    if (cuda is CudaAccelerator ca) text += $", compute capability {ca.Architecture}";
                    return new GpuContext(context, cuda, isCpuFallback: false, text);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    why = $"CUDA device '{device.Name}' failed to start ({e.Message})";
                }
            }
        }
        try
        {
            var cpu = cpuDevice.CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            return new GpuContext(context, cpu, isCpuFallback: true,
                $"ILGPU CPU accelerator ({why}); kernels run on the CPU for correctness, not speed");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Disposes the accelerator and the context (and with them every buffer and kernel they own).</summary>
    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}
