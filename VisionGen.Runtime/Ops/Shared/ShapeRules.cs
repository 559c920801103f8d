// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project):
// one definition of every op's shape rule, so generated constants and runtime checks agree.
using System.ComponentModel;

namespace VisionGen.Ops
{
    /// <summary>Output-size rules of the spatial ops, exactly as PyTorch computes them (floor mode, and pooling's ceil mode). For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ShapeRules
    {
        /// <summary>
        /// Output length of a convolution or pooling window along one axis:
        /// floor((in + 2·pad − dilation·(k − 1) − 1) / stride) + 1, in 64 bits (no size can wrap around). Returns a value
        /// ≤ 0 when the window does not fit, which callers report as an error; callers also check the result fits.
        /// </summary>
        public static long WindowOutput64(long input, long kernel, long stride, long padding, long dilation = 1)
        {
            long span = dilation * (kernel - 1) + 1;
            long padded = input + 2 * padding;
            if (padded < span || stride <= 0) return 0;
            return (padded - span) / stride + 1;
        }

        /// <summary>
        /// Output length of a pooling window along one axis in <c>ceil_mode=True</c>, as PyTorch's
        /// <c>pooling_output_shape</c>: ceil((in + 2·pad − dilation·(k − 1) − 1) / stride) + 1, less one when the last
        /// window would start past the input and its left padding (so every window covers at least one input value). A
        /// window longer than the padded input still gives one output when PyTorch's rounding does (a 2-pixel input, a
        /// 3-pixel window: one output over both pixels). Returns a value ≤ 0 when PyTorch would reject the size.
        /// </summary>
        public static long WindowOutputCeil64(long input, long kernel, long stride, long padding, long dilation = 1)
        {
            long span = dilation * (kernel - 1) + 1;
            long padded = input + 2 * padding;
            if (stride <= 0) return 0;
            long numerator = padded - span + stride - 1;
            long n = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1;
            if (n > 0 && (n - 1) * stride >= input + padding) n--;
            return n;
        }

        /// <summary><see cref="WindowOutputCeil64"/> for int sizes; 0 when the window does not fit or the result would not fit an int.</summary>
        public static int WindowOutputCeil(int input, int kernel, int stride, int padding, int dilation = 1)
        {
            long n = WindowOutputCeil64(input, kernel, stride, padding, dilation);
            return n > int.MaxValue ? 0 : (int)n;
        }

        /// <summary><see cref="WindowOutput64"/> for int sizes; 0 when the window does not fit or the result would not fit an int.</summary>
        public static int WindowOutput(int input, int kernel, int stride, int padding, int dilation = 1)
        {
            long n = WindowOutput64(input, kernel, stride, padding, dilation);
            return n > int.MaxValue ? 0 : (int)n;
        }

        /// <summary>Effective extent of a dilated kernel: dilation·(k − 1) + 1.</summary>
        public static long DilatedExtent(long kernel, long dilation) => dilation * (kernel - 1) + 1;
    }

    /// <summary>torchvision ResNet layouts: blocks per stage and block type for each depth. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class ResNetLayout
    {
        /// <summary>Depths torchvision defines.</summary>
        public static readonly int[] SupportedDepths = { 18, 34, 50, 101, 152 };

        /// <summary>Blocks in layer1..layer4, or null for an unsupported depth.</summary>
        public static int[]? BlocksPerStage(int depth)
        {
            switch (depth)
            {
                case 18: return new[] { 2, 2, 2, 2 };
                case 34: return new[] { 3, 4, 6, 3 };
                case 50: return new[] { 3, 4, 6, 3 };
                case 101: return new[] { 3, 4, 23, 3 };
                case 152: return new[] { 3, 8, 36, 3 };
                default: return null;
            }
        }

        /// <summary>Depth 50 and up use Bottleneck blocks (expansion 4); 18 and 34 use BasicBlock.</summary>
        public static bool UsesBottleneck(int depth) => depth >= 50;

        /// <summary>Channel expansion of the block type.</summary>
        public static int Expansion(int depth) => UsesBottleneck(depth) ? 4 : 1;
    }

    /// <summary>torchvision MobileNetV2 layout (<c>torchvision.models.mobilenetv2</c>). For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class MobileNetV2Layout
    {
        /// <summary>Inverted residual settings: expand ratio t, channels c, repeats n, first stride s.</summary>
        public static readonly int[][] InvertedResidualSettings =
        {
            new[] { 1, 16, 1, 1 },
            new[] { 6, 24, 2, 2 },
            new[] { 6, 32, 3, 2 },
            new[] { 6, 64, 4, 2 },
            new[] { 6, 96, 3, 1 },
            new[] { 6, 160, 3, 2 },
            new[] { 6, 320, 1, 1 },
        };

        /// <summary>First conv's channels before width scaling.</summary>
        public const int InputChannel = 32;

        /// <summary>Last conv's channels before width scaling (never scaled below this).</summary>
        public const int LastChannel = 1280;

        /// <summary>Rounding divisor torchvision uses (<c>round_nearest=8</c>).</summary>
        public const int RoundNearest = 8;

        /// <summary>
        /// torchvision's <c>_make_divisible(v, divisor, min_value=None)</c>: round to the nearest multiple of
        /// divisor, never below divisor, and never more than 10 % below v.
        /// </summary>
        public static int MakeDivisible(double v, int divisor = RoundNearest)
        {
            int minValue = divisor;
            // Python: max(min_value, int(v + divisor / 2) // divisor * divisor)
            int newV = System.Math.Max(minValue, (int)(v + divisor / 2.0) / divisor * divisor);
            if (newV < 0.9 * v) newV += divisor;
            return newV;
        }

        /// <summary>Channels of the last 1×1 conv (features.18) for a width multiplier.</summary>
        public static int LastChannelFor(double widthMultiplier) =>
            MakeDivisible(LastChannel * System.Math.Max(1.0, widthMultiplier));
    }
}
