using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Imaging;

/// <summary>
/// The engine behind <see cref="GaussianBlur"/> and the <see cref="GaussianBlurAttribute"/> generated
/// filters: a symmetric separable filter over interleaved (HWC) images.
/// </summary>
/// <remarks>
/// <para>Each output row is made in two passes through one small per-thread row buffer: a vertical
/// pass over the source rows the window covers (symmetric taps added before the multiply), then a
/// horizontal pass over that row with its border filled in. Interleaved channels are taps
/// <c>channels</c> elements apart, so 1, 3 and 4 channels share one SIMD loop (Vector512 where the
/// hardware has it, Vector256 otherwise, scalar tails).</para>
/// <para>8-bit images use OpenCV's fixed-point scheme: integer weights summing to 256 on each axis,
/// the result <c>(Σ wy·Σ wx·p + 2¹⁵) &gt;&gt; 16</c>. Every partial sum is an integer below 2²⁴, so it
/// is exact in any order: the output is bit-identical to OpenCV's 8-bit <c>GaussianBlur</c>.</para>
/// <para>Memory: the row buffer (<c>(width + kernel − 1)·channels</c> floats) lives in a thread-static,
/// pinned array that grows when a larger image arrives and is then reused, so calls after the first
/// at a given size allocate nothing. Multi-threaded calls split the rows into bands run on a
/// persistent worker pool (threads started once, no per-call allocation).</para>
/// </remarks>
public static unsafe class SeparableFilter
{
    /// <summary>
    /// Filters a float HWC image with symmetric, odd-length kernels (<paramref name="kernelX"/> along
    /// rows, <paramref name="kernelY"/> along columns).
    /// </summary>
    /// <param name="src">source pixels, <c>height·width·channels</c> (longer is allowed).</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel (≥ 1).</param>
    /// <param name="kernelX">horizontal taps, odd length, symmetric.</param>
    /// <param name="kernelY">vertical taps, odd length, symmetric.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    /// <param name="threads">threads to use (1 = the calling thread only; capped at the processor count).</param>
    public static void Apply(ReadOnlySpan<float> src, Span<float> dst, int width, int height, int channels,
        ReadOnlySpan<float> kernelX, ReadOnlySpan<float> kernelY, BorderMode border = BorderMode.Reflect101, int threads = 1)
    {
        ValidateImage(src.Length, dst.Length, width, height, channels, threads);
        ValidateKernel(kernelX, nameof(kernelX));
        ValidateKernel(kernelY, nameof(kernelY));
        BorderIndex.Validate(border, nameof(border));
        if (Overlaps(MemoryMarshalBytes(src), MemoryMarshalBytes(dst)))
            throw new ArgumentException("Source and destination must not overlap.", nameof(dst));
        var job = FilterJob.ForThisThread(kernelX.Length, kernelY.Length);
        kernelX.CopyTo(job.KernelX);
        kernelY.CopyTo(job.KernelY);
        fixed (float* s = src)
        fixed (float* d = dst)
            job.Run(s, d, false, width, height, channels, kernelX.Length, kernelY.Length, border, threads);
    }

