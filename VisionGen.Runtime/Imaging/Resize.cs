using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Imaging;

/// <summary>
/// Bilinear resize with OpenCV's <c>INTER_LINEAR</c> semantics (<c>cv::resize</c>, the default of
/// <c>cv2.resize</c>): half-pixel centres, <c>src = (dst + 0.5)·scale − 0.5</c>, edge pixels
/// clamped. The 8-bit path uses OpenCV's 11-bit fixed-point weights and its exact rounding steps, so it is
/// bit-identical to OpenCV's 8-bit result; the float path agrees to float rounding.
/// </summary>
/// <remarks>
/// Allocation-free after the first call at a given size: the column table, weights and two
/// horizontally resized rows live in thread-static scratch that grows and is reused.
/// This is not torchvision/PIL's resize (which antialiases when shrinking).
/// </remarks>
public static unsafe class Resize
{
    private const int CoefBits = 11, CoefScale = 1 << CoefBits;

    [ThreadStatic] private static int[]? t_xofs;
    [ThreadStatic] private static short[]? t_alphaI;
    [ThreadStatic] private static float[]? t_alphaF;
    [ThreadStatic] private static int[]? t_rowsI;
    [ThreadStatic] private static float[]? t_rowsF;

    /// <summary>Resizes an 8-bit HWC image.</summary>
    /// <param name="src">source pixels, <c>srcHeight·srcWidth·channels</c>.</param>
    /// <param name="srcWidth">source width.</param>
    /// <param name="srcHeight">source height.</param>
    /// <param name="channels">interleaved channels (≥ 1).</param>
    /// <param name="dst">destination pixels, <c>dstHeight·dstWidth·channels</c>; must not overlap <paramref name="src"/>.</param>
    /// <param name="dstWidth">destination width.</param>
    /// <param name="dstHeight">destination height.</param>
    public static void Bilinear(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int channels, Span<byte> dst, int dstWidth, int dstHeight)
        => Bilinear(src, srcWidth, srcHeight, channels, dst, dstWidth * channels, dstWidth, dstHeight);

    /// <summary>Resizes a float HWC image.</summary>
    /// <param name="src">source pixels, <c>srcHeight·srcWidth·channels</c>.</param>
    /// <param name="srcWidth">source width.</param>
    /// <param name="srcHeight">source height.</param>
    /// <param name="channels">interleaved channels (≥ 1).</param>
    /// <param name="dst">destination pixels, <c>dstHeight·dstWidth·channels</c>; must not overlap <paramref name="src"/>.</param>
    /// <param name="dstWidth">destination width.</param>
    /// <param name="dstHeight">destination height.</param>
    public static void Bilinear(ReadOnlySpan<float> src, int srcWidth, int srcHeight, int channels, Span<float> dst, int dstWidth, int dstHeight)
    {
        int rowLen = Check(src.Length, srcWidth, srcHeight, channels, dst.Length, dstWidth * channels, dstWidth, dstHeight);
        if (src.Overlaps(dst)) throw new ArgumentException("Source and destination must not overlap.", nameof(dst));
        int cn = channels;
        var xofs = Grow(ref t_xofs, dstWidth);
        var alpha = Grow(ref t_alphaF, 2 * dstWidth);
        double scaleX = (double)srcWidth / dstWidth, scaleY = (double)srcHeight / dstHeight;
        for (int dx = 0; dx < dstWidth; dx++)
        {
            var (sx, fx) = Column(dx, scaleX, srcWidth);
            xofs[dx] = sx;
            alpha[2 * dx] = 1f - fx;
            alpha[2 * dx + 1] = fx;
        }
        var rows = Grow(ref t_rowsF, 2 * rowLen);
        int cached0 = -1, cached1 = -1;
        for (int dy = 0; dy < dstHeight; dy++)
        {
            var (sy0, sy1, fy) = Row(dy, scaleY, srcHeight);
            var r0 = rows.AsSpan(0, rowLen);
            var r1 = rows.AsSpan(rowLen, rowLen);
            // Consecutive output rows mostly share source rows: keep the last two resized rows.
            if (sy0 == cached1) { r1.CopyTo(r0); cached0 = sy0; }
            if (sy0 != cached0) { HorizontalF(src.Slice(sy0 * srcWidth * cn, srcWidth * cn), cn, srcWidth, xofs, alpha, r0); cached0 = sy0; }
            if (sy1 != cached1) { HorizontalF(src.Slice(sy1 * srcWidth * cn, srcWidth * cn), cn, srcWidth, xofs, alpha, r1); cached1 = sy1; }
            float b0 = 1f - fy, b1 = fy;
            var d = dst.Slice(dy * rowLen, rowLen);
            for (int i = 0; i < rowLen; i++) d[i] = r0[i] * b0 + r1[i] * b1;
        }
    }

