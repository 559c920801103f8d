// Written by scripts/fixtures/make_op_fixtures.py --csharp from its CASES table; edit the table, not this file.
// One network per op case, mirroring the Python case module; fixtures: tests/fixtures/generated/ops/<case>.*
using static VisionGen.Nn;

namespace VisionGen.Tests.Forward;

/// <summary><c>act_relu</c>: F.relu(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_relu
{
    static Tensor Forward(Tensor x) => Relu(x);
}

/// <summary><c>act_relu6</c>: F.relu6(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_relu6
{
    static Tensor Forward(Tensor x) => Relu6(x);
}

/// <summary><c>act_leaky_relu</c>: F.leaky_relu(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_leaky_relu
{
    static Tensor Forward(Tensor x) => LeakyRelu(x);
}

/// <summary><c>act_leaky_relu_0p2</c>: F.leaky_relu(x, 0.2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_leaky_relu_0p2
{
    static Tensor Forward(Tensor x) => LeakyRelu(x, 0.2f);
}

/// <summary><c>act_sigmoid</c>: torch.sigmoid(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_sigmoid
{
    static Tensor Forward(Tensor x) => Sigmoid(x);
}

/// <summary><c>act_tanh</c>: torch.tanh(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_tanh
{
    static Tensor Forward(Tensor x) => Tanh(x);
}

/// <summary><c>act_silu</c>: F.silu(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_silu
{
    static Tensor Forward(Tensor x) => Silu(x);
}

/// <summary><c>act_hardsigmoid</c>: F.hardsigmoid(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_hardsigmoid
{
    static Tensor Forward(Tensor x) => Hardsigmoid(x);
}

/// <summary><c>act_hardswish</c>: F.hardswish(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_hardswish
{
    static Tensor Forward(Tensor x) => Hardswish(x);
}

/// <summary><c>act_gelu</c>: F.gelu(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_gelu
{
    static Tensor Forward(Tensor x) => Gelu(x);
}

/// <summary><c>act_gelu_tanh</c>: F.gelu(x, approximate='tanh')</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_gelu_tanh
{
    static Tensor Forward(Tensor x) => Gelu(x, "tanh");
}

/// <summary><c>act_mish</c>: F.mish(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_act_mish
{
    static Tensor Forward(Tensor x) => Mish(x);
}

