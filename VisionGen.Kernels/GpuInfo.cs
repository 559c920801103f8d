namespace VisionGen.Kernels;

/// <summary>Placeholder namespace anchor for the ILGPU kernels (the GPU issue fills this project).</summary>
internal static class GpuInfo
{
}
