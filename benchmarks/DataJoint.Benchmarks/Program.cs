using BenchmarkDotNet.Running;
using DataJoint.Benchmarks.Stores;

// `interleaved-insert` runs the store insert modes in turn (see InterleavedInsertProbe); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "interleaved-insert") return await InterleavedInsertProbe.RunAsync(args[1..]);
// `interleaved-fetch` runs the <blob@main> fetch benchmark's methods in turn (see InterleavedFetchProbe).
if (args.Length > 0 && args[0] == "interleaved-fetch") return await InterleavedFetchProbe.RunAsync(args[1..]);
// `generator-cost` splits the generator benchmark's time into its parts as CPU time (see GeneratorCostProbe).
if (args.Length > 0 && args[0] == "generator-cost") return DataJoint.Benchmarks.Generator.GeneratorCostProbe.Run(args[1..]);
// `zarr-interleaved` runs the <zarr@> write/read benchmark and its raw baselines in turn (see ZarrInterleavedProbe).
if (args.Length > 0 && args[0] == "zarr-interleaved") return await DataJoint.Benchmarks.Plugins.ZarrInterleavedProbe.RunAsync(args[1..]);
// `interleaved-tables` runs the 100 000-row fetch, <blob> fetch and insert benchmarks and their raw baselines in turn (see InterleavedTableProbe).
if (args.Length > 0 && args[0] == "interleaved-tables") return await DataJoint.Benchmarks.Tables.InterleavedTableProbe.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "interleaved-populate") return await DataJoint.Benchmarks.Populate.InterleavedPopulateProbe.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
