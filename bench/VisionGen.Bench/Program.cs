using BenchmarkDotNet.Running;

// Every benchmark class in this assembly is selectable: dotnet run -c Release --project bench/VisionGen.Bench -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
