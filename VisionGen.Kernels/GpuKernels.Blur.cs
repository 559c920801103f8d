using ILGPU;
using ILGPU.Runtime;
using VisionGen.Imaging;
using VisionGen.Ops;

namespace VisionGen.Kernels;

// Separable Gaussian blur of planar float images with OpenCV border modes, as VisionGen.Imaging.GaussianBlur.ApplyPlanar.
public sealed partial class GpuKernels
{
    /// <summary>Output rows one thread of the vertical pass computes (the tile is this many times the group height).</summary>
    private const int BlurRowsPerThread = 4;

    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs> _blurRows = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs> _blurColumns = null!;
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs> _blurFused = null!;

    internal struct BlurArgs
    {
        public int Width, Height, Planes, Radius, Border;

        /// <summary>The vertical taps' radius where one launch does both passes (<see cref="BlurFusedKernel"/>).</summary>
        public int RadiusY;
    }

    private void LoadBlur()
    {
        _blurRows = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs>(BlurRowsKernel);
        _blurColumns = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs>(BlurColumnsKernel);
        _blurFused = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BlurArgs>(BlurFusedKernel);
    }

    /// <summary>
    /// Writes OpenCV's normalized Gaussian taps (<c>getGaussianKernel</c>, in float) for a kernel size and sigma,
    /// as <see cref="GaussianBlur"/> uses them; upload them once and pass them to <see cref="GaussianBlur"/>.
    /// Allocates a small temporary: call at setup, not per frame.
    /// </summary>
    /// <param name="kernelSize">Odd size, or 0 to derive it from sigma as OpenCV does for float images.</param>
    /// <param name="sigma">Standard deviation; ≤ 0 derives it from the size.</param>
    /// <returns>The taps.</returns>
    public static float[] GaussianTaps(int kernelSize, double sigma)
    {
        if (kernelSize == 0) kernelSize = GaussianKernel.SizeFromSigma(sigma, eightBit: false);
        double[] taps = GaussianKernel.Compute(kernelSize, sigma);
        var result = new float[taps.Length];
        for (int i = 0; i < taps.Length; i++) result[i] = (float)taps[i];
        return result;
    }

    /// <summary>
    /// Separable blur of <paramref name="planes"/> planes. One launch where a tile with its halo fits a group's shared
    /// memory (the usual kernel sizes): each group loads its input tile plus the halo once, runs the horizontal pass
    /// into shared memory and the vertical pass out of it, so the image is read once and written once. Otherwise a
    /// horizontal pass into <paramref name="temp"/>, then a vertical pass into <paramref name="output"/>. Both give the
    /// same values: the same taps summed in the same order, and rows beyond the edge made up from the input first.
    /// </summary>
    /// <param name="input">planes·height·width floats.</param>
    /// <param name="temp">Same size; holds the horizontal pass.</param>
    /// <param name="output">Same size; must not overlap the input or temp.</param>
    /// <param name="tapsX">Odd number of horizontal taps (see <see cref="GaussianTaps"/>).</param>
    /// <param name="kernelSizeX">Taps in <paramref name="tapsX"/>.</param>
    /// <param name="tapsY">Odd number of vertical taps.</param>
    /// <param name="kernelSizeY">Taps in <paramref name="tapsY"/>.</param>
    /// <param name="width">Plane width.</param>
    /// <param name="height">Plane height.</param>
    /// <param name="planes">Planes (channels of a CHW image).</param>
    /// <param name="border">How pixels outside the plane are made up (Constant uses 0).</param>
    public void GaussianBlur(ArrayView<float> input, ArrayView<float> temp, ArrayView<float> output,
        ArrayView<float> tapsX, int kernelSizeX, ArrayView<float> tapsY, int kernelSizeY,
        int width, int height, int planes, BorderMode border = BorderMode.Reflect101)
    {
        var args = CheckBlur(input, temp, tapsX, kernelSizeX, width, height, planes, border);
        args.RadiusY = CheckBlur(temp, output, tapsY, kernelSizeY, width, height, planes, border).Radius;
        int groupX = Math.Min(32, _threads), groupY = _threads / groupX, tileRows = groupY * BlurRowsPerThread;
        long spanRows = tileRows + 2L * args.RadiusY, spanCols = groupX + 2L * args.Radius;
        long floats = spanRows * spanCols + spanRows * groupX + kernelSizeX + kernelSizeY;
        if (floats * sizeof(float) > _accelerator.MaxSharedMemoryPerGroup)
        {
            BlurRows(input, temp, tapsX, kernelSizeX, width, height, planes, border);
            BlurColumns(temp, output, tapsY, kernelSizeY, width, height, planes, border);
            return;
        }
        long n = (long)planes * width * height;
        CheckOverlap(input, n, output, n, nameof(input), sameStartAllowed: false);
        GridExtent(planes, "A blur over {0} planes", planes, nameof(planes));
        GridExtent((height + tileRows - 1L) / tileRows, "A blur over {0} rows", height, nameof(height));
        var config = new KernelConfig(new Index3D((width + groupX - 1) / groupX, (height + tileRows - 1) / tileRows, planes),
            new Index3D(groupX, groupY, 1), SharedFloats((int)floats, nameof(kernelSizeX)));
        _blurFused(Launch(), config, input, output, tapsX, tapsY, args);
    }

