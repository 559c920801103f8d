using System.Runtime.CompilerServices;
using System.ComponentModel;
using VisionGen.Cpu;
using VisionGen.Weights;

namespace VisionGen.ObjectDetection;

/// <summary>
/// One feature map the RoI pooler reads: where it lies in the buffer <see cref="FasterRcnnHeads.Detect"/> is given, its
/// size and its scale (feature size over image size, a power of two as torchvision's <c>MultiScaleRoIAlign</c> infers it).
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <param name="Offset">First float of the [C, H, W] map in the buffer.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Scale">Feature size over image size.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct RoiLevel(int Offset, int Height, int Width, float Scale);

/// <summary>
/// The build-time constants of a Faster R-CNN's second stage: image size, where the RPN head's outputs and the pooled
/// feature maps lie in the buffer <see cref="FasterRcnnHeads.Detect"/> reads, the RPN's inference settings and the RoI
/// heads' sizes. Made once by generated code.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <param name="ImageHeight">Input height (proposals are clipped to it).</param>
/// <param name="ImageWidth">Input width.</param>
/// <param name="Channels">Channels of every pyramid level.</param>
/// <param name="Classes">Classes of the box predictor, background included.</param>
/// <param name="RepresentationSize">Width of the two fully connected layers (<c>TwoMLPHead</c>).</param>
/// <param name="ObjectnessOffset">First float of the RPN objectness logits [anchors].</param>
/// <param name="DeltasOffset">First float of the RPN box deltas [anchors, 4].</param>
/// <param name="AnchorsPerLevel">Anchors of every RPN level, in torchvision's order.</param>
/// <param name="PooledLevels">The maps the RoI pooler reads, finest first (torchvision's featmap names '0'…'3' present).</param>
/// <param name="PreNmsTopN">Proposals kept per level before NMS (<c>rpn_pre_nms_top_n_test</c>).</param>
/// <param name="PostNmsTopN">Proposals kept after NMS (<c>rpn_post_nms_top_n_test</c>): the RoI batch's size limit.</param>
/// <param name="RpnNmsThreshold">IoU of the RPN's per-level NMS (<c>rpn_nms_thresh</c>).</param>
/// <param name="RpnScoreThreshold">Proposals need sigmoid(objectness) ≥ this (<c>rpn_score_thresh</c>).</param>
/// <param name="SamplingRatio">RoIAlign samples per bin side (<c>sampling_ratio</c>).</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record FasterRcnnConfig(
    int ImageHeight, int ImageWidth, int Channels, int Classes, int RepresentationSize,
    int ObjectnessOffset, int DeltasOffset, int[] AnchorsPerLevel, RoiLevel[] PooledLevels,
    int PreNmsTopN, int PostNmsTopN, float RpnNmsThreshold, float RpnScoreThreshold, int SamplingRatio)
{
    /// <summary>RoIAlign's output side (torchvision's <c>output_size=7</c>).</summary>
    public const int PooledSize = 7;

    /// <summary>The smallest box side a proposal keeps (torchvision's <c>RegionProposalNetwork.min_size</c>).</summary>
    public const float ProposalMinSize = 1e-3f;

    /// <summary>The smallest box side a detection keeps (<c>remove_small_boxes(boxes, min_size=1e-2)</c> in <c>postprocess_detections</c>).</summary>
    public const float DetectionMinSize = 1e-2f;
}

