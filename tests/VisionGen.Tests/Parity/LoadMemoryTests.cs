using Xunit.Abstractions;
using VisionGen.Tests.Weights;
using VisionGen.Weights;

namespace VisionGen.Tests.Parity;

/// <summary>
/// What loading ResNet-18 (the 44.8 MB PyTorch fixture, float32) costs in managed memory, measured on the loading thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>, so tests running beside it do not count). The generated
/// <c>Load</c> streams each tensor from the file into the layer that folds and packs it, so it allocates little beyond
/// what the model keeps. By default the model keeps its 3×3 convolutions Winograd-transformed where this machine runs
/// Winograd (about 3.5× the file with AVX-512); with <see cref="WeightMemory.Compact"/> it keeps every weight at about
/// its size in the file.
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

        // The generated Load: each tensor read from the file when its layer is built, folded and packed, then dropped;
        // beyond the model, only the scratch the largest convolution weight passes through (9.4 MB).
        long before = GC.GetAllocatedBytesForCurrentThread();
        long streamed;
        using (ParityResNet18 model = ParityResNet18.Load(path))
            streamed = Check(log, fileBytes, "generated Load", GC.GetAllocatedBytesForCurrentThread() - before, model, transientLimit: fileBytes / 4);

        // The same from a forward-only stream: the tensors the stream passes before their layer asks for them are kept
        // until their last read (the weight table states how often each is read).
        before = GC.GetAllocatedBytesForCurrentThread();
        using (ParityResNet18 model = ParityResNet18.Load(new ForwardOnlyStream(File.OpenRead(path))))
            Check(log, fileBytes, "generated Load, forward-only stream", GC.GetAllocatedBytesForCurrentThread() - before, model, transientLimit: fileBytes * 3 / 4);

        // Every tensor read up front (WeightBinder.Bind), then folded and packed.
        before = GC.GetAllocatedBytesForCurrentThread();
        using (var file = SafetensorsFile.Open(path))
        using (var bound = new ParityBound(WeightBinder.Bind(file, ModelLoads.Specs<ParityResNet18>(), "ParityResNet18")))
        {
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Check(log, fileBytes, "Bind, then the constructor", allocated, bound.Model, transientLimit: fileBytes * 13 / 10);
            Assert.True(allocated - streamed > fileBytes * 9 / 10, "streaming saves about one float32 copy of the file");
        }
    }

    [Fact]
    public void CompactResNet18KeepsAboutItsFileAndLoadsWithinOneAndAHalfFiles()
    {
        string path = Fixtures.PathOf("resnet18.safetensors");
        long fileBytes = new FileInfo(path).Length;
        long weightBytes = 4 * ModelLoads.Specs<ParityResNet18Compact>().Where(s => !s.Ignored).Sum(s => s.Shape.Aggregate(1L, (a, d) => a * d));
        using (ParityResNet18Compact.Load(path)) { } // JIT and static constructors first

        long before = GC.GetAllocatedBytesForCurrentThread();
        using ParityResNet18Compact model = ParityResNet18Compact.Load(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Check(log, fileBytes, "WeightMemory.Compact, generated Load", allocated, model, transientLimit: fileBytes / 4);
        Assert.Equal(ModelLoads.ArrayBytes(model), model.LoadedBytes);
        log.WriteLine($"float32 weights {weightBytes / 1e6:F1} MB; LoadedBytes {model.LoadedBytes / 1e6:F1} MB = {model.LoadedBytes / (double)weightBytes:F2}x; Load allocated {allocated / (double)fileBytes:F2}x file");
        Assert.InRange(model.LoadedBytes, weightBytes, weightBytes * 13 / 10); // resident ≤ 1.3 × its weights
        Assert.InRange(allocated, model.LoadedBytes, fileBytes * 3 / 2);      // peak during Load ≤ 1.5 × the file

        // No Winograd step, whatever the machine; and from a forward-only stream within the same bound.
        Assert.DoesNotContain(ParityResNet18Compact.Plan.Steps, s => s.Algorithm == nameof(VisionGen.Cpu.Conv2dAlgorithm.Winograd));
        before = GC.GetAllocatedBytesForCurrentThread();
        using (ParityResNet18Compact streamed = ParityResNet18Compact.Load(new ForwardOnlyStream(File.OpenRead(path))))
            Check(log, fileBytes, "WeightMemory.Compact, forward-only stream", GC.GetAllocatedBytesForCurrentThread() - before, streamed, transientLimit: fileBytes * 3 / 4);
    }

    [Fact]
    public void CompactResNet18MatchesPyTorchAndTheDefault()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("resnet18");
        var compact = new float[ParityResNet18Compact.OutputLength];
        var fast = new float[ParityResNet18.OutputLength];
        using (var net = ParityResNet18Compact.Load(Fixtures.PathOf("resnet18.safetensors")))
        {
            net.Run(input, compact);
            // Later calls allocate nothing: the fewest bytes over three (one call once saw 8,040 B in a loaded CI run on
            // net8.0 and none in isolation — the runtime's own work on this thread, see Allocations).
            Assert.Equal(0, Allocations.Fewest(() => net.Run(input, compact), rounds: 3));
        }
        using (var net = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"))) net.Run(input, fast);
        Fixtures.AssertWithinContract(log, "resnet18 (WeightMemory.Compact) vs PyTorch", expected, compact);
        Fixtures.AssertWithinContract(log, "resnet18 (WeightMemory.Compact) vs the default", fast, compact);
    }

    private static long Check(ITestOutputHelper log, long fileBytes, string how, long allocated, object model, long transientLimit)
    {
        long kept = ModelLoads.ArrayBytes(model), weights = ModelLoads.ArrayBytes(model, arena: false);
        log.WriteLine($"{how}: file {fileBytes / 1e6:F1} MB, allocated {allocated / 1e6:F1} MB ({allocated / (double)fileBytes:F2}x file), kept {kept / 1e6:F1} MB " +
                      $"(weights it runs {weights / 1e6:F1} MB, arena {(kept - weights) / 1e6:F1} MB), beyond what it keeps {(allocated - kept) / 1e6:F1} MB " +
                      $"({(allocated - kept) / (double)fileBytes:F2}x file)");
        Assert.InRange(allocated - kept, 0, transientLimit);
        Assert.InRange(kept, weights, weights * 13 / 10); // resident ≤ 1.3 × the weights it runs
        return allocated;
    }

    /// <summary>The generated constructor called on bound weights (every tensor read up front).</summary>
    private sealed class ParityBound(WeightSet weights) : IDisposable
    {
        public ParityResNet18 Model { get; } = (ParityResNet18)typeof(ParityResNet18)
            .GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, [typeof(WeightSet)])!
            .Invoke([weights]);

        public void Dispose() => Model.Dispose();
    }
}
