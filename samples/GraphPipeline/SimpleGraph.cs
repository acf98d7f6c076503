using DataJoint;
using QuikGraph;

namespace Samples.Graphs;

/// <summary>
/// <c>&lt;cgraph&gt;</c>: a codec chained to another custom codec. It simplifies a graph — self-loops dropped, parallel
/// edges merged into one whose <c>weight</c> is their sum and whose <c>multiplicity</c> is their count, isolated nodes
/// dropped — and hands the result to <c>&lt;graph&gt;</c>, which stores it (→ <c>&lt;blob&gt;</c> → <c>bytes</c>, or
/// <c>&lt;blob@store&gt;</c> → <c>&lt;hash@store&gt;</c> in store mode). The generator checks at compile time that this
/// codec's stored type is what <c>&lt;graph&gt;</c> accepts.
/// </summary>
[Codec("cgraph", InTable = "<graph>", InStore = "<graph>")]
public sealed partial class SimpleGraphCodec : Codec<BidirectionalGraph<Node, Link>, BidirectionalGraph<Node, Link>>
{
    protected override BidirectionalGraph<Node, Link> Encode(BidirectionalGraph<Node, Link> g, EncodeContext ctx) => Simplify(g);

    // What <graph> decoded is already simple: nothing to undo.
    protected override BidirectionalGraph<Node, Link> Decode(BidirectionalGraph<Node, Link> stored, DecodeContext ctx) => stored;

    /// <summary>The simplified copy of <paramref name="g"/> (the input is not changed).</summary>
    public static BidirectionalGraph<Node, Link> Simplify(BidirectionalGraph<Node, Link> g)
    {
        var merged = new Dictionary<(Node, Node), (double Weight, long Count)>();
        var order = new List<(Node, Node)>();
        foreach (var e in g.Edges)
        {
            if (e.Source.Equals(e.Target)) continue;
            var key = (e.Source, e.Target);
            if (!merged.TryGetValue(key, out var acc)) order.Add(key);
            merged[key] = (acc.Weight + e.Weight, acc.Count + 1);
        }
        var simple = new BidirectionalGraph<Node, Link>(allowParallelEdges: false);
        foreach (var (source, target) in order)
        {
            var (weight, count) = merged[(source, target)];
            simple.AddVerticesAndEdge(new Link(source, target,
                new Dictionary<string, object?> { ["weight"] = weight, ["multiplicity"] = count }));
        }
        return simple;
    }
}
