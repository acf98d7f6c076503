using DataJoint.Definitions;

namespace DataJoint.Runtime.Tests.Declare;

public class DefinitionParserTests
{
    private static string SpanText(TableDefinition d, DefinitionSpan s) => d.Text.Substring(s.Start, s.Length);

    private static DefinitionError SingleError(string text)
    {
        var d = DefinitionParser.Parse(text);
        Assert.That(d.Errors, Has.Count.EqualTo(1), string.Join("\n", d.Errors));
        return d.Errors[0];
    }

    [Test]
    public void ClassifiesLinesAndKeepsPrimaryKeySection()
    {
        var text = """
            # Recording sessions
            -> Subject
            session_date : date   # when
            ---
            # a comment line
            quality = 0.5 : float32          # score "q"
            -> [nullable, unique] User.proj(owner_id='user_id')
            unique index (quality)
            """;
        var d = DefinitionParser.Parse(text);
        Assert.That(d.Errors, Is.Empty);
        Assert.That(d.Comment, Is.EqualTo("Recording sessions"));
        Assert.That(SpanText(d, d.CommentSpan), Is.EqualTo("Recording sessions"));
        Assert.That(d.Lines.Select(l => (l.Kind, l.InPrimaryKey)), Is.EqualTo(new[]
        {
            (DefinitionLineKind.ForeignKey, true),
            (DefinitionLineKind.Attribute, true),
            (DefinitionLineKind.Divider, false),
            (DefinitionLineKind.Attribute, false),
            (DefinitionLineKind.ForeignKey, false),
            (DefinitionLineKind.Index, false),
        }));
        var date = (AttributeDefinition)d.Lines[1];
        Assert.That((date.Name, date.Type, date.Comment, date.Category, date.TypeInfo.Core, date.DefaultKind),
            Is.EqualTo(("session_date", "date", "when", TypeCategory.Core, (CoreType?)CoreType.Date, DefaultKind.None)));
        Assert.That(SpanText(d, date.TypeSpan), Is.EqualTo("date"));
        Assert.That(SpanText(d, date.NameSpan), Is.EqualTo("session_date"));
        Assert.That(SpanText(d, date.CommentSpan), Is.EqualTo("when"));
        Assert.That(SpanText(d, date.Span), Is.EqualTo("session_date : date   # when"));

        var q = (AttributeDefinition)d.Lines[3];
        Assert.That((q.DefaultText, q.DefaultKind, q.Comment, q.TypeInfo.SqlType), Is.EqualTo(("0.5", DefaultKind.Unquoted, "score \"q\"", "float")));
        Assert.That(SpanText(d, q.DefaultSpan), Is.EqualTo("0.5"));

        var fk = (ForeignKeyDefinition)d.Lines[4];
        Assert.That((fk.IsNullable, fk.IsUnique, fk.TableName, fk.Reference), Is.EqualTo((true, true, "User", "User.proj(owner_id='user_id')")));
        Assert.That(fk.Options.Select(o => SpanText(d, o.Span)), Is.EqualTo(new[] { "nullable", "unique" }));
        Assert.That(fk.Renames.Select(r => (r.NewName, r.OldName, SpanText(d, r.NewNameSpan), SpanText(d, r.OldNameSpan))),
            Is.EqualTo(new[] { ("owner_id", "user_id", "owner_id", "user_id") }));
        Assert.That(SpanText(d, fk.TableNameSpan), Is.EqualTo("User"));

        var ix = (IndexDefinition)d.Lines[5];
        Assert.That(ix.IsUnique, Is.True);
        Assert.That(ix.Attributes.Select(a => (a.Text, a.Sql, SpanText(d, a.Span))), Is.EqualTo(new[] { ("quality", "`quality`", "quality") }));
    }

