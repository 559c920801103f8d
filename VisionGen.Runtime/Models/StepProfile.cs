using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace VisionGen;

/// <summary>
/// An opt-in per-step profile of a generated model: set <c>model.Profile = new StepProfile(Model.Plan)</c> and every
/// <c>Run</c> adds each step's time (wall clock, <see cref="Stopwatch"/> ticks) under the plan's step names; with no
/// profile set, a run costs one null check per step. Optionally also publishes each step's time to the
/// <c>System.Diagnostics.Metrics</c> histogram <c>visiongen.step.duration</c> (milliseconds, tags <c>model</c> and
/// <c>step</c>), for dotnet-counters or an OpenTelemetry exporter. Not thread-safe: one profile per model instance.
/// </summary>
public sealed class StepProfile
{
    private static readonly Meter s_meter = new("VisionGen");
    private static readonly Histogram<double> s_stepDuration = s_meter.CreateHistogram<double>("visiongen.step.duration", "ms", "Time of one step of a generated model");

    private readonly long[] _ticks;
    private readonly long[] _calls;
    private long _last;

    /// <summary>Creates a profile for a model's plan.</summary>
    /// <param name="plan">The model's <c>Plan</c>.</param>
    /// <param name="publishMetrics">Also record every step's time in the <c>visiongen.step.duration</c> histogram.</param>
    public StepProfile(ModelPlan plan, bool publishMetrics = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        PublishMetrics = publishMetrics;
        _ticks = new long[plan.Steps.Count];
        _calls = new long[plan.Steps.Count];
    }

    /// <summary>The plan whose steps are timed.</summary>
    public ModelPlan Plan { get; }

    /// <summary>Whether each step's time also goes to the metrics histogram.</summary>
    public bool PublishMetrics { get; }

    /// <summary>Runs recorded since creation or <see cref="Reset"/>.</summary>
    public long Runs { get; private set; }

    /// <summary>Called by generated code when a run starts.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void Begin()
    {
        Runs++;
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Called by generated code after step <paramref name="step"/>: the time since the previous mark is that step's.</summary>
    /// <param name="step">The step's index in the plan.</param>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public void End(int step)
    {
        long now = Stopwatch.GetTimestamp();
        long elapsed = now - _last;
        _ticks[step] += elapsed;
        _calls[step]++;
        _last = now;
        if (PublishMetrics && s_stepDuration.Enabled)
        {
            s_stepDuration.Record(elapsed * 1000.0 / Stopwatch.Frequency,
                new KeyValuePair<string, object?>("model", Plan.Model), new KeyValuePair<string, object?>("step", Plan.Steps[step].Name));
        }
    }

    /// <summary>Milliseconds step <paramref name="step"/> took, on average over the runs recorded.</summary>
    /// <param name="step">The step's index in the plan.</param>
    /// <returns>The mean, or 0 when the step never ran.</returns>
    public double MeanMilliseconds(int step) => _calls[step] == 0 ? 0 : _ticks[step] * 1000.0 / Stopwatch.Frequency / _calls[step];

    /// <summary>Forgets what was recorded.</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_calls);
        Runs = 0;
    }

    /// <summary>The profile as a table: mean milliseconds per run and share of the total for every step that ran, slowest first.</summary>
    public override string ToString()
    {
        double total = 0;
        for (int i = 0; i < _ticks.Length; i++) total += MeanMilliseconds(i);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Plan.Model}: {Runs} runs, {total:F3} ms per run over the timed steps");
        text.AppendLine("   #  step                                     algorithm                        ms/run   share   GFLOP/s");
        foreach (int i in Enumerable.Range(0, _ticks.Length).Where(i => _calls[i] > 0).OrderByDescending(MeanMilliseconds))
        {
            PlanStep s = Plan.Steps[i];
            double ms = MeanMilliseconds(i);
            string rate = s.Flops > 0 && ms > 0 ? (s.Flops / ms / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{i,4}  {(s.Name.Length <= 40 ? s.Name : s.Name.Substring(0, 39) + "…"),-40} {(s.Algorithm.Length > 0 ? s.Algorithm : s.Op).PadRight(32).Substring(0, 32)} {ms,7:F3}  {ms / total,6:P1}  {rate,8}");
        }
        return text.ToString();
    }
}
