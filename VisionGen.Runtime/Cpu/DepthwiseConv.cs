using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary>
/// Depthwise convolution, one channel at a time: the channel's plane is copied into a zero-bordered buffer
/// (thread-local, reused) so every output row is the same branch-free vector loop — no scalar borders, which
/// dominate on the narrow 7×7 and 14×14 planes. The vector width is picked per output width to waste the fewest
/// lanes (7 → 8 lanes, 14 → 16), and 3×3 kernels keep their nine weights in registers.
/// </summary>
internal static unsafe class DepthwiseConv
{
    [ThreadStatic] private static float[]? t_plane;

    /// <summary>Channels [c0, c1) of a depthwise convolution (Groups == InChannels == OutChannels).</summary>
    public static void Run(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act, float* y, int c0, int c1)
    {
        int ow = s.OutWidth;
        if (Vector512.IsHardwareAccelerated && Fits(ow, 16)) Run<Vector512<float>, Simd512>(s, x, wt, bias, res, act, y, c0, c1);
        else if (Vector256.IsHardwareAccelerated && (Fits(ow, 8) || !Vector512.IsHardwareAccelerated)) Run<Vector256<float>, Simd256>(s, x, wt, bias, res, act, y, c0, c1);
        else Run<Vector128<float>, Simd128>(s, x, wt, bias, res, act, y, c0, c1);
    }

    /// <summary>True when rows of <paramref name="ow"/> outputs in vectors of <paramref name="v"/> lanes waste at most 1/7 of them.</summary>
    private static bool Fits(int ow, int v) => (ow + v - 1) / v * v * 7 <= ow * 8;

