using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VisionGen.Cpu;

/// <summary>
/// What the rows of a convolution's GEMM are (<see cref="Conv2dShape.GemmRows"/>). For generated code: the VisionGen
/// source generator chooses it; hidden from IntelliSense, not meant to be set directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum GemmRows
{
    /// <summary>Output channels as rows, output pixels across SIMD lanes (Winograd, implicit and pointwise GEMM).</summary>
    OutputChannels = 0,

    /// <summary>
    /// Output pixels as rows, output channels across SIMD lanes: for small outputs (the generator picks it when every use
    /// of a weight has at most <see cref="Ops.ConvScratch.PixelRowsMaxPixels"/> output pixels).
    /// </summary>
    OutputPixels = 1,
}

/// <summary>
/// A convolution with the output pixels as the GEMM's rows: Cᵀ[pixel, cout] = X̃[pixel, (kh, kw, cin)] · W̃[(kh, kw, cin), cout],
/// output channels across the SIMD lanes. For small outputs: with the usual orientation a 7×7 output is 49 columns, one
/// and a half of the micro-kernel's 32-column panels, and Winograd there streams a weight four times its size to fill
/// four tiles; here the 49 pixels are eight full 6-row panels and one row, the output channels whole vectors, and the
/// weight (its own size) is read once per call.
/// </summary>
/// <remarks>
/// Phases, in the convolution's scratch: (0) the input copied channels-last with its zero border; (1) each output
/// pixel's receptive field copied as one row, tap by tap (each tap a run of contiguous channels); (2) the GEMM, blocked
/// along k so a block of rows stays in cache while the weight streams through once, split across threads by panels of
/// output channels; (3) each thread writes its output channels back as CHW with bias, residual and activation.
/// </remarks>
internal static unsafe class PixelRowsConv
{
    private const int KC = 1024; // a k-block of 6 rows and of a 32-column weight panel: 24 + 128 KB, in L2
    private const int Rows = Ops.ConvScratch.PixelRowsPanel; // == Gemm.PanelRows (the micro-kernel's rows; a test checks)

    /// <summary>Floats per vector of the width <see cref="Forward"/> runs at: the GEMM micro-kernel's, whose B panels the weight is packed as.</summary>
    private static int Lanes => Gemm.VectorWidth;

    /// <summary>True when <paramref name="s"/> runs here: asked for by the shape, one group, not depthwise.</summary>
    public static bool Applies(in Conv2dShape s) => s.UsesPixelRows;

    private static int K(in Conv2dShape s) => s.InChannels * s.KernelHeight * s.KernelWidth;

    /// <summary>Floats of the packed weight: output channels in panels of two vectors (zero-padded), each k-major.</summary>
    public static int PackedWeightLength(in Conv2dShape s)
    {
        int p = 2 * Lanes;
        return (s.OutChannels + p - 1) / p * p * K(s);
    }

