using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VisionGen.Imaging;

/// <summary>An interleaved channel count known when the JIT compiles a specialization.</summary>
internal interface IChannels
{
    static abstract int C { get; }
}

internal struct C1 : IChannels { public static int C => 1; }
internal struct C3 : IChannels { public static int C => 3; }
internal struct C4 : IChannels { public static int C => 4; }

/// <summary>
/// The fused float row kernel: vertical and horizontal pass in one sweep, the vertically filtered
/// row never written to memory.
/// </summary>
/// <remarks>
/// <para>Why: on AVX-512 machines that run 512-bit memory operations as two 256-bit halves (AMD
/// Zen 4), the two-pass row costs about <c>kh + kw</c> loads and two stores per 16 outputs, and
/// the horizontal loads are unaligned (most split a cache line): the loads and stores, not the
/// arithmetic, set the speed. Here each 16-wide block of the vertically filtered row is computed
/// once into a register and kept for three blocks (previous, current, next); the horizontal taps
/// are then lane shifts of that window (<c>valignd</c>), so a block costs <c>kh</c> aligned-stride
/// loads, <c>kw − 1</c> shifts and one store.</para>
/// <para>The shifts need the tap offsets as immediates, so the kernel is specialized on both radii
/// and the channel count (all JIT-time constants), and it needs every offset to lie within two
/// vectors: <c>rx·channels ≤ 32</c> (beyond 16, the window holds two blocks on each side). The operations are the same, in the same order, as the
/// radius-specialized two-pass kernels, so the results are bit-identical to them.</para>
/// <para>The kernel covers a row's interior only (blocks whose neighbours lie inside the row);
/// the caller does the first and last few blocks through the row buffer, where the border is.</para>
/// </remarks>
internal static unsafe partial class RowKernels
{
    /// <summary>Whether <see cref="FusedF32{TSink}"/> handles these radii and channels on this machine.</summary>
    public static bool FusedSupported(int rx, int ry, int channels)
        => Avx512F.IsSupported
        && rx is >= 1 and <= 6 && ry is >= 1 and <= 6
        && channels is 1 or 3 or 4 && rx * channels <= 32;

    /// <summary>
    /// How far (elements) the horizontal taps of <see cref="FusedF32{TSink}"/> reach past a block:
    /// one neighbouring block each side, or two when <c>rx·channels &gt; 16</c>.
    /// </summary>
    public static int FusedReach(int rx, int channels) => rx * channels > 16 ? 32 : 16;

    /// <summary>
    /// Outputs the blocks <c>i = i0, i0 + 16, …</c> below <paramref name="i1"/> of one row:
    /// dst[i..i+16) = horizontal(vertical(rows)) with the vertical row read from
    /// <c>i0 − reach</c> to <c>i1 + reach</c> (all inside the row; see <see cref="FusedReach"/>). <paramref name="rows"/> holds the
    /// <c>2·ry + 1</c> source rows. <paramref name="ahead"/> is the source row the next output row
    /// will add (or any readable row): it is prefetched into L2 along the way.
    /// </summary>
    /// <remarks>
    /// Why the prefetch: of the rows a pass reads, only the newest comes from memory; the others
    /// are still in L2 from the previous rows. Fetching that row one output row early overlaps its
    /// memory latency with this row's arithmetic instead of stalling on it (measured 1080p f32 one
    /// thread: 1.2-1.35x faster with it, and L2 hints slightly ahead of L1 ones).
    /// </remarks>
    public static void FusedF32<TSink>(float** rows, float* ky, int ry, float* kx, int rx, int channels, void* dst, int i0, int i1, float* ahead)
        where TSink : struct, IRowSink
    {
        switch (ry)
        {
            case 1: FusedX<TSink, R1>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
            case 2: FusedX<TSink, R2>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
            case 3: FusedX<TSink, R3>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
            case 4: FusedX<TSink, R4>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
            case 5: FusedX<TSink, R5>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
            default: FusedX<TSink, R6>(rows, ky, kx, rx, channels, dst, i0, i1, ahead); break;
        }
    }

