using DataJoint.Declare;
using DataJoint.Definitions;

using DataJoint.Dialects;
namespace DataJoint.Runtime.Tests.Declare;

/// <summary>Golden DDL strings of spec §9 (cases 1-9, 23, 24), produced by DataJoint Python at 8e6ef316.</summary>
public class DdlCompilerTests
{
    private static readonly StubParents NoParents = new();

    private static DeclareResult Compile(string definition, string table = "t", IForeignKeyResolver? parents = null, DeclareOptions? options = null) =>
        DdlCompiler.Compile("lab", table, definition, parents ?? NoParents, StubCodecs.Instance, options);

    private static string ColumnDdl(string line)
    {
        var r = Compile("id : int32\n---\n" + line);
        Assert.That(r.Errors, Is.Empty, string.Join("\n", r.Errors));
        return r.Columns[1].Ddl;
    }

    // ---------------------------------------------------------------- case 1: core type DDL

    [TestCase("x = 5 : int32 # c", "`x` int NOT NULL DEFAULT '5' COMMENT \":int32:c\"")]
    [TestCase("uid = null : uuid", "`uid` binary(16) DEFAULT NULL COMMENT \":uuid:\"")]
    [TestCase("flag : bool", "`flag` tinyint NOT NULL COMMENT \":bool:\"")]
    [TestCase("n : int unsigned", "`n` int unsigned NOT NULL")]
    [TestCase("v : varchar(64)", "`v` varchar(64) NOT NULL COMMENT \":varchar(64):\"")]
    [TestCase("e : enum('a','b')", "`e` enum('a','b') NOT NULL COMMENT \":enum('a','b'):\"")]
    [TestCase("j : json", "`j` json NOT NULL COMMENT \":json:\"")]
    [TestCase("d : decimal(8,2)", "`d` decimal(8,2) NOT NULL COMMENT \":decimal(8,2):\"")]
    [TestCase("b : bytes", "`b` longblob NOT NULL COMMENT \":bytes:\"")]
    [TestCase("s : date", "`s` date NOT NULL COMMENT \":date:\"")]
    [TestCase("q = 0.5 : float32 # score \"q\"", "`q` float NOT NULL DEFAULT '0.5' COMMENT \":float32:score \\\"q\\\"\"")]
    [TestCase("w : double  # native", "`w` double NOT NULL COMMENT \"native\"")]
    public void Case1CoreTypeDdl(string line, string ddl) => Assert.That(ColumnDdl(line), Is.EqualTo(ddl));

    // ---------------------------------------------------------------- case 2: default quoting

    [TestCase("label = \"none\" : varchar(64)", "`label` varchar(64) NOT NULL DEFAULT 'none' COMMENT \":varchar(64):\"")]
    [TestCase("x = \"it's\" : varchar(9)", "`x` varchar(9) NOT NULL DEFAULT 'it''s' COMMENT \":varchar(9):\"")]
    [TestCase("x=CURRENT_TIMESTAMP(3) : datetime(3)", "`x` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT \":datetime(3):\"")]
    [TestCase("x = 'a' : varchar(9)", "`x` varchar(9) NOT NULL DEFAULT 'a' COMMENT \":varchar(9):\"")]
    [TestCase("x = mouse : varchar(9)", "`x` varchar(9) NOT NULL DEFAULT 'mouse' COMMENT \":varchar(9):\"")]
    public void Case2DefaultQuoting(string line, string ddl) => Assert.That(ColumnDdl(line), Is.EqualTo(ddl));

    [Test]
    public void Case2BlobDefaultIsAnError()
    {
        var r = Compile("id : int32\n---\nx = 'a' : <blob>");
        var e = r.Errors.Single();
        Assert.That((e.Code, e.Message), Is.EqualTo((DefinitionErrorCode.BlobDefault, "The default value for blob attributes can only be NULL in:\nx = 'a' : <blob>")));
        Assert.That(r.Sql, Is.Null);
        Assert.That(Compile("id : int32\n---\nx = null : <blob>").Errors, Is.Empty);
        Assert.That(Compile("id : int32\n---\nx = 'a' : <blob@main>").Errors, Is.Empty, "json-backed codec columns are not covered by the blob rule");
    }