    /// <summary>
    /// Filters an 8-bit HWC image with fixed-point kernels: odd-length, symmetric, non-negative
    /// integer weights that sum to exactly 256 on each axis (see <c>GaussianKernel.ToFixedPoint</c>).
    /// Each output is <c>(Σ ky·Σ kx·p + 32768) &gt;&gt; 16</c>, exact.
    /// </summary>
    /// <param name="src">source pixels, <c>height·width·channels</c> (longer is allowed).</param>
    /// <param name="dst">destination, same layout; must not overlap <paramref name="src"/>.</param>
    /// <param name="width">image width in pixels.</param>
    /// <param name="height">image height in pixels.</param>
    /// <param name="channels">interleaved channels per pixel (≥ 1).</param>
    /// <param name="kernelX">horizontal fixed-point taps summing to 256.</param>
    /// <param name="kernelY">vertical fixed-point taps summing to 256.</param>
    /// <param name="border">how pixels outside the image are made up.</param>
    /// <param name="threads">threads to use (1 = the calling thread only; capped at the processor count).</param>
    public static void ApplyFixedPoint(ReadOnlySpan<byte> src, Span<byte> dst, int width, int height, int channels,
        ReadOnlySpan<int> kernelX, ReadOnlySpan<int> kernelY, BorderMode border = BorderMode.Reflect101, int threads = 1)
    {
        ValidateImage(src.Length, dst.Length, width, height, channels, threads);
        ValidateFixedKernel(kernelX, nameof(kernelX));
        ValidateFixedKernel(kernelY, nameof(kernelY));
        BorderIndex.Validate(border, nameof(border));
        if (Overlaps(src, dst))
            throw new ArgumentException("Source and destination must not overlap.", nameof(dst));
        var job = FilterJob.ForThisThread(kernelX.Length, kernelY.Length);
        for (int i = 0; i < kernelX.Length; i++) job.KernelX[i] = kernelX[i];
        for (int i = 0; i < kernelY.Length; i++) job.KernelY[i] = kernelY[i];
        fixed (byte* s = src)
        fixed (byte* d = dst)
            job.Run(s, d, true, width, height, channels, kernelX.Length, kernelY.Length, border, threads);
    }

