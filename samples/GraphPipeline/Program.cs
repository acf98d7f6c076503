// GraphPipeline: the sample a user would copy.
//  * a custom codec <graph> (a .NET Graph <-> a plain record packed as a DataJoint blob dict),
//  * tables declared from DataJoint definitions (the same DDL DataJoint Python writes),
//  * small graphs stored in the table (<graph>), large ones in the object store (<graph@main>),
//  * arrays in the store as .npy files (<npy@main>), fetched lazily,
//  * queries, and a fetch that a DataJoint Python colleague could run against the same schema.
// Run: bash scripts/run-sample.sh   (starts MariaDB and the S3 endpoint; DJ_STORES names the "main" store)
using DataJoint;
using DataJoint.Stores;
using Samples.Graphs;

var connection = DataJointConnection.FromEnvironment();
var stores = StoreProvider.FromEnvironment();                       // DJ_STORES / datajoint.json "stores"
var schemaName = Environment.GetEnvironmentVariable("DJ_SAMPLE_SCHEMA") ?? "djnet_graph_pipeline";
var lab = await Schema.ActivateAsync(connection, schemaName, stores: stores);
Console.WriteLine($"schema `{schemaName}` on {await connection.GetServerVersionAsync()}; codecs: {string.Join(", ", Codecs.List())}");

var circuit = await lab.DeclareAsync("Circuit", TableTier.Manual, """
    # a recorded circuit
    circuit_id : int32
    ---
    region : varchar(32)
    """);
var connectivity = await lab.DeclareAsync("Connectivity", TableTier.Manual, """
    # connectivity estimated for a circuit
    -> Circuit
    method : enum('xcorr', 'granger')
    ---
    network : <graph>                 # small graphs in the database
    full_network = null : <graph@main> # large graphs in object storage
    weights = null : <npy@main>        # dense weight matrix as .npy
    """);

await circuit.InsertAsync(new[] { new { circuit_id = 1, region = "V1" }, new { circuit_id = 2, region = "CA1" } },
    new InsertOptions { SkipDuplicates = true });

var small = new Graph(Directed: true, ["a", "b", "c"], [(0, 1), (1, 2)]);
var large = new Graph(Directed: false, [.. Enumerable.Range(0, 500).Select(i => $"n{i}")],
    [.. Enumerable.Range(0, 499).Select(i => (i, i + 1))]);
var weights = new double[3, 3] { { 0, 1, 0 }, { 0, 0, 1 }, { 0, 0, 0 } };

await connectivity.InsertAsync(new[]
{
    new { circuit_id = 1, method = "xcorr", network = small, full_network = large, weights = (Array)weights },
    new { circuit_id = 2, method = "granger", network = small, full_network = (Graph?)null!, weights = (Array)null! },
}, new InsertOptions { SkipDuplicates = true });

// Query: connectivity of V1 circuits, with the region joined in.
foreach (var row in await (connectivity * circuit).Restrict(new { region = "V1" }).FetchAsync())
{
    var net = (Graph)row["network"]!;
    var full = (Graph?)row["full_network"];
    Console.WriteLine($"circuit {row["circuit_id"]} ({row["region"]}, {row["method"]}): " +
                      $"in-table graph {net.Nodes.Count} nodes/{net.Edges.Count} edges; " +
                      $"stored graph {full?.Nodes.Count} nodes/{full?.Edges.Count} edges");
    if (row["weights"] is NpyRef npy)
    {
        Console.WriteLine($"  weights: .npy {npy.Dtype} shape [{string.Join(", ", npy.Shape)}] at {npy.Path} (not downloaded yet)");
        var w = (double[,])(await npy.LoadAsync()).ToMultiDimensionalArray();   // downloads now
        Console.WriteLine($"  weights[0,1] = {w[0, 1]}, weights[1,2] = {w[1, 2]}");
    }
}

var count = await connectivity.CountAsync();
Console.WriteLine($"{count} connectivity rows; objects live under _hash/{schemaName}/ and _schema/{schemaName}/ in store 'main'");