    /// <summary>8-bit resize into a destination with its own row stride (elements), e.g. a region of a larger image.</summary>
    internal static void Bilinear(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int channels, Span<byte> dst, int dstStride, int dstWidth, int dstHeight)
    {
        int rowLen = Check(src.Length, srcWidth, srcHeight, channels, dst.Length, dstStride, dstWidth, dstHeight);
        if (src.Overlaps(dst)) throw new ArgumentException("Source and destination must not overlap.", nameof(dst));
        int cn = channels;
        var xofs = Grow(ref t_xofs, dstWidth);
        var alpha = Grow(ref t_alphaI, 2 * dstWidth);
        double scaleX = (double)srcWidth / dstWidth, scaleY = (double)srcHeight / dstHeight;
        for (int dx = 0; dx < dstWidth; dx++)
        {
            var (sx, fx) = Column(dx, scaleX, srcWidth);
            xofs[dx] = sx;
            alpha[2 * dx] = (short)MathF.Round((1f - fx) * CoefScale);
            alpha[2 * dx + 1] = (short)MathF.Round(fx * CoefScale);
        }
        var rows = Grow(ref t_rowsI, 2 * rowLen);
        int cached0 = -1, cached1 = -1;
        for (int dy = 0; dy < dstHeight; dy++)
        {
            var (sy0, sy1, fy) = Row(dy, scaleY, srcHeight);
            var r0 = rows.AsSpan(0, rowLen);
            var r1 = rows.AsSpan(rowLen, rowLen);
            if (sy0 == cached1) { r1.CopyTo(r0); cached0 = sy0; }
            if (sy0 != cached0) { HorizontalI(src.Slice(sy0 * srcWidth * cn, srcWidth * cn), cn, srcWidth, xofs, alpha, r0); cached0 = sy0; }
            if (sy1 != cached1) { HorizontalI(src.Slice(sy1 * srcWidth * cn, srcWidth * cn), cn, srcWidth, xofs, alpha, r1); cached1 = sy1; }
            int b0 = (short)MathF.Round((1f - fy) * CoefScale), b1 = (short)MathF.Round(fy * CoefScale);
            VerticalU8(r0, r1, b0, b1, dst.Slice(dy * dstStride, rowLen));
        }
    }

    /// <summary>
    /// OpenCV's 8-bit vertical step, vector and scalar alike: a high-half multiply of (S >> 4) by each
    /// weight, then a rounding shift by 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalU8(ReadOnlySpan<int> r0, ReadOnlySpan<int> r1, int b0, int b1, Span<byte> d)
    {
        int n = d.Length, i = 0;
        fixed (int* p0 = r0)
        fixed (int* p1 = r1)
        fixed (byte* o = d)
        {
            if (Avx512F.IsSupported)
            {
                var w0 = Vector512.Create(b0);
                var w1 = Vector512.Create(b1);
                var two = Vector512.Create(2);
                var max = Vector512.Create(255);
                for (; i <= n - 16; i += 16)
                {
                    var v = Vector512.ShiftRightArithmetic(Vector512.ShiftRightArithmetic(Vector512.Load(p0 + i), 4) * w0, 16)
                          + Vector512.ShiftRightArithmetic(Vector512.ShiftRightArithmetic(Vector512.Load(p1 + i), 4) * w1, 16);
                    v = Vector512.Min(Vector512.Max(Vector512.ShiftRightArithmetic(v + two, 2), Vector512<int>.Zero), max);
                    Avx512F.ConvertToVector128Byte(v).Store(o + i);
                }
            }
            for (; i < n; i++)
            {
                int v = ((((p0[i] >> 4) * b0) >> 16) + (((p1[i] >> 4) * b1) >> 16) + 2) >> 2;
                o[i] = (byte)Math.Clamp(v, 0, 255);
            }
        }
    }

