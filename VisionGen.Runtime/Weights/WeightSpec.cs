namespace VisionGen.Weights;

/// <summary>One tensor a generated model expects in its weight file.</summary>
/// <param name="Name">The torchvision <c>state_dict</c> name, e.g. <c>layer1.0.conv1.weight</c>.</param>
/// <param name="Shape">The expected shape, outermost dimension first; empty for a scalar.</param>
/// <param name="Ignored">
/// True for tensors torchvision stores but inference never reads (e.g. <c>bn1.num_batches_tracked</c>):
/// any dtype and shape is accepted, the tensor is not read, and it is neither "missing" when absent
/// nor "unexpected" when present.
/// </param>
/// <param name="Reads">
/// How many times the model's constructor reads the tensor through <see cref="WeightBinder.Load{TModel}"/> (more than
/// one when layers share it). With a count, each tensor is dropped after its last read, and a further read, or fewer
/// reads by the time the constructor returns, is an error; 0 (the default) states nothing, and a tensor read from a
/// forward-only stream is then kept until loading ends. The generator states the count of every tensor it reads.
/// </param>
public readonly record struct WeightSpec(string Name, int[] Shape, bool Ignored = false, int Reads = 0);
