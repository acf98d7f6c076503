using QuikGraph;
using Samples.Graphs;

using DataJoint.Tests.Tools;

namespace DataJoint.Samples.Tests;

/// <summary>The GraphPipeline sample: the QuikGraph &lt;graph&gt; codec, the chained &lt;cgraph&gt;, and the program's output.</summary>
public class GraphPipelineTests
{
    private static readonly EncodeContext Ctx = new() { Schema = "lab", Table = "connectivity", Attribute = "network" };

    private static BidirectionalGraph<Node, Link> Sample()
    {
        var a = new Node("a", new Dictionary<string, object?> { ["region"] = "V1", ["depth_um"] = 120.5 });
        var b = new Node("b", new Dictionary<string, object?> { ["inhibitory"] = true });
        var lone = new Node("lone");
        var g = new BidirectionalGraph<Node, Link>();
        g.AddVertexRange([a, b, lone]);
        g.AddEdge(new Link(a, b, new Dictionary<string, object?> { ["weight"] = 0.5 }));
        g.AddEdge(new Link(a, b, new Dictionary<string, object?> { ["weight"] = 0.25, ["delay_ms"] = 3 }));
        g.AddEdge(new Link(b, b));
        return g;
    }

    [Test]
    public async Task Graph_IsStoredAsPlainArraysAndDicts_ThatPythonReads()
    {
        var bytes = (byte[])(await Codecs.Resolve("<graph>").EncodeAsync(Sample(), Ctx))!;
        // What DataJoint Python's blob.unpack returns for the column: a dict of plain values.
        var d = Blob.UnpackDictionary(bytes);
        Assert.That(d.Keys, Is.EqualTo(new[] { "directed", "nodes", "node_attrs", "src", "dst", "edge_attrs" }));
        Assert.That(d["directed"], Is.True);
        Assert.That(d["nodes"], Is.EqualTo(new object[] { "a", "b", "lone" }));        // a Python list of str
        Assert.That(Blob.ConvertValue<long[]>(d["src"]), Is.EqualTo(new long[] { 0, 0, 1 }));
        Assert.That(Blob.ConvertValue<long[]>(d["dst"]), Is.EqualTo(new long[] { 1, 1, 1 }));
        var nodeAttrs = (IList<object?>)d["node_attrs"]!;
        Assert.That(nodeAttrs[0], Is.EquivalentTo(new Dictionary<string, object?> { ["region"] = "V1", ["depth_um"] = 120.5 }));
        Assert.That(nodeAttrs[1], Is.EquivalentTo(new Dictionary<string, object?> { ["inhibitory"] = true }));
        Assert.That(nodeAttrs[2], Is.Empty);
        var edgeAttrs = (IList<object?>)d["edge_attrs"]!;
        Assert.That(edgeAttrs[1], Is.EquivalentTo(new Dictionary<string, object?> { ["weight"] = 0.25, ["delay_ms"] = 3L }));
    }

    [Test]
    public async Task Graph_RoundTrips_WithAttributes_InTableAndThroughTheChain()
    {
        var chain = Codecs.Resolve("<graph>");
        Assert.That(chain.Links.Select(l => l.Descriptor.Name), Is.EqualTo(new[] { "graph", "blob" }));
        var back = (BidirectionalGraph<Node, Link>)(await chain.DecodeAsync(await chain.EncodeAsync(Sample(), Ctx), new DecodeContext()))!;
        Assert.That(back.Vertices.Select(v => v.Id), Is.EqualTo(new[] { "a", "b", "lone" }));
        Assert.That(back.EdgeCount, Is.EqualTo(3));
        Assert.That(back.Vertices.First().Attributes["depth_um"], Is.EqualTo(120.5));
        Assert.That(back.Edges.Select(e => e.Weight), Is.EqualTo(new[] { 0.5, 0.25, 1.0 }));
        Assert.That(back.OutDegree(back.Vertices.First()), Is.EqualTo(2));
    }

