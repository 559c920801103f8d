using VisionGen;
using static VisionGen.Nn;

namespace VisionGen.Tests.Weights;

// Small models whose constructors exercise every LayerWeights entry point: a convolution with batch norm folded in, a
// depthwise convolution with a bias, a group norm's affine weights (read through the WeightSet indexer), a linear layer,
// an un-folded batch norm, and one convolution shared by two layers (its weight read twice).

[VisionModel(Channels = 2, Height = 5, Width = 5)]
[Conv2d("conv1", 4, 3, Padding = 1, Bias = false)]
[BatchNorm2d("bn1")]
[ReLU]
[Conv2d("conv2", 4, 3, Padding = 1, Groups = 4)]
[GroupNorm("gn", 2)]
[Flatten]
[Linear("fc", 3)]
public partial class FoldedWeightsNet;

[VisionModel(Channels = 2, Height = 5, Width = 5, FoldBatchNorm = false)]
[Conv2d("conv1", 4, 3, Padding = 1, Bias = false)]
[BatchNorm2d("bn1")]
[Flatten]
[Linear("fc", 3)]
public partial class UnfoldedWeightsNet;

[VisionModel(Channels = 2, Height = 4, Width = 4)]
public sealed partial class SharedConvNet
{
    static Tensor Forward(Tensor x)
    {
        var a = BatchNorm2d(Conv2d(x, "c", 2, 3, padding: 1), "b1");
        return BatchNorm2d(Conv2d(a, "c", 2, 3, padding: 1), "b2");
    }
}
