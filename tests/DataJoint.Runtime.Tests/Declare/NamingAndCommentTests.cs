using DataJoint.Definitions;

namespace DataJoint.Runtime.Tests.Declare;


/// <summary>Spec §3.1 / §9 case 8 (naming) and §2.7 / §9 case 10 (reading comment markers back).</summary>
public class NamingAndCommentTests
{
    [TestCase("Session", "session")]
    [TestCase("MyTable", "my_table")]
    [TestCase("HTTPServer", "h_t_t_p_server")]
    [TestCase("Table2B", "table2_b")]
    [TestCase("Scan3D", "scan3_d")]
    [TestCase("My_Table", "my_table")]
    public void Case8SnakeCase(string className, string expected) => Assert.That(TableNaming.ToSnakeCase(className), Is.EqualTo(expected));

    [TestCase("Session", 0, null, "session")]
    [TestCase("Thing", 1, null, "#thing")]
    [TestCase("RawData", 2, null, "_raw_data")]
    [TestCase("Analysis", 3, null, "__analysis")]
    [TestCase("Unit", 4, "__analysis", "__analysis__unit")]
    [TestCase("Part", 4, "#thing", "#thing__part")]
    public void Case8TierPrefixes(string className, int tier, string? master, string expected)
    {
        Assert.That(TableNaming.TryGetTableName(className, (TableTier)tier, master, out var name, out var error), Is.True, error);
        Assert.That(name, Is.EqualTo(expected));
    }

