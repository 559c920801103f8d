using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace VisionGen.Normalization;

/// <summary>
/// Numerically stable softmax, log-softmax and sigmoid over float rows, matching
/// <c>torch.nn.functional</c> (also for inputs of large magnitude where the naive formulas overflow).
/// Allocation-free; <c>output</c> may be the same span as <c>input</c>.
/// </summary>
public static class Activations
{
    /// <summary><c>F.softmax(x, dim=-1)</c>: <c>exp(x − max) / Σ exp(x − max)</c> over each row.</summary>
    /// <param name="input">rows of <paramref name="rowLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="rowLength">elements per row (the softmax dimension).</param>
    public static void Softmax(ReadOnlySpan<float> input, Span<float> output, int rowLength)
    {
        int rows = Normalize.CheckRows(input, output, rowLength);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * rowLength, rowLength);
            var o = output.Slice(r * rowLength, rowLength);
            float max = TensorPrimitives.Max(x);
            if (float.IsNegativeInfinity(max)) max = 0; // an all −∞ row gives NaN, as in PyTorch
            TensorPrimitives.Subtract(x, max, o);
            TensorPrimitives.Exp(o, o);
            TensorPrimitives.Divide(o, TensorPrimitives.Sum(o), o);
        }
    }

    /// <summary><c>F.log_softmax(x, dim=-1)</c>: <c>x − max − log Σ exp(x − max)</c> over each row.</summary>
    /// <param name="input">rows of <paramref name="rowLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="rowLength">elements per row.</param>
    public static void LogSoftmax(ReadOnlySpan<float> input, Span<float> output, int rowLength)
    {
        int rows = Normalize.CheckRows(input, output, rowLength);
        Span<float> chunk = stackalloc float[256];
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * rowLength, rowLength);
            float max = TensorPrimitives.Max(x);
            if (float.IsNegativeInfinity(max)) max = 0;
            // Σ exp(x − max) in chunks through a stack buffer, so in-place calls keep x intact.
            float sum = 0;
            for (int i = 0; i < rowLength; i += chunk.Length)
            {
                var part = x.Slice(i, Math.Min(chunk.Length, rowLength - i));
                var c = chunk[..part.Length];
                TensorPrimitives.Subtract(part, max, c);
                TensorPrimitives.Exp(c, c);
                sum += TensorPrimitives.Sum(c);
            }
            // (x − max) − log Σ, in that order: max + log Σ would round log Σ away when |max| is huge.
            var o = output.Slice(r * rowLength, rowLength);
            TensorPrimitives.Subtract(x, max, o);
            TensorPrimitives.Subtract(o, MathF.Log(sum), o);
        }
    }

    /// <summary>
    /// <c>torch.sigmoid</c>: <c>1/(1 + e^−x)</c> for x ≥ 0 and <c>e^x/(1 + e^x)</c> for x &lt; 0, so
    /// large negative inputs keep their tiny (denormal) values instead of flushing to 0.
    /// </summary>
    /// <param name="input">any number of elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    public static void Sigmoid(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length) throw new ArgumentException($"Output holds {output.Length} elements; {input.Length} expected.", nameof(output));
        Normalize.CheckAliasing(input, output);
        // e = exp(−|x|) through TensorPrimitives (vectorized exp) in stack chunks, so in-place calls
        // still see x; then 1/(1+e) or e/(1+e) by the sign of x.
        Span<float> e = stackalloc float[512];
        for (int start = 0; start < input.Length; start += e.Length)
        {
            int len = Math.Min(e.Length, input.Length - start);
            var x = input.Slice(start, len);
            var ec = e[..len];
            TensorPrimitives.Abs(x, ec);
            TensorPrimitives.Negate(ec, ec);
            TensorPrimitives.Exp(ec, ec);
            var o = output.Slice(start, len);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= len - 16; i += 16)
                {
                    var xv = Vector512.Create(x.Slice(i, 16));
                    var ev = Vector512.Create(ec.Slice(i, 16));
                    var r = Vector512<float>.One / (Vector512<float>.One + ev);
                    Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(xv, Vector512<float>.Zero), r, ev * r).CopyTo(o.Slice(i, 16));
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                // ARM64 (NEON), x64 without AVX-512 and the tail: the same lane operations, 4 at a time.
                for (; i <= len - 4; i += 4)
                {
                    var xv = Vector128.Create(x.Slice(i, 4));
                    var ev = Vector128.Create(ec.Slice(i, 4));
                    var r = Vector128<float>.One / (Vector128<float>.One + ev);
                    Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(xv, Vector128<float>.Zero), r, ev * r).CopyTo(o.Slice(i, 4));
                }
            }
            for (; i < len; i++)
            {
                float r = 1f / (1f + ec[i]);
                o[i] = x[i] >= 0 ? r : ec[i] * r;
            }
        }
    }
}
