// GraphPipeline: the sample a user would copy.
//  * a custom codec <graph> over QuikGraph (attributed directed graphs <-> plain arrays and dicts packed as a
//    DataJoint blob dict, which a Python colleague turns into a NetworkX DiGraph), Graph.cs,
//  * a codec chained to it, <cgraph> (simplify, then <graph>), SimpleGraph.cs,
//  * [Table] classes whose definitions the generator checks at compile time and turns into typed
//    Row/Key records (Tables.cs) — the same DDL DataJoint Python writes,
//  * small graphs stored in the table (<graph>), large ones in the object store (<graph@main>),
//  * arrays in the store as .npy files (<npy@main>), fetched lazily,
//  * typed and dynamic queries over the same tables, readable by a DataJoint Python colleague,
//  * a Computed table (GraphStats) filled by populate with a typed make, shown with a Spectre.Console progress bar.
// Run: bash scripts/run-sample.sh   (starts MariaDB and the S3 endpoint; DJ_STORES names the "main" store)
// The sample owns its demo schema (DJ_SAMPLE_SCHEMA, default djnet_graph_pipeline): it starts from an empty one.
using DataJoint;
using DataJoint.Stores;
using QuikGraph;
using Samples.Graphs;
using AnsiConsole = Spectre.Console.AnsiConsole;
using ProgressTask = Spectre.Console.ProgressTask;

var connection = DataJointConnection.FromEnvironment();
using var stores = StoreProvider.FromEnvironment();                 // DJ_STORES / datajoint.json "stores"
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_graph_pipeline";
await (await Schema.ActivateAsync(connection, schemaName, stores: stores)).DropAsync(new SchemaDropOptions { Safemode = false });   // a fresh demo schema each run, no prompt
var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
Console.WriteLine($"schema `{schemaName}` on {await connection.GetServerVersionAsync()}; codecs: {string.Join(", ", Codecs.List())}");

// 1. Declare the tables (the generator made Circuit.TableAsync etc. from the definitions in Tables.cs).
var circuits = await Circuit.TableAsync(lab);
var connectivity = await Connectivity.TableAsync(lab);

// 2. Insert: QuikGraph graphs with node and edge attributes.
await circuits.InsertAsync([new Circuit.Row { CircuitId = 1, Region = "V1" }, new Circuit.Row { CircuitId = 2, Region = "CA1" }]);

var small = SampleGraphs.Triangle();
var large = SampleGraphs.Chain(500);
var weights = new double[3, 3] { { 0, 1, 0 }, { 0, 0, 1 }, { 0, 0, 0 } };
await connectivity.InsertAsync(
[
    new Connectivity.Row { CircuitId = 1, Method = "xcorr", Network = small, FullNetwork = large, SimpleNetwork = small, Weights = weights },
    new Connectivity.Row { CircuitId = 2, Method = "granger", Network = small },
]);

// 3. Typed fetch: one attribute of one row, decoded through <graph> → <blob>.
var key = new Connectivity.Key { CircuitId = 1, Method = "xcorr" };
var network = await connectivity.Restrict(key).Fetch1Async(r => r.Network);
Console.WriteLine($"typed fetch: circuit 1 xcorr network has {network.VertexCount} nodes and {network.EdgeCount} edges; " +
                  $"node a region={network.Vertices.First(n => n.Id == "a").Attributes["region"]}, " +
                  $"total weight {network.Edges.Sum(e => e.Weight)}");

// The chained codec stored the simplified graph: <cgraph> → <graph> → <blob> → bytes.
var simple = await connectivity.Restrict(key).Fetch1Async(r => r.SimpleNetwork);
Console.WriteLine($"chained <cgraph>: {simple!.VertexCount} nodes and {simple.EdgeCount} edges after simplification " +
                  $"(self-loop dropped, parallel a->b merged: weight {simple.Edges.First(e => e.Source.Id == "a" && e.Target.Id == "b").Weight}, " +
                  $"multiplicity {simple.Edges.First(e => e.Source.Id == "a" && e.Target.Id == "b").Attributes["multiplicity"]})");

