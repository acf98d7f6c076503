using DataJoint.Definitions;
using MySqlConnector;

using DataJoint.Dialects;
namespace DataJoint.Integration.Tests.Declare;

/// <summary>
/// The DDL the definition compiler writes is accepted by MariaDB, and what MariaDB stores reads back through the
/// comment-marker reader: column types, nullability, defaults, escaped comments, foreign keys, ~lineage, job tables.
/// </summary>
public class DeclareDdlOnMariaDbTests
{
    private sealed class Codecs : IDeclareCodecTypeResolver
    {
        public CodecTypeResolution Resolve(string codecSpec)
        {
            DataJointTypes.ParseCodecSpec(codecSpec, out var name, out var store);
            return name == "blob" ? CodecTypeResolution.Success(store == null ? "bytes" : "json") : CodecTypeResolution.Failure("unknown " + name);
        }
    }

    private sealed class Parents(Dictionary<string, ForeignKeyParent> map) : IForeignKeyResolver
    {
        public ForeignKeyParent? Resolve(string reference) => map.GetValueOrDefault(reference);
    }

    private static async Task Exec(MySqlConnection conn, string sql)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<ForeignKeyParent> ReadParent(MySqlConnection conn, string schema, string table)
    {
        var key = new List<ParentKeyAttribute>();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SHOW FULL COLUMNS FROM `{table}` IN `{schema}`";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetString("Key") == "PRI")
            {
                key.Add(ParentKeyAttribute.FromStoredColumn(reader.GetString("Field"), reader.GetString("Type"), reader.GetString("Comment"), null));
            }
        }

