using DataJoint.BuiltIn;

namespace DataJoint.Runtime.Tests.CodecTests;

[NonParallelizable]
public class CodecRegistryTests
{
    private static EncodeContext Ctx(string attribute = "g") => new() { Schema = "lab", Table = "session", Attribute = attribute };

    [Test]
    public void List_IsSorted_AndHasBuiltInsAndThisAssemblysCodecs()
    {
        var names = Codecs.List();
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(names, Is.SupersetOf(new[] { "attach", "blob", "filepath", "hash", "npy", "object", "testgraph", "testpoint", "testshout", "testupper" }));
    }

    [Test]
    public void Get_AcceptsNameOrSpec()
    {
        Assert.That(Codecs.Get("blob"), Is.InstanceOf<BlobCodec>());
        Assert.That(Codecs.Get("<blob@main>"), Is.InstanceOf<BlobCodec>());
        Assert.That(Codecs.Get("<testgraph>").Descriptor.ValueType, Is.EqualTo(typeof(Graph)));
        var e = Assert.Throws<DataJointException>(() => Codecs.Get("<nope@s>"));
        Assert.That(e!.Message, Is.EqualTo("Codec <nope> is not registered. Define a Codec subclass with name='nope'."));
    }

    [TestCase("<blob>", "bytes", null, new[] { "blob" })]
    [TestCase("<blob@store>", "json", "store", new[] { "blob", "hash" })]
    [TestCase("<blob@>", "json", "", new[] { "blob", "hash" })]
    [TestCase("<attach@store>", "json", "store", new[] { "attach", "hash" })]
    [TestCase("<attach>", "bytes", null, new[] { "attach" })]
    [TestCase("<hash@s>", "json", "s", new[] { "hash" })]
    [TestCase("<object@s>", "json", "s", new[] { "object" })]
    [TestCase("<npy@s>", "json", "s", new[] { "npy" })]
    [TestCase("<filepath@s>", "json", "s", new[] { "filepath" })]
    [TestCase("<testgraph@main>", "json", "main", new[] { "testgraph", "blob", "hash" })]
    [TestCase("<testgraph>", "bytes", null, new[] { "testgraph", "blob" })]
    [TestCase("<testshout>", "varchar(64)", null, new[] { "testshout", "testupper" })]
    public void Resolve_MatchesDataJointResolveDtype(string spec, string finalType, string? store, string[] chain)
    {
        var c = Codecs.Resolve(spec);
        Assert.That(c.FinalType, Is.EqualTo(finalType));
        Assert.That(c.Store, Is.EqualTo(store));
        Assert.That(c.Links.Select(l => l.Descriptor.Name), Is.EqualTo(chain));
    }

