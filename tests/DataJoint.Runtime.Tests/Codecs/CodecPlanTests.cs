using System.Data.Common;

using DataJoint.Dialects;
namespace DataJoint.Runtime.Tests.CodecTests;

/// <summary>
/// The per-table codec plan: each codec attribute's chain is resolved once per heading (and again only when the registry
/// changes), every value is validated once and encoded after every row was checked, and the contexts name the schema,
/// table and attribute. No server is needed: the insert plan and the attribute codecs are driven directly.
/// </summary>
public class CodecPlanTests
{
    private static readonly DataJointConnection Connection = new(new ConnectionSettings());
    private readonly List<string> _registered = [];

    [TearDown]
    public void Unregister()
    {
        foreach (var name in _registered) Codecs.Unregister(name);
        _registered.Clear();
    }

    private string Register(ICodec codec)
    {
        Codecs.Register(codec);
        _registered.Add(codec.Descriptor.Name);
        return codec.Descriptor.Name;
    }

    private static Table TableWith(string codecSpec) => new(Connection, MySqlDialect.Instance, "lab", "__scan", new Heading(new[]
    {
        HeadingAttribute.FromColumn("`lab`.`__scan`", "id", "int(11)", false, null, "", ":int32:", true),
        HeadingAttribute.FromColumn("`lab`.`__scan`", "x", "varchar(64)", true, null, "", $":{codecSpec}:note", false),
    }));

    [Test]
    public void TheChainIsResolvedOncePerHeading_SharedByRestrictions_AndAgainWhenTheRegistryChanges()
    {
        var name = Register(new ManualCodec("plan_once", "varchar(64)"));
        var table = TableWith($"<{name}>");
        var codec = table.CodecPlan.For("x")!;
        Assert.That(table.CodecPlan.For("id"), Is.Null, "core columns have no codec");
        var chain = codec.Chain;
        Assert.That(codec.Chain, Is.SameAs(chain), "resolved once");

        var restricted = table & new { id = 1 };
        Assert.That(restricted.ColumnOf("x").Codec, Is.SameAs(codec), "a restriction keeps the table's plan");
        Assert.That((table * TableWith($"<{name}>")).ColumnOf("x").Codec, Is.SameAs(codec), "a join carries the left column's codec");
        Assert.That(table.Proj("y=x").ColumnOf("y").Codec, Is.SameAs(codec), "a renamed column keeps its codec");

        Register(new ManualCodec("plan_other", "varchar(64)"));
        Assert.That(codec.Chain, Is.Not.SameAs(chain), "a registry change re-resolves the chain");
        Assert.That(codec.Chain.Spec, Is.EqualTo($"<{name}>"));
    }

    [Test]
    public async Task AnInsertValidatesEveryValueOnce_AndEncodesOnlyAfterEveryRowWasChecked()
    {
        var trace = new List<string>();
        var name = Register(new ManualCodec("plan_trace", "varchar(64)", trace: trace));
        var table = TableWith($"<{name}>");
        var plan = new InsertPlan(table, new InsertOptions(), uploads: null);
        plan.AddRows(Enumerable.Range(1, 3).Select(i => new { id = i, x = "v" + i }));
        Assert.That(trace, Is.EqualTo(new[] { "validate:plan_trace", "validate:plan_trace", "validate:plan_trace" }));

        var prepared = await plan.FinishAsync(CancellationToken.None);
        Assert.That(trace, Is.EqualTo(Enumerable.Repeat("validate:plan_trace", 3).Concat(Enumerable.Repeat("encode:plan_trace", 3))),
            "each value is validated once, and encoding starts once every row was read");
        Assert.That(prepared.Rows.Select(r => r[1]), Is.EqualTo(new[] { "v1+plan_trace", "v2+plan_trace", "v3+plan_trace" }));
    }

    [Test]
    public async Task EncodeAndDecodeContexts_NameSchemaTableAttributeAndTheRowKey()
    {
        var codec = new ContextCodec("plan_ctx");
        Register(codec);
        var table = TableWith("<plan_ctx>");
        var plan = new InsertPlan(table, new InsertOptions(), uploads: null);
        plan.AddRows(new[] { new { id = 7, x = "a" } });
        await plan.FinishAsync(CancellationToken.None);
        var encode = codec.Encoded.Single();
        Assert.That((encode.Schema, encode.Table, encode.Attribute), Is.EqualTo(("lab", "__scan", "x")));
        Assert.That(encode.PrimaryKey, Is.EqualTo(new Dictionary<string, object?> { ["id"] = 7 }));

        Assert.That(await table.CodecPlan.For("x")!.DecodeAsync("stored", CancellationToken.None), Is.EqualTo("stored"));
        var decode = codec.Decoded.Single();
        Assert.That((decode.Schema, decode.Table, decode.Attribute), Is.EqualTo(("lab", "__scan", "x")), "decode contexts no longer say '?'");
    }

