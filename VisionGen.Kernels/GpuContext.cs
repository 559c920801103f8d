using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace VisionGen.Kernels;

/// <summary>Where a <see cref="GpuContext"/> runs kernels.</summary>
public enum GpuBackend
{
    /// <summary>
    /// ILGPU cannot run in this process (a NativeAOT or trimmed app, an unsupported platform): there is no accelerator,
    /// and the app runs the model's CPU path (<c>Model.Load</c>) instead. <see cref="GpuContext.FallbackReason"/> says why.
    /// </summary>
    None = 0,

    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda = 1,

    /// <summary>ILGPU's CPU accelerator: the kernels run on the CPU, for correctness, not speed.</summary>
    CpuAccelerator = 2,
}

/// <summary>
/// An ILGPU context and one accelerator: the first CUDA device when there is one, otherwise ILGPU's CPU
/// accelerator (a correctness fallback, not a fast path). Creating it never throws: for a missing or broken CUDA
/// installation it falls back to the CPU accelerator, and where ILGPU cannot run at all (NativeAOT, trimming) it
/// returns a context with <see cref="Backend"/> <see cref="GpuBackend.None"/>, whose <see cref="FallbackReason"/> says
/// why; the app then runs the model's CPU path. <see cref="Description"/> says what was picked and why.
/// </summary>
/// <example>
/// <code>
/// using var gpu = GpuContext.Create();
/// if (gpu.IsAvailable) { using var net = Net.LoadGpu(path, gpu); net.Run(input, output); }
/// else { Console.WriteLine(gpu.FallbackReason); using var net = Net.Load(path); net.Run(input, output); }
/// </code>
/// </example>
public sealed class GpuContext : IDisposable
{
    /// <summary>
    /// Threads per group of the CPU accelerator. ILGPU runs every thread of a group on its own OS thread
    /// and synchronizes them at each barrier; more threads than cores makes barriers cost milliseconds,
    /// so the simulated group is kept small. Kernels read their group size at run time and work with any.
    /// </summary>
    public const int CpuThreadsPerGroup = 4;

    /// <summary>Why the GPU path needs dynamic code (the message of its <see cref="RequiresDynamicCodeAttribute"/>).</summary>
    public const string DynamicCodeMessage =
        "ILGPU compiles the GPU kernels at run time, which a NativeAOT app cannot do: there GpuContext.Create returns a context " +
        "with Backend None and the reason, and the app runs the model's CPU path (Load) instead.";

    /// <summary>Why the GPU path is not trim-safe (the message of its <see cref="RequiresUnreferencedCodeAttribute"/>).</summary>
    public const string UnreferencedCodeMessage =
        "ILGPU reads the kernels' IL and reflects over their types at run time, which trimming can remove: in a trimmed app " +
        "GpuContext.Create may return a context with Backend None, and the app runs the model's CPU path (Load) instead.";

    private readonly Context? _context;
    private readonly Accelerator? _accelerator;

    private GpuContext(Context? context, Accelerator? accelerator, GpuBackend backend, string? fallbackReason, string description)
    {
        _context = context;
        _accelerator = accelerator;
        Backend = backend;
        FallbackReason = fallbackReason;
        Description = description;
    }

    /// <summary>Where kernels run: CUDA, ILGPU's CPU accelerator, or nowhere (<see cref="GpuBackend.None"/>).</summary>
    public GpuBackend Backend { get; }

    /// <summary>True when kernels can run (CUDA or the CPU accelerator), so <c>Model.LoadGpu</c> works with this context.</summary>
    public bool IsAvailable => Backend != GpuBackend.None;

    /// <summary>True when kernels do not run on a GPU: on ILGPU's CPU accelerator, or nowhere (<see cref="Backend"/> None).</summary>
    public bool IsCpuFallback => Backend != GpuBackend.Cuda;

    /// <summary>
    /// Why kernels do not run on CUDA (no CUDA device, a device that failed to start, the CPU was requested, or ILGPU
    /// cannot run in this process); null on CUDA.
    /// </summary>
    public string? FallbackReason { get; }

    /// <summary>One line for logs: the device picked and, for a fallback, why.</summary>
    public string Description { get; }

    /// <summary>The ILGPU context that owns <see cref="Accelerator"/>.</summary>
    /// <exception cref="InvalidOperationException"><see cref="IsAvailable"/> is false.</exception>
    public Context Context => _context ?? throw Unavailable();