        return new ForeignKeyParent(schema, table, key);
    }

    private static async Task<Dictionary<string, (string Type, string Null, string? Default, string Comment)>> Columns(MySqlConnection conn, string schema, string table)
    {
        var result = new Dictionary<string, (string, string, string?, string)>();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SHOW FULL COLUMNS FROM `{table}` IN `{schema}`";
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var def = reader.IsDBNull(reader.GetOrdinal("Default")) ? null : reader.GetString("Default");
            result[reader.GetString("Field")] = (reader.GetString("Type"), reader.GetString("Null"), def, reader.GetString("Comment"));
        }

        return result;
    }

    [Test]
    public async Task DeclaredTablesRoundTripThroughMariaDb()
    {
        var connection = await TestServices.RequireDatabaseAsync();
        var schema = TestServices.UniqueSchemaName("ddl");
        try
        {
            await using var conn = await connection.OpenAsync();
            await Exec(conn, $"CREATE DATABASE `{schema}`");
            await Exec(conn, LineageSql.CreateTable(schema));
            var codecs = new Codecs();
            var parents = new Dictionary<string, ForeignKeyParent>();

            var subject = DdlCompiler.Compile(schema, "subject", "# Subjects \"mice\"\nsubject_id : int32 # subject id", null, codecs);
            var item = DdlCompiler.Compile(schema, "#item", "item : uuid  # item \"id\"\n---\nlabel = \"it's\" : varchar(16)", null, codecs);
            Assert.That(subject.Errors.Concat(item.Errors), Is.Empty);
            await Exec(conn, subject.Sql!);
            await Exec(conn, item.Sql!);
            parents["Subject"] = await ReadParent(conn, schema, "subject");
            parents["Item"] = await ReadParent(conn, schema, "#item");
            Assert.That(parents["Subject"].PrimaryKey.Single().SqlType, Is.EqualTo("int"));

            var session = DdlCompiler.Compile(schema, "session", """
                # Recording sessions
                -> Subject
                session_date : date
                ---
                quality = 0.5 : float32          # score "q"
                uid = null : uuid
                big : <blob@main>
                raw = null : <blob>
                n : int unsigned
                created = CURRENT_TIMESTAMP(3) : datetime(3)
                -> [nullable, unique] Item
                -> Subject.proj(owner_id='subject_id')
                unique index (n)
                index (quality, created)
                """, new Parents(parents), codecs);
            Assert.That(session.Errors, Is.Empty);
            await Exec(conn, session.Sql!);

            var cols = await Columns(conn, schema, "session");
            Assert.That(cols.Keys, Is.EqualTo(new[] { "subject_id", "session_date", "quality", "uid", "big", "raw", "n", "created", "item", "owner_id" }));
            Assert.That(cols["subject_id"], Is.EqualTo(("int(11)", "NO", (string?)null, "subject id")).Or.EqualTo(("int", "NO", (string?)null, "subject id")));
            Assert.That(cols["quality"].Comment, Is.EqualTo(":float32:score \"q\""));
            Assert.That(cols["quality"].Default, Is.EqualTo("0.5"));
            Assert.That((cols["uid"].Type, cols["uid"].Null, cols["uid"].Comment), Is.EqualTo(("binary(16)", "YES", ":uuid:")));
            Assert.That((cols["big"].Type, cols["big"].Comment), Is.EqualTo(("longtext", ":<blob@main>:")), "MariaDB stores json as longtext");
            Assert.That((cols["raw"].Type, cols["raw"].Null), Is.EqualTo(("longblob", "YES")));
            Assert.That((cols["item"].Type, cols["item"].Null, cols["item"].Comment), Is.EqualTo(("binary(16)", "YES", ":uuid:item \"id\"")));
            Assert.That(cols["n"].Comment, Is.EqualTo(""));

            foreach (var col in session.Columns)
            {
                var stored = CommentMarker.Parse(cols[col.Name].Comment);
                Assert.That((stored.MarkerType, stored.Comment), Is.EqualTo((col.OriginalType, col.Comment)), col.Name);
                Assert.That(CommentMarker.NormalizeSqlType(cols[col.Name].Type), Is.EqualTo(col.SqlType == "json" ? "longtext" : col.SqlType), col.Name);
            }

            var big = CommentMarker.Parse(cols["big"].Comment);
            Assert.That((big.CodecName, big.CodecStore), Is.EqualTo(("blob", "main")));

            // foreign keys as information_schema sees them
            var fks = new List<string>();
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT column_name, referenced_table_name, referenced_column_name FROM information_schema.key_column_usage " +
                                  "WHERE table_schema = @s AND table_name = 'session' AND referenced_table_name IS NOT NULL ORDER BY column_name";
                cmd.Parameters.AddWithValue("@s", schema);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    fks.Add($"{reader.GetString(0)}->{reader.GetString(1)}.{reader.GetString(2)}");
                }
            }

            Assert.That(fks, Is.EqualTo(new[] { "item->#item.item", "owner_id->subject.subject_id", "subject_id->subject.subject_id" }));

            // ~lineage rows through the statements Python uses
            var rows = subject.Lineage.Concat(item.Lineage).Concat(session.Lineage).ToList();
            await using (var up = conn.CreateCommand())
            {
                up.CommandText = LineageSql.Upsert(schema, rows.Count);
                for (var i = 0; i < rows.Count; i++)
                {
                    up.Parameters.AddWithValue("@t" + i, rows[i].TableName);
                    up.Parameters.AddWithValue("@a" + i, rows[i].AttributeName);
                    up.Parameters.AddWithValue("@l" + i, rows[i].Lineage);
                }

                Assert.That(await up.ExecuteNonQueryAsync(), Is.EqualTo(rows.Count));
            }

            var read = new List<string>();
            await using (var sel = conn.CreateCommand())
            {
                sel.CommandText = LineageSql.SelectForTable(schema);
                sel.Parameters.AddWithValue("@table_name", "session");
                await using var reader = await sel.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    read.Add(reader.GetString(0) + "=" + reader.GetString(1));
                }
            }

            Assert.That(read, Is.EquivalentTo(new[]
            {
                $"subject_id={schema}.subject.subject_id", $"session_date={schema}.session.session_date",
                $"item={schema}.#item.item", $"owner_id={schema}.subject.subject_id",
            }));

            // singleton, job metadata and job tables are valid SQL too
            var single = DdlCompiler.Compile(schema, "settings", "---\nvalue : int32", null, codecs);
            await Exec(conn, single.Sql!);
            await Exec(conn, $"INSERT INTO `{schema}`.`settings` (`value`) VALUES (1)");
            var dup = await Assert.ThrowsAsync<MySqlException>(() => Exec(conn, $"INSERT INTO `{schema}`.`settings` (`value`) VALUES (2)"));
            Assert.That(dup!.ErrorCode, Is.EqualTo(MySqlErrorCode.DuplicateKeyEntry));

            var analysis = DdlCompiler.Compile(schema, "__analysis", "-> Subject\n-> Item\n---\nresult : float64", new Parents(parents), codecs,
                new DeclareOptions { AddJobMetadata = true });
            Assert.That(analysis.Errors, Is.Empty);
            await Exec(conn, analysis.Sql!);
            var analysisCols = await Columns(conn, schema, "__analysis");
            Assert.That(analysisCols.Keys, Does.Contain("_job_start_time").And.Contain("_job_duration").And.Contain("_job_version"));

            var keys = analysis.Columns.Where(c => c.InPrimaryKey).Select(c => (c.Name, c.OriginalType ?? c.SqlType)).ToArray();
            var jobs = JobTableDdl.Compile(schema, "__analysis", keys);
            Assert.That(jobs.Errors, Is.Empty);
            await Exec(conn, jobs.Sql!);
            var jobCols = await Columns(conn, schema, "~~analysis");
            Assert.That(jobCols["item"].Comment, Is.EqualTo(":uuid:"));
            Assert.That(jobCols["status"].Type, Is.EqualTo("enum('pending','reserved','success','error','ignore')"));
        }
        finally
        {
            await TestServices.DropSchemaAsync(connection, schema);
        }
    }
}
