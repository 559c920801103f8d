using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using VisionGen.Ops;

namespace VisionGen.Cpu;

/// <summary>
/// Width-generic SIMD operations over a raw vector type <typeparamref name="TV"/>. Implemented by
/// empty structs (<see cref="Simd512"/>, <see cref="Simd256"/>, <see cref="Simd128"/>) so a kernel
/// written once as <c>Kernel&lt;TV, TS&gt;</c> is specialized and fully inlined by the JIT per width.
/// </summary>
internal unsafe interface ISimd<TV> where TV : struct
{
    static abstract int Count { get; }
    static abstract TV Zero { get; }
    static abstract TV Broadcast(float x);
    static abstract TV Load(float* p);
    static abstract void Store(float* p, TV v);
    /// <summary>a·b + c (fused where the hardware has FMA).</summary>
    static abstract TV Fma(TV a, TV b, TV c);
    static abstract TV Add(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    /// <summary>IEEE max that propagates NaN (like torch).</summary>
    static abstract TV Max(TV a, TV b);
    static abstract TV Min(TV a, TV b);
    /// <summary>
    /// <c>x &lt; lo ? lo : x</c> per lane, the scalar formula of ReLU's clamp (<see cref="Activation.Apply(float)"/>): NaN
    /// stays NaN and −0 stays −0, as in ATen's clamp. One max instruction on x86 (it returns its second operand unless the
    /// first is greater), where <see cref="Max"/>'s IEEE semantics take a range and two fix-ups on AVX-512 (more elsewhere).
    /// </summary>
    static abstract TV ClampBelow(TV x, TV lo);
    /// <summary><c>x &gt; hi ? hi : x</c> per lane, as <see cref="ClampBelow"/> from above.</summary>
    static abstract TV ClampAbove(TV x, TV hi);
    static abstract float Sum(TV v);
    /// <summary>Elements p[0], p[2], …, p[2·(Count−1)]; reads p[0 .. 2·Count − 1), nothing past the last element it returns.</summary>
    static abstract TV LoadEven(float* p);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Div(TV a, TV b);
    static abstract TV Abs(TV v);
    /// <summary>Bitwise and of the float bit patterns.</summary>
    static abstract TV And(TV a, TV b);
    /// <summary>Bitwise exclusive or of the float bit patterns.</summary>
    static abstract TV Xor(TV a, TV b);
    /// <summary>Lane mask (all bits set where true): a &lt; b; false where either is NaN.</summary>
    static abstract TV LessThan(TV a, TV b);
    /// <summary>Lane mask (all bits set where true): a &gt; b; false where either is NaN.</summary>
    static abstract TV GreaterThan(TV a, TV b);
    /// <summary>Per lane: mask set ? a : b (mask from <see cref="LessThan"/>/<see cref="GreaterThan"/>).</summary>
    static abstract TV Select(TV mask, TV a, TV b);
    /// <summary>Each lane's bit pattern as an int32, shifted left by <paramref name="count"/>.</summary>
    static abstract TV ShiftLeftInt32(TV v, int count);
    /// <summary>Lane-wise int32 sum of the bit patterns.</summary>
    static abstract TV AddInt32(TV a, TV b);
    /// <summary>
    /// In place: the Count×Count matrix held in the Count consecutive vectors that start at <paramref name="rows"/>
    /// (vector i = row i) becomes its transpose (vector j = column j).
    /// </summary>
    static abstract void Transpose(ref TV rows);
}

/// <summary>Helpers shared by the kernels: activation (vector and scalar) and strided loads.</summary>
internal static unsafe class SimdOps
{
    /// <summary>
    /// The vector form of <see cref="Activation.Apply(float)"/>, lane by lane the same formula (within ~1e-7 relative:
    /// the exponential is <see cref="Exp{TV,TS}"/> instead of <see cref="MathF.Exp"/>). NaN stays NaN. The formulas live
    /// in the <see cref="IActivationOp"/> types (one per kind); this switch inlines the cheap ones and sends the rest
    /// through <see cref="ActivationDispatch"/>, out of line so the loops that inline this stay small.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Activate<TV, TS>(TV v, Activation activation)
        where TV : struct where TS : struct, ISimd<TV>
    {
        switch (activation.Kind)
        {
            case ActivationKind.None: return v;
            case ActivationKind.Relu: return ReluOp.Apply<TV, TS>(v, 0f);
            case ActivationKind.Relu6: return Relu6Op.Apply<TV, TS>(v, 0f);
            case ActivationKind.LeakyRelu: return LeakyReluOp.Apply<TV, TS>(v, activation.Alpha);
            default: return ActivateOutOfLine<TV, TS>(v, activation);
        }
    }

