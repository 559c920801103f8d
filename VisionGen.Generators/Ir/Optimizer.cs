using VisionGen.Ops;
using System.Collections.Generic;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// Stage 4: rewrites the graph in place. Folds batch norm into the preceding convolution (when asked),
    /// fuses a residual add into the convolution (or batch norm) that produces one of its inputs, and fuses
    /// ReLU/ReLU6 into the op before it — so each of those becomes one output pass.
    /// </summary>
    internal static class Optimizer
    {
        public static void Run(Graph graph, bool foldBatchNorm)
        {
            if (foldBatchNorm) FoldBatchNorms(graph);
            FuseResidualAdds(graph);
            FuseActivations(graph);
        }

        private static void FoldBatchNorms(Graph graph)
        {
            for (int i = 1; i < graph.Ops.Count; i++)
            {
                OpNode bn = graph.Ops[i];
                if (bn.Kind != OpKind.BatchNorm) continue;
                OpNode? conv = SoleProducer(graph, bn.Inputs[0], i);
                if (conv is null || conv.Kind != OpKind.Conv || conv.FoldedBatchNormPrefix is not null || conv.Activation != ActivationKind.None || conv.Residual is not null) continue;
                conv.FoldedBatchNormPrefix = bn.WeightPrefix;
                conv.Eps = bn.Eps;
                conv.Fused.Add(bn.Label + " (batch norm, folded at load)");
                Replace(graph, conv, bn, i);
                i--;
            }
        }

        private static void FuseResidualAdds(Graph graph)
        {
            for (int i = 1; i < graph.Ops.Count; i++)
            {
                OpNode add = graph.Ops[i];
                if (add.Kind != OpKind.Add) continue;
                // Prefer the input produced latest: the other one must already exist when that op runs.
                for (int side = 0; side < 2; side++)
                {
                    string mine = add.Inputs[side], other = add.Inputs[1 - side];
                    OpNode? producer = SoleProducer(graph, mine, i);
                    if (producer is null || producer.Residual is not null || producer.Activation != ActivationKind.None) continue;
                    if (producer.Kind != OpKind.Conv && producer.Kind != OpKind.BatchNorm) continue;
                    if (!AvailableBefore(graph, other, graph.Ops.IndexOf(producer))) continue;
                    producer.Residual = other;
                    producer.Fused.Add(add.Label + " (residual add)");
                    Replace(graph, producer, add, i);
                    i--;
                    break;
                }
            }
        }

        private static void FuseActivations(Graph graph)
        {
            for (int i = 1; i < graph.Ops.Count; i++)
            {
                OpNode act = graph.Ops[i];
                if (act.Kind != OpKind.Activation) continue;
                OpNode? producer = SoleProducer(graph, act.Inputs[0], i);
                if (producer is null || producer.Activation != ActivationKind.None) continue;
                if (producer.Kind is not (OpKind.Conv or OpKind.BatchNorm or OpKind.Linear or OpKind.Add or OpKind.GroupNorm or OpKind.LayerNorm)) continue;
                producer.Activation = act.Activation;
                producer.Fused.Add(act.Activation == ActivationKind.Relu ? "ReLU" : "ReLU6");
                Replace(graph, producer, act, i);
                i--;
            }
        }

        /// <summary>The op that writes <paramref name="tensor"/>, if the op at <paramref name="consumerIndex"/> is its only reader and it is not a graph output.</summary>
        private static OpNode? SoleProducer(Graph graph, string tensor, int consumerIndex)
        {
            if (graph.Outputs.Contains(tensor)) return null;
            OpNode? producer = null;
            for (int j = 0; j < graph.Ops.Count; j++)
            {
                OpNode op = graph.Ops[j];
                if (op.Output == tensor) producer = op;
                else if (j != consumerIndex)
                {
                    foreach (string input in op.AllInputs())
                    {
                        if (input == tensor) return null;
                    }
                }
            }
            return producer;
        }

        private static bool AvailableBefore(Graph graph, string tensor, int index)
        {
            if (tensor == Graph.InputName) return true;
            for (int j = 0; j < index; j++)
            {
                if (graph.Ops[j].Output == tensor) return true;
            }
            return false;
        }

        /// <summary>Makes <paramref name="producer"/> write what <paramref name="absorbed"/> wrote, and drops the absorbed op.</summary>
        private static void Replace(Graph graph, OpNode producer, OpNode absorbed, int absorbedIndex)
        {
            graph.Tensors.Remove(producer.Output);
            producer.Output = absorbed.Output;
            graph.Ops.RemoveAt(absorbedIndex);
        }
    }
}
