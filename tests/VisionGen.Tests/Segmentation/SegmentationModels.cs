namespace VisionGen.Tests.Segmentation;

// torchvision's segmentation builders declared as a user would, matching scripts/fixtures/make_segmentation_fixtures.py
// (5 classes, non-square inputs). The dilation is torchvision's by default under a segmentation head.

[VisionModel(Channels = 3, Height = 33, Width = 49)]
[ResNet(Depth = 50)]
[DeepLabV3Head(Classes = 5)]
public partial class SegDeepLabV3ResNet50;

[VisionModel(Channels = 3, Height = 35, Width = 47)]
[ResNet(Depth = 50, ReplaceStrideWithDilation = [false, true, true])]
[FcnHead(Classes = 5)]
public partial class SegFcnResNet50;

[VisionModel(Channels = 3, Height = 65, Width = 97)]
[MobileNetV3]
[DeepLabV3Head(Classes = 5)]
public partial class SegDeepLabV3MobileNetV3;

[VisionModel(Channels = 3, Height = 21, Width = 29)]
[MobileNetV3(Dilated = true)]
[DeepLabV3Head(Classes = 5)]
public partial class SegDeepLabV3MobileNetV3Tiny;

[VisionModel(Channels = 3, Height = 67, Width = 95)]
[MobileNetV3]
[LrasppHead(Classes = 5)]
public partial class SegLrasppMobileNetV3;
