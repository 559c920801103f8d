using ILGPU;
using ILGPU.Runtime;
using VisionGen.Kernels;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// One context and one compiled kernel set for the whole GPU test class. <see cref="GpuContext.Create"/> picks
/// CUDA when a device is present and ILGPU's CPU accelerator otherwise (CI), so the same tests run on both.
/// </summary>
public sealed class GpuFixture : IDisposable
{
    public GpuFixture()
    {
        // GpuCheck --cpu sets this to test ILGPU's CPU accelerator on a machine that has CUDA.
        Context = GpuContext.Create(preferCpu: Environment.GetEnvironmentVariable("VISIONGEN_GPU_PREFER_CPU") == "1");
        Kernels = new GpuKernels(Context.Accelerator);
    }

    public GpuContext Context { get; }
    public GpuKernels Kernels { get; }
    public Accelerator Accelerator => Context.Accelerator;

    public GpuBuffer Upload(float[] values) => new(Accelerator, values);

    public GpuBuffer Alloc(long length) => new(Accelerator, length);

    /// <summary>Waits for the kernels and copies <paramref name="buffer"/> back.</summary>
    public float[] Download(GpuBuffer buffer, int length)
    {
        Kernels.Synchronize();
        var result = new float[length];
        buffer.CopyTo(result);
        return result;
    }

    public void Dispose()
    {
        Kernels.Dispose();
        Context.Dispose();
    }
}

internal static class GpuAssert
{
    /// <summary>max|y − ref| ≤ rel·max|ref| + abs; NaN must match NaN.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double rel = 1e-4, double abs = 1e-5)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: output too short");
        Assert.True(expected.Length > 0, $"{what}: empty reference");
        double maxRef = 0, maxErr = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
            if (!float.IsNaN(expected[i])) maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = float.IsNaN(expected[i]) ? (float.IsNaN(actual[i]) ? 0 : double.PositiveInfinity)
                : float.IsNaN(actual[i]) ? double.PositiveInfinity : Math.Abs(actual[i] - expected[i]);
            if (e > maxErr) { maxErr = e; worst = i; }
        }
        double tol = rel * maxRef + abs;
        Assert.True(maxErr <= tol,
            $"{what}: max error {maxErr:G4} at {worst} (got {(worst >= 0 ? actual[worst] : 0)}, want {(worst >= 0 ? expected[worst] : 0)}), tolerance {tol:G4}");
    }
}
