using DataJoint;

namespace Samples.Graphs;

/// <summary>A recorded circuit. The generator adds <c>Circuit.Row</c>, <c>Circuit.Key</c> and <c>Circuit.TableAsync</c>.</summary>
[Table]
public sealed partial class Circuit : Manual
{
    public const string Definition = """
        # a recorded circuit
        circuit_id : int32
        ---
        region : varchar(32)
        """;
}

/// <summary>Connectivity estimated for a circuit: small graphs in the table, large ones and arrays in the store.</summary>
[Table]
public sealed partial class Connectivity : Manual
{
    public const string Definition = """
        # connectivity estimated for a circuit
        -> Circuit
        method : enum('xcorr', 'granger')
        ---
        network : <graph>                  # small graphs in the database
        full_network = null : <graph@main> # large graphs in object storage
        simple_network = null : <cgraph>   # simplified (no self-loops, parallel edges merged), then stored as <graph>
        weights = null : <npy@main>        # dense weight matrix as .npy
        """;
}

/// <summary>
/// Statistics of each stored connectivity graph: a Computed table filled by populate. Its typed make receives the generated
/// <c>Key</c>, fetches the graph through the codec and inserts one <c>Row</c>; each key commits on its own.
/// </summary>
[Table]
public sealed partial class GraphStats(Schema schema) : Computed, IMake<GraphStats.Row, GraphStats.Key>
{
    public const string Definition = """
        # statistics of each stored connectivity graph
        -> Connectivity
        ---
        node_count : int32
        edge_count : int32
        total_weight : float64
        max_out_degree : int32
        """;

    public async Task MakeAsync(Key key, MakeContext<Row> context, CancellationToken cancellationToken)
    {
        var connectivity = await Connectivity.TableAsync(schema, cancellationToken);
        var graph = await connectivity.Restrict(new Connectivity.Key { CircuitId = key.CircuitId, Method = key.Method })
            .Fetch1Async(r => r.Network, cancellationToken);
        await context.Insert1Async(new Row
        {
            CircuitId = key.CircuitId,
            Method = key.Method,
            NodeCount = graph.VertexCount,
            EdgeCount = graph.EdgeCount,
            TotalWeight = graph.Edges.Sum(e => e.Weight),
            MaxOutDegree = graph.Vertices.Select(graph.OutDegree).DefaultIfEmpty().Max(),
        }, cancellationToken: cancellationToken);
    }
}