    [TestCase("<hash>", "<hash> requires @ (in-store storage only)")]
    [TestCase("<object>", "<object> requires @ (store only)")]
    [TestCase("<npy>", "<npy> requires @ (store only)")]
    [TestCase("<filepath>", "<filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.")]
    [TestCase("<testpoint@main>", "<testpoint> does not support @ (in-table storage only)")]
    [TestCase("<nope@s>", "Codec <nope> is not registered. Define a Codec subclass with name='nope'.")]
    public void Resolve_Errors_UseDataJointTexts(string spec, string message)
    {
        var e = Assert.Throws<DataJointException>(() => Codecs.Resolve(spec));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public void CodecDtypes_PerMode()
    {
        Assert.That(Codecs.Get("testgraph").Descriptor.GetDtype(inStore: false), Is.EqualTo("<blob>"));
        Assert.That(Codecs.Get("testgraph").Descriptor.GetDtype(inStore: true), Is.EqualTo("<blob>"));
        Assert.That(Codecs.Get("blob").Descriptor.GetDtype(inStore: true), Is.EqualTo("<hash>"));
        var e = Assert.Throws<DataJointException>(() => Codecs.Get("hash").Descriptor.GetDtype(inStore: false));
        Assert.That(e!.Message, Is.EqualTo("<hash> requires @ (in-store storage only)"));
    }

    [Test]
    public void Resolve_DetectsCycles()
    {
        Codecs.Register(new ManualCodec("cyc_a", "<cyc_b>"));
        Codecs.Register(new ManualCodec("cyc_b", "<cyc_a>"));
        try
        {
            var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<cyc_a>"));
            Assert.That(e!.Message, Is.EqualTo("Circular codec reference detected: <cyc_a> (<cyc_a> → <cyc_b> → <cyc_a>)"));
        }
        finally
        {
            Codecs.Unregister("cyc_a");
            Codecs.Unregister("cyc_b");
        }
    }

    [Test]
    public void Resolve_ReportsAChainThatNeverReachesACoreType()
    {
        Codecs.Register(new ManualCodec("badend", "notatype"));
        try
        {
            var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<badend>"));
            Assert.That(e!.Message, Is.EqualTo("Invalid dtype 'notatype' in codec <badend>."));
        }
        finally
        {
            Codecs.Unregister("badend");
        }
    }

    [Test]
    public void Resolve_ReportsChainTypeMismatch()
    {
        // Encodes to byte[] into a codec that expects a Graph.
        Codecs.Register(new ManualCodec("bytesout", "<testgraph>", valueType: typeof(string), storedType: typeof(byte[])));
        try
        {
            var e = Assert.Throws<DataJointException>(() => Codecs.Resolve("<bytesout>"));
            Assert.That(e!.Message, Is.EqualTo(
                "Codec chain type mismatch: <bytesout> encodes to byte[] but <testgraph> expects DataJoint.Runtime.Tests.CodecTests.Graph."));
        }
        finally
        {
            Codecs.Unregister("bytesout");
        }
    }

    [Test]
    public void Register_SameNameDifferentType_NamesBothTypes()
    {
        var e = Assert.Throws<DataJointException>(() => Codecs.Register(new ManualCodec("blob", "bytes")));
        Assert.That(e!.Message, Is.EqualTo(
            "Codec <blob> already registered by DataJoint.BuiltIn.BlobCodec (assembly DataJoint.Runtime); " +
            "cannot register DataJoint.Runtime.Tests.CodecTests.ManualCodec (assembly DataJoint.Runtime.Tests) under the same name."));
        Assert.DoesNotThrow(() => Codecs.Register(new BlobCodec()), "the same type again is a no-op");
    }

    [Test]
    public void Register_RejectsInvalidNames()
    {
        var e = Assert.Throws<DataJointException>(() => Codecs.Register(new ManualCodec("", "bytes")));
        Assert.That(e!.Message, Does.StartWith("Codec name must be a non-empty string"));
    }

    [Test]
    public async Task Encode_ValidatesOuterOnly_EncodesOuterToInner_DecodesInnerToOuter()
    {
        var trace = new List<string>();
        Codecs.Register(new ManualCodec("ord_outer", "<ord_inner>", trace: trace));
        Codecs.Register(new ManualCodec("ord_inner", "varchar(64)", trace: trace));
        try
        {
            var chain = Codecs.Resolve("<ord_outer>");
            var stored = await chain.EncodeAsync("v", Ctx());
            Assert.That(stored, Is.EqualTo("v+ord_outer+ord_inner"));
            await chain.DecodeAsync(stored, new DecodeContext());
            Assert.That(trace, Is.EqualTo(new[] { "validate:ord_outer", "encode:ord_outer", "encode:ord_inner", "decode:ord_inner", "decode:ord_outer" }));
        }
        finally
        {
            Codecs.Unregister("ord_outer");
            Codecs.Unregister("ord_inner");
        }
    }

    [Test]
    public async Task TypedChain_RoundTrips_AndPassesContext()
    {
        var chain = Codecs.Resolve("<testshout>");
        var stored = await chain.EncodeAsync("hey", Ctx("greeting"));
        Assert.That(stored, Is.EqualTo("HEY!|greeting"));
        Assert.That(await chain.DecodeAsync(stored, new DecodeContext()), Is.EqualTo("hey"));
        Assert.That(await chain.EncodeAsync(null, Ctx()), Is.Null);
        Assert.That(await chain.DecodeAsync(DBNull.Value, new DecodeContext()), Is.Null);
    }

    [Test]
    public async Task Encode_WrongDotNetType_NamesTableAttributeExpectedAndActual()
    {
        var chain = Codecs.Resolve("<testgraph>");
        var e = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(new byte[] { 1 }, Ctx("graph")));
        Assert.That(e!.Message, Is.EqualTo(
            "Attribute 'graph' of table `lab`.`session`: codec <testgraph> expects a value of type DataJoint.Runtime.Tests.CodecTests.Graph, got byte[]."));
        Assert.That((e.Schema, e.Table, e.Attribute, e.Codec, e.ValueType, e.Operation),
            Is.EqualTo(("lab", "session", "graph", "testgraph", typeof(byte[]), CodecOperation.Validate)));
    }