    [Test]
    public void Case8LengthLimit()
    {
        var ok = "A" + new string('b', 63);
        Assert.That(TableNaming.TryGetTableName(ok, TableTier.Manual, null, out var name, out _), Is.True);
        Assert.That(name.Length, Is.EqualTo(64));
        Assert.That(TableNaming.TryGetTableName(ok, TableTier.Lookup, null, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("Table name `#a" + new string('b', 63) + "` exceeds the max length of 64"));
    }

    [TestCase("session")]
    [TestCase("2Fast")]
    [TestCase("My-Table")]
    [TestCase("")]
    public void InvalidClassNames(string className)
    {
        Assert.That(TableNaming.ValidateClassName(className, out var error, out _), Is.Null);
        Assert.That(error, Is.EqualTo("Table class name `" + className + "` is invalid. Class names must be in CamelCase, starting with a capital letter."));
        Assert.That(TableNaming.TryGetTableName(className, TableTier.Manual, null, out _, out var e2), Is.False);
        Assert.That(e2, Is.EqualTo(error));
    }

    [Test]
    public void UnderscoresInClassNamesWarnAndAreRemoved()
    {
        Assert.That(TableNaming.ValidateClassName("My_Table", out var error, out var warning), Is.EqualTo("MyTable"));
        Assert.That(error, Is.Null);
        Assert.That(warning, Does.Contain("My_Table"));
    }

    [TestCase("session", 0, "Session", null, null)]
    [TestCase("#thing", 1, "Thing", null, null)]
    [TestCase("_raw_data", 2, "RawData", null, null)]
    [TestCase("__computed_x", 3, "ComputedX", null, null)]
    [TestCase("h_t_t_p_server", 0, "HTTPServer", null, null)]
    [TestCase("table2_b", 0, "Table2B", null, null)]
    [TestCase("__analysis__unit", 4, "Unit", "__analysis", "Analysis")]
    [TestCase("_imp__part", 4, "Part", "_imp", "Imp")]
    [TestCase("#thing__my_part", 4, "MyPart", "#thing", "Thing")]
    [TestCase("master__detail", 4, "Detail", "master", "Master")]
    public void ReverseNaming(string sqlName, int tier, string className, string? masterSql, string? masterClass)
    {
        Assert.That(TableNaming.TryParseTableName(sqlName, out var p), Is.True);
        Assert.That((p!.Tier, p.ClassName, p.MasterSqlName, p.MasterClassName), Is.EqualTo(((TableTier)tier, className, masterSql, masterClass)));
    }

    [TestCase("~lineage")]
    [TestCase("~~analysis")]
    [TestCase("Session")]
    [TestCase("___x")]
    [TestCase("a__")]
    public void ReverseNamingRejectsForeignNames(string sqlName) => Assert.That(TableNaming.TryParseTableName(sqlName, out _), Is.False);

    [TestCase("Session")]
    [TestCase("MyTable")]
    [TestCase("HTTPServer")]
    [TestCase("Table2B")]
    [TestCase("Scan3D")]
    public void SnakeAndCamelRoundTrip(string className) =>
        Assert.That(TableNaming.ToCamelCase(TableNaming.ToSnakeCase(className)), Is.EqualTo(className));

    // ---------------------------------------------------------------- case 10: heading recovery from comments

    [Test]
    public void Case10CodecMarkerWithStore()
    {
        var c = CommentMarker.Parse(":<blob@main>:raw data");
        Assert.That((c.HasMarker, c.IsCodec, c.CodecName, c.CodecStore, c.Comment, c.Alias), Is.EqualTo((true, true, "blob", "main", "raw data", (string?)null)));
        Assert.That(CommentMarker.IsJsonColumn("longtext", c), Is.False, "the chain decides JSON for codecs; the reader resolves <blob@main> to json");
    }

    [Test]
    public void Case10CoreAlias()
    {
        var c = CommentMarker.Parse(":int32:id");
        Assert.That((c.IsCodec, c.Alias, c.Core, c.Comment), Is.EqualTo((false, "int32", (CoreType?)CoreType.Int32, "id")));
    }

    [Test]
    public void Case10UnknownAliasIsTolerated()
    {
        var c = CommentMarker.Parse(":uint32:x");
        Assert.That((c.HasMarker, c.Alias, c.Core, c.Comment, c.LegacyError), Is.EqualTo((true, "uint32", (CoreType?)null, "x", (string?)null)));
    }

    [Test]
    public void Case10UnknownCodecStillParses()
    {
        var c = CommentMarker.Parse(":<zzz>:");
        Assert.That((c.IsCodec, c.CodecName, c.CodecStore, c.Comment), Is.EqualTo((true, "zzz", (string?)null, "")));
    }

    [Test]
    public void EmptyStoreAndInnerWhitespace()
    {
        var c = CommentMarker.Parse(":<blob @ >:");
        Assert.That((c.MarkerType, c.CodecName, c.CodecStore), Is.EqualTo(("<blob @ >", "blob", "")));
    }

    [TestCase("plain comment", "plain comment")]
    [TestCase("", "")]
    [TestCase("::x", "::x")]
    [TestCase("a:b:c", "a:b:c")]
    public void NoMarker(string raw, string comment)
    {
        var c = CommentMarker.Parse(raw);
        Assert.That((c.HasMarker, c.Comment), Is.EqualTo((false, comment)));
    }

    [Test]
    public void JsonAndUuidFlags()
    {
        Assert.That(CommentMarker.IsJsonColumn("longtext", CommentMarker.Parse(":json:")), Is.True);
        Assert.That(CommentMarker.IsJsonColumn("json", CommentMarker.Parse("")), Is.True);
        Assert.That(CommentMarker.Parse(":uuid:key").IsUuid, Is.True);
        Assert.That(CommentMarker.Parse(":bool:").Core, Is.EqualTo(CoreType.Bool));
    }

    [Test]
    public void LegacyExternalIsRefused()
    {
        var c = CommentMarker.Parse(":external-raw:data");
        Assert.That(c.LegacyError, Is.EqualTo("Legacy datatype `external-raw`. See migration guide: https://docs.datajoint.com/how-to/migrate-to-v20/"));
    }

    [TestCase("int(11)", "int")]
    [TestCase("int(10) unsigned", "int unsigned")]
    [TestCase("bigint(20)", "bigint")]
    [TestCase("float(12)", "float")]
    [TestCase("varchar(64)", "varchar(64)")]
    [TestCase("decimal(8,2)", "decimal(8,2)")]
    [TestCase("binary(16)", "binary(16)")]
    public void DisplayWidthsAreStripped(string reported, string normalized) =>
        Assert.That(CommentMarker.NormalizeSqlType(reported), Is.EqualTo(normalized));

    [Test]
    public void WrittenMarkersReadBack()
    {
        var r = DdlCompiler.Compile("lab", "t", "id : int32 # the id\n---\ng : <graph@main>  # a graph\nq : float32 # score \"q\"", null, StubCodecs.Instance);
        foreach (var col in r.Columns)
        {
            var c = CommentMarker.Parse(col.StoredComment);
            Assert.That((c.MarkerType, c.Comment), Is.EqualTo((col.OriginalType, col.Comment)));
        }
    }
}
