using System.Linq.Expressions;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using VisionGen.Kernels;
using VisionGen.Tests.Forward;
using VisionGen.Tests.Parity;

namespace VisionGen.Tests.Gpu;

/// <summary>
/// Our side of every launch allocates nothing, checked where CI can see it. A generated runner's Run on CUDA must
/// allocate zero managed bytes, but CI has only ILGPU's CPU accelerator, whose own per-launch bookkeeping (a few hundred
/// bytes, varying) hides a small allocation of ours: an interpolated error message built on every implicit-GEMM
/// launch (272 B) first showed up on an H200. Here each runner's kernel delegates are swapped for ones that do nothing,
/// so a Run is exactly our code (argument checks, launch geometry, staging transfers) and must allocate 0 bytes on any
/// accelerator — for every op of the table (a reshape or an identity launches nothing: there the Run is the staged
/// upload and download) and every network the GPU check measures.
/// </summary>
public sealed class LaunchWrappersAllocateNothingTests(GpuFixture gpu) : IClassFixture<GpuFixture>
{
    public static TheoryData<string> Runners()
    {
        var data = new TheoryData<string>();
        foreach (string network in new[] { "custom_stack", "norm_stack", "mobilenet_v2_w075", "resnet18_tiny", "unet", "yolo", "se_resnet" })
            data.Add(network);
#if NET10_0_OR_GREATER
        data.Add("fcos_sample"); // the samples target net10.0 only
#endif
        foreach ((string name, _) in OpCases.All) data.Add("ops/" + name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public void RunWithSilencedKernelsAllocatesNothing(string runner)
    {
        var (executor, call) = Load(runner, gpu.Context);
        using (executor)
        {
            call(); // loads anything loaded lazily (a kernel, the staging buffer) with the real kernels
            int silenced = Silence(executor.Kernels);
            Assert.True(silenced >= 20, $"only {silenced} kernel delegates found to silence");
            for (int i = 0; i < 3; i++) call();
            long bytes = Allocations.Fewest(() => { for (int i = 0; i < 3; i++) call(); }, rounds: 3);
            Assert.True(bytes == 0, $"{runner}: 3 Runs with kernels that do nothing allocated {bytes} managed bytes");
        }
    }

    /// <summary>Replaces each kernel delegate field (Action&lt;AcceleratorStream, KernelConfig, ...&gt;) with one that does nothing.</summary>
    private static int Silence(GpuKernels kernels)
    {
        int count = 0;
        foreach (FieldInfo field in typeof(GpuKernels).GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
        {
            if (!field.FieldType.IsGenericType || field.FieldType.GetGenericArguments() is not [var first, var second, ..]
                || first != typeof(AcceleratorStream) || second != typeof(KernelConfig))
                continue;
            var parameters = field.FieldType.GetGenericArguments().Select(Expression.Parameter).ToArray();
            field.SetValue(kernels, Expression.Lambda(field.FieldType, Expression.Empty(), parameters).Compile());
            count++;
        }
        return count;
    }

    private static (GpuModelExecutor Executor, Action Call) Load(string runner, GpuContext context)
    {
#if NET10_0_OR_GREATER
        if (runner == "fcos_sample")
        {
            string sample = Path.Combine(Fixtures.RepoRoot, "samples", "FashionDetection");
            var canvases = FashionDetection.TestCanvases.Load(Path.Combine(sample, "data", "test_canvases.safetensors"));
            var detector = FashionDetection.FashionDetector.LoadGpu(Path.Combine(sample, "model", "fcos_fashion.safetensors"), context);
            var input = new float[FashionDetection.FashionDetector.InputLength];
            canvases.ToInput(0, input);
            var found = new global::VisionGen.ObjectDetection.Detection[FashionDetection.FashionDetector.MaxDetections];
            return (detector, () => detector.Detect(input, found));
        }
#endif
        Type model;
        float[] input2;
        int outputLength;
        string weights;
        if (runner.StartsWith("ops/", StringComparison.Ordinal))
        {
            string name = runner["ops/".Length..];
            model = OpCases.All.Single(c => c.Case == name).Model;
            var (input, expected, _, _) = ForwardParity.ReadCase("ops", name);
            (input2, outputLength, weights) = (input, expected.Length, Fixtures.PathOf(Path.Combine("ops", name + ".safetensors")));
        }
        else if (runner is "unet" or "yolo" or "se_resnet")
        {
            model = runner switch { "unet" => typeof(ForwardUNet), "yolo" => typeof(ForwardYolo), _ => typeof(ForwardSeResNet) };
            var (input, expected, _, _) = ForwardParity.ReadCase("", runner);
            (input2, outputLength, weights) = (input, expected.Length, Fixtures.PathOf(runner + ".safetensors"));
        }
        else
        {
            model = runner switch
            {
                "custom_stack" => typeof(ParityCustomStack), "norm_stack" => typeof(ParityNormStack),
                "mobilenet_v2_w075" => typeof(ParityMobileNetV2W075), _ => typeof(ParityResNet18Tiny),
            };
            var (input, expected) = Fixtures.ReadInputOutput(runner);
            (input2, outputLength, weights) = (input, expected.Length, Fixtures.PathOf(runner + ".safetensors"));
        }
        MethodInfo load = model.GetMethod("LoadGpu", [typeof(string), typeof(GpuContext)])!;
        var executor = (GpuModelExecutor)load.Invoke(null, [weights, context])!;
        var output = new float[outputLength];
        return (executor, () => executor.Run(input2, output));
    }
}
