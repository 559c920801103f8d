using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Max, average and global-average pooling (PyTorch semantics, as VisionGen.Cpu.Pool2d).
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, Pool2dShape, int> _pool = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _globalAverage = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, AdaptiveArgs> _adaptive = null!;

    internal struct AdaptiveArgs
    {
        public int Planes, InHeight, InWidth, OutHeight, OutWidth, Max;
    }

    private void LoadPooling()
    {
        _pool = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, Pool2dShape, int>(PoolKernel);
        _globalAverage = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(GlobalAverageKernel);
        _adaptive = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, AdaptiveArgs>(AdaptivePoolKernel);
    }

    /// <summary>
    /// <c>F.adaptive_avg_pool2d</c> of <paramref name="planes"/> planes, as <c>VisionGen.Cpu.Pool2d.AdaptiveAverage</c>: output
    /// (oy, ox) averages rows [⌊oy·inH/outH⌋, ⌈(oy + 1)·inH/outH⌉) and the columns likewise.
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="input">planes·inHeight·inWidth floats.</param>
    /// <param name="output">planes·outHeight·outWidth floats; must not overlap the input.</param>
    public void AdaptiveAvgPool(int planes, int inHeight, int inWidth, int outHeight, int outWidth, ArrayView<float> input, ArrayView<float> output)
        => Adaptive(planes, inHeight, inWidth, outHeight, outWidth, input, output, max: false);

    /// <summary>
    /// <c>F.adaptive_max_pool2d</c> of <paramref name="planes"/> planes over the same bins as
    /// <see cref="AdaptiveAvgPool"/>; NaN propagates as in PyTorch (as <c>VisionGen.Cpu.Pool2d.AdaptiveMax</c>).
    /// </summary>
    /// <param name="planes">Planes (N·C).</param>
    /// <param name="inHeight">Input height.</param>
    /// <param name="inWidth">Input width.</param>
    /// <param name="outHeight">Output height.</param>
    /// <param name="outWidth">Output width.</param>
    /// <param name="input">planes·inHeight·inWidth floats.</param>
    /// <param name="output">planes·outHeight·outWidth floats; must not overlap the input.</param>
    public void AdaptiveMaxPool(int planes, int inHeight, int inWidth, int outHeight, int outWidth, ArrayView<float> input, ArrayView<float> output)
        => Adaptive(planes, inHeight, inWidth, outHeight, outWidth, input, output, max: true);

    private void Adaptive(int planes, int inHeight, int inWidth, int outHeight, int outWidth, ArrayView<float> input, ArrayView<float> output, bool max)
    {
        Positive(planes, nameof(planes)); Positive(inHeight, nameof(inHeight)); Positive(inWidth, nameof(inWidth));
        Positive(outHeight, nameof(outHeight)); Positive(outWidth, nameof(outWidth));
        int inLength = LaunchLength((long)planes * inHeight * inWidth, nameof(input));
        int n = LaunchLength((long)planes * outHeight * outWidth, nameof(output));
        Need(input, inLength, nameof(input));
        Need(output, n, nameof(output));
        CheckOverlap(input, inLength, output, n, nameof(input), sameStartAllowed: false);
        var args = new AdaptiveArgs { Planes = planes, InHeight = inHeight, InWidth = inWidth, OutHeight = outHeight, OutWidth = outWidth, Max = max ? 1 : 0 };
        _adaptive(Launch(), GridStride(n), input, output, args);
    }

    /// <summary>Max pooling; padding never wins, NaN propagates (as <see cref="Pool2d.Max"/>). For a batch, pass Channels = N·C.</summary>
    /// <param name="shape">Pooling shape (validated).</param>
    /// <param name="input">CHW input.</param>
    /// <param name="output">CHW output; must not overlap the input.</param>
    public void MaxPool(in Pool2dShape shape, ArrayView<float> input, ArrayView<float> output) => Pool(shape, input, output, max: true);

    /// <summary>Average pooling with count_include_pad (as <see cref="Pool2d.Average"/>). For a batch, pass Channels = N·C.</summary>
    /// <param name="shape">Pooling shape (validated).</param>
    /// <param name="input">CHW input.</param>
    /// <param name="output">CHW output; must not overlap the input.</param>
    public void AvgPool(in Pool2dShape shape, ArrayView<float> input, ArrayView<float> output) => Pool(shape, input, output, max: false);

    /// <summary>
    /// Mean of each of <paramref name="channels"/> planes of <paramref name="spatial"/> values (one group per plane), as
    /// <see cref="Pool2d.GlobalAverage"/>.
    /// </summary>
    /// <param name="channels">Planes (N·C for a batch).</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="input">channels·spatial floats.</param>
    /// <param name="output">channels floats.</param>
    public void GlobalAvgPool(int channels, int spatial, ArrayView<float> input, ArrayView<float> output)
    {
        Positive(channels, nameof(channels)); Positive(spatial, nameof(spatial));
        LaunchLength((long)channels * spatial, nameof(spatial));
        Need(input, (long)channels * spatial, nameof(input));
        Need(output, channels, nameof(output));
        _globalAverage(Launch(), Reduce(Math.Min(channels, _maxGroups * 4)), input, output, channels, spatial);
    }

    private void Pool(in Pool2dShape shape, ArrayView<float> input, ArrayView<float> output, bool max)
    {
        shape.Validate();
        Need(input, shape.InputLength, nameof(input));
        Need(output, shape.OutputLength, nameof(output));
        _pool(Launch(), GridStride(shape.OutputLength), input, output, shape, max ? 1 : 0);
    }

    private static void PoolKernel(ArrayView<float> x, ArrayView<float> y, Pool2dShape s, int max)
    {
        int n = s.Channels * s.OutHeight * s.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % s.OutWidth;
            int t = i / s.OutWidth;
            int oy = t % s.OutHeight;
            int c = t / s.OutHeight;
            int h0 = oy * s.Stride - s.Padding, w0 = ox * s.Stride - s.Padding;
            int plane = c * s.InHeight * s.InWidth;
            float acc = max != 0 ? float.NegativeInfinity : 0f;
            for (int kh = 0; kh < s.Kernel; kh++)
            {
                int iy = h0 + kh;
                if (iy < 0 || iy >= s.InHeight) continue;
                for (int kw = 0; kw < s.Kernel; kw++)
                {
                    int ix = w0 + kw;
                    if (ix < 0 || ix >= s.InWidth) continue;
                    float v = x[plane + iy * s.InWidth + ix];
                    if (max != 0)
                    {
                        if (v > acc || float.IsNaN(v)) acc = v;
                    }
                    else
                    {
                        acc += v;
                    }
                }
            }
            if (max == 0)
            {
                // count_include_pad: the window clipped to the padded input, not to the image.
                int hEnd = h0 + s.Kernel, wEnd = w0 + s.Kernel;
                if (hEnd > s.InHeight + s.Padding) hEnd = s.InHeight + s.Padding;
                if (wEnd > s.InWidth + s.Padding) wEnd = s.InWidth + s.Padding;
                acc /= (hEnd - h0) * (wEnd - w0);
            }
            y[i] = acc;
        }
    }

    private static void GlobalAverageKernel(ArrayView<float> x, ArrayView<float> y, int channels, int spatial)
    {
        var shared = SharedMemory.GetDynamic<float>();
        for (int c = Grid.IdxX; c < channels; c += Grid.DimX)
        {
            int start = c * spatial;
            float s = 0f;
            for (int i = Group.IdxX; i < spatial; i += Group.DimX) s += x[start + i];
            s = GroupSum(shared, s);
            if (Group.IdxX == 0) y[c] = s * (1f / spatial);
        }
    }

    /// <summary>PyTorch's adaptive bin along one axis: [⌊o·in/out⌋, ⌈(o + 1)·in/out⌉), in 64-bit so o·in cannot wrap.</summary>
    private static int BinStart(int o, int input, int output) => (int)((long)o * input / output);

    private static int BinEnd(int o, int input, int output) => (int)(((long)(o + 1) * input + output - 1) / output);

    /// <summary>One thread per output: the max (NaN wins) or the mean of its bin, summed then divided by rows and columns as ATen.</summary>
    private static void AdaptivePoolKernel(ArrayView<float> x, ArrayView<float> y, AdaptiveArgs p)
    {
        int n = p.Planes * p.OutHeight * p.OutWidth;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ox = i % p.OutWidth;
            int t = i / p.OutWidth;
            int oy = t % p.OutHeight;
            int plane = t / p.OutHeight;
            int h0 = BinStart(oy, p.InHeight, p.OutHeight), h1 = BinEnd(oy, p.InHeight, p.OutHeight);
            int w0 = BinStart(ox, p.InWidth, p.OutWidth), w1 = BinEnd(ox, p.InWidth, p.OutWidth);
            int planeBase = plane * p.InHeight * p.InWidth;
            float acc = p.Max != 0 ? float.NegativeInfinity : 0f;
            for (int iy = h0; iy < h1; iy++)
            {
                int row = planeBase + iy * p.InWidth;
                for (int ix = w0; ix < w1; ix++)
                {
                    float v = x[row + ix];
                    if (p.Max != 0)
                    {
                        if (v > acc || float.IsNaN(v)) acc = v;
                    }
                    else
                    {
                        acc += v;
                    }
                }
            }
            if (p.Max == 0) acc = acc / (h1 - h0) / (w1 - w0);
            y[i] = acc;
        }
    }
}
