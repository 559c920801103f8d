using VisionGen;
using VisionGen.Imaging;
using static VisionGen.Nn;

namespace FashionSegmentation;

/// <summary>
/// The U-Net trained by scripts/train_fashion_segmentation.py, ported line by line from its <c>forward()</c>: five
/// encoder levels (64×96 down to 4×6), three ConvTranspose2d(k2, s2) ups and a bilinear ×2 up, skips joined with
/// torch.cat, and a 1×1 head giving 11 logits per pixel (background and the 10 Fashion-MNIST classes).
/// Weight names are the state_dict's (enc1.0.weight, enc1.1.running_mean, up3.weight, head.bias, ...).
/// </summary>
[VisionModel(Channels = 1, Height = 64, Width = 96)]
[ImageInput(Fit = ImageFit.Stretch)]   // pixels / 255, as the training script feeds the canvases
[ClassNames("background", "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")]
public sealed partial class UNetFashion
{
    /// <summary>Labels per pixel: 0 background, 1 + Fashion-MNIST class.</summary>
    public const int Labels = 11;

    static Tensor Forward(Tensor x)
    {
        var e1 = Block(x, "enc1", 8);
        var e2 = Block(MaxPool2d(e1, 2), "enc2", 16);
        var e3 = Block(MaxPool2d(e2, 2), "enc3", 32);
        var e4 = Block(MaxPool2d(e3, 2), "enc4", 64);
        var e5 = Block(MaxPool2d(e4, 2), "enc5", 64);
        var d4 = Block(Cat(ConvTranspose2d(e5, "up4", 64, 2, stride: 2), e4), "dec4", 64);
        var d3 = Block(Cat(ConvTranspose2d(d4, "up3", 32, 2, stride: 2), e3), "dec3", 32);
        var d2 = Block(Cat(ConvTranspose2d(d3, "up2", 16, 2, stride: 2), e2), "dec2", 16);
        var d1 = Block(Cat(Interpolate(d2, 2, "bilinear", alignCorners: false), e1), "dec1", 8);
        return Conv2d(d1, "head", Labels, 1);
    }

    // block(i, o) = nn.Sequential(conv, bn, relu, conv, bn, relu): ".0", ".1", ".3", ".4".
    static Tensor Block(Tensor x, string name, int channels)
    {
        x = Relu(BatchNorm2d(Conv2d(x, $"{name}.0", channels, 3, padding: 1, bias: false), $"{name}.1"));
        return Relu(BatchNorm2d(Conv2d(x, $"{name}.3", channels, 3, padding: 1, bias: false), $"{name}.4"));
    }
}
