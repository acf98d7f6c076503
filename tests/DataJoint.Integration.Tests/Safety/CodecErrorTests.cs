using System.Text;
using DataJoint.Integration.Tests.StoresTables;
using DataJoint.Stores;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// A picky in-table codec (chained into <c>&lt;blob&gt;</c>): its <c>Validate</c> refuses "invalid" with a plain
/// <see cref="DataJointException"/>, its <c>Encode</c> throws a raw <see cref="InvalidOperationException"/> on "explode",
/// and its <c>Decode</c> throws a raw <see cref="FormatException"/> on what "poison" was stored as.
/// </summary>
[Codec("safety_picky", InTable = "<blob>")]
public sealed partial class SafetyPickyCodec : Codec<string, string>
{
    protected override void Validate(string value)
    {
        if (value == "invalid") throw new DataJointException("safety_picky refuses 'invalid'");
    }

    protected override string Encode(string value, EncodeContext context) =>
        value == "explode" ? throw new InvalidOperationException("safety_picky blew up") : "v:" + value;

    protected override string Decode(string stored, DecodeContext context) =>
        stored == "v:poison" ? throw new FormatException("safety_picky cannot read 'v:poison'") : stored[2..];
}

/// <summary>
/// A store codec (chained into <c>&lt;object@&gt;</c>): text as UTF-8 bytes. Encoding "ioerror" throws a raw
/// <see cref="IOException"/>; decoding an object whose text is "undecodable" throws a raw <see cref="InvalidDataException"/>,
/// one whose text is "cancelled" an <see cref="OperationCanceledException"/>.
/// </summary>
[Codec("safety_doc", InStore = "<object>")]
public sealed partial class SafetyDocCodec : AsyncCodec<string, object>
{
    protected override ValueTask<object> EncodeAsync(string value, EncodeContext context, CancellationToken cancellationToken) =>
        value == "ioerror" ? throw new IOException("safety_doc: the scratch disk is full") : new ValueTask<object>(Encoding.UTF8.GetBytes(value));

    protected override async ValueTask<string> DecodeAsync(object stored, DecodeContext context, CancellationToken cancellationToken)
    {
        var text = Encoding.UTF8.GetString(await ((ObjectRef)stored).ReadAllBytesAsync(cancellationToken));
        return text switch
        {
            "undecodable" => throw new InvalidDataException("safety_doc cannot read this document"),
            "cancelled" => throw new OperationCanceledException("safety_doc gave up"),
            _ => text,
        };
    }
}

/// <summary>
/// Whatever a codec throws from <c>Validate</c>, <c>Encode</c> or <c>Decode</c> reaches the user as a
/// <see cref="CodecException"/> naming schema, table, attribute, codec and the value's .NET type, with the codec's
/// exception inside; a store failure inside a codec keeps its own type (and transience) and gets the attribute filled in.
/// Against MariaDB and each store (a folder and the S3 endpoint).
/// </summary>
[TestFixture("file")]
[TestFixture("s3")]
public class CodecErrorTests(string protocol) : StoresTablesFixture(protocol)
{
    private const string Definition = """
        id : int32
        ---
        note = null : <safety_picky>
        doc = null : <safety_doc@main>
        """;

    private async Task<(Schema Schema, Table Table)> DeclareAsync(string purpose)
    {
        var schema = await NewSchemaAsync(purpose);
        return (schema, await schema.DeclareAsync("Sheet", TableTier.Manual, Definition));
    }

    private static Dictionary<string, object?> Row(int id, string? note = null, string? doc = null) =>
        new() { ["id"] = id, ["note"] = note, ["doc"] = doc };

    private static void AssertNames(CodecException ex, Schema schema, string attribute, string codec, Type valueType, CodecOperation operation)
    {
        Assert.That((ex.Schema, ex.Table, ex.Attribute, ex.Codec, ex.ValueType, ex.Operation),
            Is.EqualTo((schema.Database, "sheet", attribute, codec, valueType, operation)));
        Assert.That(ex.Message, Does.StartWith($"Attribute '{attribute}' of table `{schema.Database}`.`sheet`"));
        Assert.That(ex.Message, Does.Contain($"codec <{codec}>").And.Contain(CodecTypeName(valueType)));
    }

    private static string CodecTypeName(Type t) => t == typeof(string) ? "string" : t.FullName!;