    private static void FusedX<TSink, TRY>(float** rows, float* ky, float* kx, int rx, int channels, void* dst, int i0, int i1, float* ahead)
        where TSink : struct, IRowSink where TRY : struct, IRadius
    {
        switch (rx)
        {
            case 1: FusedC<TSink, TRY, R1>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
            case 2: FusedC<TSink, TRY, R2>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
            case 3: FusedC<TSink, TRY, R3>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
            case 4: FusedC<TSink, TRY, R4>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
            case 5: FusedC<TSink, TRY, R5>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
            default: FusedC<TSink, TRY, R6>(rows, ky, kx, channels, dst, i0, i1, ahead); break;
        }
    }

    private static void FusedC<TSink, TRY, TRX>(float** rows, float* ky, float* kx, int channels, void* dst, int i0, int i1, float* ahead)
        where TSink : struct, IRowSink where TRY : struct, IRadius where TRX : struct, IRadius
    {
        switch (channels)
        {
            case 1: Fused<TSink, TRY, TRX, C1>(rows, ky, kx, dst, i0, i1, ahead); break;
            case 3: if (TRX.R * 3 <= 32) Fused<TSink, TRY, TRX, C3>(rows, ky, kx, dst, i0, i1, ahead); break;
            default: if (TRX.R * 4 <= 32) Fused<TSink, TRY, TRX, C4>(rows, ky, kx, dst, i0, i1, ahead); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fused<TSink, TRY, TRX, TC>(float** rows, float* ky, float* kx, void* dst, int i0, int i1, float* ahead)
        where TSink : struct, IRowSink where TRY : struct, IRadius where TRX : struct, IRadius where TC : struct, IChannels
    {
        int ry = TRY.R, rx = TRX.R;
        float* m = rows[ry];
        float* p1 = rows[ry - 1], q1 = rows[ry + 1];
        float* p2 = ry >= 2 ? rows[ry - 2] : null, q2 = ry >= 2 ? rows[ry + 2] : null;
        float* p3 = ry >= 3 ? rows[ry - 3] : null, q3 = ry >= 3 ? rows[ry + 3] : null;
        float* p4 = ry >= 4 ? rows[ry - 4] : null, q4 = ry >= 4 ? rows[ry + 4] : null;
        float* p5 = ry >= 5 ? rows[ry - 5] : null, q5 = ry >= 5 ? rows[ry + 5] : null;
        float* p6 = ry >= 6 ? rows[ry - 6] : null, q6 = ry >= 6 ? rows[ry + 6] : null;
        var v0 = Vector512.Create(ky[ry]);
        var v1 = Vector512.Create(ky[ry - 1]);
        var v2 = Vector512.Create(ry >= 2 ? ky[ry - 2] : 0f);
        var v3 = Vector512.Create(ry >= 3 ? ky[ry - 3] : 0f);
        var v4 = Vector512.Create(ry >= 4 ? ky[ry - 4] : 0f);
        var v5 = Vector512.Create(ry >= 5 ? ky[ry - 5] : 0f);
        var v6 = Vector512.Create(ry >= 6 ? ky[ry - 6] : 0f);
        var h0 = Vector512.Create(kx[rx]);
        var h1 = Vector512.Create(kx[rx - 1]);
        var h2 = Vector512.Create(rx >= 2 ? kx[rx - 2] : 0f);
        var h3 = Vector512.Create(rx >= 3 ? kx[rx - 3] : 0f);
        var h4 = Vector512.Create(rx >= 4 ? kx[rx - 4] : 0f);
        var h5 = Vector512.Create(rx >= 5 ? kx[rx - 5] : 0f);
        var h6 = Vector512.Create(rx >= 6 ? kx[rx - 6] : 0f);

        // The window of vertically filtered blocks around the output block [i, i + 16): back = the
        // block before, fwd = the block after, and when the taps reach further (wide, a JIT-time
        // constant) back2 and the newest block two blocks away. Each step computes the newest block
        // (reach elements ahead); the first steps, from i0 − 2·reach, only fill the window.
        bool wide = rx * TC.C > 16;
        int reach = wide ? 32 : 16;
        Vector512<float> back2 = default, back = default, cur = default, fwd = default;
        for (nint i = i0 - 2 * reach; i < i1; i += 16)
        {
            nint j = i + reach;
            Sse.Prefetch1(ahead + j);
            var newest = Vector512.Load(m + j) * v0;
            newest = Vector512.FusedMultiplyAdd(Vector512.Load(p1 + j) + Vector512.Load(q1 + j), v1, newest);
            if (ry >= 2) newest = Vector512.FusedMultiplyAdd(Vector512.Load(p2 + j) + Vector512.Load(q2 + j), v2, newest);
            if (ry >= 3) newest = Vector512.FusedMultiplyAdd(Vector512.Load(p3 + j) + Vector512.Load(q3 + j), v3, newest);
            if (ry >= 4) newest = Vector512.FusedMultiplyAdd(Vector512.Load(p4 + j) + Vector512.Load(q4 + j), v4, newest);
            if (ry >= 5) newest = Vector512.FusedMultiplyAdd(Vector512.Load(p5 + j) + Vector512.Load(q5 + j), v5, newest);
            if (ry >= 6) newest = Vector512.FusedMultiplyAdd(Vector512.Load(p6 + j) + Vector512.Load(q6 + j), v6, newest);
            if (!wide) fwd = newest;
            if (i >= i0)
            {
                var a = cur * h0;
                a = Vector512.FusedMultiplyAdd(Pair<TC>(1, back2, back, cur, fwd, newest), h1, a);
                if (rx >= 2) a = Vector512.FusedMultiplyAdd(Pair<TC>(2, back2, back, cur, fwd, newest), h2, a);
                if (rx >= 3) a = Vector512.FusedMultiplyAdd(Pair<TC>(3, back2, back, cur, fwd, newest), h3, a);
                if (rx >= 4) a = Vector512.FusedMultiplyAdd(Pair<TC>(4, back2, back, cur, fwd, newest), h4, a);
                if (rx >= 5) a = Vector512.FusedMultiplyAdd(Pair<TC>(5, back2, back, cur, fwd, newest), h5, a);
                if (rx >= 6) a = Vector512.FusedMultiplyAdd(Pair<TC>(6, back2, back, cur, fwd, newest), h6, a);
                TSink.Store(a, dst, (int)i);
            }
            back2 = back;
            back = cur;
            cur = fwd;
            fwd = newest;
        }
    }

    /// <summary>
    /// The sum of the two taps <paramref name="tap"/> pixels left and right of each lane of
    /// <paramref name="cur"/>: the window (blocks back2, back, cur, fwd, fwd2) shifted by
    /// <c>s = tap·channels</c> lanes each way, a constant once inlined, at most 32. Shifts up to 16
    /// read back/cur/fwd only; the outer blocks are used (and must be valid) only beyond 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pair<TC>(int tap, Vector512<float> back2, Vector512<float> back, Vector512<float> cur,
        Vector512<float> fwd, Vector512<float> fwd2)
        where TC : struct, IChannels
    {
        int s = tap * TC.C;
        if (s == 16) return back + fwd;
        if (s == 32) return back2 + fwd2;
        // The analyzer cannot see that s is a constant here: every caller passes a literal tap and
        // TC.C is one per specialization, so after inlining the shift is an immediate.
#pragma warning disable CA1857
        if (s > 16)
            return Avx512F.AlignRight32(back.AsInt32(), back2.AsInt32(), (byte)(32 - s)).AsSingle()
                 + Avx512F.AlignRight32(fwd2.AsInt32(), fwd.AsInt32(), (byte)(s - 16)).AsSingle();
        var left = Avx512F.AlignRight32(cur.AsInt32(), back.AsInt32(), (byte)(16 - s)).AsSingle();
        var right = Avx512F.AlignRight32(fwd.AsInt32(), cur.AsInt32(), (byte)s).AsSingle();
#pragma warning restore CA1857
        return left + right;
    }
}
