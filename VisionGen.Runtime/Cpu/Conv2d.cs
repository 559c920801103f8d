using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>
/// 2-D convolution over one CHW image with a fused epilogue y = act(conv + bias + residual).
/// Pointwise (1×1, stride 1, no padding) runs as a GEMM on the input, depthwise runs a direct kernel
/// over a zero-bordered copy of each plane, or narrow planes with their rows streamed through registers (<see cref="DepthwiseConv"/>), 3×3 stride-1 by Winograd F(4×4, 3×3) in scratch
/// (<see cref="Winograd"/>), few output channels and stems on the image by a direct kernel over zero-bordered input
/// planes (<see cref="DirectConv"/>), everything else as an implicit GEMM per group: the GEMM packs its operand panels
/// straight from the image, no im2col matrix is written. Small outputs the generator marks (<see cref="GemmRows.OutputPixels"/>) run
/// as a GEMM with the output pixels as rows (<see cref="PixelRowsConv"/>).
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe partial class Conv2d
{
    /// <summary>True when <see cref="Forward"/> runs <paramref name="s"/> by Winograd (never with <see cref="Conv2dShape.CompactWeights"/>).</summary>
    private static bool UsesWinograd(in Conv2dShape s) => !s.CompactWeights && !PixelRowsConv.Applies(s) && Winograd.Applies(s);

    /// <summary>
    /// Floats <see cref="PackWeights"/> writes for this shape: the PyTorch weight for depthwise convolutions, the layouts of
    /// the pixel-rows, direct and Winograd kernels where they run, otherwise per group the GEMM A operand in row panels of
    /// <see cref="Gemm.PanelRows"/> output channels (zero-padded).
    /// </summary>
    public static int PackedWeightLength(in Conv2dShape s)
    {
        if (s.IsDepthwise) return s.WeightLength;
        if (PixelRowsConv.Applies(s)) return PixelRowsConv.PackedWeightLength(s);
        if (DirectConv.Applies(s)) return DirectConv.PackedWeightLength(s);
        if (UsesWinograd(s)) return Winograd.PackedWeightLength(s);
        int cout = s.OutChannels / s.Groups, k = s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth;
        return s.Groups * Gemm.PackedALength(cout, k);
    }

    /// <summary>
    /// Converts a PyTorch weight [OutC, InC/Groups, KH, KW] into the layout <see cref="Forward"/> reads.
    /// Call once at load time.
    /// </summary>
    /// <param name="s">Convolution shape.</param>
    /// <param name="torchWeight">Weight as PyTorch stores it, <see cref="Conv2dShape.WeightLength"/> floats.</param>
    /// <param name="packed">Destination, at least <see cref="PackedWeightLength"/> floats.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span has the wrong length.</exception>
    public static void PackWeights(in Conv2dShape s, ReadOnlySpan<float> torchWeight, Span<float> packed)
    {
        s.Validate();
        if (torchWeight.Length != s.WeightLength)
            throw new ArgumentException($"Weight needs {s.WeightLength} floats [OutC, InC/G, KH, KW], got {torchWeight.Length}.", nameof(torchWeight));
        if (packed.Length < PackedWeightLength(s))
            throw new ArgumentException($"Packed weight needs {PackedWeightLength(s)} floats, got {packed.Length}.", nameof(packed));
        if (s.IsDepthwise)
        {
            torchWeight.CopyTo(packed);
            return;
        }
        if (PixelRowsConv.Applies(s))
        {
            PixelRowsConv.PackWeights(s, torchWeight, packed);
            return;
        }
        if (DirectConv.Applies(s))
        {
            DirectConv.PackWeights(s, torchWeight, packed);
            return;
        }
        if (UsesWinograd(s))
        {
            Winograd.PackWeights(s, torchWeight, packed);
            return;
        }
        // Per group, the row-major [OutC/G, InC/G·KH·KW] GEMM operand, re-laid out as the micro-kernel's A panels.
        int cout = s.OutChannels / s.Groups, k = s.InChannels / s.Groups * s.KernelHeight * s.KernelWidth;
        int groupLength = Gemm.PackedALength(cout, k);
        for (int g = 0; g < s.Groups; g++)
            Gemm.PackA(cout, k, torchWeight.Slice(g * cout * k, cout * k), packed.Slice(g * groupLength, groupLength));
    }

    /// <summary>
    /// Runs the convolution: output = act(conv(input, weight) + bias + residual), written once.
    /// </summary>
    /// <param name="s">Convolution shape.</param>
    /// <param name="input">CHW input, at least <see cref="Conv2dShape.InputLength"/> floats.</param>
    /// <param name="packedWeight">Weight from <see cref="PackWeights"/>.</param>
    /// <param name="bias">OutChannels floats, or empty for no bias.</param>
    /// <param name="residual">CHW tensor of <see cref="Conv2dShape.OutputLength"/> floats added after the bias, or empty.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">CHW output, at least <see cref="Conv2dShape.OutputLength"/> floats. Must not overlap the input, weight or scratch.</param>
    /// <param name="scratch">At least <see cref="Conv2dShape.ScratchLength"/> floats of working memory.</param>
    /// <exception cref="ArgumentException">Invalid shape or a span is too short.</exception>
    public static void Forward(in Conv2dShape s, ReadOnlySpan<float> input, ReadOnlySpan<float> packedWeight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, Span<float> scratch)
    {
        s.Validate();
        if (input.Length < s.InputLength) throw new ArgumentException($"Input needs {s.InputLength} floats, got {input.Length}.", nameof(input));
        if (packedWeight.Length < PackedWeightLength(s)) throw new ArgumentException($"Packed weight needs {PackedWeightLength(s)} floats, got {packedWeight.Length}.", nameof(packedWeight));
        if (!bias.IsEmpty && bias.Length < s.OutChannels) throw new ArgumentException($"Bias needs {s.OutChannels} floats or none, got {bias.Length}.", nameof(bias));
        if (!residual.IsEmpty && residual.Length < s.OutputLength) throw new ArgumentException($"Residual needs {s.OutputLength} floats or none, got {residual.Length}.", nameof(residual));
        if (output.Length < s.OutputLength) throw new ArgumentException($"Output needs {s.OutputLength} floats, got {output.Length}.", nameof(output));
        if (scratch.Length < s.ScratchLength) throw new ArgumentException($"Scratch needs {s.ScratchLength} floats, got {scratch.Length}.", nameof(scratch));

        fixed (float* px = input) fixed (float* pw = packedWeight) fixed (float* pb = bias) fixed (float* pr = residual)
        fixed (float* py = output) fixed (float* ps = scratch)
        {
            float* b = bias.IsEmpty ? null : pb;
            float* r = residual.IsEmpty ? null : pr;
            if (s.IsDepthwise)
            {
                var dw = new ConvJob { Shape = s, X = px, W = pw, Bias = b, Res = r, Act = activation, Y = py };
                RunSplit(&DepthwisePart, &dw, s.InChannels, (long)s.OutputLength * s.KernelHeight * s.KernelWidth);
                return;
            }
            if (PixelRowsConv.Applies(s))
            {
                PixelRowsConv.Forward(s, px, pw, b, r, activation, py, ps);
                return;
            }
            if (DirectConv.Applies(s))
            {
                DirectConv.Forward(s, px, pw, b, r, activation, py, ps);
                return;
            }
            if (UsesWinograd(s))
            {
                Winograd.Forward(s, px, pw, b, r, activation, py, ps);
                return;
            }
            int g = s.Groups;
            int cin = s.InChannels / g, cout = s.OutChannels / g;
            int spatialIn = s.InHeight * s.InWidth, n = s.OutHeight * s.OutWidth;
            int k = cin * s.KernelHeight * s.KernelWidth;
            for (int gi = 0; gi < g; gi++)
            {
                float* xg = px + (long)gi * cin * spatialIn;
                long outOffset = (long)gi * cout * n;
                if (!s.IsPointwise)
                {
                    // Implicit GEMM: the GEMM packs its B panels straight from the image, no im2col matrix.
                    var src = new ConvSource
                    {
                        X = xg, H = s.InHeight, W = s.InWidth, OW = s.OutWidth, KH = s.KernelHeight, KW = s.KernelWidth,
                        SH = s.StrideHeight, SW = s.StrideWidth,
                        PH = s.PadHeight, PW = s.PadWidth, DH = s.DilationHeight, DW = s.DilationWidth,
                    };
                    Gemm.MultiplyUnchecked(cout, n, k, pw + (long)gi * Gemm.PackedALength(cout, k), aPacked: true, null, &src, py + outOffset,
                        b == null ? null : b + gi * cout, r == null ? null : r + outOffset, activation);
                    continue;
                }
                Gemm.MultiplyUnchecked(cout, n, k, pw + (long)gi * Gemm.PackedALength(cout, k), aPacked: true, xg, null, py + outOffset,
                    b == null ? null : b + gi * cout, r == null ? null : r + outOffset, activation);
            }
        }
    }

    /// <summary>
    /// Runs the kernels <see cref="Forward"/> picks for <paramref name="s"/> once, on a small copy of it (<see cref="WarmUpShape"/>:
    /// same algorithm, geometry and vector widths, a few channels) and zeros, so the JIT compiles them before the first
    /// real call (<see cref="KernelWarmUp"/>). Its tensors come from the calling thread's warm-up buffer
    /// (<see cref="KernelWarmUp.Buffer"/>); the result is discarded.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid shape.</exception>
    public static void WarmUp(in Conv2dShape s, Activation activation)
    {
        s.Validate();
        Conv2dShape m = WarmUpShape(s);
        int packed = PackedWeightLength(m);
        Span<float> all = KernelWarmUp.Buffer((long)m.WeightLength + packed + m.InputLength + m.OutChannels + 2L * m.OutputLength + m.ScratchLength);
        Span<float> torch = Take(ref all, m.WeightLength), weight = Take(ref all, packed), input = Take(ref all, m.InputLength);
        Span<float> bias = Take(ref all, m.OutChannels), residual = Take(ref all, m.OutputLength), output = Take(ref all, m.OutputLength);
        PackWeights(m, torch, weight);
        Forward(m, input, weight, bias, residual, activation, output, all);

        static Span<float> Take(ref Span<float> rest, int length)
        {
            Span<float> part = rest[..length];
            rest = rest[length..];
            return part;
        }
    }

    /// <summary>
    /// <paramref name="s"/> with as few channels as keep its algorithm (<see cref="AlgorithmFor"/>) and the kernels that
    /// algorithm runs: the spatial geometry decides the GEMM's column tails, the depthwise kernel's vector width and the
    /// strided packing, so it stays; the channels only repeat the same code. Winograd keeps 16 (its channel blocks), the
    /// output-pixel GEMM up to 16 input and 48 output channels (three vectors of lanes, plus the remainder past whole
    /// vectors), the direct kernel up to 4 input channels and all its (at most 12) outputs, the other GEMMs up to 4 input
    /// channels and one or two row panels of outputs.
    /// </summary>
    internal static Conv2dShape WarmUpShape(in Conv2dShape s)
    {
        Conv2dAlgorithm algorithm = AlgorithmFor(s);
        if (s.IsDepthwise) return s with { InChannels = Math.Min(s.Groups, 2), OutChannels = Math.Min(s.Groups, 2), Groups = Math.Min(s.Groups, 2) };
        int cin = s.InChannels / s.Groups, cout = s.OutChannels / s.Groups;
        (cin, cout) = algorithm switch
        {
            Conv2dAlgorithm.Winograd => (16, 16),
            Conv2dAlgorithm.PixelRowsGemm => (Math.Min(cin, 16), Math.Min(cout, 48 + cout % 16)),
            Conv2dAlgorithm.Direct => (Math.Min(cin, 4), cout),
            _ => (Math.Min(cin, 4), Math.Min(cout, Gemm.PanelRows + cout % Gemm.PanelRows)),
        };
        Conv2dShape m = s with { InChannels = cin, OutChannels = cout, Groups = 1 };
        // A tiny convolution (one input and one output channel) counts as depthwise; keep two outputs then.
        if (m.IsDepthwise && !s.IsDepthwise) m = m with { OutChannels = 2 };
        // A GEMM's copy with few channels in one group could run by the direct kernel: three row panels of outputs,
        // or two groups (each its own GEMM), keep the GEMM.
        if (AlgorithmFor(m) == Conv2dAlgorithm.Direct && algorithm != Conv2dAlgorithm.Direct)
        {
            int groupOut = s.OutChannels / s.Groups;
            Conv2dShape wider = m with { OutChannels = Math.Min(groupOut, 3 * Gemm.PanelRows + groupOut % Gemm.PanelRows) };
            m = AlgorithmFor(wider) == algorithm ? wider : m with { InChannels = 2 * m.InChannels, OutChannels = 2 * m.OutChannels, Groups = 2 };
        }
        return AlgorithmFor(m) == algorithm && (long)m.InChannels * m.OutChannels <= (long)s.InChannels * s.OutChannels ? m : s;
    }

    /// <summary>Arguments of a channel-split piece of work (depthwise convolution), on the caller's stack.</summary>
    private struct ConvJob
    {
        public Conv2dShape Shape;
        public float* X, W, Bias, Res, Y;
        public Activation Act;
    }

    /// <summary>Splits <paramref name="channels"/> evenly across <see cref="CpuThreads"/> when the work is worth it.</summary>
    private static void RunSplit(delegate*<void*, int, int, void> part, ConvJob* job, int channels, long work)
    {
        int parts = Math.Min(CpuThreads.Count, channels);
        if (work < 1 << 15) parts = 1;
        WorkerPool.Run(part, job, parts);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DepthwisePart(void* context, int part, int parts)
    {
        ref ConvJob j = ref *(ConvJob*)context;
        var (c0, c1) = WorkerPool.Range(j.Shape.InChannels, part, parts);
        if (c1 <= c0) return;
        DepthwiseConv.Run(j.Shape, j.X, j.W, j.Bias, j.Res, j.Act, j.Y, c0, c1);
    }
}
