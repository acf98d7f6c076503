using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Generators.Tests;

/// <summary>
/// Generated code names every type through <c>global::</c>: it compiles in a project without implicit usings, with
/// nullable disabled (<c>&lt;Nullable&gt;disable&lt;/Nullable&gt;</c> and <c>#nullable disable</c>), and in a namespace whose
/// own types are named like every type the generated code uses (<c>System</c>, <c>DataJoint</c>, <c>Task</c>,
/// <c>IReadOnlyDictionary</c>...), which an unqualified name would bind to instead.
/// </summary>
public class QualifiedNamesTests
{
    /// <summary>Every generator feature in one namespace: codecs with record mappers, every tier, a part, Lookup contents.</summary>
    private const string Features = """"
        #nullable disable
        namespace Lab.Hostile
        {
            public sealed record Point(int X, string Name, double[] Values, global::System.Collections.Generic.IReadOnlyDictionary<string, object> Tags);

            [global::DataJoint.Codec("pt", InTable = "<blob>", InStore = "<blob@>")]
            public sealed partial class PointCodec : global::DataJoint.Codec<Point, Point>
            {
                protected override Point Encode(Point v, global::DataJoint.EncodeContext ctx) => v;
                protected override Point Decode(Point s, global::DataJoint.DecodeContext ctx) => s;
            }

            [global::DataJoint.Codec("label", InTable = "varchar(64)")]
            public sealed partial class LabelCodec : global::DataJoint.Codec<string, string>
            {
                protected override string Encode(string v, global::DataJoint.EncodeContext ctx) => v;
                protected override string Decode(string s, global::DataJoint.DecodeContext ctx) => s;
            }

            [global::DataJoint.Table]
            public partial class Kind : global::DataJoint.Lookup
            {
                public const string Definition = "kind : varchar(8)\n---\ndescription = null : varchar(64)";
                public static Row[] Contents => new[] { new Row { Kind_ = "a" } };
            }

            [global::DataJoint.Table]
            public partial class Subject : global::DataJoint.Manual
            {
                public const string Definition = """
                    subject_id : int32
                    ---
                    -> Kind
                    uid : uuid
                    meta = null : json
                    raw = null : bytes
                    day : date
                    stamp : datetime(3)
                    amount : decimal(8, 2)
                    score = null : float64
                    pos = null : <pt>
                    far = null : <pt@>
                    label : <label>
                    blob = null : <blob>
                    """;
            }

            [global::DataJoint.QueryRow]
            public sealed partial record SubjectCount(int SubjectId, long N, string Label);

            [global::DataJoint.Table]
            public partial class Session : global::DataJoint.Computed
            {
                public const string Definition = "-> Subject\n---\nn : int64";

                [global::DataJoint.Table]
                public partial class Trial : global::DataJoint.Part<Session>
                {
                    public const string Definition = "-> master\ntrial : int16\n---\nok : bool";
                }
            }
        }
        """";

