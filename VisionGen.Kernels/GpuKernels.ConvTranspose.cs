using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// 2-D transposed convolution with a fused bias and activation, as VisionGen.Cpu.ConvTranspose2d.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvTranspose2dShape, Activation, int, int> _convTranspose = null!;

    private void LoadConvTranspose() =>
        _convTranspose = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvTranspose2dShape, Activation, int, int>(ConvTransposeKernel);

    /// <summary>
    /// Transposed convolution (<c>nn.ConvTranspose2d</c>) of <paramref name="batch"/> NCHW samples: output =
    /// act(conv_transpose(input, weight) + bias), as <c>VisionGen.Cpu.ConvTranspose2d.Forward</c> per sample. Takes
    /// the weight unpacked, in PyTorch's layout [InC, OutC/Groups, KH, KW]; one thread per output element gathers
    /// every input pixel and tap that lands on it.
    /// </summary>
    /// <param name="s">Per-sample shape (validated).</param>
    /// <param name="input">N·InC·H·W floats.</param>
    /// <param name="weight">s.WeightLength floats, PyTorch layout.</param>
    /// <param name="bias">OutC floats, or an empty view.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">N·OutC·OH·OW floats; must not overlap the input or weight.</param>
    /// <param name="batch">N.</param>
    public void ConvTranspose2d(in ConvTranspose2dShape s, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias,
        Activation activation, ArrayView<float> output, int batch = 1)
    {
        s.Validate();
        CheckActivation(activation);
        Positive(batch, nameof(batch));
        int inLength = LaunchLength((long)batch * s.InChannels * s.InHeight * s.InWidth, nameof(input));
        int outLength = LaunchLength((long)batch * s.OutChannels * s.OutHeight * s.OutWidth, nameof(output));
        int weightLength = LaunchLength((long)s.InChannels * (s.OutChannels / s.Groups) * s.KernelHeight * s.KernelWidth, nameof(weight));
        Need(input, inLength, nameof(input));
        Need(weight, weightLength, nameof(weight));
        NeedOptional(bias, s.OutChannels, nameof(bias));
        Need(output, outLength, nameof(output));
        CheckOverlap(input, inLength, output, outLength, nameof(input), sameStartAllowed: false);
        CheckOverlap(weight, weightLength, output, outLength, nameof(weight), sameStartAllowed: false);
        CheckOverlap(bias, bias.Length == 0 ? 0 : s.OutChannels, output, outLength, nameof(bias), sameStartAllowed: false);
        _convTranspose(Launch(), GridStride(outLength), input, weight, OrDummy(bias), output, s, activation, batch, bias.Length == 0 ? 0 : 1);
    }

    // ---- device code ----

    /// <summary>
    /// Output (oy, ox) receives input (iy, ix) through tap (kh, kw) when oy + pad − kh·dilation = iy·stride: for each
    /// tap whose offset is a whole multiple of the stride inside the input, the thread sums over the group's input
    /// channels.
    /// </summary>
    private static void ConvTransposeKernel(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y,
        ConvTranspose2dShape s, Activation activation, int batch, int hasBias)
    {
        int coutPerGroup = s.OutChannels / s.Groups, cinPerGroup = s.InChannels / s.Groups;
        int kArea = s.KernelHeight * s.KernelWidth, inPlane = s.InHeight * s.InWidth;
        int weightChannelStride = coutPerGroup * kArea; // between consecutive input channels
        int n = batch * s.OutChannels * s.OutHeight * s.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % s.OutWidth;
            int t = i / s.OutWidth;
            int oy = t % s.OutHeight;
            t /= s.OutHeight;
            int oc = t % s.OutChannels;
            int sample = t / s.OutChannels;
            int g = oc / coutPerGroup, ocInGroup = oc - g * coutPerGroup;
            int xBase = (sample * s.InChannels + g * cinPerGroup) * inPlane;
            int wBase = (g * cinPerGroup * coutPerGroup + ocInGroup) * kArea; // weight[g·cinPerGroup + ic, ocInGroup, kh, kw]
            float acc = 0f;
            for (int kh = 0; kh < s.KernelHeight; kh++)
            {
                int ty = oy + s.PadHeight - kh * s.DilationHeight;
                if (ty < 0) break; // only falls further with kh
                int iy = ty / s.StrideHeight;
                if (iy * s.StrideHeight != ty || iy >= s.InHeight) continue;
                for (int kw = 0; kw < s.KernelWidth; kw++)
                {
                    int tx = ox + s.PadWidth - kw * s.DilationWidth;
                    if (tx < 0) break;
                    int ix = tx / s.StrideWidth;
                    if (ix * s.StrideWidth != tx || ix >= s.InWidth) continue;
                    int xi = xBase + iy * s.InWidth + ix, wi = wBase + kh * s.KernelWidth + kw;
                    for (int ic = 0; ic < cinPerGroup; ic++)
                        acc += x[xi + ic * inPlane] * w[wi + ic * weightChannelStride];
                }
            }
            if (hasBias != 0) acc += bias[oc];
            y[i] = activation.Apply(acc);
        }
    }
}
