using VisionGen.Cpu;
using VisionGen.Ops;

namespace VisionGen.Tests;

/// <summary>PyTorch's activation formulas evaluated in double, and an element-wise comparison with a relative bound.</summary>
internal static class ActivationReference
{
    /// <summary>
    /// The table every activation test runs over: each <see cref="ActivationKind"/> (LeakyReLU with torch's default slope
    /// and with 0.1), so a new activation is tested on the CPU and the GPU as soon as it has a formula below.
    /// </summary>
    public static IEnumerable<Activation> All =>
        Enum.GetValues<ActivationKind>().Select(k => k == ActivationKind.LeakyRelu ? Activation.LeakyRelu(0.1f) : new Activation(k))
            .Append(Activation.LeakyRelu());

    public static double Apply(Activation act, double x) => act.Kind switch
    {
        ActivationKind.None => x,
        ActivationKind.Relu => x < 0 ? 0 : x,
        ActivationKind.Relu6 => Math.Clamp(x, 0, 6),
        ActivationKind.LeakyRelu => x < 0 ? x * act.Alpha : x,
        ActivationKind.Sigmoid => Sigmoid(x),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Silu => x * Sigmoid(x),
        ActivationKind.Hardsigmoid => Math.Clamp(x / 6 + 0.5, 0, 1),
        ActivationKind.Hardswish => x * Math.Clamp(x / 6 + 0.5, 0, 1),
        ActivationKind.Gelu => Gelu(x),
        ActivationKind.GeluTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        ActivationKind.Mish => x * Math.Tanh(x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(act)),
    };

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>x·Φ(x) = x/2·erfc(−x/√2), through erfc so that the far negative tail (where 1 + erf(x) cancels) stays exact.</summary>
    private static double Gelu(double x) =>
        double.IsNaN(x) ? x : x >= 0 ? 0.5 * x * (2 - Erfc(x / Math.Sqrt(2))) : 0.5 * x * Erfc(-x / Math.Sqrt(2));

    /// <summary>
    /// erfc(z) for z ≥ 0: 1 − erf(z) by Simpson's rule on 2/√π·e^(−t²) over [0, z] below 3 (4000 intervals: error below
    /// 1e-13), the continued fraction e^(−z²)/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …)))) from 3 on.
    /// </summary>
    private static double Erfc(double z)
    {
        if (z < 3)
        {
            const int n = 4000;
            double h = z / n, sum = 1 + Math.Exp(-z * z);
            for (int i = 1; i < n; i++)
            {
                double t = i * h;
                sum += (i % 2 == 1 ? 4 : 2) * Math.Exp(-t * t);
            }
            return 1 - sum * h / 3 * 2 / Math.Sqrt(Math.PI);
        }
        double f = z;
        for (int k = 200; k >= 1; k--) f = z + k / 2.0 / f;
        return Math.Exp(-z * z) / (Math.Sqrt(Math.PI) * f);
    }

    /// <summary>|y − ref| ≤ tolerance·max(1, |ref|) for every element; NaN must meet NaN.</summary>
    public static void AssertEach(double[] expected, float[] actual, string what, double tolerance = 2e-6)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: output too short");
        Assert.True(expected.Length > 0, $"{what}: empty reference");
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], y = actual[i];
            if (double.IsNaN(e) || double.IsNaN(y))
            {
                Assert.True(double.IsNaN(e) && double.IsNaN(y), $"{what}: element {i} is {y}, want {e}");
                continue;
            }
            double bound = tolerance * Math.Max(1, Math.Abs(e));
            Assert.True(Math.Abs(y - e) <= bound, $"{what}: element {i} is {y:R}, want {e:R} (error {Math.Abs(y - e):G3} > {bound:G3})");
        }
    }
}
