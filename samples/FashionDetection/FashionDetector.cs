using VisionGen;
using VisionGen.Imaging;

namespace FashionDetection;

/// <summary>
/// The FCOS detector trained by scripts/train_fashion_detector.py: torchvision's MobileNetV2 (width 0.5) feature
/// extractor, an FPN over stages 2–4 with P6/P7, and an FCOS head for the 10 Fashion-MNIST classes.
/// Weight names are torchvision's (backbone.body.*, backbone.fpn.*, head.*).
/// </summary>
[VisionModel(Channels = 3, Height = 128, Width = 128)]
[MobileNetV2(WidthMultiplier = 0.5f)]
[FpnNeck(OutChannels = 64, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
[FcosHead(Classes = 10)]
[ImageInput(Fit = ImageFit.Stretch)]   // the gray canvas replicated to RGB, / 255, as the training script feeds it
public partial class FashionDetector;
