using System.Runtime.CompilerServices;
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
    static abstract float Sum(TV v);
    /// <summary>Elements p[0], p[2], …, p[2·(Count−1)]; reads p[0 .. 2·Count).</summary>
    static abstract TV LoadEven(float* p);
}

/// <summary>Helpers shared by the kernels: activation (vector and scalar) and strided loads.</summary>
internal static unsafe class SimdOps
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Activate<TV, TS>(TV v, Activation activation)
        where TV : struct where TS : struct, ISimd<TV>
    {
        switch (activation.Kind)
        {
            case ActivationKind.None: return v;
            case ActivationKind.Relu: return TS.Max(v, TS.Zero);
            case ActivationKind.Relu6: return TS.Min(TS.Max(v, TS.Zero), TS.Broadcast(6f));
            default: return ActivateSlow<TV, TS>(v, activation);
        }
    }

    /// <summary>Activations without a vector formula yet: lane by lane through the scalar one.</summary>
    private static TV ActivateSlow<TV, TS>(TV v, Activation activation)
        where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        TS.Store(t, v);
        for (int i = 0; i < TS.Count; i++) t[i] = activation.Apply(t[i]);
        return TS.Load(t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Activate(float v, Activation activation) => activation.Apply(v);

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

    /// <summary>How many floats from p a <see cref="LoadStrided{TV,TS}"/> touches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int StridedReach<TV, TS>(int stride)
        where TV : struct where TS : struct, ISimd<TV>
        => stride == 2 ? 2 * TS.Count : stride * (TS.Count - 1) + 1;

    private static TV GatherSlow<TV, TS>(float* p, int stride)
        where TV : struct where TS : struct, ISimd<TV>
    {
        Floats16 tmp = default;
        float* t = (float*)Unsafe.AsPointer(ref tmp[0]);
        for (int i = 0; i < TS.Count; i++) t[i] = p[i * stride];
        return TS.Load(t);
    }
}

/// <summary>16 floats on the stack (one Vector512) for partial loads and stores.</summary>
[InlineArray(16)]
internal struct Floats16
{
    private float _e;
}