/// <summary><c>conv_relu</c>: F.relu(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_relu
{
    static Tensor Forward(Tensor x) => Relu(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_relu6</c>: F.relu6(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_relu6
{
    static Tensor Forward(Tensor x) => Relu6(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_leaky_relu</c>: F.leaky_relu(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_leaky_relu
{
    static Tensor Forward(Tensor x) => LeakyRelu(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_leaky_relu_0p2</c>: F.leaky_relu(m.conv(x), 0.2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_leaky_relu_0p2
{
    static Tensor Forward(Tensor x) => LeakyRelu(Conv2d(x, "conv", 5, 3, padding: 1), 0.2f);
}

/// <summary><c>conv_sigmoid</c>: torch.sigmoid(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_sigmoid
{
    static Tensor Forward(Tensor x) => Sigmoid(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_tanh</c>: torch.tanh(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_tanh
{
    static Tensor Forward(Tensor x) => Tanh(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_silu</c>: F.silu(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_silu
{
    static Tensor Forward(Tensor x) => Silu(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_hardsigmoid</c>: F.hardsigmoid(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_hardsigmoid
{
    static Tensor Forward(Tensor x) => Hardsigmoid(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_hardswish</c>: F.hardswish(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_hardswish
{
    static Tensor Forward(Tensor x) => Hardswish(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_gelu</c>: F.gelu(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_gelu
{
    static Tensor Forward(Tensor x) => Gelu(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>conv_gelu_tanh</c>: F.gelu(m.conv(x), approximate='tanh')</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_gelu_tanh
{
    static Tensor Forward(Tensor x) => Gelu(Conv2d(x, "conv", 5, 3, padding: 1), "tanh");
}

/// <summary><c>conv_mish</c>: F.mish(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_conv_mish
{
    static Tensor Forward(Tensor x) => Mish(Conv2d(x, "conv", 5, 3, padding: 1));
}

/// <summary><c>add_same</c>: a, b = x.chunk(2, 1); return a + b</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_add_same
{
    static Tensor Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return Add(p[0], p[1]);
    }
}

/// <summary><c>add_relu</c>: a, b = x.chunk(2, 1); return F.relu(a + b)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_add_relu
{
    static Tensor Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return Relu(p[0] + p[1]);
    }
}

/// <summary><c>mul_same</c>: a, b = x.chunk(2, 1); return a * b</summary>
[VisionModel(Batch = 1, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_mul_same
{
    static Tensor Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return p[0] * p[1];
    }
}

/// <summary><c>mul_se</c>: a, b = x.chunk(2, 1); return a * F.adaptive_avg_pool2d(b, 1)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_mul_se
{
    static Tensor Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return Mul(p[0], AdaptiveAvgPool2d(p[1], 1));
    }
}

/// <summary><c>add_se_first</c>: a, b = x.chunk(2, 1); return F.adaptive_avg_pool2d(b, 1) + a</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_add_se_first
{
    static Tensor Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return Add(AdaptiveAvgPool2d(p[1], 1), p[0]);
    }
}

/// <summary><c>mul_se_sigmoid</c>: x * torch.sigmoid(F.adaptive_avg_pool2d(x, 1))</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 7, Width = 9)]
public sealed partial class Op_mul_se_sigmoid
{
    static Tensor Forward(Tensor x) => Mul(x, Sigmoid(AdaptiveAvgPool2d(x, 1)));
}

/// <summary><c>add_channel_bcast</c>: a, b = x.split([3, 1], 1); return a + b</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_add_channel_bcast
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, new[] { 3, 1 }, 1);
        return Add(p[0], p[1]);
    }
}

/// <summary><c>mul_row_bcast</c>: x * F.adaptive_avg_pool2d(x, (5, 1))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_mul_row_bcast
{
    static Tensor Forward(Tensor x) => Mul(x, AdaptiveAvgPool2d(x, 5, 1));
}

/// <summary><c>add_col_bcast</c>: x + F.adaptive_max_pool2d(x, (1, 9))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_add_col_bcast
{
    static Tensor Forward(Tensor x) => Add(x, AdaptiveMaxPool2d(x, 1, 9));
}

/// <summary><c>add_outer_bcast</c>: F.adaptive_avg_pool2d(x, (7, 1)) + F.adaptive_max_pool2d(x, (1, 9))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_add_outer_bcast
{
    static Tensor Forward(Tensor x) => Add(AdaptiveAvgPool2d(x, 7, 1), AdaptiveMaxPool2d(x, 1, 9));
}

/// <summary><c>mul_outer_bcast_silu</c>: F.silu(F.adaptive_avg_pool2d(x, (7, 1)) * F.adaptive_max_pool2d(x, (1, 9)))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_mul_outer_bcast_silu
{
    static Tensor Forward(Tensor x) => Silu(Mul(AdaptiveAvgPool2d(x, 7, 1), AdaptiveMaxPool2d(x, 1, 9)));
}

/// <summary><c>add_batch_bcast</c>: a, b = x.split(1, 0); return x + F.adaptive_avg_pool2d(a, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_add_batch_bcast
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, 1, 0);
        return Add(x, AdaptiveAvgPool2d(p[0], 1));
    }
}

/// <summary><c>cat2_dim1</c>: a, b = x.split([2, 3], 1); return torch.cat([b, a], 1)</summary>
[VisionModel(Batch = 1, Channels = 5, Height = 5, Width = 7)]
public sealed partial class Op_cat2_dim1
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, new[] { 2, 3 }, 1);
        return Cat(p[1], p[0]);
    }
}

/// <summary><c>cat3_dim1</c>: a, b, c = x.split([1, 2, 3], 1); return torch.cat([c, a, b], 1)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_cat3_dim1
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, new[] { 1, 2, 3 }, 1);
        return Cat(p[2], p[0], p[1]);
    }
}

/// <summary><c>cat2_dim2</c>: a, b = x.split([2, 5], 2); return torch.cat([b, a], 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_cat2_dim2
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, new[] { 2, 5 }, 2);
        return Cat(new[] { p[1], p[0] }, 2);
    }
}

/// <summary><c>cat3_dim2</c>: torch.cat([x, F.relu(x), torch.tanh(x)], 2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_cat3_dim2
{
    static Tensor Forward(Tensor x) => Cat(new[] { x, Relu(x), Tanh(x) }, 2);
}

/// <summary><c>cat3_dim3</c>: a, b, c = x.split([3, 4, 4], 3); return torch.cat([c, a, b], 3)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 11)]
public sealed partial class Op_cat3_dim3
{
    static Tensor Forward(Tensor x)
    {
        var p = Split(x, new[] { 3, 4, 4 }, 3);
        return Cat(new[] { p[2], p[0], p[1] }, 3);
    }
}

/// <summary><c>cat2_dim_neg1</c>: torch.cat([torch.sigmoid(x), x], -1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_cat2_dim_neg1
{
    static Tensor Forward(Tensor x) => Cat(new[] { Sigmoid(x), x }, -1);
}

/// <summary><c>cat_conv_outputs</c>: torch.cat([m.a(x), m.b(x), x], 1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_cat_conv_outputs
{
    static Tensor Forward(Tensor x) => Cat(Conv2d(x, "a", 4, 3, padding: 1), Conv2d(x, "b", 2, 1), x);
}

/// <summary><c>cat_then_conv</c>: m.conv(torch.cat([x, F.max_pool2d(x, 3, 1, 1)], 1))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_cat_then_conv
{
    static Tensor Forward(Tensor x) => Conv2d(Cat(x, MaxPool2d(x, 3, 1, 1)), "conv", 4, 3, padding: 1);
}

/// <summary><c>chunk2_dim1</c>: x.chunk(2, 1)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_chunk2_dim1
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 2, 1);
        return (p[0], p[1]);
    }
}

/// <summary><c>chunk3_dim1_uneven</c>: x.chunk(3, 1)</summary>
[VisionModel(Batch = 1, Channels = 7, Height = 5, Width = 7)]
public sealed partial class Op_chunk3_dim1_uneven
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 3, 1);
        return (p[0], p[1], p[2]);
    }
}

/// <summary><c>chunk3_of4_dim1</c>: x.chunk(3, 1)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_chunk3_of4_dim1
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 3, 1);
        return (p[0], p[1]);
    }
}

/// <summary><c>chunk2_dim2</c>: x.chunk(2, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_chunk2_dim2
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 2, 2);
        return (p[0], p[1]);
    }
}

/// <summary><c>chunk3_dim3</c>: x.chunk(3, 3)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 11)]
public sealed partial class Op_chunk3_dim3
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 3, 3);
        return (p[0], p[1], p[2]);
    }
}

/// <summary><c>chunk2_dim_neg1</c>: x.chunk(2, -1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 9)]
public sealed partial class Op_chunk2_dim_neg1
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Chunk(x, 2, -1);
        return (p[0], p[1]);
    }
}

