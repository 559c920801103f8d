using VisionGen.Weights;
using static VisionGen.Tests.Weights.SafetensorsTestWriter;

namespace VisionGen.Tests.Weights;

/// <summary>
/// Weights that make a layer unusable — a batch norm with a negative variance, one whose fold overflows float32 — are a
/// <see cref="WeightLoadException"/> naming the tensor and the channel, on every load path and through both entry points
/// (the generated <c>Load</c>, which streams through <see cref="WeightBinder.Load{TModel}"/>, and
/// <see cref="WeightBinder.Bind"/> then the constructor), never an ArgumentException from the folding.
/// </summary>
public class LayerWeightsTests
{
    /// <summary>The model's random weights with some values replaced.</summary>
    private static byte[] With<T>(params (string Tensor, int Index, float Value)[] changes)
    {
        List<Entry> entries = RandomEntries(ModelLoads.Specs<T>(), seed: 7);
        foreach (var (tensor, index, value) in changes)
        {
            int at = entries.FindIndex(e => e.Name == tensor);
            float[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entries[at].Data).ToArray();
            values[index] = value;
            entries[at] = F32(tensor, entries[at].Shape, values);
        }
        return Build(entries);
    }

    /// <summary>Asserts every path and both entry points reject <paramref name="file"/> with the same problems; returns them.</summary>
    private static IReadOnlyList<string> RejectedEverywhere<T>(byte[] file) where T : IVisionModel<T>
    {
        IReadOnlyList<string>? generated = null, bound = null;
        foreach (LoadPath path in LoadPaths.All)
        {
            var g = Assert.Throws<WeightLoadException>(() => ModelLoads.Generated<T>(path, file));
            var s = Assert.Throws<WeightLoadException>(() => ModelLoads.Bound<T>(path, file));
            Assert.Equal(typeof(T).Name, g.ModelName);
            Assert.Equal(generated ??= g.Problems, g.Problems);
            Assert.Equal(bound ??= s.Problems, s.Problems);
        }
        Assert.Equal(generated, bound); // one problem: both entry points report it alike
        return bound!;
    }

    [Fact]
    public void NegativeRunningVarianceIsAWeightLoadExceptionNamingTensorAndIndex()
    {
        string problem = Assert.Single(RejectedEverywhere<FoldedWeightsNet>(With<FoldedWeightsNet>(("bn1.running_var", 2, -0.5f))));
        Assert.Equal("tensor 'bn1.running_var' is -0.5 at index 2: batch norm needs running_var + eps > 0 (eps 1E-05), so 'bn1' cannot be folded into 'conv1'", problem);

        problem = Assert.Single(RejectedEverywhere<UnfoldedWeightsNet>(With<UnfoldedWeightsNet>(("bn1.running_var", 0, -3f))));
        Assert.StartsWith("tensor 'bn1.running_var' is -3 at index 0: ", problem);
        Assert.EndsWith("so 'bn1' cannot be applied", problem);
    }

    [Fact]
    public void NaNRunningVarianceIsReportedAsNaNWithItsIndex()
    {
        string problem = Assert.Single(RejectedEverywhere<FoldedWeightsNet>(With<FoldedWeightsNet>(("bn1.running_var", 3, float.NaN))));
        Assert.Equal("tensor 'bn1.running_var' contains NaN or infinity (1 value, first at flat index 3: NaN)", problem);
    }

    [Fact]
    public void FoldThatOverflowsFloat32IsAWeightLoadException()
    {
        // γ/√(var + ε) = 3e38 / √1e-5 ≈ 9.5e40: the folded weights of channel 1 leave float32's range.
        string problem = Assert.Single(RejectedEverywhere<FoldedWeightsNet>(With<FoldedWeightsNet>(("bn1.weight", 1, 3e38f), ("bn1.running_var", 1, 0f))));
        Assert.StartsWith("folding batch norm 'bn1' into 'conv1' overflows float32 at index 1: 'bn1.weight' 3E+38 / √('bn1.running_var' 0 + eps 1E-05) = 9.48", problem);

        problem = Assert.Single(RejectedEverywhere<UnfoldedWeightsNet>(With<UnfoldedWeightsNet>(("bn1.weight", 3, -3e38f), ("bn1.running_var", 3, 0f))));
        Assert.StartsWith("batch norm 'bn1' overflows float32 at index 3: 'bn1.weight' -3E+38 / √('bn1.running_var' 0 + eps 1E-05)", problem);
    }

    [Fact]
    public void StreamedLoadCollectsEveryProblemBeforeThrowing()
    {
        // A negative variance in channel 0 and 1, and a NaN in the linear weight: one exception lists both layers.
        List<Entry> entries = RandomEntries(ModelLoads.Specs<FoldedWeightsNet>(), seed: 7);
        entries = entries.ConvertAll(e => e.Name switch
        {
            "bn1.running_var" => F32(e.Name, e.Shape, -1f, -2f, 1f, 1f),
            "fc.weight" => F32(e.Name, e.Shape, Enumerable.Range(0, (int)(e.Data.Length / 4)).Select(i => i == 5 ? float.PositiveInfinity : 0.5f).ToArray()),
            _ => e,
        });
        foreach (LoadPath path in LoadPaths.All)
        {
            var e = Assert.Throws<WeightLoadException>(() => ModelLoads.Generated<FoldedWeightsNet>(path, Build(entries)));
            Assert.Equal(2, e.Problems.Count);
            Assert.Equal("tensor 'fc.weight' contains NaN or infinity (1 value, first at flat index 5: Infinity)", e.Problems[0]);
            Assert.Equal("tensor 'bn1.running_var' is -1 at index 0 (and 1 more channel): batch norm needs running_var + eps > 0 (eps 1E-05), so 'bn1' cannot be folded into 'conv1'", e.Problems[1]);
        }
    }

    [Fact]
    public void FoldedWeightsAreTheSameByEitherEntryPointAndEveryPath()
    {
        byte[] file = Build(RandomEntries(ModelLoads.Specs<FoldedWeightsNet>(), seed: 3));
        ModelLoads.Outcome reference = ModelLoads.Try(() => ModelLoads.Generated<FoldedWeightsNet>(LoadPath.File, file));
        Assert.True(reference.Loaded);
        foreach (LoadPath path in LoadPaths.All)
        {
            Assert.Equal(reference.Output, ModelLoads.Try(() => ModelLoads.Generated<FoldedWeightsNet>(path, file)).Output);
            Assert.Equal(reference.Output, ModelLoads.Try(() => ModelLoads.Bound<FoldedWeightsNet>(path, file)).Output);
        }
    }
}
