using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.ComponentModel;

namespace VisionGen.Cpu;

/// <summary>Fully connected layer on one vector: y = act(W·x + b), W row-major [out, in] as PyTorch. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class Linear
{
    /// <summary>output[o] = act(Σ weight[o, i]·input[i] + bias[o]).</summary>
    /// <param name="inFeatures">Input features.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="input">At least inFeatures floats.</param>
    /// <param name="weight">At least outFeatures·inFeatures floats, row-major [out, in].</param>
    /// <param name="bias">outFeatures floats, or empty for none.</param>
    /// <param name="activation">Activation applied last.</param>
    /// <param name="output">At least outFeatures floats; must not overlap the input.</param>
    /// <exception cref="ArgumentException">A size is not positive or a span is too short.</exception>
    public static void Forward(int inFeatures, int outFeatures, ReadOnlySpan<float> input, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Activation activation, Span<float> output)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException("Feature counts must be positive.");
        long wl = (long)inFeatures * outFeatures;
        if (input.Length < inFeatures) throw new ArgumentException($"Input needs {inFeatures} floats, got {input.Length}.", nameof(input));
        if (weight.Length < wl) throw new ArgumentException($"Weight needs {wl} floats [out, in], got {weight.Length}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length < outFeatures) throw new ArgumentException($"Bias needs {outFeatures} floats or none, got {bias.Length}.", nameof(bias));
        if (output.Length < outFeatures) throw new ArgumentException($"Output needs {outFeatures} floats, got {output.Length}.", nameof(output));
        fixed (float* px = input) fixed (float* pw = weight) fixed (float* pb = bias) fixed (float* py = output)
        {
            var job = new Job { In = inFeatures, Out = outFeatures, X = px, W = pw, Bias = bias.IsEmpty ? null : pb, Act = activation, Y = py };
            // Threads take blocks of whole groups of four outputs: the weight streams from memory on each core at once.
            int parts = (int)Math.Min(CpuThreads.Count, wl / MinFloatsPerPart);
            WorkerPool.Run(&Part, &job, Math.Max(1, Math.Min(parts, outFeatures / 4)));
        }
    }

    /// <summary>Fewest weight floats for a thread of its own: below it the fork and join cost more than the share saves.</summary>
    private const long MinFloatsPerPart = 1 << 17;

    private struct Job
    {
        public int In, Out;
        public float* X, W, Bias, Y;
        public Activation Act;
    }

    private static void Part(void* context, int part, int parts)
    {
        ref Job j = ref *(Job*)context;
        // Output groups of four [lo, hi), the rows past the last whole group with the last part.
        var (lo, hi) = WorkerPool.Range(j.Out / 4, part, parts);
        int o0 = 4 * lo, o1 = part == parts - 1 ? j.Out : 4 * hi;
        if (Vector512.IsHardwareAccelerated && j.In >= 64) Run<Vector512<float>, Simd512>(j.In, o0, o1, j.X, j.W, j.Bias, j.Act, j.Y);
        else if (Vector256.IsHardwareAccelerated) Run<Vector256<float>, Simd256>(j.In, o0, o1, j.X, j.W, j.Bias, j.Act, j.Y);
        else Run<Vector128<float>, Simd128>(j.In, o0, o1, j.X, j.W, j.Bias, j.Act, j.Y);
    }

    /// <summary>Outputs [o0, o1), four rows of the weight at a time, prefetching the next four a cache line per step (x86).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run<TV, TS>(int nIn, int o0, int nOut, float* x, float* w, float* bias, Activation act, float* y)
        where TV : struct where TS : struct, ISimd<TV>
    {
        int v = TS.Count;
        int o = o0;
        bool fetch = Sse.IsSupported;
        for (; o + 4 <= nOut; o += 4)
        {
            float* w0 = w + (long)o * nIn, w1 = w0 + nIn, w2 = w1 + nIn, w3 = w2 + nIn;
            // The next group's four rows are the 4·nIn floats that follow: four lines of them per step (four rows of 16
            // floats at 512 bits; ahead of the step at narrower widths).
            float* next = w3 + nIn, nextEnd = o + 8 <= nOut ? next + 4L * nIn : next;
            TV a0 = TS.Zero, a1 = TS.Zero, a2 = TS.Zero, a3 = TS.Zero;
            int i = 0;
            for (; i + v <= nIn; i += v)
            {
                if (fetch && next < nextEnd) { Sse.Prefetch0(next); Sse.Prefetch0(next + 16); Sse.Prefetch0(next + 32); Sse.Prefetch0(next + 48); next += 64; }
                TV xv = TS.Load(x + i);
                a0 = TS.Fma(TS.Load(w0 + i), xv, a0);
                a1 = TS.Fma(TS.Load(w1 + i), xv, a1);
                a2 = TS.Fma(TS.Load(w2 + i), xv, a2);
                a3 = TS.Fma(TS.Load(w3 + i), xv, a3);
            }
            float s0 = TS.Sum(a0), s1 = TS.Sum(a1), s2 = TS.Sum(a2), s3 = TS.Sum(a3);
            for (; i < nIn; i++)
            {
                float xi = x[i];
                s0 += w0[i] * xi; s1 += w1[i] * xi; s2 += w2[i] * xi; s3 += w3[i] * xi;
            }
            y[o] = Biased(s0, bias, o);
            y[o + 1] = Biased(s1, bias, o + 1);
            y[o + 2] = Biased(s2, bias, o + 2);
            y[o + 3] = Biased(s3, bias, o + 3);
        }
        for (; o < nOut; o++)
        {
            float* wr = w + (long)o * nIn;
            TV a = TS.Zero;
            int i = 0;
            for (; i + v <= nIn; i += v) a = TS.Fma(TS.Load(wr + i), TS.Load(x + i), a);
            float sum = TS.Sum(a);
            for (; i < nIn; i++) sum += wr[i] * x[i];
            y[o] = Biased(sum, bias, o);
        }
        // The activation in one pass over this part's outputs: inlined at each of the five stores above, its switch over
        // every kind's formula made this method 7 KB of code for the JIT.
        Elementwise.ActivateInPlace(y + o0, nOut - o0, act);
    }

    private static float Biased(float sum, float* bias, int o) => bias == null ? sum : sum + bias[o];
}
