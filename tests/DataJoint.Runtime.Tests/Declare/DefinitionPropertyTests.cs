using System.Text;
using DataJoint.Definitions;

namespace DataJoint.Runtime.Tests.Declare;

/// <summary>
/// Property-style tests with a fixed seed: generated valid definitions compile to DDL that contains every
/// attribute exactly as the column rules say; garbage lines give errors located inside the line, never exceptions.
/// </summary>
public class DefinitionPropertyTests
{
    private static readonly (string Type, string Sql)[] CoreTypes =
    {
        ("int8", "tinyint"), ("int16", "smallint"), ("int32", "int"), ("int64", "bigint"), ("float32", "float"), ("float64", "double"),
        ("bool", "tinyint"), ("uuid", "binary(16)"), ("date", "date"), ("datetime", "datetime"), ("datetime(3)", "datetime(3)"),
        ("char(4)", "char(4)"), ("varchar(64)", "varchar(64)"), ("enum('a','b#c')", "enum('a','b#c')"), ("decimal(8,2)", "decimal(8,2)"),
    };

    private static readonly (string Type, string Sql)[] SecondaryOnlyTypes =
    {
        ("json", "json"), ("bytes", "longblob"), ("<blob>", "longblob"), ("<blob@main>", "json"), ("<attach@s>", "json"),
        ("<graph>", "longblob"), ("int unsigned", "int unsigned"), ("longblob", "longblob"), ("text", "text"),
    };

    private static readonly StubParents Parents = new StubParents()
        .Add("Subject", new ForeignKeyParent("lab", "subject", new[] { new ParentKeyAttribute("subject_id", "int", "int32", "subject", "lab.subject.subject_id") }))
        .Add("Rig", new ForeignKeyParent("lab", "#rig", new[]
        {
            new ParentKeyAttribute("rig_id", "binary(16)", "uuid", "", "lab.#rig.rig_id"),
            new ParentKeyAttribute("slot", "smallint", "int16", "slot \"no\"", "lab.#rig.slot"),
        }));

    [Test]
    public void GeneratedValidDefinitionsCompile()
    {
        var random = new Random(20261125);
        for (var iteration = 0; iteration < 500; iteration++)
        {
            var (text, expectedColumns) = Generate(random);
            var r = DdlCompiler.Compile("lab", "t" + iteration, text, Parents, StubCodecs.Instance);
            Assert.That(r.Errors, Is.Empty, text);
            Assert.That(r.Sql, Is.Not.Null);
            foreach (var (name, ddlStart) in expectedColumns)
            {
                var col = r.Columns.Single(c => c.Name == name);
                Assert.That(col.Ddl, Does.StartWith(ddlStart), text);
                Assert.That(r.Sql, Does.Contain(col.Ddl + ",\n"), text);
                var marker = CommentMarker.Parse(col.StoredComment);
                Assert.That(marker.Comment, Is.EqualTo(col.Comment), text);
                Assert.That(marker.MarkerType, Is.EqualTo(col.OriginalType), text);
            }

            Assert.That(r.Sql, Does.StartWith("CREATE TABLE IF NOT EXISTS `lab`.`t" + iteration + "` (\n"));
            Assert.That(r.Sql, Does.Match(@"\n\) ENGINE=InnoDB(, COMMENT "".*"")?$"));
            var pkLine = "PRIMARY KEY (" + string.Join(", ", r.PrimaryKey.Select(k => "`" + k + "`")) + ")";
            Assert.That(r.Sql, Does.Contain(pkLine));
            Assert.That(r.Lineage.Select(l => l.AttributeName), Is.SupersetOf(r.PrimaryKey.Where(k => k != "_singleton")));
        }
    }