    [Test]
    public void GeneratedCode_Compiles_WithoutUsings_NullableDisabled_AndEveryTypeNameShadowed()
    {
        // The names the generated code uses, read from its own output: each becomes a type of the user's namespace.
        var first = Run(Features, NullableContextOptions.Enable);
        Assert.That(first.Errors, Is.Empty, string.Join("\n", first.Errors));
        var names = first.Generated
            .SelectMany(code => Regex.Matches(code, @"global::([A-Za-z_][\w.]*)").Select(m => m.Groups[1].Value))
            .SelectMany(qualified => qualified.Split('.'))
            .Concat(["System", "DataJoint", "Microsoft", "IReadOnlyDictionary", "Dictionary", "IReadOnlyList", "List",
                     "IEnumerable", "Task", "Type", "Func", "Array", "Object", "String", "Attribute"])
            .Where(n => n.Length > 0 && char.IsUpper(n[0]))
            .Distinct(StringComparer.Ordinal)
            .Except(["Lab", "Hostile", "Point", "PointCodec", "LabelCodec", "Kind", "Subject", "SubjectCount", "Session", "Trial", "Row", "Key"])
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.That(names, Does.Contain("TableMetadata").And.Contain("Guid").And.Contain("CancellationToken"), "the names come from the generated code");

        var shadows = "namespace Lab.Hostile\n{\n" + string.Concat(names.Select(n =>
            $"    public class {n} {{ }}\n    public class {n}<T1> {{ }}\n    public class {n}<T1, T2> {{ }}\n")) + "}\n";
        var hostile = Run(Features + "\n" + shadows, NullableContextOptions.Disable);
        Assert.That(hostile.Errors, Is.Empty, "an unqualified name bound to the user's type:\n" + string.Join("\n", hostile.Errors));
        Assert.That(hostile.Generated, Has.Count.GreaterThanOrEqualTo(first.Generated.Count));

        using var stream = new MemoryStream();
        var emit = hostile.Output.Emit(stream);
        Assert.That(emit.Success, Is.True, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }

    /// <summary>
    /// A file without the usings its types need (a project with implicit usings off): the compiler reports each
    /// unresolved name in the user's file, and the generated code, which cannot name such a type, adds no error of its own.
    /// </summary>
    [Test]
    public void UnresolvedTypesInTheUsersCode_AreTheOnlyErrors_GeneratedCodeAddsNone()
    {
        const string source = """"
            namespace Lab.NoUsings
            {
                public sealed record Meta(int X, IReadOnlyDictionary<string, object> Tags);

                [DataJoint.Codec("meta", InTable = "<blob>")]
                public sealed partial class MetaCodec : DataJoint.Codec<Meta, Meta>
                {
                    protected override Meta Encode(Meta v, DataJoint.EncodeContext ctx) => v;
                    protected override Meta Decode(Meta s, DataJoint.DecodeContext ctx) => s;
                }

                [DataJoint.Codec("tags", InTable = "<blob>")]
                public sealed partial class TagsCodec : DataJoint.Codec<IReadOnlyDictionary<string, object>, Dictionary<string, object>>
                {
                    protected override Dictionary<string, object> Encode(IReadOnlyDictionary<string, object> v, DataJoint.EncodeContext ctx) => null!;
                    protected override IReadOnlyDictionary<string, object> Decode(Dictionary<string, object> s, DataJoint.DecodeContext ctx) => s;
                }

                [DataJoint.Table]
                public partial class Holder : DataJoint.Manual
                {
                    public const string Definition = "holder_id : int32\n---\nm : <meta>\nt : <tags>";
                }

                [DataJoint.QueryRow]
                public sealed partial record Tagged(int HolderId, List<string> Names);
            }
            """";
        var result = Run(source, NullableContextOptions.Disable);
        var errors = result.Errors.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.Where(d => d.Location.SourceTree?.FilePath != "Hostile.cs"), Is.Empty,
            "errors in generated files:\n" + string.Join("\n", errors));
        Assert.That(errors.Select(d => d.Id).Distinct(), Is.EqualTo(new[] { "CS0246" }), string.Join("\n", errors));
        Assert.That(result.Generated.Single(g => g.Contains("partial class Holder")), Does.Contain("public required object T { get; init; }"),
            "an attribute whose codec's type does not resolve is typed object until it does");
    }

    private sealed record Outcome(Compilation Output, List<string> Generated, List<Diagnostic> Errors);

    /// <summary>Compiles like a project with implicit usings off (no global usings at all) and the given nullable context.</summary>
    private static Outcome Run(string source, NullableContextOptions nullable)
    {
        var compilation = CSharpCompilation.Create("Hostile",
            [CSharpSyntaxTree.ParseText(source, TestHarness.ParseOptions, path: "Hostile.cs")],
            TestHarness.References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new DataJointGenerator().AsSourceGenerator()], parseOptions: TestHarness.ParseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.Select(t => t.GetText().ToString()).ToList();
        var errors = output.GetDiagnostics().Concat(generatorDiagnostics)
            .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning).ToList();
        return new Outcome(output, generated, errors);
    }
}
