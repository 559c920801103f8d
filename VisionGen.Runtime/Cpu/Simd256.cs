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
        Vector256<int> even = Vector256.Create(0,2,4,6,1,3,5,7); // evens to the lower half
        Vector256<float> lo = Vector256.Shuffle(Vector256.Load(p), even);
        Vector256<float> hi = Vector256.Shuffle(Vector256.Load(p + 8), even);
        return Vector256.Create(lo.GetLower(), hi.GetLower());
    }

    /// <summary>8×8 transpose: 4×4 transposes inside the 128-bit halves (unpack, shuffle), then the halves exchanged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Vector256<float> rows)
    {
        if (!Avx.IsSupported)
        {
            SimdOps.TransposeSlow<Vector256<float>, Simd256>(ref rows);
            return;
        }
        // Stage 1: interleave pairs of rows at 32-bit granularity (within each half).
        Rows8 t; Unsafe.SkipInit(out t);
        for (int i = 0; i < 8; i += 2)
        {
            t[i] = Avx.UnpackLow(Unsafe.Add(ref rows, i), Unsafe.Add(ref rows, i + 1));
            t[i + 1] = Avx.UnpackHigh(Unsafe.Add(ref rows, i), Unsafe.Add(ref rows, i + 1));
        }
        // Stage 2: 64-bit pairs: vector i + k of each group of four holds, in half h, column 4h + k of rows i..i+3.
        Rows8 b; Unsafe.SkipInit(out b);
        for (int i = 0; i < 8; i += 4)
        {
            b[i] = Avx.Shuffle(t[i], t[i + 2], 0x44);
            b[i + 1] = Avx.Shuffle(t[i], t[i + 2], 0xEE);
            b[i + 2] = Avx.Shuffle(t[i + 1], t[i + 3], 0x44);
            b[i + 3] = Avx.Shuffle(t[i + 1], t[i + 3], 0xEE);
        }
        // Stage 3: column k = low halves of rows 0..3 and 4..7, column k + 4 = their high halves.
        for (int k = 0; k < 4; k++)
        {
            Unsafe.Add(ref rows, k) = Avx.Permute2x128(b[k], b[k + 4], 0x20);
            Unsafe.Add(ref rows, k + 4) = Avx.Permute2x128(b[k], b[k + 4], 0x31);
        }
    }

    [InlineArray(8)]
    private struct Rows8
    {
        private Vector256<float> _element;
    }
}
