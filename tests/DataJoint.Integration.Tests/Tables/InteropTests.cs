using System.Text.Json;

namespace DataJoint.Integration.Tests.Tables;

/// <summary>
/// Tables written the way DataJoint Python writes them (raw DDL with comment markers, ~lineage rows) open through
/// the dynamic API; codec columns go through the codec registry; unknown codecs fail only when used.
/// </summary>
public class InteropTests : SchemaFixture
{
    protected override string Purpose => "interop";

    private async Task CreatePythonTablesAsync()
    {
        var db = Schema.Database;
        // DDL as DataJoint Python 2.x emits it (spec §2.10, §3.4); MariaDB turns json into longtext.
        await ExecAsync($"""
            CREATE TABLE IF NOT EXISTS `{db}`.`subject` (
            `subject_id` int NOT NULL COMMENT ":int32:subject",
            `species` varchar(64) NOT NULL COMMENT ":varchar(64):",
            PRIMARY KEY (`subject_id`)
            ) ENGINE=InnoDB, COMMENT "Subjects"
            """);
        await ExecAsync($"""
            CREATE TABLE IF NOT EXISTS `{db}`.`__recording` (
            `subject_id` int NOT NULL COMMENT "subject",
            `session_date` date NOT NULL COMMENT ":date:",
            `quality` float NOT NULL DEFAULT '0.5' COMMENT ":float32:score \"q\"",
            `uid` binary(16) DEFAULT NULL COMMENT ":uuid:",
            `meta` json DEFAULT NULL COMMENT ":json:",
            `flag` tinyint NOT NULL DEFAULT 0 COMMENT ":bool:",
            `n` int unsigned NOT NULL,
            `legacy` int NOT NULL DEFAULT 0 COMMENT ":uint32:old alias",
            `mystery` longblob DEFAULT NULL COMMENT ":<zzz>:unknown codec",
            `point` json DEFAULT NULL COMMENT ":<tblpoint>:",
            `secret` longblob DEFAULT NULL COMMENT ":<tblrev>:",
            `_job_start_time` datetime(3) DEFAULT NULL,
            PRIMARY KEY (`subject_id`,`session_date`),
            FOREIGN KEY (`subject_id`) REFERENCES `{db}`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT
            ) ENGINE=InnoDB, COMMENT "Recording sessions"
            """);
        await ExecAsync($"""
            CREATE TABLE IF NOT EXISTS `{db}`.`~lineage` (
            `table_name` VARCHAR(64) NOT NULL COMMENT "table name within the schema",
            `attribute_name` VARCHAR(64) NOT NULL COMMENT "attribute name",
            `lineage` VARCHAR(255) NOT NULL COMMENT "origin: schema.table.attribute",
            PRIMARY KEY (`table_name`, `attribute_name`)
            ) ENGINE=InnoDB
            """);
        await ExecAsync($"INSERT INTO `{db}`.`~lineage` VALUES ('subject','subject_id','{db}.subject.subject_id'), " +
                        $"('__recording','subject_id','{db}.subject.subject_id'), ('__recording','session_date','{db}.__recording.session_date')");
        await ExecAsync($"INSERT INTO `{db}`.`subject` VALUES (1, 'mouse')");
        await ExecAsync($"INSERT INTO `{db}`.`__recording` (subject_id, session_date, quality, uid, meta, flag, n, mystery, point) VALUES " +
                        "(1, '2024-01-02', 0.25, X'12345678123456781234567812345678', '{\"k\": [1, 2]}', 1, 4000000000, X'00', '{\"xy\": [1.5, -2]}')");
    }

