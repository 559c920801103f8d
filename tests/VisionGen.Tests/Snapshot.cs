using System.Runtime.CompilerServices;

namespace VisionGen.Tests;

/// <summary>
/// Snapshot testing with Verify's file conventions (Verify.Xunit itself is not restorable here):
/// <c>{Class}.{Method}#{hintName}.verified.cs</c> beside the test file is the approved text; on a mismatch the new
/// text is written as <c>*.received.cs</c> (git-ignored) and the test fails. Set VERIFY_ACCEPT=1 to accept.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string text, string hintName, [CallerFilePath] string testFile = "", [CallerMemberName] string method = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        string stem = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(testFile)}.{method}#{Path.GetFileNameWithoutExtension(hintName)}");
        string verified = stem + ".verified.cs";
        string received = stem + ".received.cs";
        text = text.Replace("\r\n", "\n");
        bool accept = Environment.GetEnvironmentVariable("VERIFY_ACCEPT") == "1";
        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verified, text);
        }
        string? approved = File.Exists(verified) ? File.ReadAllText(verified).Replace("\r\n", "\n") : null;
        if (approved == text)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        Directory.CreateDirectory(directory);
        File.WriteAllText(received, text);
        Assert.Fail(approved is null
            ? $"No approved snapshot {verified}. Review {received} and rename it to .verified.cs (or run with VERIFY_ACCEPT=1)."
            : $"Generated code differs from {verified}. Diff it against {received}; if the change is intended, accept it (VERIFY_ACCEPT=1).");
    }
}
