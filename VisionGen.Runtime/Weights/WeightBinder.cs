using System.ComponentModel;
using System.Globalization;
using VisionGen.Models;

namespace VisionGen.Weights;

/// <summary>
/// Matches a safetensors file against the tensors a model expects and reads them as float32.
/// Every mismatch is collected first and reported in one <see cref="WeightLoadException"/>.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WeightBinder
{
    /// <summary>
    /// Checks the file against <paramref name="expected"/> — missing, unexpected and mis-shaped tensors,
    /// and dtypes other than F32, F16 and BF16 — and throws one exception listing every problem. Then
    /// reads each non-ignored tensor into its own array, in ascending file order (so a non-seekable
    /// stream works), rejects tensors that contain NaN or infinity, and makes sure a forward-only stream holds the
    /// rest of the data section (as <see cref="SafetensorsFile.Open(Stream, string, bool)"/> does for a seekable one).
    /// </summary>
    /// <remarks>The whole file is then in memory once, as float32. <see cref="Load{TModel}"/> builds a model without that copy.</remarks>
    /// <param name="file">An opened safetensors file.</param>
    /// <param name="expected">The tensors the model declares; names must be unique.</param>
    /// <param name="modelName">The model's name, used in messages (e.g. <c>ResNet18</c>).</param>
    /// <returns>The weights by name.</returns>
    /// <exception cref="WeightLoadException">The file does not match the model, or its data is bad.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> has a duplicate name or an invalid shape.</exception>
    public static WeightSet Bind(SafetensorsFile file, IReadOnlyList<WeightSpec> expected, string modelName)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(modelName);
        Dictionary<string, WeightSpec> specs = IndexSpecs(expected);
        CheckAgainstModel(file, specs, modelName);

        // Read in file order: a forward-only stream is then consumed in one pass.
        var toRead = new List<SafetensorsTensor>();
        foreach (WeightSpec spec in specs.Values)
            if (!spec.Ignored) toRead.Add(file.Tensors[spec.Name]);
        toRead.Sort((a, b) => a.DataStart != b.DataStart ? a.DataStart.CompareTo(b.DataStart) : string.CompareOrdinal(a.Name, b.Name));

        var weights = new Dictionary<string, float[]>(toRead.Count, StringComparer.Ordinal);
        var nonFinite = new List<(string Name, string Text)>();
        foreach (SafetensorsTensor tensor in toRead)
        {
            var values = new float[tensor.ElementCount];
            file.ReadFloat32(tensor, values);
            if (values.Length > 0 && !InputValidation.AllFinite(values))
                nonFinite.Add((tensor.Name, DescribeNonFinite(tensor.Name, values)));
            weights.Add(tensor.Name, values);
        }
        file.EnsureComplete();
        if (nonFinite.Count > 0)
        {
            nonFinite.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            throw new WeightLoadException(file.SourceName, modelName, nonFinite.ConvertAll(p => p.Text));
        }
        return new WeightSet(weights, file.SourceName, modelName, ScratchHint(specs.Values));
    }

    /// <summary>
    /// Loads a model (for generated <c>Load</c> methods): checks the file against <paramref name="expected"/> as
    /// <see cref="Bind"/> does, then calls
    /// <paramref name="build"/> (a generated constructor) with a <see cref="WeightSet"/> that reads each tensor from the
    /// file when the constructor asks for it and drops it after its last read (<see cref="WeightSpec.Reads"/>): loading
    /// holds the finished model plus about one tensor, not a float32 copy of the file. Then checks the tensors the
    /// constructor did not read, reads a forward-only stream to the end of its data, and throws one exception listing
    /// every NaN/∞ tensor and every layer whose weights cannot be used (a batch norm with a negative variance). The model
    /// is disposed when it is not returned.
    /// </summary>
    /// <typeparam name="TModel">The model type.</typeparam>
    /// <param name="file">An opened safetensors file (seekable, or forward-only).</param>
    /// <param name="expected">The tensors the model declares; names must be unique.</param>
    /// <param name="modelName">The model's name, used in messages.</param>
    /// <param name="build">Builds the model from the weights, reading each tensor as its <see cref="WeightSpec.Reads"/> state.</param>
    /// <returns>The model <paramref name="build"/> returned.</returns>
    /// <exception cref="WeightLoadException">The file does not match the model, or its data is bad.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> has a duplicate name or an invalid shape.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="build"/> read a tensor more often than its spec states.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static TModel Load<TModel>(SafetensorsFile file, IReadOnlyList<WeightSpec> expected, string modelName, Func<WeightSet, TModel> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        WeightSet weights = BeginLoad(file, expected, modelName);
        TModel model = build(weights);
        EndLoad(weights, model);
        return model;
    }

    /// <summary>
    /// The first half of <see cref="Load{TModel}"/> for generated <c>Load</c> methods, which then call the constructor
    /// directly (no delegate) and <see cref="EndLoad"/>: checks the file against <paramref name="expected"/> and returns
    /// weights streamed from it.
    /// </summary>
    /// <param name="file">An opened safetensors file (seekable, or forward-only).</param>
    /// <param name="expected">The tensors the model declares; names must be unique.</param>
    /// <param name="modelName">The model's name, used in messages.</param>
    /// <returns>The weights for the generated constructor.</returns>
    /// <exception cref="WeightLoadException">The file does not match the model, or its data is bad.</exception>
    /// <exception cref="ArgumentException"><paramref name="expected"/> has a duplicate name or an invalid shape.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static WeightSet BeginLoad(SafetensorsFile file, IReadOnlyList<WeightSpec> expected, string modelName)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(modelName);
        Dictionary<string, WeightSpec> specs = IndexSpecs(expected);
        CheckAgainstModel(file, specs, modelName);
        var streamed = new StreamedWeights(file, specs.Values);
        return new WeightSet(streamed, file.SourceName, modelName, ScratchHint(specs.Values));
    }

    /// <summary>
    /// The second half of <see cref="Load{TModel}"/>: checks the tensors the constructor did not read, reads a
    /// forward-only stream to the end of its data, and throws one exception listing every NaN/∞ tensor and every layer
    /// whose weights cannot be used; the model is disposed then.
    /// </summary>
    /// <param name="weights">What <see cref="BeginLoad"/> returned.</param>
    /// <param name="model">The model built from <paramref name="weights"/>.</param>
    /// <exception cref="WeightLoadException">The file's data is bad.</exception>
    /// <exception cref="InvalidOperationException">The constructor read a tensor fewer or more times than its spec states.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void EndLoad(WeightSet weights, object? model)
    {
        ArgumentNullException.ThrowIfNull(weights);
        try
        {
            List<string> problems = weights.Streamed?.Finish() ?? [];
            problems.AddRange(weights.Problems);
            if (problems.Count > 0) throw new WeightLoadException(weights.SourceName, weights.ModelName, problems);
        }
        catch
        {
            (model as IDisposable)?.Dispose();
            throw;
        }
        finally
        {
            weights.Release();
        }
    }

    /// <summary>Missing, unexpected and mis-shaped tensors and unreadable dtypes, all in one exception.</summary>
    private static void CheckAgainstModel(SafetensorsFile file, Dictionary<string, WeightSpec> specs, string modelName)
    {
        var missing = new List<(string Name, string Text)>();
        var misShaped = new List<(string Name, string Text)>();
        var badDType = new List<(string Name, string Text)>();
        var unexpected = new List<(string Name, string Text)>();

        foreach (WeightSpec spec in specs.Values)
        {
            if (spec.Ignored) continue;
            if (!file.Tensors.TryGetValue(spec.Name, out SafetensorsTensor? tensor))
            {
                missing.Add((spec.Name, $"missing tensor '{spec.Name}' {ShapeText.Format(spec.Shape)}"));
                continue;
            }
            if (!SameShape(tensor.Shape, spec.Shape))
                misShaped.Add((spec.Name,
                    $"tensor '{spec.Name}' has shape {ShapeText.Format(tensor.Shape)} but {modelName} expects {ShapeText.Format(spec.Shape)}"));
            if (!SafetensorsFile.IsFloat32Convertible(tensor.DType))
                badDType.Add((spec.Name, $"tensor '{spec.Name}' has dtype {tensor.DType}; expected F32, F16 or BF16"));
        }
        foreach (SafetensorsTensor tensor in file.Tensors.Values)
        {
            if (!specs.ContainsKey(tensor.Name))
                unexpected.Add((tensor.Name, $"unexpected tensor '{tensor.Name}' {ShapeText.Format(tensor.Shape)} (not part of {modelName})"));
        }

        var problems = new List<string>();
        foreach (var group in new[] { missing, misShaped, badDType, unexpected })
        {
            group.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var (_, text) in group) problems.Add(text);
        }
        if (problems.Count > 0) throw new WeightLoadException(file.SourceName, modelName, problems);
    }

    /// <summary>
    /// The first size of the scratch that convolution weights pass through on their way to being packed: the largest
    /// tensor of rank 3 or more, so that the scratch is allocated once.
    /// </summary>
    private static long ScratchHint(IEnumerable<WeightSpec> specs)
    {
        long largest = 0;
        foreach (WeightSpec spec in specs)
        {
            if (spec.Ignored || spec.Shape.Length < 3) continue;
            long count = 1;
            foreach (int dim in spec.Shape) count *= dim;
            largest = Math.Max(largest, count);
        }
        return largest;
    }

    private static Dictionary<string, WeightSpec> IndexSpecs(IReadOnlyList<WeightSpec> expected)
    {
        var specs = new Dictionary<string, WeightSpec>(expected.Count, StringComparer.Ordinal);
        foreach (WeightSpec spec in expected)
        {
            if (spec.Name is null || spec.Shape is null)
                throw new ArgumentException("Every WeightSpec needs a name and a shape.", nameof(expected));
            long count = 1;
            foreach (int dim in spec.Shape)
            {
                if (dim < 0)
                    throw new ArgumentException($"WeightSpec '{spec.Name}' has a negative dimension {ShapeText.Format(spec.Shape)}.", nameof(expected));
                count *= dim;
                if (count > Array.MaxLength)
                    throw new ArgumentException($"WeightSpec '{spec.Name}' {ShapeText.Format(spec.Shape)} is too large for one array.", nameof(expected));
            }
            if (spec.Reads < 0)
                throw new ArgumentException($"WeightSpec '{spec.Name}' has a negative read count {spec.Reads}.", nameof(expected));
            if (!specs.TryAdd(spec.Name, spec))
                throw new ArgumentException($"WeightSpec '{spec.Name}' is declared more than once.", nameof(expected));
        }
        return specs;
    }

    private static bool SameShape(IReadOnlyList<long> actual, int[] expected)
    {
        if (actual.Count != expected.Length) return false;
        for (int i = 0; i < expected.Length; i++)
            if (actual[i] != expected[i]) return false;
        return true;
    }

    private static string DescribeNonFinite(string name, float[] values)
    {
        long count = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsFinite(values[i])) continue;
            if (first < 0) first = i;
            count++;
        }
        return DescribeNonFinite(name, count, first, values[first]);
    }

    /// <summary>The one message for a tensor holding NaN or infinity, whichever path found it.</summary>
    internal static string DescribeNonFinite(string name, long count, long first, float firstValue)
    {
        string plural = count == 1 ? "value" : "values";
        return string.Create(CultureInfo.InvariantCulture, $"tensor '{name}' contains NaN or infinity ({count} {plural}, first at flat index {first}: {firstValue})");
    }
}
