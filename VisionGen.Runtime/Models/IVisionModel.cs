namespace VisionGen;

/// <summary>
/// What every generated model offers, so code can be written once over any of them (a benchmark, a test over many
/// models, a pipeline stage): load from a safetensors file or stream, then run. The generator adds it to each
/// <c>[VisionModel]</c> class but detectors (which add <c>Detect</c> instead). A model with several outputs writes them
/// one after another into the one output span here; its own <c>Run</c> overload takes one span per output.
/// </summary>
/// <typeparam name="TSelf">The model class itself.</typeparam>
public interface IVisionModel<TSelf> : IDisposable where TSelf : IVisionModel<TSelf>
{
    /// <summary>Loads weights from a safetensors file with PyTorch state_dict names.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The loaded model.</returns>
    static abstract TSelf Load(string path);

    /// <summary>Loads weights from a safetensors stream.</summary>
    /// <param name="stream">The stream (seekable, or read forward only).</param>
    /// <returns>The loaded model.</returns>
    static abstract TSelf Load(Stream stream);

    /// <summary>What <see cref="Run"/> executes, step by step.</summary>
    static abstract ModelPlan Plan { get; }

    /// <summary>An opt-in per-step profile of <see cref="Run"/> (null: off).</summary>
    StepProfile? Profile { get; set; }

    /// <summary>Floats <see cref="Run"/> reads (the whole batch).</summary>
    int InputLength { get; }

    /// <summary>Floats <see cref="Run"/> writes: every output, one after another.</summary>
    int OutputLength { get; }

    /// <summary>Runs the network. Allocates nothing.</summary>
    /// <param name="input">Exactly <see cref="InputLength"/> floats, NCHW.</param>
    /// <param name="output">Exactly <see cref="OutputLength"/> floats: every output in declaration order.</param>
    void Run(ReadOnlySpan<float> input, Span<float> output);
}
