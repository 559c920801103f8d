using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// Element-wise kernels with a fused activation. Each may run in place: the output may be exactly the
/// same memory as an input (same start); partial overlap is rejected.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Elementwise
{
    /// <summary>Per-channel affine (un-folded batch norm): y = act(x·scale[c] + shift[c] + residual), CHW.</summary>
    /// <param name="channels">Channels.</param>
    /// <param name="spatial">Values per channel (H·W).</param>
    /// <param name="input">At least channels·spatial floats.</param>
    /// <param name="scale">At least channels floats.</param>
    /// <param name="shift">At least channels floats.</param>
    /// <param name="residual">channels·spatial floats added before the activation, or empty for none.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least channels·spatial floats; may be the input or the residual itself.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span is too short, or spans partially overlap.</exception>
    public static void ScaleShift(int channels, int spatial, ReadOnlySpan<float> input, ReadOnlySpan<float> scale,
        ReadOnlySpan<float> shift, ReadOnlySpan<float> residual, Activation activation, Span<float> output)
    {
        if (channels <= 0 || spatial <= 0) throw new ArgumentException("Channels and spatial size must be positive.");
        long len = (long)channels * spatial;
        if (input.Length < len) throw new ArgumentException($"Input needs {len} floats, got {input.Length}.", nameof(input));
        if (scale.Length < channels) throw new ArgumentException($"Scale needs {channels} floats, got {scale.Length}.", nameof(scale));
        if (shift.Length < channels) throw new ArgumentException($"Shift needs {channels} floats, got {shift.Length}.", nameof(shift));
        if (!residual.IsEmpty && residual.Length < len) throw new ArgumentException($"Residual needs {len} floats or none, got {residual.Length}.", nameof(residual));
        if (output.Length < len) throw new ArgumentException($"Output needs {len} floats, got {output.Length}.", nameof(output));
        int n = (int)len;
        CheckAlias(input[..n], output[..n], nameof(input));
        if (!residual.IsEmpty) CheckAlias(residual[..n], output[..n], nameof(residual));
        fixed (float* px = input) fixed (float* ps = scale) fixed (float* pt = shift) fixed (float* pr = residual) fixed (float* py = output)
        {
            float* r = residual.IsEmpty ? null : pr;
            if (Vector512.IsHardwareAccelerated) ScaleShift<Vector512<float>, Simd512>(channels, spatial, px, ps, pt, r, activation, py);
            else if (Vector256.IsHardwareAccelerated) ScaleShift<Vector256<float>, Simd256>(channels, spatial, px, ps, pt, r, activation, py);
            else ScaleShift<Vector128<float>, Simd128>(channels, spatial, px, ps, pt, r, activation, py);
        }
    }

    /// <summary>y = act(a + b), element-wise over <paramref name="a"/>'s length.</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand, same length as <paramref name="a"/>.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least a.Length floats; may be <paramref name="a"/> or <paramref name="b"/> itself.</param>
    /// <exception cref="ArgumentException">Lengths differ, the output is too short, or spans partially overlap.</exception>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Activation activation, Span<float> output)
    {
        int n = a.Length;
        if (b.Length != n) throw new ArgumentException($"Operands differ in length ({n} vs {b.Length}).", nameof(b));
        if (output.Length < n) throw new ArgumentException($"Output needs {n} floats, got {output.Length}.", nameof(output));
        CheckAlias(a, output[..n], nameof(a));
        CheckAlias(b, output[..n], nameof(b));
        fixed (float* pa = a) fixed (float* pb = b) fixed (float* py = output) Binary(n, pa, pb, activation, py);
    }

    /// <summary>
    /// Runs the kernel <see cref="Add"/> and <see cref="Activate"/> share once on a few floats of zeros, so the JIT compiles
    /// it before the first real call (<see cref="KernelWarmUp"/>).
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    /// <param name="activation">The activation of the step (the kernel applies it as it stores).</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void WarmUp(Activation activation)
    {
        const int n = 64;
        Span<float> buffer = KernelWarmUp.Buffer(3 * n);
        Add(buffer[..n], buffer[n..(2 * n)], activation, buffer[(2 * n)..]);
    }

    /// <summary>y = act(x) over <paramref name="input"/>'s length.</summary>
    /// <param name="input">Input values.</param>
    /// <param name="activation">Activation to apply.</param>
    /// <param name="output">At least input.Length floats; may be the input itself.</param>
    /// <exception cref="ArgumentException">The output is too short or partially overlaps the input.</exception>
    public static void Activate(ReadOnlySpan<float> input, Activation activation, Span<float> output)
    {
        int n = input.Length;
        if (output.Length < n) throw new ArgumentException($"Output needs {n} floats, got {output.Length}.", nameof(output));
        CheckAlias(input, output[..n], nameof(input));
        fixed (float* px = input) fixed (float* py = output) Binary(n, px, null, activation, py);
    }

    private static void CheckAlias(ReadOnlySpan<float> input, Span<float> output, string name)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("Output may be exactly the input (in place) but must not partially overlap it.", name);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScaleShift<TV, TS>(int channels, int spatial, float* x, float* scale, float* shift, float* res, Activation act, float* y)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count;
        for (int c = 0; c < channels; c++)
        {
            long off = (long)c * spatial;
            float* xc = x + off, yc = y + off, rc = res == null ? null : res + off;
            float sc = scale[c], sh = shift[c];
            TV scv = TS.Broadcast(sc), shv = TS.Broadcast(sh);
            int i = 0;
            for (; i + v <= spatial; i += v)
            {
                TV t = TS.Fma(TS.Load(xc + i), scv, shv);
                if (rc != null) t = TS.Add(t, TS.Load(rc + i));
                TS.Store(yc + i, SimdOps.Activate<TV, TS>(t, act));
            }
            for (; i < spatial; i++)
            {
                float t = MathF.FusedMultiplyAdd(xc[i], sc, sh);
                if (rc != null) t += rc[i];
                yc[i] = SimdOps.Activate(t, act);
            }
        }
    }

    /// <summary>act(x) in place over <paramref name="n"/> floats, by the kernel <see cref="Activate"/> runs (for kernels that apply their activation after their sums).</summary>
    internal static void ActivateInPlace(float* p, int n, Activation activation)
    {
        if (activation.Kind != VisionGen.Ops.ActivationKind.None) Binary(n, p, null, activation, p);
    }

    /// <summary>
    /// y = act(a + b), or y = act(a) when <paramref name="b"/> is null, with the activation as a type
    /// (<see cref="ActivationDispatch"/>): one short loop per kind that a model uses, its formula inlined. The loop had
    /// switched on the kind at every vector, with every kind's formula inlined for its last floats — 5.5 KB of code,
    /// 6–7 ms of the JIT's time before a detector's first result, and a call per vector for the exponential kinds.
    /// </summary>
    private static void Binary(int n, float* a, float* b, Activation act, float* y)
    {
        var body = new BinaryBody { N = n, A = a, B = b, Alpha = act.Alpha, Y = y };
        ActivationDispatch.Run(act.Kind, ref body);
    }

    /// <summary>The arguments of <see cref="Binary(int, float*, float*, Activation, float*)"/>, run with the activation as a type.</summary>
    private struct BinaryBody : IActivationBody
    {
        public int N;
        public float* A, B, Y;
        public float Alpha;

        public readonly void Invoke<TA>() where TA : struct, IActivationOp
        {
            if (Vector512.IsHardwareAccelerated) Binary<Vector512<float>, Simd512, TA>(N, A, B, Alpha, Y);
            else if (Vector256.IsHardwareAccelerated) Binary<Vector256<float>, Simd256, TA>(N, A, B, Alpha, Y);
            else Binary<Vector128<float>, Simd128, TA>(N, A, B, Alpha, Y);
        }
    }

    /// <summary>y = act(a + b), or y = act(a) when <paramref name="b"/> is null; the last floats as one partial vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Binary<TV, TS, TA>(int n, float* a, float* b, float alpha, float* y)
        where TV : struct where TS : struct, ISimd<TV> where TA : struct, IActivationOp
    {
        int v = TS.Count, i = 0;
        if (b != null)
        {
            for (; i + v <= n; i += v) TS.Store(y + i, TA.Apply<TV, TS>(TS.Add(TS.Load(a + i), TS.Load(b + i)), alpha));
            if (i < n)
                SimdOps.StorePartial<TV, TS>(y + i, TA.Apply<TV, TS>(TS.Add(SimdOps.LoadPartial<TV, TS>(a + i, n - i), SimdOps.LoadPartial<TV, TS>(b + i, n - i)), alpha), n - i);
        }
        else
        {
            for (; i + v <= n; i += v) TS.Store(y + i, TA.Apply<TV, TS>(TS.Load(a + i), alpha));
            if (i < n) SimdOps.StorePartial<TV, TS>(y + i, TA.Apply<TV, TS>(SimdOps.LoadPartial<TV, TS>(a + i, n - i), alpha), n - i);
        }
    }
}
