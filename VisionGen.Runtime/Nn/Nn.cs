namespace VisionGen;

/// <summary>
/// The ops of a model's <c>Forward</c> method, named as in <c>torch.nn</c> / <c>torch.nn.functional</c>. Write
/// <c>using static VisionGen.Nn;</c> and port <c>forward()</c> line by line:
/// <code>
/// [VisionModel(Channels = 3, Height = 256, Width = 256)]
/// public sealed partial class TinyUNet
/// {
///     static Tensor Forward(Tensor x)
///     {
///         var e1 = ConvBnRelu(x, "enc1", 16);
///         var e2 = ConvBnRelu(MaxPool2d(e1, 2), "enc2", 32);
///         var d1 = ConvBnRelu(Cat(Interpolate(e2, scale: 2), e1), "dec1", 16);
///         return Conv2d(d1, "head", 3, kernel: 1);
///     }
///     static Tensor ConvBnRelu(Tensor x, string name, int channels) =>
///         Relu(BatchNorm2d(Conv2d(x, $"{name}.0", channels, 3, padding: 1, bias: false), $"{name}.1"));
/// }
/// </code>
/// The generator evaluates <c>Forward</c> at build time (locals, helper methods of the class, loops and ifs over
/// constants, a tuple for several outputs) into the same graph the architecture attributes build, then writes the
/// inference code. A weight-bearing op's <c>name</c> is its <c>state_dict</c> prefix ("features.0", "enc1.0"). Nothing
/// here runs at run time: every method throws.
/// </summary>
public static partial class Nn
{
    // The activations (Relu, Silu, Gelu, ...) are declared beside their definition, in Ops/Shared/Activations.cs.

    internal static InvalidOperationException BuildTimeOnly() =>
        new("VisionGen.Nn and Tensor describe a network to the VisionGen generator at build time; they never run. Call the generated Run method instead.");

    // ------------------------------------------------------------------ convolution and linear

    /// <summary><c>nn.Conv2d</c>: weight <c>{name}.weight</c> [out, in/groups, k, k], bias <c>{name}.bias</c> [out].</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride (both axes).</param>
    /// <param name="padding">Zero padding (both axes).</param>
    /// <param name="dilation">Dilation (both axes).</param>
    /// <param name="groups">Groups; divides both channel counts.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <returns>[N, outChannels, H', W'].</returns>
    public static Tensor Conv2d(Tensor x, string name, int outChannels, int kernel, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1, bool bias = true) => throw BuildTimeOnly();

    /// <summary>
    /// <c>nn.ConvTranspose2d</c>: weight <c>{name}.weight</c> [in, out/groups, k, k], bias <c>{name}.bias</c> [out];
    /// H' = (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
    /// </summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Square kernel size.</param>
    /// <param name="stride">Stride (both axes).</param>
    /// <param name="padding">Padding removed from each border of the full output (both axes).</param>
    /// <param name="outputPadding">Extra rows and columns on the bottom and right (less than stride or dilation).</param>
    /// <param name="groups">Groups; divides both channel counts.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="dilation">Dilation (both axes).</param>
    /// <returns>[N, outChannels, H', W'].</returns>
    public static Tensor ConvTranspose2d(Tensor x, string name, int outChannels, int kernel, int stride = 1, int padding = 0,
        int outputPadding = 0, int groups = 1, bool bias = true, int dilation = 1) => throw BuildTimeOnly();

    /// <summary><c>nn.Linear</c> on the last dimension: weight <c>{name}.weight</c> [out, in], bias <c>{name}.bias</c> [out].</summary>
    /// <param name="x">Input [..., in].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="outFeatures">Output features.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <returns>[..., outFeatures].</returns>
    public static Tensor Linear(Tensor x, string name, int outFeatures, bool bias = true) => throw BuildTimeOnly();

    // ------------------------------------------------------------------ normalization

