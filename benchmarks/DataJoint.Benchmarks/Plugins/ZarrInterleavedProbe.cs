using System.Diagnostics;

namespace DataJoint.Benchmarks.Plugins;

/// <summary>
/// The four <see cref="ZarrBenchmarks"/> methods run in turn, round after round, so that drift of the shared machine
/// hits codec and baseline alike (BenchmarkDotNet runs one method's iterations in a block). Prints medians, ratios and
/// the process CPU time per mode. Run: <c>dotnet run -c Release -- zarr-interleaved [--rounds 5]</c>.
/// </summary>
internal static class ZarrInterleavedProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 1 && args[0] == "--rounds" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var bench = new ZarrBenchmarks();
        await bench.Setup();
        try
        {
            var modes = new (string Name, Func<Task> Run, bool Write)[]
            {
                ("raw zstd + PutAsync (write)", bench.RawZstdWrite, true),
                ("<zarr@> insert (write)", bench.ZarrCodecWrite, true),
                ("raw reads + zstd (read)", bench.RawZstdRead, false),
                ("<zarr@> ReadAllAsync (read)", bench.ZarrCodecRead, false),
            };
            var wall = modes.ToDictionary(m => m.Name, _ => new List<double>());
            var cpu = modes.ToDictionary(m => m.Name, _ => new List<double>());
            for (var round = 0; round <= rounds; round++)   // round 0 warms up and is not counted
            {
                foreach (var (name, run, write) in modes)
                {
                    GC.Collect();
                    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
                    var clock = Stopwatch.StartNew();
                    await run();
                    clock.Stop();
                    var used = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds - cpu0;
                    if (write) bench.RemoveWritten();
                    if (round == 0) continue;
                    wall[name].Add(clock.Elapsed.TotalMilliseconds);
                    cpu[name].Add(used);
                }
            }
            Console.WriteLine($"1 GiB float32, 256 chunks of 4 MiB, folder store, {rounds} interleaved rounds (medians)");
            for (var i = 0; i < modes.Length; i++)
            {
                var (name, _, _) = modes[i];
                var baseline = Median(wall[modes[i - i % 2].Name]);
                Console.WriteLine($"  {name,-30} {Median(wall[name]),8:F0} ms  ratio {Median(wall[name]) / baseline:F2}  cpu {Median(cpu[name]),8:F0} ms  (all: {string.Join(", ", wall[name].Select(w => w.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))})");
            }
        }
        finally
        {
            bench.Cleanup();
        }
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
