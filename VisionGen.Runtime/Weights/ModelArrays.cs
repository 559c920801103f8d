using System.ComponentModel;
using System.Runtime.InteropServices;

namespace VisionGen.Weights;

/// <summary>
/// The large arrays a model keeps: its packed weights and its arena. A large one is allocated without the runtime zeroing
/// it and, on Linux, its memory is advised to be backed by 2 MB pages before anything touches it: the first touch is then
/// one page fault per 2 MB instead of one per 4 KB. On this project's 2-core VM a 4 KB fault costs ~15 µs — for ResNet-18's
/// Winograd weights (160 MB) about 40,000 fewer faults, most of the time a load spent beyond reading and packing; for its
/// 8 MB arena, 2,000 faults (~36 ms) that the first <c>Run</c> took where it first wrote each tensor.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe partial class ModelArrays
{
    private const int HugePage = 2 << 20;
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE
    private static bool s_adviseFailed;

    /// <summary>
    /// A model's arena: <paramref name="length"/> zeros, written here (in 2 MB pages where the array is large) so that the
    /// first inference pays no page faults.
    /// </summary>
    public static float[] Arena(int length)
    {
        if (!Large(length)) return new float[length]; // the runtime zeroes it, and it is too small for 2 MB pages
        float[] array = ForPacking(length);
        array.AsSpan().Clear();
        return array;
    }

    /// <summary>True when <paramref name="length"/> floats are enough to hold a whole 2 MB page wherever the array starts.</summary>
    private static bool Large(int length) => length * (long)sizeof(float) >= 2L * HugePage;

    /// <summary>An array of <paramref name="length"/> floats whose contents the caller overwrites completely.</summary>
    internal static float[] ForPacking(int length)
    {
        if (!Large(length)) return new float[length];
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