/// <summary><c>split_int_dim1</c>: x.split(2, 1)</summary>
[VisionModel(Batch = 1, Channels = 5, Height = 5, Width = 7)]
public sealed partial class Op_split_int_dim1
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        var p = Split(x, 2, 1);
        return (p[0], p[1], p[2]);
    }
}

/// <summary><c>split_list_dim1</c>: x.split([1, 4, 2], 1)</summary>
[VisionModel(Batch = 2, Channels = 7, Height = 5, Width = 7)]
public sealed partial class Op_split_list_dim1
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        var p = Split(x, new[] { 1, 4, 2 }, 1);
        return (p[0], p[1], p[2]);
    }
}

/// <summary><c>split_int_dim3</c>: x.split(4, 3)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 9)]
public sealed partial class Op_split_int_dim3
{
    static (Tensor, Tensor, Tensor) Forward(Tensor x)
    {
        var p = Split(x, 4, 3);
        return (p[0], p[1], p[2]);
    }
}

/// <summary><c>split_list_dim2</c>: x.split([3, 4], 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_split_list_dim2
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Split(x, new[] { 3, 4 }, 2);
        return (p[0], p[1]);
    }
}

/// <summary><c>split_feeds_conv</c>: a, b = x.split([2, 3], 1); return torch.sigmoid(a), m.conv(b)</summary>
[VisionModel(Batch = 1, Channels = 5, Height = 7, Width = 9)]
public sealed partial class Op_split_feeds_conv
{
    static (Tensor, Tensor) Forward(Tensor x)
    {
        var p = Split(x, new[] { 2, 3 }, 1);
        return (Sigmoid(p[0]), Conv2d(p[1], "conv", 4, 3, padding: 1));
    }
}

/// <summary><c>adaptive_avg_1</c>: F.adaptive_avg_pool2d(x, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_avg_1
{
    static Tensor Forward(Tensor x) => AdaptiveAvgPool2d(x, 1);
}

/// <summary><c>adaptive_avg_3</c>: F.adaptive_avg_pool2d(x, 3)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_avg_3
{
    static Tensor Forward(Tensor x) => AdaptiveAvgPool2d(x, 3);
}

/// <summary><c>adaptive_avg_7x5</c>: F.adaptive_avg_pool2d(x, (7, 5))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_avg_7x5
{
    static Tensor Forward(Tensor x) => AdaptiveAvgPool2d(x, 7, 5);
}

/// <summary><c>adaptive_avg_up</c>: F.adaptive_avg_pool2d(x, (5, 7))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 3, Width = 5)]
public sealed partial class Op_adaptive_avg_up
{
    static Tensor Forward(Tensor x) => AdaptiveAvgPool2d(x, 5, 7);
}

/// <summary><c>adaptive_max_1</c>: F.adaptive_max_pool2d(x, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_max_1
{
    static Tensor Forward(Tensor x) => AdaptiveMaxPool2d(x, 1);
}

/// <summary><c>adaptive_max_3</c>: F.adaptive_max_pool2d(x, 3)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_max_3
{
    static Tensor Forward(Tensor x) => AdaptiveMaxPool2d(x, 3);
}

/// <summary><c>adaptive_max_7x5</c>: F.adaptive_max_pool2d(x, (7, 5))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_adaptive_max_7x5
{
    static Tensor Forward(Tensor x) => AdaptiveMaxPool2d(x, 7, 5);
}

/// <summary><c>adaptive_max_up</c>: F.adaptive_max_pool2d(x, (5, 7))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 3, Width = 5)]
public sealed partial class Op_adaptive_max_up
{
    static Tensor Forward(Tensor x) => AdaptiveMaxPool2d(x, 5, 7);
}

/// <summary><c>interp_nearest_s2</c>: F.interpolate(x, scale_factor=2, mode='nearest')</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_interp_nearest_s2
{
    static Tensor Forward(Tensor x) => Interpolate(x, 2);
}

/// <summary><c>interp_nearest_s1p5</c>: F.interpolate(x, scale_factor=1.5, mode='nearest')</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_nearest_s1p5
{
    static Tensor Forward(Tensor x) => Interpolate(x, 1.5);
}

/// <summary><c>interp_nearest_s0p5</c>: F.interpolate(x, scale_factor=0.5, mode='nearest')</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_nearest_s0p5
{
    static Tensor Forward(Tensor x) => Interpolate(x, 0.5, "nearest");
}

/// <summary><c>interp_nearest_size</c>: F.interpolate(x, size=(10, 17), mode='nearest')</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_nearest_size
{
    static Tensor Forward(Tensor x) => Interpolate(x, (10, 17));
}

/// <summary><c>interp_nearest_size_down</c>: F.interpolate(x, size=(4, 5), mode='nearest')</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_nearest_size_down
{
    static Tensor Forward(Tensor x) => Interpolate(x, (4, 5), "nearest");
}

/// <summary><c>interp_bilinear_s2</c>: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_interp_bilinear_s2
{
    static Tensor Forward(Tensor x) => Interpolate(x, 2, "bilinear");
}

/// <summary><c>interp_bilinear_s2_ac</c>: F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=True)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_interp_bilinear_s2_ac
{
    static Tensor Forward(Tensor x) => Interpolate(x, 2, "bilinear", alignCorners: true);
}

/// <summary><c>interp_bilinear_s1p5</c>: F.interpolate(x, scale_factor=1.5, mode='bilinear', align_corners=False)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_s1p5
{
    static Tensor Forward(Tensor x) => Interpolate(x, 1.5, "bilinear", alignCorners: false);
}

