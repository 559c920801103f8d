using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Cpu;

/// <summary><see cref="ISimd{TV}"/> over <see cref="Vector512{T}"/> (16 floats).</summary>
internal readonly unsafe struct Simd512 : ISimd<Vector512<float>>
{
    public static int Count { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }
    public static Vector512<float> Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Vector512<float>.Zero; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float* p, Vector512<float> v) => Vector512.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Mul(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => VectorCompat.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => VectorCompat.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ClampBelow(Vector512<float> x, Vector512<float> lo) => Avx512F.IsSupported ? Avx512F.Max(lo, x) : Vector512.ConditionalSelect(Vector512.LessThan(x, lo), lo, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ClampAbove(Vector512<float> x, Vector512<float> hi) => Avx512F.IsSupported ? Avx512F.Min(hi, x) : Vector512.ConditionalSelect(Vector512.GreaterThan(x, hi), hi, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Sub(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Div(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Abs(Vector512<float> v) => Vector512.Abs(v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> And(Vector512<float> a, Vector512<float> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Xor(Vector512<float> a, Vector512<float> b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> LessThan(Vector512<float> a, Vector512<float> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GreaterThan(Vector512<float> a, Vector512<float> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Select(Vector512<float> mask, Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(mask, a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> ShiftLeftInt32(Vector512<float> v, int count) => Vector512.ShiftLeft(v.AsInt32(), count).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> AddInt32(Vector512<float> a, Vector512<float> b) => (a.AsInt32() + b.AsInt32()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LoadEven(float* p)
    {
        // p[0..16) with its evens to the lower half, and p[15..31) with its odd lanes (p[16], p[18], …) there: 31 floats read.
        Vector512<int> even = Vector512.Create(0,2,4,6,8,10,12,14,1,3,5,7,9,11,13,15);
        Vector512<int> odd = Vector512.Create(1,3,5,7,9,11,13,15,0,2,4,6,8,10,12,14);
        Vector512<float> lo = Vector512.Shuffle(Vector512.Load(p), even);
        Vector512<float> hi = Vector512.Shuffle(Vector512.Load(p + 15), odd);
        return Vector512.Create(lo.GetLower(), hi.GetLower());
    }

    /// <summary>
    /// 16×16 transpose: 4×4 transposes inside the 128-bit blocks (unpack, shuffle), then a 4×4 transpose of the blocks.
    /// Every stage reads a few vectors and writes the same ones back, so no temporary block is needed (an inlined one
    /// would be zeroed at every call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Vector512<float> rows)
    {
        if (!Avx512F.IsSupported)
        {
            SimdOps.TransposeSlow<Vector512<float>, Simd512>(ref rows);
            return;
        }
        // Stage 1: interleave pairs of rows at 32-bit granularity.
        for (int i = 0; i < 16; i += 2)
        {
            ref Vector512<float> r0 = ref Unsafe.Add(ref rows, i), r1 = ref Unsafe.Add(ref rows, i + 1);
            Vector512<float> a = r0, b = r1;
            r0 = Avx512F.UnpackLow(a, b);
            r1 = Avx512F.UnpackHigh(a, b);
        }
        // Stage 2: 64-bit pairs within each 128-bit block: vector i + k of each group of four then holds, in block j,
        // column 4j + k of rows i .. i + 3.
        for (int i = 0; i < 16; i += 4)
        {
            ref Vector512<float> r0 = ref Unsafe.Add(ref rows, i), r1 = ref Unsafe.Add(ref rows, i + 1);
            ref Vector512<float> r2 = ref Unsafe.Add(ref rows, i + 2), r3 = ref Unsafe.Add(ref rows, i + 3);
            Vector512<float> t0 = r0, t1 = r1, t2 = r2, t3 = r3;
            r0 = Avx512F.Shuffle(t0, t2, 0x44);
            r1 = Avx512F.Shuffle(t0, t2, 0xEE);
            r2 = Avx512F.Shuffle(t1, t3, 0x44);
            r3 = Avx512F.Shuffle(t1, t3, 0xEE);
        }
        // Stage 3: 128-bit blocks of rows 4 apart; stage 4: of rows 8 apart.
        for (int i = 0; i < 16; i += 8)
            for (int k = 0; k < 4; k++)
                Exchange128(ref Unsafe.Add(ref rows, i + k), ref Unsafe.Add(ref rows, i + k + 4));
        for (int k = 0; k < 8; k++)
            Exchange128(ref Unsafe.Add(ref rows, k), ref Unsafe.Add(ref rows, k + 8));
    }

    /// <summary>(a, b) ← (blocks 0, 2 of a then of b; blocks 1, 3 of a then of b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Exchange128(ref Vector512<float> a, ref Vector512<float> b)
    {
        Vector512<float> x = a, y = b;
        a = Avx512F.Shuffle4x128(x, y, 0x88);
        b = Avx512F.Shuffle4x128(x, y, 0xDD);
    }
}