    [Test]
    public async Task Insert_ValidateThrowingAPlainDataJointException_IsACodecExceptionNamingWhere()
    {
        var (schema, table) = await DeclareAsync("cvalid");
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.InsertAsync([Row(1, "fine"), Row(2, "invalid")]));
        AssertNames(ex!, schema, "note", "safety_picky", typeof(string), CodecOperation.Validate);
        Assert.That(ex!.Message, Is.EqualTo(
            $"Attribute 'note' of table `{schema.Database}`.`sheet`: codec <safety_picky> rejected a value of type string: safety_picky refuses 'invalid'"));
        Assert.That(ex.InnerException, Is.TypeOf<DataJointException>().With.Message.EqualTo("safety_picky refuses 'invalid'"));
        Assert.That(await CountAsync(table), Is.Zero, "nothing was written");
    }

    [Test]
    public async Task Insert_EncodeThrowingARawException_IsACodecException_AndWritesNothing()
    {
        var (schema, table) = await DeclareAsync("cenc");
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.InsertAsync([Row(1, "fine", "a document"), Row(2, "explode")]));
        AssertNames(ex!, schema, "note", "safety_picky", typeof(string), CodecOperation.Encode);
        Assert.That(ex!.Chain, Is.EqualTo("<safety_picky>"));
        Assert.That(ex.InnerException, Is.TypeOf<InvalidOperationException>().With.Message.EqualTo("safety_picky blew up"));
        Assert.That(ex.Message, Does.EndWith(": codec <safety_picky> could not encode a value of type string: safety_picky blew up"));
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync($"_schema/{schema.Database}/"), Is.Empty, "the first row's uploaded document was removed");
    }

    [Test]
    public async Task Fetch_DecodeThrowingARawException_IsACodecException_AndOtherRowsStillRead()
    {
        var (schema, table) = await DeclareAsync("cdec");
        await table.InsertAsync([Row(1, "fine"), Row(2, "poison")]);
        var ex = await Assert.ThrowsAsync<CodecException>(() => table.FetchAsync());
        // the custom codec decodes what <blob> gave it: the stored string
        AssertNames(ex!, schema, "note", "safety_picky", typeof(string), CodecOperation.Decode);
        Assert.That(ex!.InnerException, Is.TypeOf<FormatException>());
        Assert.That(ex.Message, Does.Contain("could not decode a stored value of type string: safety_picky cannot read 'v:poison'"));
        // the same through the streaming and single-row paths, and the good row still reads
        await Assert.ThrowsAsync<CodecException>(async () => { await foreach (var _ in table.StreamAsync()) { } });
        await Assert.ThrowsAsync<CodecException>(() => (table & new { id = 2 }).Fetch1Async());
        Assert.That((await (table & new { id = 1 }).Fetch1Async())["note"], Is.EqualTo("fine"));
    }

    [Test]
    public async Task StoreCodec_EncodeAndDecodeFailures_AreCodecExceptionsNamingTheStore()
    {
        var (schema, table) = await DeclareAsync("cstore");
        var enc = await Assert.ThrowsAsync<CodecException>(() => table.InsertAsync([Row(1, doc: "fine"), Row(2, doc: "ioerror")],
            new InsertOptions { MaxParallelUploads = 1 }));
        AssertNames(enc!, schema, "doc", "safety_doc", typeof(string), CodecOperation.Encode);
        Assert.That((enc!.Store, enc.Chain), Is.EqualTo(("main", "<safety_doc@main>")));
        Assert.That(enc.Message, Does.StartWith($"Attribute 'doc' of table `{schema.Database}`.`sheet` (<safety_doc@main>): codec <safety_doc> could not encode"));
        Assert.That(enc.InnerException, Is.TypeOf<IOException>());
        Assert.That(await CountAsync(table), Is.Zero);
        Assert.That(await ListAsync($"_schema/{schema.Database}/"), Is.Empty, "no document of the failed insert stays");

        await table.InsertAsync([Row(3, doc: "undecodable")]);
        var dec = await Assert.ThrowsAsync<CodecException>(() => table.FetchAsync());
        // <object@> hands the custom codec a lazy reference to the stored document
        AssertNames(dec!, schema, "doc", "safety_doc", typeof(ObjectRef), CodecOperation.Decode);
        Assert.That(dec!.Store, Is.EqualTo("main"));
        Assert.That(dec.InnerException, Is.TypeOf<InvalidDataException>());
    }

    [Test]
    public async Task StoreFailureInsideACodec_KeepsItsType_AndGetsTheAttribute()
    {
        var (schema, table) = await DeclareAsync("ckeep");
        await table.InsertAsync([Row(1, doc: "kept")]);
        var objects = await ListAsync($"_schema/{schema.Database}/");
        Assert.That(objects, Has.Count.EqualTo(1));
        await Main.DeleteAsync(objects[0]);

        var ex = await Assert.ThrowsAsync<MissingExternalFileException>(() => table.FetchAsync());
        Assert.That((ex!.Schema, ex.Table, ex.Attribute, ex.Store), Is.EqualTo((schema.Database, "sheet", "doc", "main")));
        Assert.That(ex.ObjectPath, Is.EqualTo(objects[0]));
        Assert.That(ex.IsTransient, Is.False);
    }

    [Test]
    public async Task CancellationInsideACodec_StaysACancellation()
    {
        var (_, table) = await DeclareAsync("ccancel");
        await table.InsertAsync([Row(1, doc: "cancelled")]);
        var ex = await Assert.CatchAsync<OperationCanceledException>(() => table.FetchAsync());
        Assert.That(ex!.Message, Is.EqualTo("safety_doc gave up"));
    }
}
