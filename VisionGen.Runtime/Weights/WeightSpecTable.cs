using System.ComponentModel;
using System.Globalization;

namespace VisionGen.Weights;

/// <summary>
/// A generated model's weight list written as text, one tensor per line: its <c>state_dict</c> name, its shape
/// (dimensions joined by <c>x</c>, outermost first; <c>-</c> for a scalar), then <c>reads=N</c> or <c>ignored</c> (see
/// <see cref="WeightSpec"/>), e.g. <c>layer1.0.conv1.weight 64x64x3x3 reads=1</c>. One string constant in place of an
/// object and an array per tensor: the model's static constructor, which the JIT compiles before the first Load, was
/// ~14,000 bytes of IL for the FCOS sample's 370 tensors (~25 ms of compiling on the way to the first result).
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WeightSpecTable
{
    /// <summary>The specs of <paramref name="table"/>'s non-blank lines, in order.</summary>
    /// <exception cref="FormatException">A line is not <c>name shape [reads=N | ignored]</c>.</exception>
    public static WeightSpec[] Parse(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var specs = new List<WeightSpec>();
        foreach (string raw in table.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 2 or > 3) throw Bad(line);
            int[] shape = parts[1] == "-" ? [] : Array.ConvertAll(parts[1].Split('x'), d => Dimension(d, line));
            bool ignored = false;
            int reads = 0;
            if (parts.Length == 3)
            {
                if (parts[2] == "ignored") ignored = true;
                else if (!parts[2].StartsWith("reads=", StringComparison.Ordinal)
                         || !int.TryParse(parts[2].AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out reads))
                    throw Bad(line);
            }
            specs.Add(new WeightSpec(parts[0], shape, ignored, reads));
        }
        return specs.ToArray();
    }

    private static int Dimension(string text, string line) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int d) ? d : throw Bad(line);

    private static FormatException Bad(string line) =>
        new($"Weight table line \"{line}\" is not \"name shape [reads=N | ignored]\" (shape: dimensions joined by 'x', or '-' for a scalar).");
}
