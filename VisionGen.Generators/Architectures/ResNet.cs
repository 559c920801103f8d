using System.Collections.Generic;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's ResNet (<c>torchvision.models.resnet</c>): conv1/bn1/relu/maxpool, then layer1…layer4 of BasicBlock
    /// (18, 34) or Bottleneck (50, 101, 152) blocks with torchvision's state_dict names; <c>body</c> prefixes every name
    /// ("backbone.body." under a detection neck). <c>groups</c> and <c>widthPerGroup</c> are torchvision's
    /// <c>groups</c> and <c>width_per_group</c>: ResNeXt (<c>resnext50_32x4d</c>: 32 and 4) and wide ResNet
    /// (<c>wide_resnet50_2</c>: 1 and 128) change only the Bottleneck's inner width, int(planes · widthPerGroup / 64) · groups,
    /// and group its 3×3 convolution. <c>replaceStrideWithDilation</c> is torchvision's <c>replace_stride_with_dilation</c>
    /// for layer2..layer4: a flagged layer's first block keeps stride 1 (its downsample too) and the layer's dilation doubles;
    /// as in torchvision's <c>_make_layer</c>, the first block's 3×3 conv still uses the dilation before the layer's, the
    /// others the new one (Bottleneck only; the parser rejects dilation with BasicBlock).
    /// </summary>
    internal static class ResNet
    {
        /// <summary>Builds the backbone; fills <paramref name="stages"/> with layer1..layer4's outputs (keys 1..4).</summary>
        public static string? Build(NetBuilder b, string x, int depth, int groups, int widthPerGroup, bool[] replaceStrideWithDilation, string body,
            LocationInfo? at, IDictionary<int, string> stages)
        {
            int[] blocks = ResNetLayout.BlocksPerStage(depth)!;
            bool bottleneck = ResNetLayout.UsesBottleneck(depth);
            int expansion = ResNetLayout.Expansion(depth);

            string? y = Blocks.ConvBnAct(b, x, body + "conv1", body + "bn1", 64, 7, 2, 3, 1, ActivationKind.Relu, at);
            b.At(at, "[ResNet] maxpool");
            y = b.Apply(new Pool2dOp(Max: true, 3, 2, 1), body + "maxpool", y);

            int inplanes = 64, dilation = 1;
            int[] planesPerStage = { 64, 128, 256, 512 };
            for (int stage = 0; stage < 4; stage++)
            {
                int planes = planesPerStage[stage];
                int previousDilation = dilation, layerStride = stage > 0 ? 2 : 1;
                if (stage > 0 && stage - 1 < replaceStrideWithDilation.Length && replaceStrideWithDilation[stage - 1])
                {
                    dilation *= layerStride;
                    layerStride = 1;
                }
                for (int i = 0; i < blocks[stage]; i++)
                {
                    string p = $"{body}layer{stage + 1}.{i}";
                    int stride = i == 0 ? layerStride : 1;
                    int blockDilation = i == 0 ? previousDilation : dilation;
                    string? identity = y;
                    // The shortcut comes first, so the block's last conv can add it in its output pass.
                    if (i == 0 && (stride != 1 || inplanes != planes * expansion))
                        identity = Blocks.ConvBnAct(b, y, p + ".downsample.0", p + ".downsample.1", planes * expansion, 1, stride, 0, 1, ActivationKind.None, at);
                    string? main;
                    if (bottleneck)
                    {
                        // Python: width = int(planes * (base_width / 64.0)) * groups, in doubles as here.
                        int width = (int)(planes * (widthPerGroup / 64.0)) * groups;
                        main = Blocks.ConvBnAct(b, y, p + ".conv1", p + ".bn1", width, 1, 1, 0, 1, ActivationKind.Relu, at);
                        main = Blocks.ConvBnAct(b, main, p + ".conv2", p + ".bn2", width, 3, stride, blockDilation, groups, ActivationKind.Relu, at, dilation: blockDilation);
                        main = Blocks.ConvBnAct(b, main, p + ".conv3", p + ".bn3", planes * expansion, 1, 1, 0, 1, ActivationKind.None, at);
                    }
                    else
                    {
                        main = Blocks.ConvBnAct(b, y, p + ".conv1", p + ".bn1", planes, 3, stride, 1, 1, ActivationKind.Relu, at);
                        main = Blocks.ConvBnAct(b, main, p + ".conv2", p + ".bn2", planes, 3, 1, 1, 1, ActivationKind.None, at);
                    }
                    b.At(at, $"[ResNet] {p}");
                    y = b.Apply(new BinaryOp(Multiply: false), p + ".add", main, identity);
                    y = Blocks.Activation(b, y, ActivationKind.Relu, p + ".relu");
                    inplanes = planes * expansion;
                }
                if (y is null) return null;
                stages[stage + 1] = y;
            }
            return y;
        }
    }
}
