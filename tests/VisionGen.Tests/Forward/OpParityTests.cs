using VisionGen.Kernels;
using VisionGen.Tests.Gpu;
using Xunit.Abstractions;

namespace VisionGen.Tests.Forward;

/// <summary>
/// Every op of <c>VisionGen.Nn</c> against PyTorch, over the shape table of scripts/fixtures/make_op_fixtures.py (odd
/// sizes, stride 2, padding, groups, dilation, broadcasting, batch 2, several outputs): each case is a tiny network
/// declared with <c>Forward</c> (tests/VisionGen.Tests/Forward/OpModels.cs), generated, and run on the CPU and on the
/// GPU runner (ILGPU's CPU accelerator in CI).
/// </summary>
public sealed class OpParityTests(GpuFixture gpu, ITestOutputHelper log) : IClassFixture<GpuFixture>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach ((string name, _) in OpCases.All) data.Add(name);
        return data;
    }

    private static Type ModelOf(string name) => OpCases.All.Single(c => c.Case == name).Model;

    [Theory]
    [MemberData(nameof(Cases))]
    public void CpuMatchesPyTorch(string name)
    {
        var (input, expected, names, lengths) = ForwardParity.ReadCase("ops", name);
        float[] actual = ForwardParity.RunCpu(ModelOf(name), Parity.Fixtures.PathOf(Path.Combine("ops", name + ".safetensors")), input);
        ForwardParity.AssertOutputs(log, name + " CPU", expected, actual, names, lengths);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GpuMatchesPyTorch(string name)
    {
        GpuContext context = gpu.Context; // one for the class: on CUDA a context costs a device context and the kernels' compilation
        var (input, expected, names, lengths) = ForwardParity.ReadCase("ops", name);
        float[] actual = ForwardParity.RunGpu(ModelOf(name), context, Parity.Fixtures.PathOf(Path.Combine("ops", name + ".safetensors")), input, expected.Length);
        ForwardParity.AssertOutputs(log, $"{name} GPU ({context.Description})", expected, actual, names, lengths);
    }

    [Fact]
    public void EveryCaseOfTheFixtureTableHasItsNetwork()
    {
        var manifest = ForwardParity.Manifest(Path.Combine("ops", "manifest.json"));
        var fixtureCases = manifest.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet();
        Assert.Equal(fixtureCases.Order(), OpCases.All.Select(c => c.Case).Order());
    }
}
