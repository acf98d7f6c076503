using System.Diagnostics;
using System.Globalization;
using DataJoint.Stores;
using static DataJoint.Benchmarks.ProbeSupport;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// The insert benchmark's four modes (raw loop and table insert, sequential and parallel(4)) run in turn, round after
/// round, so that drift of a shared machine hits every mode alike (BenchmarkDotNet runs one method's iterations in a
/// block). Prints medians, ratios, and the CPU time the client and — when found in /proc — the moto server spent.
/// Run: <c>dotnet run -c Release -- interleaved-insert [--rounds 5] [--latency-ms 10]</c> with the services' variables.
/// </summary>
internal static class InterleavedInsertProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds", 5);
        var latency = Option(args, "--latency-ms", 0);
        using var s3 = BenchS3.Create(latency);
        using var provider = s3.CreateStoreProvider();
        var schema = await Schema.ActivateAsync(DataJointConnection.FromEnvironment(), $"djnet_probe_insert_{Guid.NewGuid():N}"[..36], stores: provider);
        try
        {
            var table = await BenchS3.DeclareBlobTableAsync(schema);
            var rows = s3.BlobRows();
            var modes = new (string Name, Func<Task> Run)[]
            {
                ("raw loop, sequential", () => s3.RawSequentialAsync(Guid.NewGuid().ToString("N"))),
                ("insert, sequential", () => table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = 1 })),
                ("raw loop, parallel(4)", () => s3.RawParallelAsync(Guid.NewGuid().ToString("N"), 4)),
                ("insert, parallel(4)", () => table.InsertAsync(rows, new InsertOptions { MaxParallelUploads = 4 })),
            };
            var moto = FindProcess("moto_server");
            var wall = modes.ToDictionary(m => m.Name, _ => new List<double>());
            var clientCpu = modes.ToDictionary(m => m.Name, _ => new List<double>());
            var serverCpu = modes.ToDictionary(m => m.Name, _ => new List<double>());
            for (var round = 0; round <= rounds; round++) // round 0 warms up and is not counted
            {
                foreach (var (name, run) in modes)
                {
                    await table.DeleteQuickAsync();
                    s3.DeleteAll();
                    var server0 = CpuMs(moto);
                    var client0 = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                    var clock = Stopwatch.StartNew();
                    await run();
                    clock.Stop();
                    if (round == 0) continue;
                    wall[name].Add(clock.Elapsed.TotalMilliseconds);
                    clientCpu[name].Add(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - client0);
                    serverCpu[name].Add(CpuMs(moto) - server0);
                }
            }
            await table.DeleteQuickAsync();
            s3.DeleteAll();

            Console.WriteLine($"200 rows x 1 MB <blob@main>, {rounds} interleaved rounds, link latency {latency} ms (medians)");
            var baseline = Median(wall[modes[0].Name]);
            foreach (var (name, _) in modes)
            {
                var server = moto is null ? "" : FormattableString.Invariant($"  moto CPU {Median(serverCpu[name]),6:F0} ms");
                Console.WriteLine(FormattableString.Invariant(
                    $"  {name,-24} {Median(wall[name]),8:F0} ms  {Median(wall[name]) / baseline,5:F2}x raw loop  client CPU {Median(clientCpu[name]),6:F0} ms{server}"));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  parallel vs sequential: insert {Median(wall[modes[1].Name]) / Median(wall[modes[3].Name]):F2}x, raw loop {baseline / Median(wall[modes[2].Name]):F2}x"));
            return 0;
        }
        finally
        {
            await schema.DropAsync(new SchemaDropOptions { Safemode = false });
        }
    }
}