    [TestCase("x : int32", "int32", TypeCategory.Core, "int")]
    [TestCase("x : float32", "float32", TypeCategory.Core, "float")]
    [TestCase("x : float64", "float64", TypeCategory.Core, "double")]
    [TestCase("x : int64", "int64", TypeCategory.Core, "bigint")]
    [TestCase("x : int16", "int16", TypeCategory.Core, "smallint")]
    [TestCase("x : int8", "int8", TypeCategory.Core, "tinyint")]
    [TestCase("x : bool", "bool", TypeCategory.Core, "tinyint")]
    [TestCase("x : uuid", "uuid", TypeCategory.Core, "binary(16)")]
    [TestCase("x : json", "json", TypeCategory.Core, "json")]
    [TestCase("x : bytes", "bytes", TypeCategory.Core, "longblob")]
    [TestCase("x : date", "date", TypeCategory.Core, "date")]
    [TestCase("x : datetime", "datetime", TypeCategory.Core, "datetime")]
    [TestCase("x : datetime(3)", "datetime(3)", TypeCategory.Core, "datetime(3)")]
    [TestCase("x : char(3)", "char(3)", TypeCategory.Core, "char(3)")]
    [TestCase("x : varchar(64)", "varchar(64)", TypeCategory.Core, "varchar(64)")]
    [TestCase("x : enum('a#b','c')  # e", "enum('a#b','c')", TypeCategory.Core, "enum('a#b','c')")]
    [TestCase("x : decimal(8,2)", "decimal(8,2)", TypeCategory.Core, "decimal(8,2)")]
    [TestCase("x : int unsigned", "int unsigned", TypeCategory.Native, "int unsigned")]
    [TestCase("x : bigint(20) unsigned", "bigint(20) unsigned", TypeCategory.Native, "bigint(20) unsigned")]
    [TestCase("x : serial", "serial", TypeCategory.Native, "serial")]
    [TestCase("x : numeric(10,2)", "numeric(10,2)", TypeCategory.Native, "numeric(10,2)")]
    [TestCase("x : double", "double", TypeCategory.Native, "double")]
    [TestCase("x : timestamp(3)", "timestamp(3)", TypeCategory.Native, "timestamp(3)")]
    [TestCase("x : longblob", "longblob", TypeCategory.Native, "longblob")]
    [TestCase("x : text", "text", TypeCategory.Native, "text")]
    public void ClassifiesTypes(string line, string type, object categoryValue, string sql)
    {
        var category = (TypeCategory)categoryValue;
        var d = DefinitionParser.Parse("---\n" + line);
        Assert.That(d.Errors, Is.Empty);
        var a = d.Attributes.Single();
        Assert.That((a.Type, a.Category, a.TypeInfo.SqlType), Is.EqualTo((type, category, sql)));
        Assert.That(SpanText(d, a.TypeSpan), Is.EqualTo(type));
        Assert.That(d.Warnings, category == TypeCategory.Native ? Has.Count.EqualTo(1) : Is.Empty);
    }

    [TestCase("x : <blob>", "blob", null)]
    [TestCase("x : <blob@>", "blob", "")]
    [TestCase("x : <blob@main>", "blob", "main")]
    [TestCase("x : < graph @ main >  # c", "graph", "main")]
    public void ParsesCodecSpecs(string line, string name, string? store)
    {
        var d = DefinitionParser.Parse(line);
        Assert.That(d.Errors, Is.Empty);
        var a = d.Attributes.Single();
        Assert.That((a.Category, a.TypeInfo.CodecName, a.TypeInfo.CodecStore, a.TypeInfo.SqlType), Is.EqualTo((TypeCategory.Codec, name, store, (string?)null)));
        Assert.That(a.Type, Does.StartWith("<").And.EndWith(">"));
    }

    [Test]
    public void NativeTypeWarningTextAndSpan()
    {
        var d = DefinitionParser.Parse("n : int unsigned  # count");
        var w = d.Warnings.Single();
        Assert.That(w.Code, Is.EqualTo(DefinitionErrorCode.NativeTypeWarning));
        Assert.That(w.Message, Is.EqualTo("Native type 'int unsigned' is used in attribute 'n'. Consider using a core DataJoint type for better portability."));
        Assert.That(SpanText(d, w.Span), Is.EqualTo("int unsigned"));
        Assert.That(w.IsWarning, Is.True);
    }

