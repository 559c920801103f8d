using System.Globalization;
using System.Text;

namespace VisionGen;

/// <summary>
/// What a generated model runs, as data: every step in order with its shapes, the algorithm it uses on this machine,
/// its arithmetic and its slice of the arena. <c>Model.Plan</c> returns it; <see cref="ToString"/> prints it as a table.
/// The step names are the ones <see cref="StepProfile"/> reports and the generated code's comments show.
/// </summary>
public sealed class ModelPlan
{
    /// <summary>Creates a plan (generated code builds one per model).</summary>
    /// <param name="model">The model class's name.</param>
    /// <param name="steps">The steps in execution order.</param>
    /// <param name="arenaFloats">Floats of the model's working buffer, scratch included.</param>
    public ModelPlan(string model, IReadOnlyList<PlanStep> steps, long arenaFloats)
    {
        Model = model;
        Steps = steps;
        ArenaFloats = arenaFloats;
    }

    /// <summary>The model class's name.</summary>
    public string Model { get; }

    /// <summary>The steps in execution order (views, which move no data, included).</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>Floats of the working buffer (every intermediate tensor and the convolution scratch).</summary>
    public long ArenaFloats { get; }

    /// <summary>Multiply-adds counted twice, over every step: the FLOPs of one <c>Run</c>.</summary>
    public long Flops => Steps.Sum(s => s.Flops);

    /// <summary>The plan as a table: index, name, op, algorithm, shapes, GFLOP and arena slice per step.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Model}: {Steps.Count} steps, {Flops / 1e9:F3} GFLOP per run, arena {ArenaFloats * 4 / 1048576.0:F1} MiB");
        text.AppendLine("   #  step                                     op / algorithm                                           output           GFLOP   arena offset+length");
        foreach (PlanStep s in Steps)
        {
            string what = s.Algorithm.Length > 0 ? $"{s.Op} [{s.Algorithm}]" : s.Op;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Index,4}  {Clip(s.Name, 40),-40} {Clip(what, 56),-56} {s.Output,-15} {s.Flops / 1e9,6:F3}   {(s.ArenaLength > 0 ? $"{s.ArenaOffset}+{s.ArenaLength}" : "-")}");
        }
        return text.ToString();
    }

    private static string Clip(string text, int width) => text.Length <= width ? text : text.Substring(0, width - 1) + "…";
}

/// <summary>One step of a <see cref="ModelPlan"/>.</summary>
/// <param name="Index">Position in execution order (the comments of the generated code number steps the same way).</param>
/// <param name="Name">What it implements: the layer's state_dict prefix (with what was fused into it) or a tensor name.</param>
/// <param name="Op">What it does, e.g. "conv 3x3 stride 1 padding 1".</param>
/// <param name="Algorithm">For convolutions, the kernel that runs on this machine (Winograd, GEMM, depthwise); empty otherwise.</param>
/// <param name="Inputs">Input shapes, e.g. "1x64x56x56".</param>
/// <param name="Output">Output shape.</param>
/// <param name="Flops">Multiply-adds counted twice (convolutions, linear layers) or one per output value.</param>
/// <param name="ArenaOffset">Where its output lives in the arena (floats); 0 with <paramref name="ArenaLength"/> 0 when it is the caller's span or a view.</param>
/// <param name="ArenaLength">Floats of its output in the arena.</param>
public sealed record PlanStep(int Index, string Name, string Op, string Algorithm, string Inputs, string Output, long Flops, long ArenaOffset, long ArenaLength);
