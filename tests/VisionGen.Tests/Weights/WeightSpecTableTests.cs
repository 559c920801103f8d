using VisionGen.Weights;
using Xunit;

namespace VisionGen.Tests.Weights;

/// <summary>The text form generated models state their weights in (<see cref="WeightSpecTable"/>).</summary>
public class WeightSpecTableTests
{
    [Fact]
    public void ReadsNameShapeAndReadsOrIgnoredPerLine()
    {
        WeightSpec[] specs = WeightSpecTable.Parse("""
            conv1.weight 64x3x7x7 reads=1
            bn1.num_batches_tracked - ignored

            fc.bias 1000
            shared.weight 8x8 reads=3
            """);
        Assert.Equal(4, specs.Length);
        Check(specs[0], "conv1.weight", [64, 3, 7, 7], ignored: false, reads: 1);
        Check(specs[1], "bn1.num_batches_tracked", [], ignored: true, reads: 0);
        Check(specs[2], "fc.bias", [1000], ignored: false, reads: 0);
        Check(specs[3], "shared.weight", [8, 8], ignored: false, reads: 3);

        static void Check(WeightSpec spec, string name, int[] shape, bool ignored, int reads)
        {
            Assert.Equal(name, spec.Name);
            Assert.Equal(shape, spec.Shape);
            Assert.Equal(ignored, spec.Ignored);
            Assert.Equal(reads, spec.Reads);
        }
    }

    [Theory]
    [InlineData("conv1.weight")]                  // no shape
    [InlineData("conv1.weight 64x3x")]            // empty dimension
    [InlineData("conv1.weight 64x-3")]            // sign
    [InlineData("conv1.weight 64 reads=")]        // no count
    [InlineData("conv1.weight 64 read=1")]        // unknown word
    [InlineData("conv1.weight 64 reads=1 extra")] // too many words
    public void AMalformedLineIsAFormatExceptionQuotingIt(string line)
    {
        var e = Assert.Throws<FormatException>(() => WeightSpecTable.Parse("fc.bias 10\n" + line + "\n"));
        Assert.Contains(line, e.Message, StringComparison.Ordinal);
    }
}
