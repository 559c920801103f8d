using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VisionGen.Ops;

namespace VisionGen.Generators.Imaging
{
    public sealed partial class GaussianBlurGenerator
    {
        // Kept in step with SeparableFilter's limits at run time.
        private const int MaxTaps8Bit = 255;
        private const int MaxTapsFloat = 4095;

        /// <summary>
        /// Reads one attributed method into a model, collecting every problem rather than stopping at
        /// the first; the model is null when any diagnostic is an error.
        /// </summary>
        internal static GaussianBlurParseResult Parse(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
        {
            var method = (IMethodSymbol)ctx.TargetSymbol;
            var syntax = (MethodDeclarationSyntax)ctx.TargetNode;
            var attribute = ctx.Attributes[0];
            var attrLocation = attribute.ApplicationSyntaxReference?.GetSyntax(ct).GetLocation() ?? syntax.Identifier.GetLocation();
            var diagnostics = new List<DiagnosticInfo>();
            ct.ThrowIfCancellationRequested();

            int kernelSize = 0, channels = 1, border = 4;
            float sigma = 0;
            foreach (var arg in attribute.NamedArguments)
            {
                switch (arg.Key)
                {
                    case "KernelSize" when arg.Value.Value is int k: kernelSize = k; break;
                    case "Sigma" when arg.Value.Value is float s: sigma = s; break;
                    case "Channels" when arg.Value.Value is int c: channels = c; break;
                    case "Border" when arg.Value.Value is int b: border = b; break;
                }
            }

            // Signature: static partial void M(ReadOnlySpan<T> src, Span<T> dst, int width, int height), T float or byte.
            bool eightBit = false;
            var problems = new List<string>();
            if (!method.IsStatic) problems.Add("it must be static");
            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword)) problems.Add("it must be partial");
            if (syntax.Body != null || syntax.ExpressionBody != null) problems.Add("it must be a partial declaration without a body");
            if (!method.ReturnsVoid) problems.Add("it must return void");
            if (method.IsGenericMethod) problems.Add("it must not be generic");
            var ps = method.Parameters;
            string? element = null;
            if (ps.Length != 4) problems.Add("it must take (ReadOnlySpan<float> src, Span<float> dst, int width, int height) or the same with byte");
            else
            {
                element = SpanElement(ps[0].Type, "System.ReadOnlySpan`1");
                var dstElement = SpanElement(ps[1].Type, "System.Span`1");
                if (element != "float" && element != "byte") problems.Add("the first parameter must be ReadOnlySpan<float> or ReadOnlySpan<byte>");
                else if (dstElement != element) problems.Add($"the second parameter must be Span<{element}>");
                if (ps[2].Type.SpecialType != SpecialType.System_Int32 || ps[3].Type.SpecialType != SpecialType.System_Int32)
                    problems.Add("the third and fourth parameters must be int width and int height");
                if (ps.Any(p => p.RefKind != RefKind.None)) problems.Add("parameters must not be ref, in or out");
                eightBit = element == "byte";
            }
            if (problems.Count > 0)
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidSignature, syntax.Identifier.GetLocation(), method.Name, string.Join("; ", problems)));

            // Containing types must all be partial.
            var containing = new List<ContainingType>();
            for (var t = method.ContainingType; t != null; t = t.ContainingType)
            {
                bool isPartial = t.DeclaringSyntaxReferences.Any(r => r.GetSyntax(ct) is TypeDeclarationSyntax td && td.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!isPartial)
                    diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.TypeNotPartial, syntax.Identifier.GetLocation(), t.Name, method.Name));
                containing.Insert(0, new ContainingType(TypeKeyword(t), t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
            }

            // Arguments: the kernel size and sigma rules of OpenCV's createGaussianKernels.
            if (kernelSize < 0 || (kernelSize > 0 && kernelSize % 2 == 0))
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidKernelSize, attrLocation, kernelSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (float.IsNaN(sigma) || float.IsInfinity(sigma))
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidSigma, attrLocation, Format(sigma), "it must be a finite number"));
            else if (kernelSize == 0 && !(sigma > 0))
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidSigma, attrLocation, Format(sigma),
                    "with KernelSize 0 (derived from sigma) Sigma must be positive; set KernelSize or a positive Sigma"));
            if (channels < 1 || channels > 4)
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidChannels, attrLocation, channels.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (border != 0 && border != 1 && border != 2 && border != 4)
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.InvalidBorder, attrLocation, border.ToString(System.Globalization.CultureInfo.InvariantCulture)));

            int size = kernelSize;
            if (size == 0 && sigma > 0 && !float.IsInfinity(sigma)) size = GaussianKernel.SizeFromSigma(sigma, eightBit);
            int max = eightBit ? MaxTaps8Bit : MaxTapsFloat;
            if (size > max || (kernelSize == 0 && sigma > 0 && size <= 0))
                diagnostics.Add(DiagnosticInfo.Create(GaussianBlurDiagnostics.KernelTooLarge, attrLocation,
                    size > 0 ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "too many",
                    max.ToString(System.Globalization.CultureInfo.InvariantCulture), eightBit ? "8-bit" : "float"));

            var infos = new EquatableArray<DiagnosticInfo>(diagnostics);
            if (diagnostics.Count > 0) return new GaussianBlurParseResult(null, infos);
            ct.ThrowIfCancellationRequested();

            // The weights, computed now: this is the work the generated code no longer does.
            var weights = GaussianKernel.Compute(size, Math.Max(sigma, 0));
            var fixedPoint = eightBit ? GaussianKernel.ToFixedPoint(weights) : Array.Empty<int>();
            var ns = method.ContainingNamespace.IsGlobalNamespace ? null : method.ContainingNamespace.ToDisplayString();
            var model = new GaussianBlurModel(ns, new EquatableArray<ContainingType>(containing), AccessibilityText(method.DeclaredAccessibility),
                method.Name, new EquatableArray<string>(ps.Select(p => p.Name)), eightBit, size, sigma, channels, border, BorderName(border),
                new EquatableArray<double>(weights), new EquatableArray<int>(fixedPoint));
            return new GaussianBlurParseResult(model, infos);
        }

        private static string? SpanElement(ITypeSymbol type, string metadataName)
        {
            if (type is not INamedTypeSymbol named || !named.IsGenericType || named.TypeArguments.Length != 1) return null;
            var def = named.ConstructedFrom;
            if (def.ContainingNamespace?.ToDisplayString() + "." + def.MetadataName != metadataName) return null;
            switch (named.TypeArguments[0].SpecialType)
            {
                case SpecialType.System_Single: return "float";
                case SpecialType.System_Byte: return "byte";
                default: return named.TypeArguments[0].ToDisplayString();
            }
        }

        private static string TypeKeyword(INamedTypeSymbol t)
        {
            if (t.IsRecord) return t.TypeKind == TypeKind.Struct ? "record struct" : "record";
            switch (t.TypeKind)
            {
                case TypeKind.Struct: return "struct";
                case TypeKind.Interface: return "interface";
                default: return "class";
            }
        }

        private static string AccessibilityText(Accessibility a)
        {
            switch (a)
            {
                case Accessibility.Public: return "public";
                case Accessibility.Internal: return "internal";
                case Accessibility.Protected: return "protected";
                case Accessibility.ProtectedOrInternal: return "protected internal";
                case Accessibility.ProtectedAndInternal: return "private protected";
                default: return "private";
            }
        }

        private static string BorderName(int border)
        {
            switch (border)
            {
                case 0: return "Constant";
                case 1: return "Replicate";
                case 2: return "Reflect";
                default: return "Reflect101";
            }
        }

        private static string Format(float f) => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    }
}