    [TestCase("x = 5 : int32", DefaultKind.Unquoted, "5")]
    [TestCase("x = null : int32", DefaultKind.Null, "null")]
    [TestCase("x = NULL : int32", DefaultKind.Null, "NULL")]
    [TestCase("x=CURRENT_TIMESTAMP(3) : datetime(3)", DefaultKind.SqlConstant, "CURRENT_TIMESTAMP(3)")]
    [TestCase("x = \"it's\" : varchar(9)", DefaultKind.DoubleQuoted, "\"it's\"")]
    [TestCase("x = 'a:b' : varchar(9)", DefaultKind.SingleQuoted, "'a:b'")]
    [TestCase("x = \"a:b#c\" : varchar(9) # d", DefaultKind.DoubleQuoted, "\"a:b#c\"")]
    public void ClassifiesDefaults(string line, object kindValue, string text)
    {
        var kind = (DefaultKind)kindValue;
        var d = DefinitionParser.Parse("---\n" + line);
        Assert.That(d.Errors, Is.Empty);
        var a = d.Attributes.Single();
        Assert.That((a.DefaultKind, a.DefaultText, a.IsNullable), Is.EqualTo((kind, text, kind == DefaultKind.Null)));
        Assert.That(SpanText(d, a.DefaultSpan), Is.EqualTo(text));
    }

    [Test]
    public void CommentKeepsPythonTrailingHashRule()
    {
        var d = DefinitionParser.Parse("x : int32 # c ##");
        Assert.That(d.Attributes.Single().Comment, Is.EqualTo("c"));
    }

    [Test]
    public void UnderscoreDividerIsADivider()
    {
        var d = DefinitionParser.Parse("id : int32\n___\nx : int32");
        Assert.That(d.Errors, Is.Empty);
        Assert.That(d.Attributes.Select(a => (a.Name, a.InPrimaryKey)), Is.EqualTo(new[] { ("id", true), ("x", false) }));
    }

    [Test]
    public void AttributeNamedIndexIsAnAttribute()
    {
        var d = DefinitionParser.Parse("index : int32");
        Assert.That(d.Errors, Is.Empty);
        Assert.That(d.Attributes.Single().Name, Is.EqualTo("index"));
    }

    // ------------------------------------------------------------------ errors: code, text, exact span

    private static void AssertError(string text, DefinitionErrorCode code, string message, string spanText)
    {
        var d = DefinitionParser.Parse(text);
        Assert.That(d.Errors, Has.Count.EqualTo(1), string.Join("\n", d.Errors));
        var e = d.Errors[0];
        Assert.That(e.Code, Is.EqualTo(code));
        Assert.That(e.Message, Is.EqualTo(message));
        Assert.That(SpanText(d, e.Span), Is.EqualTo(spanText));
    }

    [Test]
    public void UnsupportedTypeSpanCoversTheType()
    {
        var text = "  x : uint8  # c";
        var e = SingleError(text);
        Assert.That((e.Code, e.Message, e.Start, e.Length, e.Id), Is.EqualTo((DefinitionErrorCode.UnsupportedType, "Unsupported attribute type uint8", 6, 5, "DJ1001")));
    }

    [Test]
    public void ErrorLineAndColumnAreZeroBased()
    {
        var e = SingleError("# t\nid : int32\n---\n   y : decimal(10)   # z");
        Assert.That((e.Line, e.Column, e.Message), Is.EqualTo((3, 7, "Unsupported attribute type decimal(10)")));
    }

    [TestCase("x : uint8", "Unsupported attribute type uint8", "uint8")]
    [TestCase("x : blob", "Unsupported attribute type blob", "blob")]
    [TestCase("x : boolean", "Unsupported attribute type boolean", "boolean")]
    [TestCase("x : double precision", "Unsupported attribute type double precision", "double precision")]
    [TestCase("x : decimal(10)", "Unsupported attribute type decimal(10)", "decimal(10)")]
    [TestCase("x : binary(16)", "Unsupported attribute type binary(16)", "binary(16)")]
    public void UnsupportedTypes(string line, string message, string span) =>
        AssertError(line, DefinitionErrorCode.UnsupportedType, message, span);