/// <summary>
/// The second stage of torchvision 0.14's Faster R-CNN for one image, on the CPU, allocation-free: the RPN's proposal
/// selection (top-n objectness per level, decoding against the anchors, clipping, small-box and score filtering, NMS per
/// level, the best post-NMS top-n), <c>MultiScaleRoIAlign</c> (FPN level per box by
/// floor(4 + log2(√area / 224) + 1e-6), RoIAlign 7×7 with sampling ratio 2 and <c>aligned=False</c>), <c>TwoMLPHead</c>
/// (fc6 + ReLU, fc7 + ReLU) and <c>FastRCNNPredictor</c> as matrix products over the RoI batch, then
/// <c>postprocess_detections</c> (softmax over the classes, decoding with weights (10, 10, 5, 5), clipping, score
/// threshold, small-box removal, class-wise NMS, the best detections). Every buffer is sized at load for
/// <see cref="FasterRcnnConfig.PostNmsTopN"/> proposals.
/// <para>For generated code: the VisionGen source generator's output calls this; hidden from IntelliSense, not meant to be called directly, and may change between versions.</para>
/// </summary>
/// <remarks>
/// Ties: candidates with bit-identical scores are ordered by ascending index (torchvision's <c>topk</c> leaves that
/// order unspecified), as in <see cref="RetinaNetPostprocess"/>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class FasterRcnnHeads
{
    private readonly FasterRcnnConfig _config;
    private readonly float[] _anchors;
    private readonly float[] _fc6Weight, _fc6Bias, _fc7Weight, _fc7Bias, _clsWeight, _clsBias, _boxWeight, _boxBias;
    private readonly int _features;

    // RPN selection.
    private readonly ulong[] _heap;
    private readonly float[] _candidateBoxes, _candidateScores;
    private readonly int[] _candidateLevels, _keep;
    private readonly NmsWorkspace _rpnNms;

    // The RoI batch, feature-major ([features, proposals]) so that each layer is one matrix product W·X.
    private readonly float[] _proposals, _proposalScores;
    private readonly float[] _pooled, _hidden6, _hidden7, _classColumns, _boxColumns;
    private readonly float[] _classLogits, _boxRegression, _probabilities;
    private int _proposalCount;

    // Detection candidates (proposal × foreground class).
    private readonly float[] _detBoxes, _detScores;
    private readonly int[] _detLabels, _detKeep;
    private readonly NmsWorkspace _detNms;

    /// <summary>Reads the box head and predictor weights and allocates every buffer.</summary>
    /// <param name="weights">The bound weights (<c>roi_heads.box_head.fc6/fc7</c>, <c>roi_heads.box_predictor.cls_score/bbox_pred</c>).</param>
    /// <param name="config">The model's constants.</param>
    /// <param name="anchors">Every RPN anchor, [anchors, 4] xyxy, as <see cref="AnchorGenerator.Generate"/>.</param>
    /// <param name="maxDetections">The most detections a call returns.</param>
    public FasterRcnnHeads(WeightSet weights, FasterRcnnConfig config, float[] anchors, int maxDetections)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(anchors);
        _config = config;
        _anchors = anchors;
        int p = config.PostNmsTopN, k = config.Classes, rep = config.RepresentationSize;
        _features = config.Channels * FasterRcnnConfig.PooledSize * FasterRcnnConfig.PooledSize;
        LayerWeights.Linear(weights, "roi_heads.box_head.fc6", rep, true, out _fc6Weight, out _fc6Bias);
        LayerWeights.Linear(weights, "roi_heads.box_head.fc7", rep, true, out _fc7Weight, out _fc7Bias);
        LayerWeights.Linear(weights, "roi_heads.box_predictor.cls_score", k, true, out _clsWeight, out _clsBias);
        LayerWeights.Linear(weights, "roi_heads.box_predictor.bbox_pred", 4 * k, true, out _boxWeight, out _boxBias);

        int candidates = 0;
        foreach (int n in config.AnchorsPerLevel) candidates += Math.Min(n, config.PreNmsTopN);
        _heap = new ulong[config.PreNmsTopN];
        _candidateBoxes = new float[4 * candidates];
        _candidateScores = new float[candidates];
        _candidateLevels = new int[candidates];
        _keep = new int[p];
        _rpnNms = new NmsWorkspace(candidates);
        _proposals = new float[4 * p];
        _proposalScores = new float[p];
        _pooled = new float[(long)_features * p];
        _hidden6 = new float[rep * p];
        _hidden7 = new float[rep * p];
        _classColumns = new float[k * p];
        _boxColumns = new float[4 * k * p];
        _classLogits = new float[k * p];
        _boxRegression = new float[4 * k * p];
        _probabilities = new float[k * p];
        int detections = p * Math.Max(k - 1, 0);
        _detBoxes = new float[4 * detections];
        _detScores = new float[detections];
        _detLabels = new int[detections];
        _detKeep = new int[maxDetections];
        _detNms = new NmsWorkspace(detections);
    }

    /// <summary>Bytes of weights and buffers held.</summary>
    public long LoadedBytes => sizeof(float) * (_fc6Weight.LongLength + _fc6Bias.Length + _fc7Weight.Length + _fc7Bias.Length + _clsWeight.Length
        + _clsBias.Length + _boxWeight.Length + _boxBias.Length + _anchors.Length + _candidateBoxes.Length + _candidateScores.Length
        + _proposals.Length + _proposalScores.Length + _pooled.LongLength + _hidden6.Length + _hidden7.Length + _classColumns.Length
        + _boxColumns.Length + _classLogits.Length + _boxRegression.Length + _probabilities.Length + _detBoxes.Length + _detScores.Length)
        + sizeof(int) * (_candidateLevels.Length + _keep.Length + _detLabels.Length + _detKeep.Length) + sizeof(ulong) * _heap.Length;

    /// <summary>Every RPN anchor, [anchors, 4] xyxy.</summary>
    public ReadOnlySpan<float> Anchors => _anchors;

    /// <summary>Proposals of the last call.</summary>
    public int ProposalCount => _proposalCount;

    /// <summary>The last call's proposals, [ProposalCount, 4] xyxy, by objectness as the RPN returns them.</summary>
    public ReadOnlySpan<float> Proposals => new(_proposals, 0, 4 * _proposalCount);

    /// <summary>sigmoid(objectness) of the last call's proposals, [ProposalCount].</summary>
    public ReadOnlySpan<float> ProposalScores => new(_proposalScores, 0, _proposalCount);

    /// <summary>The box predictor's class logits of the last call, [ProposalCount, Classes].</summary>
    public ReadOnlySpan<float> ClassLogits => new(_classLogits, 0, _config.Classes * _proposalCount);

    /// <summary>The box predictor's deltas of the last call, [ProposalCount, Classes · 4].</summary>
    public ReadOnlySpan<float> BoxRegression => new(_boxRegression, 0, 4 * _config.Classes * _proposalCount);

    /// <summary>Runs the second stage on the network's outputs.</summary>
    /// <param name="settings">Box score threshold, box NMS IoU, detections per image; TopKCandidates is the RPN's pre-NMS top-n per level.</param>
    /// <param name="buffer">Holds the RPN head's outputs and the pooled maps at the config's offsets.</param>
    /// <param name="results">Receives detections by descending score.</param>
    /// <returns>The number of detections written.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per call: full speed from the first one
    public int Detect(in DetectionSettings settings, ReadOnlySpan<float> buffer, Span<Detection> results)
    {
        settings.Validate();
        if (settings.TopKCandidates > _config.PreNmsTopN)
            throw new ArgumentException($"TopKCandidates {settings.TopKCandidates} exceeds the model's pre-NMS top-n {_config.PreNmsTopN}.", nameof(settings));
        int count = SelectProposals(buffer, settings.TopKCandidates);
        _proposalCount = count;
        if (count == 0) return 0;
        PoolFeatures(buffer, count);
        int k = _config.Classes, rep = _config.RepresentationSize;
        Gemm.Multiply(rep, count, _features, _fc6Weight, _pooled, _hidden6, _fc6Bias, default, Activation.Relu);
        Gemm.Multiply(rep, count, rep, _fc7Weight, _hidden6, _hidden7, _fc7Bias, default, Activation.Relu);
        Gemm.Multiply(k, count, rep, _clsWeight, _hidden7, _classColumns, _clsBias, default, Activation.None);
        Gemm.Multiply(4 * k, count, rep, _boxWeight, _hidden7, _boxColumns, _boxBias, default, Activation.None);
        Transpose(_classColumns, k, count, _classLogits);
        Transpose(_boxColumns, 4 * k, count, _boxRegression);
        Softmax.Forward(count, k, 1, new ReadOnlySpan<float>(_classLogits, 0, k * count), _probabilities);
        return Postprocess(settings, count, results);
    }

    /// <summary>RegionProposalNetwork.filter_proposals for one image; returns the number of proposals.</summary>
    private int SelectProposals(ReadOnlySpan<float> buffer, int topK)
    {
        int[] perLevel = _config.AnchorsPerLevel;
        int anchorCount = _anchors.Length / 4;
        ReadOnlySpan<float> objectness = buffer.Slice(_config.ObjectnessOffset, anchorCount);
        ReadOnlySpan<float> deltas = buffer.Slice(_config.DeltasOffset, 4 * anchorCount);
        int total = 0, start = 0;
        float threshold = _config.RpnScoreThreshold;
        for (int l = 0; l < perLevel.Length; l++)
        {
            int n = perLevel[l];
            int take = Math.Min(topK, n);
            Span<ulong> heap = _heap.AsSpan(0, take);
            int h = 0;
            if (take > 0)
            {
                for (int a = 0; a < n; a++)
                {
                    ulong key = SortKey.Descending(objectness[start + a], (uint)a);
                    if (h < take) PostprocessCore.HeapPush(heap, ref h, key);
                    else if (key < heap[0]) PostprocessCore.HeapReplaceTop(heap, h, key);
                }
            }
            Span<ulong> selected = heap[..h];
            selected.Sort();
            for (int i = 0; i < selected.Length; i++)
            {
                int anchor = start + SortKey.Index(selected[i]);
                Span<float> box = _candidateBoxes.AsSpan(4 * total, 4);
                BoxCoder.Decode(_anchors.AsSpan(4 * anchor, 4), deltas.Slice(4 * anchor, 4), box);
                BoxCoder.ClipToImage(box, _config.ImageHeight, _config.ImageWidth);
                if (!(box[2] - box[0] >= FasterRcnnConfig.ProposalMinSize && box[3] - box[1] >= FasterRcnnConfig.ProposalMinSize)) continue;
                float score = Sigmoid(objectness[anchor]);
                if (!(score >= threshold)) continue;
                _candidateScores[total] = score;
                _candidateLevels[total] = l;
                total++;
            }
            start += n;
        }
        Span<int> keep = _keep.AsSpan(0, Math.Min(_config.PostNmsTopN, total));
        int kept = Nms.ClassWise(_candidateBoxes.AsSpan(0, 4 * total), _candidateScores.AsSpan(0, total), _candidateLevels.AsSpan(0, total),
            _config.RpnNmsThreshold, _rpnNms, keep);
        for (int i = 0; i < kept; i++)
        {
            int c = keep[i];
            _candidateBoxes.AsSpan(4 * c, 4).CopyTo(_proposals.AsSpan(4 * i, 4));
            _proposalScores[i] = _candidateScores[c];
        }
        return kept;
    }

    /// <summary>MultiScaleRoIAlign into the feature-major batch: column r holds proposal r's C×7×7 values.</summary>
    private void PoolFeatures(ReadOnlySpan<float> buffer, int count)
    {
        fixed (float* pBuffer = buffer) fixed (float* pProposals = _proposals) fixed (float* pPooled = _pooled) fixed (RoiLevel* pLevels = _config.PooledLevels)
        {
            var job = new PoolJob
            {
                Buffer = pBuffer, BufferLength = buffer.Length, Proposals = pProposals, Pooled = pPooled, Count = count, Channels = _config.Channels,
                Levels = pLevels, LevelCount = _config.PooledLevels.Length, SamplingRatio = _config.SamplingRatio,
                MinLevel = -(int)MathF.Round(MathF.Log2(_config.PooledLevels[0].Scale)),
                MaxLevel = -(int)MathF.Round(MathF.Log2(_config.PooledLevels[^1].Scale)),
            };
            int parts = CpuThreads.Count > 1 ? Math.Min(CpuThreads.Count, count) : 1;
            WorkerPool.Run(&PoolPart, &job, parts);
        }
    }

    private struct PoolJob
    {
        public float* Buffer, Proposals, Pooled;
        public RoiLevel* Levels;
        public int BufferLength, Count, Channels, LevelCount, SamplingRatio, MinLevel, MaxLevel;
    }

    private static void PoolPart(void* context, int part, int parts)
    {
        ref PoolJob j = ref *(PoolJob*)context;
        var (lo, hi) = WorkerPool.Range(j.Count, part, parts);
        var buffer = new ReadOnlySpan<float>(j.Buffer, j.BufferLength);
        const int side = FasterRcnnConfig.PooledSize;
        var pooled = new Span<float>(j.Pooled, j.Channels * side * side * j.Count);
        for (int r = lo; r < hi; r++)
        {
            var box = new ReadOnlySpan<float>(j.Proposals + 4 * r, 4);
            int level = MapLevel(box, j.MinLevel, j.MaxLevel) - j.MinLevel;
            RoiLevel map = j.Levels[level];
            ReadOnlySpan<float> input = buffer.Slice(map.Offset, j.Channels * map.Height * map.Width);
            RoiAlign.Box(input, j.Channels, map.Height, map.Width, box, map.Scale, side, side, j.SamplingRatio, false, pooled.Slice(r), j.Count);
        }
    }

    /// <summary>torchvision's LevelMapper: floor(4 + log2(√area / 224) + 1e-6) clamped to [kMin, kMax], in float32.</summary>
    internal static int MapLevel(ReadOnlySpan<float> box, int kMin, int kMax)
    {
        float area = (box[2] - box[0]) * (box[3] - box[1]);
        float s = MathF.Sqrt(area);
        float level = MathF.Floor(4f + MathF.Log2(s / 224f) + 1e-6f);
        // torch.clamp keeps NaN; .to(int64) of NaN is undefined there: here it goes to the finest level.
        if (float.IsNaN(level) || level < kMin) return kMin;
        return level > kMax ? kMax : (int)level;
    }

    private int Postprocess(in DetectionSettings settings, int count, Span<Detection> results)
    {
        int k = _config.Classes, total = 0;
        float threshold = settings.ScoreThreshold;
        float clip = BoxCoder.DefaultClip;
        for (int r = 0; r < count; r++)
        {
            ReadOnlySpan<float> proposal = _proposals.AsSpan(4 * r, 4);
            for (int c = 1; c < k; c++)
            {
                float score = _probabilities[r * k + c];
                if (!(score > threshold)) continue;
                Span<float> box = _detBoxes.AsSpan(4 * total, 4);
                BoxCoder.Decode(proposal, _boxRegression.AsSpan((r * k + c) * 4, 4), box, 10f, 10f, 5f, 5f, clip);
                BoxCoder.ClipToImage(box, _config.ImageHeight, _config.ImageWidth);
                if (!(box[2] - box[0] >= FasterRcnnConfig.DetectionMinSize && box[3] - box[1] >= FasterRcnnConfig.DetectionMinSize)) continue;
                _detScores[total] = score;
                _detLabels[total] = c;
                total++;
            }
        }
        int cap = Math.Min(Math.Min(settings.DetectionsPerImage, results.Length), _detKeep.Length);
        Span<int> keep = _detKeep.AsSpan(0, Math.Min(cap, total));
        int kept = Nms.ClassWise(_detBoxes.AsSpan(0, 4 * total), _detScores.AsSpan(0, total), _detLabels.AsSpan(0, total), settings.NmsThreshold, _detNms, keep);
        for (int i = 0; i < kept; i++)
        {
            int d = keep[i];
            results[i] = new Detection(_detBoxes[4 * d], _detBoxes[4 * d + 1], _detBoxes[4 * d + 2], _detBoxes[4 * d + 3], _detScores[d], _detLabels[d]);
        }
        return kept;
    }

    private static void Transpose(float[] columns, int rows, int count, float[] rowMajor)
    {
        for (int f = 0; f < rows; f++)
            for (int r = 0; r < count; r++)
                rowMajor[r * rows + f] = columns[f * count + r];
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}
