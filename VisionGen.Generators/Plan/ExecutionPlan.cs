using System.Collections.Generic;
using VisionGen.Generators.Ir;

namespace VisionGen.Generators.Plan
{
    /// <summary>Where a tensor lives at run time.</summary>
    internal enum StorageKind
    {
        /// <summary>The caller's input span.</summary>
        Input,
        /// <summary>One of the caller's output spans (<see cref="TensorStorage.OutputIndex"/>): the output is written there directly.</summary>
        Output,
        /// <summary>A slice of the model's one arena.</summary>
        Arena,
    }

    /// <summary>A tensor's memory: <see cref="Length"/> floats from <see cref="Offset"/> in its base (arena, input or an output span).</summary>
    internal sealed record TensorStorage(StorageKind Kind, int OutputIndex, long Offset, long Length);

    /// <summary>One step of the plan. A view step (a reshape, a slice that needs no copy) writes no code but its comment.</summary>
    internal sealed record Step(int Index, Node Node, bool IsView);

    /// <summary>The run-time arrays of one weight-bearing op, shared by every step with the same key.</summary>
    internal sealed record WeightGroup(string Field, Node Owner);

    /// <summary>
    /// The one plan both emitters consume: the optimized steps, every tensor's storage (arena slices, views, the caller's
    /// spans), the weight fields, and the scratch region. Neither emitter re-derives names or reads the parsed spec.
    /// </summary>
    internal sealed class ExecutionPlan
    {
        public ExecutionPlan(Graph graph) => Graph = graph;

        /// <summary>The optimized graph.</summary>
        public Graph Graph { get; }

        public int Batch => Graph.TensorMap()[Graph.Input].Shape.N;

        public Dictionary<string, TensorDef> Tensors { get; } = new Dictionary<string, TensorDef>();

        public List<Step> Steps { get; } = new List<Step>();

        public Dictionary<string, TensorStorage> Storage { get; } = new Dictionary<string, TensorStorage>();

        /// <summary>Tensors that live inside another tensor's memory (views and concatenation inputs) → (that tensor, offset).</summary>
        public Dictionary<string, (string Tensor, long Offset)> LivesIn { get; } = new Dictionary<string, (string, long)>();

        /// <summary>Tensors that own memory, in arena order, with their lifetimes in steps (for the plan table).</summary>
        public List<(string Tensor, int First, int Last)> Lifetimes { get; } = new List<(string, int, int)>();

        /// <summary>Graph outputs that are not written straight into their span and are copied there at the end.</summary>
        public List<int> CopiedOutputs { get; } = new List<int>();

        /// <summary>Weight field base name of each weight-bearing step.</summary>
        public Dictionary<Node, string> WeightField { get; } = new Dictionary<Node, string>();

        /// <summary>One entry per distinct weight set, in load order.</summary>
        public List<WeightGroup> WeightGroups { get; } = new List<WeightGroup>();

        /// <summary>Floats in the arena, scratch included.</summary>
        public long ArenaLength { get; set; }

        public long ScratchOffset { get; set; }

        public long ScratchLength { get; set; }

        /// <summary>True when graph outputs stay in the arena (detection: the head outputs feed post-processing).</summary>
        public bool OutputsInArena { get; set; }

        public TensorDef Input => Tensors[Graph.Input];

        /// <summary>True when <paramref name="tensor"/> already lives inside <paramref name="container"/> (a producer wrote it there).</summary>
        public bool IsPlacedIn(string tensor, string container)
        {
            while (LivesIn.TryGetValue(tensor, out (string Tensor, long Offset) parent))
            {
                if (parent.Tensor == container) return true;
                tensor = parent.Tensor;
            }
            return false;
        }
    }
}
