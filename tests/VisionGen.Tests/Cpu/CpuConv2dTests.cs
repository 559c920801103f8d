using VisionGen.Cpu;

namespace VisionGen.Tests.Cpu;

public class CpuConv2dTests
{
    // ic, oc, h, w, k, stride, pad, dil, groups, bias, residual, act
    public static IEnumerable<object[]> Shapes => Table.Select(r => new object[] { r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] != 0, r[10] != 0, r[11] });

    private static readonly int[][] Table =
    {
        // general: implicit GEMM (more than 12 output channels, more than 4 input channels), the first rows by the direct
        // kernel (see DirectShapes)
        new[] { 3, 5, 7, 9, 3, 1, 1, 1, 1, 1, 0, 1 },
        new[] { 5, 17, 13, 5, 3, 2, 1, 1, 1, 0, 1, 0 },
        new[] { 17, 33, 7, 9, 5, 1, 2, 1, 1, 1, 1, 2 },
        new[] { 5, 16, 13, 13, 7, 2, 3, 1, 1, 1, 0, 1 },
        new[] { 4, 6, 9, 7, 3, 1, 2, 2, 2, 1, 1, 0 },
        new[] { 6, 10, 11, 11, 3, 1, 0, 1, 2, 0, 0, 2 },
        new[] { 3, 4, 11, 17, 3, 3, 1, 1, 1, 1, 1, 1 },
        new[] { 5, 14, 20, 150, 3, 2, 1, 1, 1, 1, 0, 0 },  // wide rows: 512-bit stride-2 im2col
        new[] { 5, 13, 9, 70, 5, 1, 2, 2, 1, 0, 1, 1 },     // wide rows, dilation 2
        new[] { 5, 16, 30, 64, 7, 2, 3, 1, 1, 1, 0, 1 },     // 7×7 stride 2 (ResNet stem-like, five channels): implicit GEMM
        new[] { 5, 13, 10, 70, 3, 3, 1, 1, 1, 1, 1, 0 },     // implicit GEMM, stride 3
        new[] { 16, 24, 36, 40, 3, 2, 1, 2, 1, 0, 0, 2 },    // implicit GEMM, stride 2 and dilation 2
        new[] { 64, 20, 10, 11, 5, 1, 2, 1, 1, 1, 1, 1 },    // k = 1600: several k-blocks
        new[] { 8, 13, 30, 40, 3, 1, 1, 1, 1, 1, 1, 2 },     // n = 1200: several n-blocks
        new[] { 33, 13, 5, 5, 3, 1, 3, 1, 1, 1, 0, 0 },    // padding larger than half the kernel
        new[] { 4, 8, 6, 6, 3, 1, 1, 1, 4, 1, 1, 1 },        // groups == InC, channel multiplier 2
        // Winograd F(4×4, 3×3): 3×3 stride 1, channels in whole 16-float vectors
        new[] { 16, 32, 13, 11, 3, 1, 1, 1, 1, 1, 1, 2 },    // partial edge tiles, residual, ReLU6
        new[] { 32, 16, 9, 10, 3, 1, 0, 1, 1, 0, 0, 0 },     // no padding
        new[] { 48, 64, 29, 30, 3, 1, 2, 1, 1, 1, 1, 1 },    // padding 2, 48 channels (1.5 micro-kernel panels)
        new[] { 16, 16, 1, 1, 3, 1, 1, 1, 1, 1, 0, 1 },      // one output: a single, mostly padded tile
        new[] { 64, 64, 8, 70, 3, 1, 1, 1, 1, 1, 1, 1 },     // wide rows: 16-column transposes
        new[] { 16, 16, 9, 9, 3, 1, 1, 2, 1, 1, 0, 0 },      // dilated: not Winograd, same weights API
        new[] { 272, 256, 7, 9, 3, 1, 1, 1, 1, 1, 1, 1 },    // wide layer, odd sizes, residual
        new[] { 512, 144, 5, 6, 3, 1, 0, 1, 1, 0, 0, 2 },    // 512 input channels, no padding, ReLU6
        // 1×1
        new[] { 33, 17, 5, 13, 1, 1, 0, 1, 1, 1, 1, 1 },     // pointwise: GEMM on the input
        new[] { 34, 18, 7, 9, 1, 1, 0, 1, 2, 0, 0, 0 },    // pointwise, groups 2
        new[] { 17, 8, 13, 5, 1, 2, 0, 1, 1, 1, 0, 2 },     // 1×1 stride 2 (downsample)
        new[] { 16, 8, 28, 28, 1, 2, 0, 1, 1, 1, 1, 1 },     // 1×1 stride 2 to 14-wide rows: 8-to-15-output strided copies
        new[] { 8, 13, 28, 28, 3, 2, 1, 1, 1, 1, 1, 1 },     // 3×3 stride 2, 14-wide rows (ResNet's layer3 entry)
        new[] { 8, 13, 56, 56, 3, 2, 1, 1, 1, 0, 0, 2 },     // 3×3 stride 2, 28-wide rows: 16-output copies, the last overlapping
        new[] { 5, 3, 7, 9, 1, 1, 1, 1, 1, 1, 1, 0 },        // 1×1 padded
        new[] { 20, 14, 14, 14, 1, 1, 0, 1, 1, 1, 1, 2 },    // n = 196: a 4-column last tile (one narrow vector per row)
        new[] { 300, 7, 6, 8, 1, 1, 0, 1, 1, 1, 1, 1 },      // n = 48: a 16-column last tile, k in two blocks
        new[] { 15, 9, 9, 8, 1, 1, 0, 1, 1, 0, 0, 0 },       // n = 72: an 8-column last tile, odd k
        new[] { 40, 13, 7, 7, 1, 1, 0, 1, 1, 1, 1, 1 },      // n = 49: a 17-column last tile, run as 16 + 1
        new[] { 32, 16, 16, 20, 1, 1, 0, 1, 1, 1, 1, 2 },    // n = 320, 16 outputs: B read in place (10 whole panels), residual, ReLU6
        new[] { 24, 40, 8, 12, 1, 1, 0, 1, 1, 1, 0, 1 },     // n = 96, 40 outputs: in place, the last of 7 row panels partial
        new[] { 600, 30, 4, 8, 1, 1, 0, 1, 1, 1, 1, 0 },     // n = 32, k = 600 in k-blocks: one panel in place per block
        new[] { 270, 9, 4, 14, 1, 1, 0, 1, 1, 1, 1, 2 },     // n = 56: a 24-column last tile, run as 16 + 8, k in two blocks
        // depthwise
        new[] { 17, 17, 13, 5, 3, 1, 1, 1, 17, 1, 1, 2 },
        new[] { 33, 33, 7, 9, 3, 2, 1, 1, 33, 1, 0, 1 },
        new[] { 5, 5, 13, 9, 5, 2, 2, 1, 5, 0, 1, 0 },
        new[] { 3, 3, 9, 11, 7, 1, 3, 1, 3, 1, 1, 1 },
        new[] { 5, 5, 40, 70, 3, 1, 1, 2, 5, 1, 0, 1 },     // 512-bit rows, dilation 2
        new[] { 3, 3, 33, 130, 3, 2, 1, 1, 3, 1, 1, 2 },     // 512-bit rows, stride 2
        new[] { 3, 3, 20, 100, 7, 3, 3, 1, 3, 0, 0, 0 },   // stride 3 (gathered lanes)
        new[] { 4, 4, 12, 30, 3, 1, 1, 1, 4, 1, 1, 1 },      // 256-bit rows
        new[] { 2, 2, 3, 3, 5, 1, 2, 1, 2, 1, 0, 0 },       // kernel wider than the image
        new[] { 96, 96, 112, 112, 3, 2, 1, 1, 96, 1, 0, 2 }, // MobileNetV2's features.2 depthwise: de-interleaved stride-2 rows
        new[] { 32, 32, 112, 112, 3, 1, 1, 1, 32, 1, 1, 2 }, // MobileNetV2's features.1 depthwise, with a residual
        new[] { 8, 8, 15, 17, 3, 2, 0, 1, 8, 1, 1, 1 },      // stride 2, no padding, odd sizes
        new[] { 6, 6, 11, 35, 5, 2, 2, 1, 6, 0, 0, 2 },      // stride 2, padding 2, two de-interleaved vectors per row
        new[] { 7, 7, 6, 64, 3, 2, 1, 2, 7, 1, 1, 1 },       // stride 2 and dilation 2
        new[] { 4, 4, 9, 1, 3, 1, 1, 1, 4, 1, 1, 0 },        // one column: partial vectors on every row
        new[] { 5, 5, 1, 40, 3, 2, 1, 1, 5, 1, 0, 1 },       // one row: the others are padding
        new[] { 40, 40, 7, 7, 3, 1, 1, 1, 40, 1, 1, 2 },     // 7×7 planes, one vector a row: tails stored whole into the next channel's plane
        new[] { 24, 24, 14, 14, 3, 2, 1, 1, 24, 1, 0, 1 },   // 14 -> 7, stride 2
        new[] { 13, 13, 15, 15, 3, 2, 1, 1, 13, 0, 1, 2 },   // 15 -> 8, stride 2: odd height and width, odd channel count, residual
        new[] { 11, 11, 8, 8, 3, 1, 1, 1, 11, 1, 1, 1 },     // 8×8 planes: every lane of both halves an output
        new[] { 7, 7, 5, 16, 3, 2, 1, 1, 7, 1, 1, 0 },       // 16-wide rows to 8 at stride 2, five rows (three outputs)
        new[] { 19, 19, 14, 14, 3, 1, 1, 1, 19, 1, 1, 2 },   // 14×14, one channel a vector, residual, ReLU6
        new[] { 10, 10, 28, 28, 3, 2, 1, 1, 10, 1, 0, 1 },   // 28 -> 14 at stride 2: rows read as columns 0–15 and 16–27
        new[] { 6, 6, 9, 31, 3, 2, 1, 1, 6, 0, 1, 0 },       // 31 -> 16 columns: every lane an output, odd height
        new[] { 5, 5, 16, 16, 3, 1, 1, 1, 5, 1, 1, 1 },      // 16-wide rows at stride 1
        new[] { 3, 3, 6, 17, 3, 2, 1, 1, 3, 1, 1, 2 },       // 17 -> 9 columns: one float of the second load
        new[] { 7, 7, 14, 14, 5, 1, 2, 1, 7, 1, 1, 2 },      // 5×5 padding 2 at 14×14: five sums in flight, residual, ReLU6
        new[] { 9, 9, 7, 7, 5, 1, 2, 1, 9, 0, 1, 1 },        // 5×5 at 7×7 (EfficientNet's last stage)
        new[] { 4, 4, 40, 41, 5, 1, 2, 1, 4, 1, 0, 0 },      // 5×5, three chunks of 16 (the last 9 wide)
        new[] { 6, 6, 29, 37, 5, 2, 2, 1, 6, 1, 1, 1 },      // 5×5 stride 2, odd sizes: columns 2–4 from shifted loads
        new[] { 3, 3, 1, 20, 5, 2, 2, 1, 3, 1, 1, 2 },       // 5×5 stride 2, one input row
        new[] { 7, 7, 28, 28, 5, 2, 2, 1, 7, 1, 0, 1 },      // 5×5 stride 2, even size: the last output's bottom rows are padding
        new[] { 5, 5, 2, 41, 5, 2, 2, 1, 5, 1, 1, 2 },       // 5×5 stride 2, two input rows, 21 outputs a row: two chunks
        new[] { 17, 17, 14, 14, 5, 2, 2, 1, 17, 0, 1, 0 },   // 5×5 stride 2, 14×14 -> 7×7 (EfficientNet's stage 6), residual
        new[] { 5, 5, 2, 18, 5, 1, 2, 1, 5, 1, 1, 0 },       // 5×5 stride 1, two rows: every sum finished after the loop
        new[] { 9, 9, 2, 3, 3, 1, 1, 1, 9, 1, 1, 0 },        // planes smaller than a vector: one vector spans several channels
        new[] { 4, 4, 61, 200, 3, 2, 1, 2, 4, 1, 1, 1 },     // stride 2, dilation 2, a plane larger than L1: buffered 8 output rows at a time
        new[] { 3, 3, 45, 180, 3, 2, 0, 1, 3, 1, 0, 2 },     // the same without padding, odd height: the last band short
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesReference(int ic, int oc, int h, int w, int k, int stride, int pad, int dil, int groups, bool hasBias, bool hasResidual, int act)
    {
        int oh = Reference.OutSize(h, k, stride, pad, dil), ow = Reference.OutSize(w, k, stride, pad, dil);
        var s = new Conv2dShape(ic, h, w, oc, oh, ow, k, k, stride, stride, pad, pad, dil, dil, groups);
        var x = Reference.Random(s.InputLength, 1);
        var weight = Reference.Random(s.WeightLength, 2);
        var bias = hasBias ? Reference.Random(oc, 3) : null;
        var residual = hasResidual ? Reference.Random(s.OutputLength, 4) : null;
        var expected = Reference.Conv2d(x, ic, h, w, weight, bias, residual, oc, k, k, stride, pad, dil, groups, act, out _, out _);

        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, weight, packed);
        var y = new float[s.OutputLength];
        Array.Fill(y, float.NaN); // every output must be written
        var scratch = new float[s.ScratchLength];
        Array.Fill(scratch, float.NaN); // scratch content must not leak into the result
        Conv2d.Forward(s, x, packed, bias, residual, new Activation((VisionGen.Ops.ActivationKind)act), y, scratch);
        Reference.AssertClose(expected, y, s.ToString());
    }

    // The generator's small-output form (GemmRows.OutputPixels): every one-group row of the table, and shapes like the
    // last stage of a 224×224 ResNet (7×7 outputs; 3×3 stride 1 and 2, 1×1 downsample and pointwise), with k in several blocks.
    public static IEnumerable<object[]> PixelRowShapes => Table.Where(r => r[8] == 1 && !(r[0] == 1 && r[1] == 1))
        .Concat(new[]
        {
            new[] { 512, 512, 7, 7, 3, 1, 1, 1, 1, 1, 1, 1 },    // ResNet-18 layer4 conv2 + residual + ReLU: k = 4608 in 18 blocks
            new[] { 256, 512, 14, 14, 3, 2, 1, 1, 1, 0, 0, 1 },  // layer4.0.conv1: stride 2
            new[] { 256, 512, 14, 14, 1, 2, 0, 1, 1, 1, 0, 0 },  // layer4.0.downsample: 1×1 stride 2
            new[] { 2048, 512, 7, 7, 1, 1, 0, 1, 1, 1, 0, 1 },   // ResNet-50 layer4 bottleneck conv1: pointwise
            new[] { 40, 70, 8, 8, 3, 1, 1, 1, 1, 1, 1, 2 },      // 64 pixels, output channels not whole panels, ReLU6
            new[] { 3, 5, 2, 3, 3, 1, 2, 2, 1, 1, 0, 0 },        // a few pixels, dilation 2, padding 2
            new[] { 24, 40, 9, 9, 1, 1, 0, 1, 1, 1, 1, 2 },      // 81 pixels: the last block overlaps the one before (residual, ReLU6)
            new[] { 160, 96, 14, 14, 1, 1, 0, 1, 1, 0, 1, 1 },   // 196 pixels (12 blocks and 4), no bias
        })
        .Select(r => new object[] { r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[9] != 0, r[10] != 0, r[11] });

    [Theory]
    [MemberData(nameof(PixelRowShapes))]
    public void PixelRowsMatchReference(int ic, int oc, int h, int w, int k, int stride, int pad, int dil, bool hasBias, bool hasResidual, int act)
    {
        int oh = Reference.OutSize(h, k, stride, pad, dil), ow = Reference.OutSize(w, k, stride, pad, dil);
        var s = new Conv2dShape(ic, h, w, oc, oh, ow, k, k, stride, stride, pad, pad, dil, dil, 1, GemmRows: GemmRows.OutputPixels);
        Assert.Equal(Conv2dAlgorithm.PixelRowsGemm, Conv2d.AlgorithmFor(s));
        int packed = RunsAsTheReference(s, hasBias, hasResidual, act);
        // Its own size, rounded up to whole output-channel panels: no Winograd copy, whatever the kernel.
        Assert.True(packed < s.WeightLength + 32 * ic * k * k);
        Assert.Equal(VisionGen.Ops.ConvScratch.PixelRowsLength(ic, oc, h, w, oh, ow, k, k, pad, pad), s.ScratchLength);
    }

    // Which convolutions the generator asks to run with the output pixels as rows (ConvScratch.PixelRowsCandidate), by
    // the shapes the rule was measured on: in, out, size, kernel, stride, pad, expected.
    [Theory]
    [InlineData(512, 512, 7, 3, 1, 1, true)]      // ResNet's last stage: a small output
    [InlineData(64, 128, 56, 3, 2, 1, true)]      // ResNet-18 layer2.0.conv1: a strided 3×3, 28×28 out
    [InlineData(128, 128, 56, 3, 2, 1, true)]     // ResNet-50 layer2.0.conv2
    [InlineData(3, 64, 224, 7, 2, 3, false)]      // the stem: the direct kernel's
    [InlineData(64, 64, 56, 3, 1, 1, false)]      // stride 1 at 56²: Winograd's
    [InlineData(960, 160, 7, 1, 1, 0, true)]      // a wide 1×1 at 7²
    [InlineData(128, 128, 4, 1, 1, 0, false)]     // a narrow 1×1: the GEMM on the input
    [InlineData(1024, 256, 14, 1, 1, 0, true)]    // a 1×1 reduction at 14²
    [InlineData(256, 1024, 14, 1, 1, 0, false)]   // a 1×1 expansion at 14²
    [InlineData(512, 128, 28, 1, 1, 0, false)]    // a reduction at 28²
    [InlineData(256, 512, 56, 1, 2, 0, false)]    // a strided 1×1 downsample
    public void PixelRowsCandidateFollowsTheMeasuredRule(int ic, int oc, int size, int k, int stride, int pad, bool expected)
    {
        int o = Reference.OutSize(size, k, stride, pad, 1);
        Assert.Equal(expected, VisionGen.Ops.ConvScratch.PixelRowsCandidate(ic, oc, size, size, o, o, k, k, stride, stride, pad, pad, 1, 1, 1));
    }

    // The direct kernel (at most 12 output channels, or stems: at most 4 input and 64 output channels; a kernel larger
    // than 1×1, one group): FCOS's head outputs at each level (10 classes, 4 box sides, 1 centerness from 64 channels,
    // 16×16 down to 1×1), rows of one vector and of several, strides 2 and 3, dilation, padding past half the kernel,
    // residuals, row counts that are not whole row blocks, and stems on RGB and grayscale images.
    // ic, oc, h, w, k, stride, pad, dil, bias, residual, act
    private static readonly int[][] DirectTable =
    {
        new[] { 64, 10, 16, 16, 3, 1, 1, 1, 1, 0, 0 },   // FCOS class logits, level 0: one 16-float vector a row
        new[] { 64, 4, 8, 8, 3, 1, 1, 1, 1, 0, 1 },      // box regression (ReLU), level 1
        new[] { 64, 1, 4, 4, 3, 1, 1, 1, 1, 0, 0 },      // centerness, level 2: one channel of a block of four
        new[] { 64, 10, 2, 2, 3, 1, 1, 1, 1, 1, 0 },     // level 3, with a residual
        new[] { 64, 10, 1, 1, 3, 1, 1, 1, 1, 0, 0 },     // level 4: one output, eight of nine taps padding
        new[] { 3, 5, 7, 9, 3, 1, 1, 1, 1, 0, 1 },       // 7 rows: a block of four and one of three
        new[] { 3, 8, 20, 150, 3, 2, 1, 1, 1, 1, 0 },    // 75-wide rows: several vectors a row, stride 2
        new[] { 5, 7, 9, 70, 5, 1, 2, 2, 0, 1, 1 },      // dilation 2, residual
        new[] { 4, 8, 10, 70, 3, 3, 1, 1, 1, 1, 0 },     // stride 3 (three phases a row)
        new[] { 8, 7, 30, 40, 3, 1, 1, 1, 1, 1, 2 },     // 30 rows split across threads, ReLU6
        new[] { 33, 9, 5, 5, 3, 1, 3, 1, 1, 0, 0 },      // padding larger than half the kernel
        new[] { 8, 12, 28, 28, 3, 2, 1, 1, 1, 1, 1 },    // 14-wide rows, stride 2
        new[] { 3, 12, 33, 47, 7, 2, 3, 1, 0, 1, 2 },    // 7×7 stride 2, odd sizes
        new[] { 2, 3, 3, 3, 5, 1, 2, 1, 1, 0, 1 },       // kernel wider than the image
        new[] { 6, 11, 12, 5, 3, 1, 1, 3, 1, 1, 0 },     // dilation 3 on narrow rows
        new[] { 16, 2, 1, 40, 3, 2, 1, 1, 1, 0, 1 },     // one row, stride 2: the others padding
        new[] { 1, 6, 9, 17, 3, 1, 1, 1, 1, 1, 1 },      // one input channel
        new[] { 3, 32, 64, 64, 3, 2, 1, 1, 1, 0, 2 },    // a stem: MobileNetV2's (3 → 32, 3×3 stride 2, ReLU6) on a 64×64 image
        new[] { 3, 64, 40, 52, 7, 2, 3, 1, 1, 0, 1 },    // ResNet's stem (7×7 stride 2 padding 3) on a 40×52 image
        new[] { 1, 20, 15, 15, 5, 1, 2, 1, 0, 1, 0 },    // a grayscale stem
    };

    public static IEnumerable<object[]> DirectShapes =>
        DirectTable.Select(r => new object[] { r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] != 0, r[9] != 0, r[10] });

    [Theory]
    [MemberData(nameof(DirectShapes))]
    public void DirectKernelMatchesReference(int ic, int oc, int h, int w, int k, int stride, int pad, int dil, bool hasBias, bool hasResidual, int act)
    {
        int oh = Reference.OutSize(h, k, stride, pad, dil), ow = Reference.OutSize(w, k, stride, pad, dil);
        var s = new Conv2dShape(ic, h, w, oc, oh, ow, k, k, stride, stride, pad, pad, dil, dil, 1);
        Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(s));
        int packed = RunsAsTheReference(s, hasBias, hasResidual, act);
        // Its own size, output channels rounded up to groups of four.
        Assert.Equal((oc + 3) / 4 * 4 * ic * k * k, packed);
    }

    /// <summary>
    /// Packs random weights for <paramref name="s"/> (one group, square kernel, same stride, padding and dilation both
    /// ways) and runs it against the double reference, with NaN in every float the packing reserves (load-time arrays
    /// are not zeroed), in the scratch and past the output (every output float is written, nothing past it).
    /// </summary>
    /// <returns>Floats of the packed weight.</returns>
    private static int RunsAsTheReference(Conv2dShape s, bool hasBias, bool hasResidual, int act)
    {
        var x = Reference.Random(s.InputLength, 1);
        var weight = Reference.Random(s.WeightLength, 2);
        var bias = hasBias ? Reference.Random(s.OutChannels, 3) : null;
        var residual = hasResidual ? Reference.Random(s.OutputLength, 4) : null;
        var expected = Reference.Conv2d(x, s.InChannels, s.InHeight, s.InWidth, weight, bias, residual, s.OutChannels,
            s.KernelHeight, s.KernelWidth, s.StrideHeight, s.PadHeight, s.DilationHeight, 1, act, out _, out _);
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Array.Fill(packed, float.NaN);
        Conv2d.PackWeights(s, weight, packed);
        var y = new float[s.OutputLength + 64];
        Array.Fill(y, float.NaN);
        var scratch = new float[s.ScratchLength];
        Array.Fill(scratch, float.NaN);
        Conv2d.Forward(s, x, packed, bias, residual, new Activation((VisionGen.Ops.ActivationKind)act), y, scratch);
        Reference.AssertClose(expected, y.AsSpan(0, s.OutputLength).ToArray(), s.ToString());
        Assert.All(y.Skip(s.OutputLength), v => Assert.True(float.IsNaN(v), "written past the output"));
        return packed.Length;
    }

    [Fact]
    public void DirectKernelTakesFewOutputChannelsAndStemsOnly()
    {
        // 64 → 10, 16×16, 3×3 padding 1: planes of max(16 + 2, 18) = 18 rows by a pitch of max(16 + 2, 17 + 32) → 64
        // floats, 64 of them, plus three rows past the last for a row block's unused rows.
        var head = new Conv2dShape(64, 16, 16, 10, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(head));
        Assert.Equal(64 * 18 * 64 + 3 * 64, head.ScratchLength);
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(head with { OutChannels = 13 }));
        Assert.Equal(Conv2dAlgorithm.PointwiseGemm, Conv2d.AlgorithmFor(head with { KernelHeight = 1, KernelWidth = 1, PadHeight = 0, PadWidth = 0 }));
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(head with { InChannels = 20, Groups = 2 }));
        Assert.Equal(Conv2dAlgorithm.PixelRowsGemm, Conv2d.AlgorithmFor(head with { OutHeight = 8, OutWidth = 8, InHeight = 8, InWidth = 8, GemmRows = GemmRows.OutputPixels }));
        // Input planes past 4 Mi floats: the implicit GEMM (no such scratch).
        // Stems on the image (up to 4 input and 64 output channels): MobileNetV2's and ResNet's at 224×224.
        Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(new Conv2dShape(3, 224, 224, 32, 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1)));
        Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(new Conv2dShape(3, 224, 224, 64, 112, 112, 7, 7, 2, 2, 3, 3, 1, 1, 1)));
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(new Conv2dShape(5, 224, 224, 64, 112, 112, 7, 7, 2, 2, 3, 3, 1, 1, 1)));
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(new Conv2dShape(3, 224, 224, 65, 112, 112, 7, 7, 2, 2, 3, 3, 1, 1, 1)));
        var large = new Conv2dShape(64, 512, 512, 1, 512, 512, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Assert.Equal(Conv2dAlgorithm.ImplicitGemm, Conv2d.AlgorithmFor(large));
        Assert.Equal(0, large.ScratchLength);
    }

    [Fact]
    public void ScratchIsWinogradBuffersOrNothing()
    {
        Assert.Equal(0, new Conv2dShape(16, 8, 8, 32, 8, 8, 1, 1, 1, 1, 0, 0, 1, 1, 1).ScratchLength);
        Assert.Equal(0, new Conv2dShape(16, 8, 8, 16, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 16).ScratchLength);
        // Winograd F(4×4, 3×3) on an 8×8 output: 2×2 tiles; a (2·4+2)² zero-bordered channels-last copy of the 16 input
        // channels plus, for each of the 36 transform positions, 4 tiles × (16 inputs + 32 outputs).
        Assert.Equal(10 * 10 * 16 + 36 * 4 * (16 + 32), new Conv2dShape(16, 8, 8, 32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1).ScratchLength);
        Assert.Equal(0, new Conv2dShape(16, 8, 8, 32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2).ScratchLength); // groups: implicit GEMM
        Assert.Equal(0, new Conv2dShape(16, 8, 8, 32, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1).ScratchLength); // stride 2: implicit GEMM
        Assert.True(new Conv2dShape(16, 8, 8, 16, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 16).IsDepthwise);
        Assert.Equal(32 * 16 * 9, new Conv2dShape(16, 8, 8, 32, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1).WeightLength);
    }

    [Fact]
    public void RejectsBadShapesAndShortSpans()
    {
        var s = new Conv2dShape(16, 8, 8, 16, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1); // a Winograd shape: it needs scratch
        var x = new float[s.InputLength];
        var wt = new float[s.WeightLength];
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x.AsSpan(1), wt, default, default, Activation.None, y, scratch));
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x, wt.AsSpan(1), default, default, Activation.None, y, scratch));
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x, wt, new float[5], default, Activation.None, y, scratch));
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x, wt, default, new float[3], Activation.None, y, scratch));
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x, wt, default, default, Activation.None, y.AsSpan(1), scratch));
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(s, x, wt, default, default, Activation.None, y, scratch.AsSpan(1)));
        var wrongOut = s with { OutHeight = 7 };
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(wrongOut, x, wt, default, default, Activation.None, y, scratch));
        var badGroups = s with { Groups = 3 };
        Assert.Throws<ArgumentException>(() => Conv2d.PackWeights(badGroups, wt, new float[wt.Length]));
        Assert.Throws<ArgumentException>(() => Conv2d.PackWeights(s, wt.AsSpan(1), new float[wt.Length]));
    }
}
