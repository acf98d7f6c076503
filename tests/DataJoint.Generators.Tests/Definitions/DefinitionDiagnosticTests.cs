using System.Globalization;
using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Tests.Definitions;

/// <summary>
/// Every definition error and warning of the shared parser and declare checks (DJ1xxx), and the structural table
/// diagnostics (DJ0012-DJ0016), reported by the generator at the exact text inside the definition literal (markup
/// <c>{|DJxxxx:...|}</c>), with the message.
/// </summary>
public class DefinitionDiagnosticTests
{
    private const string Parent = """
        namespace Lab
        {
            [DataJoint.Table]
            public partial class Parent : DataJoint.Manual
            {
                public const string Definition = "p_id : int32\n---\nlabel : varchar(16)";
            }
        }
        """;

    /// <summary>A Manual table <c>T</c> in namespace Lab with <paramref name="body"/> as a raw definition.</summary>
    private static string Table(string body, string tier = "Manual", string name = "T") => $$""""
        namespace Lab
        {
            [DataJoint.Table]
            public partial class {{name}} : DataJoint.{{tier}}
            {
                public const string Definition = """
        {{body}}
                    """;
            }
        }
        """";

    private static string Message(TestHarness.Result r, string id) =>
        r.Analyzer.Single(d => d.Id == id).GetMessage(CultureInfo.InvariantCulture);

    private static TestHarness.Result Check(string marked) => TestHarness.Verify(marked, Parent);

