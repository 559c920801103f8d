using Microsoft.CodeAnalysis;

namespace VisionGen.Generators
{
    [Generator(LanguageNames.CSharp)]
    public sealed partial class VisionModelGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
