using DataJoint.Integration.Tests.Tables;

namespace DataJoint.Integration.Tests.Safety;

/// <summary>
/// Issue #10 items 4, 6, 8 and 10 on MariaDB: in-table values up to the server's packet limit insert (bigger ones are
/// refused naming that limit), the blob writer and reader share one nesting limit, unpaired UTF-16 surrogates are
/// refused, and cascading deletes and drops show what they reach (other schemas included) and honour safemode.
/// </summary>
public class TableSafetyTests : SchemaFixture
{
    protected override string Purpose => "tablesafety";

    private async Task<long> MaxAllowedPacketAsync() => Convert.ToInt64((await QueryAsync("SELECT @@max_allowed_packet"))[0][0]);

    [Test]
    public async Task InTableValue_UpToMaxAllowedPacket_Inserts_LargerIsRefusedNamingTheLimit()
    {
        var max = await MaxAllowedPacketAsync();
        var t = await Schema.DeclareAsync("Big", TableTier.Manual, "id : int32\n---\npayload : longblob");
        // Well over the old 8 MiB ceiling, in a single statement close to the server's limit.
        var size = (int)Math.Min(max * 3 / 4, 24L * 1024 * 1024);
        var big = new byte[size];
        new Random(7).NextBytes(big);
        await t.InsertAsync(new object[] { new { id = 1, payload = big }, new { id = 2, payload = new byte[] { 1, 2, 3 } } });
        Assert.That((byte[])(await t.Restrict(new { id = 1 }).Fetch1Async())["payload"]!, Is.EqualTo(big));

        var tooBig = new byte[checked((int)max + 1024)];
        var ex = await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { id = 3, payload = tooBig }));
        Assert.That(ex!.Message, Does.Contain($"max_allowed_packet ({max} bytes)"));
        Assert.That((ex.Schema, ex.Table), Is.EqualTo((Schema.Database, "big")));
        Assert.That(await RawCountAsync("big"), Is.EqualTo(2));
    }

    private static object Nested(int levels)
    {
        object value = 1.5;
        for (var i = 0; i < levels; i++) value = new List<object?> { value };
        return value;
    }

    [Test]
    public async Task BlobNesting_OneLimitForWriterAndReader()
    {
        var deepest = Blob.Pack(Nested(BlobWriter.MaxDepth));
        Assert.That(Blob.Unpack(deepest), Is.Not.Null, "everything the writer accepts reads back");
        Assert.Throws<DataJointException>(() => Blob.Pack(Nested(BlobWriter.MaxDepth + 1)));
        Assert.That(BlobReadOptions.Default.MaxDepth, Is.EqualTo(BlobWriter.MaxDepth));

        var t = await Schema.DeclareAsync("Deep", TableTier.Manual, "id : int32\n---\nv : <blob>");
        await t.Insert1Async(new { id = 1, v = Nested(BlobWriter.MaxDepth) });
        var deep = await Assert.ThrowsAsync<CodecException>(() => t.Insert1Async(new { id = 2, v = Nested(BlobWriter.MaxDepth + 1) }));
        Assert.That((deep!.Table, deep.Attribute, deep.Codec, deep.Operation), Is.EqualTo(("deep", "v", "blob", CodecOperation.Encode)));
        Assert.That(deep.Message, Does.Contain("nests deeper than 1000 levels"));
        var rows = await t.FetchAsync();
        Assert.That(rows, Has.Count.EqualTo(1), "the too-deep row was never written; the table still fetches");
        var level = rows[0]["v"];
        for (var i = 0; i < BlobWriter.MaxDepth; i++) level = ((System.Collections.IList)level!)[0];
        Assert.That(level, Is.EqualTo(1.5));
    }

    [Test]
    public async Task UnpairedSurrogates_AreRefused_NothingWritten()
    {
        var t = await Schema.DeclareAsync("Text", TableTier.Manual, "id : int32\n---\nname : varchar(32)\nmeta = null : json\nv = null : <blob>");
        var lone = "ab\uD800cd";
        var ex = await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { id = 1, name = lone }));
        Assert.That(ex!.Message, Does.Contain("`name`").And.Contain("unpaired UTF-16 surrogate at index 2"));
        Assert.That((ex.Schema, ex.Table, ex.Attribute), Is.EqualTo((Schema.Database, "text", "name")));
        await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { id = 1, name = "ok", meta = new { label = lone } }));
        await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { id = 1, name = "ok", meta = lone }));
        var blob = await Assert.ThrowsAsync<CodecException>(() => t.Insert1Async(new { id = 1, name = "ok", v = lone }));
        Assert.That((blob!.Table, blob.Attribute, blob.Codec), Is.EqualTo(("text", "v", "blob")));
        Assert.That(blob.Message, Does.Contain("unpaired UTF-16 surrogate"));
        Assert.Throws<DataJointException>(() => _ = t & new { name = "\uDC00" });
        Assert.That(await RawCountAsync("text"), Is.Zero);
        // a valid pair (an emoji) is fine
        await t.Insert1Async(new { id = 1, name = "ok \U0001F600", meta = new { label = "\U0001F600" } });
        Assert.That(await t.Fetch1Async<string>("name"), Is.EqualTo("ok \U0001F600"));
        // dictionary keys are checked too, and a dictionary with valid keys is serialized (DataJoint's JSON context)
        await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new { id = 2, name = "k", meta = new Dictionary<string, object?> { [lone] = 1 } }));
        await t.Insert1Async(new { id = 3, name = "dict", meta = new Dictionary<string, object?> { ["gain"] = 2.5, ["tags"] = new[] { "a" } } });
        var meta = (System.Text.Json.JsonElement)(await t.Restrict(new { id = 3 }).Fetch1Async())["meta"]!;
        Assert.That((meta.GetProperty("gain").GetDouble(), meta.GetProperty("tags")[0].GetString()), Is.EqualTo((2.5, "a")));
    }

    private async Task<(Table Parent, Table Child, Schema Other)> CrossSchemaAsync()
    {
        var parent = await Schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        var other = await NewSchemaAsync("tablesafety_other");
        // a table in another schema that references this schema's table (by its SQL name through a raw FK)
        await ExecAsync($"CREATE TABLE `{other.Database}`.`session` (subject_id int NOT NULL, session_idx int NOT NULL, " +
                        $"PRIMARY KEY (subject_id, session_idx), FOREIGN KEY (subject_id) REFERENCES `{Schema.Database}`.`subject` (subject_id))");
        var child = await other.OpenTableAsync("session");
        await parent.InsertAsync(new[] { new { subject_id = 1 }, new { subject_id = 2 } });
        await child.InsertAsync(new[] { new { subject_id = 1, session_idx = 1 }, new { subject_id = 1, session_idx = 2 }, new { subject_id = 2, session_idx = 1 } });
        return (parent, child, other);
    }

    [Test]
    public async Task DeletePreview_CountsEveryReachedTable_IncludingOtherSchemas()
    {
        var (parent, child, other) = await CrossSchemaAsync();
        var preview = await (parent & new { subject_id = 1 }).PreviewDeleteAsync();
        Assert.That(preview.Tables.Select(e => (e.Schema, e.Table, e.Rows)),
            Is.EqualTo(new[] { (Schema.Database, "subject", 1L), (other.Database, "session", 2L) }));
        Assert.That(preview.OtherSchemas, Is.EqualTo(new[] { other.Database }));
        Assert.That(preview.TotalRows, Is.EqualTo(3));
        Assert.That(preview.ToString(), Does.Contain($"Deleting 2 rows from `{other.Database}`.`session`").And.Contain("another schema"));
        Assert.That(await child.CountAsync(), Is.EqualTo(3), "a preview changes nothing");
    }

    [Test]
    public async Task Safemode_AsksBeforeCommitting_AndRefusesWithoutSomeoneToAsk()
    {
        var (parent, child, _) = await CrossSchemaAsync();
        CascadePreview? seen = null;
        var declined = await (parent & new { subject_id = 1 }).DeleteAsync(new DeleteOptions
        {
            Safemode = true,
            Confirm = (p, _) => { seen = p; return ValueTask.FromResult(false); },
        });
        Assert.That(declined, Is.Zero);
        Assert.That(seen!.Tables.Select(e => e.Rows), Is.EqualTo(new[] { 1L, 2L }), "the confirmation saw what the delete would remove");
        Assert.That((await parent.CountAsync(), await child.CountAsync()), Is.EqualTo((2L, 3L)), "declined: rolled back");

        // No callback and no console: refused, nothing deleted.
        var refused = await Assert.ThrowsAsync<SafemodeException>(() => (parent & new { subject_id = 1 }).DeleteAsync(new DeleteOptions { Safemode = true }));
        Assert.That(refused!.Message, Does.Contain("Safemode is on").And.Contain("Nothing was changed"));
        Assert.That(await child.CountAsync(), Is.EqualTo(3));

        // The connection's setting applies when the call says nothing.
        var safeConnection = new DataJointConnection(TestServices.Database) { Safemode = true, Confirm = (_, _) => ValueTask.FromResult(true) };
        var safeParent = await (await Schema.ActivateAsync(safeConnection, Schema.Database)).OpenTableAsync("subject");
        Assert.That(await (safeParent & new { subject_id = 1 }).DeleteAsync(), Is.EqualTo(1));
        Assert.That((await parent.CountAsync(), await child.CountAsync()), Is.EqualTo((1L, 1L)));
    }

    [Test]
    public async Task Drop_PreviewsAndHonoursSafemode()
    {
        var (parent, child, other) = await CrossSchemaAsync();
        var preview = await parent.PreviewDropAsync();
        Assert.That(preview.Tables.Select(e => (e.Schema, e.Table, e.Rows)),
            Is.EqualTo(new[] { (Schema.Database, "subject", 2L), (other.Database, "session", 3L) }));
        Assert.That(await parent.DropAsync(new DropOptions { Safemode = true, Confirm = (_, _) => ValueTask.FromResult(false) }), Is.False);
        Assert.That(await other.ListTablesAsync(), Does.Contain("session"));
        Assert.That(await parent.DropAsync(new DropOptions { Safemode = false }), Is.True);
        Assert.That(await other.ListTablesAsync(), Does.Not.Contain("session"));
        Assert.That(await Schema.ListTablesAsync(), Does.Not.Contain("subject"));
    }

    [Test]
    public async Task SchemaDrop_PreviewsEveryTable_AndHonoursSafemode()
    {
        var schema = await NewSchemaAsync("schemadrop");
        var subject = await schema.DeclareAsync("Subject", TableTier.Manual, "subject_id : int32");
        var session = await schema.DeclareAsync("Session", TableTier.Manual, "-> Subject\nsession_idx : int32");
        await subject.InsertAsync(new[] { new { subject_id = 1 }, new { subject_id = 2 } });
        await session.InsertAsync(new[] { new { subject_id = 1, session_idx = 1 } });

        var preview = await schema.PreviewDropAsync();
        Assert.That((preview.Operation, preview.Schema, preview.Table), Is.EqualTo((CascadePreview.DropSchema, schema.Database, "")));
        Assert.That(preview.Tables.Select(e => (e.Schema, e.Table, e.Rows)), Is.SupersetOf(new[]
        {
            (schema.Database, "subject", 2L), (schema.Database, "session", 1L),
        }));
        Assert.That(preview.Tables.Select(e => e.Table), Does.Contain("~lineage"), "DataJoint's internal tables are dropped too");
        Assert.That(preview.ReferencedBy, Is.Empty);
        Assert.That(preview.ToString(), Does.StartWith($"Dropping schema `{schema.Database}`: {preview.Tables.Count} tables, {preview.TotalRows} rows")
            .And.Contain($"Dropping `{schema.Database}`.`subject` (2 rows)"));

        // declined: nothing dropped; the confirmation saw the preview
        CascadePreview? seen = null;
        Assert.That(await schema.DropAsync(new SchemaDropOptions { Safemode = true, Confirm = (p, _) => { seen = p; return ValueTask.FromResult(false); } }),
            Is.False);
        Assert.That(seen!.Tables, Is.EqualTo(preview.Tables));
        Assert.That(await subject.CountAsync(), Is.EqualTo(2));

        // no callback and no console: refused, nothing dropped
        var refused = await Assert.ThrowsAsync<SafemodeException>(() => schema.DropAsync(new SchemaDropOptions { Safemode = true }));
        Assert.That(refused!.Message, Does.StartWith($"Safemode is on: the drop of schema `{schema.Database}` needs a confirmation")
            .And.Contain("SchemaDropOptions { Safemode = false }").And.Contain($"Dropping `{schema.Database}`.`session` (1 rows)"));
        Assert.That((refused.Schema, refused.Table), Is.EqualTo((schema.Database, (string?)null)));
        Assert.That(await subject.CountAsync(), Is.EqualTo(2));

        // the connection's safemode and confirmation apply when the call says nothing (as loaded settings' safemode would)
        var asked = 0;
        var safe = new DataJointConnection(TestServices.Database) { Safemode = true, Confirm = (_, _) => { asked++; return ValueTask.FromResult(true); } };
        Assert.That(await (await Schema.OpenAsync(safe, schema.Database)).DropAsync(), Is.True);
        Assert.That(asked, Is.EqualTo(1));
        Assert.That(Convert.ToInt64((await QueryAsync($"SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{schema.Database}'"))[0][0]),
            Is.Zero);
        // a database that is not there: nothing to drop, nobody asked
        Assert.That(await schema.DropAsync(new SchemaDropOptions { Safemode = true }), Is.False);
        Assert.That((await schema.PreviewDropAsync()).Tables, Is.Empty);
    }

    [Test]
    public async Task SchemaDrop_ReferencedFromAnotherSchema_IsRefusedBeforeAnythingIsDropped()
    {
        // MariaDB's DROP DATABASE would drop the unreferenced tables, then fail on the referenced one (error 1451).
        var (parent, child, other) = await CrossSchemaAsync();
        var lonely = await Schema.DeclareAsync("Lonely", TableTier.Manual, "lonely_id : int32");
        var preview = await Schema.PreviewDropAsync();
        Assert.That(preview.ReferencedBy.Select(e => (e.Schema, e.Table, e.Rows)), Is.EqualTo(new[] { (other.Database, "session", 3L) }));
        Assert.That(preview.ToString(), Does.Contain($"Refused: `{other.Database}`.`session` (3 rows) in another schema references this schema"));

        var ex = await Assert.ThrowsAsync<IntegrityException>(() => Schema.DropAsync(new SchemaDropOptions { Safemode = false }));
        Assert.That(ex!.Message, Is.EqualTo($"Cannot drop schema `{Schema.Database}`: tables of other schemas reference its tables: " +
                                            $"`{other.Database}`.`session`. Drop those tables (or their schemas) first. Nothing was dropped."));
        Assert.That(ex.Schema, Is.EqualTo(Schema.Database));
        Assert.That(await Schema.ListTablesAsync(), Is.SupersetOf(new[] { "subject", "lonely" }), "nothing was dropped");
        Assert.That((await parent.CountAsync(), await child.CountAsync(), await lonely.CountAsync()), Is.EqualTo((2L, 3L, 0L)));

        await other.DropAsync(new SchemaDropOptions { Safemode = false });
        Assert.That(await Schema.DropAsync(new SchemaDropOptions { Safemode = false }), Is.True);
    }
}
