using System.Diagnostics;
using System.Runtime.Intrinsics;
using VisionGen.Cpu;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Winograd F(4×4, 3×3) against the implicit GEMM on the same 3×3 stride-1 convolutions (ResNet-18's, batch 1), both
/// with bias and ReLU, the two kernels' calls interleaved, the fastest of many single calls each (a quick A/B, not a
/// BenchmarkDotNet run): <c>dotnet run -c Release --project bench/VisionGen.Bench -- winograd [threads] [seconds]</c>.
/// The vector width is the process's: <c>DOTNET_EnableAVX512=0</c> for AVX2, add <c>DOTNET_EnableAVX2=0</c> for 128-bit.
/// </summary>
internal static unsafe class WinogradAB
{
    public static void Run(int threads, double seconds)
    {
        CpuThreads.Count = threads;
        string width = Vector512.IsHardwareAccelerated ? "512-bit" : Vector256.IsHardwareAccelerated ? "256-bit" : Vector128.IsHardwareAccelerated ? "128-bit" : "no SIMD";
        Console.WriteLine($"{width} vectors (FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}), {threads} thread(s), .NET {Environment.Version}");
        Console.WriteLine($"{"convolution",-26} {"Winograd",10} {"GEMM",10} {"W/GEMM",7} {"Winograd",12} {"GEMM",12}  max|diff| / max|y|");
        foreach (var (c, hw) in new[] { (64, 56), (128, 28), (256, 14), (512, 7) })
        {
            var s = new Conv2dShape(c, hw, hw, c, hw, hw, 3, 3, 1, 1, 1, 1, 1, 1, 1);
            if (Conv2d.AlgorithmFor(s) != Conv2dAlgorithm.Winograd) throw new InvalidOperationException($"{s} does not run by Winograd here");
            var x = Random(s.InputLength, 1);
            var weight = Random(s.WeightLength, 2);
            var bias = Random(c, 3);
            var winogradWeight = new float[Conv2d.PackedWeightLength(s)];
            Conv2d.PackWeights(s, weight, winogradWeight);
            int k = c * 9, n = hw * hw;
            var gemmWeight = new float[Gemm.PackedALength(c, k)];
            Gemm.PackA(c, k, weight, gemmWeight);
            var yw = new float[s.OutputLength];
            var yg = new float[s.OutputLength];
            var scratch = new float[s.ScratchLength];

            void Winograd() => Conv2d.Forward(s, x, winogradWeight, bias, default, Activation.Relu, yw, scratch);
            void ImplicitGemm()
            {
                // What Conv2d.Forward runs for a convolution Winograd does not take.
                fixed (float* px = x) fixed (float* pw = gemmWeight) fixed (float* pb = bias) fixed (float* py = yg)
                {
                    var src = new ConvSource { X = px, H = hw, W = hw, OW = hw, KH = 3, KW = 3, SH = 1, SW = 1, PH = 1, PW = 1, DH = 1, DW = 1 };
                    Gemm.MultiplyUnchecked(c, n, k, pw, aPacked: true, null, &src, py, pb, null, Activation.Relu);
                }
            }

            double bestW = double.MaxValue, bestG = double.MaxValue;
            var clock = Stopwatch.StartNew();
            for (int round = 0; clock.Elapsed.TotalSeconds < seconds || round < 10; round++)
            {
                bestW = Math.Min(bestW, Time(Winograd));
                bestG = Math.Min(bestG, Time(ImplicitGemm));
            }
            double maxY = 0, maxDiff = 0;
            for (int i = 0; i < yw.Length; i++) { maxY = Math.Max(maxY, Math.Abs(yg[i])); maxDiff = Math.Max(maxDiff, Math.Abs(yw[i] - yg[i])); }
            double flops = 2.0 * s.OutputLength * k;
            Console.WriteLine($"{$"{c}->{c} 3x3 at {hw}x{hw}",-26} {bestW,7:F3} ms {bestG,7:F3} ms {bestW / bestG,7:F2} {flops / (bestW * 1e6),6:F1} GF/s* {flops / (bestG * 1e6),6:F1} GF/s  {maxDiff / maxY:G2}");
        }
        Console.WriteLine("* direct-convolution FLOP per second (2·outputs·InC·9), the same count for both kernels.");
    }

    private static double Time(Action call)
    {
        long t0 = Stopwatch.GetTimestamp();
        call();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
