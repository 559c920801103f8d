using System.Collections.Generic;
using System.Linq;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Architectures
{
    /// <summary>
    /// What torchvision's RetinaNet and FCOS heads share: the head convolutions are applied to every pyramid level with
    /// the same weights, and each level's map is laid out as torchvision's <c>permute(0, 2, 3, 1).reshape(N, −1, K)</c>
    /// and concatenated over the levels into one output (each level's channels-last result is written straight into
    /// its slice). Also the anchor layout <c>Detect</c> decodes against.
    /// </summary>
    internal static class DetectionHead
    {
        /// <summary>Checks the declaration against the pyramid, then describes the anchors; null after reporting.</summary>
        public static DetectionSpec? Describe(NetBuilder b, List<string> levels, DetectionHeadSpec head, bool fcos, LocationInfo? at)
        {
            string label = fcos ? "[FcosHead]" : "[RetinaNetHead]";
            b.At(at, label);
            if (head.AnchorSizes.Length > 0 && head.AnchorSizes.Length != levels.Count)
            {
                b.Check.Report(Diagnostics.AnchorLevels, label, head.AnchorSizes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    levels.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return null;
            }
            var anchorLevels = new List<AnchorLevel>();
            for (int l = 0; l < levels.Count; l++)
            {
                Shape s = b.ShapeOf(levels[l]);
                int x = head.AnchorSizes.Length > 0 ? head.AnchorSizes[l] : fcos ? AnchorLayout.FcosBase(l) : AnchorLayout.RetinaNetBase(l);
                float[] sizes = fcos ? new[] { (float)x } : AnchorLayout.RetinaNetSizes(x);
                anchorLevels.Add(new AnchorLevel(s.H, s.W, new EquatableArray<float>(sizes)));
            }
            return new DetectionSpec(fcos, head.Classes, new EquatableArray<AnchorLevel>(anchorLevels), new EquatableArray<float>(head.AspectRatios),
                head.ScoreThreshold, head.NmsThreshold, head.DetectionsPerImage, head.TopKCandidates);
        }

        /// <summary>
        /// Applies <paramref name="branch"/> to every level, lays each result out channels-last as [N, H·W·A, values], and
        /// concatenates the levels into one graph output named <paramref name="output"/>.
        /// </summary>
        public static bool Output(NetBuilder b, List<string> levels, string output, int valuesPerAnchor, System.Func<string, string, string?> branch, LocationInfo? at)
            => Output(b, levels, output, valuesPerAnchor, (x, _, suffix) => branch(x, suffix), at);

        /// <summary>As above, with the level's index passed to <paramref name="branch"/> (SSD's heads have one conv per level).</summary>
        public static bool Output(NetBuilder b, List<string> levels, string output, int valuesPerAnchor, System.Func<string, int, string, string?> branch, LocationInfo? at)
        {
            var perLevel = new List<string?>();
            for (int l = 0; l < levels.Count; l++)
            {
                string suffix = $" [level {l}]";
                string? y = branch(levels[l], l, suffix);
                if (y is null) return false;
                Shape s = b.ShapeOf(y);
                b.At(at, output);
                y = b.Apply(new PermuteOp(new EquatableArray<int>(new[] { 0, 2, 3, 1 })), output + suffix, y);
                y = b.Apply(new ReshapeOp(Shape.Of(s.N, s.H * s.W * s.C / valuesPerAnchor, valuesPerAnchor)), output + " reshape" + suffix, y);
                perLevel.Add(y);
            }
            if (perLevel.Any(y => y is null)) return false;
            string? all = b.At(at, output).Apply(new CatOp(1), output, perLevel.ToArray());
            if (all is null) return false;
            b.Output(all, output);
            return true;
        }
    }
}
