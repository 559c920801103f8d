using VisionGen.Cpu;
using VisionGen.Ops;

namespace VisionGen.Tests.Cpu;

public class CpuConvTranspose2dTests
{
    /// <summary>
    /// The scatter definition, in double: every input value x[ci, iy, ix] adds x·w[ci, co, a, b] at output
    /// (iy·s − p + a·d, ix·s − p + b·d) of each output channel co of its group (weight [InC, OutC/G, KH, KW]); then bias,
    /// then the activation.
    /// </summary>
    internal static double[] Expected(in ConvTranspose2dShape s, float[] x, float[] weight, float[]? bias, Activation act)
    {
        int cin = s.InChannels / s.Groups, cout = s.OutChannels / s.Groups;
        var y = new double[s.OutputLength];
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            int g = ci / cin;
            for (int iy = 0; iy < s.InHeight; iy++)
            for (int ix = 0; ix < s.InWidth; ix++)
            {
                double xv = x[(ci * s.InHeight + iy) * s.InWidth + ix];
                for (int col = 0; col < cout; col++)
                for (int a = 0; a < s.KernelHeight; a++)
                for (int b = 0; b < s.KernelWidth; b++)
                {
                    int oy = iy * s.StrideHeight - s.PadHeight + a * s.DilationHeight;
                    int ox = ix * s.StrideWidth - s.PadWidth + b * s.DilationWidth;
                    if (oy < 0 || oy >= s.OutHeight || ox < 0 || ox >= s.OutWidth) continue;
                    int co = g * cout + col;
                    y[(co * s.OutHeight + oy) * s.OutWidth + ox] += xv * weight[((ci * cout + col) * s.KernelHeight + a) * s.KernelWidth + b];
                }
            }
        }
        for (int co = 0; co < s.OutChannels; co++)
            for (int i = 0; i < s.OutHeight * s.OutWidth; i++)
            {
                int at = co * s.OutHeight * s.OutWidth + i;
                y[at] = ActivationReference.Apply(act, y[at] + (bias?[co] ?? 0));
            }
        return y;
    }

    /// <summary>torch's output size: (in − 1)·s − 2p + d·(k − 1) + output_padding + 1.</summary>
    private static int Out(int input, int k, int stride, int pad, int dil, int outputPadding)
        => (input - 1) * stride - 2 * pad + dil * (k - 1) + outputPadding + 1;

    internal static ConvTranspose2dShape Shape(int ic, int oc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
        int oph, int opw, int dh, int dw, int groups)
        => new(ic, h, w, oc, Out(h, kh, sh, ph, dh, oph), Out(w, kw, sw, pw, dw, opw), kh, kw, sh, sw, ph, pw, dh, dw, groups);

    // ic, oc, h, w, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, groups, bias, activation kind
    public static IEnumerable<object[]> Table() => new object[][]
    {
        new object[] { 8, 4, 7, 9, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true, ActivationKind.Relu },        // U-Net up: k2 s2
        new object[] { 16, 8, 5, 5, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, false, ActivationKind.None },
        new object[] { 6, 5, 5, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, true, ActivationKind.None },        // k3 s2 p1 op1
        new object[] { 4, 6, 6, 5, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true, ActivationKind.LeakyRelu },   // k4 s2 p1 (DCGAN)
        new object[] { 5, 7, 9, 11, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, false, ActivationKind.Silu },      // k3 s1 p1: same size
        new object[] { 6, 4, 5, 6, 3, 3, 2, 2, 1, 1, 1, 0, 1, 1, 2, true, ActivationKind.None },        // groups 2
        new object[] { 8, 8, 6, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 8, true, ActivationKind.Relu6 },       // depthwise
        new object[] { 3, 5, 6, 7, 3, 3, 1, 1, 0, 0, 0, 0, 2, 2, 1, true, ActivationKind.None },        // dilation 2
        new object[] { 4, 3, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1, 2, 2, 1, false, ActivationKind.Gelu },       // dilation 2, stride 2, op 1
        new object[] { 3, 2, 1, 1, 4, 4, 2, 2, 1, 1, 0, 0, 1, 1, 1, true, ActivationKind.None },        // 1×1 input
        new object[] { 3, 4, 1, 13, 3, 3, 2, 2, 1, 1, 0, 1, 1, 1, 1, true, ActivationKind.Sigmoid },    // a single row, odd width
        new object[] { 7, 3, 4, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, true, ActivationKind.None },        // 1×1 kernel
        new object[] { 5, 6, 13, 11, 5, 5, 1, 1, 2, 2, 0, 0, 1, 1, 1, true, ActivationKind.Tanh },      // k5 p2
        new object[] { 4, 6, 7, 6, 3, 2, 2, 1, 1, 0, 1, 0, 1, 2, 2, true, ActivationKind.None },        // per-axis kernel/stride/pad/dilation
        new object[] { 3, 4, 5, 5, 3, 3, 3, 3, 0, 0, 2, 2, 1, 1, 1, true, ActivationKind.Hardswish },   // stride 3, op 2
        new object[] { 300, 6, 5, 6, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, true, ActivationKind.None },      // k = 300: several GEMM k-blocks
        new object[] { 12, 34, 17, 19, 2, 2, 2, 2, 0, 0, 1, 1, 1, 1, 1, true, ActivationKind.GeluTanh }, // wide GEMM, output padding on k2 s2
        new object[] { 4, 4, 9, 40, 3, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, false, ActivationKind.None },      // stride 1 vector rows
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void MatchesTheScatterDefinition(int ic, int oc, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
        int oph, int opw, int dh, int dw, int groups, bool hasBias, ActivationKind kind)
    {
        var s = Shape(ic, oc, h, w, kh, kw, sh, sw, ph, pw, oph, opw, dh, dw, groups);
        var act = new Activation(kind, kind == ActivationKind.LeakyRelu ? 0.1f : 0f);
        var x = Reference.Random(s.InputLength, 61);
        var weight = Reference.Random(s.WeightLength, 62);
        var bias = hasBias ? Reference.Random(s.OutChannels, 63) : null;
        var expected = Expected(s, x, weight, bias, act);

        var packed = new float[ConvTranspose2d.PackedWeightLength(s)];
        ConvTranspose2d.PackWeights(s, weight, packed);
        var y = new float[s.OutputLength + 1];
        y[^1] = 77f;
        var scratch = new float[s.ScratchLength];
        Array.Fill(y, float.NaN, 0, s.OutputLength); // fully overwritten: stale values must not leak in
        Array.Fill(scratch, float.NaN);
        ConvTranspose2d.Forward(s, x, packed, bias, act, y, scratch);
        Reference.AssertClose(expected, y, $"convT {s} {act}");
        Assert.Equal(77f, y[^1]);
    }

    [Fact]
    public void ScratchRuleIsSharedWithTheGenerator()
    {
        var s = Shape(12, 34, 17, 19, 3, 2, 2, 2, 1, 0, 1, 0, 1, 1, 2);
        Assert.Equal(17L * 3 * 2 * 17 * 19, ConvScratch.TransposedLength(12, 34, 17, 19, 3, 2, 2));
        Assert.Equal(ConvScratch.TransposedLength(12, 34, 17, 19, 3, 2, 2), s.ScratchLength);
        Assert.Equal(12 * 17 * 3 * 2, s.WeightLength);
        Assert.Equal(12 * 17 * 19, s.InputLength);
        Assert.Equal(34 * s.OutHeight * s.OutWidth, s.OutputLength);
    }

    [Fact]
    public void ValidateAcceptsEveryOutputPaddingAndRejectsTheRest()
    {
        // k3 s2 p1 d1 on 5: least 9, output padding 0 or 1.
        new ConvTranspose2dShape(2, 5, 5, 2, 9, 10, 3, 3, 2, 2, 1, 1, 1, 1, 1).Validate();
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(2, 5, 5, 2, 11, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1).Validate());
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(2, 5, 5, 2, 8, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1).Validate());
        // Stride 1, dilation 3: output padding may be 0..2.
        new ConvTranspose2dShape(1, 4, 4, 1, 10, 12, 3, 3, 1, 1, 0, 0, 3, 3, 1).Validate();
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(1, 4, 4, 1, 13, 10, 3, 3, 1, 1, 0, 0, 3, 3, 1).Validate());
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(3, 4, 4, 2, 5, 5, 2, 2, 1, 1, 0, 0, 1, 1, 2).Validate()); // groups
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1).Validate()); // no output left
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dShape(2, 4, 4, 2, 5, 5, 2, 2, 0, 0, -1, 0, 1, 1, 1).Validate());
    }

    [Fact]
    public void RejectsBadSpans()
    {
        var s = Shape(4, 6, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1);
        var x = new float[s.InputLength];
        var wt = new float[ConvTranspose2d.PackedWeightLength(s)];
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        Assert.Throws<ArgumentException>("torchWeight", () => ConvTranspose2d.PackWeights(s, new float[s.WeightLength - 1], wt));
        Assert.Throws<ArgumentException>("packed", () => ConvTranspose2d.PackWeights(s, new float[s.WeightLength], wt.AsSpan(1)));
        Assert.Throws<ArgumentException>("input", () => ConvTranspose2d.Forward(s, x.AsSpan(1), wt, default, default, y, scratch));
        Assert.Throws<ArgumentException>("packedWeight", () => ConvTranspose2d.Forward(s, x, wt.AsSpan(1), default, default, y, scratch));
        Assert.Throws<ArgumentException>("bias", () => ConvTranspose2d.Forward(s, x, wt, new float[5], default, y, scratch));
        Assert.Throws<ArgumentException>("output", () => ConvTranspose2d.Forward(s, x, wt, default, default, y.AsSpan(1), scratch));
        Assert.Throws<ArgumentException>("scratch", () => ConvTranspose2d.Forward(s, x, wt, default, default, y, scratch.AsSpan(1)));
        var shared = new float[s.InputLength + s.OutputLength];
        Assert.Throws<ArgumentException>("output", () => ConvTranspose2d.Forward(s, shared.AsSpan(0, s.InputLength), wt, default, default, shared.AsSpan(1), scratch));
        var both = new float[s.OutputLength + s.ScratchLength];
        Assert.Throws<ArgumentException>("scratch", () => ConvTranspose2d.Forward(s, x, wt, default, default, both, both.AsSpan(s.OutputLength - 1)));
    }

    [Fact]
    public void SecondCallAllocatesNothing()
    {
        var s = Shape(16, 8, 9, 11, 2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1);
        var x = Reference.Random(s.InputLength, 1);
        var packed = new float[ConvTranspose2d.PackedWeightLength(s)];
        ConvTranspose2d.PackWeights(s, Reference.Random(s.WeightLength, 2), packed);
        var bias = Reference.Random(s.OutChannels, 3);
        var y = new float[s.OutputLength];
        var scratch = new float[s.ScratchLength];
        ConvTranspose2d.Forward(s, x, packed, bias, Activation.Silu, y, scratch);
        Assert.Equal(0, Allocations.Fewest(() => { ConvTranspose2d.Forward(s, x, packed, bias, Activation.Silu, y, scratch); }, rounds: 3));
    }
}

