using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// Stage 4: rewrites a copy of the graph. Folds batch norm into the op before it (when asked), fuses a same-shaped
    /// residual add into the op that produces one of its inputs, and fuses activations into the op before them — each
    /// through the op's own <see cref="Op.Fold"/>, <see cref="Op.WithResidual"/> and <see cref="Op.WithActivation"/>, so
    /// the optimizer knows no op by name beyond the three it removes. The merged step keeps the name a <c>Forward</c> local
    /// gave either tensor, else the absorbing op's.
    /// </summary>
    internal static class Optimizer
    {
        public static Graph Run(Graph graph, bool foldBatchNorm, bool compactWeights = false)
        {
            var nodes = graph.Nodes.ToList();
            var outputs = graph.Outputs.ToList();
            var userNamed = new HashSet<string>(graph.Tensors.Where(t => t.UserNamed).Select(t => t.Name));
            if (foldBatchNorm)
            {
                Absorb(nodes, outputs, userNamed, n => n.Op is BatchNormOp, (producer, node) => producer.Op.Fold((BatchNormOp)node.Op) is Op op
                    ? producer with { Op = op, Fused = Append(producer.Fused, node.Label + " (batch norm, folded at load)") }
                    : null);
            }
            Absorb(nodes, outputs, userNamed, n => n.Op is BinaryOp { Multiply: false } add && add.Activation.IsNone, (producer, node) => null, residual: true, graph.Input, graph.TensorMap());
            Absorb(nodes, outputs, userNamed, n => n.Op is ActivationOp, (producer, node) =>
            {
                ActivationSpec activation = ((ActivationOp)node.Op).Activation;
                return producer.Op.WithActivation(activation) is Op op
                    ? producer with { Op = op, Fused = Append(producer.Fused, activation.Text) }
                    : null;
            });
            if (compactWeights)
            {
                for (int i = 0; i < nodes.Count; i++) nodes[i] = nodes[i] with { Op = nodes[i].Op.WithCompactWeights() };
            }
            SmallOutputs(nodes, graph.TensorMap());
            var live = new HashSet<string>(nodes.Select(n => n.Output)) { graph.Input };
            return graph with
            {
                Nodes = new EquatableArray<Node>(nodes),
                Outputs = new EquatableArray<GraphOutput>(outputs),
                Tensors = new EquatableArray<TensorDef>(graph.Tensors.Where(t => live.Contains(t.Name))),
            };
        }

        /// <summary>
        /// Gives each weight's ops their small-output CPU form (<see cref="Op.ForSmallOutputs"/>) when every node using
        /// that weight (one <see cref="Op.WeightKey"/>) agrees: the weight is loaded and packed once for all of them.
        /// </summary>
        private static void SmallOutputs(List<Node> nodes, Dictionary<string, TensorDef> tensors)
        {
            foreach (var group in nodes.Select((n, i) => (Node: n, Index: i)).Where(p => p.Node.Op.WeightKey != null).GroupBy(p => p.Node.Op.WeightKey))
            {
                var uses = group.Select(p => ((IReadOnlyList<Shape>)p.Node.Inputs.Select(i => tensors[i].Shape).ToList(), tensors[p.Node.Output].Shape)).ToList();
                var changed = group.Select(p => p.Node.Op.ForSmallOutputs(uses)).ToList();
                if (changed.Any(op => op is null)) continue;
                int j = 0;
                foreach (var p in group) nodes[p.Index] = p.Node with { Op = changed[j++]! };
            }
        }

        /// <summary>
        /// For every node matching <paramref name="absorbable"/>, lets the sole producer of its input absorb it; with
        /// <paramref name="residual"/>, the node is a two-input add and either side's producer may take the other side as
        /// its residual.
        /// </summary>
        private static void Absorb(List<Node> nodes, List<GraphOutput> outputs, HashSet<string> userNamed, System.Func<Node, bool> absorbable,
            System.Func<Node, Node, Node?> merge, bool residual = false, string input = "", Dictionary<string, TensorDef>? tensors = null)
        {
            for (int i = 1; i < nodes.Count; i++)
            {
                Node node = nodes[i];
                if (!absorbable(node)) continue;
                for (int side = 0; side < (residual ? 2 : 1); side++)
                {
                    int p = SoleProducer(nodes, outputs, node.Inputs[side], i);
                    if (p < 0) continue;
                    Node producer = nodes[p];
                    Node? merged;
                    if (residual)
                    {
                        string other = node.Inputs[1 - side];
                        bool sameShape = tensors![node.Inputs[0]].Shape == tensors[node.Inputs[1]].Shape;
                        merged = sameShape && AvailableBefore(nodes, input, other, p) && producer.Op.WithResidual() is Op op
                            ? producer with
                            {
                                Op = op,
                                Inputs = new EquatableArray<string>(producer.Inputs.Concat(new[] { other }).ToArray()),
                                Fused = Append(producer.Fused, node.Label + " (residual add)"),
                            }
                            : null;
                    }
                    else
                    {
                        merged = merge(producer, node);
                    }
                    if (merged is null) continue;
                    // The merged step writes the absorbed step's tensor when a Forward local named it, else keeps its own name.
                    bool keepAbsorbedName = userNamed.Contains(node.Output) && !userNamed.Contains(producer.Output);
                    nodes[p] = keepAbsorbedName ? merged with { Output = node.Output } : merged;
                    nodes.RemoveAt(i);
                    if (!keepAbsorbedName) Rename(nodes, outputs, node.Output, producer.Output);
                    i--;
                    break;
                }
            }
        }

        /// <summary>The index of the node writing <paramref name="tensor"/> when the node at <paramref name="consumer"/> is its only reader and it is no graph output; else −1.</summary>
        private static int SoleProducer(List<Node> nodes, List<GraphOutput> outputs, string tensor, int consumer)
        {
            if (outputs.Any(o => o.Tensor == tensor)) return -1;
            int producer = -1;
            for (int j = 0; j < nodes.Count; j++)
            {
                if (nodes[j].Output == tensor) producer = j;
                else if (j != consumer && nodes[j].Inputs.Contains(tensor)) return -1;
            }
            if (producer >= 0 && nodes[consumer].Inputs.Count(t => t == tensor) > 1) return -1;
            return producer;
        }

        private static bool AvailableBefore(List<Node> nodes, string input, string tensor, int index)
        {
            if (tensor == input) return true;
            for (int j = 0; j < index; j++)
            {
                if (nodes[j].Output == tensor) return true;
            }
            return false;
        }

        private static void Rename(List<Node> nodes, List<GraphOutput> outputs, string from, string to)
        {
            for (int j = 0; j < nodes.Count; j++)
            {
                if (nodes[j].Inputs.Contains(from))
                    nodes[j] = nodes[j] with { Inputs = new EquatableArray<string>(nodes[j].Inputs.Select(t => t == from ? to : t).ToArray()) };
            }
            for (int j = 0; j < outputs.Count; j++)
            {
                if (outputs[j].Tensor == from) outputs[j] = outputs[j] with { Tensor = to };
            }
        }

        private static EquatableArray<string> Append(EquatableArray<string> items, string item) =>
            new EquatableArray<string>(items.Concat(new[] { item }).ToArray());
    }
}
