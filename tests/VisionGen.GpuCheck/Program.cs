// The one-command device check; see GpuCheckProgram and scripts/gpu-check.sh.
//   GpuCheck --out DIR [--small] [--require-cuda] ...   (GpuCheck --help for the options)
if (args.Contains("--help") || args.Length == 0)
{
    Console.WriteLine(VisionGen.GpuCheck.GpuCheckOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}
// Packing (scripts/gpu-check.sh): the runtime's files this program never loads, one a line, to leave out of the archive.
if (args is ["--unreferenced-assemblies"])
{
    foreach (string file in VisionGen.GpuCheck.AssemblyClosure.Unreferenced()) Console.WriteLine(file);
    return 0;
}
return VisionGen.GpuCheck.GpuCheckProgram.RunCommandLine(args);
