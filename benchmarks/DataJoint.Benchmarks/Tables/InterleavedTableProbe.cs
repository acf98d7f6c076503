using System.Diagnostics;
using System.Globalization;

namespace DataJoint.Benchmarks.Tables;

/// <summary>
/// The 100 000-row table benchmarks (<see cref="TypedTableBenchmarks"/>, <see cref="BlobFetchBenchmarks"/>,
/// <see cref="TypedTableInsertBenchmarks"/>: the same methods) run in turn, round after round, so that the drift of a
/// shared machine hits the raw baseline and DataJoint alike (BenchmarkDotNet runs one method's iterations in a block,
/// minutes apart); the order of the methods rotates from round to round. Each run starts after a full garbage collection. Prints per method the median wall time, the median
/// and range of its ratio to the raw baseline of the same round, the median client CPU time and the bytes allocated.
/// Run: <c>dotnet run -c Release -- interleaved-tables [--rounds 15] [--only fetch,blob,insert]</c> with the services' variables.
/// </summary>
internal static class InterleavedTableProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--rounds");
        var rounds = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 15;
        var o = Array.IndexOf(args, "--only");
        var only = o >= 0 && o + 1 < args.Length ? args[o + 1].Split(',') : ["fetch", "blob", "insert"];

        var fetch = new TypedTableBenchmarks();
        var blob = new BlobFetchBenchmarks();
        var insert = new TypedTableInsertBenchmarks();
        await fetch.Setup();
        await blob.Setup();
        await insert.Setup();
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
            };
            Console.WriteLine($"{rounds} interleaved rounds (round 0 warms up); load average at start {LoadAverage()}");
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
                        $"  {modes[m].Name,-24} {Median(wall[m]),7:F0} ms  ratio {Median(ratios),5:F2}x (rounds {ratios.Min():F2}-{ratios.Max():F2})  client CPU {Median(cpu[m]),6:F0} ms  {Median(bytes[m]) / 1e6,6:F1} MB"));
                }
            }
            Console.WriteLine($"load average at end {LoadAverage()}");
            return 0;
        }
        finally
        {
            await fetch.Cleanup();
            await blob.Cleanup();
            await insert.Cleanup();
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
