namespace VisionGen.Tests.Detection;

// Faster R-CNN declared as a user would, matching scripts/fixtures/make_faster_rcnn_fixtures.py.

/// <summary>torchvision's fasterrcnn_mobilenet_v3_large_fpn (num_classes=5) at 128x160.</summary>
[VisionModel(Channels = 3, Height = 128, Width = 160)]
[MobileNetV3]
[FpnNeck]
[FasterRcnnHead(Classes = 5)]
public partial class ParityFasterRcnnMobile;

/// <summary>torchvision's fasterrcnn_resnet50_fpn (num_classes=4) at 96x128.</summary>
[VisionModel(Channels = 3, Height = 96, Width = 128)]
[ResNet(Depth = 50)]
[FpnNeck]
[FasterRcnnHead(Classes = 4)]
public partial class ParityFasterRcnn;

/// <summary>A small Faster R-CNN (mobilenet_v3_large ×0.5, 16-channel FPN, 32-wide box head, 50/20 proposals) at 64x96, for the GPU runner.</summary>
[VisionModel(Channels = 3, Height = 64, Width = 96)]
[MobileNetV3(WidthMultiplier = 0.5f)]
[FpnNeck(OutChannels = 16)]
[FasterRcnnHead(Classes = 3, RepresentationSize = 32, RpnPreNmsTopN = 50, RpnPostNmsTopN = 20)]
public partial class ParityFasterRcnnTiny;
