using System.Linq;
using System.Collections.Generic;
using System.Globalization;
using VisionGen.Generators.Model;
using VisionGen.Generators.Parsing;
using VisionGen.Ops;

namespace VisionGen.Generators.Ir
{
    /// <summary>
    /// Stages 2–3: <see cref="ModelSpec"/> → <see cref="Graph"/>, checking shapes and channels as it goes.
    /// Backbones follow torchvision's module structure and state_dict names exactly.
    /// </summary>
    internal sealed class GraphBuilder
    {
        private readonly Graph _graph = new Graph();
        private readonly List<DiagnosticInfo> _diagnostics;
        private readonly ModelSpec _spec;
        private readonly List<WeightDef> _pendingWeights = new List<WeightDef>();

        /// <summary>Backbone stage outputs the neck may read: ResNet layer1..4 by number, MobileNetV2 by stage index.</summary>
        private readonly SortedDictionary<int, string> _stages = new SortedDictionary<int, string>();

        /// <summary>Weight-name prefix of the backbone: "backbone.body." under a detection neck, as torchvision's IntermediateLayerGetter names it.</summary>
        private string Body => _spec.Neck is null ? "" : "backbone.body.";

        private GraphBuilder(ModelSpec spec, List<DiagnosticInfo> diagnostics)
        {
            _spec = spec;
            _diagnostics = diagnostics;
        }

        /// <summary>Builds the graph, or returns null (with diagnostics added) when the declaration is invalid.</summary>
        public static Graph? Build(ModelSpec spec, List<DiagnosticInfo> diagnostics)
        {
            var builder = new GraphBuilder(spec, diagnostics);
            return builder.BuildGraph() ? builder._graph : null;
        }

        private bool BuildGraph()
        {
            if (TooLarge("[VisionModel]", _spec.Channels, _spec.Height, _spec.Width, _spec.ModelLocation)) return false;
            _graph.AddTensor(new TensorDef(Graph.InputName, _spec.Channels, _spec.Height, _spec.Width));
            string? x = _spec.Backbone switch
            {
                BackboneKind.ResNet => ResNet(Graph.InputName),
                BackboneKind.MobileNetV2 => MobileNetV2(Graph.InputName),
                BackboneKind.Custom => CustomStack(Graph.InputName),
                _ => null,
            };
            if (x is null) return false;
            if (_spec.Neck is not null && _spec.Detection is not null)
            {
                List<string>? levels = FeaturePyramid(_spec.Neck);
                if (levels is null || !DetectionHead(levels, _spec.Detection)) return false;
                Finish();
                return true;
            }
            if (_spec.HasClassifierHead)
            {
                string prefix = _spec.HeadPrefix.Length > 0 ? _spec.HeadPrefix
                    : _spec.Backbone == BackboneKind.MobileNetV2 ? "classifier.1" : "fc";
                x = GlobalAvgPool("avgpool", x);
                x = Flatten("flatten", x);
                x = Linear(prefix, x, _spec.Classes, bias: true, declaredIn: 0, _spec.HeadLocation);
                if (x is null) return false;
            }
            _graph.Outputs.Add(x);
            _graph.OutputNames.Add("Output");
            Finish();
            return true;
        }

        /// <summary>Drops ops no output depends on (a backbone stage past the last one the neck reads), then lists the weights.</summary>
        private void Finish()
        {
            var needed = new HashSet<string>(_graph.Outputs);
            foreach (string output in _graph.Outputs)
            {
                // Slices of an output are needed too.
                foreach (TensorDef t in _graph.Tensors.Values) if (t.Parent == output) needed.Add(t.Name);
            }
            for (int i = _graph.Ops.Count - 1; i >= 0; i--)
            {
                OpNode op = _graph.Ops[i];
                if (!needed.Contains(op.Output))
                {
                    _graph.Ops.RemoveAt(i);
                    continue;
                }
                foreach (string input in op.AllInputs()) needed.Add(input);
            }
            var seen = new HashSet<string>();
            foreach (OpNode op in _graph.Ops)
            {
                foreach (WeightDef weight in op.Weights) if (seen.Add(weight.Name)) _graph.Weights.Add(weight);
            }
        }

