using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace VisionGen.Generators.Model
{
    /// <summary>A source location as plain data (a <see cref="Location"/> would pin the compilation).</summary>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

        public static LocationInfo? From(SyntaxNode? node)
        {
            if (node is null) return null;
            Location location = node.GetLocation();
            if (location.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }

    /// <summary>A diagnostic as plain, equatable data; reported from a separate output.</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> MessageArgs)
    {
        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Diagnostics.ById(Id), Location?.ToLocation(), Args());

        private object[] Args()
        {
            var args = new object[MessageArgs.Count];
            for (int i = 0; i < args.Length; i++) args[i] = MessageArgs[i];
            return args;
        }
    }
}
