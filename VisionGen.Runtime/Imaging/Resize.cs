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
    [ThreadStatic] private static int[]? t_offs, t_coefs, t_blockBase;
    [ThreadStatic] private static byte[]? t_blockIdx;
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
            int i = 0;
            if (Vector128.IsHardwareAccelerated)
            {
                // Two products and a sum, as the scalar loop (no fused multiply-add): the same bits at every width.
                var w0 = Vector128.Create(b0);
                var w1 = Vector128.Create(b1);
                for (; i <= rowLen - 4; i += 4)
                    (Vector128.Create(r0.Slice(i, 4)) * w0 + Vector128.Create(r1.Slice(i, 4)) * w1).CopyTo(d.Slice(i, 4));
            }
            for (; i < rowLen; i++) d[i] = r0[i] * b0 + r1[i] * b1;
        }
    }

    /// <summary>8-bit resize into a destination with its own row stride (elements), e.g. a region of a larger image.</summary>
    /// <remarks>
    /// Same steps as OpenCV (horizontal pass into 32-bit rows, 11-bit weights; vertical pass with
    /// its 16-bit high-half multiplies), vectorized: the horizontal pass fetches each output
    /// element's two source bytes by byte permutes of a 128-byte window (or gathers, see
    /// <see cref="HorizontalU8"/>) and weights them with one multiply-add of 16-bit pairs; the
    /// vertical pass works in 16-bit lanes, 64 outputs a step.
    /// Every product and sum is an exact integer, so the order of work does not matter and the
    /// result stays bit-identical to OpenCV's.
    /// </remarks>
    internal static void Bilinear(ReadOnlySpan<byte> src, int srcWidth, int srcHeight, int channels, Span<byte> dst, int dstStride, int dstWidth, int dstHeight)
    {
        int rowLen = Check(src.Length, srcWidth, srcHeight, channels, dst.Length, dstStride, dstWidth, dstHeight);
        if (src.Overlaps(dst)) throw new ArgumentException("Source and destination must not overlap.", nameof(dst));
        int cn = channels, srcRowLen = srcWidth * cn;
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
        // Per output element: the byte offset of its left tap in the source row, and its two
        // weights packed as the 16-bit pair a multiply-add of pairs reads.
        var offs = Grow(ref t_offs, rowLen);
        var coefs = Grow(ref t_coefs, rowLen);
        for (int dx = 0, e = 0; dx < dstWidth; dx++)
            for (int k = 0; k < cn; k++, e++)
            {
                offs[e] = xofs[dx] * cn + k;
                coefs[e] = (ushort)alpha[2 * dx] | (alpha[2 * dx + 1] << 16);
            }
        // The gather reads 4 bytes from each offset: elements from the first whose read would leave
        // the source row on (the last pixel or so) are done in scalar code. (Offsets do not quite
        // increase along the row: the next pixel's first channel may read before this one's last.)
        int gathered = 0;
        while (gathered < rowLen && offs[gathered] + 4 <= srcRowLen) gathered++;
        var blockBase = Grow(ref t_blockBase, rowLen / 16 * 2);
        var blockIdx = Grow(ref t_blockIdx, rowLen / 16 * 64);
        var rows = Grow(ref t_rowsI, 2 * rowLen);
        fixed (int* bb = blockBase)
        fixed (byte* bi = blockIdx)
        fixed (byte* s = src)
        fixed (byte* d = dst)
        fixed (int* rowBuf = rows)
        fixed (int* xo = xofs)
        fixed (short* al = alpha)
        fixed (int* of = offs)
        fixed (int* co = coefs)
        {
            if (Avx512Vbmi.IsSupported) PlanBlocks(of, cn, srcRowLen, gathered, rowLen, bb, bi);
            int* r0 = rowBuf, r1 = rowBuf + rowLen;
            int cached0 = -1, cached1 = -1;
            for (int dy = 0; dy < dstHeight; dy++)
            {
                var (sy0, sy1, fy) = Row(dy, scaleY, srcHeight);
                // Consecutive output rows mostly share source rows: keep the last two resized rows,
                // and when the lower one becomes the upper one, swap the buffers rather than copy.
                if (sy0 == cached1 && sy0 != cached0)
                {
                    int* t = r0; r0 = r1; r1 = t;
                    (cached0, cached1) = (cached1, cached0);
                }
                if (sy0 != cached0) { HorizontalU8(s + (long)sy0 * srcRowLen, cn, srcWidth, xo, al, of, co, gathered, bb, bi, r0, rowLen); cached0 = sy0; }
                if (sy1 != cached1) { HorizontalU8(s + (long)sy1 * srcRowLen, cn, srcWidth, xo, al, of, co, gathered, bb, bi, r1, rowLen); cached1 = sy1; }
                short b0 = (short)MathF.Round((1f - fy) * CoefScale), b1 = (short)MathF.Round(fy * CoefScale);
                VerticalU8(r0, r1, b0, b1, d + (long)dy * dstStride, rowLen);
            }
        }
    }

    /// <summary>
    /// OpenCV's 8-bit vertical step: <c>((((S0 &gt;&gt; 4)·b0) &gt;&gt; 16) + (((S1 &gt;&gt; 4)·b1) &gt;&gt; 16) + 2) &gt;&gt; 2</c>,
    /// saturated to a byte. <c>S &gt;&gt; 4</c> is below 2¹⁵ (S ≤ 255·2048) and each weight at most 2048,
    /// so the 16-bit lanes and high-half multiplies OpenCV's vector code uses hold every value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void VerticalU8(int* p0, int* p1, short b0, short b1, byte* o, int n)
    {
        int i = 0;
        if (Avx512BW.IsSupported)
        {
            var w0 = Vector512.Create(b0);
            var w1 = Vector512.Create(b1);
            var two = Vector512.Create((short)2);
            // The two in-lane packs leave the 64 bytes grouped by 128-bit lane; this dword order undoes it.
            var order = Vector512.Create(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
            for (; i <= n - 64; i += 64)
            {
                var lo = Avx512BW.MultiplyHigh(Narrow(p0 + i), w0) + Avx512BW.MultiplyHigh(Narrow(p1 + i), w1);
                var hi = Avx512BW.MultiplyHigh(Narrow(p0 + i + 32), w0) + Avx512BW.MultiplyHigh(Narrow(p1 + i + 32), w1);
                lo = Vector512.ShiftRightArithmetic(lo + two, 2);
                hi = Vector512.ShiftRightArithmetic(hi + two, 2);
                var bytes = Avx512BW.PackUnsignedSaturate(lo, hi);
                Avx512F.PermuteVar16x32(bytes.AsInt32(), order).Store((int*)(o + i));
            }
        }
        if (Avx512F.IsSupported) i = VerticalU8Int32Lanes(p0, p1, b0, b1, o, i, n);
        if (Vector128.IsHardwareAccelerated) i = VerticalU8Vector128(p0, p1, b0, b1, o, i, n);
        for (; i < n; i++)
        {
            int v = ((((p0[i] >> 4) * b0) >> 16) + (((p1[i] >> 4) * b1) >> 16) + 2) >> 2;
            o[i] = (byte)Math.Clamp(v, 0, 255);
        }
    }

    /// <summary>The vertical step in 32-bit lanes, 16 outputs a step from <paramref name="i"/>; returns where it stopped.</summary>
    /// <remarks>A method of its own: .NET 8's JIT, compiling it in one body with the 16-bit loop above, gave wrong bytes.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int VerticalU8Int32Lanes(int* p0, int* p1, short b0, short b1, byte* o, int i, int n)
    {
        var w0 = Vector512.Create((int)b0);
        var w1 = Vector512.Create((int)b1);
        var two = Vector512.Create(2);
        var max = Vector512.Create(255);
        for (; i <= n - 16; i += 16)
        {
            var v = Vector512.ShiftRightArithmetic(Vector512.ShiftRightArithmetic(Vector512.Load(p0 + i), 4) * w0, 16)
                  + Vector512.ShiftRightArithmetic(Vector512.ShiftRightArithmetic(Vector512.Load(p1 + i), 4) * w1, 16);
            v = Vector512.Min(Vector512.Max(Vector512.ShiftRightArithmetic(v + two, 2), Vector512<int>.Zero), max);
            Avx512F.ConvertToVector128Byte(v).Store(o + i);
        }
        return i;
    }

    /// <summary>
    /// The vertical step in 32-bit lanes of 128-bit vectors (ARM64 NEON, x64 without AVX-512), 4 outputs a step from
    /// <paramref name="i"/>; the same integer operations as the scalar loop, so the bytes are OpenCV's. Returns where it stopped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int VerticalU8Vector128(int* p0, int* p1, short b0, short b1, byte* o, int i, int n)
    {
        var w0 = Vector128.Create((int)b0);
        var w1 = Vector128.Create((int)b1);
        var two = Vector128.Create(2);
        var max = Vector128.Create(255);
        for (; i <= n - 4; i += 4)
        {
            var v = Vector128.ShiftRightArithmetic(Vector128.ShiftRightArithmetic(Vector128.Load(p0 + i), 4) * w0, 16)
                  + Vector128.ShiftRightArithmetic(Vector128.ShiftRightArithmetic(Vector128.Load(p1 + i), 4) * w1, 16);
            v = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(v + two, 2), Vector128<int>.Zero), max);
            var w = Vector128.Narrow(v, v);
            *(uint*)(o + i) = Vector128.Narrow(w, w).AsUInt32().ToScalar();
        }
        return i;
    }

    /// <summary>32 values <c>p[i] &gt;&gt; 4</c> as 16-bit lanes (in-lane pack order; exact, below 2¹⁵).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Narrow(int* p)
        => Avx512BW.PackSignedSaturate(Vector512.ShiftRightArithmetic(Vector512.Load(p), 4), Vector512.ShiftRightArithmetic(Vector512.Load(p + 16), 4));

    /// <summary>
    /// One source row resized horizontally: <c>d[e] = S[o]·a0 + S[o + cn]·a1</c> per output element
    /// (<c>o</c> = <paramref name="offs"/>[e], the weights packed in <paramref name="coefs"/>[e]).
    /// </summary>
    /// <remarks>
    /// <para>With AVX-512 VBMI, blocks of 16 elements whose taps lie within 128 bytes (every block
    /// when growing, and when shrinking by up to about 3.7×) load those 128 bytes and pick the taps
    /// with one two-register byte permute (<c>vpermt2b</c>, indices precomputed per block in
    /// <paramref name="blockIdx"/>): the low byte of each 16-bit lane gets a tap, and the high
    /// bytes are masked off, leaving the (left, right) pairs for one multiply-add of pairs
    /// (<c>vpmaddwd</c>). Gathers cost several times more on current cores (Zen 4: one 8-wide gather
    /// took about as long as 16 elements by permute took in total).</para>
    /// <para>Other blocks, and all of them on AVX2-only machines, take 32-bit gathers: the 4 bytes at
    /// <c>o</c> hold both taps when <c>cn ≤ 3</c>, and a byte shuffle spreads them into the pair.
    /// What remains (the last pixel or so, where a wide read would leave the row; 4 or more
    /// channels without VBMI) is scalar.</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HorizontalU8(byte* src, int cn, int srcWidth, int* xo, short* al, int* offs, int* coefs, int gathered,
        int* blockBase, byte* blockIdx, int* dst, int n)
    {
        int e = 0;
        if (Avx512Vbmi.IsSupported)
        {
            var lowBytes = Vector512.Create((short)0xFF);
            var upperHalf = Vector512.Create(Vector256<byte>.Zero, Vector256<byte>.AllBitsSet);
            for (; e <= n - 16; e += 16)
            {
                int block = e >> 4, at = blockBase[2 * block], at2 = blockBase[2 * block + 1];
                if (at >= 0)
                {
                    var idx = Vector512.Load(blockIdx + 64 * block);
                    var taps = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(src + at), idx, Vector512.Load(src + at + 64));
                    if (at2 != at)
                    {
                        // The second half of the block has its own window.
                        var taps2 = Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(src + at2), idx, Vector512.Load(src + at2 + 64));
                        taps = Vector512.ConditionalSelect(upperHalf, taps2, taps);
                    }
                    Avx512BW.MultiplyAddAdjacent(taps.AsInt16() & lowBytes, Vector512.Load(coefs + e).AsInt16()).Store(dst + e);
                }
                else if (at == GatherBlock) Gather16(src, cn, offs + e, coefs + e, dst + e);
                else HorizontalScalar(src, cn, srcWidth, xo, al, dst, e, e + 16);
            }
        }
        else if (Avx2.IsSupported && cn <= 3)
            for (; e <= gathered - 16; e += 16) Gather16(src, cn, offs + e, coefs + e, dst + e);
        HorizontalScalar(src, cn, srcWidth, xo, al, dst, e, n);
    }

    /// <summary>Block marks in the block table of <see cref="HorizontalU8"/> (non-negative: the window's start).</summary>
    private const int GatherBlock = -1, ScalarBlock = -2;

    /// <summary>16 elements by two 8-wide 32-bit gathers (needs <c>cn ≤ 3</c> and all 4-byte reads inside the row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather16(byte* src, int cn, int* offs, int* coefs, int* dst)
    {
        // Per 32-bit lane: byte 0 → low half of the first 16-bit pair, byte cn → the second; zeros above.
        var spread = (Vector256.Create(0x8000_8000u | (uint)cn << 16)
                   + Vector256.Create(0x0000_0000u, 0x0004_0004u, 0x0008_0008u, 0x000C_000Cu,
                                      0x0000_0000u, 0x0004_0004u, 0x0008_0008u, 0x000C_000Cu)).AsByte();
        var g0 = Avx2.GatherVector256((int*)src, Vector256.Load(offs), 1);
        var g1 = Avx2.GatherVector256((int*)src, Vector256.Load(offs + 8), 1);
        Avx2.MultiplyAddAdjacent(Avx2.Shuffle(g0.AsByte(), spread).AsInt16(), Vector256.Load(coefs).AsInt16()).Store(dst);
        Avx2.MultiplyAddAdjacent(Avx2.Shuffle(g1.AsByte(), spread).AsInt16(), Vector256.Load(coefs + 8).AsInt16()).Store(dst + 8);
    }

    /// <summary>Elements [e0, e1) one at a time. The last column has no right neighbour; its weight is then 0, so it reads itself.</summary>
    private static void HorizontalScalar(byte* src, int cn, int srcWidth, int* xo, short* al, int* dst, int e0, int e1)
    {
        int last = srcWidth - 1;
        for (int e = e0; e < e1; e++)
        {
            int dx = e / cn, k = e - dx * cn, sx = xo[dx];
            byte* a = src + sx * cn + k;
            byte* b = sx < last ? a + cn : a;
            dst[e] = a[0] * al[2 * dx] + b[0] * al[2 * dx + 1];
        }
    }

    /// <summary>
    /// The per-block plan of <see cref="HorizontalU8"/> for VBMI machines. Each block of 16 output
    /// elements gets a 128-byte window of the source row holding all its taps, or, when they spread
    /// wider (shrinking by more than about 3.7×), one window per half of 8 elements (up to about
    /// 17×); <paramref name="blockBase"/> holds the two window starts (equal for one window) and
    /// <paramref name="blockIdx"/> the permute indices, each relative to its half's window. Where
    /// no windows fit, the block is marked for gathers or scalar code.
    /// </summary>
    private static void PlanBlocks(int* offs, int cn, int srcRowLen, int gathered, int rowLen, int* blockBase, byte* blockIdx)
    {
        for (int block = 0; block < rowLen / 16; block++)
        {
            int e0 = block * 16;
            var (at, end) = Span(offs + e0, 16, cn);
            var (at1, end1) = Span(offs + e0, 8, cn);
            var (at2, end2) = Span(offs + e0 + 8, 8, cn);
            int windowA, windowB;
            if (at + 128 <= srcRowLen && end - at <= 128) windowA = windowB = at;
            else if (Math.Max(at1, at2) + 128 <= srcRowLen && end1 - at1 <= 128 && end2 - at2 <= 128) (windowA, windowB) = (at1, at2);
            else
            {
                blockBase[2 * block] = blockBase[2 * block + 1] = cn <= 3 && Avx2.IsSupported && e0 + 16 <= gathered ? GatherBlock : ScalarBlock;
                continue;
            }
            blockBase[2 * block] = windowA;
            blockBase[2 * block + 1] = windowB;
            byte* idx = blockIdx + 64 * block;
            for (int j = 0; j < 16; j++)
            {
                int w = j < 8 ? windowA : windowB;
                // 16-bit lane 2j takes the left tap, lane 2j + 1 the right one; the high bytes are masked off.
                idx[4 * j] = (byte)(offs[e0 + j] - w);
                idx[4 * j + 1] = 0;
                idx[4 * j + 2] = (byte)(offs[e0 + j] + cn - w);
                idx[4 * j + 3] = 0;
            }
        }
    }

    /// <summary>The bytes [first, end) that <paramref name="count"/> elements' taps read (offsets are not sorted across channels).</summary>
    private static (int First, int End) Span(int* offs, int count, int cn)
    {
        int first = int.MaxValue, end = 0;
        for (int j = 0; j < count; j++)
        {
            first = Math.Min(first, offs[j]);
            end = Math.Max(end, offs[j] + cn + 1);
        }
        return (first, end);
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
