// Shared between VisionGen.Runtime and VisionGen.Generators (linked into the generator project): the anchor sizes
// torchvision's detection heads use, written once; the generator bakes them into literals, the runtime exposes them.
using System.ComponentModel;

namespace VisionGen.Ops
{
    /// <summary>torchvision's default anchor sizes for RetinaNet and FCOS. For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class AnchorLayout
    {
        /// <summary>RetinaNet's base size of pyramid level <paramref name="level"/> (32 · 2^level: 32 … 512).</summary>
        public static int RetinaNetBase(int level) => 32 << level;

        /// <summary>FCOS's anchor size of pyramid level <paramref name="level"/> (8 · 2^level: 8 … 128).</summary>
        public static int FcosBase(int level) => 8 << level;

        /// <summary>
        /// RetinaNet's three sizes per level, as torchvision's <c>retinanet._default_anchorgen</c>: (x, int(x·2^(1/3)),
        /// int(x·2^(2/3))), truncated to integers, e.g. (32, 40, 50) and (512, 645, 812).
        /// </summary>
        public static float[] RetinaNetSizes(int x) =>
            new[] { (float)x, (float)System.Math.Truncate(x * System.Math.Pow(2.0, 1.0 / 3)), (float)System.Math.Truncate(x * System.Math.Pow(2.0, 2.0 / 3)) };
    }
}
