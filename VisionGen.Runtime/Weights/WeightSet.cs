using System.ComponentModel;
namespace VisionGen.Weights;

/// <summary>The float32 weights of a model after <see cref="WeightBinder.Bind"/>, one array per tensor, by name. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class WeightSet
{
    private readonly Dictionary<string, float[]> _weights;

    internal WeightSet(Dictionary<string, float[]> weights) => _weights = weights;

    /// <summary>The weights of the tensor with this name, in the file's row-major order.</summary>
    /// <param name="name">A tensor name the model declared (not an ignored one).</param>
    /// <exception cref="KeyNotFoundException">No tensor with this name was bound.</exception>
    public float[] this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_weights.TryGetValue(name, out float[]? values)) return values;
            throw new KeyNotFoundException($"The weight set has no tensor named '{name}'.");
        }
    }

    /// <summary>True when a tensor with this name was bound.</summary>
    /// <param name="name">A tensor name.</param>
    public bool Contains(string name) => name is not null && _weights.ContainsKey(name);

    /// <summary>The number of bound tensors.</summary>
    public int Count => _weights.Count;

    /// <summary>The names of the bound tensors, in ordinal order.</summary>
    public IEnumerable<string> Names => _weights.Keys.Order(StringComparer.Ordinal);
}
