using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VisionGen.Tests.Generator;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Zoo;

/// <summary>
/// Every torchvision builder the backbone attributes cover generates code that compiles, and its weight specs are exactly
/// the builder's state_dict — every name and shape, as torchvision reports them (zoo/names.json, written by
/// scripts/fixtures/make_zoo_fixtures.py without weights) — and its batch norms use torchvision's eps. The parity tests
/// run one configuration per family; this covers the rest (VGG 11–19 ± batch norm, ResNeXt and wide ResNet, MobileNetV3
/// sizes and options, EfficientNet B0–B7 and V2 S/M/L, GoogLeNet, Inception v3) without their weights.
/// </summary>
public class ZooNameTests(ITestOutputHelper log)
{
    private static readonly Lazy<JsonDocument> s_names = new(() => JsonDocument.Parse(File.ReadAllText(Fixtures.PathOf("zoo/names.json"))));

    [Theory]
    [InlineData("vgg11", "[VGG(Depth = 11)]", 224, 224)]
    [InlineData("vgg11_bn", "[VGG(Depth = 11, BatchNorm = true)]", 224, 224)]
    [InlineData("vgg13", "[VGG(Depth = 13)]", 224, 224)]
    [InlineData("vgg13_bn", "[VGG(Depth = 13, BatchNorm = true)]", 224, 224)]
    [InlineData("vgg16", "[VGG(Depth = 16)]", 224, 224)]
    [InlineData("vgg16_bn", "[VGG(Depth = 16, BatchNorm = true)]", 224, 224)]
    [InlineData("vgg19", "[VGG(Depth = 19)]", 224, 224)]
    [InlineData("vgg19_bn", "[VGG(Depth = 19, BatchNorm = true)]", 224, 224)]
    [InlineData("resnext50_32x4d", "[ResNet(Depth = 50, Groups = 32, WidthPerGroup = 4)]", 224, 224)]
    [InlineData("resnext101_32x8d", "[ResNet(Depth = 101, Groups = 32, WidthPerGroup = 8)]", 224, 224)]
    [InlineData("resnext101_64x4d", "[ResNet(Depth = 101, Groups = 64, WidthPerGroup = 4)]", 224, 224)]
    [InlineData("wide_resnet50_2", "[ResNet(Depth = 50, WidthPerGroup = 128)]", 224, 224)]
    [InlineData("wide_resnet101_2", "[ResNet(Depth = 101, WidthPerGroup = 128)]", 224, 224)]
    [InlineData("mobilenet_v3_large", "[MobileNetV3]", 224, 224)]
    [InlineData("mobilenet_v3_small", "[MobileNetV3(Size = MobileNetV3Size.Small)]", 224, 224)]
    [InlineData("mobilenet_v3_large_w05_rt_dil", "[MobileNetV3(WidthMultiplier = 0.5f, ReducedTail = true, Dilated = true)]", 224, 224)]
    [InlineData("mobilenet_v3_small_w125", "[MobileNetV3(Size = MobileNetV3Size.Small, WidthMultiplier = 1.25f)]", 224, 224)]
    [InlineData("efficientnet_b0", "[EfficientNet(Variant = EfficientNetVariant.B0)]", 224, 224)]
    [InlineData("efficientnet_b1", "[EfficientNet(Variant = EfficientNetVariant.B1)]", 240, 240)]
    [InlineData("efficientnet_b2", "[EfficientNet(Variant = EfficientNetVariant.B2)]", 288, 288)]
    [InlineData("efficientnet_b3", "[EfficientNet(Variant = EfficientNetVariant.B3)]", 300, 300)]
    [InlineData("efficientnet_b4", "[EfficientNet(Variant = EfficientNetVariant.B4)]", 380, 380)]
    [InlineData("efficientnet_b5", "[EfficientNet(Variant = EfficientNetVariant.B5)]", 456, 456)]
    [InlineData("efficientnet_b6", "[EfficientNet(Variant = EfficientNetVariant.B6)]", 528, 528)]
    [InlineData("efficientnet_b7", "[EfficientNet(Variant = EfficientNetVariant.B7)]", 600, 600)]
    [InlineData("efficientnet_v2_s", "[EfficientNetV2(Size = EfficientNetV2Size.S)]", 384, 384)]
    [InlineData("efficientnet_v2_m", "[EfficientNetV2(Size = EfficientNetV2Size.M)]", 480, 480)]
    [InlineData("efficientnet_v2_l", "[EfficientNetV2(Size = EfficientNetV2Size.L)]", 480, 480)]
    [InlineData("googlenet", "[GoogLeNet]", 224, 224)]
    [InlineData("inception_v3", "[InceptionV3]", 299, 299)]
    public void WeightSpecsAreTorchvisionsStateDict(string builder, string backbone, int height, int width)
    {
        JsonElement reference = s_names.Value.RootElement.GetProperty("models").GetProperty(builder);
        int classes = reference.GetProperty("classes").GetInt32();
        var clock = Stopwatch.StartNew();
        GeneratorRun run = GeneratorHarness.Run(
            $"using VisionGen; namespace App; [VisionModel(Channels = 3, Height = {height}, Width = {width})]{backbone}[ClassifierHead(Classes = {classes})] public partial class Net;");
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.CompilationErrors);
        string source = Assert.Single(run.Sources).Source;
        log.WriteLine($"{builder}: {backbone} generated {source.Length / 1024} KiB and compiled in {clock.ElapsedMilliseconds} ms");

