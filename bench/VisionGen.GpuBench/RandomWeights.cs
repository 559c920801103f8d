using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VisionGen.Weights;

namespace VisionGen.GpuBench;

/// <summary>
/// Writes a safetensors file of seeded random weights for a generated model's <c>WeightSpecs</c>, scaled as a trained
/// network's are (convolutions and linear layers with variance 1/fan-in, batch norm near identity) so activations stay
/// in range through the whole network. Timing needs no trained weights; the benchmark checks the GPU against the CPU
/// path on the same file.
/// </summary>
public static class RandomWeights
{
    public static void Write(string path, IReadOnlyList<WeightSpec> specs, int seed = 1234)
    {
        var random = new Random(seed);
        var tensors = new List<(string Name, int[] Shape, float[] Values)>();
        foreach (WeightSpec spec in specs)
        {
            if (spec.Ignored) continue;
            int length = 1;
            foreach (int d in spec.Shape) length *= d;
            var values = new float[length];
            string name = spec.Name;
            if (name.EndsWith("running_var", StringComparison.Ordinal)) Fill(values, random, 0.5, 1.5);
            else if (name.EndsWith("running_mean", StringComparison.Ordinal)) Fill(values, random, -0.1, 0.1);
            else if (spec.Shape.Length == 1 && name.EndsWith("weight", StringComparison.Ordinal)) Fill(values, random, 0.5, 1.5);
            else if (spec.Shape.Length == 1) Fill(values, random, -0.1, 0.1);
            else
            {
                int fanIn = length / spec.Shape[0];
                double a = Math.Sqrt(3.0 / fanIn); // uniform with variance 1/fan-in
                Fill(values, random, -a, a);
            }
            tensors.Add((name, spec.Shape, values));
        }

        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            if (header.Length > 1) header.Append(',');
            header.Append(CultureInfo.InvariantCulture, $"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + 4L * values.Length}]}}");
            offset += 4L * values.Length;
        }
        header.Append('}');
        while (header.Length % 8 != 0) header.Append(' ');
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> u64 = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(u64, (ulong)headerBytes.Length);
        file.Write(u64);
        file.Write(headerBytes);
        var buffer = new byte[1 << 16];
        foreach (var (_, _, values) in tensors)
        {
            for (int i = 0; i < values.Length;)
            {
                int n = Math.Min(buffer.Length / 4, values.Length - i);
                for (int j = 0; j < n; j++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * j), values[i + j]);
                file.Write(buffer, 0, 4 * n);
                i += n;
            }
        }
    }

    private static void Fill(float[] values, Random random, double low, double high)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
    }
}
