using Microsoft.CodeAnalysis;

namespace DataJoint.Generators.Tests.Tables;

/// <summary>
/// Parents found as C# finds names (namespaces, usings), in referenced assemblies (typed Row/Key from their generated
/// Key), and across schemas (<c>[Table(Schema = ...)]</c>, <c>-&gt; schema.Class</c> as DataJoint Python writes it).
/// </summary>
public class ParentResolutionTests
{
    private const string Subjects = """
        namespace Lab.Subjects
        {
            [DataJoint.Table(Schema = "subjects")]
            public partial class Subject : DataJoint.Lookup
            {
                public const string Definition = "subject_id : int32\nsubject_code : varchar(8)\n---\nspecies : varchar(16)";
            }
        }
        """;

    /// <summary>Compiles <see cref="Subjects"/> with the generator into an in-memory assembly, as a referenced project would be.</summary>
    private static MetadataReference SubjectsAssembly()
    {
        var compilation = TestHarness.Compile("Lab.Subjects", [Subjects]);
        GeneratorDriver driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new DataJointGenerator().AsSourceGenerator()], parseOptions: TestHarness.ParseOptions);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        using var stream = new MemoryStream();
        var emit = output.Emit(stream);
        Assert.That(emit.Success, Is.True, string.Join("\n", emit.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    private const string Session = """"
        using Lab.Subjects;
        namespace Lab.Sessions
        {
            [DataJoint.Table]
            public partial class Session : DataJoint.Manual
            {
                public const string Definition = """
                    -> Subject
                    session_idx : int16
                    ---
                    -> [nullable] Subject.proj(buddy_id='subject_id', buddy_code='subject_code')
                    """;
            }
        }
        """";

    [Test]
    public void ParentInAReferencedAssembly_GivesTypedKeyAttributes_AndMetadataParent()
    {
        var r = TestHarness.Run([Session], "Lab.Sessions", SubjectsAssembly());
        Assert.That(r.Analyzer, Is.Empty, string.Join("\n", r.Analyzer));
        Assert.That(r.CompilerErrors, Is.Empty, string.Join("\n", r.CompilerErrors));
        var code = r.Generated("Lab.Sessions.Session.DataJointTable.g.cs");
        Assert.That(code, Does.Contain("public required int SubjectId { get; init; }"));
        Assert.That(code, Does.Contain("public required string SubjectCode { get; init; }"));
        Assert.That(code, Does.Contain("public int? BuddyId { get; init; }"));
        Assert.That(code, Does.Contain("public string? BuddyCode { get; init; }"));
        Assert.That(code, Does.Contain("new string[] { \"subject_id\", \"subject_code\", \"session_idx\", \"buddy_id\", \"buddy_code\" }, 3);"),
            "the metadata lists the attributes, key first, and the key's size");
        Assert.That(code, Does.Contain("new global::DataJoint.Metadata.TableParent(\"Subject\", global::DataJoint.Metadata.TableMetadata.Lazy<global::Lab.Subjects.Subject>()),"));
        Assert.That(code.Split("new global::DataJoint.Metadata.TableParent(").Length - 1, Is.EqualTo(1), "both foreign keys name the same parent class once");
    }

    [Test]
    public void ParentInTheSameCompilation_InAnotherNamespace_ThroughUsing_AndBoundToItsSchema()
    {
        var r = TestHarness.Run(Subjects, Session);
        Assert.That(r.Analyzer, Is.Empty, string.Join("\n", r.Analyzer));
        Assert.That(r.CompilerErrors, Is.Empty, string.Join("\n", r.CompilerErrors));
        Assert.That(r.Generated("Lab.Sessions.Session.DataJointTable.g.cs"), Does.Contain("public required string SubjectCode { get; init; }"));
        var subject = r.Generated("Lab.Subjects.Subject.DataJointTable.g.cs");
        Assert.That(subject, Does.Contain("\"Subject\", global::DataJoint.TableTier.Lookup, Definition, null, \"subjects\","));
    }

    [Test]
    public void SchemaQualifiedReference_AsPythonWritesIt_ResolvesToTheClassBoundToThatSchema()
    {
        var r = TestHarness.Run(Subjects, """"
            namespace Lab.Sessions
            {
                [DataJoint.Table]
                public partial class Visit : DataJoint.Manual
                {
                    public const string Definition = """
                        -> subjects.Subject
                        visit : int16
                        """;
                }
            }
            """");
        Assert.That(r.Analyzer, Is.Empty, string.Join("\n", r.Analyzer));
        var code = r.Generated("Lab.Sessions.Visit.DataJointTable.g.cs");
        Assert.That(code, Does.Contain("public required int SubjectId { get; init; }"));
        Assert.That(code, Does.Contain("TableParent(\"subjects.Subject\", global::DataJoint.Metadata.TableMetadata.Lazy<global::Lab.Subjects.Subject>())"));
    }

    [Test]
    public void FullyQualifiedReference_AndANameCSharpCannotSee_FallsBackToDataJointsRules()
    {
        var r = TestHarness.Run(Subjects, """
            namespace Lab.Other
            {
                [DataJoint.Table]
                public partial class A : DataJoint.Manual { public const string Definition = "-> Lab.Subjects.Subject\na : int16"; }
                [DataJoint.Table]
                public partial class B : DataJoint.Manual { public const string Definition = "-> Subject\nb : int16"; }
            }
            """);
        Assert.That(r.Analyzer, Is.Empty, string.Join("\n", r.Analyzer));
        Assert.That(r.Generated("Lab.Other.A.DataJointTable.g.cs"), Does.Contain("public required int SubjectId { get; init; }"));
        Assert.That(r.Generated("Lab.Other.B.DataJointTable.g.cs"), Does.Contain("public required int SubjectId { get; init; }"));
    }

    [Test]
    public void SchemaQualifiedPartReference_ResolvesToThePartOfTheMasterBoundToThatSchema()
    {
        var r = TestHarness.Run(""""
            namespace Lab.Sessions
            {
                [DataJoint.Table(Schema = "sessions")]
                public partial class Session : DataJoint.Manual
                {
                    public const string Definition = "session_id : int32";

                    [DataJoint.Table]
                    public partial class Trial : DataJoint.Part<Session>
                    {
                        public const string Definition = "-> master\ntrial : int16";
                    }
                }
            }
            namespace Lab.Recordings
            {
                [DataJoint.Table(Schema = "recordings")]
                public partial class Lick : DataJoint.Manual
                {
                    public const string Definition = """
                        -> sessions.Session.Trial
                        lick : int32
                        """;
                }
            }
            """");
        Assert.That(r.Analyzer, Is.Empty, string.Join("\n", r.Analyzer));
        Assert.That(r.CompilerErrors, Is.Empty, string.Join("\n", r.CompilerErrors));
        var code = r.Generated("Lab.Recordings.Lick.DataJointTable.g.cs");
        Assert.That(code, Does.Contain("public required short Trial { get; init; }"));
        Assert.That(code, Does.Contain("TableParent(\"sessions.Session.Trial\", global::DataJoint.Metadata.TableMetadata.Lazy<global::Lab.Sessions.Session.Trial>())"));
    }

    [Test]
    public void AnAutoPopulatedClassNamingItsExistingTable_MayHaveKeyAttributesOfItsOwn()
    {
        const string Tables = """"
            namespace Lab
            {
                [DataJoint.Table]
                public partial class Session : DataJoint.Manual { public const string Definition = "session_id : int32"; }

                [DataJoint.Table(Name = "_recording")]
                public partial class Recording : DataJoint.Imported
                {
                    public const string Definition = """
                        -> Session
                        rec_id : int32
                        """;
                }
            }
            """";
        var r = TestHarness.Run(Tables);
        Assert.That(r.Analyzer.Where(d => d.Id == "DJ1018"), Is.Empty, string.Join("\n", r.Analyzer));
        Assert.That(r.Generated("Lab.Recording.DataJointTable.g.cs"), Does.Contain("public required int RecId { get; init; }"));
        var declared = TestHarness.Run(Tables.Replace("[DataJoint.Table(Name = \"_recording\")]", "[DataJoint.Table]"));
        Assert.That(declared.Analyzer.Select(d => d.Id), Does.Contain("DJ1018"), "a class the schema creates keeps Python's rule");
    }
}
