using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// Graph mechanics, shared by the architectures and the <c>Forward</c> evaluator: adds a node after its op has
    /// inferred and checked the output shape, names tensors as C# identifiers, records outputs, and finally prunes
    /// what no output needs and lists the weights. A failed op returns null; callers pass null on, so one mistake is
    /// reported once and the rest of the declaration is still checked.
    /// </summary>
    internal sealed class NetBuilder
    {
        /// <summary>Names the generated methods use for themselves; tensors never take them.</summary>
        private static readonly HashSet<string> s_reserved = new HashSet<string>
        {
            "input", "output", "arena", "scratch", "n", "weights", "context", "results", "settings", "Kernels", "InputView", "OutputView",
        };

        private readonly Dictionary<string, TensorDef> _tensors = new Dictionary<string, TensorDef>();
        private readonly List<TensorDef> _tensorOrder = new List<TensorDef>();
        private readonly List<Node> _nodes = new List<Node>();
        private readonly List<GraphOutput> _outputs = new List<GraphOutput>();
        private readonly HashSet<string> _autoNamed = new HashSet<string>();
        private readonly Dictionary<string, string> _renames = new Dictionary<string, string>();
        private readonly HashSet<string> _taken = new HashSet<string>();
        private readonly List<WeightDef> _unread = new List<WeightDef>();

        public NetBuilder(Shape input, List<DiagnosticInfo> diagnostics)
        {
            Diagnostics = diagnostics;
            Check = new ShapeCheck(diagnostics, input);
            InputShape = input;
            Add(new TensorDef(InputName, input));
        }

        public const string InputName = "input";

        public Shape InputShape { get; }

        public List<DiagnosticInfo> Diagnostics { get; }

        /// <summary>Where and what the next op is, for its diagnostics.</summary>
        public ShapeCheck Check { get; }

        /// <summary>Sets what the next ops report their problems as, and where.</summary>
        public NetBuilder At(LocationInfo? location, string what, bool declaredLayer = false)
        {
            Check.Location = location;
            Check.What = what;
            Check.DeclaredLayer = declaredLayer;
            return this;
        }

        public int NodeCount => _nodes.Count;

        public Shape ShapeOf(string tensor) => _tensors[tensor].Shape;

        /// <summary>
        /// Adds <paramref name="op"/> reading <paramref name="inputs"/>; returns its output tensor, or null when an input
        /// is missing (an earlier error) or the op reports one.
        /// </summary>
        public string? Apply(Op op, string label, params string?[] inputs)
        {
            var shapes = new List<Shape>(inputs.Length);
            foreach (string? input in inputs)
            {
                if (input is null) return null;
                shapes.Add(_tensors[input].Shape);
            }
            int reported = Diagnostics.Count;
            Shape? output = op.Infer(shapes, Check);
            if (output is null)
            {
                // Every rule reports its own message; this only guards against a rule that forgot to.
                if (Diagnostics.Count == reported) Check.Mismatch("cannot be applied to " + string.Join(" and ", shapes.Select(s => s.Text)));
                return null;
            }
            if (!Check.FitsInMemory(output.Dims.Select(d => (long)d).ToArray())) return null;
            string name = UniqueName(label, op);
            if (label.Length == 0) _autoNamed.Add(name);
            Add(new TensorDef(name, output));
            _nodes.Add(new Node(op, new EquatableArray<string>(inputs.Select(i => i!).ToArray()), name, label, EquatableArray<string>.Empty));
            return name;
        }

        /// <summary>
        /// Names a tensor after the <c>Forward</c> local it is assigned to (<c>var e1 = …</c>) when it has no better name
        /// (no weight prefix) and is not named yet. The name is applied when the graph is finished, so every reference the
        /// evaluator holds stays valid meanwhile.
        /// </summary>
        public void Rename(string tensor, string name)
        {
            if (!_autoNamed.Contains(tensor) || _renames.ContainsKey(tensor)) return;
            string wanted = Sanitize(name, "t");
            if (tensor == wanted) return;
            string unique = Unique(wanted);
            _renames[tensor] = unique;
            _taken.Add(unique);
        }

        public void Output(string tensor, string name) => _outputs.Add(new GraphOutput(tensor, name));

        /// <summary>
        /// A tensor a torchvision state_dict may hold that inference never reads (GoogLeNet's and Inception3's auxiliary
        /// classifiers, used only in training): listed with torch's shape, accepted when present, not missing when absent.
        /// </summary>
        public void AllowUnread(string name, params int[] shape) => _unread.Add(new WeightDef(name, new EquatableArray<int>(shape), Ignored: true));

        /// <summary>
        /// A tensor the state_dict must hold that no graph op reads: a part that runs after the graph on the host (Faster
        /// R-CNN's box head, read by the runtime's second stage). Listed after the graph's weights.
        /// </summary>
        public void RequireHostWeight(string name, params int[] shape) => _unread.Add(WeightDef.Of(name, shape));

        /// <summary>Drops nodes no output depends on (a backbone stage past the last one a neck reads), then lists the weights.</summary>
        public Graph Finish()
        {
            foreach (KeyValuePair<string, string> rename in _renames) RenameEverywhere(rename.Key, rename.Value, userNamed: true);
            // With several outputs, Run takes one span per output named after it: no other tensor may use that name.
            if (_outputs.Count > 1)
            {
                foreach (GraphOutput output in _outputs.ToList())
                {
                    string parameter = char.ToLowerInvariant(output.Name[0]) + output.Name.Substring(1);
                    if (_tensors.ContainsKey(parameter)) RenameEverywhere(parameter, Unique(parameter), userNamed: false);
                }
            }
            var needed = new HashSet<string>(_outputs.Select(o => o.Tensor));
            var kept = new List<Node>();
            for (int i = _nodes.Count - 1; i >= 0; i--)
            {
                Node node = _nodes[i];
                if (!needed.Contains(node.Output)) continue;
                kept.Add(node);
                foreach (string input in node.Inputs) needed.Add(input);
            }
            kept.Reverse();
            var weights = new List<WeightDef>();
            var seen = new HashSet<string>();
            foreach (Node node in kept)
            {
                var inputShapes = node.Inputs.Select(t => _tensors[t].Shape).ToList();
                foreach (WeightDef weight in node.Op.Weights(inputShapes, _tensors[node.Output].Shape))
                {
                    if (seen.Add(weight.Name)) weights.Add(weight);
                }
            }
            foreach (WeightDef weight in _unread)
            {
                if (seen.Add(weight.Name)) weights.Add(weight);
            }
            var tensors = _tensorOrder.Where(t => needed.Contains(t.Name) || t.Name == InputName).ToArray();
            return new Graph(new EquatableArray<TensorDef>(tensors), new EquatableArray<Node>(kept), InputName,
                new EquatableArray<GraphOutput>(_outputs), new EquatableArray<WeightDef>(weights));
        }

        private void RenameEverywhere(string from, string to, bool userNamed)
        {
            TensorDef def = _tensors[from];
            _tensors.Remove(from);
            _tensors[to] = def with { Name = to, UserNamed = userNamed || def.UserNamed };
            _tensorOrder[_tensorOrder.IndexOf(def)] = _tensors[to];
            for (int i = 0; i < _nodes.Count; i++)
            {
                Node n = _nodes[i];
                if (n.Output == from || n.Inputs.Contains(from))
                    _nodes[i] = n with { Output = n.Output == from ? to : n.Output, Inputs = new EquatableArray<string>(n.Inputs.Select(t => t == from ? to : t).ToArray()) };
            }
            for (int i = 0; i < _outputs.Count; i++)
            {
                if (_outputs[i].Tensor == from) _outputs[i] = _outputs[i] with { Tensor = to };
            }
        }

        private void Add(TensorDef tensor)
        {
            _tensors[tensor.Name] = tensor;
            _tensorOrder.Add(tensor);
        }

        private string UniqueName(string label, Op op) => Unique(Sanitize(label.Length > 0 ? label : op.Kind, op.Kind));

        private string Unique(string name)
        {
            if (Free(name)) return name;
            for (int i = 2; ; i++)
            {
                string candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
                if (Free(candidate)) return candidate;
            }
        }

        private bool Free(string name) => !_tensors.ContainsKey(name) && !_taken.Contains(name) && !s_reserved.Contains(name);

        /// <summary>A C# identifier from a label: "layer1.0.conv1" → layer1_0_conv1; a leading digit gets <paramref name="kind"/> in front.</summary>
        public static string Sanitize(string label, string kind)
        {
            var sb = new StringBuilder();
            foreach (char c in label)
            {
                bool ok = c < 128 && (char.IsLetterOrDigit(c) || c == '_');
                if (ok) sb.Append(c);
                else if (sb.Length > 0 && sb[sb.Length - 1] != '_') sb.Append('_');
            }
            while (sb.Length > 0 && sb[sb.Length - 1] == '_') sb.Length--;
            if (sb.Length == 0) sb.Append(kind);
            if (char.IsDigit(sb[0])) sb.Insert(0, kind);
            string name = sb.ToString();
            if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None) name += "_";
            return name;
        }
    }
}
