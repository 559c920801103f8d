extern alias VisionGenGenerators;

using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VisionGen.Imaging;
using VisionGenGenerators::VisionGen.Generators.Imaging;

namespace VisionGen.Tests.Imaging;

public class GaussianBlurGeneratorTests
{
    // ---- generated at build time, run for real ----

    [Fact]
    public void GeneratedFloatBlursEqualTheRuntimeBlur()
    {
        const int w = 41, h = 23;
        var rng = new Random(5);
        var src = new float[w * h * 3];
        for (int i = 0; i < src.Length; i++) src[i] = (float)rng.NextDouble();
        var generated = new float[src.Length];
        var runtime = new float[src.Length];

        GeneratedBlurs.Blur3(src.AsSpan(0, w * h), generated.AsSpan(0, w * h), w, h);
        GaussianBlur.Apply(src.AsSpan(0, w * h), runtime.AsSpan(0, w * h), w, h, 1, 3, 1.5f);
        Assert.Equal(runtime, generated);

        GeneratedBlurs.Blur5Rgb(src, generated, w, h);
        GaussianBlur.Apply(src, runtime, w, h, 3, 5, 1.5f);
        Assert.Equal(runtime, generated);
    }

    [Fact]
    public void GeneratedByteBlursEqualTheRuntimeBlur()
    {
        const int w = 37, h = 19;
        var src = new byte[w * h * 4];
        new Random(6).NextBytes(src);
        var generated = new byte[src.Length];
        var runtime = new byte[src.Length];

        GeneratedBlurs.Blur11Bytes(src.AsSpan(0, w * h), generated.AsSpan(0, w * h), w, h);
        GaussianBlur.Apply(src.AsSpan(0, w * h), runtime.AsSpan(0, w * h), w, h, 1, 11, 3f, BorderMode.Constant);
        Assert.Equal(runtime, generated);

        GeneratedBlurs.BlurDerivedSizeBytes(src, generated, w, h);
        GaussianBlur.Apply(src, runtime, w, h, 4, 0, 2f, BorderMode.Replicate);
        Assert.Equal(runtime, generated);
    }

    [Fact]
    public void GeneratedBlurIsAllocationFree()
    {
        var src = new float[64 * 48 * 3];
        var dst = new float[src.Length];
        GeneratedBlurs.Blur5Rgb(src, dst, 64, 48);
        Assert.Equal(0, Allocations.Fewest(() => { for (int i = 0; i < 100; i++) GeneratedBlurs.Blur5Rgb(src, dst, 64, 48); }, rounds: 3));
    }

    // ---- driven through CSharpGeneratorDriver ----

    private const string WorkedExample = """
        using System;
        using VisionGen.Imaging;
        namespace Demo;
        public static partial class Filters
        {
            [GaussianBlur(KernelSize = 3, Sigma = 1.5f)]
            public static partial void Soften(ReadOnlySpan<float> src, Span<float> dst, int width, int height);
        }
        """;

