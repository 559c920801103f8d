using System.Collections.Generic;

namespace VisionGen.Generators.Forward
{
    /// <summary>A tensor while <c>Forward</c> is evaluated: a graph tensor's name, or null after an error (it poisons quietly).</summary>
    internal sealed class TensorValue
    {
        public TensorValue(string? name) => Name = name;

        public string? Name { get; }

        public static readonly TensorValue Error = new TensorValue(null);

        public override string ToString() => Name ?? "<error>";
    }

    /// <summary>An array or a <c>List&lt;T&gt;</c> while <c>Forward</c> is evaluated (tensors for Cat, ints for Reshape).</summary>
    internal sealed class SequenceValue
    {
        public SequenceValue(IEnumerable<object?> items, bool isList)
        {
            Items = new List<object?>(items);
            IsList = isList;
        }

        public List<object?> Items { get; }

        public bool IsList { get; }
    }

    /// <summary>A tuple (several outputs, or a constant pair such as an interpolation size).</summary>
    internal sealed class TupleValue
    {
        public TupleValue(object?[] items, string?[] names)
        {
            Items = items;
            Names = names;
        }

        public object?[] Items { get; }

        public string?[] Names { get; }
    }

    /// <summary>
    /// Thrown inside the evaluator for a construct outside the supported subset; caught once and reported as a
    /// diagnostic at <see cref="Node"/>.
    /// </summary>
    internal sealed class EvaluationError : System.Exception
    {
        public EvaluationError(Microsoft.CodeAnalysis.SyntaxNode node, string message) : base(message) => Node = node;

        public Microsoft.CodeAnalysis.SyntaxNode Node { get; }
    }
}
