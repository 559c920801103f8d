using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VisionGen.Imaging;

namespace VisionGen.Bench.Imaging;

/// <summary>
/// GaussianBlur vs OpenCV (OpenCvSharp4, official runtime) in the same run, issue 3's table:
/// 1080p and 2160p, u8 and f32, 1 and 3 channels, 5x5 σ1.5 and 11x11 σ3, 1 and 2 threads.
/// Run: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*GaussianBlurBenchmarks*' --job short
/// (VISIONGEN_BENCH_SIZES=1920x1080 for the 1080p rows only).
/// </summary>
[MemoryDiagnoser]
public class GaussianBlurBenchmarks
{
    /// <summary>Image sizes; VISIONGEN_BENCH_SIZES (comma-separated, e.g. "1920x1080") narrows a run.</summary>
    [ParamsSource(nameof(Sizes))] public string Size { get; set; } = "1920x1080";

    public static IEnumerable<string> Sizes =>
        Environment.GetEnvironmentVariable("VISIONGEN_BENCH_SIZES")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? ["1920x1080", "3840x2160"];
    [Params("u8", "f32")] public string Type { get; set; } = "u8";
    [Params(1, 3)] public int Channels { get; set; }
    [Params("5x5s1.5", "11x11s3")] public string Kernel { get; set; } = "5x5s1.5";
    [Params(1, 2)] public int Threads { get; set; }

    private int _w, _h, _k;
    private double _sigma;
    private byte[] _u8 = [], _u8Out = [];
    private float[] _f32 = [], _f32Out = [];
    private Mat _src = null!, _dst = null!;

    [GlobalSetup]
    public void Setup()
    {
        var wh = Size.Split('x');
        _w = int.Parse(wh[0]);
        _h = int.Parse(wh[1]);
        (_k, _sigma) = Kernel == "5x5s1.5" ? (5, 1.5) : (11, 3.0);
        int n = _w * _h * Channels;
        var rng = new Random(42);
        _u8 = GC.AllocateArray<byte>(n, pinned: true);
        _u8Out = GC.AllocateArray<byte>(n, pinned: true);
        rng.NextBytes(_u8);
        _f32 = GC.AllocateArray<float>(n, pinned: true);
        _f32Out = GC.AllocateArray<float>(n, pinned: true);
        for (int i = 0; i < n; i++) _f32[i] = _u8[i] / 255f;
        var type = Type == "u8" ? MatType.MakeType(MatType.CV_8U, Channels) : MatType.MakeType(MatType.CV_32F, Channels);
        long step = (long)_w * Channels * (Type == "u8" ? 1 : 4);
        _src = Type == "u8" ? Mat.FromPixelData(_h, _w, type, Marshal.UnsafeAddrOfPinnedArrayElement(_u8, 0), step)
                            : Mat.FromPixelData(_h, _w, type, Marshal.UnsafeAddrOfPinnedArrayElement(_f32, 0), step);
        _dst = Type == "u8" ? Mat.FromPixelData(_h, _w, type, Marshal.UnsafeAddrOfPinnedArrayElement(_u8Out, 0), step)
                            : Mat.FromPixelData(_h, _w, type, Marshal.UnsafeAddrOfPinnedArrayElement(_f32Out, 0), step);
        Cv2.SetNumThreads(Threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _src.Dispose();
        _dst.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OpenCv() => Cv2.GaussianBlur(_src, _dst, new OpenCvSharp.Size(_k, _k), _sigma, _sigma, BorderTypes.Reflect101);

    [Benchmark]
    public void VisionGen()
    {
        if (Type == "u8") GaussianBlur.Apply(_u8, _u8Out, _w, _h, Channels, _k, _k, _sigma, _sigma, BorderMode.Reflect101, Threads);
        else GaussianBlur.Apply(_f32, _f32Out, _w, _h, Channels, _k, _k, _sigma, _sigma, BorderMode.Reflect101, Threads);
    }
}
