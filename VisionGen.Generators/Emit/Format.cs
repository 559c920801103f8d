using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace VisionGen.Generators.Emit
{
    /// <summary>How the emitters write numbers and strings into generated code (invariant culture, round-trippable).</summary>
    internal static class Format
    {
        public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A float literal's digits as written by a user (0.05f → "0.05"), without the suffix.</summary>
        public static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Epsilon as the double a PyTorch user wrote (1e-5f → 1E-05, not 9.99999974737875E-06).</summary>
        public static string Eps(float eps) => ((double)(decimal)eps).ToString("R", CultureInfo.InvariantCulture);

        public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