    [TestCase("x : INT32", "Unknown core type: INT32", "INT32")]
    [TestCase("x : char (3)", "Unknown core type: char (3)", "char (3)")]
    [TestCase("x : jsonb", "Unknown core type: jsonb", "jsonb")]
    public void UnknownCoreTypes(string line, string message, string span) =>
        AssertError(line, DefinitionErrorCode.UnknownCoreType, message, span);

    [Test]
    public void LeadingUnderscore()
    {
        var d = DefinitionParser.Parse("  _hidden: bool");
        var e = d.Errors.Single();
        Assert.That(e.Code, Is.EqualTo(DefinitionErrorCode.LeadingUnderscore));
        Assert.That(e.Message, Does.StartWith("Attribute name in line \"_hidden: bool\" starts with an underscore. Names with leading underscore are reserved for platform-managed columns (e.g. _job_start_time, _singleton)."));
        Assert.That(SpanText(d, e.Span), Is.EqualTo("_hidden"));
    }

    [Test]
    public void NullablePrimaryKey() =>
        AssertError("id = null : int32", DefinitionErrorCode.NullablePrimaryKey, "Primary key attributes cannot be nullable in line \"id = null : int32\"", "null");

    [Test]
    public void BlobDefaultForCoreAndNativeBlobs()
    {
        AssertError("---\nx = 'a' : bytes", DefinitionErrorCode.BlobDefault, "The default value for blob attributes can only be NULL in:\nx = 'a' : bytes", "'a'");
        AssertError("---\nx = 0 : longblob", DefinitionErrorCode.BlobDefault, "The default value for blob attributes can only be NULL in:\nx = 0 : longblob", "0");
        Assert.That(DefinitionParser.Parse("---\nx = null : bytes").Errors, Is.Empty);
    }

    [TestCase("x : json", "json")]
    [TestCase("x : bytes  # b", "bytes")]
    [TestCase("x : mediumblob", "mediumblob")]
    public void BlobOrJsonInPrimaryKey(string line, string span) =>
        AssertError(line, DefinitionErrorCode.BlobOrJsonInPrimaryKey, "Blob or JSON attributes are not allowed in the primary key", span);

    [Test]
    public void CommentColon() =>
        AssertError("---\nx : int32 # :bad", DefinitionErrorCode.AttributeCommentColon, "An attribute comment must not start with a colon in comment \":bad\"", ":bad");

    [Test]
    public void TableCommentColon() =>
        AssertError("  # :bad table\nid : int32", DefinitionErrorCode.TableCommentColon, "Table comment must not start with a colon \":\"", ":bad table");

    [Test]
    public void IntegerWithTrailingText_IsUnsupported_NotPassedToMySql() =>
        AssertError("n : INT33", DefinitionErrorCode.UnsupportedType, "Unsupported attribute type INT33", "INT33");

    [Test]
    public void SyntaxErrors()
    {
        AssertError("x int32", DefinitionErrorCode.AttributeSyntax, "Declaration error in position 2 in line:\n  x int32\nExpected ':'", "int32");
        AssertError("Xy : int32", DefinitionErrorCode.AttributeSyntax,
            "Declaration error in position 0 in line:\n  Xy : int32\nExpected attribute name (a lower-case letter followed by a-z, 0-9 or _)", "Xy");
        AssertError("x : <blob> extra", DefinitionErrorCode.AttributeSyntax,
            "Declaration error in position 11 in line:\n  x : <blob> extra\nExpected '#' or end of line after the codec type", "extra");
        AssertError("x : <blob", DefinitionErrorCode.AttributeSyntax,
            "Declaration error in position 4 in line:\n  x : <blob\nExpected '>' closing the codec type", "<blob");
        AssertError("x = 5", DefinitionErrorCode.AttributeSyntax, "Declaration error in position 5 in line:\n  x = 5\nExpected ':'", "x = 5");
    }

