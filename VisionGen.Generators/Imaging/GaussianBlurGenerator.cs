using System.Linq;
using Microsoft.CodeAnalysis;

namespace VisionGen.Generators.Imaging
{
    /// <summary>
    /// Generates the bodies of <c>[GaussianBlur]</c> <c>static partial</c> methods: a separable blur
    /// whose weights are computed here, at compile time, and emitted as literal constants.
    /// Stages: <see cref="Parse"/> (attribute and method → equatable model and diagnostics), then
    /// <see cref="Emit"/> (model → one source file per method).
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class GaussianBlurGenerator : IIncrementalGenerator
    {
        internal const string AttributeName = "VisionGen.Imaging.GaussianBlurAttribute";

        /// <summary>Step names, so tests can assert that unrelated edits leave the step cached.</summary>
        internal static class TrackingNames
        {
            public const string Parse = "GaussianBlur.Parse";
            public const string Models = "GaussianBlur.Models";
        }

        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    AttributeName,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax,
                    static (ctx, ct) => Parse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            context.RegisterSourceOutput(parsed.SelectMany(static (r, _) => r.Diagnostics), static (spc, d) => spc.ReportDiagnostic(d.ToDiagnostic()));

            var models = parsed
                .Where(static r => r.Model != null)
                .Select(static (r, _) => r.Model!)
                .WithTrackingName(TrackingNames.Models);

            context.RegisterSourceOutput(models, static (spc, model) => spc.AddSource(HintName(model), Emit(model)));
        }

        private static string HintName(GaussianBlurModel m)
        {
            var types = string.Join(".", m.ContainingTypes.Select(t => new string(t.Name.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray())));
            var ns = m.Namespace == null ? "" : m.Namespace + ".";
            return $"{ns}{types}.{m.MethodName}.GaussianBlur.g.cs";
        }
    }
}
