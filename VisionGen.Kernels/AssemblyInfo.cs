using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits a dynamic assembly named ILGPURuntime whose task types hold the kernels'
// (internal) parameter structs.
[assembly: InternalsVisibleTo("ILGPURuntime")]
