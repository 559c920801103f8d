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
            return true;
        }

        // ---------------------------------------------------------------- torchvision ResNet

        private string? ResNet(string x)
        {
            int depth = _spec.ResNetDepth;
            int[] blocks = ResNetLayout.BlocksPerStage(depth)!;
            bool bottleneck = ResNetLayout.UsesBottleneck(depth);
            int expansion = ResNetLayout.Expansion(depth);
            LocationInfo? at = _spec.BackboneLocation;

            string? y = ConvBnAct("conv1", "bn1", x, 64, 7, 2, 3, 1, 1, ActivationKind.Relu, at);
            if (y is null) return null;
            y = Pool(OpKind.MaxPool, "maxpool", y, 3, 2, 1, at);
            if (y is null) return null;

            int inplanes = 64;
            int[] planesPerStage = { 64, 128, 256, 512 };
            for (int stage = 0; stage < 4; stage++)
            {
                int planes = planesPerStage[stage];
                for (int b = 0; b < blocks[stage]; b++)
                {
                    string p = $"layer{stage + 1}.{b}";
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

            string? y = ConvBnAct("features.0.0", "features.0.1", x, inputChannel, 3, 2, 1, 1, 1, ActivationKind.Relu6, at);
            int feature = 1;
            foreach (int[] setting in MobileNetV2Layout.InvertedResidualSettings)
            {
                int t = setting[0], c = setting[1], n = setting[2], s = setting[3];
                int outputChannel = MobileNetV2Layout.MakeDivisible(c * width);
                for (int i = 0; i < n; i++)
                {
                    if (y is null) return null;
                    int stride = i == 0 ? s : 1;
                    y = InvertedResidual($"features.{feature}", y, inputChannel, outputChannel, stride, t, at);
                    inputChannel = outputChannel;
                    feature++;
                }
            }
            if (y is null) return null;
            return ConvBnAct($"features.{feature}.0", $"features.{feature}.1", y, lastChannel, 1, 1, 0, 1, 1, ActivationKind.Relu6, at);
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

        private string? Conv(string prefix, string x, int outChannels, int kernel, int stride, int padding, int dilation, int groups, bool bias, LocationInfo? at, bool customLayer, int declaredIn)
        {
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
            var op = new OpNode(OpKind.Conv, prefix, Unique(prefix), x)
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
            _graph.Weights.Add(new WeightDef(prefix + ".num_batches_tracked", new int[0], Ignored: true));
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

        /// <summary>Every tensor (and im2col matrix) must fit an int-indexed float array with room to spare.</summary>
        private bool TooLarge(string label, long c, long h, long w, LocationInfo? at)
        {
            // In double: 3 · 2^31 · 2^31 would wrap around a long.
            double floats = (double)c * h * w;
            if (floats <= int.MaxValue / 8) return false;
            Report(Diagnostics.TensorTooLarge.Id, at, label, $"{c}x{h}x{w}");
            return true;
        }

        private void AddWeight(string name, params int[] shape) => _graph.Weights.Add(new WeightDef(name, shape, Ignored: false));

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
