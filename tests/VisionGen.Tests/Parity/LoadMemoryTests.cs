using Xunit.Abstractions;
using VisionGen.Tests.Weights;
using VisionGen.Weights;

namespace VisionGen.Tests.Parity;

/// <summary>
/// What loading ResNet-18 (the 44.8 MB PyTorch fixture) costs in managed memory, measured on the loading thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, so tests running beside it do not count). The model keeps its
/// folded, packed weights (Winograd-transformed 3×3 convolutions: about 3.5× the file) and its arena. The generated
/// <c>Load</c> reads every tensor up front (<see cref="WeightBinder.Bind"/>); <see cref="WeightBinder.Load{TModel}"/>
/// streams each tensor from the file into the layer that packs it, so it allocates little beyond what the model keeps.
/// </summary>
public class LoadMemoryTests(ITestOutputHelper log)
{
    [Fact]
    public void LoadingResNet18AllocatesLittleBeyondWhatTheModelKeeps()
    {
        string path = Fixtures.PathOf("resnet18.safetensors");
        long fileBytes = new FileInfo(path).Length;
        using (ParityResNet18.Load(path)) { } // JIT and static constructors first
        using (var warm = SafetensorsFile.Open(path)) using (new ParityBound(WeightBinder.Bind(warm, ModelLoads.Specs<ParityResNet18>(), "ParityResNet18"))) { }

        // Streaming (WeightBinder.Load): each tensor read from the file when its layer is built, folded and packed, then
        // dropped; beyond the model, only the scratch the largest convolution weight passes through (9.4 MB).
        long before = GC.GetAllocatedBytesForCurrentThread();
        long streamed;
        using (var file = SafetensorsFile.Open(path))
        using (ParityResNet18 model = ModelLoads.Streamed<ParityResNet18>(file))
            streamed = Check("WeightBinder.Load (streaming)", GC.GetAllocatedBytesForCurrentThread() - before, model, transientLimit: fileBytes / 4);

        // The generated Load from a forward-only stream reads every tensor up front too.
        before = GC.GetAllocatedBytesForCurrentThread();
        using (ParityResNet18 model = ParityResNet18.Load(new ForwardOnlyStream(File.OpenRead(path))))
            Check("generated Load, forward-only stream", GC.GetAllocatedBytesForCurrentThread() - before, model, transientLimit: fileBytes * 13 / 10);

        // What the generated Load does: every tensor read up front (WeightBinder.Bind), then folded and packed.
        before = GC.GetAllocatedBytesForCurrentThread();
        using (var file = SafetensorsFile.Open(path))
        using (var bound = new ParityBound(WeightBinder.Bind(file, ModelLoads.Specs<ParityResNet18>(), "ParityResNet18")))
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Check("Bind, then the constructor", allocated, bound.Model, transientLimit: fileBytes * 13 / 10);
            Assert.True(allocated - streamed > fileBytes * 9 / 10, "streaming saves about one float32 copy of the file");
        }

        long Check(string how, long allocated, ParityResNet18 model, long transientLimit)
        {
            long kept = ModelLoads.ArrayBytes(model), weights = ModelLoads.ArrayBytes(model, arena: false);
            log.WriteLine($"{how}: file {fileBytes / 1e6:F1} MB, allocated {allocated / 1e6:F1} MB ({allocated / (double)fileBytes:F2}x file), kept {kept / 1e6:F1} MB " +
                          $"(weights it runs {weights / 1e6:F1} MB, arena {(kept - weights) / 1e6:F1} MB), beyond what it keeps {(allocated - kept) / 1e6:F1} MB " +
                          $"({(allocated - kept) / (double)fileBytes:F2}x file)");
            Assert.InRange(allocated - kept, 0, transientLimit);
            Assert.InRange(kept, weights, weights * 13 / 10); // resident ≤ 1.3 × the weights it runs
            return allocated;
        }
    }

    /// <summary>The generated constructor called on bound weights, as the generated <c>Load</c> did before it streamed.</summary>
    private sealed class ParityBound(WeightSet weights) : IDisposable
    {
        public ParityResNet18 Model { get; } = (ParityResNet18)typeof(ParityResNet18)
            .GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, [typeof(WeightSet)])!
            .Invoke([weights]);

        public void Dispose() => Model.Dispose();
    }
}
