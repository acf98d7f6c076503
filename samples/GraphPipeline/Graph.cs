using DataJoint;
using QuikGraph;

namespace Samples.Graphs;

/// <summary>
/// A node of an attributed graph: an id (unique within its graph; vertices compare by id, so QuikGraph's lookups work)
/// and NetworkX-style attributes (numbers, strings, booleans).
/// </summary>
public sealed class Node(string id, IReadOnlyDictionary<string, object?>? attributes = null) : IEquatable<Node>
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    /// <summary>The node id (NetworkX: the node key).</summary>
    public string Id { get; } = id ?? throw new ArgumentNullException(nameof(id));

    /// <summary>The node's attributes (NetworkX: <c>G.nodes[id]</c>).</summary>
    public IReadOnlyDictionary<string, object?> Attributes { get; } = attributes ?? None;

    public bool Equals(Node? other) => other is not null && other.Id == Id;
    public override bool Equals(object? obj) => Equals(obj as Node);
    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);
    public override string ToString() => Id;
}

/// <summary>A directed edge with NetworkX-style attributes (e.g. <c>weight</c>).</summary>
public sealed class Link(Node source, Node target, IReadOnlyDictionary<string, object?>? attributes = null) : IEdge<Node>
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    public Node Source { get; } = source ?? throw new ArgumentNullException(nameof(source));
    public Node Target { get; } = target ?? throw new ArgumentNullException(nameof(target));
    public IReadOnlyDictionary<string, object?> Attributes { get; } = attributes ?? None;

    /// <summary>The numeric <c>weight</c> attribute, or 1 when there is none (NetworkX's default).</summary>
    public double Weight => Attributes.TryGetValue("weight", out var w) && w is not null ? Convert.ToDouble(w, System.Globalization.CultureInfo.InvariantCulture) : 1.0;

    public override string ToString() => $"{Source}->{Target}";
}

/// <summary>
/// The stored form of a graph: plain arrays and dicts. Chained to &lt;blob&gt; it is packed as a blob dict, so a
/// DataJoint Python colleague fetching the column reads
/// <c>{"directed": True, "nodes": [...], "node_attrs": [{...}, ...], "src": int64 array, "dst": int64 array,
/// "edge_attrs": [{...}, ...]}</c> — rebuilt in NetworkX with
/// <c>G = nx.DiGraph(); G.add_nodes_from(zip(d["nodes"], d["node_attrs"]));
/// G.add_edges_from((d["nodes"][s], d["nodes"][t], a) for s, t, a in zip(d["src"], d["dst"], d["edge_attrs"]))</c>.
/// </summary>
public sealed record GraphData(
    [property: BlobKey("directed")] bool Directed,
    [property: BlobKey("nodes")] string[] Nodes,
    [property: BlobKey("node_attrs")] IReadOnlyDictionary<string, object?>[] NodeAttributes,
    [property: BlobKey("src")] long[] Src,
    [property: BlobKey("dst")] long[] Dst,
    [property: BlobKey("edge_attrs")] IReadOnlyDictionary<string, object?>[] EdgeAttributes);

/// <summary>
/// <c>&lt;graph&gt;</c> in the table (via &lt;blob&gt;), <c>&lt;graph@store&gt;</c> in an object store (via &lt;blob@store&gt;):
/// a QuikGraph <see cref="BidirectionalGraph{TVertex,TEdge}"/> with attributed nodes and edges.
/// </summary>
[Codec("graph", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class GraphCodec : Codec<BidirectionalGraph<Node, Link>, GraphData>
{
    protected override void Validate(BidirectionalGraph<Node, Link> g)
    {
        foreach (var node in g.Vertices)
            foreach (var (name, value) in node.Attributes)
                CheckAttribute(value, $"node '{node.Id}'", name);
        foreach (var edge in g.Edges)
            foreach (var (name, value) in edge.Attributes)
                CheckAttribute(value, $"edge {edge}", name);
    }

    /// <summary>Attributes must be values a Python reader gets back as plain numbers, strings or booleans.</summary>
    private static void CheckAttribute(object? value, string owner, string name)
    {
        if (value is null or string or bool or int or long or double or float) return;
        throw new DataJointException(
            $"<graph>: attribute '{name}' of {owner} is a {value.GetType().Name}; use a number, string, bool or null.");
    }

    protected override GraphData Encode(BidirectionalGraph<Node, Link> g, EncodeContext ctx)
    {
        var nodes = g.Vertices.ToArray();
        var index = new Dictionary<Node, long>(nodes.Length);
        for (var i = 0; i < nodes.Length; i++) index[nodes[i]] = i;
        var edges = g.Edges.ToArray();
        return new GraphData(
            Directed: g.IsDirected,
            Nodes: [.. nodes.Select(n => n.Id)],
            NodeAttributes: [.. nodes.Select(n => n.Attributes)],
            Src: [.. edges.Select(e => index[e.Source])],
            Dst: [.. edges.Select(e => index[e.Target])],
            EdgeAttributes: [.. edges.Select(e => e.Attributes)]);
    }

    protected override BidirectionalGraph<Node, Link> Decode(GraphData d, DecodeContext ctx)
    {
        if (d.NodeAttributes.Length != d.Nodes.Length || d.Src.Length != d.Dst.Length || d.EdgeAttributes.Length != d.Src.Length)
            throw new DataJointException(
                $"<graph> in {ctx.Table}.{ctx.Attribute}: inconsistent stored graph ({d.Nodes.Length} nodes/{d.NodeAttributes.Length} node attrs, " +
                $"{d.Src.Length} src/{d.Dst.Length} dst/{d.EdgeAttributes.Length} edge attrs).");
        var g = new BidirectionalGraph<Node, Link>(allowParallelEdges: true, vertexCapacity: d.Nodes.Length, edgeCapacity: d.Src.Length);
        var nodes = new Node[d.Nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = new Node(d.Nodes[i], d.NodeAttributes[i]);
            g.AddVertex(nodes[i]);
        }
        for (var i = 0; i < d.Src.Length; i++)
        {
            if ((ulong)d.Src[i] >= (ulong)nodes.Length || (ulong)d.Dst[i] >= (ulong)nodes.Length)
                throw new DataJointException($"<graph> in {ctx.Table}.{ctx.Attribute}: edge {i} ({d.Src[i]}, {d.Dst[i]}) refers to a node outside 0..{nodes.Length - 1}.");
            g.AddEdge(new Link(nodes[d.Src[i]], nodes[d.Dst[i]], d.EdgeAttributes[i]));
        }
        return g;
    }
}