        // ---------------------------------------------------------------- torchvision ResNet

        private string? ResNet(string x)
        {
            int depth = _spec.ResNetDepth;
            int[] blocks = ResNetLayout.BlocksPerStage(depth)!;
            bool bottleneck = ResNetLayout.UsesBottleneck(depth);
            int expansion = ResNetLayout.Expansion(depth);
            LocationInfo? at = _spec.BackboneLocation;

            string? y = ConvBnAct(Body + "conv1", Body + "bn1", x, 64, 7, 2, 3, 1, 1, ActivationKind.Relu, at);
            if (y is null) return null;
            y = Pool(OpKind.MaxPool, Body + "maxpool", y, 3, 2, 1, at);
            if (y is null) return null;

            int inplanes = 64;
            int[] planesPerStage = { 64, 128, 256, 512 };
            for (int stage = 0; stage < 4; stage++)
            {
                int planes = planesPerStage[stage];
                for (int b = 0; b < blocks[stage]; b++)
                {
                    string p = $"{Body}layer{stage + 1}.{b}";
                    int stride = b == 0 && stage > 0 ? 2 : 1;
                    string blockInput = y!;
                    string identity = blockInput;
                    // The shortcut is computed first so the block's last conv can add it in its output pass.
                    if (b == 0 && (stride != 1 || inplanes != planes * expansion))
                    {
                        string? down = ConvBnAct(p + ".downsample.0", p + ".downsample.1", blockInput, planes * expansion, 1, stride, 0, 1, 1, ActivationKind.None, at);
                        if (down is null) return null;
                        identity = down;
                    }
                    string? main;
                    if (bottleneck)
                    {
                        main = ConvBnAct(p + ".conv1", p + ".bn1", blockInput, planes, 1, 1, 0, 1, 1, ActivationKind.Relu, at);
                        main = main is null ? null : ConvBnAct(p + ".conv2", p + ".bn2", main, planes, 3, stride, 1, 1, 1, ActivationKind.Relu, at);
                        main = main is null ? null : ConvBnAct(p + ".conv3", p + ".bn3", main, planes * expansion, 1, 1, 0, 1, 1, ActivationKind.None, at);
                    }
                    else
                    {
                        main = ConvBnAct(p + ".conv1", p + ".bn1", blockInput, planes, 3, stride, 1, 1, 1, ActivationKind.Relu, at);
                        main = main is null ? null : ConvBnAct(p + ".conv2", p + ".bn2", main, planes, 3, 1, 1, 1, 1, ActivationKind.None, at);
                    }
                    if (main is null) return null;
                    y = Add(p + ".add", main, identity);
                    y = Activation(p + ".relu", y, ActivationKind.Relu);
                    inplanes = planes * expansion;
                }
                _stages[stage + 1] = y!;
            }
            return y;
        }

        // ---------------------------------------------------------------- torchvision MobileNetV2

        private string? MobileNetV2(string x)
        {
            double width = _spec.WidthMultiplier;
            LocationInfo? at = _spec.BackboneLocation;
            int inputChannel = MobileNetV2Layout.MakeDivisible(MobileNetV2Layout.InputChannel * width);
            int lastChannel = MobileNetV2Layout.LastChannelFor(width);

            string features = _spec.Neck is null ? "features." : Body;
            string? y = ConvBnAct(features + "0.0", features + "0.1", x, inputChannel, 3, 2, 1, 1, 1, ActivationKind.Relu6, at);
            // torchvision's _mobilenet_extractor stages: features 0, every block with stride > 1, and the last conv.
            int stageIndex = 0;
            if (y is not null) _stages[stageIndex++] = y;
            int feature = 1;
            foreach (int[] setting in MobileNetV2Layout.InvertedResidualSettings)
            {
                int t = setting[0], c = setting[1], n = setting[2], s = setting[3];
                int outputChannel = MobileNetV2Layout.MakeDivisible(c * width);
                for (int i = 0; i < n; i++)
                {
                    if (y is null) return null;
                    int stride = i == 0 ? s : 1;
                    y = InvertedResidual($"{features}{feature}", y, inputChannel, outputChannel, stride, t, at);
                    if (y is not null && stride > 1) _stages[stageIndex++] = y;
                    inputChannel = outputChannel;
                    feature++;
                }
            }
            if (y is null) return null;
            y = ConvBnAct($"{features}{feature}.0", $"{features}{feature}.1", y, lastChannel, 1, 1, 0, 1, 1, ActivationKind.Relu6, at);
            if (y is not null) _stages[stageIndex] = y;
            return y;
        }

