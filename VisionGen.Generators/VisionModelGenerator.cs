using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using VisionGen.Generators.Emit;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;
using VisionGen.Generators.Parsing;

namespace VisionGen.Generators
{
    /// <summary>
    /// Turns each <c>[VisionModel]</c> partial class into specialized inference code:
    /// parse → graph IR → check → optimize → plan → emit. Each model is processed on its own, and the
    /// parsed <see cref="ModelSpec"/> is pure data, so an unrelated edit leaves every step cached.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class VisionModelGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking name of the parse step (attributes → ModelSpec).</summary>
        public const string ParseStep = "VisionGen.ModelSpec";

        /// <summary>Tracking name of the build-to-emit step (ModelSpec → generated source + diagnostics).</summary>
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
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
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

            context.RegisterSourceOutput(generated, static (spc, model) =>
            {
                foreach (DiagnosticInfo diagnostic in model.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                if (model.Source is not null) spc.AddSource(model.HintName, model.Source);
            });
        }

        /// <summary>Build, check, optimize, plan and emit one model. Never throws for a bad declaration: it reports.</summary>
        internal static GeneratedModel Generate(ModelSpec spec, bool emitGpu, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
            if (diagnostics.Count > 0) return new GeneratedModel(spec.HintName, null, new EquatableArray<DiagnosticInfo>(diagnostics));

            Graph? graph = GraphBuilder.Build(spec, diagnostics);
            if (graph is null || diagnostics.Count > 0) return new GeneratedModel(spec.HintName, null, new EquatableArray<DiagnosticInfo>(diagnostics));
            cancellationToken.ThrowIfCancellationRequested();

            Optimizer.Run(graph, spec.FoldBatchNorm);
            int scratch = 0;
            foreach (OpNode op in graph.Ops)
            {
                if (op.Kind == OpKind.Conv) scratch = System.Math.Max(scratch, ModelEmitter.ScratchFor(graph, op));
            }
            ArenaPlan plan = ArenaPlanner.Plan(graph, scratch);
            cancellationToken.ThrowIfCancellationRequested();
            string source = ModelEmitter.Emit(spec, graph, plan, emitGpu);
            return new GeneratedModel(spec.HintName, source, EquatableArray<DiagnosticInfo>.Empty);
        }
    }
}
