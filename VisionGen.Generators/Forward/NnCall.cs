using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Ir.Ops;
using VisionGen.Generators.Model;
using VisionGen.Ops;

namespace VisionGen.Generators.Forward
{
    /// <summary>Marks the static method that turns calls of the named <c>VisionGen.Nn</c> methods into ops (one per op file).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class NnOpAttribute : Attribute
    {
        public NnOpAttribute(params string[] methods) => Methods = methods;

        public string[] Methods { get; }
    }

    /// <summary>
    /// One call of a <c>VisionGen.Nn</c> method inside <c>Forward</c>, with every parameter bound to a constant (the
    /// defaults come from the method's own signature, so they are written once, in <c>Nn.cs</c>). The op files read it
    /// through the typed accessors and add their op; a bad argument is a diagnostic at the call.
    /// </summary>
    internal sealed class NnCall
    {
        private static readonly Dictionary<string, Func<NnCall, object?>> s_factories = Discover();

        private readonly Dictionary<string, object?> _args;
        private readonly HashSet<string> _given;

        public NnCall(string method, Dictionary<string, object?> args, HashSet<string> given, NetBuilder builder, LocationInfo? location, string? local)
        {
            Method = method;
            _args = args;
            _given = given;
            Builder = builder;
            Location = location;
            Local = local;
        }

        public string Method { get; }

        public NetBuilder Builder { get; }

        public LocationInfo? Location { get; }

        /// <summary>The local the result is assigned to, if any (it names the tensor).</summary>
        public string? Local { get; }

        /// <summary>How diagnostics name this call: <c>Conv2d("enc1.0")</c>, <c>MaxPool2d</c>.</summary>
        public string What => _args.TryGetValue("name", out object? n) && n is string s && s.Length > 0 ? $"{Method}(\"{s}\")" : Method;

        /// <summary>The op factory for a method of <c>VisionGen.Nn</c>: one registered by an op file, or an activation by its name.</summary>
        public static Func<NnCall, object?>? Factory(string method)
        {
            if (s_factories.TryGetValue(method, out Func<NnCall, object?>? factory)) return factory;
            return Enum.TryParse(method, out ActivationKind _) ? ActivationOp.FromNn : null;
        }

        public bool Given(string parameter) => _given.Contains(parameter);

        public object? Raw(string parameter) => _args.TryGetValue(parameter, out object? v) ? v : null;

        public TensorValue Tensor(string parameter) => Raw(parameter) as TensorValue ?? TensorValue.Error;

        public TensorValue[] Tensors(string parameter) =>
            Raw(parameter) is SequenceValue s ? s.Items.Select(i => i as TensorValue ?? TensorValue.Error).ToArray() : new[] { TensorValue.Error };

        public int Int(string parameter) => Convert.ToInt32(Raw(parameter), CultureInfo.InvariantCulture);

        public double Double(string parameter) => Convert.ToDouble(Raw(parameter), CultureInfo.InvariantCulture);

        public float Float(string parameter) => (float)Double(parameter);

        public bool Bool(string parameter) => Raw(parameter) is bool b && b;

        public string String(string parameter) => Raw(parameter) as string ?? "";

        public int[] Ints(string parameter) => Raw(parameter) is SequenceValue s
            ? s.Items.Select(i => Convert.ToInt32(i, CultureInfo.InvariantCulture)).ToArray()
            : new[] { Int(parameter) };

        public (int, int) Pair(string parameter) => Raw(parameter) is TupleValue t && t.Items.Length == 2
            ? (Convert.ToInt32(t.Items[0], CultureInfo.InvariantCulture), Convert.ToInt32(t.Items[1], CultureInfo.InvariantCulture))
            : (0, 0);

        /// <summary>The <c>name</c> argument of a weight-bearing op (its state_dict prefix), or null after reporting that it is empty.</summary>
        public string? Prefix()
        {
            string name = String("name");
            if (name.Length > 0) return name;
            Invalid("name", "the layer's state_dict prefix (such as \"features.0\"), but it is empty");
            return null;
        }

        /// <summary>Shape of a tensor argument (null after an earlier error).</summary>
        public Shape? ShapeOf(TensorValue tensor) => tensor.Name is null ? null : Builder.ShapeOf(tensor.Name);

        /// <summary>Adds <paramref name="op"/>: its problems are reported at this call; the tensor is named after the weight prefix, or the local it is assigned to.</summary>
        public TensorValue Apply(Op op, params TensorValue[] inputs)
        {
            Builder.At(Location, What, declaredLayer: true);
            string label = _args.TryGetValue("name", out object? n) && n is string s && s.Length > 0 ? s : Local ?? "";
            string? output = Builder.Apply(op, label, inputs.Select(i => i.Name).ToArray());
            return new TensorValue(output);
        }

        /// <summary>Reports an argument outside what the op accepts (VG0020) and poisons the result.</summary>
        public TensorValue Invalid(string parameter, string requirement)
        {
            Builder.At(Location, What).Check.OutOfRange(parameter, requirement);
            return TensorValue.Error;
        }

        /// <summary>Resolves a torch dimension index (negative from the end) against a rank; reports and returns −1 when outside.</summary>
        public int Axis(string parameter, int rank) => OpChecks.Axis(Builder.At(Location, What).Check, Int(parameter), rank, parameter);

        private static Dictionary<string, Func<NnCall, object?>> Discover()
        {
            var factories = new Dictionary<string, Func<NnCall, object?>>(StringComparer.Ordinal);
            foreach (Type type in typeof(NnCall).Assembly.GetTypes())
            {
                foreach (MethodInfo method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    var attribute = method.GetCustomAttribute<NnOpAttribute>();
                    if (attribute is null) continue;
                    var factory = (Func<NnCall, object?>)Delegate.CreateDelegate(typeof(Func<NnCall, object?>), method);
                    foreach (string name in attribute.Methods) factories[name] = factory;
                }
            }
            return factories;
        }
    }
}
