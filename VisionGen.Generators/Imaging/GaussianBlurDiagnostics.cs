using Microsoft.CodeAnalysis;

namespace VisionGen.Generators.Imaging
{
    /// <summary>Diagnostics of the Gaussian blur generator: VG0101–VG0199.</summary>
    internal static class GaussianBlurDiagnostics
    {
        private const string Category = "VisionGen.Imaging";

        public static readonly DiagnosticDescriptor InvalidKernelSize = new(
            "VG0101", "Invalid Gaussian kernel size",
            "KernelSize {0} is invalid: it must be odd and positive (3, 5, 7, ...), or 0 to derive it from Sigma",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidSigma = new(
            "VG0102", "Invalid Gaussian sigma",
            "Sigma {0} is invalid: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidSignature = new(
            "VG0103", "Invalid Gaussian blur method",
            "Method '{0}' cannot be a generated Gaussian blur: {1}",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidChannels = new(
            "VG0104", "Invalid channel count",
            "Channels {0} is invalid: it must be 1, 2, 3 or 4",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor TypeNotPartial = new(
            "VG0105", "Containing type is not partial",
            "Type '{0}' must be declared partial so the Gaussian blur '{1}' can be generated into it",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor KernelTooLarge = new(
            "VG0106", "Gaussian kernel too large",
            "The kernel would have {0} taps; at most {1} are supported for {2} images",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static readonly DiagnosticDescriptor InvalidBorder = new(
            "VG0107", "Invalid border mode",
            "Border {0} is not one of Constant, Replicate, Reflect, Reflect101",
            Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

        public static DiagnosticDescriptor ById(string id)
        {
            switch (id)
            {
                case "VG0101": return InvalidKernelSize;
                case "VG0102": return InvalidSigma;
                case "VG0103": return InvalidSignature;
                case "VG0104": return InvalidChannels;
                case "VG0105": return TypeNotPartial;
                case "VG0106": return KernelTooLarge;
                default: return InvalidBorder;
            }
        }
    }
}
