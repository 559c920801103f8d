using Xunit.Abstractions;
using System.Buffers.Binary;
using System.Diagnostics;
using VisionGen.Weights;
using Xunit.Sdk;
using static VisionGen.Tests.Weights.SafetensorsTestWriter;

namespace VisionGen.Tests.Weights;

/// <summary>
/// Thousands of mutations of valid weight files — header bytes, data bytes, data_offsets, dtypes, shapes, truncation,
/// huge length and size claims, bad values, ignored and extra tensors, and changes that keep the file valid — each
/// loaded into a generated model along every load path (by path, seekable stream, forward-only stream, forward-only
/// stream returning 1–7 bytes per read), by the generated <c>Load</c> (tensors streamed into the constructor) and by
/// <see cref="WeightBinder.Bind"/> then the constructor.
/// Every load ends in a model or a <see cref="WeightLoadException"/>, nothing else; every path reaches the same verdict
/// (and, loaded, bit-identical outputs; rejected, the same problems); no load allocates more than a few megabytes
/// whatever the file claims. Seeds are fixed: a failure names the mutation that reproduces it.
/// </summary>
public class WeightsFuzzTests(ITestOutputHelper log)
{
    private const int Mutations = 3000;
    private const long AllocationLimit = 4_000_000;

    private static readonly string[] DTypes = ["F32", "F16", "BF16", "I64", "U8", "F64", "BOOL", "I32", "F33", ""];

    [Fact]
    public void MutatedWeightFilesLoadAlikeOnEveryPathOrFailWithWeightLoadException()
    {
        var clock = Stopwatch.StartNew();
        var verdicts = new SortedDictionary<string, int[]>(StringComparer.Ordinal); // kind -> [loaded, rejected]
        int loads = 0, extentsFirst = 0;
        for (int m = 0; m < Mutations; m++)
        {
            var random = new Random(20250611 + 7919 * m);
            bool folded = m % 3 != 2;
            (string kind, bool staysValid, bool loaded, int count, bool divergent, string verdict) = folded
                ? Case<FoldedWeightsNet>(m, random)
                : Case<UnfoldedWeightsNet>(m, random);
            if (staysValid) Assert.True(loaded, $"mutation {m} ({kind}) keeps the file valid but was {verdict}");
            loads += count;
            if (divergent) extentsFirst++;
            int[] tally = verdicts.TryGetValue(kind, out int[]? t) ? t : verdicts[kind] = new int[2];
            tally[loaded ? 0 : 1]++;
        }
        int rejected = verdicts.Values.Sum(v => v[1]);
        log.WriteLine($"{Mutations} mutations, {loads} loads in {clock.Elapsed.TotalSeconds:F1} s: {Mutations - rejected} loaded, {rejected} rejected " +
                      $"({extentsFirst} rejected for a short data section by path but for a model mismatch by stream)");
        foreach (var (kind, v) in verdicts) log.WriteLine($"  {kind,-22} loaded {v[0],5}  rejected {v[1],5}");
        Assert.InRange(rejected, Mutations / 2, Mutations - Mutations / 10); // both verdicts are exercised in bulk
    }