    internal static void ValidateImage(int srcLength, int dstLength, int width, int height, int channels, int threads)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be positive.");
        if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be positive.");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Threads must be positive.");
        long n = (long)width * height * channels;
        if (n > int.MaxValue) throw new ArgumentException("Image is larger than a span can hold.");
        if (srcLength < n) throw new ArgumentException($"Source holds {srcLength} elements; {width}x{height}x{channels} needs {n}.", "src");
        if (dstLength < n) throw new ArgumentException($"Destination holds {dstLength} elements; {width}x{height}x{channels} needs {n}.", "dst");
    }

    private static void ValidateKernel(ReadOnlySpan<float> k, string name)
    {
        if (k.Length == 0 || (k.Length & 1) == 0) throw new ArgumentException("Kernel length must be odd.", name);
        for (int i = 0; i < k.Length / 2; i++)
            if (k[i] != k[k.Length - 1 - i]) throw new ArgumentException("Kernel must be symmetric.", name);
    }

    private static void ValidateFixedKernel(ReadOnlySpan<int> k, string name)
    {
        if (k.Length == 0 || (k.Length & 1) == 0) throw new ArgumentException("Kernel length must be odd.", name);
        int sum = 0;
        for (int i = 0; i < k.Length; i++)
        {
            if (k[i] < 0 || k[i] > 256) throw new ArgumentException("Fixed-point weights must lie in [0, 256].", name);
            if (k[i] != k[k.Length - 1 - i]) throw new ArgumentException("Kernel must be symmetric.", name);
            sum += k[i];
        }
        if (sum != 256) throw new ArgumentException($"Fixed-point weights must sum to 256 (they sum to {sum}).", name);
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(ReadOnlySpan<float> s) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(s);
    private static ReadOnlySpan<byte> MemoryMarshalBytes(Span<float> s) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(s);
    private static bool Overlaps(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.Length > 0 && b.Length > 0 && a.Overlaps(b);

    /// <summary>One call's parameters, shared by the worker threads; reused per calling thread.</summary>
    private sealed class FilterJob : ParallelJob
    {
        [ThreadStatic] private static FilterJob? t_job;

        public float[] KernelX = GC.AllocateArray<float>(16, pinned: true);
        public float[] KernelY = GC.AllocateArray<float>(16, pinned: true);
        private void* _src, _dst;
        private bool _bytes;
        private int _width, _height, _channels, _kw, _kh;
        private BorderMode _border;

        public static FilterJob ForThisThread(int kw, int kh)
        {
            var job = t_job ??= new FilterJob();
            if (job.KernelX.Length < kw) job.KernelX = GC.AllocateArray<float>(kw, pinned: true);
            if (job.KernelY.Length < kh) job.KernelY = GC.AllocateArray<float>(kh, pinned: true);
            return job;
        }

        public void Run(void* src, void* dst, bool bytes, int width, int height, int channels, int kw, int kh, BorderMode border, int threads)
        {
            _src = src; _dst = dst; _bytes = bytes;
            _width = width; _height = height; _channels = channels; _kw = kw; _kh = kh; _border = border;
            // Bands thinner than a few rows cost more in re-read window rows than they gain.
            int parts = Math.Min(Math.Min(threads, ImagingWorkers.MaxParallelism), Math.Max(1, height / 8));
            try { ImagingWorkers.Run(this, parts); }
            finally { _src = null; _dst = null; }
        }

        public override void Execute(int part, int parts)
        {
            int y0 = (int)((long)_height * part / parts), y1 = (int)((long)_height * (part + 1) / parts);
            fixed (float* kx = KernelX)
            fixed (float* ky = KernelY)
                FilterRows(_src, _dst, _bytes, _width, _height, _channels, kx, _kw, ky, _kh, _border, y0, y1);
        }
    }

    /// <summary>Per-thread row buffer and row-pointer table, pinned, grown on demand and then reused.</summary>
    private static class Scratch
    {
        [ThreadStatic] private static float[]? t_floats;
        [ThreadStatic] private static nint[]? t_rows;

        public static float[] Floats(int count)
        {
            var a = t_floats;
            if (a == null || a.Length < count) t_floats = a = GC.AllocateArray<float>(count, pinned: true);
            return a;
        }

        public static nint[] Rows(int count)
        {
            var a = t_rows;
            if (a == null || a.Length < count) t_rows = a = GC.AllocateArray<nint>(Math.Max(count, 32), pinned: true);
            return a;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterRows(void* src, void* dst, bool bytes, int width, int height, int channels,
        float* kx, int kw, float* ky, int kh, BorderMode border, int y0, int y1)
    {
        int rowLen = width * channels;
        int rx = kw >> 1, ry = kh >> 1;
        int pad = rx * channels;
        int elemSize = bytes ? 1 : sizeof(float);
        // Layout: [padded row (rowLen + 2·pad)] [zero row for constant borders (rowLen, as floats or bytes)]
        int padded = rowLen + 2 * pad;
        float[] buffer = Scratch.Floats(padded + rowLen + 16);
        nint[] rowTable = Scratch.Rows(kh);
        fixed (float* buf = buffer)
        fixed (nint* rows = rowTable)
        {
            float* zero = buf + padded;
            if (border == BorderMode.Constant) new Span<float>(zero, rowLen).Clear();
            // Vertical weights for the 8-bit path go through 16-bit integer lanes.
            ushort* kyU = stackalloc ushort[kh <= 256 ? kh : 0];
            if (bytes && kh > 256) throw new ArgumentException("8-bit kernels are limited to 256 taps.");
            if (bytes) for (int j = 0; j < kh; j++) kyU[j] = (ushort)ky[j];

            byte* srcB = (byte*)src;
            for (int y = y0; y < y1; y++)
            {
                for (int j = 0; j < kh; j++)
                {
                    int sy = BorderIndex.Map(y + j - ry, height, border);
                    rows[j] = sy < 0 ? (nint)zero : (nint)(srcB + (long)sy * rowLen * elemSize);
                }
                float* mid = buf + pad;
                if (bytes) RowKernels.VerticalU8((byte**)rows, kyU, kh, mid, rowLen);
                else RowKernels.VerticalF32((float**)rows, ky, kh, mid, rowLen);
                FillBorder(buf, width, channels, rx, border);
                if (bytes) RowKernels.Horizontal<ByteSink>(buf, kx, kw, channels, (byte*)dst + (long)y * rowLen, rowLen);
                else RowKernels.Horizontal<FloatSink>(buf, kx, kw, channels, (float*)dst + (long)y * rowLen, rowLen);
            }
        }
    }

    /// <summary>Fills the <paramref name="rx"/> border pixels on each side of a vertically filtered row.</summary>
    private static void FillBorder(float* buf, int width, int channels, int rx, BorderMode border)
    {
        if (rx == 0) return;
        float* row = buf + rx * channels;
        for (int p = 1; p <= rx; p++)
        {
            int left = BorderIndex.Map(-p, width, border);
            int right = BorderIndex.Map(width - 1 + p, width, border);
            float* l = row - p * channels;
            float* r = row + (width - 1 + p) * channels;
            for (int c = 0; c < channels; c++)
            {
                l[c] = left < 0 ? 0f : row[left * channels + c];
                r[c] = right < 0 ? 0f : row[right * channels + c];
            }
        }
    }
}

/// <summary>Stores one row's results: float as is, 8-bit with the fixed-point rounding shift.</summary>
internal unsafe interface IRowSink
{
    static abstract void Store(Vector512<float> v, void* dst, int i);
    static abstract void Store(Vector256<float> v, void* dst, int i);
    static abstract void Store(float v, void* dst, int i);
}

internal unsafe struct FloatSink : IRowSink
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> v, void* dst, int i) => v.Store((float*)dst + i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, void* dst, int i) => v.Store((float*)dst + i);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float v, void* dst, int i) => ((float*)dst)[i] = v;
}

