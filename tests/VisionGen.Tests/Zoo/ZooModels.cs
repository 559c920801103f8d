namespace VisionGen.Tests.Zoo;

// The backbone zoo declared as a user would, matching scripts/fixtures/make_zoo_fixtures.py (every input non-square).

[VisionModel(Channels = 3, Height = 64, Width = 96)]
[VGG(Depth = 11, BatchNorm = true)]
[ClassifierHead(Classes = 10)]
public partial class ZooVgg11Bn;

[VisionModel(Channels = 3, Height = 47, Width = 71)]
[VGG(Depth = 13)]
public partial class ZooVgg13Features;

[VisionModel(Channels = 3, Height = 48, Width = 72)]
[ResNet(Depth = 50, Groups = 32, WidthPerGroup = 4)]
[ClassifierHead(Classes = 10)]
public partial class ZooResNeXt50;

[VisionModel(Channels = 3, Height = 40, Width = 56)]
[ResNet(Depth = 50, WidthPerGroup = 128)]
[ClassifierHead(Classes = 10)]
public partial class ZooWideResNet50;

[VisionModel(Channels = 3, Height = 67, Width = 91)]
[MobileNetV3(WidthMultiplier = 0.75f)]
[ClassifierHead(Classes = 10)]
public partial class ZooMobileNetV3Large075;

[VisionModel(Channels = 3, Height = 71, Width = 89)]
[MobileNetV3(Size = MobileNetV3Size.Small, ReducedTail = true, Dilated = true)]
[ClassifierHead(Classes = 7)]
public partial class ZooMobileNetV3SmallDilated;

[VisionModel(Channels = 3, Height = 80, Width = 112)]
[EfficientNet(Variant = EfficientNetVariant.B0)]
[ClassifierHead(Classes = 10)]
public partial class ZooEfficientNetB0;

[VisionModel(Channels = 3, Height = 80, Width = 112, FoldBatchNorm = false)]
[EfficientNet]
[ClassifierHead(Classes = 10)]
public partial class ZooEfficientNetB0Unfolded;

[VisionModel(Channels = 3, Height = 33, Width = 47)]
[EfficientNet]
[ClassifierHead(Classes = 10)]
public partial class ZooEfficientNetB0Tiny;

[VisionModel(Channels = 3, Height = 48, Width = 72)]
[EfficientNetV2(Size = EfficientNetV2Size.S)]
[ClassifierHead(Classes = 10)]
public partial class ZooEfficientNetV2S;

[VisionModel(Channels = 3, Height = 65, Width = 97)]
[GoogLeNet]
[ClassifierHead(Classes = 10)]
public partial class ZooGoogLeNet;

[VisionModel(Channels = 3, Height = 65, Width = 97)]
[GoogLeNet(TransformInput = true)]
[ClassifierHead(Classes = 10)]
public partial class ZooGoogLeNetTransformInput;

[VisionModel(Channels = 3, Height = 19, Width = 31)]
[GoogLeNet(TransformInput = true)]
[ClassifierHead(Classes = 10)]
public partial class ZooGoogLeNetTiny;

[VisionModel(Channels = 3, Height = 75, Width = 83)]
[InceptionV3]
[ClassifierHead(Classes = 10)]
public partial class ZooInceptionV3;

[VisionModel(Channels = 3, Height = 83, Width = 75)]
[InceptionV3(TransformInput = true)]
[ClassifierHead(Classes = 10)]
public partial class ZooInceptionV3TransformInput;
