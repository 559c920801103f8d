using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.ComponentModel;

namespace VisionGen.Models;

/// <summary>Checks generated models run on their inputs before any work is done. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputValidation
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first NaN or infinite value. A non-finite pixel is a
    /// pre-processing bug upstream; failing loudly beats returning scores that are silently meaningless.
    /// </summary>
    public static void ThrowIfNotFinite(ReadOnlySpan<float> values, string parameterName)
    {
        int index = IndexOfNonFinite(values);
        if (index >= 0) Throw(parameterName, index, values[index]);
    }

    /// <summary>True when every value is finite (no NaN, no ±infinity). Weight loading scans every tensor with it: it is
    /// compiled fully optimized on its first call, where a generic library scan would run its one long pass at tier 0.</summary>
    internal static bool AllFinite(ReadOnlySpan<float> values) => IndexOfNonFinite(values) < 0;

    /// <summary>Index of the first NaN or ±infinity, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            // x - x is 0 for every finite x and NaN for NaN and ±infinity.
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int v = 0; v < vectors.Length; v++)
            {
                Vector<float> x = vectors[v];
                if (!Vector.EqualsAll(x - x, Vector<float>.Zero))
                {
                    i = v * Vector<float>.Count;
                    break;
                }
                i = (v + 1) * Vector<float>.Count;
            }
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) return i;
        }
        return -1;
    }

    private static void Throw(string parameterName, int index, float value) =>
        throw new ArgumentException($"The input holds {value} at index {index}; VisionGen models need finite values (check the pre-processing).", parameterName);
}