    [Test]
    public void DuplicateAttribute() =>
        AssertError("x : int32\n---\nx : int16", DefinitionErrorCode.DuplicateAttribute,
            "Attribute `x` is declared more than once, again in line \"x : int16\"", "x");

    [Test]
    public void ForeignKeyErrors()
    {
        AssertError("-> [nullabel] Subject", DefinitionErrorCode.InvalidForeignKeyOption, "Invalid foreign key option \"NULLABEL\"", "nullabel");
        AssertError("-> [nullable] Subject", DefinitionErrorCode.NullablePrimaryDependency,
            "Primary dependencies cannot be nullable in line \"-> [nullable] Subject\"", "nullable");
        AssertError("---\n-> Subject & 'x=1'", DefinitionErrorCode.UnsupportedDependency,
            "Dependency \"Subject & 'x=1'\" is not supported (yet). Use a base table or its projection.", "Subject & 'x=1'");
        AssertError("b -> A", DefinitionErrorCode.ForeignKeySyntax,
            "Parsing error in line \"b -> A\". Expected '->', found 'b'  (at char 0), (line:1, col:1).", "b");
        AssertError("---\n-> [unique Subject", DefinitionErrorCode.ForeignKeySyntax,
            "Parsing error in line \"-> [unique Subject\". Expected ']'  (at char 18).", "[unique Subject");
    }

    [Test]
    public void ForeignKeyReferenceForms()
    {
        var d = DefinitionParser.Parse("-> Master.Part\n-> module.Table # c\n-> master\n---\n-> [UNIQUE] P.proj( a = \"b\" , c='d')");
        Assert.That(d.Errors, Is.Empty);
        var fks = d.ForeignKeys.ToArray();
        Assert.That(fks.Select(f => f.TableName), Is.EqualTo(new[] { "Master.Part", "module.Table", "master", "P" }));
        Assert.That(fks[1].Comment, Is.EqualTo("c"));
        Assert.That(fks[3].IsUnique, Is.True);
        Assert.That(fks[3].Renames.Select(r => (r.NewName, r.OldName)), Is.EqualTo(new[] { ("a", "b"), ("c", "d") }));
    }

    [Test]
    public void IndexForms()
    {
        var d = DefinitionParser.Parse("---\nINDEX(a, b)  # c\nunique index (meta.subject.id:int, name(10))");
        Assert.That(d.Errors, Is.Empty);
        var ix = d.Indexes.ToArray();
        Assert.That((ix[0].IsUnique, ix[1].IsUnique), Is.EqualTo((false, true)));
        Assert.That(ix[0].Attributes.Select(a => a.Sql), Is.EqualTo(new[] { "`a`", "`b`" }));
        Assert.That(ix[1].Attributes.Select(a => a.Sql), Is.EqualTo(new[] { "(json_value(`meta`, _utf8mb4'$.subject.id' returning int))", "name(10)" }));
        AssertError("---\nindex(a b)", DefinitionErrorCode.IndexSyntax, "Table definition syntax error in line \"index(a b)\"", "a b");
        AssertError("---\nindex( )", DefinitionErrorCode.IndexSyntax, "Table definition syntax error in line \"index( )\"", "index( )");
    }

    [Test]
    public void EveryBadLineIsReported()
    {
        var d = DefinitionParser.Parse("a : uint8\nb : int32\n---\nc int\nd : int32 # :x");
        Assert.That(d.Errors.Select(e => e.Code), Is.EqualTo(new[]
        {
            DefinitionErrorCode.UnsupportedType, DefinitionErrorCode.AttributeSyntax, DefinitionErrorCode.AttributeCommentColon,
        }));
        Assert.That(d.Attributes.Select(a => a.Name), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public void WindowsLineEndingsKeepOffsets()
    {
        var text = "# c\r\nid : int32\r\n---\r\n x : uint8 \r\n";
        var d = DefinitionParser.Parse(text);
        Assert.That(d.Comment, Is.EqualTo("c"));
        Assert.That(SpanText(d, d.Errors.Single().Span), Is.EqualTo("uint8"));
    }
}
