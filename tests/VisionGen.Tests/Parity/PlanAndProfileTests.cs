using VisionGen.Cpu;
using Xunit.Abstractions;

namespace VisionGen.Tests.Parity;

[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class PlanResNet18;

/// <summary>The plan as data and the opt-in per-step profile of a generated model.</summary>
public class PlanAndProfileTests(ITestOutputHelper log)
{
    [Fact]
    public void PlanCountsResNet18sArithmeticAsTorchvisionDocumentsIt()
    {
        ModelPlan plan = PlanResNet18.Plan;
        log.WriteLine(plan.ToString());
        // torchvision's model card for resnet18: 1.81 GFLOPS (multiply-adds) at 224x224; the plan counts each as two FLOPs.
        Assert.InRange(plan.Flops / 2 / 1e9, 1.81 * 0.99, 1.81 * 1.02);
        Assert.Equal(PlanResNet18.ArenaLength, plan.ArenaFloats);
        PlanStep stem = plan.Steps[0];
        Assert.StartsWith("conv1 + bn1", stem.Name);
        Assert.Equal("1x64x112x112", stem.Output);
        Assert.Equal(nameof(Conv2dAlgorithm.Direct), stem.Algorithm); // a stem on the RGB image: the direct kernel
        PlanStep block = plan.Steps.Single(s => s.Name.StartsWith("layer1.0.conv1", StringComparison.Ordinal));
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? nameof(Conv2dAlgorithm.Winograd) : nameof(Conv2dAlgorithm.ImplicitGemm), block.Algorithm);
        // The downsample is 1x1 but stride 2: not the pointwise GEMM, the implicit GEMM.
        Assert.Equal(nameof(Conv2dAlgorithm.ImplicitGemm), plan.Steps.Single(s => s.Name.StartsWith("layer2.0.downsample.0", StringComparison.Ordinal)).Algorithm);
    }

    [Fact]
    public void ProfileTimesEveryStepUnderThePlansNamesWithoutAllocating()
    {
        (float[] input, float[] expected) = Fixtures.ReadInputOutput("resnet18");
        using var net = ParityResNet18.Load(Fixtures.PathOf("resnet18.safetensors"));
        var output = new float[ParityResNet18.OutputLength];
        net.Profile = new StepProfile(ParityResNet18.Plan);
        for (int i = 0; i < 3; i++) net.Run(input, output);
        Assert.Equal(0, Allocations.Fewest(() => { net.Run(input, output); }, rounds: 3));
        Fixtures.AssertWithinContract(log, "resnet18 with a profile", expected, output);

        StepProfile profile = net.Profile;
        log.WriteLine(profile.ToString());
        Assert.Equal(6, profile.Runs); // three warm-up runs and three measured ones
        double timed = Enumerable.Range(0, ParityResNet18.Plan.Steps.Count).Sum(profile.MeanMilliseconds);
        Assert.True(timed > 0);
        Assert.All(Enumerable.Range(0, ParityResNet18.Plan.Steps.Count).Where(i => ParityResNet18.Plan.Steps[i].Op.StartsWith("conv", StringComparison.Ordinal)),
            i => Assert.True(profile.MeanMilliseconds(i) > 0, $"step {i} was not timed"));
        Assert.Contains("layer4.1.conv2", profile.ToString());
        Assert.Throws<ArgumentException>(() => net.Profile = new StepProfile(ParityMobileNetV2.Plan));
        net.Profile = null;
    }
}
