using System.Collections.Generic;
using VisionGen.Generators.Model;
using VisionGen.Generators.Ir.Ops;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// A named tensor of the graph. The name is a C# identifier: the generated code uses it for the tensor's span.
    /// <see cref="UserNamed"/> marks a name taken from a <c>Forward</c> local (<c>var e1 = …</c>), which fusion keeps.
    /// </summary>
    internal sealed record TensorDef(string Name, Shape Shape, bool UserNamed = false);

    /// <summary>
    /// One step: <see cref="Op"/> reads <see cref="Inputs"/> and writes <see cref="Output"/>. <see cref="Label"/> is what
    /// it implements, for the comment above the call (a torchvision module path such as "layer1.0.conv1");
    /// <see cref="Fused"/> lists what the optimizer merged into it (folded batch norm, residual add, activation).
    /// </summary>
    internal sealed record Node(Op Op, EquatableArray<string> Inputs, string Output, string Label, EquatableArray<string> Fused)
    {
        public string Input => Inputs[0];
    }

    /// <summary>A tensor the weight file must provide. Ignored tensors (num_batches_tracked) may be present and are never read.</summary>
    internal sealed record WeightDef(string Name, EquatableArray<int> Shape, bool Ignored)
    {
        public static WeightDef Of(string name, params int[] shape) => new WeightDef(name, new EquatableArray<int>(shape), false);
    }

    /// <summary>A graph output and the public name it has in the generated API (Output, ClassLogits, …).</summary>
    internal sealed record GraphOutput(string Tensor, string Name);

    /// <summary>
    /// The network as a DAG, pure data: tensors with static shapes, nodes in execution (topological) order, one
    /// input, one or more outputs, and every weight the state_dict must hold (in declaration order). Built by
    /// <see cref="NetBuilder"/> from either an architecture or a <c>Forward</c> method; the optimizer rewrites a copy.
    /// </summary>
    internal sealed record Graph(
        EquatableArray<TensorDef> Tensors,
        EquatableArray<Node> Nodes,
        string Input,
        EquatableArray<GraphOutput> Outputs,
        EquatableArray<WeightDef> Weights)
    {
        public Dictionary<string, TensorDef> TensorMap()
        {
            var map = new Dictionary<string, TensorDef>();
            foreach (TensorDef t in Tensors) map[t.Name] = t;
            return map;
        }
    }
}
