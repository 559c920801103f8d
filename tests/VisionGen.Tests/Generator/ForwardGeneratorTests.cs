using Microsoft.CodeAnalysis;

namespace VisionGen.Tests.Generator;

/// <summary>
/// The <c>Forward</c> evaluator: every supported construct generates code that compiles, and every unsupported construct
/// or shape error is one diagnostic at the exact expression (never a generator crash).
/// </summary>
public class ForwardGeneratorTests
{
    private static string Model(string body, string members = "", string attributes = "", string input = "Channels = 3, Height = 16, Width = 24") => $$"""
        using System.Collections.Generic;
        using VisionGen;
        using static VisionGen.Nn;
        namespace App;
        [VisionModel({{input}})]{{attributes}}
        public sealed partial class Net
        {
            static Tensor Forward(Tensor x)
            {
        {{body}}
            }
        {{members}}
        }
        """;

    private static GeneratorRun Compiles(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(withKernels: true, source);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        Assert.Single(run.Sources);
        return run;
    }

    private static Diagnostic Single(string source, string id)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Empty(run.Sources);
        return diagnostic;
    }

    private static string At(Diagnostic d, string source) => source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length);

    [Fact]
    public void LocalsHelpersLoopsAndIfsOverConstants()
    {
        GeneratorRun run = Compiles(Model("""
                    var y = Stem(x);
                    for (int i = 0; i < Depth; i++)
                    {
                        if (i % 2 == 0) y = Block(y, $"blocks.{i}", y.Channels);
                        else y = Relu6(Block(y, $"blocks.{i}", y.Channels * 2));
                    }
                    int c = y.Channels;
                    y = c > 8 ? Conv2d(y, "proj", c / 2, 1) : y;
                    return Flatten(AdaptiveAvgPool2d(y, 1));
            """, """
                const int Depth = 3;
                static Tensor Stem(Tensor x) => Silu(BatchNorm2d(Conv2d(x, "stem.0", 8, 3, stride: 2, padding: 1, bias: false), "stem.1"));
                static Tensor Block(Tensor x, string name, int channels, int kernel = 3) =>
                    Relu(BatchNorm2d(Conv2d(x, name + ".conv", channels, kernel, padding: kernel / 2, bias: false), $"{name}.bn"));
            """));
        string code = run.Sources[0].Source;
        Assert.Contains(" blocks.2.conv.weight 16x16x3x3 ", code);
        Assert.Contains(" proj.weight 8x16x1x1 ", code);
        Assert.Contains("public const int OutputLength = 8;", code);
        Assert.Contains("Cpu.Activation.Silu", code); // fused into the stem convolution
    }

    [Fact]
    public void ListsChunkCatAndTupleOutputs()
    {
        GeneratorRun run = Compiles(Model("""
                    var y = Conv2d(x, "cv1", 16, 1);
                    var parts = new List<Tensor>(Chunk(y, 2));
                    for (int i = 0; i < 2; i++) parts.Add(Silu(Conv2d(parts[^1], $"m.{i}", 8, 3, padding: 1)));
                    var (a, b) = (parts[0], parts[1]);
                    var joined = Cat(parts.ToArray());
                    return (Conv2d(joined, "cv2", 4, 1), a * Sigmoid(b), Softmax(Reshape(joined, 1, 2, -1), dim: 1));
            """).Replace("static Tensor Forward", "static (Tensor Logits, Tensor Gated, Tensor Scores) Forward"));
        string code = run.Sources[0].Source;
        Assert.Contains("public const int LogitsLength = 1536;", code);
        Assert.Contains("public const int GatedLength = 3072;", code);
        Assert.Contains("global::System.Span<float> logits, global::System.Span<float> gated, global::System.Span<float> scores", code);
        Assert.Contains("written in place by", code); // the two bottleneck outputs are produced straight into the concatenation
    }

    [Fact]
    public void EveryNnOpGeneratesCpuAndGpuCode()
    {
        GeneratorRun run = Compiles(Model("""
                    var c = Conv2d(x, "c", 8, 3, padding: 1);
                    var t = ConvTranspose2d(c, "t", 8, 2, stride: 2);
                    var u = Interpolate(MaxPool2d(t, 2), scale: 2, mode: "bilinear");
                    var v = Interpolate(AvgPool2d(u, 3, stride: 2, padding: 1), (16, 24));
                    var n = LayerNorm(InstanceNorm2d(GroupNorm(v, "g", 4), "i", affine: true), "l");
                    var a = Hardswish(Hardsigmoid(Tanh(Gelu(Gelu(LeakyRelu(n, 0.2f), "tanh")))));
                    var s = Mul(a, AdaptiveMaxPool2d(a, 1)) + Add(a, a);
                    var parts = Split(s, new[] { 3, 5 });
                    var p = Permute(Cat(new[] { parts[1], parts[0] }, 1), 0, 2, 3, 1);
                    var q = Transpose(Dropout(Identity(p)), 1, 2);
                    var r = AdaptiveAvgPool2d(Permute(q, 0, 3, 2, 1), 3, 5);
                    return Linear(Flatten(StochasticDepth(Softmax(r, -1), 0.1f)), "fc", 4);
            """));
        string code = run.Sources[0].Source;
        foreach (string call in new[] { "Cpu.ConvTranspose2d.Forward", "Cpu.Resize.Bilinear", "Cpu.Resize.Nearest", "Cpu.Broadcast.Binary", "Cpu.Layout.Permute",
                     "Cpu.Pool2d.AdaptiveAverage", "Cpu.Softmax.Forward", "Kernels.ConvTranspose2d", "Kernels.Binary", "Kernels.SoftmaxAxis" })
            Assert.Contains(call, code);
    }

    [Fact]
    public void BatchCarriesThroughEveryShape()
    {
        GeneratorRun run = Compiles(Model("""
                    var y = Relu(BatchNorm2d(Conv2d(x, "conv", 8, 3, padding: 1, bias: false), "bn"));
                    return Linear(Flatten(AdaptiveAvgPool2d(y, 1)), "fc", 5);
            """, input: "Batch = 4, Channels = 3, Height = 16, Width = 24"));
        string code = run.Sources[0].Source;
        Assert.Contains("public const int InputLength = 4608;", code);
        Assert.Contains("public const int Batch = 4;", code);
        Assert.Contains("public const int OutputLength = 20;", code);
        Assert.Contains("for (int n = 0; n < 4; n++)", code); // the convolution runs per image on the CPU
        Assert.Contains("batch: 4", code); // and once for the batch on the GPU
    }

    [Fact]
    public void VG0023_UnsupportedCall()
    {
        string src = Model("var name = System.Console.ReadLine();\n        return Conv2d(x, name, 4, 3);");
        Diagnostic d = Single(src, "VG0023");
        Assert.Equal("System.Console.ReadLine()", At(d, src));
        Assert.Contains("Console.ReadLine", d.GetMessage());
    }

    [Fact]
    public void VG0023_ConditionThatIsNotAConstant()
    {
        string src = Model("if (System.DateTime.Now.Second > 3) x = Relu(x);\n        return x;");
        Diagnostic d = Single(src, "VG0023");
        Assert.StartsWith("System.DateTime.Now", At(d, src));
    }

    [Fact]
    public void VG0023_Lambda()
    {
        string src = Model("System.Func<Tensor, Tensor> f = t => Relu(t);\n        return f(x);");
        Diagnostic d = Single(src, "VG0023");
        Assert.Equal("t => Relu(t)", At(d, src));
    }

    [Fact]
    public void VG0023_EndlessLoopAndRecursionStop()
    {
        Assert.Contains("steps", Single(Model("while (true) { }\n        return x;"), "VG0023").GetMessage());
        Assert.Contains("deeper", Single(Model("return Deep(x, 0);", "static Tensor Deep(Tensor x, int i) => Deep(x, i + 1);"), "VG0023").GetMessage());
    }

    [Fact]
    public void VG0022_AddOfDifferentChannelsNamesBothShapes()
    {
        string src = Model("var a = Conv2d(x, \"a\", 8, 1);\n        var b = Conv2d(x, \"b\", 6, 1);\n        return a + b;");
        Diagnostic d = Single(src, "VG0022");
        Assert.Equal("a + b", At(d, src));
        Assert.Contains("1x8x16x24", d.GetMessage());
        Assert.Contains("1x6x16x24", d.GetMessage());
    }

    [Fact]
    public void VG0022_CatOfDifferentSpatialSizes()
    {
        string src = Model("return Cat(x, MaxPool2d(x, 2));");
        Diagnostic d = Single(src, "VG0022");
        Assert.Equal("Cat(x, MaxPool2d(x, 2))", At(d, src));
        Assert.Contains("1x3x8x12", d.GetMessage());
    }

    [Fact]
    public void VG0004_KernelLargerThanTheInput()
    {
        string src = Model("return Conv2d(x, \"big\", 4, 31);");
        Diagnostic d = Single(src, "VG0004");
        Assert.Equal("Conv2d(x, \"big\", 4, 31)", At(d, src));
        Assert.Contains("31x31", d.GetMessage());
    }

    [Fact]
    public void VG0020_BadArgumentValue()
    {
        string src = Model("return Interpolate(x, scale: 2, mode: \"bicubic\");");
        Assert.Contains("bicubic", Single(src, "VG0020").GetMessage());
        Assert.Contains("state_dict prefix", Single(Model("return Conv2d(x, \"\", 4, 3);"), "VG0020").GetMessage());
    }

    [Fact]
    public void VG0003_NonPositiveKernel() =>
        Assert.Contains("kernel size", Single(Model("return Conv2d(x, \"c\", 4, 0);"), "VG0003").GetMessage());

    [Fact]
    public void VG0024_WrongSignature()
    {
        Assert.Contains("one parameter", Single(Model("return x;").Replace("Forward(Tensor x)", "Forward(Tensor x, int k)"), "VG0024").GetMessage());
        Assert.Contains("returns", Single(Model("return 1;").Replace("static Tensor Forward", "static int Forward"), "VG0024").GetMessage());
    }

    [Fact]
    public void VG0025_ForwardAndAttributes() =>
        Assert.Contains("[ResNet]", Single(Model("return x;", attributes: "[ResNet]"), "VG0025").GetMessage());

    [Fact]
    public void EveryShapeErrorIsReportedNotJustTheFirst()
    {
        GeneratorRun run = GeneratorHarness.Run(Model("var a = Conv2d(x, \"a\", 8, 1) + x;\n        var b = Cat(x, MaxPool2d(x, 2));\n        return Conv2d(x, \"c\", 4, 0);"));
        Assert.Equal(new[] { "VG0003", "VG0022", "VG0022" }, run.Diagnostics.Select(d => d.Id).OrderBy(i => i));
        Assert.Empty(run.Sources);
    }

    [Fact]
    public void ABadModelLeavesTheOthersGenerated()
    {
        GeneratorRun run = GeneratorHarness.Run(Model("return Conv2d(x, \"c\", 4, 0);"), """
            using VisionGen;
            using static VisionGen.Nn;
            namespace App;
            [VisionModel(Channels = 3, Height = 8, Width = 8)]
            public sealed partial class Good { static Tensor Forward(Tensor x) => Relu(Conv2d(x, "c", 4, 3)); }
            """);
        Assert.Single(run.Diagnostics);
        Assert.Equal("App.Good.VisionModel.g.cs", Assert.Single(run.Sources).HintName);
    }

    [Fact]
    public void VG0027_YoloHeadChecksTheScaleOutputs()
    {
        const string Scales = "return (Cat(Conv2d(x, \"b0\", 8, 1, stride: 4), Conv2d(x, \"c0\", 3, 1, stride: 4)), Cat(Conv2d(x, \"b1\", 8, 1, stride: 8), Conv2d(x, \"c1\", 3, 1, stride: 8)));";
        string good = Model(Scales, attributes: "\n[YoloHead(Classes = 3, RegMax = 2)]").Replace("static Tensor Forward", "static (Tensor, Tensor) Forward");
        GeneratorRun run = GeneratorHarness.Run(good);
        Assert.Empty(run.Diagnostics);
        Assert.Contains("YoloPostprocess.Run", Assert.Single(run.Sources).Source);

        string message = Single(good.Replace("Classes = 3", "Classes = 4"), "VG0027").GetMessage();
        Assert.Contains("[1, 12, H, W]", message);
        Assert.Contains("output 1 of 2", message);
        Assert.Contains("return the scales finest first", Single(good.Replace("stride: 4", "stride: 8"), "VG0027").GetMessage());
        Assert.Contains("Batch = 1", Single(good.Replace("Channels = 3,", "Batch = 2, Channels = 3,"), "VG0027").GetMessage());
        Assert.Contains("whole stride", Single(good.Replace("Height = 16", "Height = 18"), "VG0027").GetMessage());
        Assert.Contains("Forward method", Single("""
            using VisionGen;
            [VisionModel(Channels = 3, Height = 32, Width = 32)]
            [ResNet(Depth = 18)]
            [YoloHead]
            public sealed partial class Net { }
            """, "VG0027").GetMessage());
        Assert.Equal("VG0020", Single(good.Replace("RegMax = 2", "RegMax = 0"), "VG0020").Id);
    }
}