[Collection(CpuThreadsCollection.Name)]
public class CpuConvTranspose2dThreadTests
{
    [Theory]
    [InlineData(64, 32, 28, 28, 2, 2, 0, 0, 1, ActivationKind.Relu)]   // U-Net decoder step
    [InlineData(32, 16, 20, 23, 3, 2, 1, 1, 1, ActivationKind.Silu)]   // overlapping scatter
    [InlineData(32, 32, 15, 17, 4, 2, 1, 0, 4, ActivationKind.None)]   // groups
    public void GivesTheSameBitsOnOneTwoAndThreeThreads(int ic, int oc, int h, int w, int k, int stride, int pad, int outputPadding,
        int groups, ActivationKind kind)
    {
        var s = CpuConvTranspose2dTests.Shape(ic, oc, h, w, k, k, stride, stride, pad, pad, outputPadding, outputPadding, 1, 1, groups);
        var x = Reference.Random(s.InputLength, 4);
        var weight = Reference.Random(s.WeightLength, 5);
        var packed = new float[ConvTranspose2d.PackedWeightLength(s)];
        ConvTranspose2d.PackWeights(s, weight, packed);
        var bias = Reference.Random(s.OutChannels, 6);
        float[] Run()
        {
            var y = new float[s.OutputLength];
            ConvTranspose2d.Forward(s, x, packed, bias, new Activation(kind), y, new float[s.ScratchLength]);
            return y;
        }
        float[] one = ThreadCounts.SameBitsOnOneTwoAndThree(Run);
        Reference.AssertClose(CpuConvTranspose2dTests.Expected(s, x, weight, bias, new Activation(kind)), one, "one thread");
    }
}
