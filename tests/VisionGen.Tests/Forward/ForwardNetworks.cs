using static VisionGen.Nn;

namespace VisionGen.Tests.Forward;

// The networks of scripts/fixtures/make_forward_fixtures.py, each ported line by line from its forward(); weight
// names are the state_dict prefixes. Fixtures: tests/fixtures/generated/{unet,yolo,se_resnet}.{safetensors,io.safetensors}.

/// <summary>
/// Python <c>UNet</c>: three encoder levels (48×64, 24×32, 12×16), a ConvTranspose2d(k2, s2) up to 1/2 and a bilinear
/// interpolate (scale 2, align_corners=False) up to full size, skips joined with torch.cat, a 1×1 head.
/// </summary>
[VisionModel(Channels = 3, Height = 48, Width = 64)]
public sealed partial class ForwardUNet
{
    static Tensor Forward(Tensor x)
    {
        var e1 = Block(x, "enc1", 8);
        var e2 = Block(MaxPool2d(e1, 2), "enc2", 16);
        var e3 = Block(MaxPool2d(e2, 2), "enc3", 32);
        var d2 = Block(Cat(ConvTranspose2d(e3, "up2", 16, 2, stride: 2), e2), "dec2", 16);
        var d1 = Block(Cat(Interpolate(d2, 2, "bilinear", alignCorners: false), e1), "dec1", 8);
        return Conv2d(d1, "head", 4, 1);
    }

    // conv_bn_relu_block: nn.Sequential(conv, bn, relu, conv, bn, relu) -> ".0", ".1", ".3", ".4".
    static Tensor Block(Tensor x, string name, int channels)
    {
        x = Relu(BatchNorm2d(Conv2d(x, $"{name}.0", channels, 3, padding: 1, bias: false), $"{name}.1"));
        return Relu(BatchNorm2d(Conv2d(x, $"{name}.3", channels, 3, padding: 1, bias: false), $"{name}.4"));
    }
}

/// <summary>
/// Python <c>Yolo</c>: a YOLOv8 layer list (ultralytics names model.0 … model.22) — Conv, C2f, SPPF, a PAN neck and the
/// Detect head with reg_max 16 and 5 classes. Outputs: the three levels [1, 69, H/8, W/8], [1, 69, H/16, W/16],
/// [1, 69, H/32, W/32], and the DFL-decoded box distances of the stride-8 level [1, 4, 96].
/// </summary>
[VisionModel(Channels = 3, Height = 64, Width = 96)]
public sealed partial class ForwardYolo
{
    const int RegMax = 16;
    const int Classes = 5;

    static (Tensor, Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        x = Conv(x, "model.0", 8, 3, 2);                                      // P1/2
        x = Conv(x, "model.1", 16, 3, 2);                                     // P2/4
        x = C2f(x, "model.2", 16, 1, true);
        x = Conv(x, "model.3", 32, 3, 2);                                     // P3/8
        var p3 = C2f(x, "model.4", 32, 2, true);
        x = Conv(p3, "model.5", 64, 3, 2);                                    // P4/16
        var p4 = C2f(x, "model.6", 64, 1, true);
        x = Conv(p4, "model.7", 64, 3, 2);                                    // P5/32
        x = C2f(x, "model.8", 64, 1, true);
        var p5 = Sppf(x, "model.9", 64);

        // model.10 nn.Upsample(scale_factor=2, mode="nearest"), model.11 Concat, ...
        var h12 = C2f(Cat(Interpolate(p5, 2, "nearest"), p4), "model.12", 64, 1, false);
        var n3 = C2f(Cat(Interpolate(h12, 2, "nearest"), p3), "model.15", 32, 1, false);
        var n4 = C2f(Cat(Conv(n3, "model.16", 32, 3, 2), h12), "model.18", 64, 1, false);
        var n5 = C2f(Cat(Conv(n4, "model.19", 64, 3, 2), p5), "model.21", 64, 1, false);

        // Detect: c2 = max(16, ch[0] / 4, 4 * reg_max) = 64, c3 = max(ch[0], min(nc, 100)) = 32.
        var levels = new[] { n3, n4, n5 };
        for (int i = 0; i < 3; i++)
        {
            var box = Conv2d(Conv(Conv(levels[i], $"model.22.cv2.{i}.0", 64, 3, 1), $"model.22.cv2.{i}.1", 64, 3, 1), $"model.22.cv2.{i}.2", 4 * RegMax, 1);
            var cls = Conv2d(Conv(Conv(levels[i], $"model.22.cv3.{i}.0", 32, 3, 1), $"model.22.cv3.{i}.1", 32, 3, 1), $"model.22.cv3.{i}.2", Classes, 1);
            levels[i] = Cat(box, cls);
        }
        return (levels[0], levels[1], levels[2], Dfl(levels[0]));
    }

    // ultralytics Conv: Conv2d(k, s, padding k / 2, bias=False) + BatchNorm2d(eps=1e-3) + SiLU.
    static Tensor Conv(Tensor x, string name, int channels, int kernel, int stride) =>
        Silu(BatchNorm2d(Conv2d(x, $"{name}.conv", channels, kernel, stride: stride, padding: kernel / 2, bias: false), $"{name}.bn", eps: 1e-3f));

