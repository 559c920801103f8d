// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project): the generator reads
// [FpnNeck(ExtraBlocks = ...)] as this enum, not as a number.
namespace VisionGen
{
    /// <summary>Extra pyramid levels after the FPN outputs (torchvision's <c>extra_blocks</c>).</summary>
    public enum FpnExtra
    {
        /// <summary>torchvision's default for the declared head: P6/P7 for RetinaNet and FCOS on a ResNet, max-pool otherwise.</summary>
        Default,
        /// <summary>No extra level.</summary>
        None,
        /// <summary><c>LastLevelMaxPool</c>: max_pool2d(P_last, 1, 2, 0) as one more level.</summary>
        MaxPool,
        /// <summary><c>LastLevelP6P7</c> on P5: P6 = conv3x3/2(P5), P7 = conv3x3/2(relu(P6)).</summary>
        P6P7,
    }
}
