using VisionGen;

namespace VisionGen.Bench.Networks;

// The benchmark networks: torchvision defaults at 224x224, 1000 classes. Weights and the ONNX export of the
// same weights come from scripts/export_bench_models.py (written to bench/models/, git-ignored).

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class BenchResNet18;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 50)]
[ClassifierHead(Classes = 1000)]
public partial class BenchResNet50;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[MobileNetV2]
[ClassifierHead(Classes = 1000)]
public partial class BenchMobileNetV2;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[MobileNetV3(Size = MobileNetV3Size.Large)]
[ClassifierHead(Classes = 1000)]
public partial class BenchMobileNetV3Large;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[EfficientNet(Variant = EfficientNetVariant.B0)]
[ClassifierHead(Classes = 1000)]
public partial class BenchEfficientNetB0;

// ResNet-18 keeping its weights at about their size in the file (-- loadmem resnet18 compares the two settings).
[VisionModel(Channels = 3, Height = 224, Width = 224, WeightMemory = WeightMemory.Compact)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class BenchResNet18Compact;

// torchvision's deeplabv3_mobilenet_v3_large (21 classes, main output at input size).
[VisionModel(Channels = 3, Height = 224, Width = 224)]
[MobileNetV3]
[DeepLabV3Head(Classes = 21)]
public partial class BenchDeepLabV3MobileNetV3;

// The FashionDetection sample's detector (samples/FashionDetection/FashionDetector.cs), declared the same way; its
// committed weights, ONNX graph of its heads in bench/models/fcos_fashion.onnx (-- profile fcos beside -- ortprofile fcos_fashion).
[VisionModel(Channels = 3, Height = 128, Width = 128)]
[MobileNetV2(WidthMultiplier = 0.5f)]
[FpnNeck(OutChannels = 64, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
[FcosHead(Classes = 10)]
public partial class BenchFcos;