    static Tensor Bottleneck(Tensor x, string name, int channels, bool shortcut)
    {
        var y = Conv(Conv(x, $"{name}.cv1", channels, 3, 1), $"{name}.cv2", channels, 3, 1);
        if (shortcut) return x + y;
        return y;
    }

    // y = list(cv1(x).chunk(2, 1)); y.extend(m(y[-1]) for m in self.m); return cv2(cat(y, 1))
    static Tensor C2f(Tensor x, string name, int channels, int n, bool shortcut)
    {
        int c = channels / 2;
        var halves = Chunk(Conv(x, $"{name}.cv1", 2 * c, 1, 1), 2, 1);
        var y = new Tensor[2 + n];
        y[0] = halves[0];
        y[1] = halves[1];
        for (int i = 0; i < n; i++) y[2 + i] = Bottleneck(y[1 + i], $"{name}.m.{i}", c, shortcut);
        return Conv(Cat(y), $"{name}.cv2", channels, 1, 1);
    }

    // y = [cv1(x)]; y.extend(m(y[-1]) for _ in range(3)); return cv2(cat(y, 1)), m = MaxPool2d(5, 1, 2)
    static Tensor Sppf(Tensor x, string name, int channels)
    {
        var y = new Tensor[4];
        y[0] = Conv(x, $"{name}.cv1", x.Channels / 2, 1, 1);
        for (int i = 1; i < 4; i++) y[i] = MaxPool2d(y[i - 1], 5, stride: 1, padding: 2);
        return Conv(Cat(y), $"{name}.cv2", channels, 1, 1);
    }

    // box, cls = x.view(b, no, -1).split((4 * reg_max, nc), 1); DFL: conv(box.view(b, 4, 16, a).transpose(2, 1).softmax(1)).view(b, 4, a)
    static Tensor Dfl(Tensor level)
    {
        var box = Split(Reshape(level, level.Batch, 4 * RegMax + Classes, -1), new[] { 4 * RegMax, Classes }, 1)[0];
        int anchors = box.Size(2);
        var probabilities = Softmax(Transpose(Reshape(box, box.Batch, 4, RegMax, anchors), 2, 1), 1);
        return Reshape(Conv2d(probabilities, "model.22.dfl.conv", 1, 1, bias: false), box.Batch, 4, anchors);
    }
}

/// <summary>
/// Python <c>SeResNet</c> (batch 4): a SiLU stem, three stages of squeeze-excitation basic blocks (layer2 with a strided
/// 1×1 downsample, layer3 with a stride-1 1×1 projection and Hardswish), global average pool, dropout and a linear
/// classifier for 10 classes.
/// </summary>
[VisionModel(Batch = 4, Channels = 3, Height = 40, Width = 56)]
public sealed partial class ForwardSeResNet
{
    static Tensor Forward(Tensor x)
    {
        x = Silu(BatchNorm2d(Conv2d(x, "stem.0", 16, 3, stride: 2, padding: 1, bias: false), "stem.1"));
        x = Stage(x, "layer1", 16, 1, 1, false);
        x = Stage(x, "layer2", 32, 2, 2, false);
        x = Stage(x, "layer3", 48, 2, 1, true);
        x = Flatten(AdaptiveAvgPool2d(x, 1), 1);
        return Linear(Dropout(x, 0.2f), "fc", 10);
    }

    // make_stage: the first block takes the stride (and any channel change), the rest keep the shape.
    static Tensor Stage(Tensor x, string name, int channels, int blocks, int stride, bool hardswish)
    {
        for (int i = 0; i < blocks; i++) x = Block(x, $"{name}.{i}", channels, i == 0 ? stride : 1, hardswish);
        return x;
    }

    static Tensor Block(Tensor x, string name, int channels, int stride, bool hardswish)
    {
        var identity = x;
        if (stride != 1 || x.Channels != channels)
        {
            identity = BatchNorm2d(Conv2d(x, $"{name}.downsample.0", channels, 1, stride: stride, bias: false), $"{name}.downsample.1");
        }
        var y = Activation(BatchNorm2d(Conv2d(x, $"{name}.conv1", channels, 3, stride: stride, padding: 1, bias: false), $"{name}.bn1"), hardswish);
        y = SqueezeExcitation(BatchNorm2d(Conv2d(y, $"{name}.conv2", channels, 3, padding: 1, bias: false), $"{name}.bn2"), $"{name}.se", channels / 4);
        return Activation(y + identity, hardswish);
    }

    static Tensor Activation(Tensor x, bool hardswish)
    {
        if (hardswish) return Hardswish(x);
        return Relu(x);
    }

    // s = sigmoid(fc2(relu(fc1(adaptive_avg_pool2d(x, 1))))); return x * s
    static Tensor SqueezeExcitation(Tensor x, string name, int squeeze)
    {
        var s = AdaptiveAvgPool2d(x, 1);
        s = Sigmoid(Conv2d(Relu(Conv2d(s, $"{name}.fc1", squeeze, 1)), $"{name}.fc2", x.Channels, 1));
        return Mul(x, s);
    }
}
