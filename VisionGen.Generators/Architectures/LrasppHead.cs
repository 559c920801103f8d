using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's Lite R-ASPP head (<c>torchvision.models.segmentation.lraspp.LRASPPHead</c>) under <c>classifier.</c>,
    /// on the "high" features (the backbone's last stage) and the "low" ones (the stage at stride 8): <c>cbr</c> (1×1 conv,
    /// batch norm, ReLU) times <c>scale</c> (global average pool, 1×1 conv without bias, sigmoid), upsampled bilinearly to
    /// the low features' size, through <c>high_classifier</c>, plus <c>low_classifier</c> on the low features.
    /// </summary>
    internal static class LrasppHead
    {
        public static string? Build(NetBuilder b, string? low, string? high, int classes, int inter, LocationInfo? at)
        {
            if (low is null || high is null) return null;
            Shape lowShape = b.ShapeOf(low);
            string? x = Blocks.ConvBnAct(b, high, "classifier.cbr.0", "classifier.cbr.1", inter, 1, 1, 0, 1, ActivationKind.Relu, at);
            b.At(at, "[LrasppHead] scale");
            string? s = b.Apply(new AdaptivePool2dOp(Max: false, 1, 1), "classifier.scale.0", high);
            s = Blocks.Conv(b, s, "classifier.scale.1", inter, 1, bias: false, at: at);
            s = Blocks.Activation(b, s, ActivationKind.Sigmoid, "classifier.scale.2");
            b.At(at, "[LrasppHead] cbr * scale");
            x = b.Apply(new BinaryOp(Multiply: true), "classifier.cbr_scaled", s, x);
            x = Blocks.ResizeBilinear(b, x, lowShape.H, lowShape.W, "classifier.upsample", at, "[LrasppHead] upsample");
            // The high branch first, so the low classifier can add it in its output pass.
            string? highLogits = Blocks.Conv(b, x, "classifier.high_classifier", classes, 1, at: at);
            string? lowLogits = Blocks.Conv(b, low, "classifier.low_classifier", classes, 1, at: at);
            return Blocks.Add(b, lowLogits, highLogits, "classifier.logits", at, "[LrasppHead] low + high");
        }
    }
}