    /// <summary>
    /// <c>nn.BatchNorm2d</c> in eval mode: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c> [C]
    /// (and <c>num_batches_tracked</c>, never read). Folded into the convolution before it when it can be.
    /// </summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <returns>Same shape.</returns>
    public static Tensor BatchNorm2d(Tensor x, string name, float eps = 1e-5f) => throw BuildTimeOnly();

    /// <summary><c>nn.GroupNorm(groups, C)</c>: weight and bias [C] when affine.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="groups">Groups; divides the channels.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="affine">Whether the layer has weight and bias.</param>
    /// <returns>Same shape.</returns>
    public static Tensor GroupNorm(Tensor x, string name, int groups, float eps = 1e-5f, bool affine = true) => throw BuildTimeOnly();

    /// <summary><c>nn.InstanceNorm2d(C)</c> without running statistics: weight and bias [C] only when affine.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="name">state_dict prefix (only read when <paramref name="affine"/>).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="affine">Whether the layer has weight and bias (torch's default: false).</param>
    /// <returns>Same shape.</returns>
    public static Tensor InstanceNorm2d(Tensor x, string name = "", float eps = 1e-5f, bool affine = false) => throw BuildTimeOnly();

    /// <summary>
    /// <c>nn.LayerNorm</c> over every dimension after the batch (<c>normalized_shape = x.shape[1:]</c>): weight and
    /// bias of that shape when elementwise-affine.
    /// </summary>
    /// <param name="x">Input [N, ...].</param>
    /// <param name="name">state_dict prefix.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="elementwiseAffine">Whether the layer has weight and bias.</param>
    /// <returns>Same shape.</returns>
    public static Tensor LayerNorm(Tensor x, string name, float eps = 1e-5f, bool elementwiseAffine = true) => throw BuildTimeOnly();

    // ------------------------------------------------------------------ pooling

    /// <summary><c>nn.MaxPool2d</c> (padding counts as −∞).</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="kernel">Square window.</param>
    /// <param name="stride">Stride; 0 means the kernel size (torch's default).</param>
    /// <param name="padding">Padding (both axes), at most half the kernel.</param>
    /// <param name="ceilMode">torch's <c>ceil_mode</c>: round the output size up (a last, partial window), as GoogLeNet's pools.</param>
    /// <returns>[N, C, H', W'].</returns>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride = 0, int padding = 0, bool ceilMode = false) => throw BuildTimeOnly();

