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
