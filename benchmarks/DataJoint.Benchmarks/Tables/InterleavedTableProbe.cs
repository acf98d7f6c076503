using System.Diagnostics;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// The 100 000-row table benchmarks (<see cref="TypedTableBenchmarks"/>, <see cref="BlobFetchBenchmarks"/>,
/// <see cref="TypedTableInsertBenchmarks"/>) and the one-row inserts (<see cref="InsertOneBenchmarks"/>, 200 calls a run) —
/// the same methods — run in turn, round after round, so that the drift of a
/// shared machine hits the raw baseline and DataJoint alike (BenchmarkDotNet runs one method's iterations in a block,
/// minutes apart); the order of the methods rotates from round to round. Each run starts after a full garbage collection. Prints per method the median wall time, the median
/// and range of its ratio to the raw baseline of the same round, the median client CPU time and the bytes allocated.
/// Run: <c>dotnet run -c Release -- interleaved-tables [--rounds 15] [--only fetch,blob,insert,one]</c> with the services' variables.
/// </summary>
internal static class InterleavedTableProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = ProbeSupport.Option(args, "--rounds", 15);
        var o = Array.IndexOf(args, "--only");
        var only = o >= 0 && o + 1 < args.Length ? args[o + 1].Split(',') : ["fetch", "blob", "insert", "one"];

        var fetch = new TypedTableBenchmarks();
        var blob = new BlobFetchBenchmarks();
        var insert = new TypedTableInsertBenchmarks();
        var one = new InsertOneBenchmarks();
        if (only.Contains("fetch")) await fetch.Setup();
        if (only.Contains("blob")) await blob.Setup();
        if (only.Contains("insert")) await insert.Setup();
        if (only.Contains("one")) await one.Setup();
        try
        {
            var groups = new (string Key, string Title, Func<Task>? Before, (string Name, Func<Task> Run)[] Modes)[]
            {
                ("fetch", "fetch, 100 000 rows (int32, float64, varchar, 64-byte bytes)", null,
                    [("raw reader loop", fetch.RawFetch), ("dynamic FetchAsync", fetch.DynamicFetch), ("typed FetchAsync", fetch.TypedFetch)]),
                ("blob", "fetch, 100 000 rows with a <blob> column (10 float64 each)", null,
                    [("raw loop + Blob.Unpack", blob.RawReaderUnpack), ("raw, reused buffer", blob.RawReaderUnpackInPlace), ("dynamic FetchAsync", blob.DynamicFetch),
                     ("typed FetchAsync", blob.TypedFetch)]),
                ("insert", "insert, 100 000 rows (int32, float64, varchar, 64-byte bytes)", () => { insert.Truncate(); return Task.CompletedTask; },
                    [("raw multi-row INSERT", insert.RawMultiRowInsert), ("dynamic InsertAsync", insert.DynamicInsert), ("typed InsertAsync", insert.TypedInsert)]),
                ("one", "Insert1Async, 200 calls of one row each (int32, float64, varchar, 64-byte bytes)", null,
                    [("raw one-row INSERT", Calls(one.RawInsert)), ("anonymous object", Calls(one.AnonymousObject)), ("dictionary", Calls(one.Dictionary)),
                     ("typed Row", Calls(one.TypedRow))]),
            };
            Console.WriteLine($"{rounds} interleaved rounds (round 0 warms up); load average at start {ProbeSupport.LoadAverage()}");
            foreach (var (key, title, before, modes) in groups)
            {
                if (!only.Contains(key)) continue;
                var wall = modes.Select(_ => new List<double>()).ToArray();
                var cpu = modes.Select(_ => new List<double>()).ToArray();
                var bytes = modes.Select(_ => new List<double>()).ToArray();
                for (var round = 0; round <= rounds; round++)
                {
                    for (var k = 0; k < modes.Length; k++)
                    {
                        var m = (k + round) % modes.Length; // each method runs first, second, third... in turn
                        if (before is not null) await before();
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                        GC.Collect();
                        var allocated = GC.GetTotalAllocatedBytes(precise: true);
                        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                        var clock = Stopwatch.StartNew();
                        await modes[m].Run();
                        clock.Stop();
                        if (round == 0) continue;
                        wall[m].Add(clock.Elapsed.TotalMilliseconds);
                        cpu[m].Add(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - cpu0);
                        bytes[m].Add(GC.GetTotalAllocatedBytes(precise: true) - allocated);
                    }
                }
                Console.WriteLine(title);
                for (var m = 0; m < modes.Length; m++)
                {
                    var ratios = wall[m].Zip(wall[0], (x, raw) => x / raw).ToList();
                    Console.WriteLine(FormattableString.Invariant(
                        $"  {modes[m].Name,-24} {ProbeSupport.Median(wall[m]),7:F0} ms  ratio {ProbeSupport.Median(ratios),5:F2}x (rounds {ratios.Min():F2}-{ratios.Max():F2})  client CPU {ProbeSupport.Median(cpu[m]),6:F0} ms  {ProbeSupport.Median(bytes[m]) / 1e6,6:F1} MB"));
                }
            }
            Console.WriteLine($"load average at end {ProbeSupport.LoadAverage()}");
            return 0;
        }
        finally
        {
            if (only.Contains("fetch")) await fetch.Cleanup();
            if (only.Contains("blob")) await blob.Cleanup();
            if (only.Contains("insert")) await insert.Cleanup();
            if (only.Contains("one")) await one.Cleanup();
        }
    }

    /// <summary>200 calls of a one-row benchmark method, one after the other.</summary>
    private static Func<Task> Calls(Func<Task> call) => async () =>
    {
        for (var i = 0; i < 200; i++) await call();
    };
}
