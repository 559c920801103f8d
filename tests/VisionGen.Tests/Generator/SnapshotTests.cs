namespace VisionGen.Tests.Generator;

/// <summary>The generated source for representative declarations, compared with approved snapshots.</summary>
public class SnapshotTests
{
    private static void VerifyModel(string source, [System.Runtime.CompilerServices.CallerMemberName] string method = "") => VerifyModel(source, withKernels: false, method);

    private static void VerifyModel(string source, bool withKernels, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        GeneratorRun run = GeneratorHarness.Run(withKernels, source);
        Assert.Empty(run.CompilationErrors);
        Assert.Empty(run.Diagnostics);
        (string hintName, string text) = Assert.Single(run.Sources);
        Snapshot.Verify(text, hintName, method: method);
    }

    [Fact]
    public void SmallCustomStack() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 1, Height = 28, Width = 28)]
        [Conv2d("0", 8, 3, Padding = 1, Bias = false)]
        [BatchNorm2d("1")]
        [ReLU]
        [MaxPool2d(2)]
        [Conv2d("4", 16, 3, Stride = 2, Padding = 1)]
        [ReLU6]
        [GlobalAvgPool]
        [Flatten]
        [Linear("8", 10)]
        public partial class TinyNet;
        """);

    [Fact]
    public void ResNet18Folded() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224)]
        [ResNet(Depth = 18)]
        [ClassifierHead(Classes = 1000)]
        public partial class ResNet18;
        """);

    [Fact]
    public void ResNet18Unfolded() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224, FoldBatchNorm = false)]
        [ResNet(Depth = 18)]
        [ClassifierHead(Classes = 1000)]
        public partial class ResNet18Unfolded;
        """);

    [Fact]
    public void MobileNetV2() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 224, Width = 224)]
        [MobileNetV2(WidthMultiplier = 1.0f)]
        [ClassifierHead(Classes = 1000)]
        internal partial class MobileNet;
        """);

    [Fact]
    public void FcosMobileNetFpn() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 64)]
        [MobileNetV2(WidthMultiplier = 0.5f)]
        [FpnNeck(OutChannels = 32, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
        [FcosHead(Classes = 3)]
        public partial class TinyFcos;
        """);

    /// <summary>A network declared with Forward, with its GPU runner (the app references VisionGen.Kernels).</summary>
    [Fact]
    public void ForwardUNetCpuAndGpu() => VerifyModel("""
        using VisionGen;
        using static VisionGen.Nn;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 32, Width = 48)]
        public sealed partial class TinyUNet
        {
            static Tensor Forward(Tensor x)
            {
                var e1 = ConvBnRelu(x, "enc1", 16);
                var e2 = ConvBnRelu(MaxPool2d(e1, 2), "enc2", 32);
                var up = ConvTranspose2d(e2, "up", 16, 2, stride: 2);
                var d1 = ConvBnRelu(Cat(up, Interpolate(e2, scale: 2), e1), "dec1", 16);
                return Conv2d(d1, "head", 3, kernel: 1);
            }

            static Tensor ConvBnRelu(Tensor x, string name, int channels) =>
                Relu(BatchNorm2d(Conv2d(x, $"{name}.0", channels, 3, padding: 1, bias: false), $"{name}.1"));
        }
        """, withKernels: true);

    /// <summary>The GPU runner of an attribute-declared detector (several outputs, shared head weights).</summary>
    [Fact]
    public void FcosGpuRunner() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 64)]
        [MobileNetV2(WidthMultiplier = 0.5f)]
        [FpnNeck(OutChannels = 32, Stages = [2, 3, 4], ExtraBlocks = FpnExtra.P6P7)]
        [FcosHead(Classes = 3)]
        public partial class TinyFcosGpu;
        """, withKernels: true);

    /// <summary>A two-stage detector: Faster R-CNN's RPN head in the graph, the second stage (FasterRcnnHeads) after it, CPU and GPU runner.</summary>
    [Fact]
    public void FasterRcnnCpuAndGpu() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 96)]
        [MobileNetV3(WidthMultiplier = 0.5f)]
        [FpnNeck(OutChannels = 16)]
        [FasterRcnnHead(Classes = 3, RepresentationSize = 32, RpnPreNmsTopN = 50, RpnPostNmsTopN = 20)]
        public partial class TinyFasterRcnn;
        """, withKernels: true);

    /// <summary>A YOLO head on a Forward network, CPU and GPU runner (outputs read in place, packed on the host for the GPU).</summary>
    [Fact]
    public void YoloHeadCpuAndGpu() => VerifyModel("""
        using VisionGen;
        using static VisionGen.Nn;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 32, Width = 48)]
        [YoloHead(Classes = 2, RegMax = 4)]
        public sealed partial class TinyYolo
        {
            static (Tensor, Tensor) Forward(Tensor x)
            {
                var p3 = Silu(Conv2d(x, "stem", 8, 3, stride: 8, padding: 1));
                var p4 = Silu(Conv2d(p3, "down", 8, 3, stride: 2, padding: 1));
                return (Cat(Conv2d(p3, "box.0", 16, 1), Conv2d(p3, "cls.0", 2, 1)), Cat(Conv2d(p4, "box.1", 16, 1), Conv2d(p4, "cls.1", 2, 1)));
            }
        }
        """, withKernels: true);

    /// <summary>A BiFPN neck (fusion weights normalized at load, swish fused into the weighted sum) with its GPU runner.</summary>
    [Fact]
    public void BiFpnRetinaNetCpuAndGpu() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 45, Width = 61)]
        [ResNet(Depth = 18)]
        [BiFpn(Channels = 16, Repeats = 1, Levels = 4)]
        [RetinaNetHead(Classes = 2)]
        public partial class TinyBiFpn;
        """, withKernels: true);

    /// <summary>torchvision's SSD300-VGG16 declared by one attribute: VGG extractor with the conv4_3 L2 norm, extra blocks, SSDHead, default boxes, CPU and GPU.</summary>
    [Fact]
    public void Ssd300CpuAndGpu() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 300, Width = 300)]
        [Ssd300Vgg16(Classes = 21)]
        public partial class Ssd300Voc;
        """, withKernels: true);

    // One snapshot per torchvision backbone family of the zoo (the whole classifier, CPU class only, small inputs).

    /// <summary>VGG-11 with batch norm: adaptive 7×7 pooling and the three-layer classifier.</summary>
    [Fact]
    public void ZooVgg11Bn() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 64, Width = 96)]
        [VGG(Depth = 11, BatchNorm = true)]
        [ClassifierHead(Classes = 10)]
        public partial class Vgg11Bn;
        """);

    /// <summary>ResNeXt-50 32×4d: grouped 3×3 convolutions in the bottlenecks.</summary>
    [Fact]
    public void ZooResNeXt50() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 48, Width = 72)]
        [ResNet(Depth = 50, Groups = 32, WidthPerGroup = 4)]
        [ClassifierHead(Classes = 10)]
        public partial class ResNeXt50;
        """);

    /// <summary>MobileNetV3-Small: hardswish, squeeze-excitation with hardsigmoid, the two-layer classifier.</summary>
    [Fact]
    public void ZooMobileNetV3Small() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 71, Width = 89)]
        [MobileNetV3(Size = MobileNetV3Size.Small)]
        [ClassifierHead(Classes = 10)]
        public partial class MobileNetV3Small;
        """);

    /// <summary>EfficientNet-B0: MBConv with SiLU and squeeze-excitation, stochastic depth as the identity.</summary>
    [Fact]
    public void ZooEfficientNetB0() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 80, Width = 112)]
        [EfficientNet(Variant = EfficientNetVariant.B0)]
        [ClassifierHead(Classes = 10)]
        public partial class EfficientNetB0;
        """);

    /// <summary>GoogLeNet: inception blocks joined by concatenation in place, transform_input on.</summary>
    [Fact]
    public void ZooGoogLeNet() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 65, Width = 97)]
        [GoogLeNet(TransformInput = true)]
        [ClassifierHead(Classes = 10)]
        public partial class GoogLeNetNet;
        """);

    /// <summary>Inception v3 at the smallest input torchvision allows.</summary>
    [Fact]
    public void ZooInceptionV3() => VerifyModel("""
        using VisionGen;
        namespace Demo;
        [VisionModel(Channels = 3, Height = 75, Width = 83)]
        [InceptionV3]
        [ClassifierHead(Classes = 10)]
        public partial class InceptionV3Net;
        """);
}
