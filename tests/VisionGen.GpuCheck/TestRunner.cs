using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace VisionGen.GpuCheck;

/// <summary>One test method with one row of arguments.</summary>
internal sealed record TestCase(Type Class, MethodInfo Method, object?[] Arguments, string Name);

/// <summary>What one check did.</summary>
internal sealed record CheckResult(string Section, string Name, string Outcome, double Seconds, string? Message, IReadOnlyList<string> Output)
{
    public const string Passed = "passed", Failed = "failed", NotRun = "not run";
}

/// <summary>
/// Runs the test suite's own xunit classes without xunit's runner (which the device machine does not have): the
/// subset of xunit this suite uses — [Fact], [Theory] with [InlineData]/[MemberData], IClassFixture&lt;T&gt; constructor
/// arguments and ITestOutputHelper — one test at a time, each on a fresh instance as xunit does. A fixture is created
/// once for the whole run and shared by every class that asks for it, so the run has one GPU context (on CUDA a
/// context costs a device context and the kernels' compilation).
/// </summary>
internal sealed class TestRunner : IDisposable
{
    private readonly Dictionary<Type, object> _fixtures = new();

    /// <summary>Every test of <paramref name="type"/> that <paramref name="include"/> selects, theories expanded into rows.</summary>
    public static List<TestCase> Discover(Type type, Func<MethodInfo, bool>? include = null, bool firstRowOnly = false)
    {
        var cases = new List<TestCase>();
        foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.MetadataToken))
        {
            var fact = method.GetCustomAttribute<FactAttribute>();
            if (fact is null || fact.Skip is not null || (include is not null && !include(method))) continue;
            if (fact is not TheoryAttribute)
            {
                cases.Add(new TestCase(type, method, [], $"{type.Name}.{method.Name}"));
                continue;
            }
            foreach (DataAttribute data in method.GetCustomAttributes<DataAttribute>())
            {
                foreach (object?[] row in data.GetData(method))
                {
                    cases.Add(new TestCase(type, method, row, $"{type.Name}.{method.Name}({Describe(method, row)})"));
                    if (firstRowOnly) break;
                }
                if (firstRowOnly) break;
            }
        }
        return cases;
    }

    private static string Describe(MethodInfo method, object?[] row)
    {
        ParameterInfo[] parameters = method.GetParameters();
        return string.Join(", ", row.Select((v, i) => $"{(i < parameters.Length ? parameters[i].Name : "?")}: {Show(v)}"));
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        string s => $"\"{s}\"",
        Type t => t.Name,
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => System.Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Runs one test; never throws (a failure is the result).</summary>
    public CheckResult Run(string section, TestCase test)
    {
        var output = new CapturedOutput();
        var clock = Stopwatch.StartNew();
        object? instance = null;
        try
        {
            instance = Construct(test.Class, output);
            object?[] arguments = Convert(test.Method, test.Arguments);
            object? returned = test.Method.Invoke(instance, arguments);
            if (returned is Task task) task.GetAwaiter().GetResult();
            return new CheckResult(section, test.Name, CheckResult.Passed, clock.Elapsed.TotalSeconds, null, output.Lines);
        }
        catch (Exception e)
        {
            Exception inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            string message = inner is XunitException ? inner.Message : $"{inner.GetType().Name}: {inner.Message}\n{inner.StackTrace}";
            return new CheckResult(section, test.Name, CheckResult.Failed, clock.Elapsed.TotalSeconds, message, output.Lines);
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    /// <summary>The shared instance of a fixture type, created on first use.</summary>
    public T Fixture<T>() where T : class => (T)Fixture(typeof(T));

    private object Fixture(Type type)
    {
        if (!_fixtures.TryGetValue(type, out object? fixture))
        {
            fixture = Activator.CreateInstance(type) ?? throw new InvalidOperationException($"Cannot create fixture {type.Name}.");
            _fixtures[type] = fixture;
        }
        return fixture;
    }

    private object Construct(Type type, ITestOutputHelper output)
    {
        ConstructorInfo constructor = type.GetConstructors().Single();
        var fixtureTypes = type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>))
            .Select(i => i.GetGenericArguments()[0]).ToHashSet();
        object?[] arguments = constructor.GetParameters().Select(p =>
            p.ParameterType == typeof(ITestOutputHelper) ? output
            : fixtureTypes.Contains(p.ParameterType) ? Fixture(p.ParameterType)
            : throw new InvalidOperationException($"{type.Name}: cannot supply constructor parameter {p.Name} ({p.ParameterType.Name})")).ToArray();
        return constructor.Invoke(arguments);
    }

    /// <summary>Argument conversion as xunit does it for attribute data (e.g. an int literal for a long or float parameter).</summary>
    private static object?[] Convert(MethodInfo method, object?[] row)
    {
        ParameterInfo[] parameters = method.GetParameters();
        if (row.Length > parameters.Length || parameters.Skip(row.Length).Any(p => !p.HasDefaultValue))
            throw new InvalidOperationException($"{method.Name} takes {parameters.Length} arguments, its data row has {row.Length}.");
        var result = new object?[parameters.Length];
        // Parameters after the row keep their declared defaults, as xunit fills them.
        for (int i = row.Length; i < parameters.Length; i++) result[i] = parameters[i].DefaultValue;
        for (int i = 0; i < row.Length; i++)
        {
            Type target = parameters[i].ParameterType;
            object? v = row[i];
            result[i] = v is null || target.IsInstanceOfType(v) ? v
                : target.IsEnum ? Enum.ToObject(target, v)
                : System.Convert.ChangeType(v, target, CultureInfo.InvariantCulture);
        }
        return result;
    }

    public void Dispose()
    {
        foreach (object fixture in _fixtures.Values) (fixture as IDisposable)?.Dispose();
        _fixtures.Clear();
    }

    private sealed class CapturedOutput : ITestOutputHelper
    {
        public List<string> Lines { get; } = new();

        public void WriteLine(string message) => Lines.Add(message);

        public void WriteLine(string format, params object[] args) => Lines.Add(string.Format(CultureInfo.InvariantCulture, format, args));
    }
}
