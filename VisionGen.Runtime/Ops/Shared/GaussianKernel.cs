// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project):
// the generator bakes these numbers into literals at compile time, the runtime computes the same
// numbers at call time, so a generated filter and GaussianBlur.Apply agree to the last bit.
using System;
using System.ComponentModel;

namespace VisionGen.Ops
{
    /// <summary>
    /// Sampled, normalized 1-D Gaussian kernels with OpenCV's conventions (<c>getGaussianKernel</c>):
    /// the size derived from sigma, sigma derived from the size, the fixed binomial tables used when
    /// sigma ≤ 0 and the size is 1, 3, 5, 7 or 9, and the 8-bit fixed-point weights (8 fraction bits,
    /// error-diffused rounding) of its bit-exact 8-bit blur.
    /// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class GaussianKernel
    {
        /// <summary>Fraction bits of the 8-bit fixed-point weights: they sum to exactly <c>1 &lt;&lt; 8</c>.</summary>
        public const int FixedPointBits = 8;

        /// <summary>
        /// Kernel size OpenCV derives from sigma when the size is 0:
        /// <c>round(sigma·(3 for 8-bit, else 4)·2 + 1) | 1</c>, rounding half to even.
        /// Returns 0 when sigma ≤ 0 (no size can be derived).
        /// </summary>
        /// <param name="sigma">standard deviation in pixels.</param>
        /// <param name="eightBit">true for 8-bit images (OpenCV uses a 3σ radius there, 4σ otherwise).</param>
        public static int SizeFromSigma(double sigma, bool eightBit)
        {
            if (!(sigma > 0)) return 0;
            double v = sigma * (eightBit ? 3 : 4) * 2 + 1;
            if (v > int.MaxValue / 2) return 0;
            return ((int)Math.Round(v, MidpointRounding.ToEven)) | 1;
        }

        /// <summary>Sigma OpenCV uses for a size when sigma ≤ 0: <c>0.3·((n − 1)·0.5 − 1) + 0.8</c>.</summary>
        /// <param name="size">odd kernel size.</param>
        public static double SigmaFromSize(int size) => size * 0.15 + 0.35;

        /// <summary>
        /// The normalized 1-D kernel of <paramref name="size"/> taps (odd, positive), computed in double
        /// as OpenCV's <c>getGaussianKernel</c> does; symmetric by construction and summing to 1.
        /// </summary>
        /// <param name="size">odd, positive number of taps.</param>
        /// <param name="sigma">standard deviation; ≤ 0 derives it from the size (and uses OpenCV's fixed tables for 1, 3, 5, 7, 9).</param>
        public static double[] Compute(int size, double sigma)
        {
            var result = new double[size > 0 ? size : 0];
            Compute(size, sigma, result);
            return result;
        }

        /// <summary>
        /// Writes the normalized kernel of <see cref="Compute(int, double)"/> into the first
        /// <paramref name="size"/> elements of <paramref name="result"/> without allocating.
        /// </summary>
        /// <param name="size">odd, positive number of taps.</param>
        /// <param name="sigma">standard deviation; ≤ 0 derives it from the size.</param>
        /// <param name="result">destination, at least <paramref name="size"/> long.</param>
        public static void Compute(int size, double sigma, double[] result)
        {
            if (size <= 0 || (size & 1) == 0) throw new ArgumentOutOfRangeException(nameof(size), "Kernel size must be odd and positive.");
            if (result == null) throw new ArgumentNullException(nameof(result));
            if (result.Length < size) throw new ArgumentException("Destination is shorter than the kernel.", nameof(result));
            if (!(sigma > 0) && size <= 9)
            {
                switch (size)
                {
                    case 1: result[0] = 1; return;
                    case 3: result[0] = 0.25; result[1] = 0.5; result[2] = 0.25; return;
                    case 5: result[0] = 0.0625; result[1] = 0.25; result[2] = 0.375; result[3] = 0.25; result[4] = 0.0625; return;
                    case 7:
                        result[0] = 0.03125; result[1] = 0.109375; result[2] = 0.21875; result[3] = 0.28125;
                        result[4] = 0.21875; result[5] = 0.109375; result[6] = 0.03125; return;
                    case 9:
                        result[0] = result[8] = 4 / 256.0; result[1] = result[7] = 13 / 256.0;
                        result[2] = result[6] = 30 / 256.0; result[3] = result[5] = 51 / 256.0; result[4] = 60 / 256.0; return;
                }
            }
            double s = sigma > 0 ? sigma : SigmaFromSize(size);
            // OpenCV steps x over 1-n, 3-n, ... (twice the offset) and scales by -0.125/σ², which is
            // exp(-d²/(2σ²)) for the offset d; the centre sample is exactly 1.
            double scale2 = -0.125 / (s * s);
            int half = (size - 1) / 2;
            double sum = 0;
            for (int i = 0, x = 1 - size; i < half; i++, x += 2)
            {
                double t = Math.Exp((double)x * x * scale2);
                result[i] = t;
                sum += t;
            }
            sum = sum * 2 + 1;
            double mul = 1 / sum;
            for (int i = 0; i < half; i++)
            {
                double t = result[i] * mul;
                result[i] = t;
                result[size - 1 - i] = t;
            }
            result[half] = mul;
        }

        /// <summary>
        /// The 8-bit fixed-point weights OpenCV's bit-exact 8-bit blur uses: each weight times 256,
        /// rounded half to even with the rounding error carried to the next tap, the centre taking
        /// whatever makes the sum exactly 256.
        /// </summary>
        /// <param name="kernel">a normalized, symmetric, odd-length kernel from <see cref="Compute(int, double)"/>.</param>
        public static int[] ToFixedPoint(double[] kernel)
        {
            if (kernel == null) throw new ArgumentNullException(nameof(kernel));
            var result = new int[kernel.Length];
            ToFixedPoint(kernel, kernel.Length, result);
            return result;
        }

        /// <summary>
        /// Writes the fixed-point weights of the first <paramref name="size"/> taps of
        /// <paramref name="kernel"/> into <paramref name="result"/> without allocating.
        /// </summary>
        /// <param name="kernel">a normalized, symmetric kernel (at least <paramref name="size"/> long).</param>
        /// <param name="size">odd number of taps.</param>
        /// <param name="result">destination, at least <paramref name="size"/> long.</param>
        public static void ToFixedPoint(double[] kernel, int size, int[] result)
        {
            if (kernel == null) throw new ArgumentNullException(nameof(kernel));
            if (result == null) throw new ArgumentNullException(nameof(result));
            int n = size;
            if (n <= 0 || (n & 1) == 0 || kernel.Length < n || result.Length < n)
                throw new ArgumentException("Kernel length must be odd and fit both arrays.", nameof(size));
            const int one = 1 << FixedPointBits;
            int half = n / 2;
            double err = 0;
            int sum = 0;
            for (int i = 0; i < half; i++)
            {
                // Rounding error is diffused into the next tap (OpenCV found plain floor/round biased).
                double adjusted = kernel[i] * one + err;
                int v = (int)Math.Round(adjusted, MidpointRounding.ToEven);
                err = adjusted - v;
                result[i] = v;
                result[n - 1 - i] = v;
                sum += v;
            }
            result[half] = one - 2 * sum;
        }

        /// <summary>
        /// The raw (unnormalized) 2-D Gaussian density <c>exp(−(x² + y²)/(2σ²)) / (2πσ²)</c> sampled on the
        /// integer grid of a square <paramref name="size"/>×<paramref name="size"/> window, row-major.
        /// Its normalized form is the outer product of two <see cref="Compute(int, double)"/> kernels.
        /// </summary>
        /// <param name="size">odd, positive window size.</param>
        /// <param name="sigma">standard deviation, &gt; 0.</param>
        public static double[] Raw2D(int size, double sigma)
        {
            if (size <= 0 || (size & 1) == 0) throw new ArgumentOutOfRangeException(nameof(size), "Kernel size must be odd and positive.");
            if (!(sigma > 0)) throw new ArgumentOutOfRangeException(nameof(sigma), "Sigma must be positive.");
            int r = size / 2;
            var w = new double[size * size];
            double norm = 1 / (2 * Math.PI * sigma * sigma);
            for (int y = -r; y <= r; y++)
                for (int x = -r; x <= r; x++)
                    w[(y + r) * size + x + r] = norm * Math.Exp(-(x * x + y * y) / (2 * sigma * sigma));
            return w;
        }
    }
}
