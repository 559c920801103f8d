#if !NET9_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace VisionGen;

// .NET 8 lacks Vector{128,256,512}.FusedMultiplyAdd and MultiplyAddEstimate (added in .NET 9). These static
// extension members give the kernels the same names, so one source compiles for both targets, and the same
// results: FusedMultiplyAdd is one rounding everywhere (the FMA instruction, else MathF.FusedMultiplyAdd per lane,
// as .NET 10's software fallback does); MultiplyAddEstimate is fused where the hardware fuses and a multiply then
// an add where it does not, as .NET 10 chooses.
internal static class VectorPolyfills
{
    extension(Vector128)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> FusedMultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(addend, left, right);
            return Vector128.Create(
                MathF.FusedMultiplyAdd(left.GetElement(0), right.GetElement(0), addend.GetElement(0)),
                MathF.FusedMultiplyAdd(left.GetElement(1), right.GetElement(1), addend.GetElement(1)),
                MathF.FusedMultiplyAdd(left.GetElement(2), right.GetElement(2), addend.GetElement(2)),
                MathF.FusedMultiplyAdd(left.GetElement(3), right.GetElement(3), addend.GetElement(3)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<double> FusedMultiplyAdd(Vector128<double> left, Vector128<double> right, Vector128<double> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.FusedMultiplyAdd(addend, left, right);
            return Vector128.Create(
                Math.FusedMultiplyAdd(left.GetElement(0), right.GetElement(0), addend.GetElement(0)),
                Math.FusedMultiplyAdd(left.GetElement(1), right.GetElement(1), addend.GetElement(1)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> MultiplyAddEstimate(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(addend, left, right);
            return left * right + addend;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<double> MultiplyAddEstimate(Vector128<double> left, Vector128<double> right, Vector128<double> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.FusedMultiplyAdd(addend, left, right);
            return left * right + addend;
        }
    }

    extension(Vector256)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> FusedMultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            return Vector256.Create(
                Vector128.FusedMultiplyAdd(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector128.FusedMultiplyAdd(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> FusedMultiplyAdd(Vector256<double> left, Vector256<double> right, Vector256<double> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            return Vector256.Create(
                Vector128.FusedMultiplyAdd(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector128.FusedMultiplyAdd(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> MultiplyAddEstimate(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            return Vector256.Create(
                Vector128.MultiplyAddEstimate(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector128.MultiplyAddEstimate(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<double> MultiplyAddEstimate(Vector256<double> left, Vector256<double> right, Vector256<double> addend)
        {
            if (Fma.IsSupported) return Fma.MultiplyAdd(left, right, addend);
            return Vector256.Create(
                Vector128.MultiplyAddEstimate(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector128.MultiplyAddEstimate(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }
    }

    extension(Vector512)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> FusedMultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend)
        {
            if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(left, right, addend);
            return Vector512.Create(
                Vector256.FusedMultiplyAdd(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector256.FusedMultiplyAdd(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> FusedMultiplyAdd(Vector512<double> left, Vector512<double> right, Vector512<double> addend)
        {
            if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(left, right, addend);
            return Vector512.Create(
                Vector256.FusedMultiplyAdd(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector256.FusedMultiplyAdd(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> MultiplyAddEstimate(Vector512<float> left, Vector512<float> right, Vector512<float> addend)
        {
            if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(left, right, addend);
            return Vector512.Create(
                Vector256.MultiplyAddEstimate(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector256.MultiplyAddEstimate(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<double> MultiplyAddEstimate(Vector512<double> left, Vector512<double> right, Vector512<double> addend)
        {
            if (Avx512F.IsSupported) return Avx512F.FusedMultiplyAdd(left, right, addend);
            return Vector512.Create(
                Vector256.MultiplyAddEstimate(left.GetLower(), right.GetLower(), addend.GetLower()),
                Vector256.MultiplyAddEstimate(left.GetUpper(), right.GetUpper(), addend.GetUpper()));
        }
    }
}
#endif
