extern alias VisionGenGenerators;

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VisionModelGenerator = VisionGenGenerators::VisionGen.Generators.VisionModelGenerator;

namespace VisionGen.Tests.Generator;

/// <summary>Runs the model generator over in-memory sources, as the compiler would, and compiles the result.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(VisionModelAttribute).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    // The GPU path is generated only when the app references VisionGen.Kernels (and so ILGPU).
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_gpuReferences = new(() =>
        s_references.Value.AddRange(new[] { typeof(VisionGen.Kernels.GpuKernels).Assembly.Location, typeof(ILGPU.Context).Assembly.Location }
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))));

    public static CSharpCompilation Compile(params string[] sources) => Compile(withKernels: false, sources);

    public static CSharpCompilation Compile(bool withKernels, params string[] sources) =>
        CSharpCompilation.Create("UserApp",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: $"Model{i}.cs")),
            withKernels ? s_gpuReferences.Value : s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new VisionModelGenerator().AsSourceGenerator() },
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest));

    /// <summary>Runs the generator; returns generated sources, generator diagnostics and the compilation's errors after generation.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(withKernels: false, sources);

    /// <summary>As <see cref="Run(string[])"/>, with VisionGen.Kernels referenced when <paramref name="withKernels"/> (the GPU runner is generated too).</summary>
    public static GeneratorRun Run(bool withKernels, params string[] sources)
    {
        CSharpCompilation compilation = Compile(withKernels, sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return new GeneratorRun(result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToImmutableArray(), result.Diagnostics, errors, driver);
    }
}

internal sealed record GeneratorRun(
    ImmutableArray<(string HintName, string Source)> Sources,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<Diagnostic> CompilationErrors,
    GeneratorDriver Driver);
