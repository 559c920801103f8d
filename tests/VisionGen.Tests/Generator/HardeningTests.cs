using System.Globalization;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace VisionGen.Tests.Generator;

/// <summary>
/// Hostile and careless declarations: the generator never crashes (a crash would drop every model of the project), and
/// each case is a VG diagnostic or generated code that compiles — one test per case of the hardening issue, and a
/// random-argument sweep over every attribute and the Forward ops.
/// </summary>
public class HardeningTests(ITestOutputHelper log)
{
    /// <summary>A well-formed model beside the one under test: it must always be generated.</summary>
    private const string Bystander = """
        namespace Other
        {
            [VisionGen.VisionModel(Channels = 1, Height = 8, Width = 8)]
            [VisionGen.Conv2d("0", 2, 3)]
            public partial class Bystander;
        }
        """;

    private static GeneratorRun Run(string model)
    {
        GeneratorRun run = GeneratorHarness.Run("using VisionGen;\n" + model, Bystander);
        Assert.Contains(run.Sources, s => s.HintName == "Other.Bystander.VisionModel.g.cs");
        return run;
    }

    private static Diagnostic Single(string model, string id)
    {
        GeneratorRun run = Run(model);
        Diagnostic d = Assert.Single(run.Diagnostics);
        Assert.Equal(id, d.Id);
        return d;
    }

    private static GeneratorRun Compiles(string model)
    {
        GeneratorRun run = Run(model);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        return run;
    }

