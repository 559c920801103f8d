using VisionGen;

namespace FashionMnist;

/// <summary>
/// The small CNN trained by scripts/train_fashion_mnist.py, declared layer by layer. Each weight-bearing
/// layer names its nn.Sequential index, which is its state_dict prefix ("0.weight", "1.running_mean", ...).
/// </summary>
[VisionModel(Channels = 1, Height = 28, Width = 28)]
[Conv2d("0", 32, 3, Padding = 1, Bias = false)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 32, 3, Padding = 1, Bias = false)]
[BatchNorm2d("4")]
[ReLU]
[MaxPool2d(2)]
[Conv2d("7", 64, 3, Padding = 1, Bias = false)]
[BatchNorm2d("8")]
[ReLU]
[MaxPool2d(2)]
[Flatten]
[Linear("12", 128, InFeatures = 64 * 7 * 7)]
[ReLU]
[Linear("14", 10)]
public partial class FashionCnn;
