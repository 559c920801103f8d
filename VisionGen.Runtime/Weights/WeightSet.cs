using System.ComponentModel;
namespace VisionGen.Weights;

/// <summary>
/// The float32 weights of a model, by name, as a generated constructor reads them. From <see cref="WeightBinder.Bind"/>
/// every tensor is already in its own array; from <see cref="WeightBinder.Load{TModel}"/> each tensor is read from the
/// file when it is asked for and, when its <see cref="WeightSpec.Reads"/> are used up, dropped — so loading holds the
/// finished model plus about one tensor, never a second copy of the file.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class WeightSet
{
    private readonly Dictionary<string, float[]>? _arrays;
    private readonly StreamedWeights? _streamed;
    private readonly List<string>? _problems;
    private readonly long _scratchHint;
    private float[]? _scratch;

    internal WeightSet(Dictionary<string, float[]> weights, string sourceName, string modelName, long scratchHint)
    {
        _arrays = weights;
        SourceName = sourceName;
        ModelName = modelName;
        _scratchHint = scratchHint;
    }

    internal WeightSet(StreamedWeights streamed, string sourceName, string modelName, long scratchHint)
    {
        _streamed = streamed;
        _problems = [];
        SourceName = sourceName;
        ModelName = modelName;
        _scratchHint = scratchHint;
    }

    /// <summary>The streaming reader, or null for weights read up front.</summary>
    internal StreamedWeights? Streamed => _streamed;

    /// <summary>The file the weights come from, for messages.</summary>
    internal string SourceName { get; }

    /// <summary>The model being loaded, for messages.</summary>
    internal string ModelName { get; }

    /// <summary>True when <see cref="Take"/> hands out the set's own arrays (from <see cref="WeightBinder.Bind"/>), which must not be changed.</summary>
    internal bool IsShared => _arrays is not null;

    /// <summary>Problems reported through <see cref="Problem"/> while the weights were streamed (collected, not thrown).</summary>
    internal IReadOnlyList<string> Problems => _problems ?? (IReadOnlyList<string>)[];

    /// <summary>
    /// The weights of the tensor with this name, in the file's row-major order, in an array the caller may keep. From
    /// <see cref="WeightBinder.Load{TModel}"/> each call reads the tensor anew (and counts as one of its reads).
    /// </summary>
    /// <param name="name">A tensor name the model declared (not an ignored one).</param>
    /// <exception cref="KeyNotFoundException">No tensor with this name was bound.</exception>
    public float[] this[string name] => Take(name);

    /// <summary>True when a tensor with this name was bound.</summary>
    /// <param name="name">A tensor name.</param>
    public bool Contains(string name) => name is not null && (_arrays?.ContainsKey(name) ?? _streamed!.Contains(name));

    /// <summary>The number of bound tensors.</summary>
    public int Count => _arrays?.Count ?? _streamed!.Count;

    /// <summary>The names of the bound tensors, in ordinal order.</summary>
    public IEnumerable<string> Names => (_arrays?.Keys ?? _streamed!.Names).Order(StringComparer.Ordinal);

    /// <summary>A tensor in an array of its own, which the caller keeps (a bias, a linear weight).</summary>
    internal float[] Take(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_streamed is not null) return _streamed.Take(name);
        if (_arrays!.TryGetValue(name, out float[]? values)) return values;
        throw new KeyNotFoundException($"The weight set has no tensor named '{name}'.");
    }

    /// <summary>
    /// A tensor's values in memory the caller may change (fold in place, then pack elsewhere), valid until the next
    /// <see cref="Borrow"/>: one scratch buffer serves every tensor that is only an input to packing.
    /// </summary>
    internal Span<float> Borrow(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_streamed is not null) return _streamed.Borrow(name, this);
        float[] values = Take(name);
        Span<float> scratch = Scratch(values.Length);
        values.CopyTo(scratch);
        return scratch;
    }

    /// <summary>Scratch of exactly <paramref name="length"/> floats, reused across calls.</summary>
    internal Span<float> Scratch(int length)
    {
        if (_scratch is null || _scratch.Length < length)
            _scratch = new float[Math.Max(length, _scratch is null ? (int)Math.Min(_scratchHint, Array.MaxLength) : 0)];
        return _scratch.AsSpan(0, length);
    }

    /// <summary>
    /// A problem with the values of the weights (a batch norm that cannot be folded): collected when streaming, so that
    /// <see cref="WeightBinder.Load{TModel}"/> reports every one together; thrown at once otherwise.
    /// </summary>
    internal void Problem(string text)
    {
        if (_problems is null) throw new WeightLoadException(SourceName, ModelName, [text]);
        _problems.Add(text);
    }

    /// <summary>Drops every buffer once loading is over.</summary>
    internal void Release()
    {
        _scratch = null;
        _streamed?.Release();
    }
}
