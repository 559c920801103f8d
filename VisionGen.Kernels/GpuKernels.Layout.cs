using ILGPU;
using ILGPU.Runtime;

namespace VisionGen.Kernels;

// Layout changes: detection heads write their outputs location-major, as torchvision's permute + reshape.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _channelsLast;

    /// <summary>
    /// C×S → S×C (all channels of one location together), as <see cref="VisionGen.Cpu.Layout.ToChannelsLast"/>.
    /// The kernel is compiled on first use and kept.
    /// </summary>
    /// <param name="input">C·S values, channel planes.</param>
    /// <param name="output">C·S values, location-major; must not alias the input.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">S = H·W.</param>
    public void ChannelsLast(ArrayView<float> input, ArrayView<float> output, int channels, int spatial)
    {
        Positive(channels, nameof(channels));
        Positive(spatial, nameof(spatial));
        Need(input, (long)channels * spatial, nameof(input));
        Need(output, (long)channels * spatial, nameof(output));
        _channelsLast ??= _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(ChannelsLastKernel);
        _channelsLast(Stream, GridStride((long)channels * spatial), input, output, channels, spatial);
    }

    private static void ChannelsLastKernel(ArrayView<float> x, ArrayView<float> y, int channels, int spatial)
    {
        int n = channels * spatial;
        // One thread per output element: consecutive threads write consecutive addresses.
        for (int i = Grid.GlobalIndex.X; i < n; i += GlobalStride())
        {
            int s = i / channels, c = i - s * channels;
            y[i] = x[c * spatial + s];
        }
    }
}
