using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// The core's single-precision multiply-add peak, to read the kernels' GFLOP/s against: twelve independent chains of
/// multiply-adds at the vector width the kernels run at (<see cref="Gemm.VectorWidth"/>: 512, 256 or 128 bits), five
/// rounds of about half a second on the calling thread.
/// <c>dotnet run -c Release --project bench/VisionGen.Bench -- fmapeak</c>.
/// </summary>
internal static class FmaPeak
{
    public static void Run()
    {
        const long steps = 50_000_000;
        int lanes = Gemm.VectorWidth; // the width the kernels run at on this machine
        for (int round = 0; round < 5; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            float check = lanes switch
            {
                16 => Chains<Vector512<float>, Simd512>(steps),
                8 => Chains<Vector256<float>, Simd256>(steps),
                _ => Chains<Vector128<float>, Simd128>(steps),
            };
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            Console.WriteLine($"{lanes * 32}-bit multiply-adds, one thread: {steps * 12 * lanes * 2 / seconds / 1e9:F1} GFLOP/s (check {check})");
        }
    }

    /// <summary>Twelve independent multiply-add chains of <paramref name="steps"/> links at the width of <typeparamref name="TS"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TV, TS>(long steps) where TV : struct where TS : struct, ISimd<TV>
    {
        TV a = TS.Broadcast(0.5f), b = TS.Broadcast(0.999f);
        TV c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (long i = 0; i < steps; i++)
        {
            c0 = TS.Fma(c0, b, a); c1 = TS.Fma(c1, b, a); c2 = TS.Fma(c2, b, a); c3 = TS.Fma(c3, b, a);
            c4 = TS.Fma(c4, b, a); c5 = TS.Fma(c5, b, a); c6 = TS.Fma(c6, b, a); c7 = TS.Fma(c7, b, a);
            c8 = TS.Fma(c8, b, a); c9 = TS.Fma(c9, b, a); c10 = TS.Fma(c10, b, a); c11 = TS.Fma(c11, b, a);
        }
        TV sum = TS.Add(TS.Add(TS.Add(c0, c1), TS.Add(c2, c3)), TS.Add(TS.Add(c4, c5), TS.Add(c6, c7)));
        return TS.Sum(TS.Add(sum, TS.Add(TS.Add(c8, c9), TS.Add(c10, c11))));
    }
}
