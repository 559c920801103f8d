using System.Reflection;

namespace VisionGen.GpuCheck;

/// <summary>
/// The assemblies this program can load: the closure of assembly references from the entry assembly. scripts/gpu-check.sh
/// drops the runtime's assemblies outside it from the archive (about a third of a self-contained runtime: XML, networking,
/// data, ...), and the device check's first check loads the whole closure, so a missing one is named at once, not deep
/// inside a test.
/// </summary>
internal static class AssemblyClosure
{
    /// <summary>Loaded by name at run time without a reference to them (the runtime's stack traces with line numbers).</summary>
    private static readonly string[] LoadedByName = ["System.Diagnostics.StackTrace", "System.Reflection.Metadata", "System.Collections.Immutable"];

    /// <summary>Loads every assembly reachable by reference; returns their names and the references that failed to load.</summary>
    public static (HashSet<string> Names, List<string> Missing) Load()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        var queue = new Queue<AssemblyName>();
        queue.Enqueue(typeof(AssemblyClosure).Assembly.GetName());
        queue.Enqueue(typeof(object).Assembly.GetName());
        foreach (string name in LoadedByName) queue.Enqueue(new AssemblyName(name));
        while (queue.Count > 0)
        {
            AssemblyName name = queue.Dequeue();
            if (name.Name is null || !names.Add(name.Name)) continue;
            try
            {
                foreach (AssemblyName reference in Assembly.Load(name).GetReferencedAssemblies()) queue.Enqueue(reference);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                missing.Add($"{name.Name} ({e.GetType().Name})");
            }
        }
        return (names, missing);
    }

    /// <summary>The managed files next to the program that nothing loads (what the packing script deletes).</summary>
    public static IEnumerable<string> Unreferenced()
    {
        var (names, _) = Load();
        foreach (string path in Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Order(StringComparer.Ordinal))
        {
            if (!names.Contains(Path.GetFileNameWithoutExtension(path))) yield return Path.GetFileName(path);
        }
    }
}