    [Test]
    public async Task PythonWrittenTable_Opens_WithHeadingFromCommentMarkers_Case10()
    {
        await CreatePythonTablesAsync();
        Assert.That(await Schema.ListTablesAsync(), Is.EquivalentTo(new[] { "subject", "__recording" }));
        var t = await Schema.OpenTableAsync("__recording");
        Assert.That(t.Tier, Is.EqualTo(TableTier.Computed));
        var h = t.Heading;
        Assert.That(h.Names, Is.EqualTo(new[] { "subject_id", "session_date", "quality", "uid", "meta", "flag", "n", "legacy", "mystery", "point", "secret" }));
        Assert.That(t.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_date" }));
        Assert.Multiple(() =>
        {
            Assert.That(h["subject_id"].Kind, Is.EqualTo(AttributeKind.Int32));
            Assert.That(h["subject_id"].Comment, Is.EqualTo("subject"));
            Assert.That(h["quality"].Type, Is.EqualTo("float32"));
            Assert.That(h["quality"].Comment, Is.EqualTo("score \"q\""));
            Assert.That(h["uid"].Kind, Is.EqualTo(AttributeKind.Uuid));
            Assert.That(h["meta"].Kind, Is.EqualTo(AttributeKind.Json), "MariaDB reports longtext; the :json: marker decides");
            Assert.That(h["flag"].Kind, Is.EqualTo(AttributeKind.Bool));
            Assert.That(h["n"].Kind, Is.EqualTo(AttributeKind.UInt32));
            Assert.That(h["legacy"].Type, Is.EqualTo("uint32"));
            Assert.That(h["legacy"].Kind, Is.EqualTo(AttributeKind.Int32), "unknown alias: native type");
            Assert.That(h["mystery"].Codec, Is.EqualTo("<zzz>"));
            Assert.That(h["mystery"].Comment, Is.EqualTo("unknown codec"));
            Assert.That(h["point"].Kind, Is.EqualTo(AttributeKind.Json));
            Assert.That(t.TableHeading.AllAttributes.Select(a => a.Name), Does.Contain("_job_start_time"));
            Assert.That(t.TableHeading.ForeignKeys.Single().ParentTable, Is.EqualTo("subject"));
        });

        var row = await t.Fetch1Async(new FetchOptions { Attributes = ["subject_id", "session_date", "quality", "uid", "meta", "flag", "n", "point"] });
        Assert.That(row["session_date"], Is.EqualTo(new DateOnly(2024, 1, 2)));
        Assert.That(row["quality"], Is.EqualTo(0.25f));
        Assert.That(row["uid"], Is.EqualTo(Guid.Parse("12345678-1234-5678-1234-567812345678")));
        Assert.That(((JsonElement)row["meta"]!).GetProperty("k")[1].GetInt32(), Is.EqualTo(2));
        Assert.That(row["flag"], Is.EqualTo(true));
        Assert.That(row["n"], Is.EqualTo(4_000_000_000u));
        Assert.That(row["point"], Is.EqualTo(new Point2(1.5, -2)));

        // The unknown codec fails only when its column is used.
        var ex = await Assert.ThrowsAsync<DataJointException>(() => t.FetchAsync());
        Assert.That(ex!.Message, Does.StartWith("Codec <zzz> is not registered. Define a Codec subclass with name='zzz'."));
        var ins = await Assert.ThrowsAsync<DataJointException>(() => t.Insert1Async(new
        {
            subject_id = 1, session_date = new DateOnly(2024, 1, 3), n = 1u, mystery = new byte[] { 1 },
        }, Direct));
        Assert.That(ins!.Message, Does.StartWith("Codec <zzz> is not registered"));
    }

    /// <summary>`__recording` is a Computed table: rows written here outside a make need the explicit override, as in Python.</summary>
    private static readonly InsertOptions Direct = new() { AllowDirectInsert = true };

    [Test]
    public async Task PythonWrittenTable_AcceptsRowsFromDotNet_ThroughCodecs()
    {
        await CreatePythonTablesAsync();
        var t = await Schema.OpenTableAsync("__recording");
        var uid = Guid.NewGuid();
        await t.Insert1Async(new
        {
            subject_id = 1, session_date = new DateOnly(2024, 2, 1), uid, meta = new { a = "ü", b = new[] { 1, 2 } }, flag = false, n = 7u,
            point = new Point2(3, 4), secret = "hidden text",
        }, Direct);
        var db = Schema.Database;
        var raw = await QueryAsync($"SELECT quality, HEX(uid), meta, point, HEX(secret) FROM `{db}`.`__recording` WHERE session_date = '2024-02-01'");
        Assert.That(raw[0][0], Is.EqualTo(0.5f), "omitted attribute takes its default");
        Assert.That(raw[0][1], Is.EqualTo(Convert.ToHexString(uid.ToByteArray(bigEndian: true))));
        using (var meta = JsonDocument.Parse((string)raw[0][2]!))
        {
            Assert.That(meta.RootElement.GetProperty("a").GetString(), Is.EqualTo("ü"));
        }
        using (var point = JsonDocument.Parse((string)raw[0][3]!))
        {
            Assert.That(point.RootElement.GetProperty("xy")[1].GetDouble(), Is.EqualTo(4));
        }
        Assert.That(raw[0][4], Is.EqualTo(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("txet neddih"))));

        var back = await t.Restrict(new { session_date = new DateOnly(2024, 2, 1) })
            .Fetch1Async(new FetchOptions { Attributes = ["point", "secret", "uid"] });
        Assert.That(back["point"], Is.EqualTo(new Point2(3, 4)));
        Assert.That(back["secret"], Is.EqualTo("hidden text"));
        Assert.That(back["uid"], Is.EqualTo(uid));
        var bad = await Assert.ThrowsAsync<CodecException>(() => t.Insert1Async(new
        {
            subject_id = 1, session_date = new DateOnly(2024, 2, 2), n = 7u, point = "not a point",
        }, Direct));
        Assert.That(bad!.Message, Does.Contain("point").And.Contain("tblpoint"));
    }

