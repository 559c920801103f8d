using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary><see cref="ISimd{TV}"/> over <see cref="Vector128{T}"/> (4 floats).</summary>
internal readonly unsafe struct Simd128 : ISimd<Vector128<float>>
{
    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }
    public static Vector128<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector128<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector128<float> v) => Vector128.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Mul(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => VectorCompat.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Min(Vector128<float> a, Vector128<float> b) => VectorCompat.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Sub(Vector128<float> a, Vector128<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Div(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Abs(Vector128<float> v) => Vector128.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> And(Vector128<float> a, Vector128<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Xor(Vector128<float> a, Vector128<float> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> LessThan(Vector128<float> a, Vector128<float> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> GreaterThan(Vector128<float> a, Vector128<float> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Select(Vector128<float> mask, Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> ShiftLeftInt32(Vector128<float> v, int count) => Vector128.ShiftLeft(v.AsInt32(), count).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> AddInt32(Vector128<float> a, Vector128<float> b) => (a.AsInt32() + b.AsInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LoadEven(float* p)
    {
        Vector128<int> even = Vector128.Create(0,2,1,3); // evens to the lower half
        Vector128<float> lo = Vector128.Shuffle(Vector128.Load(p), even);
        Vector128<float> hi = Vector128.Shuffle(Vector128.Load(p + 4), even);
        return Vector128.Create(lo.GetLower(), hi.GetLower());
    }
}
