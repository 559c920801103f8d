extern alias VisionGenGenerators;

using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VisionModelGenerator = VisionGenGenerators::VisionGen.Generators.VisionModelGenerator;

namespace VisionGen.Tests.Generator;

/// <summary>The pipeline stays cached across unrelated edits, and its models hold no Roslyn symbols.</summary>
public class IncrementalTests
{
    private const string Model = """
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 64)]
        [ResNet(Depth = 18)]
        [ClassifierHead(Classes = 4)]
        public partial class Net;
        """;

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model, "class Other { int x = 1; }");
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        SyntaxTree other = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int x = 2; int y; }", (CSharpParseOptions)other.Options, other.FilePath));
        driver = driver.RunGenerators(edited);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        foreach (string step in new[] { VisionModelGenerator.ParseStep, VisionModelGenerator.GenerateStep })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
    }

    [Fact]
    public void EditingTheModelRegeneratesIt()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(Model);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Model.Replace("Classes = 4", "Classes = 5"), (CSharpParseOptions)tree.Options, tree.FilePath)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[VisionModelGenerator.GenerateStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("public const int OutputLength = 5;", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void ModelsAreEqualAcrossCompilationsAndHoldNoRoslynObjects()
    {
        object Parse() => GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(Model))
            .GetRunResult().Results.Single().TrackedSteps[VisionModelGenerator.ParseStep].Single().Outputs.Single().Value;
        object first = Parse(), second = Parse();
        Assert.Equal(first, second);
        AssertNoRoslynObjects(first, new HashSet<object>(ReferenceEqualityComparer.Instance), "ModelSpec");
    }

    private static void AssertNoRoslynObjects(object? value, HashSet<object> seen, string path)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol or Compilation or SyntaxNode or SemanticModel or Location, $"{path} holds a {value.GetType().Name}");
        if (!value.GetType().IsValueType && !seen.Add(value)) return;
        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (object? item in items) AssertNoRoslynObjects(item, seen, $"{path}[{i++}]");
            return;
        }
        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.DeclaringType?.Namespace?.StartsWith("VisionGen", StringComparison.Ordinal) == true)
            {
                AssertNoRoslynObjects(property.GetValue(value), seen, $"{path}.{property.Name}");
            }
        }
    }

    private const string ForwardModel = """
        using VisionGen;
        using static VisionGen.Nn;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 32, Width = 32)]
        public sealed partial class Net
        {
            static Tensor Forward(Tensor x) => Head(Relu(Conv2d(x, "stem", 8, 3, padding: 1)));

            static Tensor Head(Tensor x) => Linear(Flatten(AdaptiveAvgPool2d(x, 1)), "fc", 4);

            static int Unrelated() => 1;
        }
        """;

    [Fact]
    public void EditingAnUnrelatedMethodLeavesAForwardModelCached()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ForwardModel);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(ForwardModel.Replace("static int Unrelated() => 1;", "static int Unrelated() => 2 + 40;"), (CSharpParseOptions)tree.Options, tree.FilePath)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var outputs = result.TrackedSteps[VisionModelGenerator.GenerateStep].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{o.Reason}"));
    }

    [Fact]
    public void EditingForwardOrAHelperItCallsRegeneratesIt()
    {
        CSharpCompilation compilation = GeneratorHarness.Compile(ForwardModel);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        foreach ((string from, string to, string expected) in new[]
                 {
                     ("\"stem\", 8", "\"stem\", 12", " stem.weight 12x3x3x3 "),
                     ("\"fc\", 4", "\"fc\", 6", "public const int OutputLength = 6;"),
                 })
        {
            GeneratorDriver edited = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree,
                CSharpSyntaxTree.ParseText(ForwardModel.Replace(from, to), (CSharpParseOptions)tree.Options, tree.FilePath)));
            GeneratorRunResult result = edited.GetRunResult().Results.Single();
            Assert.Contains(result.TrackedSteps[VisionModelGenerator.GenerateStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Contains(expected, result.GeneratedSources.Single().SourceText.ToString());
        }
    }

    [Fact]
    public void ForwardModelsAreEqualAcrossCompilationsAndHoldNoRoslynObjects()
    {
        object Parse() => GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(ForwardModel))
            .GetRunResult().Results.Single().TrackedSteps[VisionModelGenerator.ParseStep].Single().Outputs.Single().Value;
        object first = Parse(), second = Parse();
        Assert.Equal(first, second);
        AssertNoRoslynObjects(first, new HashSet<object>(ReferenceEqualityComparer.Instance), "ModelSpec");
    }
}
