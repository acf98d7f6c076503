using System.Diagnostics;
using static DataJoint.Benchmarks.ProbeSupport;

namespace DataJoint.Benchmarks.Stores;

/// <summary>
/// The fetch benchmark's four methods (<see cref="FetchBlobStoreBenchmarks"/>: raw Minio GET loop and table fetch,
/// sequential and parallel(4), 1 000 rows × 256 KiB <c>&lt;blob@main&gt;</c> over the 10 ms link) run in turn, round
/// after round, the order rotating from round to round, so that drift of a shared machine hits every method alike
/// (BenchmarkDotNet runs one method's iterations in a block). Prints per method the median wall time, the median and
/// range of the per-round ratios the goals are stated in, the CPU time of the client and (found in /proc) of moto (which
/// serves other clients too on a shared machine), and the exceptions thrown in the client (first chance, caught or not).
/// Run: <c>dotnet run -c Release -- interleaved-fetch [--rounds 5] [--latency-ms 10]</c> with the services' variables.
/// </summary>
internal static class InterleavedFetchProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var bench = new FetchBlobStoreBenchmarks { LinkLatencyMs = Option(args, "--latency-ms", 10) };
        var rounds = Option(args, "--rounds", 5);
        Console.WriteLine($"load average at start {LoadAverage()}");
        bench.Setup();
        try
        {
            var modes = new (string Name, Func<Task> Run)[]
            {
                ("raw GET loop, sequential", bench.RawMinioSequential),
                ("fetch, sequential", bench.FetchSequential),
                ("raw GET loop, parallel(4)", bench.RawMinioParallel),
                ("fetch, parallel(4)", bench.FetchParallel),
            };
            var moto = FindProcess("moto_server");
            var wall = modes.Select(_ => new List<double>()).ToArray();
            var clientCpu = modes.Select(_ => new List<double>()).ToArray();
            var serverCpu = modes.Select(_ => new List<double>()).ToArray();
            var exceptions = modes.Select(_ => new List<double>()).ToArray();
            long thrown = 0;
            AppDomain.CurrentDomain.FirstChanceException += (_, _) => Interlocked.Increment(ref thrown);
            for (var round = 0; round <= rounds; round++) // round 0 warms up and is not counted
            {
                for (var k = 0; k < modes.Length; k++)
                {
                    var m = (k + round) % modes.Length;
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var server0 = CpuMs(moto);
                    var client0 = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                    var thrown0 = Interlocked.Read(ref thrown);
                    var clock = Stopwatch.StartNew();
                    await modes[m].Run();
                    clock.Stop();
                    if (round == 0) continue;
                    wall[m].Add(clock.Elapsed.TotalMilliseconds);
                    clientCpu[m].Add(Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - client0);
                    serverCpu[m].Add(CpuMs(moto) - server0);
                    exceptions[m].Add(Interlocked.Read(ref thrown) - thrown0);
                }
            }

            Console.WriteLine($"1000 rows x 256 KiB <blob@main>, {rounds} interleaved rounds, link latency {bench.LinkLatencyMs} ms (medians)");
            for (var m = 0; m < modes.Length; m++)
            {
                var server = moto is null ? "" : FormattableString.Invariant($"  moto CPU {Median(serverCpu[m]),6:F0} ms");
                Console.WriteLine(FormattableString.Invariant(
                    $"  {modes[m].Name,-26} {Median(wall[m]),8:F0} ms  client CPU {Median(clientCpu[m]),6:F0} ms{server}  exceptions {Median(exceptions[m]),5:F0}"));
            }
            Report("fetch sequential / raw GET loop (goal <= 1.1)", wall[1], wall[0]);
            Report("fetch sequential / fetch parallel(4) (goal >= 2)", wall[1], wall[3]);
            Report("raw loop sequential / raw loop parallel(4)", wall[0], wall[2]);
            Report("fetch parallel(4) / raw GET parallel(4)", wall[3], wall[2]);
            Console.WriteLine($"load average at end {LoadAverage()}");
            return 0;
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>Prints the median and range of the per-round ratio <paramref name="numerator"/> / <paramref name="denominator"/>.</summary>
    private static void Report(string what, List<double> numerator, List<double> denominator)
    {
        var ratios = numerator.Zip(denominator, (a, b) => a / b).ToList();
        Console.WriteLine(FormattableString.Invariant($"  {what}: {Median(ratios):F2}x (rounds {ratios.Min():F2}-{ratios.Max():F2})"));
    }
}