    [Test]
    public async Task DeclaringAgainstAPythonParent_ResolvesItBySqlName_AndCopiesItsLineage()
    {
        await CreatePythonTablesAsync();
        var child = await Schema.DeclareAsync("Note", TableTier.Manual, "-> Subject\nnote_id : int16\n---\ntext : varchar(255)");
        await child.Insert1Async(new { subject_id = 1, note_id = (short)1, text = "hello" });
        var joined = await (child * await Schema.OpenTableAsync("subject")).Fetch1Async();
        Assert.That(joined["species"], Is.EqualTo("mouse"));
        var lineage = await QueryAsync($"SELECT attribute_name, lineage FROM `{Schema.Database}`.`~lineage` WHERE table_name = 'note' ORDER BY attribute_name");
        Assert.That(lineage.Select(r => $"{r[0]}={r[1]}"), Is.EqualTo(new[]
        {
            $"note_id={Schema.Database}.note.note_id", $"subject_id={Schema.Database}.subject.subject_id",
        }));
    }
}

/// <summary>The built-in &lt;blob&gt; codec in a declared table: values pack into the longblob and unpack on fetch.</summary>
public class BlobColumnTests : SchemaFixture
{
    protected override string Purpose => "blobcol";

    [Test]
    public async Task BlobColumn_PacksOnInsert_UnpacksOnFetch()
    {
        var t = await Schema.DeclareAsync("Stim", TableTier.Manual, "stim_id : int32\n---\nparams = null : <blob>");
        await t.InsertAsync(new object[]
        {
            new { stim_id = 1, @params = (object)5L },
            new Dictionary<string, object?> { ["stim_id"] = 2, ["params"] = "abc" },
            new Dictionary<string, object?> { ["stim_id"] = 3, ["params"] = null },
        });
        var raw = await QueryAsync($"SELECT HEX(`params`) FROM `{Schema.Database}`.`stim` WHERE stim_id = 2");
        Assert.That(raw[0][0], Is.EqualTo("646A3000050300000000000000616263"), "spec §9 case 12: \"abc\"");
        var rows = await t.FetchAsync(new FetchOptions { OrderBy = ["stim_id"] });
        Assert.That(rows[1]["params"], Is.EqualTo("abc"));
        Assert.That(rows[2]["params"], Is.Null);
        Assert.That(Convert.ToInt64(rows[0]["params"]), Is.EqualTo(5));
        Assert.That(t.Heading["params"].Codec, Is.EqualTo("<blob>"));
    }
}

/// <summary>A store-backed codec column through a table: the object goes to the S3 store, the row holds its JSON metadata.</summary>
public class StoreColumnTests : SchemaFixture
{
    protected override string Purpose => "storecol";

    [Test]
    public async Task BlobAtStore_WritesHashObject_AndReadsItBack()
    {
        TestServices.RequireS3();
        using var stores = DataJoint.Stores.StoreProvider.FromEnvironment();
        var schema = await Schema.ActivateAsync(Connection, Schema.Database, stores: stores);
        var t = await schema.DeclareAsync("Rec", TableTier.Manual, "rec_id : int32\n---\nbig : <blob@main>");
        await t.Insert1Async(new { rec_id = 1, big = (object)5L });
        var raw = await QueryAsync($"SELECT `big` FROM `{Schema.Database}`.`rec`");
        using var meta = System.Text.Json.JsonDocument.Parse((string)raw[0][0]!);
        Assert.That(meta.RootElement.GetProperty("store").GetString(), Is.EqualTo("main"));
        Assert.That(meta.RootElement.GetProperty("hash").GetString(), Is.EqualTo("vwxmh6tkl2az5arxvlyvttcody"), "spec §9 case 16");
        Assert.That(meta.RootElement.GetProperty("path").GetString(), Is.EqualTo($"_hash/{Schema.Database}/vwxmh6tkl2az5arxvlyvttcody"));
        Assert.That(t.Heading["big"].Kind, Is.EqualTo(AttributeKind.Json));
        Assert.That(Convert.ToInt64(await t.Fetch1Async<object>("big")), Is.EqualTo(5));
    }
}