    /// <summary>Horizontal pass of <see cref="GaussianBlur"/> (any odd 1-D kernel along rows).</summary>
    /// <param name="input">planes·height·width floats.</param>
    /// <param name="output">Same size; must not overlap the input.</param>
    /// <param name="taps">Odd number of taps.</param>
    /// <param name="kernelSize">Taps in <paramref name="taps"/>.</param>
    /// <param name="width">Plane width.</param>
    /// <param name="height">Plane height.</param>
    /// <param name="planes">Planes.</param>
    /// <param name="border">Border mode.</param>
    public void BlurRows(ArrayView<float> input, ArrayView<float> output, ArrayView<float> taps, int kernelSize,
        int width, int height, int planes, BorderMode border = BorderMode.Reflect101)
    {
        var args = CheckBlur(input, output, taps, kernelSize, width, height, planes, border);
        int groupX = _threads;
        GridExtent(height, "A blur over {0} rows", height, nameof(height));
        GridExtent(planes, "A blur over {0} planes", planes, nameof(planes));
        var config = new KernelConfig(new Index3D((width + groupX - 1) / groupX, height, planes), new Index3D(groupX, 1, 1),
            SharedFloats(groupX + 2 * args.Radius + kernelSize, nameof(kernelSize)));
        _blurRows(Launch(), config, input, output, taps, args);
    }

    /// <summary>Vertical pass of <see cref="GaussianBlur"/> (any odd 1-D kernel along columns).</summary>
    /// <param name="input">planes·height·width floats.</param>
    /// <param name="output">Same size; must not overlap the input.</param>
    /// <param name="taps">Odd number of taps.</param>
    /// <param name="kernelSize">Taps in <paramref name="taps"/>.</param>
    /// <param name="width">Plane width.</param>
    /// <param name="height">Plane height.</param>
    /// <param name="planes">Planes.</param>
    /// <param name="border">Border mode.</param>
    public void BlurColumns(ArrayView<float> input, ArrayView<float> output, ArrayView<float> taps, int kernelSize,
        int width, int height, int planes, BorderMode border = BorderMode.Reflect101)
    {
        var args = CheckBlur(input, output, taps, kernelSize, width, height, planes, border);
        int groupX = Math.Min(32, _threads), groupY = _threads / groupX;
        int tileRows = groupY * BlurRowsPerThread;
        GridExtent(planes, "A blur over {0} planes", planes, nameof(planes));
        var config = new KernelConfig(new Index3D((width + groupX - 1) / groupX, (height + tileRows - 1) / tileRows, planes),
            new Index3D(groupX, groupY, 1), SharedFloats((tileRows + 2 * args.Radius) * groupX + kernelSize, nameof(kernelSize)));
        _blurColumns(Launch(), config, input, output, taps, args);
    }

    private static BlurArgs CheckBlur(ArrayView<float> input, ArrayView<float> output, ArrayView<float> taps, int kernelSize,
        int width, int height, int planes, BorderMode border)
    {
        Positive(width, nameof(width)); Positive(height, nameof(height)); Positive(planes, nameof(planes));
        if (kernelSize <= 0 || (kernelSize & 1) == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "Kernel size must be odd and positive.");
        if (border is not (BorderMode.Constant or BorderMode.Replicate or BorderMode.Reflect or BorderMode.Reflect101))
            throw new ArgumentOutOfRangeException(nameof(border), border, "Border mode must be Constant, Replicate, Reflect or Reflect101.");
        long n = (long)planes * width * height;
        if (n > int.MaxValue) throw new ArgumentException($"Image of {n} values exceeds the 2^31 elements a launch addresses.");
        Need(input, n, nameof(input));
        Need(output, n, nameof(output));
        Need(taps, kernelSize, nameof(taps));
        return new BlurArgs { Width = width, Height = height, Planes = planes, Radius = kernelSize / 2, Border = (int)border };
    }

    // ---- device code ----

    /// <summary>Source index for p in [0, length) under an OpenCV border mode, or −1 for a constant (zero) pixel.</summary>
    internal static int BorderIndex(int p, int length, int border)
    {
        if (p >= 0 && p < length) return p;
        if (border == (int)BorderMode.Replicate) return p < 0 ? 0 : length - 1;
        if (border == (int)BorderMode.Reflect || border == (int)BorderMode.Reflect101)
        {
            if (length == 1) return 0;
            int delta = border == (int)BorderMode.Reflect101 ? 1 : 0;
            // Reflect repeatedly for windows wider than the image, as OpenCV's borderInterpolate does.
            while (p < 0 || p >= length) p = p < 0 ? -p - 1 + delta : 2 * length - 1 - p - delta;
            return p;
        }
        return -1;
    }

