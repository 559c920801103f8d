namespace VisionGen.Tests.Detection;

// Detection networks declared as a user would, matching scripts/fixtures/make_detection_model_fixtures.py.

[VisionModel(Channels = 3, Height = 128, Width = 160)]
[ResNet(Depth = 50)]
[FpnNeck]
[RetinaNetHead(Classes = 5)]
public partial class ParityRetinaNet;

[VisionModel(Channels = 3, Height = 96, Width = 128)]
[MobileNetV2]
[FpnNeck]
[RetinaNetHead(Classes = 3, AnchorSizes = [32, 64, 128])]
public partial class ParityRetinaNetMobile;

[VisionModel(Channels = 3, Height = 128, Width = 160)]
[ResNet(Depth = 50)]
[FpnNeck]
[FcosHead(Classes = 4)]
public partial class ParityFcos;