    /// <summary>
    /// True on x64 without AVX-512: 16 vector registers (AVX-512 has 32, ARM64 NEON 32), too few for the register blocks
    /// of the pixel-rows tile and the direct kernel, which run in two passes there.
    /// </summary>
    internal static bool FewRegisters => Sse.IsSupported && !Avx512F.IsSupported;

    /// <summary>
    /// The first 64-byte boundary at or after <paramref name="room"/>: for vectors a kernel keeps in a stack buffer
    /// (stackalloc 63 bytes more than they need). Stack locals are only 16-byte aligned, so a 512-bit one is as likely as not
    /// split across two cache lines, and each load or store of it is then two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void* CacheLineAligned(byte* room) => (void*)(((nint)room + 63) & ~(nint)63);

    /// <summary>
    /// <typeparamref name="TA"/> applied in place to n floats at p, by the widest vectors in hardware (the last partial).
    /// One call site of the activation in a short loop: kernels whose activation calls out (an exponential) run with none
    /// and activate their output here — inlined at every store of a register tile it took the JIT past its inlining
    /// budget or spilled the tile's registers.
    /// </summary>
    internal static void ActivateRange<TA>(float* p, long n, float alpha) where TA : struct, IActivationOp
    {
        if (Vector512.IsHardwareAccelerated) ActivateRange<Vector512<float>, Simd512, TA>(p, n, alpha);
        else if (Vector256.IsHardwareAccelerated) ActivateRange<Vector256<float>, Simd256, TA>(p, n, alpha);
        else ActivateRange<Vector128<float>, Simd128, TA>(p, n, alpha);
    }

    /// <summary><see cref="ActivateRange{TA}"/> at one vector width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ActivateRange<TV, TS, TA>(float* p, long n, float alpha)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count;
        long i = 0;
        for (; i + v <= n; i += v) TS.Store(p + i, TA.Apply<TV, TS>(TS.Load(p + i), alpha));
        if (i < n) StorePartial<TV, TS>(p + i, TA.Apply<TV, TS>(LoadPartial<TV, TS>(p + i, (int)(n - i)), alpha), (int)(n - i));
    }

    /// <summary>Every other kind: its <see cref="IActivationOp"/> type, chosen by <see cref="ActivationDispatch.Run{TB}"/>.</summary>
    internal static TV ActivateOutOfLine<TV, TS>(TV v, Activation activation)
        where TV : struct where TS : struct, ISimd<TV>
    {
        var body = new ApplyBody<TV, TS> { Value = v, Alpha = activation.Alpha };
        ActivationDispatch.Run(activation.Kind, ref body);
        return body.Value;
    }

    /// <summary>Applies the chosen activation type to one vector.</summary>
    private struct ApplyBody<TV, TS> : IActivationBody where TV : struct where TS : struct, ISimd<TV>
    {
        public TV Value;
        public float Alpha;

        public void Invoke<TA>() where TA : struct, IActivationOp => Value = TA.Apply<TV, TS>(Value, Alpha);
    }

