using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Cpu;

/// <summary><see cref="ISimd{TV}"/> over <see cref="Vector256{T}"/> (8 floats).</summary>
internal readonly unsafe struct Simd256 : ISimd<Vector256<float>>
{
    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 8; }
    public static Vector256<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector256<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector256<float> v) => Vector256.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Mul(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => VectorCompat.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Min(Vector256<float> a, Vector256<float> b) => VectorCompat.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ClampBelow(Vector256<float> x, Vector256<float> lo) => Avx.IsSupported ? Avx.Max(lo, x) : Vector256.ConditionalSelect(Vector256.LessThan(x, lo), lo, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ClampAbove(Vector256<float> x, Vector256<float> hi) => Avx.IsSupported ? Avx.Min(hi, x) : Vector256.ConditionalSelect(Vector256.GreaterThan(x, hi), hi, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Sub(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Div(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Abs(Vector256<float> v) => Vector256.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> And(Vector256<float> a, Vector256<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Xor(Vector256<float> a, Vector256<float> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> LessThan(Vector256<float> a, Vector256<float> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GreaterThan(Vector256<float> a, Vector256<float> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Select(Vector256<float> mask, Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> ShiftLeftInt32(Vector256<float> v, int count) => Vector256.ShiftLeft(v.AsInt32(), count).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> AddInt32(Vector256<float> a, Vector256<float> b) => (a.AsInt32() + b.AsInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LoadEven(float* p)
    {
        // p[0..8) with its evens to the lower half, and p[7..15) with its odd lanes (p[8], p[10], …) there: 15 floats read.
        Vector256<int> even = Vector256.Create(0,2,4,6,1,3,5,7);
        Vector256<int> odd = Vector256.Create(1,3,5,7,0,2,4,6);
        Vector256<float> lo = Vector256.Shuffle(Vector256.Load(p), even);
        Vector256<float> hi = Vector256.Shuffle(Vector256.Load(p + 7), odd);
        return Vector256.Create(lo.GetLower(), hi.GetLower());
    }

    /// <summary>
    /// 8×8 transpose: 4×4 transposes inside the 128-bit halves (unpack, shuffle), then the halves exchanged. Every stage
    /// reads a few vectors and writes the same ones back (no temporary block, which would be zeroed at every inlined call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Vector256<float> rows)
    {
        if (!Avx.IsSupported)
        {
            SimdOps.TransposeSlow<Vector256<float>, Simd256>(ref rows);
            return;
        }
        // Stage 1: interleave pairs of rows at 32-bit granularity (within each half).
        for (int i = 0; i < 8; i += 2)
        {
            ref Vector256<float> r0 = ref Unsafe.Add(ref rows, i), r1 = ref Unsafe.Add(ref rows, i + 1);
            Vector256<float> a = r0, b = r1;
            r0 = Avx.UnpackLow(a, b);
            r1 = Avx.UnpackHigh(a, b);
        }
        // Stage 2: 64-bit pairs: vector i + k of each group of four then holds, in half h, column 4h + k of rows i .. i + 3.
        for (int i = 0; i < 8; i += 4)
        {
            ref Vector256<float> r0 = ref Unsafe.Add(ref rows, i), r1 = ref Unsafe.Add(ref rows, i + 1);
            ref Vector256<float> r2 = ref Unsafe.Add(ref rows, i + 2), r3 = ref Unsafe.Add(ref rows, i + 3);
            Vector256<float> t0 = r0, t1 = r1, t2 = r2, t3 = r3;
            r0 = Avx.Shuffle(t0, t2, 0x44);
            r1 = Avx.Shuffle(t0, t2, 0xEE);
            r2 = Avx.Shuffle(t1, t3, 0x44);
            r3 = Avx.Shuffle(t1, t3, 0xEE);
        }
        // Stage 3: column k = the low halves of vectors k and k + 4, column k + 4 = their high halves.
        for (int k = 0; k < 4; k++)
        {
            ref Vector256<float> a = ref Unsafe.Add(ref rows, k), b = ref Unsafe.Add(ref rows, k + 4);
            Vector256<float> x = a, y = b;
            a = Avx.Permute2x128(x, y, 0x20);
            b = Avx.Permute2x128(x, y, 0x31);
        }
    }
}
