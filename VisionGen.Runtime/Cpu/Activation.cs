namespace VisionGen.Cpu;

/// <summary>Activation fused into a kernel's output pass.</summary>
public enum Activation
{
    /// <summary>Identity: y = x.</summary>
    None = 0,

    /// <summary>y = max(x, 0) (NaN propagates, as in PyTorch).</summary>
    Relu = 1,

    /// <summary>y = min(max(x, 0), 6) (NaN propagates, as in PyTorch).</summary>
    Relu6 = 2,
}
