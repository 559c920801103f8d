using VisionGen.Cpu;
using Xunit;

namespace VisionGen.Tests.Cpu;

/// <summary>
/// Convolutions split across threads give the same bits as on one thread, and match the double reference: the parts
/// divide output channels, pixels or both, but every output is summed in the same order whoever computes it.
/// </summary>
[Collection(CpuThreadsCollection.Name)]
public class CpuConv2dThreadTests
{
    [Theory]
    // in, out, size, kernel, stride, pad, output pixels as the GEMM's rows
    [InlineData(576, 96, 14, 1, 1, 0, true)]   // MobileNetV2 features.12.conv.2: three channel panels, each panel's tiles cut per thread
    [InlineData(960, 160, 7, 1, 1, 0, true)]   // five panels of seven tiles at 7²
    [InlineData(40, 70, 8, 3, 1, 1, true)]     // three panels, the last partial, 3×3 padded
    [InlineData(24, 20, 5, 3, 1, 1, true)]     // one panel: its four tiles split
    [InlineData(16, 80, 2, 3, 1, 1, true)]     // three panels, one tile: split by panel alone, unevenly
    [InlineData(64, 64, 14, 1, 1, 0, true)]    // two panels: split by panel alone on two threads (nothing to border)
    [InlineData(16, 32, 28, 3, 2, 1, true)]    // ResNet's 3×3 stride 2 in small: bands of pixels, each thread bordering its own input rows
    [InlineData(8, 20, 15, 3, 2, 1, true)]     // the same from an odd size: bands end mid-row, the rows at their edges bordered by both
    [InlineData(4, 8, 10, 3, 1, 1, true)]      // bands of pixels at stride 1, padded
    [InlineData(96, 96, 112, 3, 2, 1, false)]  // depthwise stride 2 (groups = channels below): chunks streamed, or the banded plane fill without AVX-512
    [InlineData(75, 75, 7, 3, 1, 1, false)]    // depthwise 7×7, two channels a vector: parts of odd length (38 + 37, 3 × 25)
    [InlineData(75, 75, 14, 3, 2, 1, false)]   // depthwise 14 -> 7 at stride 2, the same pairs
    [InlineData(75, 75, 14, 3, 1, 1, false)]   // depthwise 14×14, one channel a vector
    [InlineData(75, 75, 28, 3, 2, 1, false)]   // depthwise 28 -> 14 at stride 2
    [InlineData(75, 75, 14, 5, 1, 2, false)]   // depthwise 5×5 at 14×14
    [InlineData(75, 75, 28, 5, 2, 2, false)]   // depthwise 5×5 from 28×28 at stride 2
    [InlineData(32, 16, 112, 1, 1, 0, false)]  // pointwise GEMM on the input
    [InlineData(64, 128, 56, 1, 2, 0, false)]  // ResNet-18's stride-2 downsampling, implicit GEMM: split by pixels (25 tiles) though 22 row tiles balance better
    [InlineData(3, 16, 64, 7, 2, 3, false)]    // ResNet's stem in small, direct kernel: each part buffers the input rows its output rows start on
    [InlineData(3, 8, 45, 7, 2, 3, false)]     // the same from an odd size: parts read rows the other buffered
    public void GivesTheSameBitsOnOneTwoAndThreeThreads(int ic, int oc, int size, int k, int stride, int pad, bool pixelRows)
    {
        int o = Reference.OutSize(size, k, stride, pad, 1);
        int groups = !pixelRows && k is 3 or 5 ? ic : 1;
        var s = new Conv2dShape(ic, size, size, groups == 1 ? oc : ic, o, o, k, k, stride, stride, pad, pad, 1, 1, groups,
            GemmRows: pixelRows ? GemmRows.OutputPixels : GemmRows.OutputChannels);
        if (pixelRows) Assert.Equal(Conv2dAlgorithm.PixelRowsGemm, Conv2d.AlgorithmFor(s));
        if (k == 7) Assert.Equal(Conv2dAlgorithm.Direct, Conv2d.AlgorithmFor(s));
        var x = Reference.Random(s.InputLength, 1);
        var weight = Reference.Random(s.WeightLength, 2);
        var bias = Reference.Random(s.OutChannels, 3);
        var residual = Reference.Random(s.OutputLength, 4);
        var expected = Reference.Conv2d(x, ic, size, size, weight, bias, residual, s.OutChannels, k, k, stride, pad, 1, groups, 1, out _, out _);
        var packed = new float[Conv2d.PackedWeightLength(s)];
        Conv2d.PackWeights(s, weight, packed);
        float[] Run()
        {
            var y = new float[s.OutputLength];
            Array.Fill(y, float.NaN);
            var scratch = new float[s.ScratchLength];
            Array.Fill(scratch, float.NaN);
            Conv2d.Forward(s, x, packed, bias, residual, new Activation(VisionGen.Ops.ActivationKind.Relu), y, scratch);
            return y;
        }
        Reference.AssertClose(expected, ThreadCounts.SameBitsOnOneTwoAndThree(Run), s.ToString());
    }
}
