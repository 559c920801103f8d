using VisionGen;

namespace VisionGen.GpuBench;

// The networks the GPU benchmark runs through the generated executor, declared as a user would.

/// <summary>torchvision's ResNet-18 (1000 classes, 224×224) at batch 1: the latency figure.</summary>
[VisionModel(Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class BenchResNet18;

/// <summary>ResNet-18 at batch 32 in one call: the throughput figure (against cuDNN).</summary>
[VisionModel(Batch = 32, Channels = 3, Height = 224, Width = 224)]
[ResNet(Depth = 18)]
[ClassifierHead(Classes = 1000)]
public partial class BenchResNet18Batch32;

/// <summary>A small stand-in for the --small run on ILGPU's CPU accelerator (ResNet-18 would take minutes there).</summary>
[VisionModel(Channels = 3, Height = 8, Width = 8)]
[Conv2d("0", 8, 3, Padding = 1, Bias = false)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 16, 3, Stride = 2, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Flatten]
[Linear("7", 10)]
public partial class BenchTinyNet;

/// <summary><see cref="BenchTinyNet"/> at batch 2.</summary>
[VisionModel(Batch = 2, Channels = 3, Height = 8, Width = 8)]
[Conv2d("0", 8, 3, Padding = 1, Bias = false)]
[BatchNorm2d("1")]
[ReLU]
[Conv2d("3", 16, 3, Stride = 2, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Flatten]
[Linear("7", 10)]
public partial class BenchTinyNetBatch2;
