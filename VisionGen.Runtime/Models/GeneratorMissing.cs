using System.ComponentModel;

namespace VisionGen;

/// <summary>
/// For generated code: stands in for a model's generated <c>Load</c>, <c>InputLength</c> and <c>OutputLength</c> when VisionGen's source generator did not run in
/// the project, so the build says what to add instead of "does not contain a definition for 'Load'". Hidden from
/// IntelliSense; never called (every member is an error to use, and a generated <c>Load</c> always takes precedence).
/// </summary>
/// <remarks>
/// The generator travels in the VisionGen.Runtime package (analyzers/dotnet/cs). A <c>ProjectReference</c> to
/// VisionGen.Runtime.csproj does not carry analyzers, so such a project must reference the generator project too.
/// Compilers with C# 14 extension members report this message (with C# 12, also CS9202; older compilers: CS0117).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratorMissing
{
    /// <summary>The message the build shows.</summary>
    public const string Message =
        "This class has no generated members (Load, InputLength, OutputLength, Run): VisionGen's source generator did not run in this project. Reference the "
        + "VisionGen.Runtime package (it carries the generator), or, beside a ProjectReference to VisionGen.Runtime.csproj, add "
        + "<ProjectReference Include=\"<VisionGen>/VisionGen.Generators/VisionGen.Generators.csproj\" OutputItemType=\"Analyzer\" "
        + "ReferenceOutputAssembly=\"false\" />. (A class without [VisionModel] has none of them at all.)";

    /// <summary>For generated code: the diagnostic id of <see cref="Message"/>.</summary>
    public const string DiagnosticId = "VG0200";

    /// <summary>Extension members that are found only where a model's generated members are missing.</summary>
    /// <typeparam name="TModel">the class whose <c>Load</c> was called.</typeparam>
    extension<TModel>(TModel) where TModel : class
    {
        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        /// <param name="path">the safetensors file the generated Load would read.</param>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId)]
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static TModel Load(string path) => throw new InvalidOperationException(Message);

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        /// <param name="stream">the safetensors stream the generated Load would read.</param>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId)]
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static TModel Load(Stream stream) => throw new InvalidOperationException(Message);

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId)]
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static int InputLength => throw new InvalidOperationException(Message);

        /// <summary>Not generated: see <see cref="Message"/>.</summary>
        [Obsolete(Message, error: true, DiagnosticId = DiagnosticId)]
        [EditorBrowsable(EditorBrowsableState.Never)]
        public static int OutputLength => throw new InvalidOperationException(Message);
    }
}