    [Test]
    public async Task Encode_RunsValidateBeforeEncode()
    {
        var chain = Codecs.Resolve("<testshout>");
        var e = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync("", Ctx()));
        Assert.That(e!.Message, Is.EqualTo("Attribute 'g' of table `lab`.`session`: codec <testshout> rejected a value of type string: <testshout> needs text"));
        Assert.That(e.InnerException, Is.TypeOf<DataJointException>().With.Message.EqualTo("<testshout> needs text"));
    }

    [Test]
    public async Task JsonChain_SerializesStoredTypeWithSystemTextJson()
    {
        var chain = Codecs.Resolve("<testpoint>");
        Assert.That(chain.IsJson, Is.True);
        var stored = await chain.EncodeAsync(new Point(1.5, 2), Ctx());
        Assert.That(stored, Is.EqualTo("{\"Xy\":[1.5,2],\"Unit\":\"mm\"}"));
        Assert.That(await chain.DecodeAsync(stored, new DecodeContext()), Is.EqualTo(new Point(1.5, 2)));
        Assert.That(await chain.DecodeAsync(System.Text.Json.JsonDocument.Parse((string)stored!).RootElement, new DecodeContext()), Is.EqualTo(new Point(1.5, 2)));
    }

    [Test]
    public async Task StoreCodecs_WithoutConfiguredStores_SayWhichAttributeNeedsOne()
    {
        // The store I/O itself is tested in Stores/StoreCodecTests (unit) and the integration tests.
        var e = await Assert.ThrowsAsync<DataJoint.Settings.SettingsException>(async () => await Codecs.Resolve("<hash@main>").EncodeAsync(new byte[] { 1 }, Ctx()));
        Assert.That(e!.Message, Is.EqualTo("No object stores are configured, but attribute 'g' of table `lab`.`session` uses store 'main'."));
        Assert.That((e.Store, e.Schema, e.Table, e.Attribute), Is.EqualTo(("main", "lab", "session", "g")));
    }

    [Test]
    public async Task BuiltInValidators_UseDataJointTexts()
    {
        // DataJoint Python's own texts, after where the value was going
        var e = await Assert.ThrowsAsync<CodecException>(async () => await Codecs.Resolve("<object@s>").EncodeAsync(42, Ctx()));
        Assert.That(e!.Message, Is.EqualTo("Attribute 'g' of table `lab`.`session` (<object@s>): codec <object> rejected a value of type int: <object> expects bytes or path, got int"));
        e = await Assert.ThrowsAsync<CodecException>(async () => await Codecs.Resolve("<npy@s>").EncodeAsync(new object[] { 1 }, Ctx()));
        Assert.That(e!.Message, Does.EndWith(": <npy> does not support object dtype arrays"));
        Assert.That((e.Codec, e.Chain, e.ValueType), Is.EqualTo(("npy", "<npy@s>", typeof(object[]))));
    }

    [Test]
    public async Task Attach_InTable_StoresNameZeroContents_AndDecodesToAFile()
    {
        var dir = Directory.CreateTempSubdirectory("dj-attach-");
        try
        {
            var file = Path.Combine(dir.FullName, "notes.txt");
            await File.WriteAllTextAsync(file, "hello");
            var chain = Codecs.Resolve("<attach>");
            var stored = (byte[])(await chain.EncodeAsync(file, Ctx()))!;
            Assert.That(Convert.ToHexStringLower(stored), Is.EqualTo("6e6f7465732e7478740068656c6c6f"));
            var download = Path.Combine(dir.FullName, "dl");
            var path = (string)(await chain.DecodeAsync(stored, new DecodeContext { DownloadPath = download }))!;
            Assert.That(path, Is.EqualTo(Path.Combine(download, "notes.txt")));
            await File.WriteAllTextAsync(path, "other");
            var second = (string)(await chain.DecodeAsync(stored, new DecodeContext { DownloadPath = download }))!;
            Assert.That(second, Is.EqualTo(Path.Combine(download, "notes_1.txt")));
            Assert.That(await File.ReadAllTextAsync(second), Is.EqualTo("hello"));
            var missing = await Assert.ThrowsAsync<CodecException>(async () => await chain.EncodeAsync(Path.Combine(dir.FullName, "nope.txt"), Ctx()));
            Assert.That(missing!.Message, Does.EndWith(": Attachment file not found: " + Path.Combine(dir.FullName, "nope.txt")));
            Assert.That(missing.InnerException?.InnerException, Is.TypeOf<FileNotFoundException>());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public void ReferencedPaths_DefaultReadsPathAndStoreFromJson()
    {
        var codec = Codecs.Get("hash");
        Assert.That(codec.ReferencedPaths("{\"hash\":\"h\",\"path\":\"_hash/lab/h\",\"store\":\"main\"}"),
            Is.EqualTo(new[] { new StoredReference("_hash/lab/h", "main") }));
        Assert.That(codec.ReferencedPaths("not json"), Is.Empty);
        Assert.That(codec.ReferencedPaths("{\"x\":1}"), Is.Empty);
    }
}

public class DeclareSubstitutionTests
{
    // Spec §2.6 / §9 case 3: the definition compiler's codec seam is the same chain resolver.
    [TestCase("<blob>", "longblob")]
    [TestCase("<blob@main>", "json")]
    [TestCase("<blob@>", "json")]
    [TestCase("<attach>", "longblob")]
    [TestCase("<attach@s>", "json")]
    [TestCase("<testgraph>", "longblob")]
    [TestCase("<testgraph@main>", "json")]
    public void CodecSpec_SubstitutesToTheSqlTypeOfItsChain(string spec, string sql)
    {
        var r = Codecs.DeclareResolver.Resolve(spec);
        Assert.That(r.Error, Is.Null);
        Assert.That(DataJoint.Definitions.DataJointTypes.FinalTypeToSql(r.FinalType!), Is.EqualTo(sql));
    }

    [Test]
    public void CodecSpec_StoreModeError_ComesThroughTheSeam()
    {
        Assert.That(Codecs.DeclareResolver.Resolve("<hash>").Error, Is.EqualTo("<hash> requires @ (in-store storage only)"));
    }
}
