using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace VisionGen.Generators.Emit
{
    /// <summary>
    /// How the emitters write numbers and strings into generated code: invariant culture, round-trippable, and
    /// always valid C# (non-finite values become <c>float.NaN</c>, <c>float.PositiveInfinity</c>, …).
    /// </summary>
    internal static class Format
    {
        public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        public static string L(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>Digits of a double, round-trippable, without a suffix (for comments and double literals).</summary>
        public static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A float's digits as written by a user (0.05f → "0.05"), without the suffix.</summary>
        public static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>A float literal: "0.05f", or <c>float.NaN</c> / <c>float.PositiveInfinity</c> / <c>float.NegativeInfinity</c>.</summary>
        public static string Float(float value)
        {
            if (float.IsNaN(value)) return "float.NaN";
            if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
            if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
            string text = F(value);
            return text + "f";
        }

        /// <summary>A double literal: "1E-05", "2.0", or <c>double.NaN</c> and friends.</summary>
        public static string Double(double value)
        {
            if (double.IsNaN(value)) return "double.NaN";
            if (double.IsPositiveInfinity(value)) return "double.PositiveInfinity";
            if (double.IsNegativeInfinity(value)) return "double.NegativeInfinity";
            string text = F(value);
            return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
        }

        /// <summary>
        /// Epsilon as the double a PyTorch user wrote (1e-5f → 1E-05, not 9.99999974737875E-06): the shortest decimal that
        /// round-trips to the same float. Finite by the time it gets here (the checks reject the rest).
        /// </summary>
        public static string Eps(float eps) => Double(UserDouble(eps));

        /// <summary>The double a user meant by a float literal: its shortest round-trip decimal, read back as a double.</summary>
        public static double UserDouble(float value) =>
            float.IsNaN(value) || float.IsInfinity(value) ? value : double.Parse(F(value), CultureInfo.InvariantCulture);

        public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        /// <summary>A name as a C# identifier in code: keywords escaped (<c>@event</c>).</summary>
        public static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        /// <summary>A dotted namespace as code, each part escaped.</summary>
        public static string Namespace(string dotted) => string.Join(".", System.Array.ConvertAll(dotted.Split('.'), Identifier));

        /// <summary>Text for a <c>//</c> comment: a user's string (a weight prefix) cannot end the comment or start a directive.</summary>
        public static string Comment(string text)
        {
            var sb = new System.Text.StringBuilder(text.Length);
            foreach (char c in text) sb.Append(char.IsControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
            return sb.ToString();
        }
    }
}
