using BenchmarkDotNet.Running;
using DataJoint.Benchmarks.Stores;

// `interleaved-insert` runs the store insert modes in turn (see InterleavedInsertProbe); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "interleaved-insert") return await InterleavedInsertProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "interleaved-populate") return await DataJoint.Benchmarks.Populate.InterleavedPopulateProbe.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
