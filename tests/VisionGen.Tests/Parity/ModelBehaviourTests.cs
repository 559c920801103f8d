using Xunit.Abstractions;

namespace VisionGen.Tests.Parity;

/// <summary>How a generated model behaves around Run: allocation, bad arguments, bad weight files, disposal.</summary>
public class ModelBehaviourTests(ITestOutputHelper log)
{
    [Fact]
    public void RunAllocatesZeroBytes()
    {
        using var resnet = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        using var mobilenet = ParityMobileNetV2.Load(Fixtures.PathOf("mobilenet_v2.safetensors"));
        using var custom = ParityCustomStackUnfolded.Load(Fixtures.PathOf("custom_stack.safetensors"));
        float[] resnetIn = Fixtures.ReadInputOutput("resnet18").Input, resnetOut = new float[ParityResNet18.OutputLength];
        float[] mobileIn = Fixtures.ReadInputOutput("mobilenet_v2").Input, mobileOut = new float[ParityMobileNetV2.OutputLength];
        float[] customIn = Fixtures.ReadInputOutput("custom_stack").Input, customOut = new float[ParityCustomStackUnfolded.OutputLength];
        // Warm up past the tiered-JIT call-count threshold: JIT, static constructors and tier-up happen before measuring.
        for (int i = 0; i < 40; i++)
        {
            resnet.Run(resnetIn, resnetOut);
            mobilenet.Run(mobileIn, mobileOut);
            custom.Run(customIn, customOut);
        }

        long allocated = Allocations.Fewest(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                resnet.Run(resnetIn, resnetOut);
                mobilenet.Run(mobileIn, mobileOut);
                custom.Run(customIn, customOut);
            }
        }, rounds: 2);
        log.WriteLine($"bytes allocated over 100 calls of each of 3 models: {allocated}");
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WrongSpanLengthsAreArgumentExceptions()
    {
        using var net = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        var input = new float[ParityCustomStack.InputLength];
        var output = new float[ParityCustomStack.OutputLength];
        var e1 = Assert.Throws<ArgumentException>(() => net.Run(new float[ParityCustomStack.InputLength - 1], output));
        Assert.Equal("input", e1.ParamName);
        Assert.Contains(ParityCustomStack.InputLength.ToString(), e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => net.Run(input, new float[ParityCustomStack.OutputLength + 1]));
        Assert.Equal("output", e2.ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteInputIsAClearError(float bad)
    {
        using var net = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        var input = new float[ParityCustomStack.InputLength];
        input[1234] = bad;
        var output = new float[ParityCustomStack.OutputLength];
        output.AsSpan().Fill(42f);
        var e = Assert.Throws<ArgumentException>(() => net.Run(input, output));
        Assert.Contains("1234", e.Message);
        Assert.All(output, v => Assert.Equal(42f, v)); // nothing was overwritten
    }

    [Fact]
    public void RunAfterDisposeThrows()
    {
        var net = ParityCustomStack.Load(Fixtures.PathOf("custom_stack.safetensors"));
        net.Dispose();
        Assert.Throws<ObjectDisposedException>(() => net.Run(new float[ParityCustomStack.InputLength], new float[ParityCustomStack.OutputLength]));
    }

    [Fact]
    public void WrongWeightFileNamesEveryOffendingTensor()
    {
        var e = Assert.Throws<WeightLoadException>(() => ParityResNet18.Load(Fixtures.PathOf("resnet18_wrong.safetensors")));
        log.WriteLine(e.Message);
        Assert.Contains("layer1.0.conv1.weight", e.Message); // missing
        Assert.Contains("fc.weight", e.Message);             // [17, 512] instead of [16, 512]
        Assert.Contains("extra.weight", e.Message);          // unexpected
        Assert.Equal(3, e.Problems.Count);
    }

    [Fact]
    public void WeightsOfAnotherNetworkAreRejected()
    {
        var e = Assert.Throws<WeightLoadException>(() => ParityResNet18.Load(Fixtures.PathOf("mobilenet_v2.safetensors")));
        Assert.Contains("conv1.weight", e.Message);
        Assert.Contains("features.0.0.weight", e.Message);
    }

    [Fact]
    public void MissingFileIsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => ParityResNet18.Load(Path.Combine(Fixtures.Directory, "no-such-file.safetensors")));

    [Fact]
    public void GeneratedConstantsDescribeTheNetwork()
    {
        Assert.Equal(3 * 96 * 128, ParityResNet18.InputLength);
        Assert.Equal(16, ParityResNet18.OutputLength);
        Assert.True(ParityResNet18.ArenaLength > 0);
        // Unfolded batch norm needs its own buffers, so its arena cannot be smaller.
        Assert.True(ParityResNet18Unfolded.ArenaLength >= ParityResNet18.ArenaLength);
        Assert.Contains(ParityResNet18.WeightSpecs, s => s.Name == "layer4.1.bn2.running_var" && s.Shape.SequenceEqual(new[] { 512 }));
    }

    /// <summary>
    /// One instance's Run from two threads at once is documented as unsupported; it must throw, never corrupt: every call
    /// that completes gives PyTorch's answer, and the overlapping ones get InvalidOperationException.
    /// </summary>
    [Fact]
    public void ConcurrentRunOnOneInstanceThrowsInsteadOfCorrupting()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("resnet18");
        using var net = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        int completed = 0, refused = 0;
        var start = new Barrier(2);
        void Worker()
        {
            var output = new float[ParityResNet18.OutputLength];
            start.SignalAndWait();
            for (int i = 0; i < 40; i++)
            {
                try
                {
                    net.Run(input, output);
                    Fixtures.AssertWithinContract(log, "a call that completed beside another thread's", expected, output);
                    Interlocked.Increment(ref completed);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("already running"))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }
        Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2 }, Worker, Worker);
        log.WriteLine($"{completed} calls completed, {refused} refused while the other thread ran");
        Assert.Equal(80, completed + refused);
        Assert.True(completed > 0);
    }

    [Fact]
    public void DisposeReleasesTheWeightsAndReportsNoMoreBytes()
    {
        var net = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        long loaded = net.LoadedBytes;
        log.WriteLine($"ResNet-18 (16 classes, 96x128) holds {loaded} bytes; its weight file has {new FileInfo(Fixtures.PathOf("resnet18.safetensors")).Length}");
        Assert.True(loaded > 4L * ParityResNet18.ArenaLength, "the weights count too");
        net.Dispose();
        Assert.Equal(0, net.LoadedBytes);
        Assert.Throws<ObjectDisposedException>(() => net.Run(new float[ParityResNet18.InputLength], new float[ParityResNet18.OutputLength]));
    }
}
