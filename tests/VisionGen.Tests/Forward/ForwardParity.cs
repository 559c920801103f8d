using System.Reflection;
using System.Text.Json;
using VisionGen.Kernels;
using VisionGen.Tests.Parity;
using Xunit.Abstractions;

namespace VisionGen.Tests.Forward;

/// <summary>
/// Runs a network declared with <c>Forward</c> on a PyTorch fixture (weights, input and the outputs PyTorch computed), on
/// the CPU and on the GPU runner (CUDA when present, else ILGPU's CPU accelerator), and checks every output against the
/// numerics contract. Works over any generated model through <see cref="IVisionModel{TSelf}"/>, so one method serves every
/// op case and network.
/// </summary>
internal static class ForwardParity
{
    /// <summary>The fixture's outputs in order ("output", or "output0", "output1", …), joined as the model's Run writes them.</summary>
    public static (float[] Input, float[] Expected, string[] Names, int[] Lengths) ReadCase(string directory, string name)
    {
        Dictionary<string, float[]> io = Fixtures.ReadF32(Fixtures.PathOf(Path.Combine(directory, name + ".io.safetensors")));
        var names = io.ContainsKey("output")
            ? new[] { "output" }
            : Enumerable.Range(0, io.Count - 1).Select(i => "output" + i).TakeWhile(io.ContainsKey).ToArray();
        return (io["input"], names.SelectMany(n => io[n]).ToArray(), names, names.Select(n => io[n].Length).ToArray());
    }

    public static float[] RunCpu<T>(string weights, float[] input) where T : IVisionModel<T>
    {
        using T model = T.Load(weights);
        var output = new float[model.OutputLength];
        model.Run(input, output);
        return output;
    }

    /// <summary>The generated <c>LoadGpu</c> is a static method of each model class; found once by reflection here.</summary>
    public static float[] RunGpu(Type model, GpuContext context, string weights, float[] input, int outputLength)
    {
        MethodInfo load = model.GetMethod("LoadGpu", [typeof(string), typeof(GpuContext)])
            ?? throw new InvalidOperationException($"{model.Name} has no LoadGpu: is VisionGen.Kernels referenced?");
        using var gpu = (GpuModelExecutor)load.Invoke(null, [weights, context])!;
        var output = new float[outputLength];
        gpu.Run(input, output);
        if (!context.IsCpuFallback)
        {
            // On CUDA a Run allocates nothing managed: checked for every network and op of the tables, so a device run
            // names the op whose launch allocates. (The CPU accelerator allocates its own per-launch bookkeeping.)
            var scratch = new float[outputLength];
            for (int i = 0; i < 3; i++) gpu.Run(input, scratch);
            long bytes = Allocations.Fewest(() => { for (int i = 0; i < 3; i++) gpu.Run(input, scratch); }, rounds: 3) / 3;
            if (bytes != 0) throw new Xunit.Sdk.XunitException($"{model.Name}: Run allocated {bytes} managed bytes on {context.Description} ({gpu.Kernels.Launches} launches so far)");
        }
        return output;
    }

    public static float[] RunCpu(Type model, string weights, float[] input) =>
        (float[])typeof(ForwardParity).GetMethod(nameof(RunCpu), 1, [typeof(string), typeof(float[])])!
            .MakeGenericMethod(model).Invoke(null, [weights, input])!;

    /// <summary>Checks each output separately (each has its own max|ref|, as PyTorch's own comparison would).</summary>
    public static void AssertOutputs(ITestOutputHelper log, string what, float[] expected, float[] actual, string[] names, int[] lengths)
    {
        Assert.Equal(expected.Length, actual.Length);
        int offset = 0;
        for (int i = 0; i < names.Length; i++)
        {
            Fixtures.AssertWithinContract(log, names.Length == 1 ? what : $"{what} {names[i]}",
                expected.AsSpan(offset, lengths[i]), actual.AsSpan(offset, lengths[i]));
            offset += lengths[i];
        }
    }

    public static JsonElement Manifest(string file)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Fixtures.PathOf(file)));
        return doc.RootElement.Clone();
    }
}
