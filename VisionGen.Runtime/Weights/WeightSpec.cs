namespace VisionGen.Weights;

/// <summary>One tensor a generated model expects in its weight file.</summary>
/// <param name="Name">The torchvision <c>state_dict</c> name, e.g. <c>layer1.0.conv1.weight</c>.</param>
/// <param name="Shape">The expected shape, outermost dimension first; empty for a scalar.</param>
/// <param name="Ignored">
/// True for tensors torchvision stores but inference never reads (e.g. <c>bn1.num_batches_tracked</c>):
/// any dtype and shape is accepted, the tensor is not read, and it is neither "missing" when absent
/// nor "unexpected" when present.
/// </param>
public readonly record struct WeightSpec(string Name, int[] Shape, bool Ignored = false);
