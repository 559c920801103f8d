using ILGPU;
using ILGPU.Runtime;
using VisionGen.Cpu;

namespace VisionGen.Kernels;

// Element-wise binary operations with NumPy broadcasting, as VisionGen.Cpu.Broadcast.Binary.
public sealed partial class GpuKernels
{
    private Action<AcceleratorStream, KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, TensorDims, TensorDims, TensorDims, int, int, Activation> _binary = null!;

    private void LoadBroadcast() =>
        _binary = _accelerator.LoadKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, TensorDims, TensorDims, TensorDims, int, int, Activation>(BinaryKernel);

    /// <summary>
    /// y = act(a op b) with NumPy broadcasting, as <c>VisionGen.Cpu.Broadcast.Binary</c>: the three dims have the same rank
    /// (the caller pads with leading 1s) and each dim of a and b equals the output's or is 1. The output may be
    /// exactly <paramref name="a"/> or <paramref name="b"/> when that operand has the output's dims (in place); any
    /// other overlap is rejected.
    /// </summary>
    /// <param name="op">Add or Mul.</param>
    /// <param name="a">First operand, aDims.Length floats.</param>
    /// <param name="aDims">Dims of <paramref name="a"/>.</param>
    /// <param name="b">Second operand, bDims.Length floats.</param>
    /// <param name="bDims">Dims of <paramref name="b"/>.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">outputDims.Length floats.</param>
    /// <param name="outputDims">Dims of the output.</param>
    public void Binary(BinaryOp op, ArrayView<float> a, in TensorDims aDims, ArrayView<float> b, in TensorDims bDims,
        Activation activation, ArrayView<float> output, in TensorDims outputDims)
    {
        if (op is not (BinaryOp.Add or BinaryOp.Mul)) throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown binary operation.");
        CheckActivation(activation);
        outputDims.Validate(nameof(outputDims));
        aDims.Validate(nameof(aDims));
        bDims.Validate(nameof(bDims));
        if (aDims.Rank != outputDims.Rank) throw new ArgumentException($"a has rank {aDims.Rank}, the output {outputDims.Rank}; pad with leading 1s.", nameof(aDims));
        if (bDims.Rank != outputDims.Rank) throw new ArgumentException($"b has rank {bDims.Rank}, the output {outputDims.Rank}; pad with leading 1s.", nameof(bDims));
        for (int d = 0; d < outputDims.Rank; d++)
        {
            if (aDims[d] != outputDims[d] && aDims[d] != 1)
                throw new ArgumentException($"a {aDims} does not broadcast to {outputDims} (dimension {d}).", nameof(aDims));
            if (bDims[d] != outputDims[d] && bDims[d] != 1)
                throw new ArgumentException($"b {bDims} does not broadcast to {outputDims} (dimension {d}).", nameof(bDims));
        }
        int n = LaunchLength(outputDims.Length, nameof(outputDims));
        Need(a, aDims.Length, nameof(a));
        Need(b, bDims.Length, nameof(b));
        Need(output, n, nameof(output));
        CheckOverlap(a, aDims.Length, output, n, nameof(a), sameStartAllowed: aDims == outputDims);
        CheckOverlap(b, bDims.Length, output, n, nameof(b), sameStartAllowed: bDims == outputDims);

        // Drop output dims of 1 and merge neighbours that broadcast alike: equal dims become one run (rank 1),
        // [N, C, 1, 1] against [N, C, H, W] becomes [N·C, H·W] with a's inner stride 0.
        Span<int> dims = stackalloc int[TensorDims.MaxRank], aStrides = stackalloc int[TensorDims.MaxRank], bStrides = stackalloc int[TensorDims.MaxRank];
        int rank = 0;
        for (int d = 0; d < outputDims.Rank; d++)
        {
            int size = outputDims[d];
            if (size == 1) continue;
            int sa = aDims[d] == 1 ? 0 : (int)aDims.Stride(d), sb = bDims[d] == 1 ? 0 : (int)bDims.Stride(d);
            if (rank > 0 && aStrides[rank - 1] == (long)size * sa && bStrides[rank - 1] == (long)size * sb)
            {
                dims[rank - 1] *= size;
                aStrides[rank - 1] = sa;
                bStrides[rank - 1] = sb;
                continue;
            }
            dims[rank] = size;
            aStrides[rank] = sa;
            bStrides[rank] = sb;
            rank++;
        }
        if (rank == 0)
        {
            dims[0] = 1;
            aStrides[0] = bStrides[0] = 0;
            rank = 1;
        }
        _binary(Launch(), GridStride(n), a, b, output, TensorDims.Of(dims[..rank]), TensorDims.Of(aStrides[..rank]),
            TensorDims.Of(bStrides[..rank]), n, (int)op, activation);
    }

    // ---- device code ----

    /// <summary>
    /// One thread per output element: the output index is split into coordinates (innermost first) and each
    /// operand is read at Σ coordinate·stride, a stride of 0 repeating a broadcast dim.
    /// </summary>
    private static void BinaryKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, TensorDims dims,
        TensorDims aStrides, TensorDims bStrides, int n, int op, Activation activation)
    {
        int rank = dims.Rank;
        for (long iWide = Grid.GlobalIndex.X; iWide < n; iWide += GlobalStride())
        {
            int i = (int)iWide;
            int ai, bi;
            if (rank == 1)
            {
                ai = i * aStrides[0];
                bi = i * bStrides[0];
            }
            else
            {
                ai = 0;
                bi = 0;
                int t = i;
                for (int d = rank - 1; d > 0; d--)
                {
                    int size = dims[d];
                    int q = t / size;
                    int c = t - q * size;
                    ai += c * aStrides[d];
                    bi += c * bStrides[d];
                    t = q;
                }
                ai += t * aStrides[0];
                bi += t * bStrides[0];
            }
            float u = a[ai], v = b[bi];
            y[i] = activation.Apply(op == 0 ? u + v : u * v);
        }
    }
}
