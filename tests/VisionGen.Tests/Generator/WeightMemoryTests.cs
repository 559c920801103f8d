namespace VisionGen.Tests.Generator;

/// <summary>What <c>[VisionModel(WeightMemory = ...)]</c> changes in the generated code.</summary>
public class WeightMemoryTests
{
    private const string Net = "[ResNet(Depth = 18)][ClassifierHead(Classes = 10)] public partial class Net;";

    private static string Source(string model)
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n" + model + Net);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        return Assert.Single(run.Sources).Source;
    }

    [Fact]
    public void CompactKeepsNoWinogradFormAndReservesNoWinogradScratch()
    {
        string fast = Source("[VisionModel(Height = 64, Width = 64)]");
        string compact = Source("[VisionModel(Height = 64, Width = 64, WeightMemory = WeightMemory.Compact)]");

        // Every convolution shape of the compact model says so (and the kernels then never pick Winograd); none of the default's do.
        int shapes = CountOf(compact, "Conv2dShape s_");
        Assert.Equal(shapes, CountOf(compact, "WeightMemory: global::VisionGen.WeightMemory.Compact"));
        Assert.Equal(0, CountOf(fast, "WeightMemory:"));
        Assert.Contains("Winograd", fast);
        Assert.DoesNotContain("Winograd F(4x4, 3x3)", compact);

        // The default reserves Winograd scratch for the 3×3 stride-1 convolutions; the compact model only the buffers of
        // the small-output GEMM (the 8×8 and smaller stages of this 64×64 ResNet: their weights at their own size), no more.
        int Scratch(string code) => int.Parse(System.Text.RegularExpressions.Regex.Match(code, @"private const int ScratchLength = (\d+);").Groups[1].Value);
        Assert.True(Scratch(compact) > 0 && Scratch(compact) <= Scratch(fast), $"scratch: compact {Scratch(compact)}, fast {Scratch(fast)}");
        Assert.Equal(CountOf(fast, "GemmRows: global::VisionGen.Cpu.GemmRows.OutputPixels"), CountOf(compact, "GemmRows: global::VisionGen.Cpu.GemmRows.OutputPixels"));
        Assert.True(CountOf(compact, "GemmRows: global::VisionGen.Cpu.GemmRows.OutputPixels") > 0);
        Assert.Contains("(WeightMemory.Compact)", compact);

        // The weight table is the same: one file serves both.
        Assert.Equal(Table(fast), Table(compact));
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static string Table(string source)
    {
        int start = source.IndexOf("s_weightSpecs =", StringComparison.Ordinal);
        int end = source.IndexOf("\"\"\");", start, StringComparison.Ordinal); // the table's closing quotes
        Assert.True(start >= 0 && end > start, "no weight table");
        return source.Substring(start, end - start);
    }
}