        private string? InvertedResidual(string p, string x, int inp, int oup, int stride, int expandRatio, LocationInfo? at)
        {
            // Python: hidden_dim = int(round(inp * expand_ratio)) — both ints here, so exact.
            int hidden = inp * expandRatio;
            bool useResidual = stride == 1 && inp == oup;
            int index = 0;
            string? y = x;
            if (expandRatio != 1)
            {
                y = ConvBnAct($"{p}.conv.0.0", $"{p}.conv.0.1", y, hidden, 1, 1, 0, 1, 1, ActivationKind.Relu6, at);
                index = 1;
            }
            if (y is null) return null;
            y = ConvBnAct($"{p}.conv.{index}.0", $"{p}.conv.{index}.1", y, hidden, 3, stride, 1, 1, hidden, ActivationKind.Relu6, at);
            if (y is null) return null;
            y = ConvBnAct($"{p}.conv.{index + 1}", $"{p}.conv.{index + 2}", y, oup, 1, 1, 0, 1, 1, ActivationKind.None, at);
            if (y is null) return null;
            return useResidual ? Add(p + ".add", y, x) : y;
        }

        // ---------------------------------------------------------------- torchvision FeaturePyramidNetwork

        private List<string>? FeaturePyramid(NeckSpec neck)
        {
            bool detectionOnResNet = _spec.Backbone == BackboneKind.ResNet && _spec.Head is HeadKind.RetinaNet or HeadKind.Fcos;
            int[] stages = neck.Stages.Count > 0 ? neck.Stages.ToArray()
                : _spec.Backbone == BackboneKind.ResNet ? (detectionOnResNet ? new[] { 2, 3, 4 } : new[] { 1, 2, 3, 4 })
                : new[] { _stages.Count - 2, _stages.Count - 1 };
            int first = _spec.Backbone == BackboneKind.ResNet ? 1 : 0;
            int last = _spec.Backbone == BackboneKind.ResNet ? 4 : _stages.Count - 1;
            for (int i = 0; i < stages.Length; i++)
            {
                if (stages[i] < first || stages[i] > last || (i > 0 && stages[i] <= stages[i - 1]))
                {
                    Report(Diagnostics.NeckStages.Id, neck.Location,
                        $"[FpnNeck] Stages must be increasing stage numbers from {first} to {last} of the {(_spec.Backbone == BackboneKind.ResNet ? "ResNet (layer1..layer4)" : "MobileNetV2 (features 0, 2, 4, 7, 14, 18)")}, but it lists {string.Join(", ", stages)}");
                    return null;
                }
            }
            if (stages.Length == 0) return null;

            int c = neck.OutChannels;
            string p = "backbone.fpn.";
            var inputs = new List<string>();
            foreach (int stage in stages) inputs.Add(_stages[stage]);
            int n = inputs.Count;
            var results = new string[n];
            string? lastInner = Conv($"{p}inner_blocks.{n - 1}.0", inputs[n - 1], c, 1, 1, 0, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
            if (lastInner is null) return null;
            string? r = Conv($"{p}layer_blocks.{n - 1}.0", lastInner, c, 3, 1, 1, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
            if (r is null) return null;
            results[n - 1] = r;
            for (int idx = n - 2; idx >= 0; idx--)
            {
                TensorDef lateralInput = _graph.Tensors[inputs[idx]];
                // Top-down path first, so the lateral 1x1 conv can add it in its output pass.
                string topDown = Upsample($"{p}top_down.{idx}", lastInner, lateralInput.Height, lateralInput.Width);
                string? lateral = Conv($"{p}inner_blocks.{idx}.0", inputs[idx], c, 1, 1, 0, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
                if (lateral is null) return null;
                lastInner = Add($"{p}inner_blocks.{idx} + top_down", lateral, topDown);
                r = Conv($"{p}layer_blocks.{idx}.0", lastInner, c, 3, 1, 1, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
                if (r is null) return null;
                results[idx] = r;
            }
            var levels = new List<string>(results);
            int extra = neck.Extra != 0 ? neck.Extra : detectionOnResNet ? 3 : 2;
            if (extra == 2)
            {
                string? pool = Pool(OpKind.MaxPool, $"{p}extra_blocks (max pool)", levels[n - 1], 1, 2, 0, neck.Location);
                if (pool is null) return null;
                levels.Add(pool);
            }
            else if (extra == 3)
            {
                // LastLevelP6P7 on P5 (in_channels == out_channels): P7 reads relu(P6), while P6 itself stays a level.
                string? p6 = Conv($"{p}extra_blocks.p6", levels[n - 1], c, 3, 2, 1, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
                if (p6 is null) return null;
                string relu = Activation($"{p}extra_blocks.relu(p6)", p6, ActivationKind.Relu);
                string? p7 = Conv($"{p}extra_blocks.p7", relu, c, 3, 2, 1, 1, 1, bias: true, neck.Location, customLayer: false, declaredIn: 0);
                if (p7 is null) return null;
                levels.Add(p6);
                levels.Add(p7);
            }
            return levels;
        }

        // ---------------------------------------------------------------- torchvision RetinaNet / FCOS heads

        private bool DetectionHead(List<string> levels, DetectionHeadSpec head)
        {
            bool fcos = _spec.Head == HeadKind.Fcos;
            string label = fcos ? "[FcosHead]" : "[RetinaNetHead]";
            if (head.AnchorSizes.Count > 0 && head.AnchorSizes.Count != levels.Count)
            {
                Report(Diagnostics.AnchorLevels.Id, _spec.HeadLocation, label, I(head.AnchorSizes.Count), I(levels.Count));
                return false;
            }
            int c = _graph.Tensors[levels[0]].Channels;
            if (fcos && c % head.GroupNormGroups != 0)
            {
                Report(Diagnostics.ChannelMismatch.Id, _spec.HeadLocation, label, $"GroupNormGroups = {head.GroupNormGroups} must divide the {c} pyramid channels");
                return false;
            }
            int anchorsPerLocation = fcos ? 1 : 3 * head.AspectRatios.Count;
            int k = head.Classes;
            int locations = 0;
            foreach (string level in levels)
            {
                TensorDef t = _graph.Tensors[level];
                _graph.Levels.Add((t.Height, t.Width));
                locations += t.Height * t.Width;
            }
            int anchors = locations * anchorsPerLocation;
            if (TooLarge(label, anchors, k, 1, _spec.HeadLocation)) return false;
            string logits = Output("ClassLogits", anchors * k);
            string boxes = Output("BoxRegression", anchors * 4);
            string? centerness = fcos ? Output("Centerness", anchors) : null;

            int offset = 0;
            for (int l = 0; l < levels.Count; l++)
            {
                string at = $" [level {l}]";
                TensorDef level = _graph.Tensors[levels[l]];
                int count = level.Height * level.Width * anchorsPerLocation;
                string? cls = Tower("head.classification_head", levels[l], c, fcos, head.GroupNormGroups, at);
                cls = cls is null ? null : Conv("head.classification_head.cls_logits", cls, anchorsPerLocation * k, 3, 1, 1, 1, 1, bias: true, _spec.HeadLocation, false, 0, "head.classification_head.cls_logits" + at);
                if (cls is null) return false;
                ChannelsLast("cls_logits" + at, cls, logits, offset * k);

                string? reg = Tower("head.regression_head", levels[l], c, fcos, head.GroupNormGroups, at);
                if (reg is null) return false;
                string? box = Conv("head.regression_head.bbox_reg", reg, anchorsPerLocation * 4, 3, 1, 1, 1, 1, bias: true, _spec.HeadLocation, false, 0, "head.regression_head.bbox_reg" + at);
                if (box is null) return false;
                if (fcos) box = Activation("relu(bbox_reg)" + at, box, ActivationKind.Relu); // FCOS regresses distances, always >= 0
                ChannelsLast("bbox_regression" + at, box, boxes, offset * 4);
                if (fcos)
                {
                    string? ctr = Conv("head.regression_head.bbox_ctrness", reg, anchorsPerLocation, 3, 1, 1, 1, 1, bias: true, _spec.HeadLocation, false, 0, "head.regression_head.bbox_ctrness" + at);
                    if (ctr is null) return false;
                    ChannelsLast("bbox_ctrness" + at, ctr, centerness!, offset);
                }
                offset += count;
            }
            return true;
        }

        /// <summary>The 4-conv tower of a head branch: conv3x3 + ReLU (RetinaNet) or conv3x3 + GroupNorm + ReLU (FCOS).</summary>
        private string? Tower(string branch, string x, int c, bool groupNorm, int groups, string at)
        {
            string? y = x;
            for (int i = 0; i < 4 && y is not null; i++)
            {
                string conv = groupNorm ? $"{branch}.conv.{3 * i}" : $"{branch}.conv.{i}.0";
                y = Conv(conv, y, c, 3, 1, 1, 1, 1, bias: true, _spec.HeadLocation, false, 0, conv + at);
                if (y is null) return null;
                if (groupNorm) y = GroupNorm($"{branch}.conv.{3 * i + 1}", y, groups, at);
                y = Activation($"{branch}.relu{i}" + at, y, ActivationKind.Relu);
            }
            return y;
        }

        private string Output(string name, int length)
        {
            _graph.AddTensor(new TensorDef(name, length, 1, 1, isFlat: true));
            _graph.Outputs.Add(name);
            _graph.OutputNames.Add(name);
            return name;
        }

        private string Upsample(string label, string x, int height, int width)
        {
            TensorDef input = _graph.Tensors[x];
            var op = new OpNode(OpKind.Upsample, label, Unique(label), x);
            return Emit(op, new TensorDef(op.Output, input.Channels, height, width));
        }

        private string GroupNorm(string prefix, string x, int groups, string at, bool affine = true, float eps = 1e-5f)
        {
            TensorDef input = _graph.Tensors[x];
            if (affine)
            {
                AddWeight(prefix + ".weight", input.Channels);
                AddWeight(prefix + ".bias", input.Channels);
            }
            var op = new OpNode(OpKind.GroupNorm, prefix + at, Unique(prefix + at), x) { WeightPrefix = prefix, Groups = groups, HasBias = affine, Eps = eps };
            return Emit(op, new TensorDef(op.Output, input.Channels, input.Height, input.Width));
        }

        private string LayerNorm(string prefix, string x, bool affine, float eps)
        {
            TensorDef input = _graph.Tensors[x];
            int[] shape = input.IsFlat ? new[] { input.Length } : new[] { input.Channels, input.Height, input.Width };
            if (affine)
            {
                AddWeight(prefix + ".weight", shape);
                AddWeight(prefix + ".bias", shape);
            }
            var op = new OpNode(OpKind.LayerNorm, prefix, Unique(prefix), x) { WeightPrefix = prefix, HasBias = affine, Eps = eps };
            return Emit(op, new TensorDef(op.Output, input.Channels, input.Height, input.Width, input.IsFlat));
        }

        private void ChannelsLast(string label, string x, string output, int offset)
        {
            TensorDef input = _graph.Tensors[x];
            var op = new OpNode(OpKind.ChannelsLast, label, Unique(label), x);
            Emit(op, new TensorDef(op.Output, input.Length, 1, 1, isFlat: true, parent: output, parentOffset: offset));
        }

        // ---------------------------------------------------------------- custom sequential stack

        private string? CustomStack(string x)
        {
            string y = x;
            int index = 0;
            foreach (LayerSpec layer in _spec.Layers)
            {
                string label = layer.Prefix.Length > 0 ? layer.Prefix : $"{layer.Kind}#{index}";
                string? next;
                switch (layer.Kind)
                {
                    case LayerKind.Conv2d:
                        next = Conv(layer.Prefix, y, layer.OutChannels, layer.KernelSize, layer.Stride, layer.Padding, layer.Dilation, layer.Groups, layer.Bias, layer.Location, customLayer: true, declaredIn: layer.InChannels);
                        break;
                    case LayerKind.BatchNorm2d:
                        next = BatchNorm(layer.Prefix, y, layer.Eps, layer.Location);
                        break;
                    case LayerKind.ReLU:
                        next = Activation(label, y, ActivationKind.Relu);
                        break;
                    case LayerKind.ReLU6:
                        next = Activation(label, y, ActivationKind.Relu6);
                        break;
                    case LayerKind.MaxPool2d:
                        next = Pool(OpKind.MaxPool, label, y, layer.KernelSize, layer.Stride, layer.Padding, layer.Location, customLayer: true);
                        break;
                    case LayerKind.AvgPool2d:
                        next = Pool(OpKind.AvgPool, label, y, layer.KernelSize, layer.Stride, layer.Padding, layer.Location, customLayer: true);
                        break;
                    case LayerKind.GroupNorm:
                    case LayerKind.InstanceNorm2d:
                    {
                        if (!RequireSpatial(label, y, layer.Location)) return null;
                        int channels = _graph.Tensors[y].Channels;
                        int groups = layer.Kind == LayerKind.InstanceNorm2d ? channels : layer.Groups;
                        if (channels % groups != 0)
                        {
                            Report(Diagnostics.ChannelMismatch.Id, layer.Location, $"[GroupNorm(\"{layer.Prefix}\")]", $"{groups} groups must divide the {channels} channels");
                            return null;
                        }
                        next = GroupNorm(layer.Prefix, y, groups, "", layer.Bias, layer.Eps);
                        break;
                    }
                    case LayerKind.LayerNorm:
                        next = LayerNorm(layer.Prefix, y, layer.Bias, layer.Eps);
                        break;
                    case LayerKind.GlobalAvgPool:
                        next = RequireSpatial(label, y, layer.Location) ? GlobalAvgPool(label, y) : null;
                        break;
                    case LayerKind.Flatten:
                        next = Flatten(label, y);
                        break;
                    case LayerKind.Linear:
                        next = Linear(layer.Prefix, y, layer.OutChannels, layer.Bias, layer.InFeatures, layer.Location);
                        break;
                    default:
                        next = null;
                        break;
                }
                if (next is null) return null;
                y = next;
                index++;
            }
            return y;
        }

        private bool RequireSpatial(string label, string x, LocationInfo? at)
        {
            if (!_graph.Tensors[x].IsFlat) return true;
            Report(Diagnostics.ChannelMismatch.Id, at, label, "this layer needs a C×H×W input, but the previous layer's output is already flat");
            return false;
        }

        // ---------------------------------------------------------------- op constructors (with checks)

        private string? ConvBnAct(string convPrefix, string bnPrefix, string x, int outChannels, int kernel, int stride, int padding, int dilation, int groups, ActivationKind act, LocationInfo? at)
        {
            string? y = Conv(convPrefix, x, outChannels, kernel, stride, padding, dilation, groups, bias: false, at, customLayer: false, declaredIn: 0);
            if (y is null) return null;
            y = BatchNorm(bnPrefix, y, 1e-5f, at);
            return y is null || act == ActivationKind.None ? y : Activation(convPrefix + ".act", y, act);
        }

        private string? Conv(string prefix, string x, int outChannels, int kernel, int stride, int padding, int dilation, int groups, bool bias, LocationInfo? at, bool customLayer, int declaredIn, string? labelOverride = null)
        {
            string opLabel = labelOverride ?? prefix;
            TensorDef input = _graph.Tensors[x];
            string label = $"[Conv2d(\"{prefix}\")]";
            if (input.IsFlat)
            {
                Report(Diagnostics.ChannelMismatch.Id, at, label, "a convolution needs a C×H×W input, but the previous layer's output is flat");
                return null;
            }
            if (declaredIn > 0 && declaredIn != input.Channels)
            {
                Report(Diagnostics.ChannelMismatch.Id, at, label, $"declares InChannels = {declaredIn}, but its input has {input.Channels} channels");
                return null;
            }
            if (input.Channels % groups != 0 || outChannels % groups != 0)
            {
                Report(Diagnostics.ChannelMismatch.Id, at, label, $"Groups = {groups} must divide both the input channels ({input.Channels}) and the output channels ({outChannels})");
                return null;
            }
            int outH = ShapeRules.WindowOutput(input.Height, kernel, stride, padding, dilation);
            int outW = ShapeRules.WindowOutput(input.Width, kernel, stride, padding, dilation);
            if (outH <= 0 || outW <= 0)
            {
                ReportWindow(label, prefix, kernel, dilation, input, padding, at, customLayer);
                return null;
            }
            if (TooLarge(label, outChannels, outH, outW, at) || TooLarge(label, (long)(input.Channels / groups) * kernel * kernel, outH, outW, at)) return null;
            var op = new OpNode(OpKind.Conv, opLabel, Unique(opLabel), x)
            {
                Kernel = kernel, Stride = stride, Padding = padding, Dilation = dilation, Groups = groups,
                HasBias = bias, WeightPrefix = prefix,
            };
            AddWeight(prefix + ".weight", outChannels, input.Channels / groups, kernel, kernel);
            if (bias) AddWeight(prefix + ".bias", outChannels);
            return Emit(op, new TensorDef(op.Output, outChannels, outH, outW));
        }

        private string? BatchNorm(string prefix, string x, float eps, LocationInfo? at)
        {
            TensorDef input = _graph.Tensors[x];
            if (!RequireSpatial($"[BatchNorm2d(\"{prefix}\")]", x, at)) return null;
            int c = input.Channels;
            AddWeight(prefix + ".weight", c);
            AddWeight(prefix + ".bias", c);
            AddWeight(prefix + ".running_mean", c);
            AddWeight(prefix + ".running_var", c);
            _pendingWeights.Add(new WeightDef(prefix + ".num_batches_tracked", new int[0], Ignored: true));
            var op = new OpNode(OpKind.BatchNorm, prefix, Unique(prefix), x) { WeightPrefix = prefix, Eps = eps };
            return Emit(op, new TensorDef(op.Output, c, input.Height, input.Width));
        }

        private string Activation(string label, string x, ActivationKind act)
        {
            TensorDef input = _graph.Tensors[x];
            var op = new OpNode(OpKind.Activation, label, Unique(label), x) { Activation = act };
            return Emit(op, new TensorDef(op.Output, input.Channels, input.Height, input.Width, input.IsFlat));
        }

        private string? Pool(OpKind kind, string label, string x, int kernel, int stride, int padding, LocationInfo? at, bool customLayer = false)
        {
            TensorDef input = _graph.Tensors[x];
            string what = kind == OpKind.MaxPool ? "[MaxPool2d]" : "[AvgPool2d]";
            if (!RequireSpatial(what, x, at)) return null;
            int outH = ShapeRules.WindowOutput(input.Height, kernel, stride, padding);
            int outW = ShapeRules.WindowOutput(input.Width, kernel, stride, padding);
            if (outH <= 0 || outW <= 0)
            {
                ReportWindow(what, label, kernel, 1, input, padding, at, customLayer);
                return null;
            }
            var op = new OpNode(kind, label, Unique(label), x) { Kernel = kernel, Stride = stride, Padding = padding };
            return Emit(op, new TensorDef(op.Output, input.Channels, outH, outW));
        }

        private string GlobalAvgPool(string label, string x)
        {
            TensorDef input = _graph.Tensors[x];
            var op = new OpNode(OpKind.GlobalAvgPool, label, Unique(label), x);
            return Emit(op, new TensorDef(op.Output, input.Channels, 1, 1));
        }

        private string Flatten(string label, string x)
        {
            TensorDef input = _graph.Tensors[x];
            var op = new OpNode(OpKind.Flatten, label, Unique(label), x);
            return Emit(op, new TensorDef(op.Output, input.Length, 1, 1, isFlat: true));
        }

        private string? Linear(string prefix, string x, int outFeatures, bool bias, int declaredIn, LocationInfo? at)
        {
            TensorDef input = _graph.Tensors[x];
            string label = $"[Linear(\"{prefix}\")]";
            if (!input.IsFlat)
            {
                Report(Diagnostics.LinearMismatch.Id, at, label,
                    $"its input is {input.ShapeText}, not flat; add [Flatten] before it (PyTorch's Linear would act on the last axis only)");
                return null;
            }
            if (declaredIn > 0 && declaredIn != input.Length)
            {
                Report(Diagnostics.LinearMismatch.Id, at, label, $"declares InFeatures = {declaredIn}, but the flattened input has {input.Length} features");
                return null;
            }
            AddWeight(prefix + ".weight", outFeatures, input.Length);
            if (bias) AddWeight(prefix + ".bias", outFeatures);
            var op = new OpNode(OpKind.Linear, prefix, Unique(prefix), x) { HasBias = bias, WeightPrefix = prefix };
            return Emit(op, new TensorDef(op.Output, outFeatures, 1, 1, isFlat: true));
        }

        private string Add(string label, string a, string b)
        {
            TensorDef input = _graph.Tensors[a];
            var op = new OpNode(OpKind.Add, label, Unique(label), a, b);
            return Emit(op, new TensorDef(op.Output, input.Channels, input.Height, input.Width, input.IsFlat));
        }

        // ---------------------------------------------------------------- helpers

        private string Emit(OpNode op, TensorDef output)
        {
            op.Weights.AddRange(_pendingWeights);
            _pendingWeights.Clear();
            _graph.AddTensor(output);
            _graph.Ops.Add(op);
            return output.Name;
        }

        private string Unique(string name)
        {
            if (!_graph.Tensors.ContainsKey(name)) return name;
            for (int i = 2; ; i++)
            {
                string candidate = name + "#" + i.ToString(CultureInfo.InvariantCulture);
                if (!_graph.Tensors.ContainsKey(candidate)) return candidate;
            }
        }

        /// <summary>Every tensor must fit an int-indexed float array with room to spare.</summary>
        private bool TooLarge(string label, long c, long h, long w, LocationInfo? at)
        {
            // In double: 3 · 2^31 · 2^31 would wrap around a long.
            double floats = (double)c * h * w;
            if (floats <= int.MaxValue / 8) return false;
            Report(Diagnostics.TensorTooLarge.Id, at, label, $"{c}x{h}x{w}");
            return true;
        }

        private void AddWeight(string name, params int[] shape) => _pendingWeights.Add(new WeightDef(name, shape, Ignored: false));

        private void ReportWindow(string label, string layer, int kernel, int dilation, TensorDef input, int padding, LocationInfo? at, bool customLayer)
        {
            // A window that does not fit the model's own input is a wrong layer (VG0004); one that stops fitting
            // because earlier layers shrank the image means the input is too small for the network (VG0005).
            bool shrunk = input.Height < _spec.Height || input.Width < _spec.Width;
            if (customLayer && !shrunk)
            {
                Report(Diagnostics.KernelTooLarge.Id, at, label, I(kernel), I(dilation), I(input.Height), I(input.Width), I(padding));
            }
            else
            {
                Report(Diagnostics.SpatialZero.Id, at ?? _spec.ModelLocation, I(_spec.Height), I(_spec.Width), layer);
            }
        }

        private void Report(string id, LocationInfo? at, params string[] args) =>
            _diagnostics.Add(ModelParser.Diag(id, at ?? _spec.ModelLocation, args));

        private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