    /// <summary>One mutation of a valid file for <typeparamref name="T"/>, loaded 8 ways.</summary>
    private static (string Kind, bool StaysValid, bool Loaded, int Loads, bool Divergent, string Verdict) Case<T>(int m, Random random) where T : IVisionModel<T>
    {
        IReadOnlyList<WeightSpec> specs = ModelLoads.Specs<T>();
        List<Entry> entries = BaseEntries(specs, random);
        (string kind, bool staysValid, byte[] file) = Mutate(entries, random);

        var outcomes = new List<(string How, LoadPath Path, ModelLoads.Outcome Outcome)>();
        foreach (LoadPath path in LoadPaths.All)
        {
            int tinyRead = 1 + random.Next(7);
            outcomes.Add(("generated Load", path, Load(() => ModelLoads.Generated<T>(path, file, tinyRead))));
            outcomes.Add(("WeightBinder.Bind", path, Load(() => ModelLoads.Bound<T>(path, file, tinyRead))));
        }

        string where = $"mutation {m} ({kind}, {typeof(T).Name})";
        var first = outcomes[0];
        bool divergent = false;
        foreach (var (how, path, outcome) in outcomes)
        {
            Assert.True(first.Outcome.Loaded == outcome.Loaded,
                $"{where}: {first.How} by {first.Path} {first.Outcome}, but {how} by {path} {outcome}");
            if (outcome.Loaded) Assert.True(first.Outcome.Output.SequenceEqual(outcome.Output), $"{where}: {how} by {path} computes other outputs");
        }
        if (!first.Outcome.Loaded)
        {
            // Within one entry point every path gives the same problems, word for word — but for one case a stream
            // cannot match: a file cut short that also does not fit the model. By path the length is known at once; a
            // forward-only stream learns it only when it gets there, after the tensor names have been compared.
            foreach (var group in outcomes.GroupBy(o => o.How))
            {
                var byPath = group.Single(o => o.Path == LoadPath.File).Outcome;
                foreach (var (how, path, outcome) in group)
                {
                    if (byPath.Problems.SequenceEqual(outcome.Problems)) continue;
                    bool extentsFirst = path is LoadPath.ForwardOnly or LoadPath.TinyReads && byPath.ModelName is null && outcome.ModelName is not null
                        && byPath.Problems.All(p => p.Contains("are outside the file", StringComparison.Ordinal));
                    Assert.True(extentsFirst, $"{where}: {how} by File rejects with [{string.Join(" | ", byPath.Problems)}] but by {path} with [{string.Join(" | ", outcome.Problems)}]");
                    divergent = true;
                }
            }
        }
        return (kind, staysValid, first.Outcome.Loaded, outcomes.Count, divergent, first.Outcome.ToString());

        ModelLoads.Outcome Load(Func<T> load)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            ModelLoads.Outcome outcome;
            try
            {
                outcome = ModelLoads.Try(load);
            }
            catch (Exception e) when (e is not XunitException)
            {
                throw new XunitException($"mutation {m} ({kind}, {typeof(T).Name}): {e.GetType().Name} escaped instead of WeightLoadException: {e}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated <= AllocationLimit, $"mutation {m} ({kind}, {typeof(T).Name}): one load allocated {allocated} bytes");
            return outcome;
        }
    }

    /// <summary>Random weights for the model, some tensors stored as F16 or BF16, in a random file order.</summary>
    private static List<Entry> BaseEntries(IReadOnlyList<WeightSpec> specs, Random random)
    {
        List<Entry> entries = RandomEntries(specs, seed: random.Next(16));
        for (int i = 0; i < entries.Count; i++)
        {
            if (entries[i].DType == "F32" && random.Next(4) == 0) entries[i] = Recode(entries[i], random.Next(2) == 0 ? "F16" : "BF16");
        }
        if (random.Next(2) == 0) entries = entries.OrderBy(_ => random.Next()).ToList();
        return entries;
    }

    /// <summary>The entry's float values stored as <paramref name="dtype"/> (F32, F16 or BF16), shape unchanged.</summary>
    private static Entry Recode(Entry entry, string dtype)
    {
        float[] values = ValuesOf(entry);
        return dtype switch
        {
            "F32" => F32(entry.Name, entry.Shape, values),
            "F16" => Bits16(entry.Name, "F16", entry.Shape, values.Select(v => BitConverter.HalfToUInt16Bits((Half)v)).ToArray()),
            _ => Bits16(entry.Name, "BF16", entry.Shape, values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray()),
        };
    }

    private static float[] ValuesOf(Entry entry) => entry.DType switch
    {
        "F32" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entry.Data).ToArray(),
        "F16" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(entry.Data).ToArray().Select(h => (float)h).ToArray(),
        "BF16" => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(entry.Data).ToArray().Select(b => BitConverter.UInt32BitsToSingle((uint)b << 16)).ToArray(),
        _ => new float[entry.Data.Length / Math.Max(1, SizeOf(entry.DType))],
    };

    private static int SizeOf(string dtype) => dtype switch
    {
        "BOOL" or "U8" => 1,
        "F16" or "BF16" => 2,
        "F32" or "I32" => 4,
        "F64" or "I64" => 8,
        _ => 4,
    };