    private static (string Text, List<(string Name, string DdlStart)> Columns) Generate(Random random)
    {
        var sb = new StringBuilder();
        var columns = new List<(string, string)>();
        var used = new HashSet<string>();
        var indent = new string(' ', random.Next(0, 9));
        if (random.Next(2) == 0)
        {
            sb.Append(indent).Append("# table ").Append(random.Next(1000)).Append(" \"quoted\"\n");
        }

        string NewName()
        {
            while (true)
            {
                var len = random.Next(1, 12);
                var chars = new char[len];
                chars[0] = (char)('a' + random.Next(26));
                for (var i = 1; i < len; i++)
                {
                    var k = random.Next(37);
                    chars[i] = k < 26 ? (char)('a' + k) : k < 36 ? (char)('0' + k - 26) : '_';
                }

                var name = new string(chars);
                if (name != "subject_id" && name != "rig_id" && name != "slot" && name != "index" && used.Add(name))
                {
                    return name;
                }
            }
        }

        void Attribute(bool inKey)
        {
            var name = NewName();
            var pool = inKey || random.Next(3) > 0 ? CoreTypes : SecondaryOnlyTypes;
            var (type, sql) = pool[random.Next(pool.Length)];
            var comment = random.Next(3) switch { 0 => "", 1 => "note " + random.Next(100), _ => "with \"quotes\" and 'ticks' # hash" };
            var nullable = !inKey && random.Next(4) == 0;
            var ws = random.Next(2) == 0 ? " " : "   ";
            sb.Append(indent).Append(name).Append(nullable ? " = null" : "").Append(ws).Append(':').Append(ws).Append(type);
            if (comment.Length > 0)
            {
                sb.Append(ws).Append("# ").Append(comment);
            }

            sb.Append('\n');
            columns.Add((name, "`" + name + "` " + sql + (nullable ? " DEFAULT NULL" : " NOT NULL")));
        }

        var keyCount = random.Next(0, 4);
        var subjectUsed = false;
        for (var i = 0; i < keyCount; i++)
        {
            if (!subjectUsed && random.Next(3) == 0)
            {
                sb.Append(indent).Append("-> Subject\n");
                subjectUsed = true;
            }
            else
            {
                Attribute(true);
            }
        }

        sb.Append(indent).Append("---\n");
        var secondaryCount = random.Next(0, 6);
        for (var i = 0; i < secondaryCount; i++)
        {
            if (random.Next(6) == 0)
            {
                sb.Append(indent).Append("# just a comment\n");
            }

            Attribute(false);
        }

        if (random.Next(2) == 0)
        {
            sb.Append(indent).Append("-> [nullable] Rig\n");
        }

        if (columns.Count > 0 && random.Next(2) == 0)
        {
            sb.Append(indent).Append(random.Next(2) == 0 ? "unique index(" : "index (").Append(columns[random.Next(columns.Count)].Item1).Append(")\n");
        }

        return (sb.ToString(), columns);
    }

    [Test]
    public void GarbageLinesGiveLocatedErrorsNeverExceptions()
    {
        var random = new Random(7);
        const string alphabet = "abcXYZ019_ :#=<>@\"'()[],.-+*/\\\t{}~!$%^&|`;?";
        const string badStarts = "!$%^&|`;?{}~0123456789ABCXYZ=:@().,";
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var len = random.Next(0, 40);
            var sb = new StringBuilder();
            sb.Append(badStarts[random.Next(badStarts.Length)]);
            for (var i = 0; i < len; i++)
            {
                sb.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var garbage = sb.ToString().TrimEnd();
            var text = "id : int32\n---\n" + garbage + "\nok : int16";
            var garbageStart = "id : int32\n---\n".Length;
            TableDefinition d = null!;
            DeclareResult r = null!;
            Assert.DoesNotThrow(() => d = DefinitionParser.Parse(text), garbage);
            Assert.DoesNotThrow(() => r = DdlCompiler.Compile("lab", "t", d, Parents, StubCodecs.Instance), garbage);
            Assert.That(d.Errors, Has.Count.EqualTo(1), garbage);
            var e = d.Errors[0];
            Assert.That(e.Start, Is.GreaterThanOrEqualTo(garbageStart), garbage);
            Assert.That(e.Start + e.Length, Is.LessThanOrEqualTo(garbageStart + garbage.Length), garbage);
            Assert.That(e.Length, Is.GreaterThan(0), garbage);
            Assert.That(e.Line, Is.EqualTo(2), garbage);
            Assert.That(r.Sql, Is.Null);
            Assert.That(d.Attributes.Select(a => a.Name), Is.EqualTo(new[] { "id", "ok" }), "parsing continues after a bad line");
        }
    }

    [Test]
    public void ArbitraryTextNeverThrows()
    {
        var random = new Random(11);
        const string alphabet = "ab_:#=<>@\"'()[],.-\n \r\tindexunique->proj";
        for (var iteration = 0; iteration < 3000; iteration++)
        {
            var sb = new StringBuilder();
            var len = random.Next(0, 80);
            for (var i = 0; i < len; i++)
            {
                sb.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var text = sb.ToString();
            Assert.DoesNotThrow(() =>
            {
                var d = DefinitionParser.Parse(text);
                foreach (var e in d.Errors.Concat(d.Warnings))
                {
                    Assert.That(e.Start >= 0 && e.Start + e.Length <= text.Length, Is.True, text);
                }

                DdlCompiler.Compile("lab", "t", d, Parents, StubCodecs.Instance);
            }, text);
        }
    }
}