        var expected = reference.GetProperty("tensors").EnumerateObject().ToDictionary(p => p.Name, p => Dims(p.Value));
        var actual = WeightSpecs(source);
        Assert.Equal(actual.Count, actual.Select(s => s.Name).Distinct().Count());
        var missing = expected.Keys.Except(actual.Select(s => s.Name)).ToList();
        var extra = actual.Select(s => s.Name).Except(expected.Keys).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{builder}: not declared: {string.Join(", ", missing.Take(10))}; not in torchvision: {string.Join(", ", extra.Take(10))}");
        foreach ((string name, int[] shape, _) in actual)
            Assert.True(shape.SequenceEqual(expected[name]), $"{builder}: {name} is [{string.Join(", ", shape)}], torchvision's [{string.Join(", ", expected[name])}]");
        // Only tensors inference never reads are ignored: num_batches_tracked and the auxiliary classifiers.
        foreach ((string name, _, bool ignored) in actual)
            Assert.Equal(name.EndsWith("num_batches_tracked", StringComparison.Ordinal) || name.StartsWith("aux", StringComparison.Ordinal)
                || name.StartsWith("AuxLogits.", StringComparison.Ordinal), ignored);

        var eps = BatchNormEps(source);
        var expectedEps = reference.GetProperty("batch_norm_eps").EnumerateObject()
            .Where(p => !p.Name.StartsWith("aux", StringComparison.Ordinal) && !p.Name.StartsWith("AuxLogits.", StringComparison.Ordinal))
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(expectedEps.Keys.OrderBy(k => k, StringComparer.Ordinal), eps.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach ((string prefix, double value) in eps)
            Assert.True(value == expectedEps[prefix], $"{builder}: {prefix} eps {value}, torchvision's {expectedEps[prefix]}");
        log.WriteLine($"{builder}: {actual.Count} tensors and {eps.Count} batch-norm eps as torchvision's");
    }

    private static int[] Dims(JsonElement shape) => shape.EnumerateArray().Select(d => d.GetInt32()).ToArray();

    /// <summary>
    /// The generated <c>s_weightSpecs</c> initializer, read with Roslyn: the text table it hands
    /// <see cref="VisionGen.Weights.WeightSpecTable.Parse"/> (one tensor per line), or each <c>new("name", [dims], Ignored: …)</c>.
    /// </summary>
    internal static List<(string Name, int[] Shape, bool Ignored)> WeightSpecs(string source)
    {
        VariableDeclaratorSyntax field = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Single(v => v.Identifier.Text == "s_weightSpecs");
        if (field.Initializer!.Value is InvocationExpressionSyntax { ArgumentList.Arguments: [{ Expression: LiteralExpressionSyntax table }] } call
            && call.Expression.ToString().EndsWith("WeightSpecTable.Parse", StringComparison.Ordinal))
            return VisionGen.Weights.WeightSpecTable.Parse(table.Token.ValueText).Select(s => (s.Name, s.Shape, s.Ignored)).ToList();
        var specs = new List<(string, int[], bool)>();
        foreach (ImplicitObjectCreationExpressionSyntax spec in field.Initializer!.Value.DescendantNodes().OfType<ImplicitObjectCreationExpressionSyntax>())
        {
            var arguments = spec.ArgumentList.Arguments;
            string name = (string)((LiteralExpressionSyntax)arguments[0].Expression).Token.Value!;
            int[] shape = ((CollectionExpressionSyntax)arguments[1].Expression).Elements.OfType<ExpressionElementSyntax>()
                .Select(e => (int)((LiteralExpressionSyntax)e.Expression).Token.Value!).ToArray();
            bool ignored = arguments.Count > 2 && arguments[2].Expression.IsKind(SyntaxKind.TrueLiteralExpression);
            specs.Add((name, shape, ignored));
        }
        return specs;
    }

    /// <summary>
    /// Every batch norm's eps in the generated load code: each call with an <c>eps:</c> argument (a folded
    /// <c>ConvolutionWithBatchNorm</c> or a stand-alone <c>BatchNorm</c>) names the batch norm in its last string argument before it.
    /// </summary>
    internal static Dictionary<string, double> BatchNormEps(string source)
    {
        var eps = new Dictionary<string, double>();
        foreach (InvocationExpressionSyntax call in CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>())
        {
            var arguments = call.ArgumentList.Arguments;
            int at = arguments.IndexOf(a => a.NameColon?.Name.Identifier.Text == "eps");
            if (at < 0) continue;
            string prefix = arguments.Take(at).Select(a => a.Expression).OfType<LiteralExpressionSyntax>()
                .Last(l => l.IsKind(SyntaxKind.StringLiteralExpression)).Token.ValueText;
            double value = double.Parse(arguments[at].Expression.ToString(), CultureInfo.InvariantCulture);
            if (eps.TryGetValue(prefix, out double seen)) Assert.Equal(seen, value);
            eps[prefix] = value;
        }
        return eps;
    }
}
