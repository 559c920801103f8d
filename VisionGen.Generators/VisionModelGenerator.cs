using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Parsing;
using VisionGen.Generators.Plan;

namespace VisionGen.Generators
{
    /// <summary>
    /// Turns each <c>[VisionModel]</c> partial class into specialized inference code: parse (attributes, or the
    /// <c>Forward</c> method) into a checked graph → optimize → plan → emit. Each model is processed on its own, from
    /// pure data, so an unrelated edit leaves every step cached, and a failure in one model never touches another.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class VisionModelGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the parse step (class → ModelSpec with its graph).</summary>
        public const string ParseStep = "VisionGen.ModelSpec";

        /// <summary>Tracking name of the optimize-to-emit step (ModelSpec → generated source + diagnostics).</summary>
        public const string GenerateStep = "VisionGen.GeneratedModel";

        /// <summary>Tracking name of the step that checks for VisionGen.Kernels (the GPU path).</summary>
        public const string KernelsStep = "VisionGen.HasKernels";

        private const string VisionModelAttribute = "VisionGen.VisionModelAttribute";
        private const string GpuKernelsType = "VisionGen.Kernels.GpuKernels";

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            IncrementalValuesProvider<ModelSpec> models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    VisionModelAttribute,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax, // records and structs get a diagnostic
                    static (ctx, ct) => ModelParser.Parse(ctx, ct))
                .WithTrackingName(ParseStep);

            // GPU executors are emitted only when the app references VisionGen.Kernels (ILGPU); a bool, so it stays cached.
            IncrementalValueProvider<bool> hasKernels = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName(GpuKernelsType) is not null)
                .WithTrackingName(KernelsStep);

            IncrementalValuesProvider<GeneratedModel> generated = models
                .Combine(hasKernels)
                .Select(static (pair, ct) => Generate(pair.Left, pair.Right, ct))
                .WithTrackingName(GenerateStep);

            // [VisionModel] on two partial declarations of one class yields it twice: the compiler reports the duplicate
            // attribute (CS0579); the source is added once, so one class's mistake cannot fail the whole generator.
            context.RegisterSourceOutput(generated.Collect(), static (spc, models) =>
            {
                var added = new System.Collections.Generic.HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
                foreach (GeneratedModel model in models)
                {
                    if (!added.Add(model.HintName)) continue;
                    foreach (DiagnosticInfo diagnostic in model.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                    if (model.Source is not null) spc.AddSource(model.HintName, model.Source);
                }
            });
        }

        /// <summary>Optimizes, plans and emits one model. Never throws for a model: a failure becomes VG0026 on that model alone.</summary>
        internal static GeneratedModel Generate(ModelSpec spec, bool emitGpu, CancellationToken cancellationToken)
        {
            if (spec.Diagnostics.Count > 0 || spec.Graph is null) return new GeneratedModel(spec.HintName, null, spec.Diagnostics);
            try
            {
                Graph graph = Optimizer.Run(spec.Graph, spec.FoldBatchNorm, spec.CompactWeights);
                cancellationToken.ThrowIfCancellationRequested();
                ExecutionPlan plan = Planner.Plan(graph, outputsInArena: spec.Detection is not null);
                if (plan.ArenaLength > int.MaxValue)
                {
                    var tooLarge = new DiagnosticInfo(Diagnostics.TensorTooLarge.Id, null,
                        new EquatableArray<string>(new[] { spec.ClassName, $"arena of {plan.ArenaLength} floats" }));
                    return new GeneratedModel(spec.HintName, null, new EquatableArray<DiagnosticInfo>(new[] { tooLarge }));
                }
                cancellationToken.ThrowIfCancellationRequested();
                string source = ModelEmitter.Emit(spec, plan, emitGpu);
                return new GeneratedModel(spec.HintName, source, EquatableArray<DiagnosticInfo>.Empty);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                var failure = new DiagnosticInfo(Diagnostics.InternalError.Id, null,
                    new EquatableArray<string>(new[] { spec.ClassName, e.GetType().Name + ": " + e.Message }));
                return new GeneratedModel(spec.HintName, null, new EquatableArray<DiagnosticInfo>(new[] { failure }));
            }
        }
    }
}
