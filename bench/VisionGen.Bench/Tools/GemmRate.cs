using System.Diagnostics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// The GEMM's rate on hot caches, A packed as convolution weights are: <c>dotnet run -c Release --project
/// bench/VisionGen.Bench -- gemm [seconds]</c>, one thread, for the shapes of 1×1 convolutions (m = out channels,
/// k = in channels, n = pixels). Prints GFLOP/s; compare with the core's peak (vector lanes × 2 × FMA units × clock).
/// </summary>
internal static unsafe class GemmRate
{
    public static void Run(double seconds)
    {
        CpuThreads.Count = 1;
        (int M, int N, int K)[] shapes = [(512, 512, 512), (256, 3136, 64), (64, 3136, 256), (512, 784, 128), (1024, 196, 256), (2048, 49, 512), (96, 12544, 16), (576, 196, 96)];
        foreach (var (m, n, k) in shapes)
        {
            var a = new float[m * k];
            var b = new float[k * n];
            var c = new float[m * n];
            for (int i = 0; i < a.Length; i++) a[i] = (i % 13 - 6) * 0.01f;
            for (int i = 0; i < b.Length; i++) b[i] = (i % 7 - 3) * 0.1f;
            var packed = new float[Gemm.PackedALength(m, k)];
            Gemm.PackA(m, k, a, packed);
            fixed (float* pa = packed) fixed (float* pb = b) fixed (float* pc = c)
            {
                for (int i = 0; i < 3; i++) Gemm.MultiplyUnchecked(m, n, k, pa, true, pb, null, pc, null, null, Activation.None);
                int reps = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed.TotalSeconds < seconds || reps < 5)
                {
                    Gemm.MultiplyUnchecked(m, n, k, pa, true, pb, null, pc, null, null, Activation.None);
                    reps++;
                }
                double perCall = clock.Elapsed.TotalSeconds / reps;
                Console.WriteLine($"m {m,5} n {n,6} k {k,4}: {perCall * 1e3,8:F3} ms  {2.0 * m * n * k / perCall / 1e9,7:F1} GFLOP/s");
            }
        }
    }
}
