using System.Collections.Immutable;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VisionGen.Tests.Generator;
using VisionGen.Tests.Weights;
using VisionGen.Weights;
using Xunit.Abstractions;

namespace VisionGen.Tests.Readme;

/// <summary>
/// Every C# example in README.md compiles (with the generator, as an app with the SDK's implicit usings would) and runs:
/// each example is a small program; the weight files it loads are written first with random values of the shapes its
/// models declare (<c>WeightSpecs</c>), in a temporary folder its file names are pointed to.
/// </summary>
public sealed partial class ReadmeExamplesTests(ITestOutputHelper log)
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading.Tasks;
        """;

    [GeneratedRegex("```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex("\"([A-Za-z0-9_]+\\.safetensors)\"")]
    private static partial Regex WeightFile();

    public static TheoryData<int> Examples()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Blocks().Count; i++) data.Add(i);
        return data;
    }

    private static List<string> Blocks()
    {
        string readme = File.ReadAllText(Path.Combine(Parity.Fixtures.RepoRoot, "README.md")).Replace("\r\n", "\n");
        return CSharpBlock().Matches(readme).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void TheReadmeHasExamples() => Assert.True(Blocks().Count >= 6, $"{Blocks().Count} C# examples found in README.md");

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleCompilesAndRuns(int index)
    {
        string example = Blocks()[index];
        string folder = Directory.CreateTempSubdirectory("readme-example-").FullName;
        try
        {
            // The example verbatim, but for its weight files, which live in the temporary folder.
            string code = WeightFile().Replace(example, m => SymbolDisplay.FormatLiteral(Path.Combine(folder, m.Groups[1].Value), quote: true));
            Assembly assembly = Compile(index, code);
            foreach (Type model in assembly.GetTypes())
            {
                if (model.GetProperty("WeightSpecs", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is IReadOnlyList<WeightSpec> specs)
                    File.WriteAllBytes(Path.Combine(folder, model.Name.ToLowerInvariant() + ".safetensors"), RandomWeights(specs));
            }
            MethodInfo main = assembly.EntryPoint ?? throw new InvalidOperationException("the example has no statements to run");
            main.Invoke(null, main.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
            log.WriteLine($"README example {index} ran ({string.Join(", ", assembly.GetTypes().Where(t => t.GetProperty("WeightSpecs") is not null).Select(t => t.Name))})");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Compiles an example as a console program: its statements first (C# wants them before the declarations).</summary>
    private static Assembly Compile(int index, string code)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(code, options).GetRoot();
        var statements = root.Members.OfType<GlobalStatementSyntax>().Cast<MemberDeclarationSyntax>();
        var declarations = root.Members.Where(m => m is not GlobalStatementSyntax);
        SyntaxTree program = CSharpSyntaxTree.ParseText(root.WithMembers(SyntaxFactory.List(statements.Concat(declarations))).ToFullString(), options, path: "Example.cs");
        SyntaxTree usings = CSharpSyntaxTree.ParseText(ImplicitUsings, options, path: "Usings.cs");

        CSharpCompilation compilation = GeneratorHarness.Compile(withKernels: true, "")
            .RemoveAllSyntaxTrees()
            .AddSyntaxTrees(program, usings)
            .WithAssemblyName($"ReadmeExample{index}_{Guid.NewGuid():N}")
            .WithOptions(new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        Assert.Empty(driver.GetRunResult().Diagnostics);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>Random weights of the declared shapes (positive batch-norm variances; the ignored counters as I64, other ignored tensors such as auxiliary classifiers as F32).</summary>
    private static byte[] RandomWeights(IReadOnlyList<WeightSpec> specs)
    {
        var random = new Random(1);
        var entries = new List<SafetensorsTestWriter.Entry>();
        foreach (WeightSpec spec in specs)
        {
            long[] shape = spec.Shape.Select(d => (long)d).ToArray();
            if (spec.Ignored && spec.Name.EndsWith(Ops.WeightNames.NumBatchesTracked, StringComparison.Ordinal))
            {
                entries.Add(SafetensorsTestWriter.I64(spec.Name, shape, 0));
                continue;
            }
            var values = new float[spec.Shape.Aggregate(1, (a, d) => a * d)];
            bool variance = spec.Name.EndsWith(Ops.WeightNames.RunningVar, StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++) values[i] = variance ? 0.5f + (float)random.NextDouble() : (float)(random.NextDouble() - 0.5) * 0.2f;
            entries.Add(SafetensorsTestWriter.F32(spec.Name, shape, values));
        }
        return SafetensorsTestWriter.Build(entries);
    }
}
