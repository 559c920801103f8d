using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OpenCvSharp;
using VisionGen.Imaging;

namespace VisionGen.Bench.Imaging;

/// <summary>
/// 8-bit bilinear resize vs OpenCV's cv::resize INTER_LINEAR (bit-identical results), one thread,
/// in the same run: shrinking by 3x, 1.5x and to a 224x224 network input, and growing by 3x;
/// 1 and 3 channels.
/// Run: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*ResizeBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class ResizeBenchmarks
{
    [Params("1920x1080>640x360", "1920x1080>1280x720", "1920x1080>224x224", "640x360>1920x1080")]
    public string Case { get; set; } = "1920x1080>640x360";

    [Params(1, 3)] public int Channels { get; set; }

    private int _sw, _sh, _dw, _dh;
    private byte[] _src = [], _dst = [];
    private Mat _srcMat = null!, _dstMat = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Case.Split('>');
        (_sw, _sh) = Parse(parts[0]);
        (_dw, _dh) = Parse(parts[1]);
        _src = GC.AllocateArray<byte>(_sw * _sh * Channels, pinned: true);
        _dst = GC.AllocateArray<byte>(_dw * _dh * Channels, pinned: true);
        new Random(3).NextBytes(_src);
        var type = MatType.MakeType(MatType.CV_8U, Channels);
        _srcMat = Mat.FromPixelData(_sh, _sw, type, Marshal.UnsafeAddrOfPinnedArrayElement(_src, 0));
        _dstMat = Mat.FromPixelData(_dh, _dw, type, Marshal.UnsafeAddrOfPinnedArrayElement(_dst, 0));
        Cv2.SetNumThreads(1);
    }

    private static (int, int) Parse(string s)
    {
        var wh = s.Split('x');
        return (int.Parse(wh[0]), int.Parse(wh[1]));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _srcMat.Dispose();
        _dstMat.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void OpenCv() => Cv2.Resize(_srcMat, _dstMat, new OpenCvSharp.Size(_dw, _dh), 0, 0, InterpolationFlags.Linear);

    [Benchmark]
    public void VisionGen() => Resize.Bilinear(_src, _sw, _sh, Channels, _dst, _dw, _dh);
}
