using DataJoint;

namespace Samples.Graphs;

/// <summary>The domain object the lab's .NET code works with.</summary>
public sealed record Graph(bool Directed, IReadOnlyList<string> Nodes, IReadOnlyList<(int From, int To)> Edges);

/// <summary>
/// The stored form: a plain record. Chained to &lt;blob&gt; it is packed as a blob dict, so a DataJoint Python
/// colleague fetching the column reads <c>{"directed": ..., "nodes": [...], "src": [...], "dst": [...]}</c>.
/// </summary>
public sealed record GraphData(
    [property: BlobKey("directed")] bool Directed,
    [property: BlobKey("nodes")] string[] Nodes,
    [property: BlobKey("src")] long[] Src,
    [property: BlobKey("dst")] long[] Dst);

/// <summary>&lt;graph&gt; in the table (via &lt;blob&gt;), &lt;graph@store&gt; in an object store (via &lt;blob@store&gt;).</summary>
[Codec("graph", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class GraphCodec : Codec<Graph, GraphData>
{
    protected override void Validate(Graph g)
    {
        foreach (var (from, to) in g.Edges)
            if ((uint)from >= (uint)g.Nodes.Count || (uint)to >= (uint)g.Nodes.Count)
                throw new DataJointException($"<graph>: edge ({from}, {to}) refers to a node outside 0..{g.Nodes.Count - 1}");
    }

    protected override GraphData Encode(Graph g, EncodeContext ctx) =>
        new(g.Directed, [.. g.Nodes], [.. g.Edges.Select(e => (long)e.From)], [.. g.Edges.Select(e => (long)e.To)]);

    protected override Graph Decode(GraphData d, DecodeContext ctx) =>
        new(d.Directed, d.Nodes, [.. d.Src.Zip(d.Dst, (s, t) => ((int)s, (int)t))]);
}
