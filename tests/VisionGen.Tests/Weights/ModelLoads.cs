using System.Reflection;
using System.Runtime.ExceptionServices;
using VisionGen.Weights;

namespace VisionGen.Tests.Weights;

/// <summary>
/// Loads a generated model along a <see cref="LoadPath"/>: by its generated <c>Load</c> (which calls
/// <see cref="WeightBinder.Load{TModel}"/> with the generated weight table: tensors streamed and dropped after use), by
/// <see cref="WeightBinder.Load{TModel}"/> called here on the generated constructor (optionally with another weight table,
/// e.g. with read counts), or by <see cref="WeightBinder.Bind"/> and then the constructor.
/// </summary>
internal static class ModelLoads
{
    /// <summary>The generated <c>Load(string)</c> or <c>Load(Stream)</c>.</summary>
    public static T Generated<T>(LoadPath path, byte[] file, int tinyRead = 3) where T : IVisionModel<T> =>
        LoadPaths.Run(path, file, p => T.Load(p), (stream, _) => T.Load(stream), tinyRead: tinyRead);

    /// <summary><see cref="WeightBinder.Load{TModel}"/> with the generated constructor, optionally with another weight table.</summary>
    public static T Streamed<T>(LoadPath path, byte[] file, IReadOnlyList<WeightSpec>? specs = null, int tinyRead = 3) where T : IVisionModel<T> =>
        LoadPaths.Run(path, file,
            p =>
            {
                using var opened = SafetensorsFile.Open(p);
                return Streamed<T>(opened, specs);
            },
            (stream, name) =>
            {
                using var opened = SafetensorsFile.Open(stream, name);
                return Streamed<T>(opened, specs);
            },
            tinyRead: tinyRead);

    /// <summary><see cref="WeightBinder.Load{TModel}"/> with the generated constructor of <typeparamref name="T"/>.</summary>
    public static T Streamed<T>(SafetensorsFile file, IReadOnlyList<WeightSpec>? specs = null)
    {
        return WeightBinder.Load(file, specs ?? Specs<T>(), typeof(T).Name, Construct<T>);
    }

    /// <summary>
    /// <see cref="WeightBinder.Bind"/> (every tensor read up front, then handed to the constructor): the other public
    /// entry point, which the generated <c>Load</c> used before it streamed.
    /// </summary>
    public static T Bound<T>(LoadPath path, byte[] file, int tinyRead = 3) where T : IVisionModel<T> =>
        LoadPaths.Run(path, file,
            p =>
            {
                using var opened = SafetensorsFile.Open(p);
                return Construct<T>(WeightBinder.Bind(opened, Specs<T>(), typeof(T).Name));
            },
            (stream, name) =>
            {
                using var opened = SafetensorsFile.Open(stream, name);
                return Construct<T>(WeightBinder.Bind(opened, Specs<T>(), typeof(T).Name));
            },
            tinyRead: tinyRead);

    /// <summary>The generated constructor of <typeparamref name="T"/>, its exceptions unwrapped.</summary>
    public static T Construct<T>(WeightSet weights)
    {
        ConstructorInfo constructor = typeof(T).GetConstructor(BindingFlags.NonPublic | BindingFlags.Instance, [typeof(WeightSet)])
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no generated constructor taking a WeightSet");
        try
        {
            return (T)constructor.Invoke([weights]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>The model's generated weight table.</summary>
    public static IReadOnlyList<WeightSpec> Specs<T>() =>
        (IReadOnlyList<WeightSpec>)typeof(T).GetProperty("WeightSpecs", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>Bytes of every float array the model holds (weights and arena), read by reflection.</summary>
    public static long ArrayBytes(object model, bool arena = true) =>
        model.GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(f => f.FieldType == typeof(float[]) && (arena || f.Name != "_arena"))
            .Sum(f => 4L * (((float[]?)f.GetValue(model))?.Length ?? 0));

    /// <summary>What a load ended in: the outputs for one fixed input, or the problems it was rejected with.</summary>
    internal readonly record struct Outcome(bool Loaded, IReadOnlyList<string> Problems, string? ModelName, float[] Output)
    {
        public override string ToString() => Loaded ? "loaded" : $"rejected ({string.Join(" | ", Problems)})";
    }

    /// <summary>Runs <paramref name="load"/>; only <see cref="WeightLoadException"/> may escape it.</summary>
    public static Outcome Try<T>(Func<T> load) where T : IVisionModel<T>
    {
        try
        {
            using T model = load();
            var input = new float[model.InputLength];
            for (int i = 0; i < input.Length; i++) input[i] = (i % 7 - 3) * 0.25f;
            var output = new float[model.OutputLength];
            model.Run(input, output);
            return new Outcome(true, [], null, output);
        }
        catch (WeightLoadException e)
        {
            Assert.NotEmpty(e.Problems);
            return new Outcome(false, e.Problems, e.ModelName, []);
        }
    }
}
