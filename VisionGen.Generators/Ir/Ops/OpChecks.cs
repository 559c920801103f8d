using System.Globalization;

namespace VisionGen.Generators.Ir.Ops
{
    /// <summary>Parameter checks every op shares: sizes that must be positive, paddings that must not be negative.</summary>
    internal static class OpChecks
    {
        public static bool Positive(ShapeCheck check, params (string Name, int Value)[] values)
        {
            bool ok = true;
            foreach ((string name, int value) in values)
            {
                if (value > 0) continue;
                check.Report(Diagnostics.NonPositive, $"{check.What} {name}", value.ToString(CultureInfo.InvariantCulture));
                ok = false;
                break;
            }
            return ok;
        }

        public static bool NonNegative(ShapeCheck check, params (string Name, int Value)[] values)
        {
            foreach ((string name, int value) in values)
            {
                if (value >= 0) continue;
                check.Report(Diagnostics.Negative, $"{check.What} {name}", value.ToString(CultureInfo.InvariantCulture));
                return false;
            }
            return true;
        }

        /// <summary>A dimension index as torch takes it (negative counts from the end), or -1 after reporting.</summary>
        public static int Axis(ShapeCheck check, int dim, int rank, string parameter = "dim")
        {
            int axis = dim < 0 ? dim + rank : dim;
            if (axis >= 0 && axis < rank) return axis;
            check.OutOfRange(parameter, $"a dimension of the rank-{rank} input (-{rank} to {rank - 1}), but it is {dim}");
            return -1;
        }
    }
}
