namespace VisionGen;

/// <summary>
/// The BiFPN neck of EfficientDet (Tan, Pang and Le, "EfficientDet: Scalable and Efficient Object Detection"), weights under
/// <c>backbone.bifpn</c>, the backbone's under <c>backbone.body</c>. It reads P3–P5, the backbone's last feature maps at three
/// successive resolutions, projects those whose channels differ from <see cref="Channels"/> (<c>lateral.p3</c>…: 1×1 conv
/// without bias + batch norm), adds P6, P7 … up to <see cref="Levels"/> by 3×3 stride-2 max pooling (padding 1), then runs
/// <see cref="Repeats"/> blocks (<c>blocks.r.top_down.pL</c>, <c>blocks.r.bottom_up.pL</c>) of fast normalized fusion
/// (relu(w) / (Σ relu(w) + 1e-4), read from each node's <c>weight</c>), swish, and a depthwise-separable 3×3 conv
/// (<c>conv.depthwise</c>, <c>conv.pointwise</c>, <c>conv.bn</c>). Upsampling is nearest interpolation to the finer
/// level's size; downsampling is a 3×3 stride-2 max pool (padding 1), resized by nearest interpolation when the coarser
/// level's size differs. torchvision has no BiFPN: the weight names are those of the reference module in VisionGen's
/// <c>scripts/fixtures/make_bifpn_fixtures.py</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BiFpnAttribute : Attribute
{
    /// <summary>Channels of every level (the BiFPN width; EfficientDet-D0 uses 64).</summary>
    public int Channels { get; set; } = 64;

    /// <summary>Number of BiFPN blocks (EfficientDet-D0 uses 3).</summary>
    public int Repeats { get; set; } = 3;

    /// <summary>Pyramid levels produced, from P3: 3 (P3–P5) to 7 (P3–P9); 5 (P3–P7) as in EfficientDet.</summary>
    public int Levels { get; set; } = 5;

    /// <summary>The epsilon of every batch norm in the neck (EfficientDet's 1e-3).</summary>
    public float Eps { get; set; } = 1e-3f;
}
