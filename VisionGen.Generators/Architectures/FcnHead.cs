using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// torchvision's FCN head (<c>torchvision.models.segmentation.fcn.FCNHead</c>) under <c>classifier.</c>: a 3×3 conv
    /// (<c>classifier.0</c>, padding 1, no bias) to a quarter of the input channels, batch norm (<c>classifier.1</c>), ReLU,
    /// dropout (the identity at inference) and the 1×1 conv to the classes (<c>classifier.4</c>). Also the auxiliary
    /// classifier of the DeepLabV3 and FCN builders, which inference never runs (<see cref="AllowUnread"/>).
    /// </summary>
    internal static class FcnHead
    {
        public static string? Build(NetBuilder b, string? x, int classes, LocationInfo? at)
        {
            if (x is null) return null;
            int inter = b.ShapeOf(x).C / 4;
            string? y = Blocks.ConvBnAct(b, x, "classifier.0", "classifier.1", inter, 3, 1, 1, 1, ActivationKind.Relu, at);
            return Blocks.Conv(b, y, "classifier.4", classes, 1, at: at);
        }

        /// <summary>
        /// torchvision's <c>aux_classifier</c> (an FCNHead on the backbone's auxiliary stage, <c>aux_loss=True</c> and the
        /// published weights): listed so a file holding it loads, never read.
        /// </summary>
        public static void AllowUnread(NetBuilder b, int inChannels, int classes)
        {
            int inter = inChannels / 4;
            b.AllowUnread("aux_classifier.0.weight", inter, inChannels, 3, 3);
            GoogLeNet.AllowUnreadBatchNorm(b, "aux_classifier.1", inter);
            b.AllowUnread("aux_classifier.4.weight", classes, inter, 1, 1);
            b.AllowUnread("aux_classifier.4.bias", classes);
        }
    }
}
