using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VisionGen.Generators.Architectures;
using VisionGen.Generators.Forward;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Parsing
{
    /// <summary>
    /// Stages 1–3: the class → <see cref="ModelSpec"/>. Reads symbols here and nowhere else: the architecture and layer
    /// attributes are read into an <see cref="ArchitectureSpec"/> and built, or the <c>Forward</c> method is evaluated, into
    /// one checked graph; everything past this point is plain data. Collects every declaration error instead of stopping
    /// at the first, and never throws for a bad declaration: an unexpected failure becomes VG0026 on this model alone.
    /// </summary>
    internal static class ModelParser
    {
        private const string Ns = "VisionGen.";

        public static ModelSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            try
            {
                return ParseModel(context, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                LocationInfo? at = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken));
                var failure = new DiagnosticInfo(Diagnostics.InternalError.Id, at, new EquatableArray<string>(new[] { type.Name, e.GetType().Name + ": " + e.Message }));
                return new ModelSpec(Namespace(type), type.Name, "internal", "", true, null, null, new EquatableArray<DiagnosticInfo>(new[] { failure }));
            }
        }

        /// <summary>The namespace as plain dotted names (no @ escapes: the emitter escapes what it writes as code).</summary>
        private static string? Namespace(INamedTypeSymbol type)
        {
            var parts = new List<string>();
            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace) parts.Insert(0, ns.Name);
            return parts.Count == 0 ? null : string.Join(".", parts);
        }

        private static ModelSpec ParseModel(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var syntax = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();
            AttributeData modelAttribute = context.Attributes[0];
            LocationInfo? modelLocation = LocationInfo.From(modelAttribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
            LocationInfo? classLocation = LocationInfo.From(syntax.Identifier.Parent is null ? null : syntax);
            var nothing = new ModelSpec(Namespace(type), type.Name, "internal", "", true, null, null, EquatableArray<DiagnosticInfo>.Empty);

            // An argument the compiler cannot bind (an undefined constant, a wrong type) is its error (CS0117, CS0029), not ours.
            if (HasErrors(modelAttribute)) return nothing;

            if (type.TypeKind != TypeKind.Class || type.IsRecord)
            {
                string kind = type.IsRecord ? "a record" : type.TypeKind == TypeKind.Struct ? "a struct" : "an " + type.TypeKind.ToString().ToLowerInvariant();
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, $"it is {kind}; declare the model as a partial class"));
            }
            if (type.IsFileLocal)
            {
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, "a file-local class cannot be extended by generated code in another file; remove 'file'"));
            }
            if (type.IsAbstract && !type.IsStatic && type.TypeKind == TypeKind.Class)
            {
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, "an abstract class cannot be loaded (Load creates an instance); remove 'abstract'"));
            }

            if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(Diag(Diagnostics.NotPartial.Id, classLocation, type.Name));
            }
            if (type.IsGenericType)
            {
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, "generic classes are not supported"));
            }
            if (type.ContainingType is not null)
            {
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, "nested classes are not supported; declare the model at namespace level"));
            }
            if (type.IsStatic)
            {
                diagnostics.Add(Diag(Diagnostics.UnsupportedClass.Id, classLocation, type.Name, "a model cannot be a static class"));
            }

            int batch = NamedInt(modelAttribute, "Batch", 1);
            int channels = NamedInt(modelAttribute, "Channels", 3);
            int height = NamedInt(modelAttribute, "Height", 0);
            int width = NamedInt(modelAttribute, "Width", 0);
            bool fold = NamedBool(modelAttribute, "FoldBatchNorm", true);
            int weightMemory = NamedInt(modelAttribute, "WeightMemory", 0);
            if (weightMemory is not (0 or 1))
                diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, modelLocation, "[VisionModel] WeightMemory", "WeightMemory.Fast or WeightMemory.Compact"));
            RequirePositive(diagnostics, modelLocation, "[VisionModel] Batch", batch);
            RequirePositive(diagnostics, modelLocation, "[VisionModel] Channels", channels);
            RequirePositive(diagnostics, modelLocation, "[VisionModel] Height", height);
            RequirePositive(diagnostics, modelLocation, "[VisionModel] Width", width);

            var backbones = new List<string>();
            var heads = new List<string>();
            var arch = new ArchitectureSpec { ModelLocation = modelLocation };
            ImageInputSpec? imageInput = null;
            LocationInfo? imageInputLocation = null;
            string[] classNames = Array.Empty<string>();
            YoloHeadArguments? yolo = null;
            var layers = arch.Layers;
            bool anyNetworkAttribute = false;

            void Backbone(string label, BackboneKind kind, LocationInfo? at)
            {
                anyNetworkAttribute = true;
                backbones.Add(label);
                arch.Backbone = kind;
                arch.BackboneLocation = at;
            }

            foreach (AttributeData attribute in type.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? name = attribute.AttributeClass?.ToDisplayString();
                if (name is null || !name.StartsWith(Ns, StringComparison.Ordinal) || name == Ns + "VisionModelAttribute") continue;
                if (HasErrors(attribute)) continue; // the compiler already reports malformed arguments
                LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken));
                switch (name.Substring(Ns.Length))
                {
                    case "Imaging.ImageInputAttribute":
                    {
                        imageInputLocation = location;
                        float[] mean = NamedFloatArray(attribute, "Mean") ?? Array.Empty<float>(), std = NamedFloatArray(attribute, "Std") ?? Array.Empty<float>();
                        imageInput = new ImageInputSpec(NamedInt(attribute, "Fit", 0), NamedInt(attribute, "ResizeShorterTo", 0),
                            new EquatableArray<float>(mean), new EquatableArray<float>(std), NamedBool(attribute, "Bgr", false), NamedInt(attribute, "Fill", 114));
                        if (channels is not (1 or 3))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] with [VisionModel] Channels", "1 or 3 (an image input is gray or RGB)"));
                        if (mean.Length is not (0 or 1) && mean.Length != channels)
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] Mean", $"empty, one value or one per channel ({channels})"));
                        if (std.Length is not (0 or 1) && std.Length != channels || Array.Exists(std, v => !(v > 0) || float.IsInfinity(v)))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] Std", $"empty, one value or one per channel ({channels}), each finite and positive"));
                        if (Array.Exists(mean, v => float.IsNaN(v) || float.IsInfinity(v)))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] Mean", "finite values"));
                        if (imageInput.Fit is < 0 or > 2) diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] Fit", "an ImageFit value"));
                        if (imageInput.Fill is < 0 or > 255) diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ImageInput] Fill", "0 to 255"));
                        if (imageInput.ResizeShorterTo < 0) diagnostics.Add(Diag(Diagnostics.Negative.Id, location, "[ImageInput] ResizeShorterTo", imageInput.ResizeShorterTo.ToString(CultureInfo.InvariantCulture)));
                        break;
                    }
                    case "Imaging.ClassNamesAttribute":
                        classNames = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Array
                            ? attribute.ConstructorArguments[0].Values.Select(v => v.Value as string ?? "").ToArray()
                            : attribute.ConstructorArguments.Select(v => v.Value as string ?? "").ToArray();
                        break;
                    case "YoloHeadAttribute":
                        yolo = new YoloHeadArguments(
                            NamedInt(attribute, "Classes", 80), NamedInt(attribute, "RegMax", 16),
                            NamedFloat(attribute, "ScoreThreshold", 0.25f), NamedFloat(attribute, "NmsThreshold", 0.7f),
                            NamedInt(attribute, "DetectionsPerImage", 300), NamedInt(attribute, "TopKCandidates", 30000), location);
                        RequirePositive(diagnostics, location, "[YoloHead] Classes", yolo.Classes);
                        RequirePositive(diagnostics, location, "[YoloHead] DetectionsPerImage", yolo.DetectionsPerImage);
                        RequirePositive(diagnostics, location, "[YoloHead] TopKCandidates", yolo.TopKCandidates);
                        if (yolo.RegMax is < 1 or > 64) diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[YoloHead] RegMax", "1 to 64"));
                        if (!(yolo.ScoreThreshold >= 0 && yolo.ScoreThreshold < 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[YoloHead] ScoreThreshold", "in [0, 1)"));
                        if (!(yolo.NmsThreshold > 0 && yolo.NmsThreshold <= 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[YoloHead] NmsThreshold", "in (0, 1]"));
                        break;
                    case "ResNetAttribute":
                    {
                        Backbone("[ResNet]", BackboneKind.ResNet, location);
                        arch.ResNetDepth = NamedInt(attribute, "Depth", 18);
                        arch.Groups = NamedInt(attribute, "Groups", 1);
                        arch.WidthPerGroup = NamedInt(attribute, "WidthPerGroup", 64);
                        if (Ops.ResNetLayout.BlocksPerStage(arch.ResNetDepth) is null)
                        {
                            diagnostics.Add(Diag(Diagnostics.UnsupportedDepth.Id, location, arch.ResNetDepth.ToString(CultureInfo.InvariantCulture)));
                        }
                        arch.ReplaceStrideWithDilation = NamedBoolArray(attribute, "ReplaceStrideWithDilation");
                        arch.DilationDeclared = HasNamed(attribute, "ReplaceStrideWithDilation");
                        if (arch.ReplaceStrideWithDilation.Length is not (0 or 3))
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ResNet] ReplaceStrideWithDilation",
                                $"three flags, for layer2, layer3 and layer4 (torchvision's replace_stride_with_dilation), but it has {arch.ReplaceStrideWithDilation.Length.ToString(CultureInfo.InvariantCulture)}"));
                        }
                        else if (Array.IndexOf(arch.ReplaceStrideWithDilation, true) >= 0 && Ops.ResNetLayout.BlocksPerStage(arch.ResNetDepth) is not null
                            && !Ops.ResNetLayout.UsesBottleneck(arch.ResNetDepth))
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ResNet] ReplaceStrideWithDilation",
                                $"all false for Depth = {arch.ResNetDepth.ToString(CultureInfo.InvariantCulture)} (torchvision's BasicBlock does not support dilation; use Depth = 50 or more)"));
                        }
                        RequirePositive(diagnostics, location, "[ResNet] Groups", arch.Groups);
                        RequirePositive(diagnostics, location, "[ResNet] WidthPerGroup", arch.WidthPerGroup);
                        if (arch.Groups > 0 && arch.WidthPerGroup > 0 && (long)arch.Groups * arch.WidthPerGroup > 1 << 17)
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ResNet] Groups · WidthPerGroup", $"at most {1 << 17}, but it is {(long)arch.Groups * arch.WidthPerGroup}"));
                        }
                        else if (!Ops.ResNetLayout.UsesBottleneck(arch.ResNetDepth) && (arch.Groups != 1 || arch.WidthPerGroup != 64))
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[ResNet] Groups and WidthPerGroup",
                                $"1 and 64 for Depth = {arch.ResNetDepth.ToString(CultureInfo.InvariantCulture)} (torchvision's BasicBlock supports no others; ResNeXt and wide ResNet use Depth = 50 or more)"));
                        }
                        break;
                    }
                    case "MobileNetV2Attribute":
                        Backbone("[MobileNetV2]", BackboneKind.MobileNetV2, location);
                        arch.WidthMultiplier = WidthMultiplier(attribute, "[MobileNetV2]", location, diagnostics);
                        break;
                    case "MobileNetV3Attribute":
                    {
                        Backbone("[MobileNetV3]", BackboneKind.MobileNetV3, location);
                        int size = NamedInt(attribute, "Size", 0);
                        RequireMember(diagnostics, location, "[MobileNetV3] Size", size, "Large or Small", 0, 1);
                        arch.Small = size == 1;
                        arch.WidthMultiplier = WidthMultiplier(attribute, "[MobileNetV3]", location, diagnostics);
                        arch.ReducedTail = NamedBool(attribute, "ReducedTail", false);
                        arch.Dilated = NamedBool(attribute, "Dilated", false);
                        arch.DilationDeclared = HasNamed(attribute, "Dilated");
                        break;
                    }
                    case "VGGAttribute":
                        Backbone("[VGG]", BackboneKind.Vgg, location);
                        arch.VggDepth = NamedInt(attribute, "Depth", 16);
                        arch.VggBatchNorm = NamedBool(attribute, "BatchNorm", false);
                        if (Vgg.Configuration(arch.VggDepth) is null)
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, "[VGG] Depth",
                                $"11, 13, 16 or 19 (torchvision's vgg11 … vgg19), but it is {arch.VggDepth.ToString(CultureInfo.InvariantCulture)}"));
                        }
                        break;
                    case "EfficientNetAttribute":
                        Backbone("[EfficientNet]", BackboneKind.EfficientNet, location);
                        arch.Variant = NamedInt(attribute, "Variant", 0);
                        RequireMember(diagnostics, location, "[EfficientNet] Variant", arch.Variant, "one of B0 … B7", 0, 7);
                        break;
                    case "EfficientNetV2Attribute":
                        Backbone("[EfficientNetV2]", BackboneKind.EfficientNetV2, location);
                        arch.Variant = NamedInt(attribute, "Size", 0);
                        RequireMember(diagnostics, location, "[EfficientNetV2] Size", arch.Variant, "S, M or L", 0, 2);
                        break;
                    case "GoogLeNetAttribute":
                    case "InceptionV3Attribute":
                    {
                        bool google = name.EndsWith("GoogLeNetAttribute", StringComparison.Ordinal);
                        Backbone(google ? "[GoogLeNet]" : "[InceptionV3]", google ? BackboneKind.GoogLeNet : BackboneKind.InceptionV3, location);
                        arch.TransformInput = NamedBool(attribute, "TransformInput", false);
                        if (arch.TransformInput && channels != 3)
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, (google ? "[GoogLeNet]" : "[InceptionV3]") + " TransformInput",
                                $"false with {channels.ToString(CultureInfo.InvariantCulture)} input channels (it re-normalizes three RGB channels)"));
                        }
                        break;
                    }
                    case "FpnNeckAttribute":
                        anyNetworkAttribute = true;
                        arch.Neck = new NeckSpec(NamedInt(attribute, "OutChannels", 256), (FpnExtra)NamedInt(attribute, "ExtraBlocks", 0), NamedIntArray(attribute, "Stages"), location);
                        RequirePositive(diagnostics, location, "[FpnNeck] OutChannels", arch.Neck.OutChannels);
                        break;
                    case "BiFpnAttribute":
                    {
                        anyNetworkAttribute = true;
                        arch.BiFpn = new BiFpnSpec(NamedInt(attribute, "Channels", 64), NamedInt(attribute, "Repeats", 3), NamedInt(attribute, "Levels", 5),
                            NamedFloat(attribute, "Eps", 1e-3f), location);
                        LocationInfo? At(string argument) => ArgumentLocation(attribute, argument, location, cancellationToken);
                        RequirePositive(diagnostics, At("Channels"), "[BiFpn] Channels", arch.BiFpn.Channels);
                        RequirePositive(diagnostics, At("Repeats"), "[BiFpn] Repeats", arch.BiFpn.Repeats);
                        if (arch.BiFpn.Levels is < 3 or > 7)
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, At("Levels"), "[BiFpn] Levels",
                                $"from 3 (P3–P5) to 7 (P3–P9), but it is {arch.BiFpn.Levels.ToString(CultureInfo.InvariantCulture)}"));
                        }
                        if (!(arch.BiFpn.Eps > 0) || !IsFinite(arch.BiFpn.Eps))
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, At("Eps"), "[BiFpn] Eps",
                                $"a finite positive number, but it is {arch.BiFpn.Eps.ToString(CultureInfo.InvariantCulture)}"));
                        }
                        break;
                    }
                    case "RetinaNetHeadAttribute":
                    case "FcosHeadAttribute":
                    {
                        anyNetworkAttribute = true;
                        bool fcos = name.EndsWith("FcosHeadAttribute", StringComparison.Ordinal);
                        string label = fcos ? "[FcosHead]" : "[RetinaNetHead]";
                        heads.Add(label);
                        arch.Head = fcos ? HeadKind.Fcos : HeadKind.RetinaNet;
                        arch.HeadLocation = location;
                        float[] ratios = fcos ? new[] { 1.0f } : NamedFloatArray(attribute, "AspectRatios") ?? new[] { 0.5f, 1.0f, 2.0f };
                        var detection = new DetectionHeadSpec(
                            Classes: NamedInt(attribute, "Classes", 91),
                            AnchorSizes: NamedIntArray(attribute, "AnchorSizes"),
                            AspectRatios: ratios,
                            ScoreThreshold: NamedFloat(attribute, "ScoreThreshold", fcos ? 0.2f : 0.05f),
                            NmsThreshold: NamedFloat(attribute, "NmsThreshold", fcos ? 0.6f : 0.5f),
                            DetectionsPerImage: NamedInt(attribute, "DetectionsPerImage", fcos ? 100 : 300),
                            TopKCandidates: NamedInt(attribute, "TopKCandidates", 1000),
                            GroupNormGroups: fcos ? NamedInt(attribute, "GroupNormGroups", 32) : 0);
                        arch.Detection = detection;
                        RequirePositive(diagnostics, location, label + " Classes", detection.Classes);
                        RequirePositive(diagnostics, location, label + " DetectionsPerImage", detection.DetectionsPerImage);
                        RequirePositive(diagnostics, location, label + " TopKCandidates", detection.TopKCandidates);
                        if (fcos) RequirePositive(diagnostics, location, label + " GroupNormGroups", detection.GroupNormGroups);
                        foreach (int size in detection.AnchorSizes) RequirePositive(diagnostics, location, label + " AnchorSizes entry", size);
                        if (ratios.Length == 0 || Array.Exists(ratios, r => !(r > 0) || float.IsInfinity(r)))
                        {
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " AspectRatios", "a non-empty list of positive ratios"));
                        }
                        if (!(detection.ScoreThreshold >= 0 && detection.ScoreThreshold < 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " ScoreThreshold", "in [0, 1)"));
                        if (!(detection.NmsThreshold > 0 && detection.NmsThreshold <= 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " NmsThreshold", "in (0, 1]"));
                        break;
                    }
                    case "DeepLabV3HeadAttribute":
                    case "FcnHeadAttribute":
                    case "LrasppHeadAttribute":
                    {
                        anyNetworkAttribute = true;
                        string label = "[" + name.Substring(Ns.Length, name.Length - Ns.Length - "Attribute".Length) + "]";
                        heads.Add(label);
                        arch.Head = label == "[DeepLabV3Head]" ? HeadKind.DeepLabV3 : label == "[FcnHead]" ? HeadKind.Fcn : HeadKind.Lraspp;
                        arch.HeadLocation = location;
                        arch.Classes = NamedInt(attribute, "Classes", 21);
                        RequirePositive(diagnostics, location, label + " Classes", arch.Classes);
                        if (arch.Head == HeadKind.Lraspp)
                        {
                            arch.InterChannels = NamedInt(attribute, "InterChannels", 128);
                            RequirePositive(diagnostics, location, label + " InterChannels", arch.InterChannels);
                        }
                        break;
                    }
                    case "FasterRcnnHeadAttribute":
                    {
                        anyNetworkAttribute = true;
                        const string label = "[FasterRcnnHead]";
                        heads.Add(label);
                        arch.Head = HeadKind.FasterRcnn;
                        arch.HeadLocation = location;
                        float[] ratios = NamedFloatArray(attribute, "AspectRatios") ?? new[] { 0.5f, 1.0f, 2.0f };
                        var head = new FasterRcnnHeadSpec(
                            Classes: NamedInt(attribute, "Classes", 91),
                            AnchorSizes: NamedIntArray(attribute, "AnchorSizes"),
                            AllSizesOnEveryLevel: NamedBool(attribute, "AllSizesOnEveryLevel", false),
                            AspectRatios: ratios,
                            RpnPreNmsTopN: NamedInt(attribute, "RpnPreNmsTopN", 1000),
                            RpnPostNmsTopN: NamedInt(attribute, "RpnPostNmsTopN", 1000),
                            RpnNmsThreshold: NamedFloat(attribute, "RpnNmsThreshold", 0.7f),
                            RpnScoreThreshold: NamedFloat(attribute, "RpnScoreThreshold", -1f),
                            RepresentationSize: NamedInt(attribute, "RepresentationSize", 1024),
                            ScoreThreshold: NamedFloat(attribute, "ScoreThreshold", 0.05f),
                            NmsThreshold: NamedFloat(attribute, "NmsThreshold", 0.5f),
                            DetectionsPerImage: NamedInt(attribute, "DetectionsPerImage", 100));
                        arch.FasterRcnn = head;
                        RequirePositive(diagnostics, location, label + " Classes", head.Classes);
                        RequirePositive(diagnostics, location, label + " DetectionsPerImage", head.DetectionsPerImage);
                        RequirePositive(diagnostics, location, label + " RpnPreNmsTopN", head.RpnPreNmsTopN);
                        RequirePositive(diagnostics, location, label + " RpnPostNmsTopN", head.RpnPostNmsTopN);
                        RequirePositive(diagnostics, location, label + " RepresentationSize", head.RepresentationSize);
                        foreach (int size in head.AnchorSizes) RequirePositive(diagnostics, location, label + " AnchorSizes entry", size);
                        if (ratios.Length == 0 || Array.Exists(ratios, r => !(r > 0) || float.IsInfinity(r)))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " AspectRatios", "a non-empty list of positive ratios"));
                        if (!(head.ScoreThreshold >= 0 && head.ScoreThreshold < 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " ScoreThreshold", "in [0, 1)"));
                        if (!(head.NmsThreshold > 0 && head.NmsThreshold <= 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " NmsThreshold", "in (0, 1]"));
                        if (!(head.RpnNmsThreshold > 0 && head.RpnNmsThreshold <= 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " RpnNmsThreshold", "in (0, 1]"));
                        if (HasNamed(attribute, "RpnScoreThreshold") && !(head.RpnScoreThreshold >= 0 && head.RpnScoreThreshold < 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " RpnScoreThreshold", "in [0, 1)"));
                        break;
                    }
                    case "Ssd300Vgg16Attribute":
                    case "SsdLite320MobileNetV3LargeAttribute":
                    {
                        bool lite = name.EndsWith("SsdLite320MobileNetV3LargeAttribute", StringComparison.Ordinal);
                        string label = lite ? "[SsdLite320MobileNetV3Large]" : "[Ssd300Vgg16]";
                        // One attribute declares the whole detector: its backbone and its head.
                        Backbone(label, lite ? BackboneKind.SsdLiteMobileNetV3 : BackboneKind.SsdVgg16, location);
                        heads.Add(label);
                        arch.Head = HeadKind.Ssd;
                        arch.HeadLocation = location;
                        var ssd = new SsdSpec(
                            Lite: lite,
                            Classes: NamedInt(attribute, "Classes", 91),
                            ReducedTail: lite && NamedBool(attribute, "ReducedTail", true),
                            ScoreThreshold: NamedFloat(attribute, "ScoreThreshold", lite ? 0.001f : 0.01f),
                            NmsThreshold: NamedFloat(attribute, "NmsThreshold", lite ? 0.55f : 0.45f),
                            DetectionsPerImage: NamedInt(attribute, "DetectionsPerImage", lite ? 300 : 200),
                            TopKCandidates: NamedInt(attribute, "TopKCandidates", lite ? 300 : 400));
                        arch.Ssd = ssd;
                        if (ssd.Classes < 2)
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " Classes",
                                $"at least 2 (torchvision counts the background class 0 in it), but it is {ssd.Classes.ToString(CultureInfo.InvariantCulture)}"));
                        RequirePositive(diagnostics, location, label + " DetectionsPerImage", ssd.DetectionsPerImage);
                        RequirePositive(diagnostics, location, label + " TopKCandidates", ssd.TopKCandidates);
                        if (!(ssd.ScoreThreshold >= 0 && ssd.ScoreThreshold < 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " ScoreThreshold", "in [0, 1)"));
                        if (!(ssd.NmsThreshold > 0 && ssd.NmsThreshold <= 1))
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " NmsThreshold", "in (0, 1]"));
                        if (ssd.Classes >= 2 && ssd.TopKCandidates > 0 && (long)ssd.TopKCandidates * (ssd.Classes - 1) > 1 << 24)
                            diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " TopKCandidates · (Classes − 1)", $"at most {1 << 24} candidates entering NMS"));
                        break;
                    }
                    case "ClassifierHeadAttribute":
                        anyNetworkAttribute = true;
                        heads.Add("[ClassifierHead]");
                        arch.Head = HeadKind.Classifier;
                        arch.HeadLocation = location;
                        arch.Classes = NamedInt(attribute, "Classes", 1000);
                        arch.HeadPrefix = NamedString(attribute, "Prefix", "");
                        RequirePositive(diagnostics, location, "[ClassifierHead] Classes", arch.Classes);
                        break;
                    default:
                        LayerSpec? layer = ParseLayer(name.Substring(Ns.Length), attribute, location, diagnostics);
                        if (layer is not null)
                        {
                            anyNetworkAttribute = true;
                            layers.Add(layer);
                        }
                        break;
                }
            }

            IMethodSymbol? forward = ForwardEvaluator.Find(type);
            if (forward is not null && anyNetworkAttribute)
            {
                diagnostics.Add(Diag(Diagnostics.ForwardAndAttributes.Id, modelLocation, type.Name, string.Join(" and ", backbones.Concat(heads).DefaultIfEmpty("layer attributes"))));
            }
            if (forward is null && yolo is not null)
            {
                diagnostics.Add(Diag(Diagnostics.YoloHead.Id, yolo.Location, "it decodes the raw per-scale outputs of a network declared with a Forward method; add 'static (Tensor, Tensor, Tensor) Forward(Tensor x)' returning them"));
            }
            if (forward is null)
            {
                CheckArchitecture(arch, backbones, heads, type.Name, modelLocation, diagnostics);
            }

            var input = Shape.Of(batch, channels, height, width);
            if (diagnostics.Count == 0 && (double)batch * channels * height * width > ShapeCheck.MaxTensorLength)
            {
                diagnostics.Add(Diag(Diagnostics.TensorTooLarge.Id, modelLocation, "[VisionModel]", input.Text));
            }

            Graph? graph = null;
            DetectionSpec? detectionSpec = null;
            string declaration = "";
            if (diagnostics.Count == 0)
            {
                var builder = new NetBuilder(input, diagnostics);
                if (forward is not null)
                {
                    ForwardEvaluator.Evaluate(context.SemanticModel.Compilation, type, forward, builder, cancellationToken);
                    declaration = "network declared by its Forward method";
                }
                else
                {
                    detectionSpec = Architecture.Build(builder, arch);
                    declaration = Architecture.Describe(arch);
                }
                if (diagnostics.Count == 0) graph = builder.Finish();
                if (graph is not null && yolo is not null) detectionSpec = YoloDetection(graph, yolo, diagnostics);
                if (graph is not null && imageInput is not null)
                {
                    string? problem = ImageInputProblem(graph, detectionSpec is not null, classNames.Length);
                    if (problem is not null) diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, imageInputLocation, "[ImageInput]", problem));
                }
                if (graph is not null && imageInput is null && classNames.Length > 0)
                {
                    Shape output = graph.TensorMap()[graph.Outputs[0].Tensor].Shape;
                    int classes = detectionSpec?.Classes ?? (output.Rank > 1 ? output[1] : output[0]);
                    if (classNames.Length != classes)
                        diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, modelLocation, "[ClassNames]", $"one name per class ({classes}), but it has {classNames.Length}"));
                }
                if (diagnostics.Count > 0) graph = null;
            }

            return new ModelSpec(
                Namespace: Namespace(type),
                ClassName: type.Name,
                Accessibility: AccessibilityText(type.DeclaredAccessibility),
                Declaration: declaration,
                FoldBatchNorm: fold,
                Graph: graph,
                Detection: detectionSpec,
                Diagnostics: new EquatableArray<DiagnosticInfo>(diagnostics))
            {
                ImageInput = imageInput,
                Segmentation = forward is null && arch.IsSegmentation,
                ClassNames = new EquatableArray<string>(classNames),
                CompactWeights = weightMemory == 1,
            };
        }

        /// <summary>The arguments of [YoloHead], checked against the graph once it is built.</summary>
        private sealed record YoloHeadArguments(int Classes, int RegMax, float ScoreThreshold, float NmsThreshold, int DetectionsPerImage, int TopKCandidates, LocationInfo? Location);

        /// <summary>
        /// The detection spec of a YOLO head: every graph output must be one scale's raw output [1, 4·RegMax + Classes, H, W]
        /// with the same whole stride down and across, finest scale first; otherwise VG0027 at the attribute, naming the output.
        /// </summary>
        private static DetectionSpec? YoloDetection(Graph graph, YoloHeadArguments yolo, List<DiagnosticInfo> diagnostics)
        {
            var tensors = graph.TensorMap();
            Shape input = tensors[graph.Input].Shape;
            int channels = 4 * yolo.RegMax + yolo.Classes;
            var levels = new List<AnchorLevel>();
            int previousStride = 0, cells = 0;
            string? problem = input.N != 1 ? $"a YOLO detector runs one image (Batch = 1), not {input.N}" : null;
            for (int i = 0; problem is null && i < graph.Outputs.Count; i++)
            {
                Shape shape = tensors[graph.Outputs[i].Tensor].Shape;
                string what = graph.Outputs.Count == 1 ? "Forward's output" : $"Forward's output {i + 1} of {graph.Outputs.Count}";
                if (shape.Rank != 4 || shape[1] != channels)
                {
                    problem = $"{what} is {shape.Text}, but each scale's raw output must be [1, {channels}, H, W] (4 x RegMax {yolo.RegMax} box bins, then {yolo.Classes} class logits)";
                    break;
                }
                int stride = input.H / shape.H;
                if (shape.H * stride != input.H || shape.W * stride != input.W)
                {
                    problem = $"{what} is {shape.H}x{shape.W}, which does not divide the {input.H}x{input.W} input by one whole stride";
                    break;
                }
                if (stride <= previousStride)
                {
                    problem = $"{what} has stride {stride}, not coarser than the scale before it ({previousStride}); return the scales finest first";
                    break;
                }
                previousStride = stride;
                cells += shape.H * shape.W;
                levels.Add(new AnchorLevel(shape.H, shape.W, EquatableArray<float>.Empty));
            }
            if (problem is not null)
            {
                diagnostics.Add(Diag(Diagnostics.YoloHead.Id, yolo.Location, problem));
                return null;
            }
            return new DetectionSpec(false, yolo.Classes, new EquatableArray<AnchorLevel>(levels.ToArray()), EquatableArray<float>.Empty,
                yolo.ScoreThreshold, yolo.NmsThreshold, yolo.DetectionsPerImage, Math.Min(yolo.TopKCandidates, cells)) { YoloRegMax = yolo.RegMax };
        }

        /// <summary>Why the model cannot take an image the way [ImageInput] asks, or null: it needs batch 1 and a classifier, segmenter or detector output.</summary>
        private static string? ImageInputProblem(Graph graph, bool detection, int classNames)
        {
            var tensors = graph.TensorMap();
            Shape input = tensors[graph.Input].Shape;
            if (input.N != 1) return "an image goes through a model with Batch = 1; run a batch with Run";
            if (detection) return null;
            if (graph.Outputs.Count != 1) return "a classifier (one N×K output), a segmenter (one N×K×H×W output at the input size) or a detector is needed";
            Shape output = tensors[graph.Outputs[0].Tensor].Shape;
            bool classifier = output.Rank == 2, segmenter = output.IsImage && output.H == input.H && output.W == input.W && output.C <= 256;
            if (!classifier && !segmenter)
                return $"its output {output.Text} is neither class scores (N×K) nor a label map at the input size (N×K×{input.H}×{input.W}, at most 256 labels)";
            if (classNames > 0 && classNames != (classifier ? output[1] : output.C)) return $"[ClassNames] has {classNames} names for {(classifier ? output[1] : output.C)} classes";
            return null;
        }

        /// <summary>Checks how the architecture attributes combine: one backbone, one head, a neck only with a detection head.</summary>
        private static void CheckArchitecture(ArchitectureSpec arch, List<string> backbones, List<string> heads, string typeName, LocationInfo? modelLocation, List<DiagnosticInfo> diagnostics)
        {
            List<LayerSpec> layers = arch.Layers;
            if (layers.Count > 0)
            {
                backbones.Add("custom layers");
                if (arch.Backbone == BackboneKind.None)
                {
                    arch.Backbone = BackboneKind.Custom;
                    arch.BackboneLocation = layers[0].Location;
                }
            }
            if (backbones.Count > 1)
            {
                diagnostics.Add(Diag(Diagnostics.TwoBackbones.Id, arch.BackboneLocation ?? modelLocation, typeName, string.Join(" and ", backbones)));
            }
            if (heads.Count > 1)
            {
                diagnostics.Add(Diag(Diagnostics.TwoHeads.Id, arch.HeadLocation ?? modelLocation, typeName, string.Join(" and ", heads)));
            }
            if (arch.Head is HeadKind.RetinaNet or HeadKind.Fcos or HeadKind.FasterRcnn && !arch.HasNeck)
            {
                diagnostics.Add(Diag(Diagnostics.HeadNeedsNeck.Id, arch.HeadLocation, heads[heads.Count - 1]));
            }
            if (arch.Neck is not null && arch.Head is not (HeadKind.RetinaNet or HeadKind.Fcos or HeadKind.FasterRcnn or HeadKind.Ssd))
            {
                diagnostics.Add(Diag(Diagnostics.NeckNeedsDetectionHead.Id, arch.Neck.Location, "[FpnNeck]"));
            }
            CheckBiFpn(arch, backbones, diagnostics);
            if (arch.Neck is not null && arch.Head == HeadKind.Ssd)
            {
                diagnostics.Add(Diag(Diagnostics.NeckStages.Id, arch.Neck.Location, $"{heads[heads.Count - 1]} builds torchvision's own SSD feature extractor (its extra blocks are the pyramid); remove [FpnNeck]"));
            }
            else if (arch.Neck is not null && arch.Backbone == BackboneKind.Custom)
            {
                diagnostics.Add(Diag(Diagnostics.NeckStages.Id, arch.Neck.Location, "[FpnNeck] needs a [ResNet] or [MobileNetV2] backbone, whose stages it reads; a custom stack has no stages"));
            }
            else if (arch.Neck is not null && arch.Backbone is not (BackboneKind.ResNet or BackboneKind.MobileNetV2 or BackboneKind.MobileNetV3 or BackboneKind.None))
            {
                diagnostics.Add(Diag(Diagnostics.NeckStages.Id, arch.Neck.Location, $"[FpnNeck] reads the stages of a [ResNet], [MobileNetV2] or [MobileNetV3] backbone; it does not support {backbones[0]} yet"));
            }
            if (arch.IsSegmentation && arch.Backbone != BackboneKind.None && backbones.Count == 1)
            {
                string head = "[" + Architecture.HeadName(arch.Head) + "]";
                bool lraspp = arch.Head == HeadKind.Lraspp;
                if (lraspp ? arch.Backbone != BackboneKind.MobileNetV3 : arch.Backbone is not (BackboneKind.ResNet or BackboneKind.MobileNetV3))
                {
                    diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, arch.HeadLocation, head + "'s backbone",
                        (lraspp ? "[MobileNetV3] (it reads the stride-8 stage and the last one, as torchvision's lraspp_mobilenet_v3_large)"
                                : "[ResNet] or [MobileNetV3], as torchvision's segmentation builders") + $", but it is {backbones[0]}"));
                }
                else if (!arch.DilationDeclared)
                {
                    // torchvision's segmentation builders: resnet50/101(replace_stride_with_dilation=[False, True, True]),
                    // mobilenet_v3_large(dilated=True). Declared flags win; BasicBlock ResNets stay undilated.
                    if (arch.Backbone == BackboneKind.MobileNetV3) arch.Dilated = true;
                    else if (Ops.ResNetLayout.UsesBottleneck(arch.ResNetDepth)) arch.ReplaceStrideWithDilation = new[] { false, true, true };
                }
            }
            if (arch.Backbone == BackboneKind.None)
            {
                diagnostics.Add(arch.Head != HeadKind.None
                    ? Diag(Diagnostics.HeadWithoutBackbone.Id, arch.HeadLocation, heads[heads.Count - 1])
                    : Diag(Diagnostics.EmptyModel.Id, modelLocation, typeName));
            }
            CheckDuplicatePrefixes(layers, diagnostics);
        }

        /// <summary>What a [BiFpn] needs from the rest of the declaration: a detection head, no second neck, a backbone whose stages it can read.</summary>
        private static void CheckBiFpn(ArchitectureSpec arch, List<string> backbones, List<DiagnosticInfo> diagnostics)
        {
            if (arch.BiFpn is not BiFpnSpec neck) return;
            if (arch.Neck is not null)
                diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, neck.Location, "[BiFpn]", "the only neck, but [FpnNeck] is declared too; keep one of them"));
            if (arch.Head is not (HeadKind.RetinaNet or HeadKind.Fcos))
                diagnostics.Add(Diag(Diagnostics.NeckNeedsDetectionHead.Id, neck.Location, "[BiFpn]"));
            if (arch.Backbone == BackboneKind.Custom)
            {
                diagnostics.Add(Diag(Diagnostics.NeckStages.Id, neck.Location,
                    "[BiFpn] reads P3–P5 from the stages of a [ResNet], [MobileNetV2], [MobileNetV3], [EfficientNet], [EfficientNetV2] or [VGG] backbone; a custom stack has no stages"));
            }
            else if (arch.Backbone is BackboneKind.GoogLeNet or BackboneKind.InceptionV3)
            {
                diagnostics.Add(Diag(Diagnostics.NeckStages.Id, neck.Location,
                    $"[BiFpn] reads P3–P5 from the stages of a [ResNet], [MobileNetV2], [MobileNetV3], [EfficientNet], [EfficientNetV2] or [VGG] backbone; it does not support {backbones[0]} yet"));
            }
        }

        /// <summary>Where a named attribute argument (<c>Repeats = 0</c>) is written, so its diagnostic points at it; else the attribute.</summary>
        private static LocationInfo? ArgumentLocation(AttributeData attribute, string name, LocationInfo? fallback, CancellationToken cancellationToken)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax { ArgumentList: { } list })
            {
                foreach (AttributeArgumentSyntax argument in list.Arguments)
                {
                    if (argument.NameEquals?.Name.Identifier.ValueText == name) return LocationInfo.From(argument);
                }
            }
            return fallback;
        }

        private static LayerSpec? ParseLayer(string attributeName, AttributeData a, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            LayerSpec Make(LayerKind kind, string prefix = "", int inChannels = 0, int outChannels = 0, int kernel = 0,
                int stride = 0, int padding = 0, int dilation = 1, int groups = 1, bool bias = false, float eps = 0, int inFeatures = 0) =>
                new LayerSpec(kind, prefix, inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, eps, inFeatures, location);

            switch (attributeName)
            {
                case "Conv2dAttribute":
                {
                    var spec = Make(LayerKind.Conv2d,
                        prefix: CtorString(a, 0),
                        inChannels: NamedInt(a, "InChannels", 0),
                        outChannels: CtorInt(a, 1),
                        kernel: CtorInt(a, 2),
                        stride: NamedInt(a, "Stride", 1),
                        padding: NamedInt(a, "Padding", 0),
                        dilation: NamedInt(a, "Dilation", 1),
                        groups: NamedInt(a, "Groups", 1),
                        bias: NamedBool(a, "Bias", true));
                    RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] out channels", spec.OutChannels);
                    RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] kernel size", spec.KernelSize);
                    RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] Stride", spec.Stride);
                    RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] Dilation", spec.Dilation);
                    RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] Groups", spec.Groups);
                    RequireNonNegative(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] Padding", spec.Padding);
                    if (HasNamed(a, "InChannels")) RequirePositive(diagnostics, location, $"[Conv2d(\"{spec.Prefix}\")] InChannels", spec.InChannels);
                    return spec;
                }
                case "BatchNorm2dAttribute":
                    return Make(LayerKind.BatchNorm2d, prefix: CtorString(a, 0), eps: NamedFloat(a, "Eps", 1e-5f));
                case "ReLUAttribute":
                    return Make(LayerKind.ReLU);
                case "ReLU6Attribute":
                    return Make(LayerKind.ReLU6);
                case "MaxPool2dAttribute":
                case "AvgPool2dAttribute":
                {
                    bool max = attributeName == "MaxPool2dAttribute";
                    int kernel = CtorInt(a, 0);
                    int stride = NamedInt(a, "Stride", 0);
                    var spec = Make(max ? LayerKind.MaxPool2d : LayerKind.AvgPool2d,
                        kernel: kernel, stride: stride == 0 ? kernel : stride, padding: NamedInt(a, "Padding", 0));
                    string label = max ? "[MaxPool2d]" : "[AvgPool2d]";
                    RequirePositive(diagnostics, location, label + " kernel size", kernel);
                    if (stride < 0) RequirePositive(diagnostics, location, label + " Stride", stride);
                    RequireNonNegative(diagnostics, location, label + " Padding", spec.Padding);
                    if (kernel > 0 && spec.Padding * 2 > kernel)
                    {
                        // PyTorch's own rule: "pad should be at most half of effective kernel size".
                        diagnostics.Add(Diag(Diagnostics.PaddingTooLarge.Id, location, label,
                            spec.Padding.ToString(CultureInfo.InvariantCulture), kernel.ToString(CultureInfo.InvariantCulture)));
                    }
                    return spec;
                }
                case "GroupNormAttribute":
                {
                    var spec = Make(LayerKind.GroupNorm, prefix: CtorString(a, 0), groups: CtorInt(a, 1), eps: NamedFloat(a, "Eps", 1e-5f), bias: NamedBool(a, "Affine", true));
                    RequirePositive(diagnostics, location, $"[GroupNorm(\"{spec.Prefix}\")] groups", spec.Groups);
                    return spec;
                }
                case "InstanceNorm2dAttribute":
                    return Make(LayerKind.InstanceNorm2d, prefix: CtorString(a, 0), eps: NamedFloat(a, "Eps", 1e-5f), bias: NamedBool(a, "Affine", false));
                case "LayerNormAttribute":
                    return Make(LayerKind.LayerNorm, prefix: CtorString(a, 0), eps: NamedFloat(a, "Eps", 1e-5f), bias: NamedBool(a, "ElementwiseAffine", true));
                case "GlobalAvgPoolAttribute":
                    return Make(LayerKind.GlobalAvgPool);
                case "FlattenAttribute":
                    return Make(LayerKind.Flatten);
                case "LinearAttribute":
                {
                    var spec = Make(LayerKind.Linear,
                        prefix: CtorString(a, 0),
                        outChannels: CtorInt(a, 1),
                        bias: NamedBool(a, "Bias", true),
                        inFeatures: NamedInt(a, "InFeatures", 0));
                    RequirePositive(diagnostics, location, $"[Linear(\"{spec.Prefix}\")] out features", spec.OutChannels);
                    if (HasNamed(a, "InFeatures")) RequirePositive(diagnostics, location, $"[Linear(\"{spec.Prefix}\")] InFeatures", spec.InFeatures);
                    return spec;
                }
                default:
                    return null; // VisionModel itself, or an attribute from another VisionGen feature
            }
        }

        private static void CheckDuplicatePrefixes(List<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (LayerSpec layer in layers)
            {
                bool bindsWeights = layer.Kind is LayerKind.Conv2d or LayerKind.BatchNorm2d or LayerKind.Linear
                    or LayerKind.GroupNorm or LayerKind.InstanceNorm2d or LayerKind.LayerNorm;
                if (bindsWeights && !seen.Add(layer.Prefix))
                {
                    diagnostics.Add(Diag(Diagnostics.DuplicatePrefix.Id, layer.Location, layer.Prefix));
                }
            }
        }

        /// <summary>A width multiplier (MobileNetV2, MobileNetV3): positive, finite, at most 100; returned as the decimal the user typed (1.4f is 1.4, not 1.3999999761).</summary>
        private static double WidthMultiplier(AttributeData attribute, string label, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            float multiplier = NamedFloat(attribute, "WidthMultiplier", 1.0f);
            if (!(multiplier > 0) || !IsFinite(multiplier))
            {
                diagnostics.Add(Diag(Diagnostics.NonPositive.Id, location, label + " WidthMultiplier", multiplier.ToString(CultureInfo.InvariantCulture)));
            }
            else if (multiplier > 100)
            {
                diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, label + " WidthMultiplier", $"at most 100, but it is {multiplier.ToString(CultureInfo.InvariantCulture)}"));
            }
            return Emit.Format.UserDouble(multiplier);
        }

        /// <summary>An enum property cast from an undefined value (<c>(EfficientNetVariant)9</c>).</summary>
        private static void RequireMember(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, int value, string members, int min, int max)
        {
            if (value < min || value > max)
                diagnostics.Add(Diag(Diagnostics.OutOfRange.Id, location, what, $"{members}, but it is {value.ToString(CultureInfo.InvariantCulture)}"));
        }

        private static void RequirePositive(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, int value)
        {
            if (value <= 0) diagnostics.Add(Diag(Diagnostics.NonPositive.Id, location, what, value.ToString(CultureInfo.InvariantCulture)));
        }

        private static void RequireNonNegative(List<DiagnosticInfo> diagnostics, LocationInfo? location, string what, int value)
        {
            if (value < 0) diagnostics.Add(Diag(Diagnostics.Negative.Id, location, what, value.ToString(CultureInfo.InvariantCulture)));
        }

        internal static DiagnosticInfo Diag(string id, LocationInfo? location, params string[] args) =>
            new DiagnosticInfo(id, location, new EquatableArray<string>(args));

        private static bool HasErrors(AttributeData a)
        {
            if (a.AttributeClass is null || a.AttributeClass.TypeKind == TypeKind.Error) return true;
            foreach (TypedConstant c in a.ConstructorArguments) if (c.Kind == TypedConstantKind.Error) return true;
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments) if (n.Value.Kind == TypedConstantKind.Error) return true;
            // A constructor that did not bind leaves no arguments: treat as malformed.
            return a.AttributeConstructor is null;
        }

        private static bool HasNamed(AttributeData a, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments) if (n.Key == name) return true;
            return false;
        }

        private static object? Named(AttributeData a, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments)
            {
                if (n.Key == name) return n.Value.Value;
            }
            return null;
        }

        private static int NamedInt(AttributeData a, string name, int fallback) => Named(a, name) is int v ? v : fallback;

        private static float NamedFloat(AttributeData a, string name, float fallback) => Named(a, name) switch
        {
            float f => f,
            double d => (float)d,
            int i => i,
            _ => fallback,
        };

        private static bool NamedBool(AttributeData a, string name, bool fallback) => Named(a, name) is bool v ? v : fallback;

        private static string NamedString(AttributeData a, string name, string fallback) => Named(a, name) is string v ? v : fallback;

        private static int[] NamedIntArray(AttributeData a, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments)
            {
                if (n.Key != name || n.Value.Kind != TypedConstantKind.Array || n.Value.IsNull) continue;
                var values = new List<int>();
                foreach (TypedConstant v in n.Value.Values) values.Add(v.Value is int i ? i : 0);
                return values.ToArray();
            }
            return Array.Empty<int>();
        }

        private static bool[] NamedBoolArray(AttributeData a, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments)
            {
                if (n.Key != name || n.Value.Kind != TypedConstantKind.Array || n.Value.IsNull) continue;
                var values = new List<bool>();
                foreach (TypedConstant v in n.Value.Values) values.Add(v.Value is bool b && b);
                return values.ToArray();
            }
            return Array.Empty<bool>();
        }

        private static float[]? NamedFloatArray(AttributeData a, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> n in a.NamedArguments)
            {
                if (n.Key != name || n.Value.Kind != TypedConstantKind.Array || n.Value.IsNull) continue;
                var values = new List<float>();
                foreach (TypedConstant v in n.Value.Values) values.Add(v.Value switch { float f => f, double d => (float)d, int i => i, _ => float.NaN });
                return values.ToArray();
            }
            return null;
        }

        private static int CtorInt(AttributeData a, int index) =>
            index < a.ConstructorArguments.Length && a.ConstructorArguments[index].Value is int v ? v : 0;

        private static string CtorString(AttributeData a, int index) =>
            index < a.ConstructorArguments.Length && a.ConstructorArguments[index].Value is string v ? v : "";

        private static bool IsFinite(float f) => !float.IsNaN(f) && !float.IsInfinity(f);

        private static string AccessibilityText(Accessibility accessibility) => accessibility switch
        {
            Accessibility.Public => "public",
            Accessibility.Internal => "internal",
            _ => "internal",
        };
    }
}
