using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VisionGen.Imaging;

namespace VisionGen.Bench.Imaging;

/// <summary>
/// Preprocessing of a 1920x1080 RGB frame: bilinear resize vs OpenCV (same INTER_LINEAR result),
/// letterbox to 640x640, and the fused center-crop + HWC u8 → CHW float normalization.
/// Run: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*PreprocessBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class PreprocessBenchmarks
{
    private const int W = 1920, H = 1080;
    private byte[] _frame = [], _small = [], _canvas = [], _resized = [];
    private float[] _chw = [];
    private Mat _src = null!, _dst = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = GC.AllocateArray<byte>(W * H * 3, pinned: true);
        new Random(3).NextBytes(_frame);
        _small = GC.AllocateArray<byte>(640 * 360 * 3, pinned: true);
        _canvas = new byte[640 * 640 * 3];
        _resized = new byte[256 * 256 * 3];
        _chw = new float[3 * 224 * 224];
        _src = Mat.FromPixelData(H, W, MatType.CV_8UC3, Marshal.UnsafeAddrOfPinnedArrayElement(_frame, 0));
        _dst = Mat.FromPixelData(360, 640, MatType.CV_8UC3, Marshal.UnsafeAddrOfPinnedArrayElement(_small, 0));
        Cv2.SetNumThreads(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _src.Dispose();
        _dst.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OpenCvResize640() => Cv2.Resize(_src, _dst, new OpenCvSharp.Size(640, 360), 0, 0, InterpolationFlags.Linear);

    [Benchmark] public void Resize640() => Resize.Bilinear(_frame, W, H, 3, _small, 640, 360);
    [Benchmark] public LetterboxInfo Letterbox640() => Preprocess.Letterbox(_frame, W, H, 3, _canvas, 640, 640);

    [Benchmark]
    public void Resize256CropNormalize224()
    {
        Resize.Bilinear(_frame, W, H, 3, _resized, 256, 256);
        Preprocess.CenterCropToChwNormalized(_resized, 256, 256, 3, 224, 224, _chw, Preprocess.ImageNetMean, Preprocess.ImageNetStd);
    }
}