    /// <summary><c>nn.AvgPool2d</c> (<c>count_include_pad=True</c>).</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="kernel">Square window.</param>
    /// <param name="stride">Stride; 0 means the kernel size (torch's default).</param>
    /// <param name="padding">Padding (both axes), at most half the kernel.</param>
    /// <param name="ceilMode">torch's <c>ceil_mode</c>: round the output size up; the divisor of a last, partial window counts the padding it covers, as torch's.</param>
    /// <returns>[N, C, H', W'].</returns>
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride = 0, int padding = 0, bool ceilMode = false) => throw BuildTimeOnly();

    /// <summary><c>nn.AdaptiveAvgPool2d(outputSize)</c>: a square output of any size (1 is global average pooling).</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="outputSize">Output height and width.</param>
    /// <returns>[N, C, outputSize, outputSize].</returns>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outputSize) => throw BuildTimeOnly();

    /// <summary><c>nn.AdaptiveAvgPool2d((outputHeight, outputWidth))</c>.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="outputHeight">Output height.</param>
    /// <param name="outputWidth">Output width.</param>
    /// <returns>[N, C, outputHeight, outputWidth].</returns>
    public static Tensor AdaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth) => throw BuildTimeOnly();

    /// <summary><c>nn.AdaptiveMaxPool2d(outputSize)</c>.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="outputSize">Output height and width.</param>
    /// <returns>[N, C, outputSize, outputSize].</returns>
    public static Tensor AdaptiveMaxPool2d(Tensor x, int outputSize) => throw BuildTimeOnly();

    /// <summary><c>nn.AdaptiveMaxPool2d((outputHeight, outputWidth))</c>.</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="outputHeight">Output height.</param>
    /// <param name="outputWidth">Output width.</param>
    /// <returns>[N, C, outputHeight, outputWidth].</returns>
    public static Tensor AdaptiveMaxPool2d(Tensor x, int outputHeight, int outputWidth) => throw BuildTimeOnly();

    // ------------------------------------------------------------------ element-wise and structure

    /// <summary><c>torch.add</c> with NumPy broadcasting (a residual connection, or a bias of shape [1, C, 1, 1]).</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand.</param>
    /// <returns>The broadcast shape.</returns>
    public static Tensor Add(Tensor a, Tensor b) => throw BuildTimeOnly();

    /// <summary><c>torch.mul</c> with NumPy broadcasting (squeeze-excitation: [N, C, H, W] · [N, C, 1, 1]).</summary>
    /// <param name="a">First operand.</param>
    /// <param name="b">Second operand.</param>
    /// <returns>The broadcast shape.</returns>
    public static Tensor Mul(Tensor a, Tensor b) => throw BuildTimeOnly();

    /// <summary><c>torch.cat(tensors, dim=1)</c>: along channels. Planned as views of one buffer where the layout allows (no copies).</summary>
    /// <param name="tensors">Tensors equal in every dimension but 1.</param>
    /// <returns>The concatenation.</returns>
    public static Tensor Cat(params Tensor[] tensors) => throw BuildTimeOnly();

    /// <summary><c>torch.cat(tensors, dim)</c>.</summary>
    /// <param name="tensors">Tensors equal in every dimension but <paramref name="dim"/>.</param>
    /// <param name="dim">Dimension to join along; negative counts from the end.</param>
    /// <returns>The concatenation.</returns>
    public static Tensor Cat(Tensor[] tensors, int dim) => throw BuildTimeOnly();

    /// <summary>
    /// <c>torch.chunk</c>: pieces of ceil(size / <paramref name="chunks"/>) along <paramref name="dim"/>, the last possibly
    /// smaller — so, as in torch, there may be fewer than <paramref name="chunks"/> pieces. Views where the layout allows.
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="chunks">Number of pieces.</param>
    /// <param name="dim">Dimension to split; negative counts from the end.</param>
    /// <returns>The pieces, in order.</returns>
    public static Tensor[] Chunk(Tensor x, int chunks, int dim = 1) => throw BuildTimeOnly();

    /// <summary><c>torch.split(x, splitSize, dim)</c>: pieces of <paramref name="splitSize"/> (the last may be smaller).</summary>
    /// <param name="x">Input.</param>
    /// <param name="splitSize">Size of each piece along <paramref name="dim"/>.</param>
    /// <param name="dim">Dimension to split; negative counts from the end.</param>
    /// <returns>The pieces, in order.</returns>
    public static Tensor[] Split(Tensor x, int splitSize, int dim = 1) => throw BuildTimeOnly();

    /// <summary><c>torch.split(x, [sizes], dim)</c>: pieces of the given sizes, which sum to the dimension.</summary>
    /// <param name="x">Input.</param>
    /// <param name="sizes">Size of each piece.</param>
    /// <param name="dim">Dimension to split; negative counts from the end.</param>
    /// <returns>The pieces, in order.</returns>
    public static Tensor[] Split(Tensor x, int[] sizes, int dim = 1) => throw BuildTimeOnly();

    /// <summary>
    /// <c>F.interpolate(x, scale_factor=scale, mode, align_corners)</c>: "nearest" or "bilinear"; the output size is
    /// floor(H·scale) × floor(W·scale) and source coordinates use 1/scale, as torch does.
    /// </summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="scale">Scale factor (both axes).</param>
    /// <param name="mode">"nearest" or "bilinear".</param>
    /// <param name="alignCorners">torch's align_corners (bilinear only).</param>
    /// <returns>[N, C, H', W'].</returns>
    public static Tensor Interpolate(Tensor x, double scale, string mode = "nearest", bool alignCorners = false) => throw BuildTimeOnly();

    /// <summary><c>F.interpolate(x, size=(height, width), mode, align_corners)</c>: "nearest" or "bilinear".</summary>
    /// <param name="x">Input [N, C, H, W].</param>
    /// <param name="size">Output height and width.</param>
    /// <param name="mode">"nearest" or "bilinear".</param>
    /// <param name="alignCorners">torch's align_corners (bilinear only).</param>
    /// <returns>[N, C, height, width].</returns>
    public static Tensor Interpolate(Tensor x, (int Height, int Width) size, string mode = "nearest", bool alignCorners = false) => throw BuildTimeOnly();

    /// <summary><c>F.softmax(x, dim)</c>, numerically stable.</summary>
    /// <param name="x">Input.</param>
    /// <param name="dim">Dimension to normalize over; negative counts from the end.</param>
    /// <returns>Same shape.</returns>
    public static Tensor Softmax(Tensor x, int dim) => throw BuildTimeOnly();

    /// <summary><c>torch.flatten(x, startDim, endDim)</c>: a view (no data moves).</summary>
    /// <param name="x">Input.</param>
    /// <param name="startDim">First dimension to merge.</param>
    /// <param name="endDim">Last dimension to merge; negative counts from the end.</param>
    /// <returns>The merged shape.</returns>
    public static Tensor Flatten(Tensor x, int startDim = 1, int endDim = -1) => throw BuildTimeOnly();

    /// <summary><c>x.reshape(shape)</c> / <c>x.view(shape)</c>: a view; one size may be −1 (inferred).</summary>
    /// <param name="x">Input.</param>
    /// <param name="shape">New sizes (batch included), with as many elements in all.</param>
    /// <returns>The reshaped tensor.</returns>
    public static Tensor Reshape(Tensor x, params int[] shape) => throw BuildTimeOnly();

    /// <summary><c>x.permute(dims)</c>, written out in the new order.</summary>
    /// <param name="x">Input.</param>
    /// <param name="dims">A permutation of 0 … rank − 1.</param>
    /// <returns>The permuted tensor.</returns>
    public static Tensor Permute(Tensor x, params int[] dims) => throw BuildTimeOnly();

    /// <summary><c>x.transpose(dim0, dim1)</c>: <see cref="Permute"/> swapping two dimensions.</summary>
    /// <param name="x">Input.</param>
    /// <param name="dim0">First dimension.</param>
    /// <param name="dim1">Second dimension.</param>
    /// <returns>The transposed tensor.</returns>
    public static Tensor Transpose(Tensor x, int dim0, int dim1) => throw BuildTimeOnly();

    /// <summary><c>nn.Dropout</c>: the identity at inference.</summary>
    /// <param name="x">Input.</param>
    /// <param name="p">Drop probability during training (unused at inference).</param>
    /// <returns>x.</returns>
    public static Tensor Dropout(Tensor x, float p = 0.5f) => throw BuildTimeOnly();

    /// <summary>torchvision's <c>StochasticDepth</c>: the identity at inference.</summary>
    /// <param name="x">Input.</param>
    /// <param name="p">Drop probability during training (unused at inference).</param>
    /// <param name="mode">"row" or "batch" (unused at inference).</param>
    /// <returns>x.</returns>
    public static Tensor StochasticDepth(Tensor x, float p, string mode = "row") => throw BuildTimeOnly();

    /// <summary><c>nn.Identity</c>.</summary>
    /// <param name="x">Input.</param>
    /// <returns>x.</returns>
    public static Tensor Identity(Tensor x) => throw BuildTimeOnly();
}