/// <summary><c>interp_bilinear_s1p5_ac</c>: F.interpolate(x, scale_factor=1.5, mode='bilinear', align_corners=True)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_s1p5_ac
{
    static Tensor Forward(Tensor x) => Interpolate(x, 1.5, "bilinear", alignCorners: true);
}

/// <summary><c>interp_bilinear_s0p5</c>: F.interpolate(x, scale_factor=0.5, mode='bilinear', align_corners=False)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_s0p5
{
    static Tensor Forward(Tensor x) => Interpolate(x, 0.5, "bilinear");
}

/// <summary><c>interp_bilinear_size</c>: F.interpolate(x, size=(11, 13), mode='bilinear', align_corners=False)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_size
{
    static Tensor Forward(Tensor x) => Interpolate(x, (11, 13), "bilinear");
}

/// <summary><c>interp_bilinear_size_ac</c>: F.interpolate(x, size=(11, 13), mode='bilinear', align_corners=True)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_size_ac
{
    static Tensor Forward(Tensor x) => Interpolate(x, (11, 13), "bilinear", alignCorners: true);
}

/// <summary><c>interp_bilinear_size_down</c>: F.interpolate(x, size=(4, 6), mode='bilinear', align_corners=False)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_size_down
{
    static Tensor Forward(Tensor x) => Interpolate(x, (4, 6), "bilinear");
}

/// <summary><c>interp_bilinear_size_down_ac</c>: F.interpolate(x, size=(4, 6), mode='bilinear', align_corners=True)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_interp_bilinear_size_down_ac
{
    static Tensor Forward(Tensor x) => Interpolate(x, (4, 6), "bilinear", alignCorners: true);
}

/// <summary><c>convt_k2s2</c>: m.up(x)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k2s2
{
    static Tensor Forward(Tensor x) => ConvTranspose2d(x, "up", 6, 2, stride: 2);
}

/// <summary><c>convt_k2s2_relu</c>: F.relu(m.up(x))</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k2s2_relu
{
    static Tensor Forward(Tensor x) => Relu(ConvTranspose2d(x, "up", 6, 2, stride: 2));
}

/// <summary><c>convt_k3s2p1op1</c>: m.up(x)</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k3s2p1op1
{
    static Tensor Forward(Tensor x) => ConvTranspose2d(x, "up", 6, 3, stride: 2, padding: 1, outputPadding: 1);
}

/// <summary><c>convt_k4s2p1_g2</c>: m.up(x)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k4s2p1_g2
{
    static Tensor Forward(Tensor x) => ConvTranspose2d(x, "up", 6, 4, stride: 2, padding: 1, groups: 2);
}

/// <summary><c>convt_k3s2p1_d2_nobias</c>: m.up(x)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k3s2p1_d2_nobias
{
    static Tensor Forward(Tensor x) => ConvTranspose2d(x, "up", 5, 3, stride: 2, padding: 1, bias: false, dilation: 2);
}

/// <summary><c>convt_k3s1p1</c>: m.up(x)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_convt_k3s1p1
{
    static Tensor Forward(Tensor x) => ConvTranspose2d(x, "up", 5, 3, padding: 1);
}

/// <summary><c>softmax_dim1</c>: F.softmax(x, 1)</summary>
[VisionModel(Batch = 2, Channels = 5, Height = 3, Width = 7)]
public sealed partial class Op_softmax_dim1
{
    static Tensor Forward(Tensor x) => Softmax(x, 1);
}

/// <summary><c>softmax_dim2</c>: F.softmax(x, 2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_softmax_dim2
{
    static Tensor Forward(Tensor x) => Softmax(x, 2);
}

/// <summary><c>softmax_dim_neg1</c>: F.softmax(x, -1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_softmax_dim_neg1
{
    static Tensor Forward(Tensor x) => Softmax(x, -1);
}

/// <summary><c>softmax_3d_dim1</c>: F.softmax(torch.flatten(x, 2), 1)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_softmax_3d_dim1
{
    static Tensor Forward(Tensor x) => Softmax(Flatten(x, 2), 1);
}

/// <summary><c>softmax_linear</c>: F.softmax(m.fc(torch.flatten(x, 1)), -1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_softmax_linear
{
    static Tensor Forward(Tensor x) => Softmax(Linear(Flatten(x), "fc", 10), -1);
}

/// <summary><c>flatten_1</c>: torch.flatten(x, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_flatten_1
{
    static Tensor Forward(Tensor x) => Flatten(x);
}

/// <summary><c>flatten_2</c>: torch.flatten(x, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_flatten_2
{
    static Tensor Forward(Tensor x) => Flatten(x, 2);
}

/// <summary><c>flatten_1_2</c>: torch.flatten(x, 1, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_flatten_1_2
{
    static Tensor Forward(Tensor x) => Flatten(x, 1, 2);
}

/// <summary><c>reshape_neg1</c>: x.reshape(2, -1, 5)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_reshape_neg1
{
    static Tensor Forward(Tensor x) => Reshape(x, 2, -1, 5);
}

/// <summary><c>reshape_4d</c>: x.reshape(2, 7, 3, 5)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_reshape_4d
{
    static Tensor Forward(Tensor x) => Reshape(x, 2, 7, 3, 5);
}

/// <summary><c>reshape_then_conv</c>: m.conv(x.view(1, 3, 7, 5))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_reshape_then_conv
{
    static Tensor Forward(Tensor x) => Conv2d(Reshape(x, 1, 3, 7, 5), "conv", 4, 3, padding: 1);
}