    [Test]
    public async Task AFetchDecodesWithOneContextPerDownloadPath_NotOnePerValue()
    {
        var codec = new ContextCodec("plan_path");
        Register(codec);
        var attribute = TableWith("<plan_path>").CodecPlan.For("x")!;
        for (var i = 0; i < 3; i++) await attribute.DecodeAsync("v", CancellationToken.None, "/data/downloads");
        await attribute.DecodeAsync("v", CancellationToken.None, "/data/elsewhere");
        Assert.That(codec.Decoded.Select(c => c.DownloadPath), Is.EqualTo(new[] { "/data/downloads", "/data/downloads", "/data/downloads", "/data/elsewhere" }));
        Assert.That(codec.Decoded[1], Is.SameAs(codec.Decoded[0]), "the values of one fetch share their context");
        Assert.That(codec.Decoded[2], Is.SameAs(codec.Decoded[0]));
        Assert.That((codec.Decoded[3].Schema, codec.Decoded[3].Table, codec.Decoded[3].Attribute), Is.EqualTo(("lab", "__scan", "x")));
    }

    [Test]
    public async Task AnUnknownCodec_FailsOnlyWhenUsed_NamingSchemaTableAndAttribute()
    {
        var table = TableWith("<plan_missing>");
        var codec = table.CodecPlan.For("x")!;
        Assert.DoesNotThrow(() => _ = new RowReader(table, null), "opening and planning a fetch does not need the codec");
        var ex = Assert.Throws<DataJointException>(() => codec.Validate("v"));
        Assert.That(ex!.Message, Is.EqualTo(
            "Codec <plan_missing> is not registered. Define a Codec subclass with name='plan_missing'. (attribute `x` of table `lab`.`__scan`)"));
        var decode = await Assert.ThrowsAsync<DataJointException>(async () => await codec.DecodeAsync("v", CancellationToken.None));
        Assert.That(decode!.Message, Does.Contain("(attribute `x` of table `lab`.`__scan`)"));
    }

    [Test]
    public void TheHeadingReadsTheSqlType_TheCodecPlanKnowsAJsonChainStoresJson()
    {
        // MariaDB reports a json column as longtext: the heading alone (no registry) says string, the table's plan json.
        var raw = HeadingAttribute.FromColumn("`lab`.`t`", "p", "longtext", false, null, "", ":<testpoint>:", false);
        Assert.That(raw.Kind, Is.EqualTo(AttributeKind.String));
        var table = new Table(Connection, MySqlDialect.Instance, "lab", "t", new Heading(new[]
        {
            HeadingAttribute.FromColumn("`lab`.`t`", "id", "int", false, null, "", ":int32:", true), raw,
            HeadingAttribute.FromColumn("`lab`.`t`", "q", "longtext", false, null, "", ":<plan_unknown>:", false),
        }));
        Assert.That(table.Heading["p"].Kind, Is.EqualTo(AttributeKind.Json));
        Assert.That(table.Heading["q"].Kind, Is.EqualTo(AttributeKind.String), "an unknown codec keeps the SQL type's kind");
    }

    [Test]
    public void ChainsOfSynchronousCodecs_DecodeInPlace_OthersAsynchronously()
    {
        var sync = TableWith("<testshout>").CodecPlan.For("x")!;
        Assert.That(sync.IsSynchronous, Is.True);
        Assert.That(sync.Decode("HELLO!|x"), Is.EqualTo("hello"));
        Assert.That(new RowReader(TableWith("<testshout>"), null).IsSynchronous, Is.True);

        var name = Register(new ManualCodec("plan_async", "varchar(64)"));
        var async = TableWith($"<{name}>");
        Assert.That(async.CodecPlan.For("x")!.IsSynchronous, Is.False);
        Assert.That(new RowReader(async, null).IsSynchronous, Is.False);
    }

