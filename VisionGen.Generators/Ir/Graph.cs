using VisionGen.Ops;
using System.Collections.Generic;

namespace VisionGen.Generators.Ir
{
    /// <summary>Op kinds of the graph IR.</summary>
    internal enum OpKind
    {
        /// <summary>Convolution; may carry a folded batch norm, bias, a residual input and an activation.</summary>
        Conv,
        /// <summary>Inference batch norm kept as its own op (FoldBatchNorm = false); may carry residual + activation.</summary>
        BatchNorm,
        /// <summary>Stand-alone ReLU / ReLU6 (only when it could not be fused into its producer).</summary>
        Activation,
        MaxPool,
        AvgPool,
        GlobalAvgPool,
        /// <summary>C×H×W → C·H·W; a view of its input (no data moves).</summary>
        Flatten,
        Linear,
        /// <summary>Element-wise add of two tensors (a residual connection) when it could not be fused.</summary>
        Add,
        /// <summary>Nearest-neighbour resize to the output's size (torch <c>F.interpolate(mode="nearest")</c>).</summary>
        Upsample,
        /// <summary>GroupNorm (<see cref="OpNode.Groups"/> groups; affine when <see cref="OpNode.HasBias"/>); instance norm is one group per channel. May carry an activation.</summary>
        GroupNorm,
        /// <summary>LayerNorm over the whole tensor, elementwise affine when <see cref="OpNode.HasBias"/>; may carry an activation.</summary>
        LayerNorm,
        /// <summary>C×H×W → (H·W)×C, written into a slice of a concatenated head output (torchvision's permute + reshape).</summary>
        ChannelsLast,
    }

    /// <summary>A named tensor with a static shape (batch 1 implied). Flat tensors have H = W = 1 and <see cref="IsFlat"/>.</summary>
    internal sealed class TensorDef
    {
        public TensorDef(string name, int channels, int height, int width, bool isFlat = false, string? parent = null, int parentOffset = 0)
        {
            Parent = parent;
            ParentOffset = parentOffset;
            Name = name;
            Channels = channels;
            Height = height;
            Width = width;
            IsFlat = isFlat;
        }

        public string Name { get; }
        public int Channels { get; }
        public int Height { get; }
        public int Width { get; }
        public bool IsFlat { get; }
        public int Length => Channels * Height * Width;

        /// <summary>When set, this tensor is a slice of <see cref="Parent"/> starting at <see cref="ParentOffset"/> floats.</summary>
        public string? Parent { get; }
        public int ParentOffset { get; }

        public string ShapeText => IsFlat ? Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Channels}x{Height}x{Width}";
    }

    /// <summary>One op: reads <see cref="Inputs"/>, writes <see cref="Output"/>.</summary>
    internal sealed class OpNode
    {
        public OpNode(OpKind kind, string label, string output, params string[] inputs)
        {
            Kind = kind;
            Label = label;
            Output = output;
            Inputs = new List<string>(inputs);
        }

        public OpKind Kind { get; }

        /// <summary>The torchvision module path this op implements, for comments (e.g. "layer1.0.conv1").</summary>
        public string Label { get; set; }

        public List<string> Inputs { get; }
        public string Output { get; set; }

        // Convolution / pooling geometry (square kernels, symmetric padding, as torchvision uses).
        public int Kernel { get; set; }
        public int Stride { get; set; } = 1;
        public int Padding { get; set; }
        public int Dilation { get; set; } = 1;
        public int Groups { get; set; } = 1;
        public bool HasBias { get; set; }

        /// <summary>state_dict prefix of the op's own weights (conv, batch norm, linear).</summary>
        public string WeightPrefix { get; set; } = "";

        /// <summary>Batch norm folded into this convolution at load time, or null.</summary>
        public string? FoldedBatchNormPrefix { get; set; }

        /// <summary>Epsilon of this op's (own or folded) batch norm.</summary>
        public float Eps { get; set; } = 1e-5f;

        /// <summary>Tensor added to the output before the activation (fused residual), or null.</summary>
        public string? Residual { get; set; }

        public ActivationKind Activation { get; set; }

        /// <summary>Weight tensors this op binds (shared ops, such as a head applied to every level, repeat them).</summary>
        public List<WeightDef> Weights { get; } = new List<WeightDef>();

        /// <summary>Ops merged into this one (folded batch norm, fused add/activation), for comments.</summary>
        public List<string> Fused { get; } = new List<string>();

        public IEnumerable<string> AllInputs()
        {
            foreach (string input in Inputs) yield return input;
            if (Residual is not null) yield return Residual;
        }
    }

    /// <summary>
    /// The network as a DAG: tensors with static shapes, ops in execution (topological) order, and one or
    /// more named outputs (classification has one; FPN and detection heads have several).
    /// </summary>
    internal sealed class Graph
    {
        public const string InputName = "input";

        public Dictionary<string, TensorDef> Tensors { get; } = new Dictionary<string, TensorDef>();
        public List<OpNode> Ops { get; } = new List<OpNode>();
        public List<string> Outputs { get; } = new List<string>();

        /// <summary>Public names of the outputs (e.g. ClassLogits), parallel to <see cref="Outputs"/>.</summary>
        public List<string> OutputNames { get; } = new List<string>();

        /// <summary>Detection only: (height, width) of every pyramid level, in anchor order.</summary>
        public List<(int Height, int Width)> Levels { get; } = new List<(int, int)>();

        /// <summary>Weight tensors the state_dict must hold, in declaration order (name, shape, ignored?).</summary>
        public List<WeightDef> Weights { get; } = new List<WeightDef>();

        public TensorDef Input => Tensors[InputName];

        public TensorDef AddTensor(TensorDef tensor)
        {
            Tensors[tensor.Name] = tensor;
            return tensor;
        }
    }

    /// <summary>A tensor the weight file must provide. Ignored tensors (num_batches_tracked) may be present and are never read.</summary>
    internal sealed record WeightDef(string Name, int[] Shape, bool Ignored);
}