    private static void BlurRowsKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> taps, BlurArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int size = 2 * p.Radius + 1, span = Group.DimX + 2 * p.Radius;
        var row = shared.SubView(0, span);
        var k = shared.SubView(span, size);
        int x0 = Grid.IdxX * Group.DimX;
        int rowBase = (Grid.IdxZ * p.Height + Grid.IdxY) * p.Width;
        for (int j = Group.IdxX; j < span; j += Group.DimX)
        {
            int src = BorderIndex(x0 - p.Radius + j, p.Width, p.Border);
            row[j] = src >= 0 ? x[rowBase + src] : 0f;
        }
        for (int j = Group.IdxX; j < size; j += Group.DimX) k[j] = taps[j];
        Group.Barrier();
        int col = x0 + Group.IdxX;
        if (col < p.Width)
        {
            float acc = 0f;
            for (int t = 0; t < size; t++) acc += k[t] * row[Group.IdxX + t];
            y[rowBase + col] = acc;
        }
    }

    private static void BlurColumnsKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> taps, BlurArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int size = 2 * p.Radius + 1;
        int tileRows = Group.DimY * BlurRowsPerThread, spanRows = tileRows + 2 * p.Radius;
        var tile = shared.SubView(0, spanRows * Group.DimX);
        var k = shared.SubView(spanRows * Group.DimX, size);
        int col = Grid.IdxX * Group.DimX + Group.IdxX;
        int y0 = Grid.IdxY * tileRows;
        int planeBase = Grid.IdxZ * p.Height * p.Width;
        for (int r = Group.IdxY; r < spanRows; r += Group.DimY)
        {
            int src = BorderIndex(y0 - p.Radius + r, p.Height, p.Border);
            tile[r * Group.DimX + Group.IdxX] = src >= 0 && col < p.Width ? x[planeBase + src * p.Width + col] : 0f;
        }
        int tid = Group.IdxY * Group.DimX + Group.IdxX;
        for (int j = tid; j < size; j += Group.DimX * Group.DimY) k[j] = taps[j];
        Group.Barrier();
        if (col >= p.Width) return;
        for (int r = Group.IdxY; r < tileRows; r += Group.DimY)
        {
            int row = y0 + r;
            if (row >= p.Height) break;
            float acc = 0f;
            for (int t = 0; t < size; t++) acc += k[t] * tile[(r + t) * Group.DimX + Group.IdxX];
            y[planeBase + row * p.Width + col] = acc;
        }
    }

    /// <summary>
    /// Both passes of <see cref="GaussianBlur"/> for one (DimX × DimY·BlurRowsPerThread) output tile: the input tile with a
    /// halo of RadiusY rows and Radius columns into shared memory (pixels outside the plane by the border mode), the
    /// horizontal taps over each of its rows into a second shared tile, then the vertical taps down its columns.
    /// </summary>
    private static void BlurFusedKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> tapsX, ArrayView<float> tapsY, BlurArgs p)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int sizeX = 2 * p.Radius + 1, sizeY = 2 * p.RadiusY + 1;
        int tileCols = Group.DimX, tileRows = Group.DimY * BlurRowsPerThread;
        int spanCols = tileCols + 2 * p.Radius, spanRows = tileRows + 2 * p.RadiusY;
        var source = shared.SubView(0, spanRows * spanCols);
        var across = shared.SubView(spanRows * spanCols, spanRows * tileCols);
        var kx = shared.SubView(spanRows * (spanCols + tileCols), sizeX);
        var ky = shared.SubView(spanRows * (spanCols + tileCols) + sizeX, sizeY);
        int x0 = Grid.IdxX * tileCols, y0 = Grid.IdxY * tileRows;
        int planeBase = Grid.IdxZ * p.Height * p.Width;
        int tid = Group.IdxY * Group.DimX + Group.IdxX, threads = Group.DimX * Group.DimY;

        for (int r = Group.IdxY; r < spanRows; r += Group.DimY)
        {
            int srcRow = BorderIndex(y0 - p.RadiusY + r, p.Height, p.Border);
            for (int c = Group.IdxX; c < spanCols; c += Group.DimX)
            {
                int srcCol = BorderIndex(x0 - p.Radius + c, p.Width, p.Border);
                source[r * spanCols + c] = srcRow >= 0 && srcCol >= 0 ? x[planeBase + srcRow * p.Width + srcCol] : 0f;
            }
        }
        for (int j = tid; j < sizeX; j += threads) kx[j] = tapsX[j];
        for (int j = tid; j < sizeY; j += threads) ky[j] = tapsY[j];
        Group.Barrier();

        for (int r = Group.IdxY; r < spanRows; r += Group.DimY)
        {
            float acc = 0f;
            for (int t = 0; t < sizeX; t++) acc += kx[t] * source[r * spanCols + Group.IdxX + t];
            across[r * tileCols + Group.IdxX] = acc;
        }
        Group.Barrier();

        int col = x0 + Group.IdxX;
        if (col >= p.Width) return;
        for (int r = Group.IdxY; r < tileRows; r += Group.DimY)
        {
            int row = y0 + r;
            if (row >= p.Height) break;
            float acc = 0f;
            for (int t = 0; t < sizeY; t++) acc += ky[t] * across[(r + t) * tileCols + Group.IdxX];
            y[planeBase + row * p.Width + col] = acc;
        }
    }
}
