using System.Diagnostics;
using System.Runtime.InteropServices;
using OpenCvSharp;
using VisionGen.Imaging;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Quick interleaved A/B timing of the imaging operations against OpenCV, for development on a
/// noisy machine (no BenchmarkDotNet): each round times a short batch of VisionGen calls and then
/// one of OpenCV calls (order alternating per round), and the medians over the rounds are
/// reported, so load that comes and goes hits both sides alike.
/// <code>
/// dotnet run -c Release --project bench/VisionGen.Bench -- ab blur [size=1920x1080] [type=f32] [ch=1] [k=5] [threads=1] [rounds=25]
/// dotnet run -c Release --project bench/VisionGen.Bench -- ab resize [size=1920x1080] [to=640x360] [ch=3] [rounds=25]
/// </code>
/// Every argument may be a comma-separated list; all combinations are run. "all" as the only blur
/// argument runs the table. The table is not a substitute for the BenchmarkDotNet run.
/// </summary>
internal static class ImagingAB
{
    public static void Run(string[] args)
    {
        var opts = new Dictionary<string, string>();
        foreach (var a in args.Skip(1))
        {
            int eq = a.IndexOf('=');
            if (eq > 0) opts[a[..eq]] = a[(eq + 1)..];
        }
        string Get(string key, string dflt) => opts.TryGetValue(key, out var v) ? v : dflt;
        int rounds = int.Parse(Get("rounds", "25"));
        string op = args.Length > 0 ? args[0] : "blur";
        Console.WriteLine($"load: {LoadAverage()}");
        if (op == "resize")
        {
            foreach (var size in Get("size", "1920x1080").Split(','))
            foreach (var to in Get("to", "640x360").Split(','))
            foreach (var ch in Get("ch", "3").Split(','))
                Resize(Parse(size), Parse(to), int.Parse(ch), rounds);
        }
        else
        {
            foreach (var size in Get("size", "1920x1080").Split(','))
            foreach (var type in Get("type", "f32").Split(','))
            foreach (var ch in Get("ch", "1").Split(','))
            foreach (var k in Get("k", "5").Split(','))
            foreach (var t in Get("threads", "1").Split(','))
                Blur(Parse(size), type, int.Parse(ch), int.Parse(k), int.Parse(t), rounds);
        }
        Console.WriteLine($"load: {LoadAverage()}");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static (int W, int H) Parse(string s)
    {
        var p = s.Split('x');
        return (int.Parse(p[0]), int.Parse(p[1]));
    }

    private static void Blur((int W, int H) size, string type, int ch, int k, int threads, int rounds)
    {
        var (w, h) = size;
        double sigma = k == 5 ? 1.5 : k == 11 ? 3.0 : 0.3 * ((k - 1) * 0.5 - 1) + 0.8;
        int n = w * h * ch;
        bool u8 = type == "u8";
        var rng = new Random(42);
        var b = GC.AllocateArray<byte>(n, pinned: true);
        var bo = GC.AllocateArray<byte>(n, pinned: true);
        rng.NextBytes(b);
        var f = GC.AllocateArray<float>(u8 ? 0 : n, pinned: true);
        var fo = GC.AllocateArray<float>(u8 ? 0 : n, pinned: true);
        for (int i = 0; i < f.Length; i++) f[i] = b[i] / 255f;
        var mt = MatType.MakeType(u8 ? MatType.CV_8U : MatType.CV_32F, ch);
        long step = (long)w * ch * (u8 ? 1 : 4);
        using var src = u8 ? Mat.FromPixelData(h, w, mt, Marshal.UnsafeAddrOfPinnedArrayElement(b, 0), step)
                           : Mat.FromPixelData(h, w, mt, Marshal.UnsafeAddrOfPinnedArrayElement(f, 0), step);
        using var dst = u8 ? Mat.FromPixelData(h, w, mt, Marshal.UnsafeAddrOfPinnedArrayElement(bo, 0), step)
                           : Mat.FromPixelData(h, w, mt, Marshal.UnsafeAddrOfPinnedArrayElement(fo, 0), step);
        Cv2.SetNumThreads(threads);
        var ksize = new OpenCvSharp.Size(k, k);
        Action ours = u8
            ? () => GaussianBlur.Apply(b, bo, w, h, ch, k, k, sigma, sigma, BorderMode.Reflect101, threads)
            : () => GaussianBlur.Apply(f, fo, w, h, ch, k, k, sigma, sigma, BorderMode.Reflect101, threads);
        Action cv = () => Cv2.GaussianBlur(src, dst, ksize, sigma, sigma, BorderTypes.Reflect101);
        Report($"blur {w}x{h} {type} c{ch} k{k} t{threads}", ours, cv, rounds);
    }

    private static void Resize((int W, int H) from, (int W, int H) to, int ch, int rounds)
    {
        var src = GC.AllocateArray<byte>(from.W * from.H * ch, pinned: true);
        var dst = GC.AllocateArray<byte>(to.W * to.H * ch, pinned: true);
        new Random(3).NextBytes(src);
        var mt = MatType.MakeType(MatType.CV_8U, ch);
        using var s = Mat.FromPixelData(from.H, from.W, mt, Marshal.UnsafeAddrOfPinnedArrayElement(src, 0));
        using var d = Mat.FromPixelData(to.H, to.W, mt, Marshal.UnsafeAddrOfPinnedArrayElement(dst, 0));
        Cv2.SetNumThreads(1);
        var dsize = new OpenCvSharp.Size(to.W, to.H);
        Report($"resize u8 {from.W}x{from.H}->{to.W}x{to.H} c{ch}",
            () => VisionGen.Imaging.Resize.Bilinear(src, from.W, from.H, ch, dst, to.W, to.H),
            () => Cv2.Resize(s, d, dsize, 0, 0, InterpolationFlags.Linear), rounds);
    }

    private static void Report(string name, Action ours, Action cv, int rounds)
    {
        // Batch size: enough calls for about 20 ms per timing.
        for (int i = 0; i < 5; i++) { ours(); cv(); }
        var sw = Stopwatch.StartNew();
        ours();
        int batch = Math.Clamp((int)(20.0 / Math.Max(sw.Elapsed.TotalMilliseconds, 0.01)), 1, 1000);
        var a = new double[rounds];
        var c = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            if ((r & 1) == 0) { a[r] = Time(ours, batch); c[r] = Time(cv, batch); }
            else { c[r] = Time(cv, batch); a[r] = Time(ours, batch); }
        }
        double ma = Median(a), mc = Median(c);
        Console.WriteLine($"{name,-40} ours {ma,8:F3} ms  opencv {mc,8:F3} ms  ratio {mc / ma,5:F2}x  (min ours {a.Min():F3}, cv {c.Min():F3})");
    }

    private static double Time(Action f, int batch)
    {
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < batch; i++) f();
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds / batch;
    }

    private static double Median(double[] v)
    {
        var s = (double[])v.Clone();
        Array.Sort(s);
        return s[s.Length / 2];
    }
}
