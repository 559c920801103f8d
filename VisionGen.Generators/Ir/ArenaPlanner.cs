using System.Collections.Generic;

namespace VisionGen.Generators.Ir
{
    /// <summary>Where a tensor lives at run time.</summary>
    internal enum StorageKind
    {
        /// <summary>The caller's input span.</summary>
        Input,
        /// <summary>The caller's output span (the graph output is written there directly).</summary>
        Output,
        /// <summary>A slice of the model's one arena.</summary>
        Arena,
    }

    internal sealed record TensorStorage(StorageKind Kind, int Offset, int Length);

    /// <summary>The memory plan: every tensor's storage, the arena size and the convolution scratch region.</summary>
    internal sealed class ArenaPlan
    {
        public Dictionary<string, TensorStorage> Storage { get; } = new Dictionary<string, TensorStorage>();

        /// <summary>Floats in the arena, scratch included.</summary>
        public int ArenaLength { get; set; }

        public int ScratchOffset { get; set; }
        public int ScratchLength { get; set; }

        /// <summary>Tensors in arena order, for the plan table printed in the generated file.</summary>
        public List<(string Tensor, int First, int Last)> Lifetimes { get; } = new List<(string, int, int)>();
    }

    /// <summary>
    /// Stage 5: tensor liveness → offsets in one arena. A tensor is live from the op that writes it to the
    /// last op that reads it; a later tensor may reuse memory whose every occupant is dead (first fit,
    /// lowest offset). Flatten outputs are views of their input. Convolution scratch (the Winograd buffers) sits after the tensors.
    /// </summary>
    internal static class ArenaPlanner
    {
        public static ArenaPlan Plan(Graph graph, int scratchLength)
        {
            var plan = new ArenaPlan();
            // view → (the tensor whose memory it shares, offset in floats): Flatten outputs and output slices.
            var owner = new Dictionary<string, (string Tensor, int Offset)>();
            foreach (OpNode op in graph.Ops)
            {
                if (op.Kind == OpKind.Flatten) owner[op.Output] = (op.Inputs[0], 0);
            }
            foreach (TensorDef tensor in graph.Tensors.Values)
            {
                if (tensor.Parent is not null) owner[tensor.Name] = (tensor.Parent, tensor.ParentOffset);
            }
            (string Root, int Offset) Resolve(string t)
            {
                int offset = 0;
                while (owner.TryGetValue(t, out (string Tensor, int Offset) o))
                {
                    offset += o.Offset;
                    t = o.Tensor;
                }
                return (t, offset);
            }
            string Root(string t) => Resolve(t).Root;

            // Liveness per owning tensor: [first write, last read].
            var first = new Dictionary<string, int>();
            var last = new Dictionary<string, int>();
            for (int i = 0; i < graph.Ops.Count; i++)
            {
                OpNode op = graph.Ops[i];
                string root = Root(op.Output);
                if (!first.ContainsKey(root)) first[root] = i;
                if (!last.ContainsKey(root) || last[root] < i) last[root] = i;
                foreach (string input in op.AllInputs())
                {
                    string r = Root(input);
                    if (last.ContainsKey(r) && last[r] < i) last[r] = i;
                }
            }
            var outputs = new HashSet<string>();
            foreach (string output in graph.Outputs) outputs.Add(Root(output));
            foreach (string o in outputs) if (last.ContainsKey(o)) last[o] = graph.Ops.Count;

            plan.Storage[Graph.InputName] = new TensorStorage(StorageKind.Input, 0, graph.Input.Length);
            // With one output the last op writes straight into the caller's span; with several, they stay in the arena.
            bool directOutput = graph.Outputs.Count == 1 && Root(graph.Outputs[0]) != Graph.InputName;

            var placed = new List<(int Offset, int Length, int Last)>();
            int arenaEnd = 0;
            for (int i = 0; i < graph.Ops.Count; i++)
            {
                string root = Root(graph.Ops[i].Output);
                if (plan.Storage.ContainsKey(root)) continue;
                int length = graph.Tensors[root].Length;
                if (directOutput && outputs.Contains(root))
                {
                    plan.Storage[root] = new TensorStorage(StorageKind.Output, 0, length);
                    continue;
                }
                int offset = FirstFit(placed, length, first[root]);
                placed.Add((offset, length, last[root]));
                plan.Storage[root] = new TensorStorage(StorageKind.Arena, offset, length);
                plan.Lifetimes.Add((root, first[root], last[root]));
                if (offset + length > arenaEnd) arenaEnd = offset + length;
            }
            foreach (string view in owner.Keys)
            {
                (string root, int offset) = Resolve(view);
                if (!plan.Storage.TryGetValue(root, out TensorStorage? s)) continue; // pruned
                plan.Storage[view] = new TensorStorage(s.Kind, s.Offset + offset, graph.Tensors[view].Length);
            }

            // Scratch starts on a 64-byte boundary (16 floats) after the tensors.
            plan.ScratchOffset = (arenaEnd + 15) / 16 * 16;
            plan.ScratchLength = scratchLength;
            plan.ArenaLength = plan.ScratchOffset + scratchLength;
            return plan;
        }

        private static int FirstFit(List<(int Offset, int Length, int Last)> placed, int length, int firstUse)
        {
            // Blocks still alive when this tensor is written (an op never writes over what it reads).
            var busy = new List<(int Start, int End)>();
            foreach ((int offset, int len, int lastUse) in placed)
            {
                if (lastUse >= firstUse) busy.Add((offset, offset + len));
            }
            busy.Sort((a, b) => a.Start.CompareTo(b.Start));
            int candidate = 0;
            foreach ((int start, int end) in busy)
            {
                if (candidate + length <= start) break;
                if (end > candidate) candidate = (end + 15) / 16 * 16; // keep tensors 64-byte aligned
            }
            return candidate;
        }
    }
}
