namespace DataJoint.Runtime.Tests.CodecTests;

public sealed record Graph(bool Directed, IReadOnlyList<string> Nodes, IReadOnlyList<(int From, int To)> Edges);

/// <summary>The stored form of a graph: a plain record packed as a blob dict.</summary>
public sealed record GraphData(bool Directed, string[] Nodes, int[] EdgeFrom, int[] EdgeTo)
{
    [BlobKey("schema_version")]
    public int Version { get; init; } = 1;
}

[Codec("testgraph", InTable = "<blob>", InStore = "<blob>")]
public sealed partial class TestGraphCodec : Codec<Graph, GraphData>
{
    protected override void Validate(Graph value)
    {
        foreach (var (from, to) in value.Edges)
        {
            if (from < 0 || to < 0 || from >= value.Nodes.Count || to >= value.Nodes.Count)
                throw new DataJointException($"<testgraph> edge ({from}, {to}) refers to a missing node");
        }
    }

    protected override GraphData Encode(Graph g, EncodeContext ctx) =>
        new(g.Directed, [.. g.Nodes], [.. g.Edges.Select(e => e.From)], [.. g.Edges.Select(e => e.To)]);

    protected override Graph Decode(GraphData d, DecodeContext ctx) =>
        new(d.Directed, d.Nodes, [.. d.EdgeFrom.Zip(d.EdgeTo)]);
}

public sealed record Point(double X, double Y);

public sealed record PointDto(double[] Xy, string Unit);

/// <summary>A codec whose stored type is serialized with System.Text.Json into a json column.</summary>
[Codec("testpoint", InTable = "json")]
public sealed partial class TestPointCodec : Codec<Point, PointDto>
{
    protected override PointDto Encode(Point value, EncodeContext context) => new([value.X, value.Y], "mm");

    protected override Point Decode(PointDto stored, DecodeContext context) => new(stored.Xy[0], stored.Xy[1]);
}

/// <summary>Upper-cases strings into a varchar column; used as the inner link of <see cref="TestShoutCodec"/>.</summary>
[Codec("testupper", InTable = "varchar(64)")]
public sealed partial class TestUpperCodec : Codec<string, string>
{
    protected override string Encode(string value, EncodeContext context) => value.ToUpperInvariant() + "|" + context.Attribute;

    protected override string Decode(string stored, DecodeContext context) => stored.Split('|')[0].ToLowerInvariant();
}

/// <summary>Outer codec of a two-link chain: adds "!" then hands the string to &lt;testupper&gt;.</summary>
[Codec("testshout", InTable = "<testupper>")]
public sealed partial class TestShoutCodec : Codec<string, string>
{
    protected override void Validate(string value)
    {
        if (value.Length == 0) throw new DataJointException("<testshout> needs text");
    }

    protected override string Encode(string value, EncodeContext context) => value + "!";

    protected override string Decode(string stored, DecodeContext context) => stored.TrimEnd('!');
}

/// <summary>A hand-written codec (no generator) for registry edge cases: cycles, duplicates, ordering.</summary>
internal sealed class ManualCodec(string name, string? inTable, string? inStore = null, Type? valueType = null, Type? storedType = null,
    List<string>? trace = null, bool passThrough = false) : ICodec
{
    public CodecDescriptor Descriptor { get; } = new(name, typeof(ManualCodec), valueType ?? typeof(object), storedType ?? typeof(object), inTable, inStore);

    public void Validate(object value) => trace?.Add("validate:" + name);

    public ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
    {
        trace?.Add("encode:" + name);
        return new(passThrough ? value : value + "+" + name);
    }

    public ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken)
    {
        trace?.Add("decode:" + name);
        return new(stored);
    }

    public IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => [];
}
