// GraphPipeline: the sample a user would copy.
//  * a custom codec <graph> (a .NET Graph <-> a plain record packed as a DataJoint blob dict), Graph.cs,
//  * [Table] classes whose definitions the generator checks at compile time and turns into typed
//    Row/Key records (Tables.cs) — the same DDL DataJoint Python writes,
//  * small graphs stored in the table (<graph>), large ones in the object store (<graph@main>),
//  * arrays in the store as .npy files (<npy@main>), fetched lazily,
//  * typed and dynamic queries over the same tables, readable by a DataJoint Python colleague.
// Run: bash scripts/run-sample.sh   (starts MariaDB and the S3 endpoint; DJ_STORES names the "main" store)
using DataJoint;
using DataJoint.Stores;
using Samples.Graphs;

var connection = DataJointConnection.FromEnvironment();
var stores = StoreProvider.FromEnvironment();                       // DJ_STORES / datajoint.json "stores"
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_graph_pipeline";
var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
Console.WriteLine($"schema `{schemaName}` on {await connection.GetServerVersionAsync()}; codecs: {string.Join(", ", Codecs.List())}");

var circuits = await Circuit.TableAsync(lab);          // declares `circuit` (a no-op when it already matches)
var connectivity = await Connectivity.TableAsync(lab); // declares `connectivity` with its foreign key

await circuits.InsertAsync(
    [new Circuit.Row { CircuitId = 1, Region = "V1" }, new Circuit.Row { CircuitId = 2, Region = "CA1" }],
    new InsertOptions { SkipDuplicates = true });

var small = new Graph(Directed: true, ["a", "b", "c"], [(0, 1), (1, 2)]);
var large = new Graph(Directed: false, [.. Enumerable.Range(0, 500).Select(i => $"n{i}")],
    [.. Enumerable.Range(0, 499).Select(i => (i, i + 1))]);
var weights = new double[3, 3] { { 0, 1, 0 }, { 0, 0, 1 }, { 0, 0, 0 } };

await connectivity.InsertAsync(
[
    new Connectivity.Row { CircuitId = 1, Method = "xcorr", Network = small, FullNetwork = large, Weights = weights },
    new Connectivity.Row { CircuitId = 2, Method = "granger", Network = small },
], new InsertOptions { SkipDuplicates = true });

// Typed: one attribute of one row, decoded through <graph> → <blob>.
var key = new Connectivity.Key { CircuitId = 1, Method = "xcorr" };
Graph network = await connectivity.Restrict(key).Fetch1Async(r => r.Network);
Console.WriteLine($"typed fetch: circuit 1 xcorr network has {network.Nodes.Count} nodes and {network.Edges.Count} edges");

// Dynamic: a join with the circuit's region, restricted by region.
var dynamicConnectivity = await lab.OpenTableAsync("connectivity");
var dynamicCircuits = await lab.OpenTableAsync("circuit");
foreach (var row in await (dynamicConnectivity * dynamicCircuits).Restrict(new { region = "V1" }).FetchAsync())
{
    var full = (Graph?)row["full_network"];
    Console.WriteLine($"circuit {row["circuit_id"]} ({row["region"]}, {row["method"]}): " +
                      $"stored graph {full?.Nodes.Count} nodes/{full?.Edges.Count} edges");
    if (row["weights"] is NpyRef npy)
    {
        Console.WriteLine($"  weights: .npy {npy.Dtype} shape [{string.Join(", ", npy.Shape)}] at {npy.Path} (not downloaded yet)");
        var w = (double[,])(await npy.LoadAsync()).ToMultiDimensionalArray();   // downloads now
        Console.WriteLine($"  weights[0,1] = {w[0, 1]}, weights[1,2] = {w[1, 2]}");
    }
}

Console.WriteLine($"{await connectivity.CountAsync()} connectivity rows; objects live under _hash/{schemaName}/ and " +
                  $"_schema/{schemaName}/ in store 'main'");
