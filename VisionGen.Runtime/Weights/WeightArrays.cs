using System.Runtime.InteropServices;

namespace VisionGen.Weights;

/// <summary>
/// The arrays a model keeps its packed weights in. A large one is allocated without the runtime zeroing it (every
/// packer writes all of its floats) and, on Linux, its memory is advised to be backed by 2 MB pages before anything
/// touches it: loading is then one page fault per 2 MB instead of one per 4 KB — for ResNet-18's Winograd weights
/// (160 MB) about 40,000 fewer faults, most of the time a load spent beyond reading and packing.
/// </summary>
internal static unsafe partial class WeightArrays
{
    private const int HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE
    private static bool s_adviseFailed;

    /// <summary>An array of <paramref name="length"/> floats whose contents the caller overwrites completely.</summary>
    public static float[] ForPacking(int length)
    {
        if (length * (long)sizeof(float) < 2L * HugePage) return new float[length];
        float[] array = GC.AllocateUninitializedArray<float>(length);
        if (OperatingSystem.IsLinux() && !s_adviseFailed)
        {
            fixed (float* p = array)
            {
                nint start = ((nint)p + HugePage - 1) & ~(nint)(HugePage - 1);
                nint end = ((nint)p + (nint)(length * (long)sizeof(float))) & ~(nint)(HugePage - 1);
                if (end > start)
                {
                    try
                    {
                        if (Madvise(start, (nuint)(end - start), MadviseHugePage) != 0) s_adviseFailed = true;
                    }
                    catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                    {
                        s_adviseFailed = true;
                    }
                }
            }
        }
        return array;
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
