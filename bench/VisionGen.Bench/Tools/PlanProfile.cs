using VisionGen.Bench.Networks;

namespace VisionGen.Bench.Tools;

/// <summary>
/// Prints a benchmark network's plan (steps, shapes, each convolution's algorithm on this machine, FLOPs, arena slices)
/// and the per-step profile of a few runs after 2 s of warm-up calls: <c>dotnet run -c Release --project bench/VisionGen.Bench -- profile resnet18 [runs]</c>.
/// Weights from bench/models (scripts/export_bench_models.py).
/// </summary>
internal static class PlanProfile
{
    public static void Run(string network, int runs)
    {
        switch (network)
        {
            case "resnet18": Print<BenchResNet18>("resnet18", runs); break;
            case "resnet50": Print<BenchResNet50>("resnet50", runs); break;
            case "mobilenet_v2": Print<BenchMobileNetV2>("mobilenet_v2", runs); break;
            case "mobilenet_v3_large": Print<BenchMobileNetV3Large>("mobilenet_v3_large", runs); break;
            case "efficientnet_b0": Print<BenchEfficientNetB0>("efficientnet_b0", runs); break;
            case "fcos": PrintFcos(runs); break;
            default: throw new ArgumentException($"unknown network {network}: resnet18, resnet50, mobilenet_v2, mobilenet_v3_large, efficientnet_b0 or fcos");
        }
    }

    private static void Print<T>(string name, int runs) where T : IVisionModel<T>
    {
        string weights = Path.Combine(ModelFiles.Directory, name + ".safetensors");
        using T model = T.Load(weights);
        ModelPlan plan = PlanOf<T>();
        Console.WriteLine(plan);
        var input = new float[model.InputLength];
        var output = new float[model.OutputLength];
        for (int i = 0; i < input.Length; i++) input[i] = (i % 255) / 255f - 0.5f;
        Profile(plan, () => model.Run(input, output), profile => SetProfile(model, profile), runs);
    }

    // The FashionDetection sample's detector: its heads (RunHeads, what the startup harness and ONNX Runtime's graph time).
    private static void PrintFcos(int runs)
    {
        string weights = Path.Combine(ModelFiles.Directory, "..", "..", "samples", "FashionDetection", "model", "fcos_fashion.safetensors");
        using var model = BenchFcos.Load(weights);
        Console.WriteLine(BenchFcos.Plan);
        var input = new float[BenchFcos.InputLength];
        var random = new Random(2004);
        for (int i = 0; i < input.Length; i++) input[i] = random.NextSingle();
        Profile(BenchFcos.Plan, () => model.RunHeads(input), profile => model.Profile = profile, runs);
    }

    /// <summary>
    /// The steady state: calls for 2 s first (the first calls compile and tier up), then <paramref name="runs"/> profiled
    /// calls, and the profile printed. With <c>VISIONGEN_PROFILE_WARMUP_S=0</c> in the environment the profile starts at
    /// the first call after Load: where a first result's time goes (<c>VISIONGEN_PROFILE_WARMUP_S=0 ... -- profile resnet18 1</c>);
    /// with <c>VISIONGEN_PROFILE_PAUSE_MS=30</c>, each profiled call follows a pause (<c>... -- profile mobilenet_v2 100 2</c>).
    /// </summary>
    private static void Profile(ModelPlan plan, Action run, Action<StepProfile> attach, int runs)
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("VISIONGEN_PROFILE_WARMUP_S"),
            System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 2;
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < seconds) run();
        // VISIONGEN_PROFILE_PAUSE_MS=30: a pause before each profiled call, as a camera app's calls come (idle workers asleep).
        int pause = int.TryParse(Environment.GetEnvironmentVariable("VISIONGEN_PROFILE_PAUSE_MS"), out int p) ? p : 0;
        var profile = new StepProfile(plan);
        attach(profile);
        for (int i = 0; i < runs; i++)
        {
            if (pause > 0) Thread.Sleep(pause);
            run();
        }
        Console.WriteLine(profile);
    }

    // Plan and Profile are generated members of each model class (not part of IVisionModel).
    private static ModelPlan PlanOf<T>() => (ModelPlan)typeof(T).GetProperty("Plan")!.GetValue(null)!;

    private static void SetProfile(object model, StepProfile profile) => model.GetType().GetProperty("Profile")!.SetValue(model, profile);
}