    // ---------------------------------------------------------------- case 3: codec column markers

    [TestCase("img : <blob>", "`img` longblob NOT NULL COMMENT \":<blob>:\"")]
    [TestCase("big : <blob@main>", "`big` json NOT NULL COMMENT \":<blob@main>:\"")]
    [TestCase("b0 : <blob@>", "`b0` json NOT NULL COMMENT \":<blob@>:\"")]
    [TestCase("att : <attach@main>", "`att` json NOT NULL COMMENT \":<attach@main>:\"")]
    [TestCase("att2 : <attach>", "`att2` longblob NOT NULL COMMENT \":<attach>:\"")]
    [TestCase("h : <hash@main>", "`h` json NOT NULL COMMENT \":<hash@main>:\"")]
    [TestCase("o : <object@main> # raw", "`o` json NOT NULL COMMENT \":<object@main>:raw\"")]
    [TestCase("f : <filepath@raw>", "`f` json NOT NULL COMMENT \":<filepath@raw>:\"")]
    [TestCase("g2 = null : <graph>", "`g2` longblob DEFAULT NULL COMMENT \":<graph>:\"")]
    [TestCase("g : <graph@main>", "`g` json NOT NULL COMMENT \":<graph@main>:\"")]
    [TestCase("lbl = \"x\" : <label>", "`lbl` varchar(32) NOT NULL DEFAULT 'x' COMMENT \":<label>:\"")]
    public void Case3CodecMarkers(string line, string ddl) => Assert.That(ColumnDdl(line), Is.EqualTo(ddl));

    [Test]
    public void Case3ExternalStoresAreCollected()
    {
        var r = Compile("id : int32\n---\na : <blob@main>\nb : <npy@main>\nc : <blob@>\nd : <object@raw>");
        Assert.That(r.ExternalStores, Is.EqualTo(new[] { "main", "raw" }));
        var a = r.Columns.Single(c => c.Name == "a");
        Assert.That((a.CodecName, a.CodecStore, a.OriginalType, a.StoredComment), Is.EqualTo(("blob", "main", "<blob@main>", ":<blob@main>:")));
    }

    // ---------------------------------------------------------------- case 4: store-mode errors (resolver text, span of the spec)

    [TestCase("x : <hash>", "<hash> requires @ (in-store storage only)", "<hash>")]
    [TestCase("x : <object>", "<object> requires @ (store only)", "<object>")]
    [TestCase("x : <filepath>  # f", "<filepath> requires @ symbol. Use <filepath@> for default store or <filepath@store> to specify store.", "<filepath>")]
    [TestCase("x : <nope@s>", "Codec <nope> is not registered. Define a Codec subclass with name='nope'.", "<nope@s>")]
    [TestCase("x : <weird>", "Invalid dtype 'geometry' in codec <weird>.", "<weird>")]
    public void Case4StoreModeErrors(string line, string message, string span)
    {
        var text = "id : int32\n---\n" + line;
        var r = Compile(text);
        var e = r.Errors.Single();
        Assert.That((e.Code, e.Message, text.Substring(e.Start, e.Length), e.Line, e.Column),
            Is.EqualTo((DefinitionErrorCode.CodecError, message, span, 2, 4)));
    }

    [Test]
    public void Case4CodecInPrimaryKey()
    {
        var e = Compile("x : <blob>").Errors.Single();
        Assert.That((e.Code, e.Message), Is.EqualTo((DefinitionErrorCode.BlobOrJsonInPrimaryKey, "Blob or JSON attributes are not allowed in the primary key")));
        Assert.That(Compile("x : <label>").Errors, Is.Empty);
    }