internal unsafe struct ByteSink : IRowSink
{
    // Sums are integers below 2^24, so (s + 2^15)·2^-16 truncated is exactly (s + 2^15) >> 16.
    private const float Half = 32768f, Scale = 1f / 65536f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> v, void* dst, int i)
    {
        var q = Vector512.ConvertToInt32((v + Vector512.Create(Half)) * Vector512.Create(Scale));
        if (Avx512F.IsSupported) Avx512F.ConvertToVector128Byte(q).Store((byte*)dst + i);
        else
        {
            var w = Vector512.Narrow(q, q);
            Vector512.Narrow(w, w).AsByte().GetLower().GetLower().Store((byte*)dst + i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, void* dst, int i)
    {
        var q = Vector256.ConvertToInt32((v + Vector256.Create(Half)) * Vector256.Create(Scale));
        var w = Vector256.Narrow(q, q);
        var b = Vector256.Narrow(w, w);
        *(ulong*)((byte*)dst + i) = b.AsUInt64().ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float v, void* dst, int i) => ((byte*)dst)[i] = (byte)(int)((v + Half) * Scale);
}

/// <summary>The two passes of <see cref="SeparableFilter"/> over one row.</summary>
internal static unsafe class RowKernels
{
    // The row kernels are compiled fully optimized from the first call: with tiering they run as
    // tier-0/OSR code for the first ~100 ms of calls, 5-15x slower (measured), which a
    // per-frame caller would feel.

    /// <summary>dst[i] = Σ k[j]·rows[j][i] for a symmetric kernel (pairs added before the multiply).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VerticalF32(float** rows, float* k, int kh, float* dst, int n)
    {
        int r = kh >> 1;
        float* c = rows[r];
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var kc = Vector512.Create(k[r]);
            for (; i <= n - 32; i += 32)
            {
                var a0 = Vector512.Load(c + i) * kc;
                var a1 = Vector512.Load(c + i + 16) * kc;
                for (int j = 0; j < r; j++)
                {
                    float* p = rows[j] + i, q = rows[kh - 1 - j] + i;
                    var kj = Vector512.Create(k[j]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p) + Vector512.Load(q), kj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16) + Vector512.Load(q + 16), kj, a1);
                }
                a0.Store(dst + i);
                a1.Store(dst + i + 16);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var kc = Vector256.Create(k[r]);
            for (; i <= n - 8; i += 8)
            {
                var a = Vector256.Load(c + i) * kc;
                for (int j = 0; j < r; j++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Load(rows[j] + i) + Vector256.Load(rows[kh - 1 - j] + i), Vector256.Create(k[j]), a);
                a.Store(dst + i);
            }
        }
        for (; i < n; i++)
        {
            float a = c[i] * k[r];
            for (int j = 0; j < r; j++) a = MathF.FusedMultiplyAdd(rows[j][i] + rows[kh - 1 - j][i], k[j], a);
            dst[i] = a;
        }
    }

    /// <summary>
    /// dst[i] = Σ k[j]·rows[j][i] over 8-bit rows with integer weights summing to 256, computed in
    /// 16-bit lanes (every partial sum ≤ 255·256) and stored as exact float integers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VerticalU8(byte** rows, ushort* k, int kh, float* dst, int n)
    {
        int r = kh >> 1;
        byte* c = rows[r];
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            var kc = Vector512.Create(k[r]);
            for (; i <= n - 32; i += 32)
            {
                var a = Avx512BW.ConvertToVector512UInt16(Vector256.Load(c + i)) * kc;
                for (int j = 0; j < r; j++)
                {
                    var s = Avx512BW.ConvertToVector512UInt16(Vector256.Load(rows[j] + i))
                          + Avx512BW.ConvertToVector512UInt16(Vector256.Load(rows[kh - 1 - j] + i));
                    a += s * Vector512.Create(k[j]);
                }
                Vector512.ConvertToSingle(Vector512.WidenLower(a).AsInt32()).Store(dst + i);
                Vector512.ConvertToSingle(Vector512.WidenUpper(a).AsInt32()).Store(dst + i + 16);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var kc = Vector256.Create(k[r]);
            for (; i <= n - 16; i += 16)
            {
                var a = Vector256.WidenLower(Vector128.Load(c + i).ToVector256Unsafe()) * kc;
                for (int j = 0; j < r; j++)
                {
                    var s = Vector256.WidenLower(Vector128.Load(rows[j] + i).ToVector256Unsafe())
                          + Vector256.WidenLower(Vector128.Load(rows[kh - 1 - j] + i).ToVector256Unsafe());
                    a += s * Vector256.Create(k[j]);
                }
                Vector256.ConvertToSingle(Vector256.WidenLower(a).AsInt32()).Store(dst + i);
                Vector256.ConvertToSingle(Vector256.WidenUpper(a).AsInt32()).Store(dst + i + 8);
            }
        }
        for (; i < n; i++)
        {
            int a = c[i] * k[r];
            for (int j = 0; j < r; j++) a += (rows[j][i] + rows[kh - 1 - j][i]) * k[j];
            dst[i] = a;
        }
    }

    /// <summary>
    /// out[i] = Σ k[j]·t[i + j·step] for i in [0, n), where <paramref name="t"/> is the padded row
    /// (border pixels in front) and step is the channel count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Horizontal<TSink>(float* t, float* k, int kw, int step, void* dst, int n)
        where TSink : struct, IRowSink
    {
        int r = kw >> 1;
        float* c = t + r * step;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var kc = Vector512.Create(k[r]);
            for (; i <= n - 32; i += 32)
            {
                var a0 = Vector512.Load(c + i) * kc;
                var a1 = Vector512.Load(c + i + 16) * kc;
                for (int j = 0; j < r; j++)
                {
                    float* p = t + j * step + i, q = t + (kw - 1 - j) * step + i;
                    var kj = Vector512.Create(k[j]);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(p) + Vector512.Load(q), kj, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(p + 16) + Vector512.Load(q + 16), kj, a1);
                }
                TSink.Store(a0, dst, i);
                TSink.Store(a1, dst, i + 16);
            }
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var kc = Vector256.Create(k[r]);
            for (; i <= n - 8; i += 8)
            {
                var a = Vector256.Load(c + i) * kc;
                for (int j = 0; j < r; j++)
                    a = Vector256.FusedMultiplyAdd(Vector256.Load(t + j * step + i) + Vector256.Load(t + (kw - 1 - j) * step + i), Vector256.Create(k[j]), a);
                TSink.Store(a, dst, i);
            }
        }
        for (; i < n; i++)
        {
            float a = c[i] * k[r];
            for (int j = 0; j < r; j++) a = MathF.FusedMultiplyAdd(t[j * step + i] + t[(kw - 1 - j) * step + i], k[j], a);
            TSink.Store(a, dst, i);
        }
    }
}