    [Test]
    public void DJ1001_UnsupportedType()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    n : {|DJ1001:INT33|}
        """));
        Assert.That(Message(r, "DJ1001"), Is.EqualTo("Unsupported attribute type INT33"));
    }

    [Test]
    public void DJ1002_AttributeWithoutColon()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    x {|DJ1002:int32|}
        """));
        Assert.That(Message(r, "DJ1002"), Is.EqualTo("Declaration error in position 2 in line: x int32: Expected ':'"));
    }

    [Test]
    public void DJ1003_LeadingUnderscore()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    {|DJ1003:_hidden|} : int32
        """));
        Assert.That(Message(r, "DJ1003"), Does.StartWith("Attribute name in line \"_hidden : int32\" starts with an underscore."));
    }

    [Test]
    public void DJ1004_NullablePrimaryKey()
    {
        var r = Check(Table("""
                    t_id = {|DJ1004:null|} : int32
                    ---
                    x : int32
        """));
        Assert.That(Message(r, "DJ1004"), Is.EqualTo("Primary key attributes cannot be nullable in line \"t_id = null : int32\""));
    }

    [Test]
    public void DJ1005_BlobDefault()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    raw = {|DJ1005:'x'|} : bytes
        """));
        Assert.That(Message(r, "DJ1005"), Is.EqualTo("The default value for blob attributes can only be NULL in: raw = 'x' : bytes"));
    }

    [Test]
    public void DJ1006_AttributeCommentColon()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    a : int32   # {|DJ1006::not a marker|}
        """));
        Assert.That(Message(r, "DJ1006"), Is.EqualTo("An attribute comment must not start with a colon in comment \":not a marker\""));
    }

    [Test]
    public void DJ1007_TableCommentColon()
    {
        var r = Check(Table("""
                    # {|DJ1007::bad table comment|}
                    t_id : int32
        """));
        Assert.That(Message(r, "DJ1007"), Is.EqualTo("Table comment must not start with a colon \":\""));
    }

    [Test]
    public void DJ1008_UnknownCoreType()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    a : {|DJ1008:INT32|}
        """));
        Assert.That(Message(r, "DJ1008"), Is.EqualTo("Unknown core type: INT32"));
    }

    [Test]
    public void DJ1009_DuplicateAttribute_AndOneAddedByAForeignKey()
    {
        var r = Check(Table("""
                    -> Parent
                    t_id : int32
                    ---
                    a : int32
                    {|DJ1009:a|} : int16
                    {|DJ1009:p_id|} : int32
        """));
        Assert.That(r.Analyzer.Where(d => d.Id == "DJ1009").Select(d => d.GetMessage(CultureInfo.InvariantCulture)), Is.EquivalentTo(new[]
        {
            "Attribute `a` is declared more than once, again in line \"a : int16\"",
            "Attribute `p_id` is declared more than once: a foreign key above already adds it",
        }));
    }

    [Test]
    public void DJ1010_ForeignKeySyntax()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    {|DJ1010:b|} -> Parent
        """));
        Assert.That(Message(r, "DJ1010"), Does.StartWith("Parsing error in line \"b -> Parent\". Expected '->', found 'b'"));
    }

    [Test]
    public void DJ1011_InvalidForeignKeyOption()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    -> [{|DJ1011:bogus|}] Parent
        """));
        Assert.That(Message(r, "DJ1011"), Is.EqualTo("Invalid foreign key option \"BOGUS\""));
    }

    [Test]
    public void DJ1012_NullablePrimaryDependency()
    {
        var r = Check(Table("""
                    -> [{|DJ1012:nullable|}] Parent
                    t_id : int32
        """));
        Assert.That(Message(r, "DJ1012"), Is.EqualTo("Primary dependencies cannot be nullable in line \"-> [nullable] Parent\""));
    }

    [Test]
    public void DJ1013_UnsupportedDependency()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    -> {|DJ1013:Parent.proj(q='p_id + 1')|}
        """));
        Assert.That(Message(r, "DJ1013"), Is.EqualTo("Dependency \"Parent.proj(q='p_id + 1')\" is not supported (yet). Use a base table or its projection."));
    }

    [Test]
    public void DJ1014_UnresolvedReference()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    -> {|DJ1014:Nowhere|}
        """));
        Assert.That(Message(r, "DJ1014"), Is.EqualTo("Foreign key reference Nowhere could not be resolved"));
    }

    [Test]
    public void DJ1015_IndexSyntax()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    a : int32
                    index({|DJ1015:a-b|})
        """));
        Assert.That(Message(r, "DJ1015"), Is.EqualTo("Table definition syntax error in line \"index(a-b)\""));
    }

    [Test]
    public void DJ1016_TableNameTooLong_AtTheClassName()
    {
        var name = "Very" + string.Concat(Enumerable.Repeat("LongName", 8));
        var r = Check(Table("            t_id : int32", name: "{|DJ1016:" + name + "|}"));
        Assert.That(Message(r, "DJ1016"), Does.Contain("exceeds the max length of 64"));
    }

    [Test]
    public void DJ1017_InvalidClassName_AndDJ1102_Underscores()
    {
        var r = Check(Table("            t_id : int32", name: "{|DJ1017:lowercase|}") + Table("            u_id : int32", name: "{|DJ1102:My_Table|}"));
        Assert.That(Message(r, "DJ1017"), Is.EqualTo("Table class name `lowercase` is invalid. Class names must be in CamelCase, starting with a capital letter."));
        Assert.That(Message(r, "DJ1102"), Is.EqualTo("Class name `My_Table` contains underscores; they are removed: `MyTable`."));
        Assert.That(r.Analyzer.Single(d => d.Id == "DJ1102").Severity, Is.EqualTo(DiagnosticSeverity.Warning));
    }

    [Test]
    public void DJ1018_ComputedTableWithItsOwnKeyAttribute()
    {
        var r = Check(Table("""
                    -> Parent
                    {|DJ1018:extra_id|} : int32
                    ---
                    result : float64
        """, tier: "Computed"));
        Assert.That(Message(r, "DJ1018"), Is.EqualTo(
            "Auto-populated table `__t` has non-FK primary key attribute(s): extra_id. Computed and Imported tables must derive all "
            + "primary key attributes from foreign key references. Reference a parent that has them (-> Parent) or move them "
            + "below ---; a class for an existing table that has them names it: [Table(Name = \"__t\")]."));
        Assert.That(Message(r, "DJ1018"), Does.Not.Contain("jobs."), "a run-time setting cannot fix a build error");
    }

    [Test]
    public void DJ1019_BlobInPrimaryKey()
    {
        var r = Check(Table("""
                    raw : {|DJ1019:bytes|}
                    ---
                    a : int32
        """));
        Assert.That(Message(r, "DJ1019"), Is.EqualTo("Blob or JSON attributes are not allowed in the primary key"));
    }

    [Test]
    public void DJ1020_InvalidRename_AndDJ1104_RenameOutsideTheKey()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    -> Parent.proj(a='p_id', {|DJ1020:b|}='p_id')
        """) + Table("""
                    u_id : int32
                    ---
                    -> Parent.proj(q='{|DJ1104:label|}')
        """, name: "U"));
        Assert.That(Message(r, "DJ1020"), Is.EqualTo("Attribute `p_id` is renamed more than once or onto a name used twice in \"Parent.proj(a='p_id', b='p_id')\""));
        Assert.That(Message(r, "DJ1104"), Is.EqualTo("Attribute `label` is not in the primary key of Parent; renaming it does not affect the foreign key."));
    }

    [Test]
    public void DJ1101_NativeType_IsAWarning()
    {
        var r = Check(Table("""
                    t_id : int32
                    ---
                    n : {|DJ1101:int unsigned|}
        """));
        Assert.That(r.Analyzer.Single().Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(Message(r, "DJ1101"), Does.StartWith("Native type 'int unsigned' is used in attribute 'n'."));
        Assert.That(r.CompilerErrors, Is.Empty);
    }

    [Test]
    public void VerbatimAndRegularLiterals_AreMappedExactly_WithEscapes()
    {
        TestHarness.Verify(""""
            using DataJoint;
            [Table]
            public partial class V : Manual
            {
                public const string Definition = @"v_id : int32
                ---
                note : varchar(8)   # say ""hi""
                x {|DJ1002:int32|}";
            }
            [Table]
            public partial class R : Manual
            {
                public const string Definition = "r_id = {|DJ1004:null|} : int32\n---\n\tname : varchar(8) # tab\u0041\nn : {|DJ1008:INT16|}";
            }
            """");
    }

    [Test]
    public void SeveralMistakesInOneDefinition_AreAllReported()
    {
        Check(Table("""
                    t_id = {|DJ1004:null|} : int32
                    ---
                    x {|DJ1002:int32|}
                    n : {|DJ1001:INT33|}
                    -> {|DJ1014:Nowhere|}
                    img : {|DJ0001:<blobb>|}
        """));
    }

    [Test]
    public void DJ0012_NoTier_DJ0013_NoDefinition_DJ0016_NotPartial()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Table]
            public partial class {|DJ0012:NoTier|}
            {
                public const string Definition = "a : int32";
            }
            [Table]
            public partial class {|DJ0013:NoDefinition|} : Manual
            {
            }
            [Table]
            public class {|DJ0016:NotPartial|} : Manual
            {
                public const string Definition = "a : int32";
            }
            public partial class Outer
            {
                [Table]
                public partial class {|DJ0016:InsideAPlainClass|} : Manual
                {
                    public const string Definition = "a : int32";
                }
            }
            """.Replace("public partial class Outer", "public class Outer"));
        Assert.That(Message(r, "DJ0012"), Is.EqualTo("[Table] class 'NoTier' must derive from Manual, Lookup, Imported, Computed or Part<TMaster>"));
        Assert.That(Message(r, "DJ0013"), Does.StartWith("[Table] class 'NoDefinition' must declare its definition as a string constant"));
        Assert.That(r.Analyzer.Where(d => d.Id == "DJ0016").Select(d => d.GetMessage(CultureInfo.InvariantCulture)).First(),
            Does.StartWith("Table class 'NotPartial' must be declared partial"));
    }

    [Test]
    public void DJ0014_ForeignKeyToAClassThatIsNotATable()
    {
        var r = Check("""
            namespace Lab
            {
                public sealed class Helper { }
            }
            """ + Table("""
                    -> {|DJ0014:Helper|}
                    t_id : int32
        """));
        Assert.That(Message(r, "DJ0014"), Is.EqualTo("Foreign key reference Helper names 'Lab.Helper', which is not a [Table] class"));
    }

    [Test]
    public void DJ0015_PartOutsideItsMaster()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Table]
            public partial class Master : Manual
            {
                public const string Definition = "m_id : int32";
            }
            [Table]
            public partial class {|DJ0015:Stray|} : Part<Master>
            {
                public const string Definition = "-> master\ns : int16";
            }
            """);
        Assert.That(Message(r, "DJ0015"), Is.EqualTo("Part table 'Stray' must be declared inside its master class 'Master' (DataJoint names a part <master>__<part>)"));
    }

    [Test]
    public void DJ0006_CodecWithoutPartial_IsReportedByTheGenerator_BesideTheCompilerError()
    {
        var r = TestHarness.Verify("""
            using DataJoint;
            [Codec("np", InTable = "json")]
            public sealed class {|DJ0006:NotPartialCodec|} : Codec<string, string>
            {
                protected override string Encode(string v, EncodeContext ctx) => v;
                protected override string Decode(string v, DecodeContext ctx) => v;
            }
            """);
        Assert.That(r.Run.Diagnostics.Select(d => d.Id), Does.Contain("DJ0006"), "a generator diagnostic: the command-line build shows it even with CS0534");
    }
}
