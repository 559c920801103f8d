using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace VisionGen.Generators.Imaging
{
    /// <summary>One <c>[GaussianBlur]</c> method, parsed: plain equatable data, no symbols or syntax.</summary>
    internal sealed record GaussianBlurModel(
        string? Namespace,
        EquatableArray<ContainingType> ContainingTypes,
        string Accessibility,
        string MethodName,
        EquatableArray<string> ParameterNames,
        bool EightBit,
        int KernelSize,
        float Sigma,
        int Channels,
        int Border,
        string BorderName,
        EquatableArray<double> Weights,
        EquatableArray<int> FixedPointWeights);

    /// <summary>A type enclosing the method: its keyword (<c>class</c>, <c>struct</c>, <c>record</c>…) and name with type parameters.</summary>
    internal sealed record ContainingType(string Keyword, string Name);

    /// <summary>A diagnostic as data: reported from its own pipeline step, never held as a <see cref="Location"/>.</summary>
    internal sealed record DiagnosticInfo(string Id, string FilePath, TextSpan Span, LinePositionSpan LineSpan, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
        {
            var span = location?.GetLineSpan();
            return new DiagnosticInfo(descriptor.Id, span?.Path ?? "", location?.SourceSpan ?? default,
                span?.Span ?? default, new EquatableArray<string>(arguments));
        }

        public Diagnostic ToDiagnostic()
        {
            var location = FilePath.Length == 0 && Span.IsEmpty && Span.Start == 0 ? Location.None : Location.Create(FilePath, Span, LineSpan);
            return Diagnostic.Create(GaussianBlurDiagnostics.ById(Id), location, Arguments.Cast<object>().ToArray());
        }
    }

    /// <summary>Parse result of one method: the model when it is valid, and every diagnostic found.</summary>
    internal sealed record GaussianBlurParseResult(GaussianBlurModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
