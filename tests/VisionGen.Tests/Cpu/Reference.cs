namespace VisionGen.Tests.Cpu;

/// <summary>
/// Naive double-precision reference ops: straight loops over PyTorch's definitions, written without
/// looking at the kernels. Activation codes: 0 none, 1 relu, 2 relu6.
/// </summary>
internal static class Reference
{
    public static double Act(double v, int act) => act switch
    {
        0 => v,
        1 => v > 0 ? v : 0,
        _ => v < 0 ? 0 : v > 6 ? 6 : v,
    };

    public static int OutSize(int input, int k, int stride, int pad, int dil) => (input + 2 * pad - dil * (k - 1) - 1) / stride + 1;

    /// <summary>Pooling with ceil_mode=True, as ATen's pooling_output_shape: round up, then drop a last window that would start in the right padding.</summary>
    public static int CeilOutSize(int input, int k, int stride, int pad)
    {
        int n = (int)Math.Ceiling((input + 2 * pad - k) / (double)stride) + 1;
        return (n - 1) * stride >= input + pad ? n - 1 : n;
    }

    /// <summary>Conv2d, batch 1, weight [oc, ic/g, kh, kw]; y = act(conv + bias + residual).</summary>
    public static double[] Conv2d(float[] x, int ic, int h, int w, float[] weight, float[]? bias, float[]? residual,
        int oc, int kh, int kw, int stride, int pad, int dil, int groups, int act, out int oh, out int ow)
    {
        oh = OutSize(h, kh, stride, pad, dil);
        ow = OutSize(w, kw, stride, pad, dil);
        int icg = ic / groups, ocg = oc / groups;
        var y = new double[oc * oh * ow];
        for (int o = 0; o < oc; o++)
        {
            int g = o / ocg;
            for (int yy = 0; yy < oh; yy++)
            for (int xx = 0; xx < ow; xx++)
            {
                double sum = 0;
                for (int ci = 0; ci < icg; ci++)
                for (int a = 0; a < kh; a++)
                for (int b = 0; b < kw; b++)
                {
                    int iy = yy * stride - pad + a * dil;
                    int ix = xx * stride - pad + b * dil;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    int c = g * icg + ci;
                    sum += (double)x[(c * h + iy) * w + ix] * weight[((o * icg + ci) * kh + a) * kw + b];
                }
                int idx = (o * oh + yy) * ow + xx;
                if (bias != null) sum += bias[o];
                if (residual != null) sum += residual[idx];
                y[idx] = Act(sum, act);
            }
        }
        return y;
    }

    public static double[] Gemm(int m, int n, int k, float[] a, float[] b, float[]? bias, float[]? residual, int act)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)a[i * k + p] * b[p * n + j];
            if (bias != null) s += bias[i];
            if (residual != null) s += residual[i * n + j];
            c[i * n + j] = Act(s, act);
        }
        return c;
    }

    /// <summary>
    /// torch max_pool2d / avg_pool2d (floor mode, count_include_pad=True). For avg the divisor is
    /// (hend − hstart)·(wend − wstart) with hend = min(hstart + k, H + pad), computed before clipping
    /// the window to the input, as in ATen's AvgPool2d kernel.
    /// </summary>
    public static double[] Pool(float[] x, int c, int h, int w, int k, int stride, int pad, bool max, out int oh, out int ow, bool ceilMode = false)
    {
        oh = ceilMode ? CeilOutSize(h, k, stride, pad) : OutSize(h, k, stride, pad, 1);
        ow = ceilMode ? CeilOutSize(w, k, stride, pad) : OutSize(w, k, stride, pad, 1);
        var y = new double[c * oh * ow];
        for (int ch = 0; ch < c; ch++)
        for (int yy = 0; yy < oh; yy++)
        for (int xx = 0; xx < ow; xx++)
        {
            int hs = yy * stride - pad, ws = xx * stride - pad;
            int he = Math.Min(hs + k, h + pad), we = Math.Min(ws + k, w + pad);
            int poolSize = (he - hs) * (we - ws);
            double best = double.NegativeInfinity, sum = 0;
            for (int iy = Math.Max(hs, 0); iy < Math.Min(he, h); iy++)
            for (int ix = Math.Max(ws, 0); ix < Math.Min(we, w); ix++)
            {
                double v = x[(ch * h + iy) * w + ix];
                if (v > best || double.IsNaN(v)) best = v;
                sum += v;
            }
            y[(ch * oh + yy) * ow + xx] = max ? best : sum / poolSize;
        }
        return y;
    }

    public static float[] Random(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (float)r.NextDouble() * (hi - lo);
        return a;
    }

    /// <summary>Asserts max|y − ref| ≤ 1e-4·max|ref| + 1e-5 over the first ref.Length values.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: output too short");
        double maxRef = 0, maxErr = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++) maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i])) e = double.PositiveInfinity;
            if (e > maxErr) { maxErr = e; worst = i; }
        }
        double tol = 1e-4 * maxRef + 1e-5;
        Assert.True(maxErr <= tol, $"{what}: max error {maxErr:G4} at {worst} (got {(worst >= 0 ? actual[worst] : 0)}, want {(worst >= 0 ? expected[worst] : 0)}), tolerance {tol:G4}");
    }
}
