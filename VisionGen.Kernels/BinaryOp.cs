// TEMPORARY COPY: VisionGen.Runtime (the CPU side of the kernel contract, another branch) defines this enum in
// namespace VisionGen.Cpu. It is repeated here only so this branch builds on its own; delete this file when the
// two branches are merged.
namespace VisionGen.Cpu;

/// <summary>The element-wise operation of a broadcasting binary kernel.</summary>
public enum BinaryOp
{
    /// <summary>a + b.</summary>
    Add = 0,

    /// <summary>a · b.</summary>
    Mul = 1,
}