    /// <summary>Source column and weight for a destination column, clamped at the edges as OpenCV does.</summary>
    private static (int Sx, float Fx) Column(int dx, double scale, int srcWidth)
    {
        float fx = (float)((dx + 0.5) * scale - 0.5);
        int sx = (int)MathF.Floor(fx);
        fx -= sx;
        if (sx < 0) { fx = 0; sx = 0; }
        if (sx >= srcWidth - 1) { fx = 0; sx = srcWidth - 1; }
        return (sx, fx);
    }

    /// <summary>Source rows and weight for a destination row (rows clamped, weight not, as OpenCV does).</summary>
    private static (int Sy0, int Sy1, float Fy) Row(int dy, double scale, int srcHeight)
    {
        float fy = (float)((dy + 0.5) * scale - 0.5);
        int sy = (int)MathF.Floor(fy);
        fy -= sy;
        return (Math.Clamp(sy, 0, srcHeight - 1), Math.Clamp(sy + 1, 0, srcHeight - 1), fy);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalI(ReadOnlySpan<byte> s, int cn, int srcWidth, int[] xofs, short[] alpha, Span<int> d)
    {
        int dw = d.Length / cn;
        fixed (byte* src = s)
        fixed (int* dst = d)
        fixed (int* xo = xofs)
        fixed (short* al = alpha)
        {
            // The last column may have no right neighbour; its weight is then 0 (clamped), so read itself.
            int last = srcWidth - 1;
            switch (cn)
            {
                case 1:
                    for (int dx = 0; dx < dw; dx++)
                    {
                        int sx = xo[dx], sx1 = sx < last ? sx + 1 : sx;
                        dst[dx] = src[sx] * al[2 * dx] + src[sx1] * al[2 * dx + 1];
                    }
                    break;
                case 3:
                    for (int dx = 0; dx < dw; dx++)
                    {
                        int sx = xo[dx];
                        byte* a = src + sx * 3;
                        byte* b = sx < last ? a + 3 : a;
                        int a0 = al[2 * dx], a1 = al[2 * dx + 1];
                        int* o = dst + dx * 3;
                        o[0] = a[0] * a0 + b[0] * a1;
                        o[1] = a[1] * a0 + b[1] * a1;
                        o[2] = a[2] * a0 + b[2] * a1;
                    }
                    break;
                default:
                    for (int dx = 0; dx < dw; dx++)
                    {
                        int sx = xo[dx];
                        byte* a = src + sx * cn;
                        byte* b = sx < last ? a + cn : a;
                        int a0 = al[2 * dx], a1 = al[2 * dx + 1];
                        int* o = dst + dx * cn;
                        for (int k = 0; k < cn; k++) o[k] = a[k] * a0 + b[k] * a1;
                    }
                    break;
            }
        }
    }

    private static void HorizontalF(ReadOnlySpan<float> s, int cn, int srcWidth, int[] xofs, float[] alpha, Span<float> d)
    {
        int dw = d.Length / cn;
        for (int dx = 0; dx < dw; dx++)
        {
            int sx = xofs[dx] * cn;
            float a0 = alpha[2 * dx], a1 = alpha[2 * dx + 1];
            int sx1 = xofs[dx] + 1 < srcWidth ? sx + cn : sx;
            for (int k = 0; k < cn; k++) d[dx * cn + k] = s[sx + k] * a0 + s[sx1 + k] * a1;
        }
    }

    private static int Check(int srcLength, int srcWidth, int srcHeight, int channels, int dstLength, int dstStride, int dstWidth, int dstHeight)
    {
        if (srcWidth <= 0 || srcHeight <= 0) throw new ArgumentOutOfRangeException(nameof(srcWidth), "Source size must be positive.");
        if (dstWidth <= 0 || dstHeight <= 0) throw new ArgumentOutOfRangeException(nameof(dstWidth), "Destination size must be positive.");
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (srcLength < (long)srcWidth * srcHeight * channels) throw new ArgumentException("Source is shorter than its size says.", "src");
        int rowLen = dstWidth * channels;
        if (dstStride < rowLen || dstLength < (long)dstStride * (dstHeight - 1) + rowLen) throw new ArgumentException("Destination is shorter than its size says.", "dst");
        return rowLen;
    }

    private static T[] Grow<T>(ref T[]? a, int n)
    {
        if (a == null || a.Length < n) a = new T[Math.Max(n, 64)];
        return a;
    }
}
