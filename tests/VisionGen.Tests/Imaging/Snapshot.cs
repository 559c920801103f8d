using System.Runtime.CompilerServices;

namespace VisionGen.Tests.Imaging;

/// <summary>
/// Snapshot checks with Verify's file conventions (so switching to Verify.SourceGenerators is one
/// line): <c>{Class}.{Method}#{hintName}.verified.cs</c> committed beside the test,
/// <c>*.received.cs</c> written on mismatch; set <c>VISIONGEN_ACCEPT_SNAPSHOTS=1</c> to accept.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string actual, string testClass, string testMethod, string hintName, [CallerFilePath] string callerFile = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var stem = Path.Combine(dir, $"{testClass}.{testMethod}#{Path.GetFileNameWithoutExtension(hintName)}");
        string verified = stem + ".verified.cs", received = stem + ".received.cs";
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("VISIONGEN_ACCEPT_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(verified, actual);
        }
        string expected = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : "";
        if (expected != actual)
        {
            File.WriteAllText(received, actual);
            Assert.Fail($"Snapshot mismatch: compare {received} with {verified} (VISIONGEN_ACCEPT_SNAPSHOTS=1 accepts).");
        }
        if (File.Exists(received)) File.Delete(received);
    }
}