    [Test]
    public void NoCodecResolverMeansUnregistered()
    {
        var r = DdlCompiler.Compile("lab", "t", "id : int32\n---\nx : <blob>", null, null);
        Assert.That(r.Errors.Single().Message, Is.EqualTo("Codec <blob> is not registered. Define a Codec subclass with name='blob'."));
    }

    // ---------------------------------------------------------------- case 5: CREATE TABLE layout

    [Test]
    public void Case5CreateTableByteForByte()
    {
        var definition = """
            # Recording sessions
            subject_id : int32               # subject
            session_date : date
            ---
            quality = 0.5 : float32          # score "q"
            uid = null : uuid
            big : <blob@main>
            n : int unsigned
            unique index (note)
            """;
        var r = DdlCompiler.Compile("myschema", "session", definition, null, StubCodecs.Instance);
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Sql, Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `myschema`.`session` (\n" +
            "`subject_id` int NOT NULL COMMENT \":int32:subject\",\n" +
            "`session_date` date NOT NULL COMMENT \":date:\",\n" +
            "`quality` float NOT NULL DEFAULT '0.5' COMMENT \":float32:score \\\"q\\\"\",\n" +
            "`uid` binary(16) DEFAULT NULL COMMENT \":uuid:\",\n" +
            "`big` json NOT NULL COMMENT \":<blob@main>:\",\n" +
            "`n` int unsigned NOT NULL,\n" +
            "PRIMARY KEY (`subject_id`, `session_date`),\n" +
            "unique index (`note`)\n" +
            ") ENGINE=InnoDB, COMMENT \"Recording sessions\""));
        Assert.That(r.PrimaryKey, Is.EqualTo(new[] { "subject_id", "session_date" }));
        var w = r.Warnings.Single();
        Assert.That((w.Code, w.Message, definition.Substring(w.Start, w.Length)), Is.EqualTo((DefinitionErrorCode.NativeTypeWarning,
            "Native type 'int unsigned' is used in attribute 'n'. Consider using a core DataJoint type for better portability.", "int unsigned")));
        Assert.That(r.Columns.Single(c => c.Name == "quality").StoredComment, Is.EqualTo(":float32:score \"q\""));
    }

    [Test]
    public void TableWithoutCommentEndsWithEngine()
    {
        var r = Compile("id : int32");
        Assert.That(r.Sql, Is.EqualTo("CREATE TABLE IF NOT EXISTS `lab`.`t` (\n`id` int NOT NULL COMMENT \":int32:\",\nPRIMARY KEY (`id`)\n) ENGINE=InnoDB"));
    }

    [Test]
    public void IndexesKeepWrittenOrderAfterForeignKeys()
    {
        var parents = new StubParents().Add("A", new ForeignKeyParent("lab", "a", new[] { new ParentKeyAttribute("a_id", "int", "int32", "", "lab.a.a_id") }));
        var r = Compile("id : int32\n---\nx : int32\ny : int32\nindex(x, y)\n-> [unique] A\nINDEX (y)", parents: parents);
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Sql, Does.EndWith(
            "PRIMARY KEY (`id`),\n" +
            "FOREIGN KEY (`a_id`) REFERENCES `lab`.`a` (`a_id`) ON UPDATE CASCADE ON DELETE RESTRICT,\n" +
            "index (`x`,`y`),\n" +
            "UNIQUE INDEX (`a_id`),\n" +
            "index (`y`)\n" +
            ") ENGINE=InnoDB"));
    }

    // ---------------------------------------------------------------- case 6: singleton

    [Test]
    public void Case6SingletonTable()
    {
        var r = Compile("---\nx : int32");
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Sql, Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `lab`.`t` (\n" +
            "`_singleton` tinyint NOT NULL DEFAULT TRUE COMMENT \":bool:singleton primary key\",\n" +
            "`x` int NOT NULL COMMENT \":int32:\",\n" +
            "PRIMARY KEY (`_singleton`)\n" +
            ") ENGINE=InnoDB"));
        Assert.That((r.Columns[0].IsHidden, r.Columns[0].InPrimaryKey), Is.EqualTo((true, true)));
        Assert.That(r.Lineage, Is.Empty, "hidden columns get no lineage");
    }

    // ---------------------------------------------------------------- case 7: job metadata

    private static readonly StubParents SubjectParent = new StubParents().Add("Subject",
        new ForeignKeyParent("lab", "subject", new[] { new ParentKeyAttribute("subject_id", "int", "int32", "subject id", "lab.subject.subject_id") }));

    [TestCase("__analysis", true)]
    [TestCase("_imp__part", true)]
    [TestCase("_imp", true)]
    [TestCase("__analysis__unit", false)]
    [TestCase("#lookup", false)]
    [TestCase("manual", false)]
    public void Case7JobMetadataColumns(string table, bool expected)
    {
        var on = new DeclareOptions { AddJobMetadata = true };
        var r = Compile("-> Subject\n---\nx : int32", table, SubjectParent, on);
        Assert.That(r.Errors, Is.Empty);
        const string jobColumns = "`_job_start_time` datetime(3) DEFAULT NULL,\n`_job_duration` float DEFAULT NULL,\n`_job_version` varchar(64) DEFAULT '',\n";
        Assert.That(r.Sql!.Contains("`x` int NOT NULL COMMENT \":int32:\",\n" + jobColumns + "PRIMARY KEY (`subject_id`)"), Is.EqualTo(expected), r.Sql);
        Assert.That(r.Sql!.Contains("_job_"), Is.EqualTo(expected));
        var off = Compile("-> Subject\n---\nx : int32", table, SubjectParent);
        Assert.That(off.Sql, Does.Not.Contain("_job_"));
    }

    [Test]
    public void AutoPopulatedTablesNeedForeignKeyPrimaryKeys()
    {
        var text = "-> Subject\nrun : int16\nrep : int8\n---\nx : int32";
        var r = Compile(text, "__analysis", SubjectParent);
        var e = r.Errors.Single();
        Assert.That(e.Code, Is.EqualTo(DefinitionErrorCode.NonForeignKeyPrimaryKey));
        Assert.That(e.Message, Does.StartWith("Auto-populated table `__analysis` has non-FK primary key attribute(s): run, rep. Computed and Imported tables must derive all primary key attributes from foreign key references."));
        Assert.That(text.Substring(e.Start, e.Length), Is.EqualTo("run"));
        Assert.That(Compile(text, "__analysis", SubjectParent, new DeclareOptions { AllowNewPrimaryKeyFieldsInComputedTables = true }).Errors, Is.Empty);
        Assert.That(Compile(text, "__analysis__unit", SubjectParent).Errors, Is.Empty, "parts are not checked");
        Assert.That(Compile(text, "session", SubjectParent).Errors, Is.Empty);
    }

    // ---------------------------------------------------------------- case 8: naming + length

    [Test]
    public void Case8TableNameTooLong()
    {
        var name = new string('a', 65);
        var e = Compile("id : int32", name).Errors.Single();
        Assert.That((e.Code, e.Message, e.HasLocation), Is.EqualTo((DefinitionErrorCode.TableNameTooLong, "Table name `" + name + "` exceeds the max length of 64", false)));
        Assert.That(Compile("id : int32", new string('a', 64)).Errors, Is.Empty);
    }

    // ---------------------------------------------------------------- case 9: FK inheritance

    private static StubParents LabParents() => new StubParents()
        .Add("Subject", new ForeignKeyParent("lab", "subject", new[] { new ParentKeyAttribute("subject_id", "int", "int32", "subject id", "lab.subject.subject_id") }))
        .Add("Item", new ForeignKeyParent("lab", "#item", new[] { new ParentKeyAttribute("item", "binary(16)", "uuid", "item \"id\"", "lab.#item.item") }))
        .Add("User", new ForeignKeyParent("common", "user", new[] { new ParentKeyAttribute("user_id", "varchar(16)", "varchar(16)", "", "common.user.user_id") }));

    [Test]
    public void Case9ForeignKeyInheritance()
    {
        var r = Compile("-> Subject\n---\nnote : varchar(8)", "session", LabParents());
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Sql, Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `lab`.`session` (\n" +
            "`subject_id` int NOT NULL COMMENT \"subject id\",\n" +
            "`note` varchar(8) NOT NULL COMMENT \":varchar(8):\",\n" +
            "PRIMARY KEY (`subject_id`),\n" +
            "FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT\n" +
            ") ENGINE=InnoDB"));
        var col = r.Columns[0];
        Assert.That((col.FromForeignKey, col.OriginalType, col.InPrimaryKey), Is.EqualTo((true, (string?)null, true)));
    }

    [Test]
    public void Case9UuidParentKeepsMarker()
    {
        var r = Compile("-> Item", "x", LabParents());
        Assert.That(r.Columns[0].Ddl, Is.EqualTo("`item` binary(16) NOT NULL COMMENT \":uuid:item \\\"id\\\"\""));
        Assert.That(r.Columns[0].OriginalType, Is.EqualTo("uuid"));
    }

    [Test]
    public void Case9NullableForeignKey()
    {
        var r = Compile("id : int32\n---\n-> [nullable] User", "x", LabParents());
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Columns[1].Ddl, Is.EqualTo("`user_id` varchar(16)"));
        Assert.That(r.Columns[1].IsNullable, Is.True);
        Assert.That(r.Sql, Does.Contain("FOREIGN KEY (`user_id`) REFERENCES `common`.`user` (`user_id`) ON UPDATE CASCADE ON DELETE RESTRICT"));
    }

    [Test]
    public void Case9ProjRename()
    {
        var r = Compile("-> Subject.proj(owner_id='subject_id')\n-> Subject", "pair", LabParents());
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Sql, Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `lab`.`pair` (\n" +
            "`owner_id` int NOT NULL COMMENT \"subject id\",\n" +
            "`subject_id` int NOT NULL COMMENT \"subject id\",\n" +
            "PRIMARY KEY (`owner_id`, `subject_id`),\n" +
            "FOREIGN KEY (`owner_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT,\n" +
            "FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject` (`subject_id`) ON UPDATE CASCADE ON DELETE RESTRICT\n" +
            ") ENGINE=InnoDB"));
        Assert.That(r.Lineage.Select(l => (l.AttributeName, l.Lineage)),
            Is.EqualTo(new[] { ("owner_id", "lab.subject.subject_id"), ("subject_id", "lab.subject.subject_id") }));
    }

    [Test]
    public void AlreadyDeclaredColumnsJoinTheConstraintOnly()
    {
        var r = Compile("subject_id : int32\n---\n-> Subject", "x", LabParents());
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.Columns.Select(c => c.Name), Is.EqualTo(new[] { "subject_id" }));
        Assert.That(r.Sql, Does.Contain("FOREIGN KEY (`subject_id`) REFERENCES `lab`.`subject`"));
    }

    [Test]
    public void ForeignKeyResolutionErrors()
    {
        var text = "-> Nope  # c\n---\nx : int32";
        var e = Compile(text, "x", LabParents()).Errors.Single();
        Assert.That((e.Code, e.Message, text.Substring(e.Start, e.Length)),
            Is.EqualTo((DefinitionErrorCode.UnresolvedReference, "Foreign key reference Nope could not be resolved", "Nope")));

        var dup = "-> Subject\n---\nsubject_id : int16";
        var d = Compile(dup, "x", LabParents()).Errors.Single();
        Assert.That((d.Code, dup.Substring(d.Start, d.Length)), Is.EqualTo((DefinitionErrorCode.DuplicateAttribute, "subject_id")));

        var warn = Compile("-> Subject.proj(a='zzz')", "x", LabParents());
        Assert.That(warn.Errors, Is.Empty);
        Assert.That(warn.Warnings.Single().Code, Is.EqualTo(DefinitionErrorCode.RenameIgnoredWarning));
    }

    [Test]
    public void ParentFromStoredColumns()
    {
        var parents = new StubParents().Add("Subject", new ForeignKeyParent("lab", "subject", new[]
        {
            ParentKeyAttribute.FromStoredColumn("subject_id", "int(11)", ":int32:subject id", "lab.subject.subject_id"),
            ParentKeyAttribute.FromStoredColumn("uid", "binary(16)", ":uuid:", null),
        }));
        var r = Compile("-> Subject", "x", parents);
        Assert.That(r.Columns.Select(c => c.Ddl), Is.EqualTo(new[]
        {
            "`subject_id` int NOT NULL COMMENT \"subject id\"",
            "`uid` binary(16) NOT NULL COMMENT \":uuid:\"",
        }));
    }

    [Test]
    public void MissingParentLineageFallsBackWithWarning()
    {
        var parents = new StubParents().Add("P", new ForeignKeyParent("other", "p", new[] { new ParentKeyAttribute("p_id", "int", null, "", null) }));
        var r = Compile("-> P", "c", parents);
        Assert.That(r.Lineage.Single(), Is.EqualTo(new LineageRow("c", "p_id", "other.p.p_id")));
        Assert.That(r.Warnings.Single().Code, Is.EqualTo(DefinitionErrorCode.MissingLineageWarning));
    }

    // ---------------------------------------------------------------- case 23: ~lineage

    [Test]
    public void Case23LineageRows()
    {
        var subject = DdlCompiler.Compile("lab", "subject", "subject_id : int32", null, StubCodecs.Instance);
        Assert.That(subject.Lineage, Is.EqualTo(new[] { new LineageRow("subject", "subject_id", "lab.subject.subject_id") }));

        var user = DdlCompiler.Compile("lab", "user", "user_id : varchar(16)", null, StubCodecs.Instance);
        var parents = new StubParents().AddDeclared("Subject", subject).AddDeclared("User", user);
        var session = DdlCompiler.Compile("lab", "session", "-> Subject\nsession_idx : int16\n---\n-> [nullable] User\nnote : varchar(9)", parents, StubCodecs.Instance);
        Assert.That(session.Errors, Is.Empty);
        Assert.That(session.Lineage, Is.EqualTo(new[]
        {
            new LineageRow("session", "subject_id", "lab.subject.subject_id"),
            new LineageRow("session", "session_idx", "lab.session.session_idx"),
            new LineageRow("session", "user_id", "lab.user.user_id"),
        }));

        var computed = DdlCompiler.Compile("lab", "__analysis", "-> Subject\nx : int32", parents, StubCodecs.Instance,
            new DeclareOptions { AllowNewPrimaryKeyFieldsInComputedTables = true });
        Assert.That(computed.Lineage.Last(), Is.EqualTo(new LineageRow("__analysis", "x", "lab.__analysis.x")));
    }

    [Test]
    public void Case23LineageTableDdlAndStatements()
    {
        Assert.That(LineageSql.CreateTable("lab"), Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `lab`.`~lineage` (\n" +
            "`table_name` VARCHAR(64) NOT NULL COMMENT \"table name within the schema\",\n" +
            "`attribute_name` VARCHAR(64) NOT NULL COMMENT \"attribute name\",\n" +
            "`lineage` VARCHAR(255) NOT NULL COMMENT \"origin: schema.table.attribute\",\n" +
            "PRIMARY KEY (`table_name`, `attribute_name`)\n" +
            ") ENGINE=InnoDB"));
        Assert.That(LineageSql.Upsert("lab", 2), Is.EqualTo(
            "INSERT INTO `lab`.`~lineage` (`table_name`, `attribute_name`, `lineage`) VALUES (@t0, @a0, @l0), (@t1, @a1, @l1) " +
            "ON DUPLICATE KEY UPDATE table_name = VALUES(table_name), attribute_name = VALUES(attribute_name), lineage = VALUES(lineage)"));
        Assert.That(LineageSql.DeleteForTable("lab"), Is.EqualTo("DELETE FROM `lab`.`~lineage` WHERE `table_name` = @table_name"));
    }

    // ---------------------------------------------------------------- case 24: job table

    [Test]
    public void Case24JobTableDdl()
    {
        var r = JobTableDdl.Compile("lab", "__analysis", new[] { ("subject_id", "int"), ("item", "uuid") });
        Assert.That(r.Errors, Is.Empty);
        Assert.That(r.TableName, Is.EqualTo("~~analysis"));
        Assert.That(r.Sql, Is.EqualTo(
            "CREATE TABLE IF NOT EXISTS `lab`.`~~analysis` (\n" +
            "`subject_id` int NOT NULL,\n" +
            "`item` binary(16) NOT NULL COMMENT \":uuid:\",\n" +
            "`status` enum('pending', 'reserved', 'success', 'error', 'ignore') NOT NULL COMMENT \":enum('pending', 'reserved', 'success', 'error', 'ignore'):\",\n" +
            "`priority` tinyint NOT NULL COMMENT \":int8:\",\n" +
            "`created_time` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT \":datetime(3):\",\n" +
            "`scheduled_time` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT \":datetime(3):\",\n" +
            "`reserved_time` datetime(3) DEFAULT NULL COMMENT \":datetime(3):\",\n" +
            "`completed_time` datetime(3) DEFAULT NULL COMMENT \":datetime(3):\",\n" +
            "`duration` double DEFAULT NULL COMMENT \":float64:\",\n" +
            "`error_message` varchar(2047) NOT NULL DEFAULT '' COMMENT \":varchar(2047):\",\n" +
            "`error_stack` longblob DEFAULT NULL COMMENT \":<blob>:\",\n" +
            "`user` varchar(255) NOT NULL DEFAULT '' COMMENT \":varchar(255):\",\n" +
            "`host` varchar(255) NOT NULL DEFAULT '' COMMENT \":varchar(255):\",\n" +
            "`pid` int NOT NULL DEFAULT '0' COMMENT \":int32:\",\n" +
            "`connection_id` bigint NOT NULL DEFAULT '0' COMMENT \":int64:\",\n" +
            "`version` varchar(64) NOT NULL DEFAULT '' COMMENT \":varchar(64):\",\n" +
            "PRIMARY KEY (`subject_id`, `item`),\n" +
            "index (`status`,`priority`,`scheduled_time`)\n" +
            ") ENGINE=InnoDB, COMMENT \"Job queue for `lab`.`__analysis`\""));
    }

    [Test]
    public void JobTableNames()
    {
        Assert.That(TableNaming.JobTableName("__analysis"), Is.EqualTo("~~analysis"));
        Assert.That(TableNaming.JobTableName("_raw"), Is.EqualTo("~~raw"));
    }

    // ---------------------------------------------------------------- runtime exception text

    [Test]
    public void FailedDeclareThrowsDataJointExceptionWithLocation()
    {
        var r = Compile("id : int32\n---\n  x : uint8  # c", "session");
        var ex = Assert.Throws<DataJointException>(() => r.ThrowIfFailed());
        Assert.That(ex!.Message, Is.EqualTo("Unsupported attribute type uint8 [DJ1001, table `lab`.`session`, definition line 3, column 7]"));
    }
}
