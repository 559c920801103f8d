using System.Runtime.CompilerServices;
using VisionGen.Ops;

namespace VisionGen.Cpu;

/// <summary>
/// An activation as a type. A kernel generic over <c>TA</c> inlines <see cref="Apply{TV,TS}"/> into its loop: no switch
/// on <see cref="ActivationKind"/> per vector and no call there. A call inside a loop (the exponential activations were
/// an out-of-line call behind the switch) makes the JIT keep every vector live across it in memory — the loop's constants
/// reloaded and its sums stored each iteration — with or without the JIT's run-time profile. The kind is switched on once
/// per kernel call, by <see cref="ActivationDispatch.Run{TB}"/>.
/// </summary>
internal interface IActivationOp
{
    /// <summary>The activation of every lane (<paramref name="alpha"/>: LeakyReLU's slope), as <see cref="SimdOps.Activate{TV,TS}"/>.</summary>
    static abstract TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV>;

    /// <summary>
    /// True when <see cref="Apply{TV,TS}"/> is a few vector instructions that never call out: the GEMM then stores its
    /// whole tiles in line, where a call would make the JIT keep the tile's sums in memory (<c>Gemm.Epilogue</c>).
    /// </summary>
    static virtual bool CallFree => false;
}

/// <summary>A piece of kernel code run for one activation type (see <see cref="ActivationDispatch"/>).</summary>
internal interface IActivationBody
{
    /// <summary>Runs the kernel specialized for <typeparamref name="TA"/>.</summary>
    void Invoke<TA>() where TA : struct, IActivationOp;
}

/// <summary>Turns an <see cref="Activation"/> value into its <see cref="IActivationOp"/> type, once per kernel call.</summary>
internal static class ActivationDispatch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TB>(ActivationKind kind, ref TB body) where TB : struct, IActivationBody
    {
        switch (kind)
        {
            case ActivationKind.None: body.Invoke<NoneOp>(); break;
            case ActivationKind.Relu: body.Invoke<ReluOp>(); break;
            case ActivationKind.Relu6: body.Invoke<Relu6Op>(); break;
            case ActivationKind.LeakyRelu: body.Invoke<LeakyReluOp>(); break;
            case ActivationKind.Sigmoid: body.Invoke<SigmoidOp>(); break;
            case ActivationKind.Tanh: body.Invoke<TanhOp>(); break;
            case ActivationKind.Silu: body.Invoke<SiluOp>(); break;
            case ActivationKind.Hardsigmoid: body.Invoke<HardsigmoidOp>(); break;
            case ActivationKind.Hardswish: body.Invoke<HardswishOp>(); break;
            case ActivationKind.Gelu: body.Invoke<GeluOp>(); break;
            case ActivationKind.GeluTanh: body.Invoke<GeluTanhOp>(); break;
            case ActivationKind.Mish: body.Invoke<MishOp>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }
}

internal struct NoneOp : IActivationOp
{
    public static bool CallFree => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => v;
}

internal struct ReluOp : IActivationOp
{
    public static bool CallFree => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => TS.ClampBelow(v, TS.Zero);
}

internal struct Relu6Op : IActivationOp
{
    public static bool CallFree => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV>
        => TS.ClampAbove(TS.ClampBelow(v, TS.Zero), TS.Broadcast(6f));
}

internal struct LeakyReluOp : IActivationOp
{
    public static bool CallFree => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV>
        => TS.Select(TS.LessThan(v, TS.Zero), TS.Mul(v, TS.Broadcast(alpha)), v);
}

internal struct SigmoidOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.Sigmoid<TV, TS>(v);
}

internal struct TanhOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.Tanh<TV, TS>(v);
}

internal struct SiluOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV>
        => TS.Mul(v, SimdOps.Sigmoid<TV, TS>(v));
}

internal struct HardsigmoidOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.Hardsigmoid<TV, TS>(v);
}

internal struct HardswishOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV>
        => TS.Mul(v, SimdOps.Hardsigmoid<TV, TS>(v));
}

internal struct GeluOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.Gelu<TV, TS>(v);
}

internal struct GeluTanhOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.GeluTanh<TV, TS>(v);
}

internal struct MishOp : IActivationOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Apply<TV, TS>(TV v, float alpha) where TV : struct where TS : struct, ISimd<TV> => SimdOps.Mish<TV, TS>(v);
}
