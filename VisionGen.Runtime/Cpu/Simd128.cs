using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> ClampBelow(Vector128<float> x, Vector128<float> lo) => Sse.IsSupported ? Sse.Max(lo, x) : Vector128.ConditionalSelect(Vector128.LessThan(x, lo), lo, x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> ClampAbove(Vector128<float> x, Vector128<float> hi) => Sse.IsSupported ? Sse.Min(hi, x) : Vector128.ConditionalSelect(Vector128.GreaterThan(x, hi), hi, x);
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
        // p[0..4) with its evens to the lower half, and p[3..7) with its odd lanes (p[4], p[6]) there: 7 floats read.
        Vector128<int> even = Vector128.Create(0,2,1,3);
        Vector128<int> odd = Vector128.Create(1,3,0,2);
        Vector128<float> lo = Vector128.Shuffle(Vector128.Load(p), even);
        Vector128<float> hi = Vector128.Shuffle(Vector128.Load(p + 3), odd);
        return Vector128.Create(lo.GetLower(), hi.GetLower());
    }

    /// <summary>4×4 transpose: SSE unpack and move-halves, or on ARM64 NEON TRN1/TRN2 then ZIP1/ZIP2 of 64-bit pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose(ref Vector128<float> rows)
    {
        ref Vector128<float> r0 = ref rows, r1 = ref Unsafe.Add(ref rows, 1), r2 = ref Unsafe.Add(ref rows, 2), r3 = ref Unsafe.Add(ref rows, 3);
        if (Sse.IsSupported)
        {
            Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);   // a0 b0 a1 b1 | a2 b2 a3 b3
            Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);   // c0 d0 c1 d1 | c2 d2 c3 d3
            r0 = Sse.MoveLowToHigh(t0, t2);
            r1 = Sse.MoveHighToLow(t2, t0);
            r2 = Sse.MoveLowToHigh(t1, t3);
            r3 = Sse.MoveHighToLow(t3, t1);
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<float> t0 = AdvSimd.Arm64.TransposeEven(r0, r1), t1 = AdvSimd.Arm64.TransposeOdd(r0, r1); // a0 b0 a2 b2 | a1 b1 a3 b3
            Vector128<float> t2 = AdvSimd.Arm64.TransposeEven(r2, r3), t3 = AdvSimd.Arm64.TransposeOdd(r2, r3); // c0 d0 c2 d2 | c1 d1 c3 d3
            r0 = AdvSimd.Arm64.ZipLow(t0.AsUInt64(), t2.AsUInt64()).AsSingle();
            r1 = AdvSimd.Arm64.ZipLow(t1.AsUInt64(), t3.AsUInt64()).AsSingle();
            r2 = AdvSimd.Arm64.ZipHigh(t0.AsUInt64(), t2.AsUInt64()).AsSingle();
            r3 = AdvSimd.Arm64.ZipHigh(t1.AsUInt64(), t3.AsUInt64()).AsSingle();
        }
        else SimdOps.TransposeSlow<Vector128<float>, Simd128>(ref rows);
    }
}