    private static void Run<TV, TS>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act, float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        if (s.StrideWidth == 1) Run<TV, TS, Stride1>(s, x, wt, bias, res, act, y, c0, c1);
        else if (s.StrideWidth == 2) Run<TV, TS, Stride2>(s, x, wt, bias, res, act, y, c0, c1);
        else Run<TV, TS, StrideAny>(s, x, wt, bias, res, act, y, c0, c1);
    }

    private static void Run<TV, TS, TStride>(in Conv2dShape s, float* x, float* wt, float* bias, float* res, Activation act,
        float* y, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV> where TStride : struct, IStride
    {
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth, khN = s.KernelHeight, kwN = s.KernelWidth;
        int sh = s.StrideHeight, sw = s.StrideWidth, ph = s.PadHeight, pw = s.PadWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        int v = TS.Count, nvec = (ow + v - 1) / v;
        // Padded plane: rows cover every tap of every output row; the pitch covers the last vector's strided reach.
        int pitch = Math.Max(w + 2 * pw, (nvec - 1) * v * sw + (kwN - 1) * dw + SimdOps.StridedReach<TV, TS>(sw));
        int rows = Math.Max(h + 2 * ph, (oh - 1) * sh + (khN - 1) * dh + 1);
        int planeLength = pitch * rows;
        float[] planeArray = t_plane is { } p && p.Length >= planeLength ? p : (t_plane = new float[planeLength]);
        bool is3x3 = khN == 3 && kwN == 3;
        fixed (float* plane = planeArray)
        {
            new Span<float>(plane, planeLength).Clear(); // borders stay zero; interiors are overwritten per channel
            long inPlane = (long)h * w, outPlane = (long)oh * ow;
            for (int c = c0; c < c1; c++)
            {
                float* xc = x + c * inPlane;
                for (int r = 0; r < h; r++)
                    new ReadOnlySpan<float>(xc + (long)r * w, w).CopyTo(new Span<float>(plane + (long)(r + ph) * pitch + pw, w));
                float* wc = wt + (long)c * khN * kwN;
                float* yc = y + c * outPlane;
                float* rc = res == null ? null : res + c * outPlane;
                TV bv = TS.Broadcast(bias == null ? 0f : bias[c]);
                if (is3x3)
                    Plane3x3<TV, TS, TStride>(plane, pitch, wc, bv, rc, act, yc, oh, ow, sh, sw, dh, dw);
                else
                    PlaneAny<TV, TS, TStride>(plane, pitch, wc, khN, kwN, bv, rc, act, yc, oh, ow, sh, sw, dh, dw);
            }
        }
    }

    private static void Plane3x3<TV, TS, TStride>(float* plane, int pitch, float* wc, TV bv, float* rc, Activation act, float* yc,
        int oh, int ow, int sh, int sw, int dh, int dw)
        where TV : struct where TS : struct, ISimd<TV> where TStride : struct, IStride
    {
        TV w00 = TS.Broadcast(wc[0]), w01 = TS.Broadcast(wc[1]), w02 = TS.Broadcast(wc[2]);
        TV w10 = TS.Broadcast(wc[3]), w11 = TS.Broadcast(wc[4]), w12 = TS.Broadcast(wc[5]);
        TV w20 = TS.Broadcast(wc[6]), w21 = TS.Broadcast(wc[7]), w22 = TS.Broadcast(wc[8]);
        int v = TS.Count;
        long rowStep = (long)dh * pitch;
        for (int oy = 0; oy < oh; oy++)
        {
            float* r0 = plane + (long)oy * sh * pitch;
            float* r1 = r0 + rowStep, r2 = r1 + rowStep;
            float* yrow = yc + (long)oy * ow;
            float* rrow = rc == null ? null : rc + (long)oy * ow;
            for (int j = 0; j < ow; j += v)
            {
                long o = (long)j * sw;
                TV a = TS.Mul(w00, SimdOps.LoadStrided<TV, TS, TStride>(r0 + o, sw));
                a = TS.Fma(w01, SimdOps.LoadStrided<TV, TS, TStride>(r0 + o + dw, sw), a);
                a = TS.Fma(w02, SimdOps.LoadStrided<TV, TS, TStride>(r0 + o + 2 * dw, sw), a);
                a = TS.Fma(w10, SimdOps.LoadStrided<TV, TS, TStride>(r1 + o, sw), a);
                a = TS.Fma(w11, SimdOps.LoadStrided<TV, TS, TStride>(r1 + o + dw, sw), a);
                a = TS.Fma(w12, SimdOps.LoadStrided<TV, TS, TStride>(r1 + o + 2 * dw, sw), a);
                a = TS.Fma(w20, SimdOps.LoadStrided<TV, TS, TStride>(r2 + o, sw), a);
                a = TS.Fma(w21, SimdOps.LoadStrided<TV, TS, TStride>(r2 + o + dw, sw), a);
                a = TS.Fma(w22, SimdOps.LoadStrided<TV, TS, TStride>(r2 + o + 2 * dw, sw), a);
                Store<TV, TS>(yrow + j, rrow == null ? null : rrow + j, TS.Add(a, bv), Lanes(v, ow, j, oy, oh), act);
            }
        }
    }

    private static void PlaneAny<TV, TS, TStride>(float* plane, int pitch, float* wc, int khN, int kwN, TV bv, float* rc, Activation act,
        float* yc, int oh, int ow, int sh, int sw, int dh, int dw)
        where TV : struct where TS : struct, ISimd<TV> where TStride : struct, IStride
    {
        int v = TS.Count;
        for (int oy = 0; oy < oh; oy++)
        {
            float* top = plane + (long)oy * sh * pitch;
            float* yrow = yc + (long)oy * ow;
            float* rrow = rc == null ? null : rc + (long)oy * ow;
            for (int j = 0; j < ow; j += v)
            {
                TV a = bv;
                for (int kh = 0; kh < khN; kh++)
                {
                    float* row = top + (long)kh * dh * pitch + (long)j * sw;
                    float* wk = wc + kh * kwN;
                    for (int kw = 0; kw < kwN; kw++)
                        a = TS.Fma(TS.Broadcast(wk[kw]), SimdOps.LoadStrided<TV, TS, TStride>(row + kw * dw, sw), a);
                }
                Store<TV, TS>(yrow + j, rrow == null ? null : rrow + j, a, Lanes(v, ow, j, oy, oh), act);
            }
        }
    }

    /// <summary>
    /// Lanes to store of the vector at column <paramref name="j"/> of row <paramref name="oy"/>: the whole vector whenever it
    /// ends inside the plane, even past the row's end — the extra lanes land on later rows of this plane, which are
    /// computed and stored afterwards — so only the plane's tail takes the lane-by-lane path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lanes(int v, int ow, int j, int oy, int oh)
        => (long)oy * ow + j + v <= (long)oh * ow ? v : Math.Min(v, ow - j);

    /// <summary>Adds the residual, activates and stores the first <paramref name="cols"/> lanes (only those are touched).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV, TS>(float* y, float* r, TV a, int cols, Activation act)
        where TV : struct where TS : struct, ISimd<TV>
    {
        if (cols == TS.Count)
        {
            if (r != null) a = TS.Add(a, TS.Load(r));
            TS.Store(y, SimdOps.Activate<TV, TS>(a, act));
            return;
        }
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        TS.Store(t, a);
        for (int i = 0; i < cols; i++)
        {
            float value = t[i];
            if (r != null) value += r[i];
            y[i] = SimdOps.Activate(value, act);
        }
    }
}
