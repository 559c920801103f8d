using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace VisionGen.Tests.PublicApi;

/// <summary>
/// The public surface a user's IntelliSense shows — public types and their public and protected members in
/// VisionGen.Runtime and VisionGen.Kernels, less everything marked <see cref="EditorBrowsableState.Never"/> (the
/// plumbing generated code calls) — against the approved list beside this file, so it changes only on purpose.
/// On a mismatch the new list is written as BrowsableSurface.received.txt (git-ignored); VERIFY_ACCEPT=1 accepts it.
/// </summary>
public class BrowsableSurfaceTests
{
    [Fact]
    public void BrowsableSurfaceIsTheApprovedOne()
    {
        var lines = new List<string>();
        foreach (var assembly in new[] { typeof(VisionModelAttribute).Assembly, typeof(VisionGen.Kernels.GpuKernels).Assembly })
            lines.AddRange(Surface(assembly));
        string text = string.Join("\n", lines) + "\n";
        Approve(text, "BrowsableSurface");
    }

    [Fact]
    public void EveryHiddenPublicTypeSaysItIsForGeneratedCode()
    {
        // A hidden type must still tell a reader who comes across it why it is public: its XML doc says so.
        foreach (var assembly in new[] { typeof(VisionModelAttribute).Assembly, typeof(VisionGen.Kernels.GpuKernels).Assembly })
        {
            string xml = File.ReadAllText(Path.ChangeExtension(assembly.Location, ".xml"));
            foreach (var type in assembly.GetExportedTypes().Where(t => Hidden(t) && (t.DeclaringType is null || !Hidden(t.DeclaringType))))
            {
                string id = "T:" + type.FullName!.Replace('+', '.');
                int at = xml.IndexOf($"<member name=\"{id}\">", StringComparison.Ordinal);
                Assert.True(at >= 0, $"{id} has no XML doc");
                string doc = xml.Substring(at, xml.IndexOf("</member>", at, StringComparison.Ordinal) - at);
                Assert.Contains("generated code", doc);
            }
        }
    }

    private static IEnumerable<string> Surface(Assembly assembly)
    {
        var lines = new List<string>();
        // Compiler-made types (the markers of C# 14 extension blocks, named <G>$...) are never offered by IntelliSense.
        foreach (var type in assembly.GetExportedTypes().Where(t => !Hidden(t) && !t.FullName!.Contains('<')).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            lines.Add($"{Kind(type)} {Name(type)}");
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = new List<string>();
            foreach (var m in type.GetMembers(all))
            {
                if (m is Type || !Visible(m) || Hidden(m) || IsAccessor(m) || m.IsDefined(typeof(CompilerGeneratedAttribute))) continue;
                if (type.IsEnum && m is FieldInfo { IsSpecialName: true }) continue;
                if (type.IsEnum && m is MethodInfo or ConstructorInfo) continue;
                members.Add("  " + Member(m));
            }
            members.Sort(StringComparer.Ordinal);
            lines.AddRange(members.Distinct());
        }
        return lines;
    }

    private static bool Hidden(MemberInfo m)
    {
        for (MemberInfo? x = m; x is not null; x = x.DeclaringType)
            if (x.GetCustomAttribute<EditorBrowsableAttribute>()?.State == EditorBrowsableState.Never) return true;
        return false;
    }

    private static bool Visible(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(true).Any(a => Visible(a)),
        EventInfo e => e.AddMethod is { } a && Visible(a),
        _ => false,
    };

    private static bool IsAccessor(MemberInfo m) => m is MethodInfo { IsSpecialName: true } mi
        && (mi.Name.StartsWith("get_") || mi.Name.StartsWith("set_") || mi.Name.StartsWith("add_") || mi.Name.StartsWith("remove_"));

    private static string Kind(Type t) => t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct"
        : t.IsSubclassOf(typeof(Delegate)) ? "delegate" : t.IsAbstract && t.IsSealed ? "static class" : "class";

    private static string Member(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"{(c.IsStatic ? "static " : "")}ctor({Parameters(c)})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType)} {mi.Name}{GenericArgs(mi)}({Parameters(mi)})",
        PropertyInfo p => $"{(p.GetAccessors(true)[0].IsStatic ? "static " : "")}{Name(p.PropertyType)} {p.Name}"
            + (p.GetIndexParameters().Length > 0 ? $"[{string.Join(", ", p.GetIndexParameters().Select(x => Name(x.ParameterType)))}]" : "")
            + $" {{ {(p.GetMethod is { } g && Visible(g) ? "get; " : "")}{(p.SetMethod is { } s && Visible(s) ? (s.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit") ? "init; " : "set; ") : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => m.Name,
    };

    private static string GenericArgs(MethodInfo m) => m.IsGenericMethodDefinition ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";

    private static string Parameters(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        (p.ParameterType.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : "") + Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)
        + (p.HasDefaultValue ? " = " + (p.DefaultValue is string s ? $"\"{s}\"" : p.DefaultValue is null ? "null" : Convert.ToString(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture)) : "")));

    private static string Name(Type t)
    {
        if (t.IsGenericParameter) return t.Name;
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsPointer) return Name(t.GetElementType()!) + "*";
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is "System" or "VisionGen" ? "" : t.Namespace + ".") + t.Name;
        if (!t.IsGenericType) return name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick] + name[(name.IndexOf('.', tick) is var dot and >= 0 ? dot : name.Length)..];
        var args = t.GetGenericArguments().Skip(t.IsNested ? t.DeclaringType!.GetGenericArguments().Length : 0);
        return name + "<" + string.Join(", ", args.Select(Name)) + ">";
    }

    private static void Approve(string text, string name, [CallerFilePath] string testFile = "")
    {
        string dir = Path.GetDirectoryName(testFile)!;
        string verified = Path.Combine(dir, name + ".verified.txt"), received = Path.Combine(dir, name + ".received.txt");
        if (Environment.GetEnvironmentVariable("VERIFY_ACCEPT") == "1") File.WriteAllText(verified, text);
        string? approved = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (approved == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, text);
        var added = text.Split('\n').Except((approved ?? "").Split('\n')).Take(20);
        var removed = (approved ?? "").Split('\n').Except(text.Split('\n')).Take(20);
        Assert.Fail($"The browsable public surface differs from {verified} (new list in {received}; VERIFY_ACCEPT=1 accepts it).\n"
            + $"Added:\n{string.Join("\n", added)}\nRemoved:\n{string.Join("\n", removed)}");
    }
}
