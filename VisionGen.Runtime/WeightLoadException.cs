using System.Text;

namespace VisionGen;

/// <summary>
/// The one exception thrown for any bad weight file: a malformed or truncated safetensors file, or a
/// well-formed file whose tensors do not match what a model expects. <see cref="Problems"/> lists every
/// problem found (one line each); the message is a one-line summary followed by the same lines.
/// </summary>
public sealed class WeightLoadException : Exception
{
    /// <summary>
    /// Creates an exception for a weight file that does not match a model.
    /// </summary>
    /// <param name="source">The file name or other description of where the weights came from.</param>
    /// <param name="model">The model the file was loaded for, e.g. <c>ResNet18</c>.</param>
    /// <param name="problems">Every problem found, one line each (at least one).</param>
    public WeightLoadException(string source, string model, IReadOnlyList<string> problems)
        : this(source, model, Snapshot(problems), problems.Count, $"does not match {model}")
    {
    }

    /// <summary>
    /// Creates an exception for a single problem with the file itself (its header or its data),
    /// independent of any model.
    /// </summary>
    /// <param name="source">The file name or other description of where the weights came from.</param>
    /// <param name="problem">What is wrong, in one line.</param>
    public WeightLoadException(string source, string problem)
        : this(source, null, new[] { problem ?? "unknown problem" }, 1, "is not a valid safetensors file")
    {
    }

    private WeightLoadException(string source, string? model, string[] problems, int total, string what)
        : base(Format(source, what, problems, Math.Max(total, 1)))
    {
        SourceName = source ?? string.Empty;
        ModelName = model;
        Problems = problems;
    }

    /// <summary>The file name or other description of where the weights came from.</summary>
    public string SourceName { get; }

    /// <summary>The model the weights were loaded for, or null when the file itself is malformed.</summary>
    public string? ModelName { get; }

    /// <summary>
    /// Every problem found, one line each, in a deterministic order (at most <see cref="MaxListedProblems"/>, then a line
    /// counting the rest, so that a corrupt header with a million entries still gives a readable message).
    /// </summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Creates the exception for several problems with the file itself (header or data).</summary>
    internal static WeightLoadException Malformed(string source, IReadOnlyList<string> problems) =>
        new(source, null, Snapshot(problems), problems.Count, "is not a valid safetensors file");

    /// <summary>The most problems listed one by one; a file with more gets one last line counting the rest.</summary>
    public const int MaxListedProblems = 1000;

    private static string[] Snapshot(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) return new[] { "unknown problem" };
        int listed = Math.Min(problems.Count, MaxListedProblems);
        var copy = new string[problems.Count > listed ? listed + 1 : listed];
        for (int i = 0; i < listed; i++) copy[i] = problems[i] ?? "unknown problem";
        if (problems.Count > listed) copy[listed] = $"... and {problems.Count - listed} more problems";
        return copy;
    }

    private static string Format(string source, string what, string[] problems, int total)
    {
        var sb = new StringBuilder();
        sb.Append("The weight file '").Append(source).Append("' ").Append(what).Append(": ")
          .Append(total).Append(total == 1 ? " problem." : " problems.");
        foreach (string p in problems) sb.AppendLine().Append("  ").Append(p);
        return sb.ToString();
    }
}
