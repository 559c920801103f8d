using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// 2-D transposed convolution (<c>nn.ConvTranspose2d</c>) over one CHW image with a fused epilogue y = act(convT + bias).
/// Per group, a GEMM of the transposed weight [OutC/G·KH·KW, InC/G] by the input [InC/G, H·W] writes the column matrix
/// into scratch; col2im then adds each column into the output positions it lands on (iy·s − p + kh·d), channel by
/// channel, and the channel's bias and activation follow while its plane is in cache. The bias is added after the sum,
/// as PyTorch does.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class ConvTranspose2d
{
    /// <summary>Floats <see cref="PackWeights"/> writes: per group the GEMM A operand (OutC/G·KH·KW rows, InC/G columns) in panels.</summary>
    /// <param name="s">Transposed convolution shape.</param>
    /// <returns>Floats of the packed weight.</returns>
    public static int PackedWeightLength(in ConvTranspose2dShape s)
    {
        int m = s.OutChannels / s.Groups * s.KernelHeight * s.KernelWidth, k = s.InChannels / s.Groups;
        return s.Groups * Gemm.PackedALength(m, k);
    }

    /// <summary>
    /// Converts a PyTorch weight [InC, OutC/Groups, KH, KW] into the layout <see cref="Forward"/> reads. Call once at load time.
    /// </summary>
    /// <param name="s">Transposed convolution shape.</param>
    /// <param name="torchWeight">The weight as PyTorch stores it, <see cref="ConvTranspose2dShape.WeightLength"/> floats.</param>
    /// <param name="packed">Destination, at least <see cref="PackedWeightLength"/> floats.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span has the wrong length.</exception>
    public static void PackWeights(in ConvTranspose2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        s.Validate();
        if (torchWeight.Length != s.WeightLength)
            throw new ArgumentException($"Weight needs {s.WeightLength} floats [InC, OutC/G, KH, KW], got {torchWeight.Length}.", nameof(torchWeight));
        int length = PackedWeightLength(s);
        if (packed.Length < length) throw new ArgumentException($"Packed weight needs {length} floats, got {packed.Length}.", nameof(packed));
        // Group g's rows of the torch weight are [InC/G, OutC/G·KH·KW] row-major: the transpose of the GEMM's A.
        int m = s.OutChannels / s.Groups * s.KernelHeight * s.KernelWidth, k = s.InChannels / s.Groups;
        int groupLength = Gemm.PackedALength(m, k);
        for (int g = 0; g < s.Groups; g++)
            Gemm.PackATransposed(m, k, torchWeight.Slice(g * k * m, k * m), packed.Slice(g * groupLength, groupLength));
    }

    /// <summary>Runs the transposed convolution of one image: output = act(convT(input, weight) + bias).</summary>
    /// <param name="s">Transposed convolution shape.</param>
    /// <param name="input">CHW input, at least <see cref="ConvTranspose2dShape.InputLength"/> floats.</param>
    /// <param name="packedWeight">Weight from <see cref="PackWeights"/>.</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">CHW output, at least <see cref="ConvTranspose2dShape.OutputLength"/> floats; fully overwritten.
    /// Must not overlap the input or the scratch.</param>
    /// <param name="scratch">At least <see cref="ConvTranspose2dShape.ScratchLength"/> floats of working memory; must not
    /// overlap the input.</param>
    /// <exception cref="ArgumentException">Invalid shape, a span is too short, or spans overlap.</exception>
    public static void Forward(in ConvTranspose2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, Activation activation, Span<float> output, Span<float> scratch)
    {
        s.Validate();
        int weightLength = PackedWeightLength(s), scratchLength = s.ScratchLength;
        if (input.Length < s.InputLength) throw new ArgumentException($"Input needs {s.InputLength} floats, got {input.Length}.", nameof(input));
        if (packedWeight.Length < weightLength) throw new ArgumentException($"Packed weight needs {weightLength} floats, got {packedWeight.Length}.", nameof(packedWeight));
        if (!bias.IsEmpty && bias.Length < s.OutChannels) throw new ArgumentException($"Bias needs {s.OutChannels} floats or none, got {bias.Length}.", nameof(bias));
        if (output.Length < s.OutputLength) throw new ArgumentException($"Output needs {s.OutputLength} floats, got {output.Length}.", nameof(output));
        if (scratch.Length < scratchLength) throw new ArgumentException($"Scratch needs {scratchLength} floats, got {scratch.Length}.", nameof(scratch));
        ReadOnlySpan<float> x = input[..s.InputLength];
        Span<float> y = output[..s.OutputLength], work = scratch[..scratchLength];
        if (x.Overlaps(y)) throw new ArgumentException("Output must not overlap the input.", nameof(output));
        if (work.Overlaps(y)) throw new ArgumentException("Output must not overlap the scratch.", nameof(scratch));
        if (work.Overlaps(x)) throw new ArgumentException("Scratch must not overlap the input.", nameof(scratch));

        int groups = s.Groups, cin = s.InChannels / groups, cout = s.OutChannels / groups;
        int spatial = s.InHeight * s.InWidth, m = cout * s.KernelHeight * s.KernelWidth;
        int groupWeight = Gemm.PackedALength(m, cin);
        fixed (float* px = input) fixed (float* pw = packedWeight) fixed (float* pb = bias) fixed (float* py = output) fixed (float* ps = scratch)
        {
            for (int g = 0; g < groups; g++)
            {
                // Columns [(co, kh, kw), (iy, ix)] of this group: A (packed, transposed weight) times the group's input planes.
                Gemm.MultiplyUnchecked(m, spatial, cin, pw + (long)g * groupWeight, aPacked: true, px + (long)g * cin * spatial, null,
                    ps, null, null, Activation.None);
                var job = new Col2ImJob
                {
                    Shape = s, Columns = ps, Y = py, Bias = bias.IsEmpty ? null : pb, Act = activation,
                    FirstChannel = g * cout, Channels = cout,
                };
                long scatter = (long)m * spatial + (long)cout * s.OutHeight * s.OutWidth;
                int parts = scatter < 1 << 15 ? 1 : Math.Min(CpuThreads.Count, cout);
                WorkerPool.Run(&Col2ImPart, &job, parts);
            }
        }
    }

    private struct Col2ImJob
    {
        public ConvTranspose2dShape Shape;
        public float* Columns, Y, Bias;
        public Activation Act;
        public int FirstChannel, Channels;
    }

    private static void Col2ImPart(void* context, int part, int parts)
    {
        ref Col2ImJob j = ref *(Col2ImJob*)context;
        var (c0, c1) = WorkerPool.Range(j.Channels, part, parts);
        if (c1 <= c0) return;
        if (Vector512.IsHardwareAccelerated) Col2Im<Vector512<float>, Simd512>(j, c0, c1);
        else if (Vector256.IsHardwareAccelerated) Col2Im<Vector256<float>, Simd256>(j, c0, c1);
        else Col2Im<Vector128<float>, Simd128>(j, c0, c1);
    }

    /// <summary>
    /// Group channels [c0, c1): zero the plane, add every (kh, kw) column row at its output offset (a fixed order, so
    /// the result does not depend on the thread split), then bias and activation over the plane.
    /// </summary>
    private static void Col2Im<TV, TS>(in Col2ImJob j, int c0, int c1)
        where TV : struct where TS : struct, ISimd<TV>
    {
        ConvTranspose2dShape s = j.Shape;
        int h = s.InHeight, w = s.InWidth, oh = s.OutHeight, ow = s.OutWidth;
        int kh = s.KernelHeight, kw = s.KernelWidth, sh = s.StrideHeight, sw = s.StrideWidth;
        int ph = s.PadHeight, pw = s.PadWidth, dh = s.DilationHeight, dw = s.DilationWidth;
        int spatial = h * w, plane = oh * ow, v = TS.Count;
        for (int c = c0; c < c1; c++)
        {
            int channel = j.FirstChannel + c;
            float* yc = j.Y + (long)channel * plane;
            new Span<float>(yc, plane).Clear();
            for (int a = 0; a < kh; a++)
            {
                // Input rows iy with 0 ≤ iy·sh − ph + a·dh < oh.
                int offY = a * dh - ph;
                int iyLo = FirstInside(offY, sh), iyHi = Math.Min(h, LastInside(offY, sh, oh) + 1);
                for (int b = 0; b < kw; b++)
                {
                    int offX = b * dw - pw;
                    int ixLo = FirstInside(offX, sw), ixHi = Math.Min(w, LastInside(offX, sw, ow) + 1);
                    if (ixHi <= ixLo) continue;
                    float* col = j.Columns + ((long)(c * kh + a) * kw + b) * spatial;
                    for (int iy = iyLo; iy < iyHi; iy++)
                    {
                        float* src = col + (long)iy * w;
                        float* dst = yc + (long)(iy * sh + offY) * ow + offX;
                        int ix = ixLo;
                        if (sw == 1)
                        {
                            for (; ix + v <= ixHi; ix += v) TS.Store(dst + ix, TS.Add(TS.Load(dst + ix), TS.Load(src + ix)));
                            for (; ix < ixHi; ix++) dst[ix] += src[ix];
                        }
                        else
                        {
                            for (; ix < ixHi; ix++) dst[ix * sw] += src[ix];
                        }
                    }
                }
            }
            // Bias after the sum, then the activation.
            if (j.Bias == null && j.Act.IsNone) continue;
            float bias = j.Bias == null ? 0f : j.Bias[channel];
            TV bv = TS.Broadcast(bias);
            int i = 0;
            for (; i + v <= plane; i += v) TS.Store(yc + i, SimdOps.Activate<TV, TS>(TS.Add(TS.Load(yc + i), bv), j.Act));
            for (; i < plane; i++) yc[i] = j.Act.Apply(yc[i] + bias);
        }
    }

    /// <summary>Smallest i ≥ 0 with i·stride + offset ≥ 0.</summary>
    private static int FirstInside(int offset, int stride) => offset >= 0 ? 0 : (-offset + stride - 1) / stride;

    /// <summary>Largest i with i·stride + offset &lt; size (−1 when none).</summary>
    private static int LastInside(int offset, int stride, int size)
        => size - 1 - offset < 0 ? -1 : (size - 1 - offset) / stride;
}