/// <summary><c>permute_0231</c>: x.permute(0, 2, 3, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_permute_0231
{
    static Tensor Forward(Tensor x) => Permute(x, 0, 2, 3, 1);
}

/// <summary><c>permute_0312</c>: x.permute(0, 3, 1, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_permute_0312
{
    static Tensor Forward(Tensor x) => Permute(x, 0, 3, 1, 2);
}

/// <summary><c>permute_1023</c>: x.permute(1, 0, 2, 3)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_permute_1023
{
    static Tensor Forward(Tensor x) => Permute(x, 1, 0, 2, 3);
}

/// <summary><c>permute_then_conv</c>: m.conv(x.permute(0, 1, 3, 2))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_permute_then_conv
{
    static Tensor Forward(Tensor x) => Conv2d(Permute(x, 0, 1, 3, 2), "conv", 4, 3, padding: 1);
}

/// <summary><c>transpose_12</c>: x.transpose(1, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_transpose_12
{
    static Tensor Forward(Tensor x) => Transpose(x, 1, 2);
}

/// <summary><c>transpose_neg</c>: x.transpose(-1, -2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_transpose_neg
{
    static Tensor Forward(Tensor x) => Transpose(x, -1, -2);
}

/// <summary><c>flatten_transpose</c>: torch.flatten(x, 2).transpose(1, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_flatten_transpose
{
    static Tensor Forward(Tensor x) => Transpose(Flatten(x, 2), 1, 2);
}

/// <summary><c>identity</c>: m.id(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_identity
{
    static Tensor Forward(Tensor x) => Identity(x);
}

/// <summary><c>dropout</c>: F.relu(m.drop(m.conv(x)))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_dropout
{
    static Tensor Forward(Tensor x) => Relu(Dropout(Conv2d(x, "conv", 4, 3, padding: 1), 0.3f));
}

/// <summary><c>stochastic_depth</c>: x + m.sd(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_stochastic_depth
{
    static Tensor Forward(Tensor x) => Add(x, StochasticDepth(Conv2d(x, "conv", 3, 3, padding: 1), 0.2f, "row"));
}

/// <summary><c>conv_k3_s2_p1</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_k3_s2_p1
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 8, 3, stride: 2, padding: 1);
}

/// <summary><c>conv_k5_p2_nobias</c>: m.conv(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_k5_p2_nobias
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 6, 5, padding: 2, bias: false);
}

/// <summary><c>conv_k2_s2</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_k2_s2
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 4, 2, stride: 2);
}

/// <summary><c>conv_k1</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_k1
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 7, 1);
}

/// <summary><c>conv_k7_s2_p3</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_k7_s2_p3
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 8, 7, stride: 2, padding: 3);
}

/// <summary><c>conv_groups2</c>: m.conv(x)</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 9, Width = 11)]
public sealed partial class Op_conv_groups2
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 6, 3, padding: 1, groups: 2);
}

/// <summary><c>conv_depthwise</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 6, Height = 9, Width = 11)]
public sealed partial class Op_conv_depthwise
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 6, 3, padding: 1, groups: 6);
}

/// <summary><c>conv_depthwise_s2</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 6, Height = 9, Width = 11)]
public sealed partial class Op_conv_depthwise_s2
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 6, 3, stride: 2, padding: 1, groups: 6);
}

/// <summary><c>conv_dilation2</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 9, Width = 11)]
public sealed partial class Op_conv_dilation2
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 5, 3, padding: 2, dilation: 2);
}

/// <summary><c>conv_dilation2_s2_groups2</c>: m.conv(x)</summary>
[VisionModel(Batch = 1, Channels = 4, Height = 9, Width = 11)]
public sealed partial class Op_conv_dilation2_s2_groups2
{
    static Tensor Forward(Tensor x) => Conv2d(x, "conv", 4, 3, stride: 2, padding: 2, dilation: 2, groups: 2);
}

/// <summary><c>linear_flat</c>: m.fc(torch.flatten(x, 1))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_flat
{
    static Tensor Forward(Tensor x) => Linear(Flatten(x), "fc", 10);
}

/// <summary><c>linear_nobias</c>: m.fc(torch.flatten(x, 1))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_nobias
{
    static Tensor Forward(Tensor x) => Linear(Flatten(x), "fc", 6, bias: false);
}

/// <summary><c>linear_3d</c>: m.fc(torch.flatten(x, 2))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_3d
{
    static Tensor Forward(Tensor x) => Linear(Flatten(x, 2), "fc", 4);
}

/// <summary><c>linear_4d</c>: m.fc(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_4d
{
    static Tensor Forward(Tensor x) => Linear(x, "fc", 5);
}

/// <summary><c>linear_gelu_tanh</c>: m.fc2(F.gelu(m.fc1(torch.flatten(x, 1)), approximate='tanh'))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_gelu_tanh
{
    static Tensor Forward(Tensor x) => Linear(Gelu(Linear(Flatten(x), "fc1", 16), "tanh"), "fc2", 3);
}

/// <summary><c>linear_silu</c>: F.silu(m.fc(torch.flatten(x, 1)))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_linear_silu
{
    static Tensor Forward(Tensor x) => Silu(Linear(Flatten(x), "fc", 8));
}

/// <summary><c>bn_standalone</c>: m.bn(x)</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_bn_standalone
{
    static Tensor Forward(Tensor x) => BatchNorm2d(x, "bn");
}

/// <summary><c>bn_after_conv</c>: F.relu(m.bn(m.conv(x)))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_bn_after_conv
{
    static Tensor Forward(Tensor x) => Relu(BatchNorm2d(Conv2d(x, "conv", 5, 3, padding: 1, bias: false), "bn"));
}

