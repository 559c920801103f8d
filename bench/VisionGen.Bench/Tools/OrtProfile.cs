using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace VisionGen.Bench.Tools;

/// <summary>
/// ONNX Runtime's own per-node timing of one bench network (its built-in profiler), the anchor beside
/// <see cref="PlanProfile"/>'s per-step figures for VisionGen: which of ORT's (fused, NCHWc) kernels a network's time goes
/// to, per run after a warm-up. <c>dotnet run -c Release --project bench/VisionGen.Bench -- ortprofile mobilenet_v2 [runs] [threads]</c>
/// </summary>
internal static class OrtProfile
{
    public static void Run(string name, int runs, int threads)
    {
        string dir = Networks.ModelFiles.Directory;
        string prefix = Path.Combine(Path.GetTempPath(), $"ortprofile-{name}-{Environment.ProcessId}");
        var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableProfiling = true,
            ProfileOutputPathPrefix = prefix,
        };
        using var session = new InferenceSession(Path.Combine(dir, name + ".onnx"), options);
        var inputMeta = session.InputMetadata.First();
        long[] inShape = Array.ConvertAll(inputMeta.Value.Dimensions, d => (long)d);
        var input = new float[inShape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < input.Length; i++) input[i] = (float)Math.Sin(i * 0.001);
        using var value = OrtValue.CreateTensorValueFromMemory(input, inShape);
        var names = new[] { inputMeta.Key };
        var outNames = session.OutputMetadata.Keys.ToArray();
        const int warm = 20;
        for (int i = 0; i < warm + runs; i++)
        {
            using var outputs = session.Run(new RunOptions(), names, new[] { value }, outNames);
        }
        string file = session.EndProfiling();

        // Node events in run order; the first `warm` runs are skipped (each run shows every node once).
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var perNode = new Dictionary<string, (string Op, double Us, int Count)>();
        var order = new List<string>();
        var seen = new Dictionary<string, int>();
        foreach (var e in json.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() != "Node") continue;
            string n = e.GetProperty("name").GetString()!;
            if (!n.EndsWith("_kernel_time", StringComparison.Ordinal)) continue;
            int k = seen.TryGetValue(n, out int c) ? c + 1 : 1;
            seen[n] = k;
            if (k <= warm) continue;
            string op = e.GetProperty("args").TryGetProperty("op_name", out var o) ? o.GetString()! : "?";
            double us = e.GetProperty("dur").GetDouble();
            if (!perNode.TryGetValue(n, out var acc)) { acc = (op, 0, 0); order.Add(n); }
            perNode[n] = (op, acc.Us + us, acc.Count + 1);
        }
        File.Delete(file);
        double total = perNode.Values.Sum(v => v.Us / v.Count);
        Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {name}, {threads} thread(s): {runs} runs after {warm}, {total / 1000:F3} ms per run in nodes");
        Console.WriteLine($"{"node",-60} {"op",-22} {"ms/run",8} {"share",7}");
        foreach (string n in order.OrderByDescending(n => perNode[n].Us / perNode[n].Count))
        {
            var v = perNode[n];
            double ms = v.Us / v.Count / 1000;
            string shown = n[..^"_kernel_time".Length];
            if (shown.Length > 60) shown = shown[..59] + "…";
            Console.WriteLine($"{shown,-60} {v.Op,-22} {ms,8:F3} {100 * ms * 1000 / total,6:F1}%");
        }
        var byOp = perNode.Values.GroupBy(v => v.Op).Select(g => (Op: g.Key, Ms: g.Sum(v => v.Us / v.Count) / 1000, N: g.Count())).OrderByDescending(g => g.Ms);
        Console.WriteLine();
        foreach (var g in byOp) Console.WriteLine($"{g.Op,-22} {g.N,4} nodes {g.Ms,8:F3} ms/run");
    }
}
