namespace VisionGen.Tests.Weights;

public class WeightLoadExceptionTests
{
    [Fact]
    public void MessageIsASummaryLineThenOneLinePerProblem()
    {
        var ex = new WeightLoadException("x.safetensors", "ResNet18", new[] { "missing tensor 'a' [1]", "unexpected tensor 'b' [2] (not part of ResNet18)" });
        string[] lines = ex.Message.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("The weight file 'x.safetensors' does not match ResNet18: 2 problems.", lines[0]);
        Assert.Equal("  missing tensor 'a' [1]", lines[1]);
        Assert.Equal("  unexpected tensor 'b' [2] (not part of ResNet18)", lines[2]);
        Assert.Equal(3, lines.Length);
        Assert.Equal(2, ex.Problems.Count);
    }

    [Fact]
    public void SingleHeaderProblemConstructor()
    {
        var ex = new WeightLoadException("y.safetensors", "the header length is 0");
        Assert.Equal("The weight file 'y.safetensors' is not a valid safetensors file: 1 problem." + Environment.NewLine + "  the header length is 0", ex.Message);
        Assert.Equal(new[] { "the header length is 0" }, ex.Problems);
        Assert.Null(ex.ModelName);
    }

    [Fact]
    public void ProblemsAreCopiedNotAliased()
    {
        var problems = new List<string> { "p1" };
        var ex = new WeightLoadException("z", "M", problems);
        problems.Add("p2");
        Assert.Single(ex.Problems);
    }
}