    [Test]
    public void ABlobChain_DecodesAColumnsBytesInPlace_AsItDecodesAnArray_AndFailsTheSameWay()
    {
        var blob = TableWith("<blob>").CodecPlan.For("x")!;
        Assert.That(blob.DecodesSpans, Is.True);
        var packed = DataJoint.Blob.Pack(new[] { 1.0, 2.5, -4.0 });
        Assert.That(((BlobArray<double>)blob.Decode(packed.AsSpan())!).Data, Is.EqualTo(new[] { 1.0, 2.5, -4.0 }));
        Assert.That(blob.Decode(packed.AsSpan()), Is.EqualTo(blob.Decode(packed)));

        // an outer codec decodes what <blob> read in place (the stored record arrives as a dict and is mapped)
        var graph = TableWith("<testgraph>").CodecPlan.For("x")!;
        Assert.That(graph.DecodesSpans, Is.True);
        var stored = (byte[])graph.Chain.EncodeAsync(new Graph(true, ["a", "b"], [(0, 1)]), new EncodeContext { Schema = "lab", Table = "t", Attribute = "x" })
            .AsTask().GetAwaiter().GetResult()!;
        var decoded = (Graph)graph.Decode(stored.AsSpan())!;
        Assert.That((decoded.Directed, decoded.Nodes, decoded.Edges), Is.EqualTo((true, new[] { "a", "b" }, new[] { (0, 1) })));

        Assert.That(TableWith("<testshout>").CodecPlan.For("x")!.DecodesSpans, Is.False, "a chain that does not end in a span decoder");
        Assert.That(TableWith("<testpoint>").CodecPlan.For("x")!.DecodesSpans, Is.False, "a json chain");

        byte[] corrupt = [0x6D, 0x59, 0x6D, 0x00, 0x41, 0x02];
        var fromArray = Assert.Catch<DataJointException>(() => blob.Decode(corrupt));
        var inPlace = Assert.Catch<DataJointException>(() => blob.Decode(corrupt.AsSpan()));
        Assert.That(inPlace!.GetType(), Is.EqualTo(fromArray!.GetType()));
        Assert.That(inPlace.Message, Is.EqualTo(fromArray.Message));
        Assert.That((inPlace.Schema, inPlace.Table, inPlace.Attribute), Is.EqualTo(("lab", "__scan", "x")));
    }

    [Test]
    public async Task TheChainHandsSplitBytesFromAProducerToAConsumer_ByCapability()
    {
        var trace = new List<string>();
        Register(new SplitConsumer("plan_sink", trace));
        Register(new SplitProducer("plan_split", "<plan_sink>", trace));
        var chain = Codecs.Resolve("<plan_split>");
        var ctx = new EncodeContext { Schema = "lab", Table = "t", Attribute = "x" };
        Assert.That(await chain.EncodeAsync("split", ctx), Is.EqualTo("head+tail"));
        Assert.That(await chain.EncodeAsync("whole", ctx), Is.EqualTo("whole"));
        Assert.That(trace, Is.EqualTo(new[] { "split-consumer", "producer", "consumer" }));
    }

    /// <summary>Records the contexts it is called with.</summary>
    private sealed class ContextCodec(string name) : ICodec
    {
        public List<EncodeContext> Encoded { get; } = [];
        public List<DecodeContext> Decoded { get; } = [];
        public CodecDescriptor Descriptor { get; } = new(name, typeof(ContextCodec), typeof(string), typeof(string), "varchar(64)", null);
        public void Validate(object value) { }

        public ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
        {
            Encoded.Add(context);
            return new(value);
        }

        public ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken)
        {
            Decoded.Add(context);
            return new(stored);
        }

        public IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => [];
    }

    /// <summary>Splits the value "split" into two segments; anything else is encoded whole.</summary>
    private sealed class SplitProducer(string name, string inTable, List<string> trace) : ICodec, ISplitBytesProducer
    {
        public CodecDescriptor Descriptor { get; } = new(name, typeof(SplitProducer), typeof(string), typeof(byte[]), inTable, null);
        public void Validate(object value) { }

        public ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
        {
            trace.Add("producer");
            return new(System.Text.Encoding.UTF8.GetBytes((string)value));
        }

        public bool TryEncodeSplit(object value, out ReadOnlyMemory<byte> head, out ReadOnlyMemory<byte> tail)
        {
            head = "head+"u8.ToArray();
            tail = "tail"u8.ToArray();
            return (string)value == "split";
        }

        public ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken) => new(stored);
        public IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => [];
    }

    /// <summary>Joins split bytes (or takes whole ones) into a string.</summary>
    private sealed class SplitConsumer(string name, List<string> trace) : ICodec, ISplitBytesConsumer
    {
        public CodecDescriptor Descriptor { get; } = new(name, typeof(SplitConsumer), typeof(byte[]), typeof(string), "varchar(64)", null);
        public void Validate(object value) { }

        public ValueTask<object?> EncodeAsync(object value, EncodeContext context, CancellationToken cancellationToken)
        {
            trace.Add("consumer");
            return new(System.Text.Encoding.UTF8.GetString((byte[])value));
        }

        public ValueTask<object?> EncodeSplitAsync(ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> tail, EncodeContext context, CancellationToken cancellationToken)
        {
            trace.Add("split-consumer");
            return new(System.Text.Encoding.UTF8.GetString(head.Span) + System.Text.Encoding.UTF8.GetString(tail.Span));
        }

        public ValueTask<object?> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken) => new(stored);
        public IReadOnlyList<StoredReference> ReferencedPaths(object? stored) => [];
    }
}
