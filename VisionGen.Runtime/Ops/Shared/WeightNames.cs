// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project): the state_dict name
// suffixes PyTorch's layers use, written once for the generator (which lists what a file must hold) and the loader
// (which reads it).
using System.ComponentModel;

namespace VisionGen.Ops
{
    /// <summary>Suffixes of a layer's tensors in a PyTorch <c>state_dict</c> (after its prefix, such as "layer1.0.bn1"). For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class WeightNames
    {
        /// <summary>A layer's weight (convolution and linear kernels; normalization scales).</summary>
        public const string Weight = ".weight";

        /// <summary>A layer's bias (normalization shifts).</summary>
        public const string Bias = ".bias";

        /// <summary>Batch norm's running mean.</summary>
        public const string RunningMean = ".running_mean";

        /// <summary>Batch norm's running variance.</summary>
        public const string RunningVar = ".running_var";

        /// <summary>Batch norm's training-step counter (present in files, never read at inference).</summary>
        public const string NumBatchesTracked = ".num_batches_tracked";
    }
}