/// <summary><c>bn_after_conv_bias</c>: m.bn(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_bn_after_conv_bias
{
    static Tensor Forward(Tensor x) => BatchNorm2d(Conv2d(x, "conv", 5, 3, padding: 1), "bn");
}

/// <summary><c>bn_eps</c>: m.bn(m.conv(x))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_bn_eps
{
    static Tensor Forward(Tensor x) => BatchNorm2d(Conv2d(x, "conv", 5, 3, padding: 1, bias: false), "bn", eps: 1e-3f);
}

/// <summary><c>bn_after_add</c>: m.bn(x + F.relu(x))</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_bn_after_add
{
    static Tensor Forward(Tensor x) => BatchNorm2d(Add(x, Relu(x)), "bn");
}

/// <summary><c>gn_affine</c>: m.gn(x)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_gn_affine
{
    static Tensor Forward(Tensor x) => GroupNorm(x, "gn", 2);
}

/// <summary><c>gn_noaffine_eps</c>: m.gn(x)</summary>
[VisionModel(Batch = 2, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_gn_noaffine_eps
{
    static Tensor Forward(Tensor x) => GroupNorm(x, "gn", 3, eps: 1e-3f, affine: false);
}

/// <summary><c>gn_per_channel</c>: m.gn(x)</summary>
[VisionModel(Batch = 1, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_gn_per_channel
{
    static Tensor Forward(Tensor x) => GroupNorm(x, "gn", 6);
}

/// <summary><c>gn_one_group</c>: m.gn(x)</summary>
[VisionModel(Batch = 1, Channels = 6, Height = 5, Width = 7)]
public sealed partial class Op_gn_one_group
{
    static Tensor Forward(Tensor x) => GroupNorm(x, "gn", 1);
}

/// <summary><c>gn_after_conv_relu</c>: F.relu(m.gn(m.conv(x)))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_gn_after_conv_relu
{
    static Tensor Forward(Tensor x) => Relu(GroupNorm(Conv2d(x, "conv", 8, 3, padding: 1), "gn", 4));
}

/// <summary><c>in_plain</c>: m.inorm(x)</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_in_plain
{
    static Tensor Forward(Tensor x) => InstanceNorm2d(x);
}

/// <summary><c>in_affine</c>: m.inorm(x)</summary>
[VisionModel(Batch = 2, Channels = 4, Height = 5, Width = 7)]
public sealed partial class Op_in_affine
{
    static Tensor Forward(Tensor x) => InstanceNorm2d(x, "inorm", affine: true);
}

/// <summary><c>ln_chw</c>: m.ln(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_ln_chw
{
    static Tensor Forward(Tensor x) => LayerNorm(x, "ln");
}

/// <summary><c>ln_noaffine_eps</c>: m.ln(x)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_ln_noaffine_eps
{
    static Tensor Forward(Tensor x) => LayerNorm(x, "ln", eps: 1e-6f, elementwiseAffine: false);
}

/// <summary><c>ln_flat</c>: m.ln(torch.flatten(x, 1))</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_ln_flat
{
    static Tensor Forward(Tensor x) => LayerNorm(Flatten(x), "ln");
}

/// <summary><c>ln_3d</c>: m.ln(torch.flatten(x, 2))</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 5, Width = 7)]
public sealed partial class Op_ln_3d
{
    static Tensor Forward(Tensor x) => LayerNorm(Flatten(x, 2), "ln");
}

/// <summary><c>maxpool_k2</c>: F.max_pool2d(x, 2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_maxpool_k2
{
    static Tensor Forward(Tensor x) => MaxPool2d(x, 2);
}

/// <summary><c>maxpool_k3s2</c>: F.max_pool2d(x, 3, 2)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_maxpool_k3s2
{
    static Tensor Forward(Tensor x) => MaxPool2d(x, 3, 2);
}

/// <summary><c>maxpool_k3s2p1</c>: F.max_pool2d(x, 3, 2, 1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_maxpool_k3s2p1
{
    static Tensor Forward(Tensor x) => MaxPool2d(x, 3, 2, 1);
}

/// <summary><c>maxpool_k3s2p1_negative</c>: F.max_pool2d(x, 3, 2, 1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_maxpool_k3s2p1_negative
{
    static Tensor Forward(Tensor x) => MaxPool2d(x, 3, 2, 1);
}

/// <summary><c>maxpool_k5s1p2</c>: F.max_pool2d(x, 5, 1, 2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_maxpool_k5s1p2
{
    static Tensor Forward(Tensor x) => MaxPool2d(x, 5, 1, 2);
}

/// <summary><c>avgpool_k2</c>: F.avg_pool2d(x, 2)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_avgpool_k2
{
    static Tensor Forward(Tensor x) => AvgPool2d(x, 2);
}

/// <summary><c>avgpool_k2s1</c>: F.avg_pool2d(x, 2, 1)</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_avgpool_k2s1
{
    static Tensor Forward(Tensor x) => AvgPool2d(x, 2, 1);
}

/// <summary><c>avgpool_k3s2p1</c>: F.avg_pool2d(x, 3, 2, 1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_avgpool_k3s2p1
{
    static Tensor Forward(Tensor x) => AvgPool2d(x, 3, 2, 1);
}

/// <summary><c>avgpool_k3s1p1</c>: F.avg_pool2d(x, 3, 1, 1)</summary>
[VisionModel(Batch = 1, Channels = 3, Height = 7, Width = 9)]
public sealed partial class Op_avgpool_k3s1p1
{
    static Tensor Forward(Tensor x) => AvgPool2d(x, 3, 1, 1);
}

/// <summary>Every op case: its fixture name (ops/&lt;Case&gt;.safetensors, ops/&lt;Case&gt;.io.safetensors) and the generated model class.</summary>
public static class OpCases
{
    public static readonly (string Case, Type Model)[] All =
    [
        ("act_relu", typeof(Op_act_relu)),
        ("act_relu6", typeof(Op_act_relu6)),
        ("act_leaky_relu", typeof(Op_act_leaky_relu)),
        ("act_leaky_relu_0p2", typeof(Op_act_leaky_relu_0p2)),
        ("act_sigmoid", typeof(Op_act_sigmoid)),
        ("act_tanh", typeof(Op_act_tanh)),
        ("act_silu", typeof(Op_act_silu)),
        ("act_hardsigmoid", typeof(Op_act_hardsigmoid)),
        ("act_hardswish", typeof(Op_act_hardswish)),
        ("act_gelu", typeof(Op_act_gelu)),
        ("act_gelu_tanh", typeof(Op_act_gelu_tanh)),
        ("act_mish", typeof(Op_act_mish)),
        ("conv_relu", typeof(Op_conv_relu)),
        ("conv_relu6", typeof(Op_conv_relu6)),
        ("conv_leaky_relu", typeof(Op_conv_leaky_relu)),
        ("conv_leaky_relu_0p2", typeof(Op_conv_leaky_relu_0p2)),
        ("conv_sigmoid", typeof(Op_conv_sigmoid)),
        ("conv_tanh", typeof(Op_conv_tanh)),
        ("conv_silu", typeof(Op_conv_silu)),
        ("conv_hardsigmoid", typeof(Op_conv_hardsigmoid)),
        ("conv_hardswish", typeof(Op_conv_hardswish)),
        ("conv_gelu", typeof(Op_conv_gelu)),
        ("conv_gelu_tanh", typeof(Op_conv_gelu_tanh)),
        ("conv_mish", typeof(Op_conv_mish)),
        ("add_same", typeof(Op_add_same)),
        ("add_relu", typeof(Op_add_relu)),
        ("mul_same", typeof(Op_mul_same)),
        ("mul_se", typeof(Op_mul_se)),
        ("add_se_first", typeof(Op_add_se_first)),
        ("mul_se_sigmoid", typeof(Op_mul_se_sigmoid)),
        ("add_channel_bcast", typeof(Op_add_channel_bcast)),
        ("mul_row_bcast", typeof(Op_mul_row_bcast)),
        ("add_col_bcast", typeof(Op_add_col_bcast)),
        ("add_outer_bcast", typeof(Op_add_outer_bcast)),
        ("mul_outer_bcast_silu", typeof(Op_mul_outer_bcast_silu)),
        ("add_batch_bcast", typeof(Op_add_batch_bcast)),
        ("cat2_dim1", typeof(Op_cat2_dim1)),
        ("cat3_dim1", typeof(Op_cat3_dim1)),
        ("cat2_dim2", typeof(Op_cat2_dim2)),
        ("cat3_dim2", typeof(Op_cat3_dim2)),
        ("cat3_dim3", typeof(Op_cat3_dim3)),
        ("cat2_dim_neg1", typeof(Op_cat2_dim_neg1)),
        ("cat_conv_outputs", typeof(Op_cat_conv_outputs)),
        ("cat_then_conv", typeof(Op_cat_then_conv)),
        ("chunk2_dim1", typeof(Op_chunk2_dim1)),
        ("chunk3_dim1_uneven", typeof(Op_chunk3_dim1_uneven)),
        ("chunk3_of4_dim1", typeof(Op_chunk3_of4_dim1)),
        ("chunk2_dim2", typeof(Op_chunk2_dim2)),
        ("chunk3_dim3", typeof(Op_chunk3_dim3)),
        ("chunk2_dim_neg1", typeof(Op_chunk2_dim_neg1)),
        ("split_int_dim1", typeof(Op_split_int_dim1)),
        ("split_list_dim1", typeof(Op_split_list_dim1)),
        ("split_int_dim3", typeof(Op_split_int_dim3)),
        ("split_list_dim2", typeof(Op_split_list_dim2)),
        ("split_feeds_conv", typeof(Op_split_feeds_conv)),
        ("adaptive_avg_1", typeof(Op_adaptive_avg_1)),
        ("adaptive_avg_3", typeof(Op_adaptive_avg_3)),
        ("adaptive_avg_7x5", typeof(Op_adaptive_avg_7x5)),
        ("adaptive_avg_up", typeof(Op_adaptive_avg_up)),
        ("adaptive_max_1", typeof(Op_adaptive_max_1)),
        ("adaptive_max_3", typeof(Op_adaptive_max_3)),
        ("adaptive_max_7x5", typeof(Op_adaptive_max_7x5)),
        ("adaptive_max_up", typeof(Op_adaptive_max_up)),
        ("interp_nearest_s2", typeof(Op_interp_nearest_s2)),
        ("interp_nearest_s1p5", typeof(Op_interp_nearest_s1p5)),
        ("interp_nearest_s0p5", typeof(Op_interp_nearest_s0p5)),
        ("interp_nearest_size", typeof(Op_interp_nearest_size)),
        ("interp_nearest_size_down", typeof(Op_interp_nearest_size_down)),
        ("interp_bilinear_s2", typeof(Op_interp_bilinear_s2)),
        ("interp_bilinear_s2_ac", typeof(Op_interp_bilinear_s2_ac)),
        ("interp_bilinear_s1p5", typeof(Op_interp_bilinear_s1p5)),
        ("interp_bilinear_s1p5_ac", typeof(Op_interp_bilinear_s1p5_ac)),
        ("interp_bilinear_s0p5", typeof(Op_interp_bilinear_s0p5)),
        ("interp_bilinear_size", typeof(Op_interp_bilinear_size)),
        ("interp_bilinear_size_ac", typeof(Op_interp_bilinear_size_ac)),
        ("interp_bilinear_size_down", typeof(Op_interp_bilinear_size_down)),
        ("interp_bilinear_size_down_ac", typeof(Op_interp_bilinear_size_down_ac)),
        ("convt_k2s2", typeof(Op_convt_k2s2)),
        ("convt_k2s2_relu", typeof(Op_convt_k2s2_relu)),
        ("convt_k3s2p1op1", typeof(Op_convt_k3s2p1op1)),
        ("convt_k4s2p1_g2", typeof(Op_convt_k4s2p1_g2)),
        ("convt_k3s2p1_d2_nobias", typeof(Op_convt_k3s2p1_d2_nobias)),
        ("convt_k3s1p1", typeof(Op_convt_k3s1p1)),
        ("softmax_dim1", typeof(Op_softmax_dim1)),
        ("softmax_dim2", typeof(Op_softmax_dim2)),
        ("softmax_dim_neg1", typeof(Op_softmax_dim_neg1)),
        ("softmax_3d_dim1", typeof(Op_softmax_3d_dim1)),
        ("softmax_linear", typeof(Op_softmax_linear)),
        ("flatten_1", typeof(Op_flatten_1)),
        ("flatten_2", typeof(Op_flatten_2)),
        ("flatten_1_2", typeof(Op_flatten_1_2)),
        ("reshape_neg1", typeof(Op_reshape_neg1)),
        ("reshape_4d", typeof(Op_reshape_4d)),
        ("reshape_then_conv", typeof(Op_reshape_then_conv)),
        ("permute_0231", typeof(Op_permute_0231)),
        ("permute_0312", typeof(Op_permute_0312)),
        ("permute_1023", typeof(Op_permute_1023)),
        ("permute_then_conv", typeof(Op_permute_then_conv)),
        ("transpose_12", typeof(Op_transpose_12)),
        ("transpose_neg", typeof(Op_transpose_neg)),
        ("flatten_transpose", typeof(Op_flatten_transpose)),
        ("identity", typeof(Op_identity)),
        ("dropout", typeof(Op_dropout)),
        ("stochastic_depth", typeof(Op_stochastic_depth)),
        ("conv_k3_s2_p1", typeof(Op_conv_k3_s2_p1)),
        ("conv_k5_p2_nobias", typeof(Op_conv_k5_p2_nobias)),
        ("conv_k2_s2", typeof(Op_conv_k2_s2)),
        ("conv_k1", typeof(Op_conv_k1)),
        ("conv_k7_s2_p3", typeof(Op_conv_k7_s2_p3)),
        ("conv_groups2", typeof(Op_conv_groups2)),
        ("conv_depthwise", typeof(Op_conv_depthwise)),
        ("conv_depthwise_s2", typeof(Op_conv_depthwise_s2)),
        ("conv_dilation2", typeof(Op_conv_dilation2)),
        ("conv_dilation2_s2_groups2", typeof(Op_conv_dilation2_s2_groups2)),
        ("linear_flat", typeof(Op_linear_flat)),
        ("linear_nobias", typeof(Op_linear_nobias)),
        ("linear_3d", typeof(Op_linear_3d)),
        ("linear_4d", typeof(Op_linear_4d)),
        ("linear_gelu_tanh", typeof(Op_linear_gelu_tanh)),
        ("linear_silu", typeof(Op_linear_silu)),
        ("bn_standalone", typeof(Op_bn_standalone)),
        ("bn_after_conv", typeof(Op_bn_after_conv)),
        ("bn_after_conv_bias", typeof(Op_bn_after_conv_bias)),
        ("bn_eps", typeof(Op_bn_eps)),
        ("bn_after_add", typeof(Op_bn_after_add)),
        ("gn_affine", typeof(Op_gn_affine)),
        ("gn_noaffine_eps", typeof(Op_gn_noaffine_eps)),
        ("gn_per_channel", typeof(Op_gn_per_channel)),
        ("gn_one_group", typeof(Op_gn_one_group)),
        ("gn_after_conv_relu", typeof(Op_gn_after_conv_relu)),
        ("in_plain", typeof(Op_in_plain)),
        ("in_affine", typeof(Op_in_affine)),
        ("ln_chw", typeof(Op_ln_chw)),
        ("ln_noaffine_eps", typeof(Op_ln_noaffine_eps)),
        ("ln_flat", typeof(Op_ln_flat)),
        ("ln_3d", typeof(Op_ln_3d)),
        ("maxpool_k2", typeof(Op_maxpool_k2)),
        ("maxpool_k3s2", typeof(Op_maxpool_k3s2)),
        ("maxpool_k3s2p1", typeof(Op_maxpool_k3s2p1)),
        ("maxpool_k3s2p1_negative", typeof(Op_maxpool_k3s2p1_negative)),
        ("maxpool_k5s1p2", typeof(Op_maxpool_k5s1p2)),
        ("avgpool_k2", typeof(Op_avgpool_k2)),
        ("avgpool_k2s1", typeof(Op_avgpool_k2s1)),
        ("avgpool_k3s2p1", typeof(Op_avgpool_k3s2p1)),
        ("avgpool_k3s1p1", typeof(Op_avgpool_k3s1p1)),
    ];
}