    /// <summary>
    /// W̃[(kh, kw, cin), cout] as B panels: element (k, cout) at [cout / P][k][cout % P] with P = 2·L (L floats per vector),
    /// k = (kh·KW + kw)·InC + cin; columns past OutChannels zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // load time: called once per layer
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        int p = 2 * Lanes, k = K(s), cin = s.InChannels, taps = s.KernelHeight * s.KernelWidth;
        packed.Slice(0, PackedWeightLength(s)).Clear();
        for (int co = 0; co < s.OutChannels; co++)
        {
            Span<float> panel = packed.Slice(co / p * p * k);
            int column = co % p;
            ReadOnlySpan<float> filter = torchWeight.Slice(co * cin * taps, cin * taps); // [cin][kh][kw]
            for (int ci = 0; ci < cin; ci++)
                for (int t = 0; t < taps; t++)
                    panel[(t * cin + ci) * p + column] = filter[ci * taps + t];
        }
    }

    private struct Job
    {
        public int Cout, N, K, Panels;
        public float* Rows, W, Ct, Bias, Res, Y;
        public Activation Act;
    }

    /// <summary>y = act(conv(x) + bias + res); <paramref name="scratch"/> holds <see cref="Ops.ConvScratch.PixelRowsLength"/> floats.</summary>
    public static void Forward(in Conv2dShape s, float* x, float* w, float* bias, float* res, Activation act, float* y, float* scratch)
    {
        int cin = s.InChannels, hp = s.InHeight + 2 * s.PadHeight, wp = s.InWidth + 2 * s.PadWidth;
        int n = s.OutHeight * s.OutWidth, k = K(s);
        float* padded = scratch;
        float* rows = padded + (long)hp * wp * cin;
        var job = new Job
        {
            Cout = s.OutChannels, N = n, K = k, Panels = (s.OutChannels + 2 * Lanes - 1) / (2 * Lanes),
            Rows = rows, W = w, Ct = rows + (long)(n + Rows - 1) / Rows * Rows * k, Bias = bias, Res = res, Y = y, Act = act,
        };
        if (cin % Lanes == 0 && Vector128.IsHardwareAccelerated) ChannelsLastVectors(s, x, padded, hp, wp);
        else ChannelsLast(s, x, padded, hp, wp);
        ReceptiveRows(s, padded, wp, rows);
        var body = new PartBody { Job = &job, Parts = Math.Min(CpuThreads.Count, job.Panels) };
        ActivationDispatch.Run(act.Kind, ref body);
    }

    /// <summary>Phases 2 and 3 started with the activation as a type, so the epilogue inlines its formula.</summary>
    private struct PartBody : IActivationBody
    {
        public Job* Job;
        public int Parts;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp => WorkerPool.Run(&Part<TA>, Job, Parts);
    }

    /// <summary>Phase 0 by Winograd's vector transposes (InC in whole vectors).</summary>
    private static void ChannelsLastVectors(in Conv2dShape s, float* x, float* padded, int hp, int wp)
    {
        if (Vector512.IsHardwareAccelerated) Winograd.ChannelsLast<Vector512<float>, Simd512>(x, s.InChannels, s.InHeight, s.InWidth, s.PadHeight, s.PadWidth, hp, wp, padded);
        else if (Vector256.IsHardwareAccelerated) Winograd.ChannelsLast<Vector256<float>, Simd256>(x, s.InChannels, s.InHeight, s.InWidth, s.PadHeight, s.PadWidth, hp, wp, padded);
        else Winograd.ChannelsLast<Vector128<float>, Simd128>(x, s.InChannels, s.InHeight, s.InWidth, s.PadHeight, s.PadWidth, hp, wp, padded);
    }

    /// <summary>Phase 0, any channel count: padded[(iy + PH)·wp + ix + PW][c] = x[c][iy][ix], zero on the border.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChannelsLast(in Conv2dShape s, float* x, float* padded, int hp, int wp)
    {
        int cin = s.InChannels, h = s.InHeight, w = s.InWidth;
        new Span<float>(padded, hp * wp * cin).Clear();
        for (int c = 0; c < cin; c++)
            for (int iy = 0; iy < h; iy++)
            {
                float* src = x + ((long)c * h + iy) * w;
                float* dst = padded + ((long)(iy + s.PadHeight) * wp + s.PadWidth) * cin + c;
                for (int ix = 0; ix < w; ix++) dst[(long)ix * cin] = src[ix];
            }
    }

    /// <summary>
    /// Phase 1: the rows X̃[pixel, (kh, kw, cin)] — each output pixel's window, tap by tap — packed as the micro-kernel's A
    /// panels: <see cref="Rows"/> pixels per panel, k-major (element (pixel, k) at [pixel / 6][k][pixel % 6]); the
    /// last panel's missing pixels repeat its last one (computed, never stored).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReceptiveRows(in Conv2dShape s, float* padded, int wp, float* rows)
    {
        int cin = s.InChannels, ow = s.OutWidth, n = s.OutHeight * ow, k = K(s);
        float** src = stackalloc float*[Rows];
        for (int first = 0; first < n; first += Rows)
        {
            float* panel = rows + (long)first * k;
            for (int kh = 0; kh < s.KernelHeight; kh++)
                for (int kw = 0; kw < s.KernelWidth; kw++)
                {
                    for (int r = 0; r < Rows; r++)
                    {
                        int pixel = Math.Min(first + r, n - 1), oy = pixel / ow, ox = pixel - oy * ow;
                        int iy = oy * s.StrideHeight + kh * s.DilationHeight, ix = ox * s.StrideWidth + kw * s.DilationWidth;
                        src[r] = padded + ((long)iy * wp + ix) * cin;
                    }
                    float* dst = panel + (long)(kh * s.KernelWidth + kw) * cin * Rows;
                    for (int c = 0; c < cin; c++, dst += Rows)
                    {
                        dst[0] = src[0][c]; dst[1] = src[1][c]; dst[2] = src[2][c];
                        dst[3] = src[3][c]; dst[4] = src[4][c]; dst[5] = src[5][c];
                    }
                }
        }
    }

    private static void Part<TA>(void* context, int part, int parts) where TA : struct, IActivationOp
    {
        if (Vector512.IsHardwareAccelerated) Part<Vector512<float>, Simd512, TA>(ref *(Job*)context, part, parts);
        else if (Vector256.IsHardwareAccelerated) Part<Vector256<float>, Simd256, TA>(ref *(Job*)context, part, parts);
        else Part<Vector128<float>, Simd128, TA>(ref *(Job*)context, part, parts);
    }

    /// <summary>Phases 2 and 3 for the output-channel panels of one part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part<TV, TS, TA>(ref Job j, int part, int parts)
        where TV : unmanaged where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int p = 2 * TS.Count, n = j.N, k = j.K, cout = j.Cout;
        var (p0, p1) = WorkerPool.Range(j.Panels, part, parts);
        if (p1 <= p0) return;
        for (int kb = 0; kb < k; kb += KC)
        {
            int kc = Math.Min(KC, k - kb);
            for (int panel = p0; panel < p1; panel++)
            {
                int co = panel * p, cols = Math.Min(p, cout - co);
                float* b = j.W + (long)panel * p * k + (long)kb * p;
                // "final" on the last k-block adds nothing here (no bias, residual or activation: phase 3 applies them), but
                // lets a single-block product's whole tiles take the GEMM's in-line store.
                for (int r = 0; r < n; r += Rows)
                    Gemm.KernelPacked<TV, TS, NoneOp>(kc, j.Rows + (long)r * k + (long)kb * Rows, b, j.Ct + (long)r * cout + co, cout,
                        Math.Min(Rows, n - r), cols, accumulate: kb != 0, final: kb + kc == k, null, null, 0f);
            }
        }
        // Phase 3: this part's output channels back to CHW — blocks of L pixels × L channels by vector transposes where
        // both are whole (the pixels past the last whole block one by one) — then bias, residual and activation in place.
        int v = TS.Count, c0 = p0 * p, c1 = Math.Min(cout, p1 * p), wholePixels = n / v * v;
        for (int co = c0; co < c1; co += v)
        {
            int count = Math.Min(v, c1 - co), first = count == v ? wholePixels : 0; // a partial block would read past the product
            for (int i = 0; i < first; i += v)
                Winograd.TransposeBlock<TV, TS>(j.Ct + (long)i * cout + co, cout, j.Y + (long)co * n + i, n, v);
            for (int c = co; c < co + count; c++)
                for (int i = first; i < n; i++) j.Y[(long)c * n + i] = j.Ct[(long)i * cout + c];
        }
        float alpha = j.Act.Alpha;
        for (int co = c0; co < c1; co++)
        {
            float bv = j.Bias == null ? 0f : j.Bias[co];
            TV bias = TS.Broadcast(bv);
            float* yc = j.Y + (long)co * n;
            float* rc = j.Res == null ? null : j.Res + (long)co * n;
            int i = 0;
            for (; i + v <= n; i += v)
            {
                TV sum = TS.Add(TS.Load(yc + i), bias);
                if (rc != null) sum = TS.Add(sum, TS.Load(rc + i));
                TS.Store(yc + i, TA.Apply<TV, TS>(sum, alpha));
            }
            for (; i < n; i++) yc[i] = j.Act.Apply(yc[i] + bv + (rc == null ? 0f : rc[i]));
        }
    }
}