// 4. Dynamic: a join with the circuit's region, restricted by region.
var dynamicConnectivity = await lab.OpenTableAsync("connectivity");
var dynamicCircuits = await lab.OpenTableAsync("circuit");
foreach (var row in await (dynamicConnectivity * dynamicCircuits).Restrict(new { region = "V1" }).FetchAsync())
{
    var full = (BidirectionalGraph<Node, Link>?)row["full_network"];
    Console.WriteLine($"circuit {row["circuit_id"]} ({row["region"]}, {row["method"]}): " +
                      $"stored graph {full?.VertexCount} nodes/{full?.EdgeCount} edges");
    if (row["weights"] is NpyRef npy)
    {
        Console.WriteLine($"  weights: .npy {npy.Dtype} shape [{string.Join(", ", npy.Shape)}] at {npy.Path} (not downloaded yet)");
        var w = (double[,])(await npy.LoadAsync()).ToMultiDimensionalArray();   // downloads now
        Console.WriteLine($"  weights[0,1] = {w[0, 1]}, weights[1,2] = {w[1, 2]}");
    }
}

Console.WriteLine($"{await connectivity.CountAsync()} connectivity rows; objects live under _hash/{schemaName}/ and " +
                  $"_schema/{schemaName}/ in store 'main'");

// 5. A computed table: GraphStats (Tables.cs) is filled by populate, one transaction per key, with a progress bar.
var stats = await GraphStats.TableAsync(lab);
var maker = new GraphStats(lab);
var (remaining, total) = await stats.ProgressAsync(maker);
PopulateResult result = null!;
var bars = AnsiConsole.Progress();
bars.AutoClear = false;          // keep the finished bar on screen
await bars.StartAsync(async progress =>
{
    var bar = progress.AddTask("populate GraphStats", maxValue: Math.Max(remaining, 1));
    result = await stats.PopulateAsync(maker, new PopulateOptions
    {
        Progress = new BarProgress(bar),
        ReserveJobs = true,     // other workers (.NET or Python) may serve the same job table ~~graph_stats
    });
    bar.Value = bar.MaxValue;
});
Console.WriteLine($"populated GraphStats: {result.SuccessCount} of {total} keys made, {result.Errors.Count} errors");
foreach (var s in (await stats.FetchAsync()).OrderBy(s => s.CircuitId))
    Console.WriteLine($"  circuit {s.CircuitId} {s.Method}: {s.NodeCount} nodes, {s.EdgeCount} edges, total weight {s.TotalWeight}, max out-degree {s.MaxOutDegree}");

/// <summary>The graphs the sample stores.</summary>
internal static class SampleGraphs
{
    /// <summary>Three neurons, a self-loop and two parallel edges (so &lt;cgraph&gt; has something to simplify).</summary>
    public static BidirectionalGraph<Node, Link> Triangle()
    {
        var a = new Node("a", new Dictionary<string, object?> { ["region"] = "V1", ["depth_um"] = 120.5 });
        var b = new Node("b", new Dictionary<string, object?> { ["region"] = "V1", ["depth_um"] = 250.0 });
        var c = new Node("c", new Dictionary<string, object?> { ["region"] = "LM", ["depth_um"] = 80.0, ["inhibitory"] = true });
        var g = new BidirectionalGraph<Node, Link>(allowParallelEdges: true);
        g.AddVertexRange([a, b, c]);
        g.AddEdgeRange(
        [
            new Link(a, b, new Dictionary<string, object?> { ["weight"] = 0.5 }),
            new Link(a, b, new Dictionary<string, object?> { ["weight"] = 0.25 }),
            new Link(b, c, new Dictionary<string, object?> { ["weight"] = 1.0, ["delay_ms"] = 2 }),
            new Link(c, c, new Dictionary<string, object?> { ["weight"] = 0.1 }),
        ]);
        return g;
    }

    /// <summary>A chain of <paramref name="n"/> nodes.</summary>
    public static BidirectionalGraph<Node, Link> Chain(int n)
    {
        var nodes = Enumerable.Range(0, n).Select(i => new Node($"n{i}")).ToArray();
        var g = new BidirectionalGraph<Node, Link>();
        g.AddVertexRange(nodes);
        for (var i = 0; i + 1 < n; i++) g.AddEdge(new Link(nodes[i], nodes[i + 1]));
        return g;
    }
}

/// <summary>Moves a Spectre.Console progress bar as populate reports keys done.</summary>
internal sealed class BarProgress(ProgressTask bar) : IProgress<PopulateProgress>
{
    public void Report(PopulateProgress value) => bar.Value = value.Done;
}
