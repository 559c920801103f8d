namespace VisionGen.Imaging;

/// <summary>How an image of any size is brought to a model's input size.</summary>
public enum ImageFit
{
    /// <summary>Resize to the input size, aspect ratio not kept (bilinear).</summary>
    Stretch,

    /// <summary>
    /// torchvision's classification transform: resize so the shorter side is <see cref="ImageInputAttribute.ResizeShorterTo"/>
    /// (aspect kept, bilinear), then crop the input size from the centre.
    /// </summary>
    CenterCrop,

    /// <summary>Resize to fit inside the input size keeping the aspect ratio, centred, the rest filled (detectors, YOLO).</summary>
    Letterbox,
}

/// <summary>
/// Declares how the model expects its input image, so the generator can add one call from a decoded image (or an image
/// file) to the model's answer: <c>Classify</c> (top-k classes with their names), <c>Detect</c> (boxes in the source
/// image's pixels, the fit undone) or <c>Segment</c> (a label per source pixel). Pixels become
/// <c>(p/255 − Mean[c]) / Std[c]</c> per channel, as torchvision's <c>ToTensor</c> + <c>Normalize</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ImageInputAttribute : Attribute
{
    /// <summary>How the image is fitted to the input size (default: stretched).</summary>
    public ImageFit Fit { get; set; } = ImageFit.Stretch;

    /// <summary>For <see cref="ImageFit.CenterCrop"/>: the shorter side after resizing (torchvision's <c>Resize(256)</c>); 0 means the input's larger side.</summary>
    public int ResizeShorterTo { get; set; }

    /// <summary>Per-channel mean of <c>p/255</c> (one value, or one per channel); default 0.</summary>
    public float[] Mean { get; set; } = [];

    /// <summary>Per-channel standard deviation (one value, or one per channel); default 1.</summary>
    public float[] Std { get; set; } = [];

    /// <summary>The model was trained on BGR images (OpenCV's order) instead of RGB.</summary>
    public bool Bgr { get; set; }

    /// <summary>For <see cref="ImageFit.Letterbox"/>: the value of the filled border (114, YOLO's grey, by default).</summary>
    public int Fill { get; set; } = 114;
}

/// <summary>The names of the classes a model scores, in order (index 0 first); <c>Classify</c> returns them with each class.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ClassNamesAttribute : Attribute
{
    /// <param name="names">One name per class.</param>
    public ClassNamesAttribute(params string[] names) => Names = names;

    /// <summary>One name per class.</summary>
    public string[] Names { get; }
}
