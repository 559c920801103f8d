namespace VisionGen.Tests.Detection;

// EfficientDet-style detectors declared as a user would, matching scripts/fixtures/make_bifpn_fixtures.py (odd, non-square inputs).

[VisionModel(Channels = 3, Height = 97, Width = 131)]
[EfficientNet(Variant = EfficientNetVariant.B0)]
[BiFpn(Channels = 64, Repeats = 3)]
[RetinaNetHead(Classes = 4)]
public partial class BiFpnEfficientDet;

/// <summary>A light one (MobileNetV3-Small, width 16, two blocks) at 33×47, also run by the GPU runner on ILGPU's CPU accelerator.</summary>
[VisionModel(Channels = 3, Height = 33, Width = 47)]
[MobileNetV3(Size = MobileNetV3Size.Small)]
[BiFpn(Channels = 16, Repeats = 2, Levels = 5, Eps = 1e-3f)]
[RetinaNetHead(Classes = 3)]
public partial class BiFpnMobileNetTiny;

/// <summary>VGG's 2×2 pools floor (75×99 gives P3 9×12, P4 4×6, P5 2×3), so every downsampling is resized to the coarser level.</summary>
[VisionModel(Channels = 3, Height = 75, Width = 99)]
[VGG(Depth = 11)]
[BiFpn(Channels = 16, Repeats = 1, Levels = 4)]
[RetinaNetHead(Classes = 2)]
public partial class BiFpnVgg;