    [Theory]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)][BatchNorm2d(\"1\", Eps = float.NaN)] public partial class Net;", "eps")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)][BatchNorm2d(\"1\", Eps = -1e-5f)] public partial class Net;", "eps")]
    [InlineData("[VisionModel(Channels = 3, Height = 32, Width = 32)][MobileNetV2(WidthMultiplier = 1e30f)] public partial class Net;", "WidthMultiplier")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 4, 3)][GroupNorm(\"1\", 2, Eps = float.PositiveInfinity)] public partial class Net;", "eps")]
    public void Case1And4_NonFiniteOrHugeFloatsAreDiagnostics(string model, string what) =>
        Assert.Contains(what, Single(model, "VG0020").GetMessage());

    [Fact]
    public void Case1_HugeButFiniteEpsStillGeneratesValidCode() =>
        Compiles("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)][BatchNorm2d(\"1\", Eps = 1e30f)] public partial class Net;");

    [Theory]
    [InlineData("[VisionModel(Channels = 16, Height = 1, Width = 1)][Conv2d(\"0\", 60000000, 3, Padding = 1)] public partial class Net;")]
    [InlineData("[VisionModel(Channels = 3, Height = 32, Width = 32)][ResNet(Depth = 18)][ClassifierHead(Classes = int.MaxValue)] public partial class Net;")]
    [InlineData("[VisionModel(Channels = 64, Height = 56, Width = 56)][Flatten][Linear(\"1\", 100000)] public partial class Net;")]
    [InlineData("[VisionModel(Channels = 1, Height = 28, Width = 28)][Conv2d(\"0\", 4, 3, Padding = 1100000000)] public partial class Net;")]
    [InlineData("[VisionModel(Batch = 100000, Channels = 3, Height = 224, Width = 224)][Conv2d(\"0\", 4, 3)] public partial class Net;")]
    public void Case2And5And6_AnythingPastOneArrayIsASizeDiagnostic(string model) =>
        Assert.Contains("too large", Single(model, "VG0015").GetMessage());

    [Fact]
    public void Case6_AHugeDilationDoesNotWrapAround()
    {
        Diagnostic d = Single("[VisionModel(Channels = 1, Height = 28, Width = 28)][Conv2d(\"0\", 4, 5, Dilation = 1073741825)] public partial class Net;", "VG0004");
        Assert.Contains("1073741825", d.GetMessage());
    }

    [Fact]
    public void Case3_VisionModelOnTwoPartialDeclarationsGeneratesOnceAndLetsTheCompilerReportIt()
    {
        GeneratorRun run = Run("""
            [VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d("0", 2, 3)] public partial class Net;
            [VisionModel(Channels = 1, Height = 8, Width = 8)] public partial class Net;
            """);
        Assert.Empty(run.Diagnostics);
        Assert.Single(run.Sources, s => s.HintName == "Net.VisionModel.g.cs");
        Assert.Contains(run.CompilationErrors, e => e.Id == "CS0579"); // duplicate attribute
    }

    [Theory]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial record Net;", "record")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial struct Net;", "struct")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] file partial class Net;", "file")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public abstract partial class Net;", "abstract")]
    public void Case7_ClassesThatCannotBeAModelAreDiagnostics(string model, string what) =>
        Assert.Contains(what, Single(model, "VG0011").GetMessage());

    [Theory]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial class Weights;")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial class Cpu;")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial class @event;")]
    [InlineData("namespace @class.@int { [VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"0\", 2, 3)] public partial class Net; }")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"a\\n#error injected\\r\\n\", 2, 3)] public partial class Net;")]
    [InlineData("[VisionModel(Channels = 1, Height = 8, Width = 8)][Conv2d(\"a\\u2028#error injected\", 2, 3)] public partial class Net;")]
    public void Case7_AwkwardNamesAndPrefixesGenerateValidCode(string model) => Compiles(model);

    [Fact]
    public void Case7_AnUndefinedConstantIsOnlyTheCompilersError()
    {
        GeneratorRun run = Run("[VisionModel(Channels = 1, Height = Sizes.Missing, Width = 8)][Conv2d(\"0\", 2, 3)] public partial class Net;");
        Assert.Empty(run.Diagnostics);
        Assert.Contains(run.CompilationErrors, e => e.Id == "CS0103");
    }

    // ------------------------------------------------------------------ random arguments to every attribute and op

    private static readonly string[] Ints = ["int.MinValue", "-1", "0", "1", "1", "2", "2", "3", "3", "4", "5", "8", "16", "1000", "1 << 20", "60000000", "int.MaxValue"];
    private static readonly string[] Floats = ["float.NaN", "float.PositiveInfinity", "float.NegativeInfinity", "0f", "-1f", "1e-30f", "1e-5f", "1e-5f", "0.5f", "0.5f", "1f", "1e30f", "float.MaxValue"];
    private static readonly string[] Bools = ["true", "false"];

    private static string Pick(Random r, string[] pool) => pool[r.Next(pool.Length)];

    private static string Layer(Random r, int index)
    {
        string p = $"\"{index.ToString(CultureInfo.InvariantCulture)}\"";
        return r.Next(15) switch
        {
            0 => $"[Conv2d({p}, {Pick(r, Ints)}, {Pick(r, Ints)}, Stride = {Pick(r, Ints)}, Padding = {Pick(r, Ints)}, Dilation = {Pick(r, Ints)}, Groups = {Pick(r, Ints)}, Bias = {Pick(r, Bools)})]",
            1 => $"[Conv2d({p}, {r.Next(1, 9)}, {r.Next(1, 4)}, Padding = {r.Next(0, 2)})]",
            2 => $"[BatchNorm2d({p}, Eps = {Pick(r, Floats)})]",
            3 => "[ReLU]",
            4 => "[ReLU6]",
            5 => $"[MaxPool2d({Pick(r, Ints)}, Stride = {Pick(r, Ints)}, Padding = {Pick(r, Ints)})]",
            6 => $"[AvgPool2d({r.Next(1, 4)}, Stride = {r.Next(0, 3)}, Padding = {r.Next(0, 2)})]",
            7 => "[GlobalAvgPool]",
            8 => "[Flatten]",
            9 => $"[Linear({p}, {Pick(r, Ints)}, InFeatures = {Pick(r, Ints)}, Bias = {Pick(r, Bools)})]",
            10 => $"[GroupNorm({p}, {Pick(r, Ints)}, Eps = {Pick(r, Floats)}, Affine = {Pick(r, Bools)})]",
            11 => $"[InstanceNorm2d({p}, Eps = {Pick(r, Floats)}, Affine = {Pick(r, Bools)})]",
            12 => $"[LayerNorm({p}, Eps = {Pick(r, Floats)}, ElementwiseAffine = {Pick(r, Bools)})]",
            13 => $"[Linear({p}, {r.Next(1, 9)})]",
            _ => $"[MaxPool2d({r.Next(1, 4)})]",
        };
    }

    private static string Architecture(Random r) => r.Next(6) switch
    {
        0 => $"[ResNet(Depth = {Pick(r, ["18", "34", "50", "7", "-1", "int.MaxValue"])})][ClassifierHead(Classes = {Pick(r, Ints)}, Prefix = \"{Pick(r, ["", "fc", "\\n"])}\")]",
        1 => $"[MobileNetV2(WidthMultiplier = {Pick(r, Floats)})][ClassifierHead(Classes = {Pick(r, Ints)})]",
        2 => $"[ResNet][FpnNeck(OutChannels = {Pick(r, Ints)}, ExtraBlocks = (FpnExtra){r.Next(-1, 5)}, Stages = [{Pick(r, Ints)}, {Pick(r, Ints)}])]" +
             $"[RetinaNetHead(Classes = {Pick(r, Ints)}, AnchorSizes = [{Pick(r, Ints)}], AspectRatios = [{Pick(r, Floats)}], ScoreThreshold = {Pick(r, Floats)}, NmsThreshold = {Pick(r, Floats)}, DetectionsPerImage = {Pick(r, Ints)}, TopKCandidates = {Pick(r, Ints)})]",
        3 => $"[MobileNetV2(WidthMultiplier = 0.35f)][FpnNeck(OutChannels = {r.Next(1, 40)}, Stages = [{r.Next(0, 7)}, {r.Next(0, 7)}])][FcosHead(Classes = {r.Next(-1, 9)}, GroupNormGroups = {Pick(r, Ints)}, DetectionsPerImage = {Pick(r, Ints)})]",
        _ => "",
    };

    private static string NnCall(Random r, int i) => r.Next(10) switch
    {
        0 => $"x = Conv2d(x, \"c{i}\", {Pick(r, Ints)}, {Pick(r, Ints)}, stride: {Pick(r, Ints)}, padding: {Pick(r, Ints)}, dilation: {Pick(r, Ints)}, groups: {Pick(r, Ints)});",
        1 => $"x = ConvTranspose2d(x, \"t{i}\", {Pick(r, Ints)}, {Pick(r, Ints)}, stride: {Pick(r, Ints)}, padding: {Pick(r, Ints)}, outputPadding: {Pick(r, Ints)}, groups: {Pick(r, Ints)});",
        2 => $"x = Interpolate(x, scale: {Pick(r, Floats)}, mode: \"{Pick(r, ["nearest", "bilinear", "bicubic"])}\", alignCorners: {Pick(r, Bools)});",
        3 => $"x = AdaptiveAvgPool2d(x, {Pick(r, Ints)}, {Pick(r, Ints)});",
        4 => $"x = Cat(x, x, dim: {r.Next(-5, 5)});",
        5 => $"x = Chunk(x, {Pick(r, Ints)}, {r.Next(-5, 5)})[0];",
        6 => $"x = Reshape(x, {Pick(r, Ints)}, -1);",
        7 => $"x = Permute(x, {r.Next(-1, 5)}, {r.Next(-1, 5)}, {r.Next(-1, 5)}, {r.Next(-1, 5)});",
        8 => $"x = LeakyRelu(BatchNorm2d(x, \"b{i}\", eps: {Pick(r, Floats)}), {Pick(r, Floats)});",
        _ => $"x = Softmax(GroupNorm(x, \"g{i}\", {Pick(r, Ints)}, eps: {Pick(r, Floats)}), {r.Next(-5, 5)});",
    };

    [Fact]
    public void RandomArgumentsNeverCrashTheGeneratorAndEveryResultIsADiagnosticOrCodeThatCompiles()
    {
        var random = new Random(20261129);
        int diagnosed = 0, compiled = 0;
        for (int n = 0; n < 120; n++)
        {
            string model;
            string input = $"Batch = {Pick(random, ["1", "1", "2", "0", "-1"])}, Channels = {Pick(random, ["1", "3", "4", "0", "int.MaxValue"])}, Height = {Pick(random, ["1", "8", "17", "17", "0", "1 << 20"])}, Width = {Pick(random, ["1", "9", "32", "32", "-3"])}";
            if (n % 3 == 2)
            {
                string body = string.Join("\n", Enumerable.Range(0, random.Next(1, 4)).Select(i => NnCall(random, i)));
                model = $"using static VisionGen.Nn; [VisionModel({input})] public sealed partial class Net {{ static Tensor Forward(Tensor x) {{ {body} return x; }} }}";
            }
            else
            {
                string layers = n % 3 == 0 ? Architecture(random) : string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(i => Layer(random, i)));
                model = $"[VisionModel({input})]{layers} public partial class Net;";
            }
            GeneratorRun run = Run(model); // the harness fails on any exception the generator throws
            if (run.Diagnostics.Length > 0)
            {
                Assert.All(run.Diagnostics, d => Assert.StartsWith("VG", d.Id));
                Assert.DoesNotContain(run.Diagnostics, d => d.Id == "VG0026"); // an internal error is a bug, not an answer
                diagnosed++;
            }
            else
            {
                Assert.True(run.CompilationErrors.IsEmpty, $"{model}\n{string.Join("\n", run.CompilationErrors)}");
                compiled++;
            }
        }
        log.WriteLine($"{diagnosed} declarations rejected with VG diagnostics, {compiled} generated code that compiles");
        Assert.True(compiled > 5 && diagnosed > 5, "the sweep should cover both outcomes");
    }
}
