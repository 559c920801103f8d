using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;

namespace VisionGen.Generators.Plan
{
    /// <summary>
    /// Stage 5: views, liveness and one arena. Reshapes and contiguous slices are views of their input; a
    /// concatenation's inputs are written by their producers straight into their slice of its output where the slice is
    /// contiguous (so no copy); every other tensor owns memory from the step that first writes it to the last step that
    /// reads it, and a later tensor may reuse memory whose every occupant is dead (first fit, lowest offset, 64-byte
    /// aligned). With one caller output span per graph output, each output is written there directly. Scratch sits
    /// after the tensors.
    /// </summary>
    internal static class Planner
    {
        public static ExecutionPlan Plan(Graph graph, bool outputsInArena)
        {
            var plan = new ExecutionPlan(graph) { OutputsInArena = outputsInArena };
            foreach (TensorDef t in graph.Tensors) plan.Tensors[t.Name] = t;
            var producer = new Dictionary<string, int>();
            for (int i = 0; i < graph.Nodes.Count; i++) producer[graph.Nodes[i].Output] = i;
            var outputs = new HashSet<string>(graph.Outputs.Select(o => o.Tensor));

            // 1. Views: reshapes and contiguous slices share their input's memory.
            var views = new HashSet<string>();
            foreach (Node node in graph.Nodes)
            {
                long? offset = node.Op.View(Shapes(plan, node), plan.Tensors[node.Output].Shape);
                if (offset is null) continue;
                plan.LivesIn[node.Output] = (node.Input, offset.Value);
                views.Add(node.Output);
            }

            // 2. Concatenations: a producer writes straight into its input's slice when that slice is contiguous.
            foreach (Node node in graph.Nodes)
            {
                if (node.Op.ConcatAxis is not int axis) continue;
                Shape output = plan.Tensors[node.Output].Shape;
                if (output.Outer(axis) != 1) continue; // slices of the output are strided: copy instead
                var roots = node.Inputs.Select(t => Resolve(plan, t).Root).ToList();
                long offset = 0;
                for (int i = 0; i < node.Inputs.Count; i++)
                {
                    string input = node.Inputs[i];
                    (string root, long rootOffset) = Resolve(plan, input);
                    long length = plan.Tensors[input].Shape.Length;
                    bool placeable = root != graph.Input && producer.ContainsKey(root) && !views.Contains(root) && !plan.LivesIn.ContainsKey(root)
                        && !outputs.Contains(root) && rootOffset == 0 && plan.Tensors[root].Shape.Length == length
                        && roots.Count(r => r == root) == 1 && producer[root] < producer[node.Output];
                    if (placeable) plan.LivesIn[root] = (node.Output, offset);
                    offset += length;
                }
            }

            // 3. Steps.
            for (int i = 0; i < graph.Nodes.Count; i++)
            {
                Node node = graph.Nodes[i];
                plan.Steps.Add(new Step(i, node, views.Contains(node.Output)));
            }

            // 4. Liveness of every memory owner: first write to last read (outputs: to the end).
            var first = new Dictionary<string, int>();
            var last = new Dictionary<string, int>();
            void Touch(string tensor, int step, bool write)
            {
                string root = Resolve(plan, tensor).Root;
                if (write && !first.ContainsKey(root)) first[root] = step;
                if (!last.TryGetValue(root, out int l) || l < step) last[root] = step;
            }
            foreach (Step step in plan.Steps)
            {
                if (!step.IsView) Touch(step.Node.Output, step.Index, write: true);
                foreach (string input in step.Node.Inputs) Touch(input, step.Index, write: false);
            }
            foreach (string output in outputs) last[Resolve(plan, output).Root] = graph.Nodes.Count;

            // 5. Storage: the input span, the output spans, the arena.
            plan.Storage[graph.Input] = new TensorStorage(StorageKind.Input, 0, 0, plan.Input.Shape.Length);
            var direct = new Dictionary<string, int>();
            if (!outputsInArena)
            {
                for (int i = 0; i < graph.Outputs.Count; i++)
                {
                    string t = graph.Outputs[i].Tensor;
                    bool owns = producer.ContainsKey(t) && !plan.LivesIn.ContainsKey(t) && !direct.ContainsKey(t);
                    if (owns) direct[t] = i;
                    else plan.CopiedOutputs.Add(i);
                }
            }
            var placed = new List<(long Offset, long Length, int Last)>();
            long arenaEnd = 0;
            foreach (Step step in plan.Steps)
            {
                string root = Resolve(plan, step.Node.Output).Root;
                if (plan.Storage.ContainsKey(root) || !first.ContainsKey(root)) continue;
                long length = plan.Tensors[root].Shape.Length;
                if (direct.TryGetValue(root, out int index))
                {
                    plan.Storage[root] = new TensorStorage(StorageKind.Output, index, 0, length);
                    continue;
                }
                long at = FirstFit(placed, length, first[root]);
                placed.Add((at, length, last[root]));
                plan.Storage[root] = new TensorStorage(StorageKind.Arena, 0, at, length);
                plan.Lifetimes.Add((root, first[root], last[root]));
                arenaEnd = System.Math.Max(arenaEnd, at + length);
            }
            foreach (string tensor in plan.LivesIn.Keys.ToList())
            {
                (string root, long offset) = Resolve(plan, tensor);
                if (!plan.Storage.TryGetValue(root, out TensorStorage? s)) continue;
                plan.Storage[tensor] = s with { Offset = s.Offset + offset, Length = plan.Tensors[tensor].Shape.Length };
            }

            // 6. Scratch after the tensors, on a 64-byte boundary.
            long scratch = 0;
            foreach (Step step in plan.Steps)
            {
                if (!step.IsView) scratch = System.Math.Max(scratch, step.Node.Op.CpuScratch(Shapes(plan, step.Node), plan.Tensors[step.Node.Output].Shape));
            }
            plan.ScratchOffset = (arenaEnd + 15) / 16 * 16;
            plan.ScratchLength = scratch;
            plan.ArenaLength = plan.ScratchOffset + scratch;

            // 7. Weight fields: one set per distinct key, named after it.
            var byKey = new Dictionary<string, string>();
            var used = new HashSet<string>();
            foreach (Step step in plan.Steps)
            {
                string? key = step.Node.Op.WeightKey;
                if (key is null) continue;
                if (!byKey.TryGetValue(key, out string? field))
                {
                    string baseName = NetBuilder.Sanitize(step.Node.Label, step.Node.Op.Kind);
                    field = baseName;
                    for (int i = 2; !used.Add(field); i++) field = baseName + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    byKey[key] = field;
                    plan.WeightGroups.Add(new WeightGroup(field, step.Node));
                }
                plan.WeightField[step.Node] = field;
            }
            return plan;
        }

        public static IReadOnlyList<Shape> Shapes(ExecutionPlan plan, Node node) => node.Inputs.Select(t => plan.Tensors[t].Shape).ToList();

        private static (string Root, long Offset) Resolve(ExecutionPlan plan, string tensor)
        {
            long offset = 0;
            while (plan.LivesIn.TryGetValue(tensor, out (string Tensor, long Offset) parent))
            {
                offset += parent.Offset;
                tensor = parent.Tensor;
            }
            return (tensor, offset);
        }

        private static long FirstFit(List<(long Offset, long Length, int Last)> placed, long length, int firstUse)
        {
            // Blocks still alive when this tensor is first written (a step never writes over what it reads).
            var busy = placed.Where(p => p.Last >= firstUse).Select(p => (Start: p.Offset, End: p.Offset + p.Length)).OrderBy(b => b.Start).ToList();
            long candidate = 0;
            foreach ((long start, long end) in busy)
            {
                if (candidate + length <= start) break;
                if (end > candidate) candidate = (end + 15) / 16 * 16; // keep tensors 64-byte aligned
            }
            return candidate;
        }
    }
}
