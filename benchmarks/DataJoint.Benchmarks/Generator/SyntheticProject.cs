using System.Text;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DataJoint.Benchmarks.Generator;

/// <summary>The synthetic project of the generator benchmarks: codecs (half with record stored types) and tables using them.</summary>
internal static class SyntheticProject
{
    /// <summary>
    /// As <c>dotnet build</c> parses a project that writes no documentation file: doc comments are plain comments
    /// (<see cref="DocumentationMode.None"/>; Roslyn's API default would parse them as structured trivia).
    /// </summary>
    public static readonly CSharpParseOptions Parse = new(LanguageVersion.Preview, DocumentationMode.None);

    public static MetadataReference[] References() =>
        [.. Net100.References.All, MetadataReference.CreateFromFile(typeof(Codecs).Assembly.Location)];

    public static string[] Sources(int codecCount, int tableCount)
    {
        var sources = new List<string>();
        for (var i = 0; i < codecCount; i++)
        {
            // Half chain to <blob> with a record stored type (mapper generated), half to another codec or a core type.
            var inTable = i % 2 == 0 ? "<blob>" : i % 4 == 1 ? "varchar(64)" : $"<c{i - 1}>";
            var stored = i % 2 == 0 ? $"R{i}" : "string";
            const string value = "string";
            sources.Add($$"""
                using DataJoint;
                namespace Synthetic;
                public sealed record R{{i}}(int A, string B, double[] C);
                [Codec("c{{i}}", InTable = "{{inTable}}"{{(i % 2 == 0 ? ", InStore = \"<blob>\"" : "")}})]
                public sealed partial class Codec{{i}} : Codec<{{value}}, {{stored}}>
                {
                    protected override {{stored}} Encode({{value}} v, EncodeContext ctx) => {{(i % 2 == 0 ? $"new R{i}(1, v, [])" : "v")}};
                    protected override {{value}} Decode({{stored}} s, DecodeContext ctx) => {{(i % 2 == 0 ? "s.B" : "s")}};
                }
                """);
        }
        for (var t = 0; t < tableCount; t++)
        {
            var sb = new StringBuilder();
            sb.Append("        t").Append(t).Append("_id : int32\n        ---\n");
            for (var a = 0; a < 6; a++)
            {
                var codec = (t * 7 + a * 13) % codecCount;
                var spec = codec % 2 == 0 && a % 2 == 0 ? $"<c{codec}@main>" : $"<c{codec}>";
                sb.Append("        a").Append(a).Append(" : ").Append(spec).Append("   # attribute ").Append(a).Append('\n');
            }
            sb.Append("        n : varchar(32)\n");
            sources.Add($$""""
                using DataJoint;
                namespace Synthetic;
                [Table]
                public partial class Table{{t}} : Manual
                {
                    public const string Definition = """
                {{sb}}        """;
                }
                """");
        }
        return [.. sources];
    }

    /// <summary>
    /// The sources plus, for each codec, the member the generator writes (returning null): a project that compiles
    /// without the generator, for the emit baseline (its tables get no typed code).
    /// </summary>
    public static string[] WithCodecMembersByHand(string[] sources, int codecCount) =>
    [
        .. sources,
        .. Enumerable.Range(0, codecCount).Select(i => $$"""
            namespace Synthetic;
            public sealed partial class Codec{{i}}
            {
                protected override DataJoint.CodecDescriptor CodecClassMustBePartial_AndItsProjectMustReferenceTheDataJointSourceGenerator() => null!;
            }
            """),
    ];

    /// <summary>A fresh compilation of the sources (freshly parsed trees, like a clean build).</summary>
    public static CSharpCompilation Compilation(string[] sources, MetadataReference[] references) => CSharpCompilation.Create("Synthetic",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"F{i}.cs")),
        references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
}
