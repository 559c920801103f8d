using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Softmax along one axis of a dense tensor, PyTorch's <c>F.softmax(x, dim)</c>. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Softmax
{
    // Columns of the inner axis one work item covers (a multiple of every vector width, so the split between vector
    // body and scalar tail, hence every bit of the result, is the same for any thread count).
    private const int Block = 16;

    private const long ParallelThreshold = 1 << 14;

    /// <summary>
    /// Softmax over the middle axis of an [outer, axis, inner] view: y[o, a, i] = e^(x[o, a, i] − m) / Σₐ e^(x[o, a, i] − m)
    /// with m the maximum over the axis (so large inputs do not overflow). For <c>F.softmax(x, dim)</c>, outer is the
    /// product of the dims before dim and inner the product of those after. A NaN in a slice makes that slice NaN.
    /// </summary>
    /// <param name="outer">Product of the dims before the softmax axis.</param>
    /// <param name="axis">Size of the softmax axis.</param>
    /// <param name="inner">Product of the dims after the softmax axis.</param>
    /// <param name="input">At least outer·axis·inner floats.</param>
    /// <param name="output">At least outer·axis·inner floats; may be exactly the input (in place), must not overlap it otherwise.</param>
    /// <exception cref="ArgumentException">A size is not positive, a span is too short, or the spans partially overlap.</exception>
    public static void Forward(int outer, int axis, int inner, ReadOnlySpan<float> input, Span<float> output)
    {
        if (outer <= 0) throw new ArgumentException($"Outer size must be positive, got {outer}.", nameof(outer));
        if (axis <= 0) throw new ArgumentException($"Axis size must be positive, got {axis}.", nameof(axis));
        if (inner <= 0) throw new ArgumentException($"Inner size must be positive, got {inner}.", nameof(inner));
        long length = (long)outer * axis * inner;
        if (length > int.MaxValue) throw new ArgumentException($"{outer}·{axis}·{inner} floats do not fit in a span.", nameof(axis));
        if (input.Length < length) throw new ArgumentException($"Input needs {length} floats, got {input.Length}.", nameof(input));
        if (output.Length < length) throw new ArgumentException($"Output needs {length} floats, got {output.Length}.", nameof(output));
        if (input[..(int)length].Overlaps(output[..(int)length], out int offset) && offset != 0)
            throw new ArgumentException("Output may be exactly the input (in place) but must not partially overlap it.", nameof(output));
        fixed (float* px = input) fixed (float* py = output)
        {
            var job = new Job { X = px, Y = py, Outer = outer, Axis = axis, Inner = inner, Blocks = (inner + Block - 1) / Block };
            long items = (long)outer * job.Blocks;
            int parts = CpuThreads.Count > 1 && length >= ParallelThreshold ? (int)Math.Min(CpuThreads.Count, items) : 1;
            WorkerPool.Run(&Part, &job, parts);
        }
    }

    private struct Job
    {
        public float* X, Y;
        public int Outer, Axis, Inner, Blocks;
    }

    private static void Part(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        long items = (long)j.Outer * j.Blocks;
        long i0 = items * part / parts, i1 = items * (part + 1) / parts;
        for (long item = i0; item < i1; item++)
        {
            long o = item / j.Blocks;
            int c0 = (int)(item % j.Blocks) * Block;
            long at = o * j.Axis * j.Inner;
            if (j.Inner == 1)
            {
                if (Vector512.IsHardwareAccelerated && j.Axis >= 64) Row<Vector512<float>, Simd512>(j.X + at, j.Y + at, j.Axis);
                else if (Vector256.IsHardwareAccelerated) Row<Vector256<float>, Simd256>(j.X + at, j.Y + at, j.Axis);
                else Row<Vector128<float>, Simd128>(j.X + at, j.Y + at, j.Axis);
            }
            else
            {
                int c1 = Math.Min(j.Inner, c0 + Block);
                // The widest vector the block fills (blocks are fixed, so the choice is too).
                if (Vector512.IsHardwareAccelerated && c1 - c0 >= 16) Columns<Vector512<float>, Simd512>(j.X + at, j.Y + at, j.Axis, j.Inner, c0, c1);
                else if (Vector256.IsHardwareAccelerated && c1 - c0 >= 8) Columns<Vector256<float>, Simd256>(j.X + at, j.Y + at, j.Axis, j.Inner, c0, c1);
                else Columns<Vector128<float>, Simd128>(j.X + at, j.Y + at, j.Axis, j.Inner, c0, c1);
            }
        }
    }

    /// <summary>One contiguous row of n values (inner = 1): max, exponentials and their sum, scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row<TV, TS>(float* x, float* y, int n)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count, i = 0;
        float max = float.NegativeInfinity;
        if (n >= v)
        {
            TV m = TS.Broadcast(float.NegativeInfinity);
            for (; i + v <= n; i += v) m = TS.Max(m, TS.Load(x + i));
            max = SimdOps.HorizontalMax<TV, TS>(m);
        }
        for (; i < n; i++) max = SimdOps.MaxNaN(max, x[i]);

        TV mv = TS.Broadcast(max), sv = TS.Zero;
        i = 0;
        for (; i + v <= n; i += v)
        {
            TV e = SimdOps.Exp<TV, TS>(TS.Sub(TS.Load(x + i), mv));
            TS.Store(y + i, e);
            sv = TS.Add(sv, e);
        }
        float sum = TS.Sum(sv);
        for (; i < n; i++)
        {
            float e = MathF.Exp(x[i] - max);
            y[i] = e;
            sum += e;
        }

        float inv = 1f / sum;
        TV iv = TS.Broadcast(inv);
        i = 0;
        for (; i + v <= n; i += v) TS.Store(y + i, TS.Mul(TS.Load(y + i), iv));
        for (; i < n; i++) y[i] *= inv;
    }

    /// <summary>
    /// Columns [c0, c1) of an [axis, inner] block: each column is one softmax, strided by inner; whole vectors of columns
    /// go down the axis together, the rest one column at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<TV, TS>(float* x, float* y, int axis, int inner, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count, c = c0;
        for (; c + v <= c1; c += v)
        {
            TV m = TS.Broadcast(float.NegativeInfinity);
            for (int a = 0; a < axis; a++) m = TS.Max(m, TS.Load(x + (long)a * inner + c));
            TV s = TS.Zero;
            for (int a = 0; a < axis; a++)
            {
                long k = (long)a * inner + c;
                TV e = SimdOps.Exp<TV, TS>(TS.Sub(TS.Load(x + k), m));
                TS.Store(y + k, e);
                s = TS.Add(s, e);
            }
            TV inv = TS.Div(TS.Broadcast(1f), s);
            for (int a = 0; a < axis; a++)
            {
                long k = (long)a * inner + c;
                TS.Store(y + k, TS.Mul(TS.Load(y + k), inv));
            }
        }
        for (; c < c1; c++)
        {
            float max = float.NegativeInfinity;
            for (int a = 0; a < axis; a++) max = SimdOps.MaxNaN(max, x[(long)a * inner + c]);
            float sum = 0f;
            for (int a = 0; a < axis; a++)
            {
                long k = (long)a * inner + c;
                float e = MathF.Exp(x[k] - max);
                y[k] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int a = 0; a < axis; a++) y[(long)a * inner + c] *= inv;
        }
    }
}
