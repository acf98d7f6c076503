namespace DataJoint.Runtime.Tests.CodecTests;

public class RecordMapperTests
{
    [Test]
    public void GeneratedMapper_PacksPropertiesAsDictKeys_WithBlobKeyOverride()
    {
        _ = Codecs.Get("testgraph"); // registration registers the mapper
        var mapper = BlobRecordMappers.Find(typeof(GraphData));
        Assert.That(mapper, Is.Not.Null, "the generator emits a mapper for a record stored through <blob>");
        var data = new GraphData(true, ["a", "b"], [0], [1]) { Version = 2 };
        var dict = mapper!.ToDictionaryObject(data);
        Assert.That(dict.Keys, Is.EquivalentTo(new[] { "Directed", "Nodes", "EdgeFrom", "EdgeTo", "schema_version" }));
        Assert.That(dict["Directed"], Is.EqualTo(true));
        Assert.That(dict["schema_version"], Is.EqualTo(2));
    }

    [Test]
    public void GeneratedMapper_ReadsBlobValuesBack_ConvertingNumericAndListTypes()
    {
        _ = Codecs.Get("testgraph");
        var mapper = BlobRecordMappers.Find(typeof(GraphData))!;
        // What a blob unpacker returns for a Python dict: ints as long, lists as List<object>.
        var dict = new Dictionary<string, object?>
        {
            ["Directed"] = false,
            ["Nodes"] = new List<object?> { "x", "y", "z" },
            ["EdgeFrom"] = new List<object?> { 0L, 1L },
            ["EdgeTo"] = new long[] { 1, 2 },
            ["schema_version"] = 3L,
        };
        var data = (GraphData)mapper.FromDictionaryObject(dict);
        Assert.That(data.Directed, Is.False);
        Assert.That(data.Nodes, Is.EqualTo(new[] { "x", "y", "z" }));
        Assert.That(data.EdgeFrom, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(data.EdgeTo, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(data.Version, Is.EqualTo(3));
    }

    [Test]
    public void GeneratedMapper_MissingKey_SaysWhichKey()
    {
        _ = Codecs.Get("testgraph");
        var mapper = BlobRecordMappers.Find(typeof(GraphData))!;
        var e = Assert.Throws<DataJointException>(() => mapper.FromDictionaryObject(new Dictionary<string, object?> { ["Directed"] = true }));
        Assert.That(e!.Message, Does.StartWith("Cannot map blob dict to DataJoint.Runtime.Tests.CodecTests.GraphData: key 'Nodes' is missing"));
    }

    [Test]
    public async Task Chain_HandsTheDictToBlob()
    {
        // <blob> cannot pack until the blob format is merged; a stand-in inner codec shows what <blob> receives.
        var received = new List<object>();
        var capture = new CaptureCodec(received);
        Codecs.Register(capture);
        Codecs.Register(new ManualCodec("graphcap", "<capture>", valueType: typeof(GraphData), storedType: typeof(GraphData), passThrough: true));
        try
        {
            var chain = Codecs.Resolve("<graphcap>");
            _ = Codecs.Get("testgraph");
            await chain.EncodeAsync(new GraphData(true, ["a"], [], []), new EncodeContext { Schema = "s", Table = "t", Attribute = "a" });
            Assert.That(received.Single(), Is.InstanceOf<IReadOnlyDictionary<string, object?>>());
        }
        finally
        {
            Codecs.Unregister("capture");
            Codecs.Unregister("graphcap");
        }
    }

    private sealed class CaptureCodec(List<object> received) : ICodec
    {
        public CodecDescriptor Descriptor { get; } = new("capture", typeof(CaptureCodec), typeof(object), typeof(byte[]), "bytes", null);
        public void Validate(object value) { }
        public ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
        {
            received.Add(value);
            return new(Array.Empty<byte>());
        }
        public ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken) => new(stored);
        public IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => [];
    }
}

public class BlobChainTests
{
    private static readonly EncodeContext Ctx = new() { Schema = "lab", Table = "session", Attribute = "g" };

    [Test]
    public async Task Blob_InTable_PacksWithTheBlobFormat()
    {
        var bytes = (byte[])(await Codecs.Resolve("<blob>").EncodeAsync(5L, Ctx))!;
        Assert.That(Convert.ToHexStringLower(bytes), Is.EqualTo("646a30000a010005"));
        Assert.That(await Codecs.Resolve("<blob>").DecodeAsync(bytes, new DecodeContext()), Is.EqualTo(5L));
    }

    [Test]
    public async Task RecordThroughBlob_IsADictForPython_AndRoundTrips()
    {
        var chain = Codecs.Resolve("<testgraph>");
        var graph = new Graph(true, ["a", "b", "c"], [(0, 1), (1, 2)]);
        var bytes = (byte[])(await chain.EncodeAsync(graph, Ctx))!;

        // What a Python reader gets: a dict keyed by property names (and the [BlobKey] override).
        var dict = DataJoint.Blob.UnpackDictionary(bytes);
        Assert.That(dict.Keys, Is.EquivalentTo(new[] { "Directed", "Nodes", "EdgeFrom", "EdgeTo", "schema_version" }));

        var back = (Graph)(await chain.DecodeAsync(bytes, new DecodeContext()))!;
        Assert.That(back.Directed, Is.True);
        Assert.That(back.Nodes, Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(back.Edges, Is.EqualTo(new[] { (0, 1), (1, 2) }));
    }
}