    /// <summary>One mutation: its kind, whether the file stays valid for the model, and the file.</summary>
    private static (string Kind, bool StaysValid, byte[] File) Mutate(List<Entry> entries, Random random)
    {
        List<HeaderEntry> header = Layout(entries, out byte[] data);
        int pick = random.Next(header.Count);
        HeaderEntry h = header[pick];
        switch (random.Next(12))
        {
            case 0:
            {
                byte[] file = BuildFrom(header, data);
                int headerEnd = 8 + HeaderLength(file);
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    int at = random.Next(headerEnd);
                    file[at] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)(file[at] ^ (1 << random.Next(8)));
                }
                return ("header bytes", false, file);
            }
            case 1:
            {
                byte[] file = BuildFrom(header, data);
                int headerEnd = 8 + HeaderLength(file);
                if (file.Length > headerEnd)
                {
                    for (int n = random.Next(1, 4); n > 0; n--)
                    {
                        int at = random.Next(headerEnd, file.Length);
                        file[at] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(file[at] ^ (1 << random.Next(8)));
                    }
                }
                return ("data bytes", false, file);
            }
            case 2:
            {
                byte[] file = BuildFrom(header, data);
                return ("truncation", false, file[..random.Next(file.Length)]);
            }
            case 3:
            {
                long length = h.End - h.Begin;
                header[pick] = (random.Next(6)) switch
                {
                    0 => h with { Begin = long.MaxValue - length, End = long.MaxValue },
                    1 => h with { Begin = (1L << random.Next(20, 62)), End = (1L << random.Next(20, 62)) + length },
                    2 => h with { Begin = h.Begin + random.Next(-16, 17), End = h.End + random.Next(-16, 17) },
                    3 => h with { Begin = h.End, End = h.Begin },
                    4 => h with { Begin = header[random.Next(header.Count)].Begin, End = header[random.Next(header.Count)].Begin + length },
                    _ => h with { Begin = data.Length - length + random.Next(1, 64), End = data.Length + random.Next(1, 64) },
                };
                return ("data_offsets", false, BuildFrom(header, data));
            }
            case 4:
            {
                string dtype = DTypes[random.Next(DTypes.Length)];
                if (random.Next(2) == 0 || SizeOf(dtype) == 0)
                {
                    header[pick] = h with { DType = dtype };
                    return ("dtype", false, BuildFrom(header, data));
                }
                // Consistent: the data re-encoded (floats), or sized for the new dtype (others).
                Entry e = entries[pick];
                entries[pick] = dtype is "F32" or "F16" or "BF16" && e.DType is "F32" or "F16" or "BF16"
                    ? Recode(e, dtype)
                    : new Entry(e.Name, dtype, e.Shape, new byte[ValuesOf(e).Length * SizeOf(dtype)]);
                bool valid = entries[pick].DType is "F32" or "F16" or "BF16"
                             || (e.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal) && SafetensorsFile.DTypeSize(dtype) > 0);
                return ("dtype, re-encoded", valid, Build(entries));
            }
            case 5:
            {
                long[] shape = (long[])h.Shape.Clone();
                int dim = shape.Length == 0 ? -1 : random.Next(shape.Length);
                shape = random.Next(6) switch
                {
                    0 when dim >= 0 => Set(shape, dim, shape[dim] + 1),
                    1 when dim >= 0 => Set(shape, dim, 0),
                    2 when dim >= 0 => Set(shape, dim, 1L << random.Next(31, 62)),
                    3 when dim >= 0 => Set(shape, dim, -shape[dim] - 1),
                    4 => [.. shape, 1],
                    _ => shape.Length > 0 ? shape[1..] : [2],
                };
                long bytes = SizeOf(h.DType);
                foreach (long d in shape) bytes = d < 0 || bytes < 0 ? -1 : d == 0 ? 0 : bytes > (long.MaxValue - h.Begin) / d ? -1 : bytes * d;
                bool resize = random.Next(2) == 0 && bytes >= 0;
                header[pick] = h with { Shape = shape, End = resize ? h.Begin + bytes : h.End };
                return ("shape", false, BuildFrom(header, data));
            }
            case 6:
            {
                byte[] file = BuildFrom(header, data);
                ulong claim = random.Next(6) switch
                {
                    0 => (ulong)SafetensorsFile.MaxHeaderLength + 1,
                    1 => (ulong)SafetensorsFile.MaxHeaderLength,
                    2 => ulong.MaxValue - (ulong)random.Next(1000),
                    3 => (ulong)(HeaderLength(file) + random.Next(-8, 1 << 20)),
                    4 => (ulong)random.Next(1, 1 << 20),
                    _ => 1UL << random.Next(32, 63),
                };
                BinaryPrimitives.WriteUInt64LittleEndian(file, claim);
                if (random.Next(2) == 0)
                {
                    // A huge tensor claimed consistently: shape and offsets agree, the data is not there.
                    long big = 1L << random.Next(30, 50);
                    header[pick] = h with { Shape = [big], DType = "F32", Begin = data.Length, End = data.Length + 4 * big };
                    return ("huge claims", false, BuildFrom(header, data));
                }
                return ("huge claims", false, file);
            }
            case 7:
            {
                // Values that load (a negative mean, a zero weight) or that no layer can use (NaN, ∞, negative variance, overflow).
                Entry e = entries[pick];
                if (e.DType is not ("F32" or "F16" or "BF16") || e.Data.Length == 0) return ("values", true, Build(entries));
                float[] values = ValuesOf(e);
                float value = random.Next(7) switch
                {
                    0 => float.NaN,
                    1 => float.PositiveInfinity,
                    2 => float.NegativeInfinity,
                    3 => -0.5f,
                    4 => 3e38f,
                    5 => 0f,
                    _ => -3e38f,
                };
                values[random.Next(values.Length)] = value;
                entries[pick] = Recode(new Entry(e.Name, "F32", e.Shape, F32Bytes(values)), e.DType);
                return ("values", false, Build(entries));
            }
            case 8:
            {
                int ignored = header.FindIndex(x => x.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal));
                if (ignored < 0) return ("ignored tensor", true, BuildFrom(header, data));
                HeaderEntry g = header[ignored];
                switch (random.Next(3))
                {
                    case 0: // moved past the end of the data
                        header[ignored] = g with { Begin = data.Length + random.Next(0, 64), End = data.Length + random.Next(0, 64) + (g.End - g.Begin) };
                        return ("ignored tensor", false, BuildFrom(header, data));
                    case 1: // absent: fine
                        header.RemoveAt(ignored);
                        return ("ignored tensor", true, BuildFrom(header, data));
                    default: // any dtype and shape: fine
                        header[ignored] = g with { DType = "U8", Shape = [g.End - g.Begin] };
                        return ("ignored tensor", true, BuildFrom(header, data));
                }
            }
            case 9:
            {
                switch (random.Next(4))
                {
                    case 0:
                        header.RemoveAt(pick);
                        return ("entries", false, BuildFrom(header, data));
                    case 1:
                        header.Add(h with { Name = h.Name + ".extra" });
                        return ("entries", false, BuildFrom(header, data));
                    case 2:
                        header.Add(h); // the same name twice
                        return ("entries", false, BuildFrom(header, data));
                    default:
                        header[pick] = h with { Name = h.Name[..^1] };
                        return ("entries", false, BuildFrom(header, data));
                }
            }
            case 10:
            {
                // Changes that keep the file valid: another order, metadata, padding, unknown fields, trailing bytes.
                switch (random.Next(4))
                {
                    case 0:
                        return ("still valid", true, Build(entries.OrderBy(_ => random.Next())));
                    case 1:
                        return ("still valid", true, BuildFrom(header, data, ",\"__metadata__\":{\"format\":\"pt\",\"note\":\"\\u00e9\\\"\"}" + new string(' ', random.Next(64))));
                    case 2:
                        return ("still valid", true, BuildRaw("{\"__metadata__\":{}," + string.Join(",", header.Select(x =>
                            EntryJson(x.Name, x.DType, x.Shape, x.Begin, x.End)[..^1] + ",\"extra\":[1,{\"a\":null}]}")) + "}", data));
                    default:
                        return ("still valid", true, [.. BuildFrom(header, data), .. new byte[random.Next(1, 100)]]);
                }
            }
            default:
            {
                // Several of the above at once.
                (string _, bool _, byte[] once) = Mutate(entries, random);
                byte[] file = once;
                if (file.Length > 8 && random.Next(2) == 0) file = file[..random.Next(8, file.Length)];
                if (file.Length > 0) file[random.Next(file.Length)] ^= (byte)(1 << random.Next(8));
                return ("combined", false, file);
            }
        }

        static long[] Set(long[] shape, int dim, long value)
        {
            shape[dim] = value;
            return shape;
        }
    }
}