    /// <summary>0.5·x·(1 + erf(x/√2)), grouped as the scalar formula is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Gelu<TV, TS>(TV v)
        where TV : struct where TS : struct, ISimd<TV>
        => TS.Mul(TS.Mul(TS.Broadcast(0.5f), v), TS.Add(TS.Broadcast(1f), Erf<TV, TS>(TS.Mul(v, TS.Broadcast(0.70710678f)))));

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), grouped as the scalar formula is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV GeluTanh<TV, TS>(TV v)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV cube = TS.Mul(TS.Mul(TS.Mul(TS.Broadcast(0.044715f), v), v), v);
        TV inner = TS.Mul(TS.Broadcast(0.7978845608f), TS.Add(v, cube));
        return TS.Mul(TS.Mul(TS.Broadcast(0.5f), v), TS.Add(TS.Broadcast(1f), Tanh<TV, TS>(inner)));
    }

    /// <summary>x·tanh(softplus(x)) as ActivationMath.TanhSoftplus: with e = e^−|x|, one rational form per sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Mish<TV, TS>(TV v)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV e = Exp<TV, TS>(TS.Sub(TS.Zero, TS.Abs(v)));
        TV one = TS.Broadcast(1f), twoE = TS.Add(e, e), e2 = TS.Mul(e, e);
        TV positive = TS.Div(TS.Add(one, twoE), TS.Add(TS.Add(one, twoE), TS.Add(e2, e2)));
        TV negative = TS.Div(TS.Add(e2, twoE), TS.Add(TS.Add(e2, twoE), TS.Broadcast(2f)));
        return TS.Mul(v, TS.Select(TS.LessThan(v, TS.Zero), negative, positive));
    }

    /// <summary>1 / (1 + e^−x) as <see cref="ActivationMath.Sigmoid"/>: e^−|x| never overflows, the halves mirror.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Sigmoid<TV, TS>(TV x)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV e = Exp<TV, TS>(TS.Sub(TS.Zero, TS.Abs(x)));
        TV r = TS.Div(TS.Broadcast(1f), TS.Add(TS.Broadcast(1f), e));
        return TS.Select(TS.LessThan(x, TS.Zero), TS.Mul(e, r), r); // NaN: the compare is false and r is NaN
    }

    /// <summary>tanh as <see cref="ActivationMath.Tanh"/>: the odd series below |x| = 1/16, sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|) above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Tanh<TV, TS>(TV x)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV ax = TS.Abs(x);
        TV x2 = TS.Mul(x, x);
        TV series = TS.Mul(x, TS.Add(TS.Broadcast(1f), TS.Mul(x2, TS.Add(TS.Broadcast(-1f / 3f),
            TS.Mul(x2, TS.Add(TS.Broadcast(2f / 15f), TS.Mul(x2, TS.Broadcast(-17f / 315f))))))));
        TV e = Exp<TV, TS>(TS.Mul(ax, TS.Broadcast(-2f)));
        TV t = TS.Div(TS.Sub(TS.Broadcast(1f), e), TS.Add(TS.Broadcast(1f), e));
        t = TS.Xor(t, TS.And(x, TS.Broadcast(-0f))); // t ≥ 0: give it x's sign
        return TS.Select(TS.LessThan(ax, TS.Broadcast(0.0625f)), series, t);
    }

    /// <summary>min(max(x/6 + 1/2, 0), 1) as <see cref="ActivationMath.Hardsigmoid"/>; NaN propagates through max/min.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Hardsigmoid<TV, TS>(TV x)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV t = TS.Add(TS.Mul(x, TS.Broadcast(1f / 6f)), TS.Broadcast(0.5f));
        return TS.Min(TS.Max(t, TS.Zero), TS.Broadcast(1f));
    }

    /// <summary>erf by Abramowitz and Stegun 7.1.26, as <see cref="ActivationMath.Erf"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Erf<TV, TS>(TV x)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV ax = TS.Abs(x);
        TV t = TS.Div(TS.Broadcast(1f), TS.Add(TS.Broadcast(1f), TS.Mul(TS.Broadcast(0.3275911f), ax)));
        TV poly = TS.Add(TS.Broadcast(-1.453152027f), TS.Mul(t, TS.Broadcast(1.061405429f)));
        poly = TS.Add(TS.Broadcast(1.421413741f), TS.Mul(t, poly));
        poly = TS.Add(TS.Broadcast(-0.284496736f), TS.Mul(t, poly));
        poly = TS.Add(TS.Broadcast(0.254829592f), TS.Mul(t, poly));
        poly = TS.Mul(t, poly);
        TV y = TS.Sub(TS.Broadcast(1f), TS.Mul(poly, Exp<TV, TS>(TS.Sub(TS.Zero, TS.Mul(ax, ax)))));
        return TS.Xor(y, TS.And(x, TS.Broadcast(-0f))); // odd; NaN is already NaN
    }

    // e^x = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 in [−ln2/2, ln2/2] (ln 2 split in two so n·ln2_hi is exact).
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693359375f;           // 355/512: 9 significant bits
    private const float Ln2Lo = -2.12194440e-4f;        // ln 2 − Ln2Hi
    private const float RoundMagic = 12582912f;         // 1.5·2^23: adding it rounds to an integer held in the low mantissa bits
    private const float ExpHigh = 88.3762626647949f;    // largest x with n ≤ 127 (2^n still a normal float)
    private const float ExpLow = -87.3365447505531f;    // ln(2^−126): below it the result is flushed to 0

    /// <summary>
    /// e^x for every lane, relative error ~1e-7: Cody–Waite range reduction to |r| ≤ ln2/2, the Taylor polynomial of
    /// degree 7 (truncation ≤ 5e-9) and 2^n built in the exponent bits. Below ln(2^−126) ≈ −87.34 it returns 0 (where
    /// <see cref="MathF.Exp"/> returns a subnormal), above 88.376 +∞ (e^x would still be finite up to 88.72; the
    /// activations only take e^x for x ≤ 0). NaN stays NaN. Written with <see cref="ISimd{TV}"/> operations only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV, TS>(TV x)
        where TV : struct where TS : struct, ISimd<TV>
    {
        TV xc = TS.ClampAbove(TS.ClampBelow(x, TS.Broadcast(ExpLow)), TS.Broadcast(ExpHigh)); // NaN stays NaN; one instruction each on x86
        TV t = TS.Fma(xc, TS.Broadcast(Log2E), TS.Broadcast(RoundMagic));
        TV n = TS.Sub(t, TS.Broadcast(RoundMagic));
        TV r = TS.Fma(n, TS.Broadcast(-Ln2Hi), xc);
        r = TS.Fma(n, TS.Broadcast(-Ln2Lo), r);
        TV p = TS.Fma(TS.Broadcast(1f / 40320f), r, TS.Broadcast(1f / 5040f));
        p = TS.Fma(p, r, TS.Broadcast(1f / 720f));
        p = TS.Fma(p, r, TS.Broadcast(1f / 120f));
        p = TS.Fma(p, r, TS.Broadcast(1f / 24f));
        p = TS.Fma(p, r, TS.Broadcast(1f / 6f));
        p = TS.Fma(p, r, TS.Broadcast(0.5f));
        p = TS.Fma(p, r, TS.Broadcast(1f));
        p = TS.Fma(p, r, TS.Broadcast(1f));
        // t's low mantissa bits hold n (two's complement, |n| < 2^22): shifted into the exponent field and biased by 1f's bits it is 2^n.
        TV scale = TS.AddInt32(TS.ShiftLeftInt32(t, 23), TS.Broadcast(1f));
        TV y = TS.Mul(p, scale);
        y = TS.Select(TS.GreaterThan(x, TS.Broadcast(ExpHigh)), TS.Broadcast(float.PositiveInfinity), y);
        return TS.Select(TS.LessThan(x, TS.Broadcast(ExpLow)), TS.Zero, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Activate(float v, Activation activation) => activation.Apply(v);

    /// <summary>PyTorch's max step: the new value wins when it is larger or NaN (so a NaN, once in, stays).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxNaN(float best, float value) => value > best || float.IsNaN(value) ? value : best;

    /// <summary>p[0 .. count) in the first lanes, zero in the others (count ≤ Count); reads only those floats, calls nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadPartial<TV, TS>(float* p, int count)
        where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        for (int i = 0; i < count; i++) t[i] = p[i];
        return TS.Load(t);
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="v"/> (count ≤ Count); writes only those floats, calls nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePartial<TV, TS>(float* p, TV v, int count)
        where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp;
        Unsafe.SkipInit(out tmp);
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        TS.Store(t, v);
        for (int i = 0; i < count; i++) p[i] = t[i];
    }

    /// <summary>The largest lane of <paramref name="v"/>, NaN if any lane is NaN.</summary>
    public static float HorizontalMax<TV, TS>(TV v) where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        TS.Store(t, v);
        float m = t[0];
        for (int i = 1; i < TS.Count; i++) m = MaxNaN(m, t[i]);
        return m;
    }

    /// <summary>
    /// Elements p[0], p[s], …, p[s·(Count−1)]. Stride 1 and 2 are single loads (plus a shuffle);
    /// other strides gather element by element. Reads up to <see cref="StridedReach{TV,TS}"/> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadStrided<TV, TS>(float* p, int stride)
        where TV : struct where TS : struct, ISimd<TV>
    {
        if (stride == 1) return TS.Load(p);
        if (stride == 2) return TS.LoadEven(p);
        return GatherSlow<TV, TS>(p, stride);
    }

    /// <summary>How many floats from p a <see cref="LoadStrided{TV,TS}"/> touches: up to its last element, for every stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StridedReach<TV, TS>(int stride)
        where TV : struct where TS : struct, ISimd<TV>
        => stride * (TS.Count - 1) + 1;

    /// <summary>
    /// <see cref="ISimd{TV}.Transpose"/> element by element through the stack, for processors without the shuffles
    /// the width's own transpose uses (the vector types are then emulated anyway).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void TransposeSlow<TV, TS>(ref TV rows)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int n = TS.Count;
        float* t = stackalloc float[n * n];
        for (int i = 0; i < n; i++) TS.Store(t + i * n, Unsafe.Add(ref rows, i));
        float* column = stackalloc float[n];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < n; i++) column[i] = t[i * n + j];
            Unsafe.Add(ref rows, j) = TS.Load(column);
        }
    }

    /// <summary>
    /// <see cref="LoadStrided{TV,TS}"/> for strides 3 and more: element by element through a stack buffer, never inlined
    /// (the pooling loops reach it through <see cref="GatherLoad"/>; for strides 1 and 2 they hold no call at all).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TV GatherSlow<TV, TS>(float* p, int stride)
        where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        for (int i = 0; i < TS.Count; i++) t[i] = p[i * stride];
        return TS.Load(t);
    }
}