    [Fact]
    public void WorkedExampleWeightsAreLiteralConstants()
    {
        var (source, diagnostics) = Generate(WorkedExample);
        Assert.Empty(diagnostics);
        var text = Assert.Single(source).Text;
        // The classic example: σ = 1.5, radius 1.
        // The textbook's 0.4787147 sums its nine weights after rounding each to 7 decimals; the exact sum is 0.47871481.
        var sum = Regex.Match(text, @"sums to (?<s>[0-9.]+);");
        Assert.True(sum.Success, text);
        Assert.Equal(0.4787147, double.Parse(sum.Groups["s"].Value, CultureInfo.InvariantCulture), 1.5e-7);
        Assert.Contains("centre weight is 0.147761", text);
        // The literal 1-D weights: their outer product's centre is the normalized centre weight.
        var m = Regex.Match(text, @"ReadOnlySpan<float> kernel = \[(?<w>[^\]]+)\];");
        Assert.True(m.Success, text);
        var k = m.Groups["w"].Value.Split(',').Select(s => double.Parse(s.Trim().TrimEnd('f'), CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, k.Length);
        Assert.Equal(1.0, k.Sum(), 6);
        Assert.Equal(0.147761, k[1] * k[1], 6);
        Assert.Equal(k[0], k[2]);
        // No run-time kernel computation in the generated body.
        Assert.DoesNotContain("GaussianKernel.", text);
        Assert.DoesNotContain("Math.Exp", text);
    }

    [Fact]
    public void GeneratedSourceMatchesSnapshot()
    {
        var (sources, _) = Generate(WorkedExample + """

            public static partial class Filters
            {
                [GaussianBlur(KernelSize = 5, Sigma = 0f, Channels = 3, Border = BorderMode.Reflect)]
                internal static partial void Bytes(ReadOnlySpan<byte> input, Span<byte> output, int w, int h);
            }
            """);
        Assert.Equal(2, sources.Length);
        foreach (var (hint, text) in sources)
            Snapshot.Verify(text, hint);
    }

    public static TheoryData<string, string> InvalidDeclarations => new()
    {
        { "VG0101", "[GaussianBlur(KernelSize = 4, Sigma = 1f)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0101", "[GaussianBlur(KernelSize = -3, Sigma = 1f)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0102", "[GaussianBlur(KernelSize = 0, Sigma = 0f)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0102", "[GaussianBlur(Sigma = -2f)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0102", "[GaussianBlur(KernelSize = 3, Sigma = float.NaN)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0103", "[GaussianBlur(KernelSize = 3)] partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0103", "[GaussianBlur(KernelSize = 3)] static partial void M(ReadOnlySpan<double> s, Span<double> d, int w, int h);" },
        { "VG0103", "[GaussianBlur(KernelSize = 3)] static partial void M(ReadOnlySpan<float> s, Span<byte> d, int w, int h);" },
        { "VG0103", "[GaussianBlur(KernelSize = 3)] static partial void M(ReadOnlySpan<float> s, Span<float> d);" },
        { "VG0103", "[GaussianBlur(KernelSize = 3)] static void M(ReadOnlySpan<float> s, Span<float> d, int w, int h) { }" },
        { "VG0104", "[GaussianBlur(KernelSize = 3, Channels = 5)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0106", "[GaussianBlur(KernelSize = 301)] static partial void M(ReadOnlySpan<byte> s, Span<byte> d, int w, int h);" },
        { "VG0106", "[GaussianBlur(Sigma = 1e9f)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
        { "VG0107", "[GaussianBlur(KernelSize = 3, Border = (BorderMode)3)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);" },
    };

    [Theory]
    [MemberData(nameof(InvalidDeclarations))]
    public void InvalidDeclarationIsADiagnostic(string id, string member)
    {
        var (sources, diagnostics) = Generate($$"""
            using System;
            using VisionGen.Imaging;
            partial class C
            {
                {{member}}
            }
            """);
        var d = Assert.Single(diagnostics, x => x.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.NotEqual(Location.None, d.Location);
        Assert.Empty(sources);
    }

    [Fact]
    public void NonPartialContainingTypeIsADiagnostic()
    {
        var (sources, diagnostics) = Generate("""
            using System;
            using VisionGen.Imaging;
            static class C
            {
                [GaussianBlur(KernelSize = 3)] static partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);
            }
            """);
        Assert.Contains(diagnostics, d => d.Id == "VG0105");
        Assert.Empty(sources);
    }

    [Fact]
    public void EveryProblemIsReportedNotJustTheFirst()
    {
        var (_, diagnostics) = Generate("""
            using System;
            using VisionGen.Imaging;
            partial class C
            {
                [GaussianBlur(KernelSize = 4, Channels = 9)] partial void M(ReadOnlySpan<float> s, Span<float> d, int w, int h);
            }
            """);
        Assert.Equal(["VG0101", "VG0103", "VG0104"], diagnostics.Select(d => d.Id).Order().ToArray());
    }

    [Fact]
    public void UnrelatedEditKeepsTheModelCached()
    {
        var compilation = Compile(WorkedExample);
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new GaussianBlurGenerator().AsSourceGenerator()], parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; class Unrelated { int x = 1; }",
            Parse));
        driver = driver.RunGenerators(edited);
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        var parse = steps["GaussianBlur.Models"].SelectMany(s => s.Outputs).ToArray();
        Assert.NotEmpty(parse);
        Assert.All(parse, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        // Models hold no symbols, syntax or compilations (they would defeat caching).
        foreach (var o in steps["GaussianBlur.Parse"].SelectMany(s => s.Outputs))
            AssertNoRoslynObjects(o.Value, depth: 0);
    }

    private static void AssertNoRoslynObjects(object? value, int depth)
    {
        if (value == null || depth > 8) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or Location or SemanticModel, $"Model holds a {value.GetType().Name}");
        var type = value.GetType();
        if (type.IsPrimitive || value is string || type.IsEnum) return;
        if (value is System.Collections.IEnumerable e)
        {
            foreach (var item in e) AssertNoRoslynObjects(item, depth + 1);
            return;
        }
        foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertNoRoslynObjects(f.GetValue(value), depth + 1);
    }

    // ---- driver helpers ----

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.CSharp12);

    private static CSharpCompilation Compile(string source)
    {
        var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(GaussianBlur).Assembly.Location));
        return CSharpCompilation.Create("GeneratorTest",
            [CSharpSyntaxTree.ParseText(source, Parse, path: "Filters.cs")],
            refs, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
    }

    private static ((string Hint, string Text)[] Sources, ImmutableArray<Diagnostic> Diagnostics) Generate(string source)
    {
        var compilation = Compile(source);
        var driver = CSharpGeneratorDriver.Create([new GaussianBlurGenerator().AsSourceGenerator()], parseOptions: Parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var result = driver.GetRunResult().Results[0];
        Assert.Null(result.Exception);
        if (generatorDiagnostics.IsEmpty)
        {
            // Valid declarations must compile once generated.
            var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
        }
        return (result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToArray(), generatorDiagnostics);
    }
}