    /// <summary>The accelerator kernels run on.</summary>
    /// <exception cref="InvalidOperationException"><see cref="IsAvailable"/> is false.</exception>
    public Accelerator Accelerator => _accelerator ?? throw Unavailable();

    private InvalidOperationException Unavailable() =>
        new($"No ILGPU accelerator in this process: {FallbackReason}. Check GpuContext.IsAvailable and run the model's CPU path (Load) instead.");

    /// <summary>
    /// Creates a context on the first CUDA device, or on ILGPU's CPU accelerator when there is none, CUDA fails to start,
    /// or <paramref name="preferCpu"/> is true. Never throws for a missing GPU, a broken CUDA installation or a process
    /// where ILGPU cannot run: in the last case the context's <see cref="Backend"/> is <see cref="GpuBackend.None"/>
    /// and <see cref="FallbackReason"/> says why.
    /// </summary>
    /// <param name="preferCpu">Use the CPU accelerator even when a CUDA device is present (tests, debugging).</param>
    /// <returns>A context the caller disposes.</returns>
    [RequiresDynamicCode(DynamicCodeMessage)]
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    public static GpuContext Create(bool preferCpu = false) =>
        Create(preferCpu, RuntimeFeature.IsDynamicCodeSupported, CreateWithIlgpu);

    /// <summary>
    /// <see cref="Create(bool)"/> with its two dependencies passed in, so tests can simulate a process where ILGPU
    /// cannot run: whether dynamic code is supported, and the ILGPU start-up itself.
    /// </summary>
    internal static GpuContext Create(bool preferCpu, bool dynamicCodeSupported, Func<bool, GpuContext> createWithIlgpu)
    {
        // Checked before any ILGPU type is touched: in a NativeAOT app ILGPU's static constructors throw.
        if (!dynamicCodeSupported)
            return WithoutIlgpu("this process cannot generate code at run time (a NativeAOT app), and ILGPU compiles its kernels at run time");
        try
        {
            return createWithIlgpu(preferCpu);
        }
        catch (Exception e) when (IsIlgpuUnsupported(e))
        {
            return WithoutIlgpu($"ILGPU failed to start ({Innermost(e)})");
        }
    }

    private static GpuContext WithoutIlgpu(string reason) =>
        new(null, null, GpuBackend.None, reason, $"no ILGPU accelerator ({reason}); run the model's CPU path (Load)");

    /// <summary>The failures of a process where ILGPU's code generation or reflection cannot work (not bugs to hide).</summary>
    private static bool IsIlgpuUnsupported(Exception e) => e is TypeInitializationException or PlatformNotSupportedException
        or NotSupportedException or TypeLoadException or MissingMemberException or InvalidProgramException
        or DllNotFoundException or EntryPointNotFoundException;

    private static string Innermost(Exception e)
    {
        string chain = $"{e.GetType().Name}: {e.Message}";
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
            chain = $"{inner.GetType().Name}: {inner.Message}";
        return chain;
    }

    /// <summary>
    /// The ILGPU context every <see cref="GpuContext"/> is built on: CUDA, and the CPU accelerator with
    /// <see cref="CpuThreadsPerGroup"/> threads a group. <c>EnableAlgorithms</c>: the PTX backend has no instruction for
    /// <c>MathF.Exp</c> (softmax, sigmoid, SiLU), <c>MathF.Tanh</c> and their kind, and ILGPU.Algorithms supplies them;
    /// the tests compile every kernel to PTX through this same configuration.
    /// </summary>
    [RequiresDynamicCode(DynamicCodeMessage)]
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    internal static void ConfigureIlgpu(Context.Builder builder)
    {
        var cpuDevice = new CPUDevice(numThreadsPerWarp: CpuThreadsPerGroup, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1);
        builder.Cuda().CPU(cpuDevice).EnableAlgorithms();
    }

    [RequiresDynamicCode(DynamicCodeMessage)]
    [RequiresUnreferencedCode(UnreferencedCodeMessage)]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static GpuContext CreateWithIlgpu(bool preferCpu)
    {
        var context = Context.Create(ConfigureIlgpu);
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
                    return new GpuContext(context, cuda, GpuBackend.Cuda, null, text);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    why = $"CUDA device '{device.Name}' failed to start ({e.Message})";
                }
            }
        }
        try
        {
            var cpu = context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            return new GpuContext(context, cpu, GpuBackend.CpuAccelerator, why,
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
        _accelerator?.Dispose();
        _context?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}
