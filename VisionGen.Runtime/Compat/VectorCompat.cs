using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen;

// Vector Max/Min with .NET 9's meaning on every target: IEEE 754:2019 maximum/minimum (a NaN in either lane gives
// NaN, +0 is above -0). .NET 8's Vector Max/Min compile to the x86 instruction, which returns the second operand
// when a lane is NaN, so ReLU(NaN) or a max-pool window holding NaN would differ between the two targets.
internal static class VectorCompat
{
#if NET9_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => Vector128.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => Vector256.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.Min(a, b);
#else
    // a when a > b, a alone is NaN, or a == b with b negative (b = -0 against +0, or both -0); b otherwise (b NaN
    // included: when both are NaN, .NET 9+ returns b's payload too).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b)
    {
        var pickA = Vector128.GreaterThan(a, b) | (~Vector128.Equals(a, a) & Vector128.Equals(b, b))
                  | (Vector128.Equals(a, b) & Vector128.LessThan(b.AsInt32(), Vector128<int>.Zero).AsSingle());
        return Vector128.ConditionalSelect(pickA, a, b);
    }

    // a when a < b, a alone is NaN, or a == b with a negative; b otherwise.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> a, Vector128<float> b)
    {
        var pickA = Vector128.LessThan(a, b) | (~Vector128.Equals(a, a) & Vector128.Equals(b, b))
                  | (Vector128.Equals(a, b) & Vector128.LessThan(a.AsInt32(), Vector128<int>.Zero).AsSingle());
        return Vector128.ConditionalSelect(pickA, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b)
    {
        var pickA = Vector256.GreaterThan(a, b) | (~Vector256.Equals(a, a) & Vector256.Equals(b, b))
                  | (Vector256.Equals(a, b) & Vector256.LessThan(b.AsInt32(), Vector256<int>.Zero).AsSingle());
        return Vector256.ConditionalSelect(pickA, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> a, Vector256<float> b)
    {
        var pickA = Vector256.LessThan(a, b) | (~Vector256.Equals(a, a) & Vector256.Equals(b, b))
                  | (Vector256.Equals(a, b) & Vector256.LessThan(a.AsInt32(), Vector256<int>.Zero).AsSingle());
        return Vector256.ConditionalSelect(pickA, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b)
    {
        var pickA = Vector512.GreaterThan(a, b) | (~Vector512.Equals(a, a) & Vector512.Equals(b, b))
                  | (Vector512.Equals(a, b) & Vector512.LessThan(b.AsInt32(), Vector512<int>.Zero).AsSingle());
        return Vector512.ConditionalSelect(pickA, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> a, Vector512<float> b)
    {
        var pickA = Vector512.LessThan(a, b) | (~Vector512.Equals(a, a) & Vector512.Equals(b, b))
                  | (Vector512.Equals(a, b) & Vector512.LessThan(a.AsInt32(), Vector512<int>.Zero).AsSingle());
        return Vector512.ConditionalSelect(pickA, a, b);
    }
#endif
}
