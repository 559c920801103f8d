using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits a dynamic assembly named ILGPURuntime whose task types hold the kernels'
// (internal) parameter structs.
[assembly: InternalsVisibleTo("ILGPURuntime")]

// GpuContextTests simulate a process where ILGPU cannot start through an internal overload of GpuContext.Create.
[assembly: InternalsVisibleTo("VisionGen.Tests")]
