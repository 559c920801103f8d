using Microsoft.CodeAnalysis;

namespace VisionGen.Generators
{
    /// <summary>Every diagnostic the model generator reports (VG0001…). One id per kind of mistake.</summary>
    internal static class Diagnostics
    {
        private const string Category = "VisionGen";

        public static readonly DiagnosticDescriptor NotPartial = Error("VG0001",
            "Model class must be partial",
            "'{0}' has [VisionModel] but is not declared partial; add the 'partial' modifier so VisionGen can add the generated inference code");

        public static readonly DiagnosticDescriptor UnsupportedDepth = Error("VG0002",
            "Unsupported ResNet depth",
            "ResNet depth {0} is not supported; use 18, 34, 50, 101 or 152");

        public static readonly DiagnosticDescriptor NonPositive = Error("VG0003",
            "Size must be positive",
            "{0} must be positive, but it is {1}");

        public static readonly DiagnosticDescriptor KernelTooLarge = Error("VG0004",
            "Kernel larger than its padded input",
            "{0}: the {1}x{1} window (dilation {2}) does not fit the padded {3}x{4} input (padding {5}); use a smaller kernel or more padding");

        public static readonly DiagnosticDescriptor SpatialZero = Error("VG0005",
            "Spatial size reaches zero",
            "The {0}x{1} input is too small for this network: the layers before {2} shrink it until {2}'s window no longer fits and its output size would reach zero; use a larger input");

        public static readonly DiagnosticDescriptor ChannelMismatch = Error("VG0006",
            "Channel mismatch",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor LinearMismatch = Error("VG0007",
            "Linear input-size mismatch",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor HeadWithoutBackbone = Error("VG0008",
            "Head without a backbone",
            "{0} needs a backbone: add [ResNet], [MobileNetV2] or custom layers such as [Conv2d]");

        public static readonly DiagnosticDescriptor TwoBackbones = Error("VG0009",
            "More than one backbone",
            "'{0}' declares {1}; declare exactly one backbone ([ResNet], [MobileNetV2] or a custom stack of layer attributes)");

        public static readonly DiagnosticDescriptor EmptyModel = Error("VG0010",
            "Model declares no layers",
            "'{0}' has [VisionModel] but declares no network; add a 'static Tensor Forward(Tensor x)' method, or [ResNet], [MobileNetV2] or layer attributes such as [Conv2d]");

        public static readonly DiagnosticDescriptor UnsupportedClass = Error("VG0011",
            "Unsupported model class",
            "'{0}' cannot be a VisionGen model: {1}");

        public static readonly DiagnosticDescriptor DuplicatePrefix = Error("VG0012",
            "Duplicate weight prefix",
            "Two layers bind the weight prefix '{0}'; each weight-bearing layer needs its own state_dict prefix");

        public static readonly DiagnosticDescriptor PaddingTooLarge = Error("VG0013",
            "Pool padding too large",
            "{0}: padding {1} is more than half the kernel size {2}, which PyTorch rejects");

        public static readonly DiagnosticDescriptor Negative = Error("VG0014",
            "Size must not be negative",
            "{0} must not be negative, but it is {1}");

        public static readonly DiagnosticDescriptor TensorTooLarge = Error("VG0015",
            "Tensor too large",
            "{0}: a {1} tensor is too large (over 2^31 bytes); use a smaller input or fewer channels");

        public static readonly DiagnosticDescriptor TwoHeads = Error("VG0016",
            "More than one head",
            "'{0}' declares {1}; declare exactly one head");

        public static readonly DiagnosticDescriptor HeadNeedsNeck = Error("VG0017",
            "Detection head without a neck",
            "{0} reads pyramid levels: add [FpnNeck] or [BiFpn] between the backbone and the head");

        public static readonly DiagnosticDescriptor NeckNeedsDetectionHead = Error("VG0018",
            "Neck without a detection head",
            "{0} produces pyramid levels for a detection head: add [RetinaNetHead] or [FcosHead] ([FasterRcnnHead] after [FpnNeck]), or remove the neck");

        public static readonly DiagnosticDescriptor NeckStages = Error("VG0019",
            "Neck fed by stages the backbone lacks",
            "{0}");

        public static readonly DiagnosticDescriptor OutOfRange = Error("VG0020",
            "Value out of range",
            "{0} must be {1}");

        public static readonly DiagnosticDescriptor AnchorLevels = Error("VG0021",
            "Anchor sizes do not match the pyramid",
            "{0} declares {1} anchor sizes, but the neck produces {2} levels; give one size per level");

        public static readonly DiagnosticDescriptor ShapeMismatch = Error("VG0022",
            "Shapes do not fit together",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor ForwardUnsupported = Error("VG0023",
            "Not supported in Forward",
            "'{0}': {1}. Forward is evaluated at build time: use locals, helper methods of the class, loops and ifs over constants, and VisionGen.Nn ops");

        public static readonly DiagnosticDescriptor ForwardSignature = Error("VG0024",
            "Forward has the wrong signature",
            "Forward cannot describe the network: {0}. Declare it as 'static Tensor Forward(Tensor x)', or return a tuple of tensors for several outputs");

        public static readonly DiagnosticDescriptor ForwardAndAttributes = Error("VG0025",
            "Network declared twice",
            "'{0}' declares both a Forward method and {1}; declare the network one way");

        public static readonly DiagnosticDescriptor InternalError = Error("VG0026",
            "VisionGen could not generate this model",
            "VisionGen failed on '{0}' ({1}); this is a bug in VisionGen, please report it. Other models are generated as usual");

        public static readonly DiagnosticDescriptor YoloHead = Error("VG0027",
            "YOLO head does not fit the network",
            "[YoloHead]: {0}");

        public static DiagnosticDescriptor ById(string id)
        {
            switch (id)
            {
                case "VG0022": return ShapeMismatch;
                case "VG0023": return ForwardUnsupported;
                case "VG0024": return ForwardSignature;
                case "VG0025": return ForwardAndAttributes;
                case "VG0026": return InternalError;
                case "VG0027": return YoloHead;
                case "VG0001": return NotPartial;
                case "VG0002": return UnsupportedDepth;
                case "VG0003": return NonPositive;
                case "VG0004": return KernelTooLarge;
                case "VG0005": return SpatialZero;
                case "VG0006": return ChannelMismatch;
                case "VG0007": return LinearMismatch;
                case "VG0008": return HeadWithoutBackbone;
                case "VG0009": return TwoBackbones;
                case "VG0010": return EmptyModel;
                case "VG0011": return UnsupportedClass;
                case "VG0012": return DuplicatePrefix;
                case "VG0013": return PaddingTooLarge;
                case "VG0014": return Negative;
                case "VG0015": return TensorTooLarge;
                case "VG0016": return TwoHeads;
                case "VG0017": return HeadNeedsNeck;
                case "VG0018": return NeckNeedsDetectionHead;
                case "VG0019": return NeckStages;
                case "VG0020": return OutOfRange;
                case "VG0021": return AnchorLevels;
                default: throw new System.ArgumentOutOfRangeException(nameof(id), id, "unknown diagnostic id");
            }
        }

        private static DiagnosticDescriptor Error(string id, string title, string message) =>
            new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
    }
}