    [Test]
    public void StoreMode_ChainsThroughBlobToHash_InheritingTheStore()
    {
        var chain = Codecs.Resolve("<graph@archive>");
        Assert.That(chain.Links.Select(l => l.Descriptor.Name), Is.EqualTo(new[] { "graph", "blob", "hash" }));
        Assert.That(chain.Store, Is.EqualTo("archive"));
        Assert.That(chain.FinalType, Is.EqualTo("json"));
    }

    [Test]
    public async Task UnsupportedAttributeValue_IsRefusedBeforeEncoding_NamingNodeAndAttribute()
    {
        var g = new BidirectionalGraph<Node, Link>();
        g.AddVertex(new Node("x", new Dictionary<string, object?> { ["when"] = DateTime.UnixEpoch }));
        var e = await Assert.ThrowsAsync<CodecException>(async () => await Codecs.Resolve("<graph>").EncodeAsync(g, Ctx));
        Assert.That(e!.InnerException!.Message, Is.EqualTo("<graph>: attribute 'when' of node 'x' is a DateTime; use a number, string, bool or null."));
        Assert.That(e.Operation, Is.EqualTo(CodecOperation.Validate));
    }

    [Test]
    public async Task ChainedCodec_SimplifiesThenStoresThroughGraph()
    {
        var chain = Codecs.Resolve("<cgraph>");
        Assert.That(chain.Links.Select(l => l.Descriptor.Name), Is.EqualTo(new[] { "cgraph", "graph", "blob" }));
        var input = Sample();
        var bytes = await chain.EncodeAsync(input, Ctx);
        Assert.That(input.EdgeCount, Is.EqualTo(3), "the inserted graph is not changed");
        // Stored through <graph>: the same dict layout, with the simplified edges.
        var d = Blob.UnpackDictionary((byte[])bytes!);
        Assert.That(d["nodes"], Is.EqualTo(new object[] { "a", "b" }), "isolated node dropped");
        Assert.That(Blob.ConvertValue<long[]>(d["src"]), Is.EqualTo(new long[] { 0 }));
        var back = (BidirectionalGraph<Node, Link>)(await chain.DecodeAsync(bytes, new DecodeContext()))!;
        var only = back.Edges.Single();
        Assert.That((only.Source.Id, only.Target.Id, only.Weight, only.Attributes["multiplicity"]), Is.EqualTo(("a", "b", 0.75, 2L)));
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Sample_RunsAgainstTheServices_AndPrintsWhatItStored(CancellationToken ct)
    {
        var output = await SampleRunner.RunAsync(typeof(GraphCodec).Assembly, ct);
        Assert.That(output, Does.Contain("codecs: attach, blob, cgraph, filepath, graph, hash, npy, object"));
        Assert.That(output, Does.Contain("typed fetch: circuit 1 xcorr network has 3 nodes and 4 edges; node a region=V1, total weight 1.85"));
        Assert.That(output, Does.Contain("chained <cgraph>: 3 nodes and 2 edges after simplification (self-loop dropped, parallel a->b merged: weight 0.75, multiplicity 2)"));
        Assert.That(output, Does.Contain("circuit 1 (V1, xcorr): stored graph 500 nodes/499 edges"));
        Assert.That(output, Does.Match(@"weights: \.npy float64 shape \[3, 3\] at _schema/djnet_test_graphpipeline_\w+/connectivity/circuit_id=1/method=xcorr/weights_[\w-]{8}\.npy"));
        Assert.That(output, Does.Contain("weights[0,1] = 1, weights[1,2] = 1"));
        Assert.That(output, Does.Contain("2 connectivity rows"));
        Assert.That(output, Does.Contain("populated GraphStats: 2 of 2 keys made, 0 errors"));
        Assert.That(output, Does.Contain("circuit 1 xcorr: 3 nodes, 4 edges, total weight 1.85, max out-degree 2"));
    }
}
