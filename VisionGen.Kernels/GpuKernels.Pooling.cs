using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Max, average and global-average pooling (PyTorch semantics, as VisionGen.Cpu.Pool2d).
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, Pool2dShape, int> _pool = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _globalAverage = null!;

    private void LoadPooling()
    {
        _pool = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, Pool2dShape, int>(PoolKernel);
        _globalAverage = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, int, int>(GlobalAverageKernel);
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

    /// <summary>Mean of each of <paramref name="channels"/> planes of <paramref name="spatial"/> values (one group per plane).</summary>
    /// <param name="input">channels·spatial floats.</param>
    /// <param name="output">channels floats.</param>
    /// <param name="channels">Planes (N·C for a batch).</param>
    /// <param name="spatial">H·W.</param>
    public void GlobalAvgPool(ArrayView<float> input, ArrayView<float> output, int channels, int spatial)
    {
        Positive(channels, nameof(channels)); Positive(spatial, nameof(spatial));
        Need(input, (long)channels * spatial, nameof(input));
        Need(output, channels, nameof(output));
        _globalAverage(Stream, Reduce(Math.Min(channels, _maxGroups * 4)), input, output, channels, spatial);
    }

    private void Pool(in Pool2dShape shape, ArrayView<float> input, ArrayView<float> output, bool max)
    {
        shape.Validate();
        Need(input, shape.InputLength, nameof(input));
        Need(output, shape.OutputLength, nameof(output));
        _pool(Stream, GridStride(shape.OutputLength), input, output, shape, max ? 1 : 0);
    }

    private static void PoolKernel(ArrayView<float> x, ArrayView<float> y, Pool2dShape s, int max)
    {
        int n = s.Channels * s.OutHeight * s.OutWidth;
        for (int i = Grid.GlobalIndex.X; i < n; i += GlobalStride())
        {
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
}
