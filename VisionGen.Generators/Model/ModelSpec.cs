using VisionGen.Generators.Ir;

namespace VisionGen.Generators.Model
{
    /// <summary>One pyramid level of a detection head: its feature-map size and anchor sizes.</summary>
    internal sealed record AnchorLevel(int Height, int Width, EquatableArray<float> Sizes);

    /// <summary>
    /// What <c>Detect</c> needs beyond the graph: for RetinaNet and FCOS the anchor layout over the pyramid levels and
    /// torchvision's post-processing settings, the graph's outputs being ClassLogits, BoxRegression (and Centerness); for a
    /// YOLO head the scales' sizes (no anchor sizes) and its settings, the graph's outputs being the raw per-scale outputs.
    /// </summary>
    internal sealed record DetectionSpec(
        bool Fcos,
        int Classes,
        EquatableArray<AnchorLevel> Levels,
        EquatableArray<float> AspectRatios,
        float ScoreThreshold,
        float NmsThreshold,
        int DetectionsPerImage,
        int TopKCandidates)
    {
        public int AnchorsPerLocation => IsYolo ? 1 : Levels.Count == 0 ? 0 : Levels[0].Sizes.Count * AspectRatios.Count;

        /// <summary>Bins per box side of a YOLO head (<c>[YoloHead]</c> on a Forward network); 0 for RetinaNet and FCOS.</summary>
        public int YoloRegMax { get; init; }

        /// <summary>A Faster R-CNN: the second stage runs on the host after the graph (FasterRcnnHeads); null otherwise.</summary>
        public FasterRcnnSpec? FasterRcnn { get; init; }

        /// <summary>A YOLO head: the graph's outputs are the raw per-scale head outputs, decoded by YoloPostprocess.</summary>
        public bool IsYolo => YoloRegMax > 0;

        /// <summary>An SSD head's default boxes (torchvision's <c>DefaultBoxGenerator</c>); null for the other heads.</summary>
        public SsdBoxes? Ssd { get; init; }

        /// <summary>Anchors (default boxes) per location of every level.</summary>
        public int AnchorsAt(int level) => Ssd is null ? AnchorsPerLocation : 2 + 2 * Ssd.RatiosAt(level).Length;

        /// <summary>Anchors over all levels.</summary>
        public int AnchorCount
        {
            get
            {
                int total = 0;
                for (int l = 0; l < Levels.Count; l++) total += Levels[l].Height * Levels[l].Width * AnchorsAt(l);
                return total;
            }
        }
    }

    /// <summary>
    /// torchvision's <c>DefaultBoxGenerator</c> settings of an SSD head: the aspect ratios of every level (flattened, with
    /// their counts), explicit scales or (min, max) ratios, the steps (empty: the feature-map sizes) and clip; and whether
    /// it is SSDlite (for the generated comments).
    /// </summary>
    internal sealed record SsdBoxes(EquatableArray<int> RatioCounts, EquatableArray<int> Ratios, EquatableArray<double> Scales,
        double MinRatio, double MaxRatio, EquatableArray<int> Steps, bool Clip, bool Lite)
    {
        public int[] RatiosAt(int level)
        {
            int start = 0;
            for (int l = 0; l < level; l++) start += RatioCounts[l];
            var ratios = new int[RatioCounts[level]];
            for (int i = 0; i < ratios.Length; i++) ratios[i] = Ratios[start + i];
            return ratios;
        }
    }

    /// <summary>
    /// What a Faster R-CNN's second stage needs (the graph's outputs being Objectness, RpnBoxDeltas and the pooled pyramid
    /// levels FpnLevel0…): the RPN's inference settings, the RoI heads' sizes and the pooled levels' scales (feature size
    /// over image size, as torchvision's MultiScaleRoIAlign infers them).
    /// </summary>
    internal sealed record FasterRcnnSpec(
        int Channels,
        int RepresentationSize,
        int PooledLevels,
        EquatableArray<float> PooledScales,
        int RpnPreNmsTopN,
        int RpnPostNmsTopN,
        float RpnNmsThreshold,
        float RpnScoreThreshold);

    /// <summary>
    /// How the model takes an image (<c>[ImageInput]</c>): the fit (0 stretch, 1 centre crop, 2 letterbox, as
    /// <c>VisionGen.Imaging.ImageFit</c>), normalization and channel order; the generator adds Classify/Detect/Segment.
    /// </summary>
    internal sealed record ImageInputSpec(int Fit, int ResizeShorterTo, EquatableArray<float> Mean, EquatableArray<float> Std, bool Bgr, int Fill);

    /// <summary>
    /// Everything the generator needs about one <c>[VisionModel]</c> class, as pure equatable data (no symbols, no
    /// syntax): the class, the network as a checked graph (null when the declaration has errors), what <c>Detect</c>
    /// needs for a detector, and the diagnostics. The graph is built here, in the parse step, from the attributes or
    /// by evaluating <c>Forward</c>; a model without errors carries no source locations, so edits elsewhere in its file
    /// leave the downstream steps cached.
    /// </summary>
    internal sealed record ModelSpec(
        string? Namespace,
        string ClassName,
        string Accessibility,
        string Declaration,
        bool FoldBatchNorm,
        Graph? Graph,
        DetectionSpec? Detection,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        /// <summary>The declared image input, or null (no image methods).</summary>
        public ImageInputSpec? ImageInput { get; init; }

        /// <summary>A declared segmentation head (DeepLabV3, FCN, LRASPP): the model gets <c>Segment(input, labels)</c>.</summary>
        public bool Segmentation { get; init; }

        /// <summary>[VisionModel] WeightMemory = Compact: the CPU model keeps no Winograd-transformed weights.</summary>
        public bool CompactWeights { get; init; }

        /// <summary>The declared class names (empty: none).</summary>
        public EquatableArray<string> ClassNames { get; init; } = EquatableArray<string>.Empty;

        /// <summary>Name of the generated file (letters, digits and dots only, as Roslyn requires).</summary>
        public string HintName
        {
            get
            {
                var name = new System.Text.StringBuilder();
                foreach (char c in (Namespace is null ? "" : Namespace + ".") + ClassName) name.Append(char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_');
                return name + ".VisionModel.g.cs";
            }
        }
    }

    /// <summary>The generator's final output for one model: source text (or null) and diagnostics.</summary>
    internal sealed record GeneratedModel(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);
}
