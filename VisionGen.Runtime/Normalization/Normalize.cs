using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace VisionGen.Normalization;

/// <summary>
/// The normalization family on float tensors in PyTorch layouts (NCHW, or rows of the last
/// dimensions), matching <c>torch.nn.functional</c> in eval mode. Every method is allocation-free
/// and may run in place (<c>output</c> the same span as <c>input</c>).
/// </summary>
/// <remarks>
/// Statistics take one read (shifted sums in double precision, biased variance as PyTorch's
/// normalization layers use) and the output one fused pass <c>(x − mean)·scale + shift</c>, so no
/// scratch memory is needed.
/// Optional affine parameters are passed as empty spans when absent.
/// </remarks>
public static class Normalize
{
    /// <summary>
    /// <c>F.batch_norm</c> in inference mode: <c>(x − mean[c]) / sqrt(var[c] + eps) · weight[c] + bias[c]</c>
    /// over an NCHW tensor of <c>N·channels·spatial</c> elements.
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output, same length (may be <paramref name="input"/>).</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="runningMean">per-channel running mean.</param>
    /// <param name="runningVar">per-channel running variance.</param>
    /// <param name="weight">per-channel scale, or empty for 1.</param>
    /// <param name="bias">per-channel shift, or empty for 0.</param>
    /// <param name="epsilon">added to the variance.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as GroupNorm
    public static void BatchNorm(ReadOnlySpan<float> input, Span<float> output, int channels, int spatial,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        float epsilon = 1e-5f)
    {
        int batch = CheckNchw(input, output, channels, spatial);
        CheckPerChannel(runningMean, channels, nameof(runningMean), optional: false);
        CheckPerChannel(runningVar, channels, nameof(runningVar), optional: false);
        CheckPerChannel(weight, channels, nameof(weight), optional: true);
        CheckPerChannel(bias, channels, nameof(bias), optional: true);
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < channels; c++)
            {
                // Folded to one multiply-add per element: y = x·s + (b − mean·s).
                float s = (weight.IsEmpty ? 1f : weight[c]) / MathF.Sqrt(runningVar[c] + epsilon);
                float t = (bias.IsEmpty ? 0f : bias[c]) - runningMean[c] * s;
                int o = (n * channels + c) * spatial;
                Affine(input.Slice(o, spatial), s, t, output.Slice(o, spatial));
            }
    }

    /// <summary>
    /// <c>F.layer_norm</c> over the last <paramref name="normalizedLength"/> elements of each row
    /// (C·H·W for an image, or the last dimension), with elementwise affine parameters of that length.
    /// </summary>
    /// <param name="input">rows of <paramref name="normalizedLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="normalizedLength">product of the normalized dimensions.</param>
    /// <param name="weight">elementwise scale of <paramref name="normalizedLength"/>, or empty.</param>
    /// <param name="bias">elementwise shift of <paramref name="normalizedLength"/>, or empty.</param>
    /// <param name="epsilon">added to the variance.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as GroupNorm
    public static void LayerNorm(ReadOnlySpan<float> input, Span<float> output, int normalizedLength,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float epsilon = 1e-5f)
    {
        int rows = CheckRows(input, output, normalizedLength);
        CheckPerChannel(weight, normalizedLength, nameof(weight), optional: true);
        CheckPerChannel(bias, normalizedLength, nameof(bias), optional: true);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * normalizedLength, normalizedLength);
            var o = output.Slice(r * normalizedLength, normalizedLength);
            var (mean, rstd) = MeanInvStd(x, epsilon);
            ScaleShift(x, mean, rstd, 0f, o);
            if (!weight.IsEmpty && !bias.IsEmpty) TensorPrimitives.MultiplyAdd(o, weight, bias, o);
            else if (!weight.IsEmpty) TensorPrimitives.Multiply(o, weight, o);
            else if (!bias.IsEmpty) TensorPrimitives.Add(o, bias, o);
        }
    }

    /// <summary>
    /// <c>F.group_norm</c>: statistics over each group of <c>channels / groups</c> channels of each
    /// sample, then per-channel affine.
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output (may be <paramref name="input"/>).</param>
    /// <param name="channels">C, divisible by <paramref name="groups"/>.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="groups">number of groups.</param>
    /// <param name="weight">per-channel scale, or empty.</param>
    /// <param name="bias">per-channel shift, or empty.</param>
    /// <param name="epsilon">added to the variance.</param>
    // The loops over groups, channels or rows run on every inference: compiled fully optimized from the first one (at tier 0
    // a detector's group norms ran slower for its first hundred-odd inferences).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void GroupNorm(ReadOnlySpan<float> input, Span<float> output, int channels, int spatial, int groups,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float epsilon = 1e-5f)
    {
        if (groups <= 0 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"Groups must divide the {channels} channels.");
        int batch = CheckNchw(input, output, channels, spatial);
        CheckPerChannel(weight, channels, nameof(weight), optional: true);
        CheckPerChannel(bias, channels, nameof(bias), optional: true);
        int perGroup = channels / groups, groupLen = perGroup * spatial;
        for (int n = 0; n < batch; n++)
            for (int g = 0; g < groups; g++)
            {
                var (mean, rstd) = MeanInvStd(input.Slice((n * channels + g * perGroup) * spatial, groupLen), epsilon);
                for (int c = g * perGroup; c < (g + 1) * perGroup; c++)
                {
                    int o = (n * channels + c) * spatial;
                    ScaleShift(input.Slice(o, spatial), mean, rstd * (weight.IsEmpty ? 1f : weight[c]), bias.IsEmpty ? 0f : bias[c], output.Slice(o, spatial));
                }
            }
    }

    /// <summary>
    /// Runs <see cref="GroupNorm"/>'s kernels (and the activation after it, when there is one) once on zeros — one channel
    /// per group, the layer's own spatial size — so the JIT compiles them before the first real call
    /// (<see cref="Cpu.KernelWarmUp"/>).
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static void GroupNormWarmUp(int spatial, int groups, bool affine, Cpu.Activation activation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spatial);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(groups);
        long length = (long)groups * spatial;
        Span<float> buffer = Cpu.KernelWarmUp.Buffer(2 * length + 2L * groups);
        Span<float> x = buffer[..(int)length], y = buffer.Slice((int)length, (int)length);
        Span<float> weight = affine ? buffer.Slice((int)(2 * length), groups) : default, bias = affine ? buffer.Slice((int)(2 * length) + groups, groups) : default;
        GroupNorm(x, y, groups, spatial, groups, weight, bias);
        if (activation.Kind != VisionGen.Ops.ActivationKind.None) Cpu.Elementwise.Activate(y, activation, y);
    }

    /// <summary><c>F.instance_norm</c> (no running statistics): group norm with one channel per group.</summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output (may be <paramref name="input"/>).</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="weight">per-channel scale, or empty.</param>
    /// <param name="bias">per-channel shift, or empty.</param>
    /// <param name="epsilon">added to the variance.</param>
    public static void InstanceNorm(ReadOnlySpan<float> input, Span<float> output, int channels, int spatial,
        ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float epsilon = 1e-5f)
        => GroupNorm(input, output, channels, spatial, channels, weight, bias, epsilon);

    /// <summary>
    /// Adaptive instance normalization (AdaIN, Huang &amp; Belongie 2017): each content channel is
    /// instance-normalized, then given the style channel's mean and standard deviation
    /// (<c>sqrt(biased var + eps)</c>): <c>(x − μc)/σc · σs + μs</c>. Batch 1, CHW.
    /// </summary>
    /// <param name="content">content features, <c>channels·contentSpatial</c>.</param>
    /// <param name="style">style features, <c>channels·styleSpatial</c>.</param>
    /// <param name="output">output, like <paramref name="content"/> (may be <paramref name="content"/>).</param>
    /// <param name="channels">C, shared by both.</param>
    /// <param name="contentSpatial">H·W of the content.</param>
    /// <param name="styleSpatial">H·W of the style.</param>
    /// <param name="epsilon">added to both variances.</param>
    public static void AdaptiveInstanceNorm(ReadOnlySpan<float> content, ReadOnlySpan<float> style, Span<float> output,
        int channels, int contentSpatial, int styleSpatial, float epsilon = 1e-5f)
    {
        if (CheckNchw(content, output, channels, contentSpatial) != 1) throw new ArgumentException("Content must be one CHW sample.", nameof(content));
        if (styleSpatial <= 0 || style.Length != channels * styleSpatial)
            throw new ArgumentException($"Style holds {style.Length} elements; {channels}x{styleSpatial} expected.", nameof(style));
        for (int c = 0; c < channels; c++)
        {
            var (styleMean, styleInvStd) = MeanInvStd(style.Slice(c * styleSpatial, styleSpatial), epsilon);
            var x = content.Slice(c * contentSpatial, contentSpatial);
            var (mean, rstd) = MeanInvStd(x, epsilon);
            ScaleShift(x, mean, rstd / styleInvStd, styleMean.Value, output.Slice(c * contentSpatial, contentSpatial));
        }
    }

    /// <summary>
    /// RMS norm over the last <paramref name="normalizedLength"/> elements of each row:
    /// <c>x / sqrt(mean(x²) + eps) · weight</c> (as <c>F.rms_norm</c>).
    /// </summary>
    /// <param name="input">rows of <paramref name="normalizedLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="normalizedLength">row length.</param>
    /// <param name="weight">elementwise scale, or empty.</param>
    /// <param name="epsilon">added to the mean square (PyTorch's default is the float epsilon, 1.19e-7).</param>
    public static void RmsNorm(ReadOnlySpan<float> input, Span<float> output, int normalizedLength,
        ReadOnlySpan<float> weight, float epsilon = 1.1920929e-7f)
    {
        int rows = CheckRows(input, output, normalizedLength);
        CheckPerChannel(weight, normalizedLength, nameof(weight), optional: true);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * normalizedLength, normalizedLength);
            var o = output.Slice(r * normalizedLength, normalizedLength);
            float rms = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(x) / normalizedLength + epsilon);
            TensorPrimitives.Multiply(x, rms, o);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(o, weight, o);
        }
    }

    /// <summary>
    /// Min-max scaling of each row to <c>[low, high]</c>: <c>(x − min)/(max − min)·(high − low) + low</c>
    /// (OpenCV's <c>NORM_MINMAX</c>). A constant row maps to <paramref name="low"/>.
    /// </summary>
    /// <param name="input">rows of <paramref name="rowLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="rowLength">elements per row (the whole tensor: its length).</param>
    /// <param name="low">value the minimum maps to.</param>
    /// <param name="high">value the maximum maps to.</param>
    public static void MinMax(ReadOnlySpan<float> input, Span<float> output, int rowLength, float low = 0f, float high = 1f)
    {
        int rows = CheckRows(input, output, rowLength);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * rowLength, rowLength);
            var o = output.Slice(r * rowLength, rowLength);
            float min = TensorPrimitives.Min(x), max = TensorPrimitives.Max(x);
            float range = max - min;
            if (range == 0) { o.Fill(low); continue; }
            TensorPrimitives.Subtract(x, min, o);
            TensorPrimitives.Multiply(o, (high - low) / range, o);
            if (low != 0) TensorPrimitives.Add(o, low, o);
        }
    }

    /// <summary>
    /// Z-score standardization of each row: <c>(x − mean) / sqrt(var + eps)</c> with the population
    /// (biased) variance, as <c>(x − x.mean()) / x.std(unbiased=False)</c>.
    /// </summary>
    /// <param name="input">rows of <paramref name="rowLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="rowLength">elements per row.</param>
    /// <param name="epsilon">added to the variance (0 for the plain z-score).</param>
    public static void ZScore(ReadOnlySpan<float> input, Span<float> output, int rowLength, float epsilon = 0f)
    {
        int rows = CheckRows(input, output, rowLength);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * rowLength, rowLength);
            var (mean, rstd) = MeanInvStd(x, epsilon);
            ScaleShift(x, mean, rstd, 0f, output.Slice(r * rowLength, rowLength));
        }
    }

    /// <summary>
    /// L2 normalization of each row: <c>x / max(‖x‖₂, eps)</c>, as <c>F.normalize(x, p=2, dim=-1)</c>.
    /// </summary>
    /// <param name="input">rows of <paramref name="rowLength"/> elements.</param>
    /// <param name="output">same length (may be <paramref name="input"/>).</param>
    /// <param name="rowLength">elements per row.</param>
    /// <param name="epsilon">lower bound of the norm (PyTorch's default 1e-12).</param>
    public static void L2(ReadOnlySpan<float> input, Span<float> output, int rowLength, float epsilon = 1e-12f)
    {
        int rows = CheckRows(input, output, rowLength);
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * rowLength, rowLength);
            float norm = MathF.Max(TensorPrimitives.Norm(x), epsilon);
            TensorPrimitives.Divide(x, norm, output.Slice(r * rowLength, rowLength));
        }
    }

    /// <summary>
    /// L2 normalization across the channels of every pixel of an NCHW tensor, then a per-channel scale:
    /// <c>weight[c] · x / max(‖x[:, h, w]‖₂, eps)</c>, as SSD's <c>scale_weight.view(1, −1, 1, 1) · F.normalize(x)</c>
    /// (torchvision's SSD300 on conv4_3).
    /// </summary>
    /// <param name="input">NCHW input.</param>
    /// <param name="output">NCHW output, same length (may be <paramref name="input"/>).</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="weight">per-channel scale, or empty for 1.</param>
    /// <param name="epsilon">lower bound of the norm (PyTorch's default 1e-12).</param>
    public static void ChannelL2(ReadOnlySpan<float> input, Span<float> output, int channels, int spatial, ReadOnlySpan<float> weight, float epsilon = 1e-12f)
    {
        int batch = CheckNchw(input, output, channels, spatial);
        CheckPerChannel(weight, channels, nameof(weight), optional: true);
        const int Chunk = 256;
        Span<float> norms = stackalloc float[Chunk];
        for (int n = 0; n < batch; n++)
        {
            int image = n * channels * spatial;
            for (int p0 = 0; p0 < spatial; p0 += Chunk)
            {
                int len = Math.Min(Chunk, spatial - p0);
                Span<float> norm = norms[..len];
                // Sum of squares over the channels for a run of pixels, then the norm: all read before any write (in place).
                norm.Clear();
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> x = input.Slice(image + c * spatial + p0, len);
                    TensorPrimitives.MultiplyAdd(x, x, norm, norm);
                }
                TensorPrimitives.Sqrt(norm, norm);
                TensorPrimitives.Max(norm, epsilon, norm);
                for (int c = 0; c < channels; c++)
                {
                    int o = image + c * spatial + p0;
                    Span<float> y = output.Slice(o, len);
                    TensorPrimitives.Divide(input.Slice(o, len), norm, y);
                    if (!weight.IsEmpty) TensorPrimitives.Multiply(y, weight[c], y);
                }
            }
        }
    }

    /// <summary><c>dst = x·scale + shift</c> (TensorPrimitives has no scalar-scalar multiply-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Affine(ReadOnlySpan<float> x, float scale, float shift, Span<float> dst)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var s = Vector512.Create(scale);
            var t = Vector512.Create(shift);
            for (; i <= x.Length - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)), s, t).CopyTo(dst.Slice(i, 16));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(scale);
            var t = Vector256.Create(shift);
            for (; i <= x.Length - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(i, 8)), s, t).CopyTo(dst.Slice(i, 8));
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var s = Vector128.Create(scale);
            var t = Vector128.Create(shift);
            for (; i <= x.Length - 4; i += 4)
                Vector128.FusedMultiplyAdd(Vector128.Create(x.Slice(i, 4)), s, t).CopyTo(dst.Slice(i, 4));
        }
        for (; i < x.Length; i++) dst[i] = MathF.FusedMultiplyAdd(x[i], scale, shift);
    }

    /// <summary>
    /// Mean and <c>1/sqrt(biased variance + eps)</c> in one read: sums of <c>x − x[0]</c> and of its
    /// square accumulated in double (shifting by a sample keeps E[d²] − E[d]² well conditioned).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (Centre Mean, float InvStd) MeanInvStd(ReadOnlySpan<float> x, float epsilon)
    {
        float shift = x[0];
        double sum = 0, squares = 0;
        int i = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= 16)
        {
            var k = Vector512.Create((double)shift);
            Vector512<double> s0 = default, s1 = default, q0 = default, q1 = default;
            for (; i <= x.Length - 16; i += 16)
            {
                var v = Vector512.Create(x.Slice(i, 16));
                var lo = Vector512.WidenLower(v) - k;
                var hi = Vector512.WidenUpper(v) - k;
                s0 += lo;
                s1 += hi;
                q0 = Vector512.FusedMultiplyAdd(lo, lo, q0);
                q1 = Vector512.FusedMultiplyAdd(hi, hi, q1);
            }
            sum = Vector512.Sum(s0 + s1);
            squares = Vector512.Sum(q0 + q1);
        }
        else if (!Vector512.IsHardwareAccelerated && Vector128.IsHardwareAccelerated && x.Length >= 4)
        {
            // ARM64 (NEON) and x64 without AVX-512: the same sums in 2-lane doubles (another order of additions).
            var k = Vector128.Create((double)shift);
            Vector128<double> s0 = default, s1 = default, q0 = default, q1 = default;
            for (; i <= x.Length - 4; i += 4)
            {
                var v = Vector128.Create(x.Slice(i, 4));
                var lo = Vector128.WidenLower(v) - k;
                var hi = Vector128.WidenUpper(v) - k;
                s0 += lo;
                s1 += hi;
                q0 = Vector128.FusedMultiplyAdd(lo, lo, q0);
                q1 = Vector128.FusedMultiplyAdd(hi, hi, q1);
            }
            sum = Vector128.Sum(s0 + s1);
            squares = Vector128.Sum(q0 + q1);
        }
        for (; i < x.Length; i++)
        {
            double d = x[i] - (double)shift;
            sum += d;
            squares += d * d;
        }
        double meanShifted = sum / x.Length;
        double variance = Math.Max(squares / x.Length - meanShifted * meanShifted, 0);
        return (new Centre(shift, (float)meanShifted), (float)(1 / Math.Sqrt(variance + epsilon)));
    }

    /// <summary>
    /// A mean held as a sample plus a small offset: <c>(x − Shift) − Offset</c> is exact in its first
    /// step for values near the sample (Sterbenz), so a large mean costs no precision even where the
    /// mean itself is not representable as a float.
    /// </summary>
    internal readonly record struct Centre(float Shift, float Offset)
    {
        public float Value => Shift + Offset;
    }

    /// <summary><c>dst = (x − mean)·scale + shift</c> in one pass, subtracting before scaling so that a large mean cancels exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleShift(ReadOnlySpan<float> x, Centre mean, float scale, float shift, Span<float> dst)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var m0 = Vector512.Create(mean.Shift);
            var m1 = Vector512.Create(mean.Offset);
            var s = Vector512.Create(scale);
            var t = Vector512.Create(shift);
            for (; i <= x.Length - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.Create(x.Slice(i, 16)) - m0 - m1, s, t).CopyTo(dst.Slice(i, 16));
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var m0 = Vector256.Create(mean.Shift);
            var m1 = Vector256.Create(mean.Offset);
            var s = Vector256.Create(scale);
            var t = Vector256.Create(shift);
            for (; i <= x.Length - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.Create(x.Slice(i, 8)) - m0 - m1, s, t).CopyTo(dst.Slice(i, 8));
        }
        if (Vector128.IsHardwareAccelerated)
        {
            var m0 = Vector128.Create(mean.Shift);
            var m1 = Vector128.Create(mean.Offset);
            var s = Vector128.Create(scale);
            var t = Vector128.Create(shift);
            for (; i <= x.Length - 4; i += 4)
                Vector128.FusedMultiplyAdd(Vector128.Create(x.Slice(i, 4)) - m0 - m1, s, t).CopyTo(dst.Slice(i, 4));
        }
        for (; i < x.Length; i++) dst[i] = MathF.FusedMultiplyAdd(x[i] - mean.Shift - mean.Offset, scale, shift);
    }

    internal static int CheckRows(ReadOnlySpan<float> input, Span<float> output, int rowLength)
    {
        if (rowLength <= 0) throw new ArgumentOutOfRangeException(nameof(rowLength), rowLength, "Row length must be positive.");
        if (input.Length % rowLength != 0)
            throw new ArgumentException($"Input holds {input.Length} elements, not a multiple of the row length {rowLength}.", nameof(input));
        if (output.Length != input.Length)
            throw new ArgumentException($"Output holds {output.Length} elements; {input.Length} expected.", nameof(output));
        CheckAliasing(input, output);
        return input.Length / rowLength;
    }

    private static int CheckNchw(ReadOnlySpan<float> input, Span<float> output, int channels, int spatial)
    {
        if (channels <= 0) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be positive.");
        if (spatial <= 0) throw new ArgumentOutOfRangeException(nameof(spatial), spatial, "Spatial size must be positive.");
        return CheckRows(input, output, channels * spatial);
    }

    private static void CheckPerChannel(ReadOnlySpan<float> p, int length, string name, bool optional)
    {
        if (optional && p.IsEmpty) return;
        if (p.Length != length) throw new ArgumentException($"{name} holds {p.Length} elements; {length} expected.", name);
    }

    /// <summary>In place is fine; a partial overlap would read values already overwritten.</summary>
    internal static void CheckAliasing(ReadOnlySpan<float> input, ReadOnlySpan<float> output)
    {
        if (input.Overlaps(output, out int offset) && offset != 0)
            throw new ArgumentException("Input and output overlap without being the same span.", nameof(output));
    }
}
