namespace VisionGen.Generators.Model
{
    /// <summary>Which backbone a model declares.</summary>
    internal enum BackboneKind
    {
        None,
        ResNet,
        MobileNetV2,
        Custom,
    }

    /// <summary>Which head a model declares.</summary>
    internal enum HeadKind
    {
        None,
        Classifier,
        RetinaNet,
        Fcos,
    }

    /// <summary>The FPN neck as declared (<c>[FpnNeck]</c>). Extra: 0 default, 1 none, 2 max-pool, 3 P6/P7.</summary>
    internal sealed record NeckSpec(int OutChannels, int Extra, EquatableArray<int> Stages, LocationInfo? Location);

    /// <summary>A detection head as declared (<c>[RetinaNetHead]</c> or <c>[FcosHead]</c>).</summary>
    internal sealed record DetectionHeadSpec(
        int Classes,
        EquatableArray<int> AnchorSizes,
        EquatableArray<float> AspectRatios,
        float ScoreThreshold,
        float NmsThreshold,
        int DetectionsPerImage,
        int TopKCandidates,
        int GroupNormGroups);

    /// <summary>Layer kinds of a custom sequential stack, one per layer attribute.</summary>
    internal enum LayerKind
    {
        Conv2d,
        BatchNorm2d,
        ReLU,
        ReLU6,
        MaxPool2d,
        AvgPool2d,
        GlobalAvgPool,
        Flatten,
        Linear,
        GroupNorm,
        InstanceNorm2d,
        LayerNorm,
    }

    /// <summary>
    /// One declared layer of a custom stack, exactly as written. Unused fields are 0/empty.
    /// <see cref="InChannels"/> (Conv2d) and <see cref="InFeatures"/> (Linear) are 0 when not declared.
    /// </summary>
    internal sealed record LayerSpec(
        LayerKind Kind,
        string Prefix,
        int InChannels,
        int OutChannels,
        int KernelSize,
        int Stride,
        int Padding,
        int Dilation,
        int Groups,
        bool Bias,
        float Eps,
        int InFeatures,
        LocationInfo? Location);

    /// <summary>Everything the generator needs to know about one <c>[VisionModel]</c> class; pure data.</summary>
    internal sealed record ModelSpec(
        string? Namespace,
        string ClassName,
        string Accessibility,
        int Channels,
        int Height,
        int Width,
        bool FoldBatchNorm,
        BackboneKind Backbone,
        int ResNetDepth,
        double WidthMultiplier,
        LocationInfo? BackboneLocation,
        EquatableArray<LayerSpec> Layers,
        bool HasClassifierHead,
        int Classes,
        string HeadPrefix,
        LocationInfo? HeadLocation,
        NeckSpec? Neck,
        HeadKind Head,
        DetectionHeadSpec? Detection,
        LocationInfo? ModelLocation,
        EquatableArray<DiagnosticInfo> Diagnostics)
    {
        /// <summary>Name of the generated file.</summary>
        public string HintName => (Namespace is null ? "" : Namespace + ".") + ClassName + ".VisionModel.g.cs";
    }

    /// <summary>The generator's final output for one model: source text (or null) and diagnostics.</summary>
    internal sealed record GeneratedModel(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);
}