/// <summary>
/// Up to 16 vectors on the stack: a Winograd 4×4 tile of pixels or a block of rows to transpose, the direct kernel's
/// accumulators on their way to the stores.
/// </summary>
[InlineArray(16)]
internal struct Block16<TV> where TV : struct
{
    private TV _element;
}

/// <summary>16 floats on the stack (one Vector512) for partial loads and stores.</summary>
[InlineArray(16)]
internal struct Floats16
{
    private float _e;
}

/// <summary>
/// A strided vector load picked once per call as a type (<see cref="DenseLoad"/>, <see cref="EvenLoad"/>, <see cref="GatherLoad"/>):
/// the loop that uses it then holds neither the stride's branches nor, for strides 1 and 2, a call — a call in a loop
/// makes the JIT keep that loop's vectors on the stack, since every vector register is caller-saved.
/// </summary>
internal unsafe interface IStridedLoad
{
    /// <summary>p[0], p[s], …, p[s·(Count−1)], as <see cref="SimdOps.LoadStrided{TV,TS}"/>.</summary>
    static abstract TV Load<TV, TS>(float* p, int stride) where TV : struct where TS : struct, ISimd<TV>;
}

/// <summary>Stride 1: one load.</summary>
internal unsafe struct DenseLoad : IStridedLoad
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV, TS>(float* p, int stride) where TV : struct where TS : struct, ISimd<TV> => TS.Load(p);
}

/// <summary>Stride 2: two loads and shuffles (<see cref="ISimd{TV}.LoadEven"/>).</summary>
internal unsafe struct EvenLoad : IStridedLoad
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV, TS>(float* p, int stride) where TV : struct where TS : struct, ISimd<TV> => TS.LoadEven(p);
}

/// <summary>Any other stride: element by element, out of line.</summary>
internal unsafe struct GatherLoad : IStridedLoad
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV, TS>(float* p, int stride) where TV : struct where TS : struct, ISimd<TV> => SimdOps.GatherSlow<TV, TS>(p, stride);
}
