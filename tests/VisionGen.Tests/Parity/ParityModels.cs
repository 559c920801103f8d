namespace VisionGen.Tests.Parity;

// Networks declared exactly as a user would, matching scripts/fixtures/make_network_fixtures.py.

[VisionModel(Channels = 3, Height = 96, Width = 128)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet18;

[VisionModel(Channels = 3, Height = 96, Width = 128, FoldBatchNorm = false)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet18Unfolded;

[VisionModel(Channels = 3, Height = 64, Width = 96)]
[ResNet(Depth = 50)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet50;

[VisionModel(Channels = 3, Height = 64, Width = 96, FoldBatchNorm = false)]
[ResNet(Depth = 50)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet50Unfolded;

[VisionModel(Channels = 3, Height = 96, Width = 128)]
[MobileNetV2]
[ClassifierHead(Classes = 16)]
public partial class ParityMobileNetV2;

[VisionModel(Channels = 3, Height = 96, Width = 128, FoldBatchNorm = false)]
[MobileNetV2]
[ClassifierHead(Classes = 16)]
public partial class ParityMobileNetV2Unfolded;

[VisionModel(Channels = 3, Height = 65, Width = 97)]
[ResNet(Depth = 34)]
[ClassifierHead(Classes = 7)]
public partial class ParityResNet34Odd;

[VisionModel(Channels = 3, Height = 71, Width = 89)]
[MobileNetV2(WidthMultiplier = 0.75f)]
[ClassifierHead(Classes = 5)]
public partial class ParityMobileNetV2W075;

[VisionModel(Channels = 3, Height = 64, Width = 64)]
[MobileNetV2(WidthMultiplier = 1.4f)]
[ClassifierHead(Classes = 3)]
public partial class ParityMobileNetV2W14;

[VisionModel(Channels = 3, Height = 33, Width = 47)]
[Conv2d("0", 8, 3, Padding = 1, InChannels = 3)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 16, 3, Stride = 2, Padding = 1, Bias = false)]
[BatchNorm2d("4")]
[ReLU6]
[MaxPool2d(3, Stride = 2, Padding = 1)]
[Conv2d("7", 16, 3, Padding = 2, Dilation = 2, Groups = 16, Bias = false)]
[BatchNorm2d("8")]
[ReLU]
[Conv2d("10", 24, 1, Groups = 8)]
[ReLU]
[AvgPool2d(2, Stride = 2, Padding = 1)]
[Flatten]
[Linear("14", 32, InFeatures = 840)]
[ReLU]
[Linear("16", 10)]
public partial class ParityCustomStack;

[VisionModel(Channels = 3, Height = 33, Width = 47, FoldBatchNorm = false)]
[Conv2d("0", 8, 3, Padding = 1, InChannels = 3)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 16, 3, Stride = 2, Padding = 1, Bias = false)]
[BatchNorm2d("4")]
[ReLU6]
[MaxPool2d(3, Stride = 2, Padding = 1)]
[Conv2d("7", 16, 3, Padding = 2, Dilation = 2, Groups = 16, Bias = false)]
[BatchNorm2d("8")]
[ReLU]
[Conv2d("10", 24, 1, Groups = 8)]
[ReLU]
[AvgPool2d(2, Stride = 2, Padding = 1)]
[Flatten]
[Linear("14", 32, InFeatures = 840)]
[ReLU]
[Linear("16", 10)]
public partial class ParityCustomStackUnfolded;

[VisionModel(Channels = 3, Height = 32, Width = 40)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet18Tiny;

[VisionModel(Channels = 3, Height = 17, Width = 23)]
[Conv2d("0", 8, 3, Padding = 1)]
[GroupNorm("1", 4)]
[ReLU]
[Conv2d("3", 16, 3, Stride = 2, Padding = 1)]
[InstanceNorm2d("4", Affine = true)]
[ReLU6]
[Conv2d("6", 16, 3, Padding = 1)]
[InstanceNorm2d("7")]
[Conv2d("8", 12, 1)]
[LayerNorm("9")]
[ReLU]
[GlobalAvgPool]
[Flatten]
[Linear("13", 5)]
public partial class ParityNormStack;

// ParityResNet18 keeping its weights at about their size in the file (no Winograd-transformed copies): LoadMemoryTests.
[VisionModel(Channels = 3, Height = 96, Width = 128, WeightMemory = WeightMemory.Compact)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 16)]
public partial class ParityResNet18Compact;
