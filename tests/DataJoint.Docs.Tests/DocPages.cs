using System.Reflection;

namespace DataJoint.Docs.Tests;

/// <summary>
/// A compiled page: its prelude and the assemblies its blocks use beyond the runtime and the plugins. The blocks of an
/// <see cref="Isolated"/> page are separate examples, each compiled on its own (docs/diagnostics.md: a bad and a fixed
/// version of the same class per diagnostic).
/// </summary>
public sealed record DocPage(string Prelude, params Assembly[] References)
{
    public bool Isolated { get; init; }
}

/// <summary>
/// The pages whose C# blocks are compiled (docs/codecs.md has its own test: its blocks declare everything they use),
/// each with its prelude: the namespaces the page names in its prose and the values its blocks take as given
/// (<c>rows</c>, <c>schema</c>, a logger factory …), declared with the types the prose gives them. A prelude member is a
/// property that is never called: the blocks are compiled, not run.
/// </summary>
public static class DocPages
{
    private const string Usings = """
        global using DataJoint;
        global using DataJoint.Stores;
        global using DataJoint.Settings;
        global using DataJoint.Introspection;
        global using DataJoint.Zarr;
        global using DataJoint.Hdf5;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.Logging;
        global using static DocPrelude;
        """;

    private static DocPage Prelude(string members, string types = "", string usings = "", params Assembly[] references) => new($$"""
        {{Usings}}
        {{usings}}

        internal static class DocPrelude
        {
        {{members}}
        }

        /// <summary>An application host's builder (a WebApplicationBuilder or HostApplicationBuilder has these).</summary>
        public sealed class AppBuilder
        {
            public IServiceCollection Services => throw null!;
            public IConfigurationManager Configuration => throw null!;
        }

        {{types}}
        """, references);

    /// <summary>Page → prelude.</summary>
    public static readonly IReadOnlyDictionary<string, DocPage> Pages = new Dictionary<string, DocPage>
    {
        ["README.md"] = Prelude(""""
                public static IEnumerable<object> rows => throw null!;
            """", """"
            public sealed class Graph
            {
                public string[] Nodes { get; init; } = [];
                public long[] Src { get; init; } = [];
                public long[] Dst { get; init; } = [];
            }

            public sealed record GraphData([property: BlobKey("nodes")] string[] Nodes, [property: BlobKey("src")] long[] Src, [property: BlobKey("dst")] long[] Dst)
            {
                public static GraphData From(Graph g) => new(g.Nodes, g.Src, g.Dst);
                public Graph ToGraph() => new() { Nodes = Nodes, Src = Src, Dst = Dst };
            }
            """"),

        ["docs/blob.md"] = Prelude(""""
                /// <summary>A blob MATLAB wrote (a 2×3 double matrix), and one holding a char row.</summary>
                public static byte[] matlabBytes => throw null!;
                public static byte[] matlabCharBytes => throw null!;
                public static double[] samples => throw null!;
            """"),

        ["docs/settings.md"] = Prelude(""""
                public static ILoggerFactory loggerFactory => throw null!;
                public static AppBuilder builder => throw null!;
            """"),

        ["docs/stores.md"] = Prelude(""""
                public static string secret => throw null!;
                public static AppBuilder builder => throw null!;
                public static IStoreProvider stores => throw null!;
                /// <summary>A column value of an &lt;object@&gt; / &lt;npy@&gt; attribute as fetched raw (its JSON text).</summary>
                public static string columnJson => throw null!;
                public static string npyJson => throw null!;
                public static ObjectRef folderRef => throw null!;
                public static NpyRef gainRef => throw null!;
                public static Schema schema => throw null!;
                public static Schema lab => throw null!;
                public static Schema analysis => throw null!;
                public static double[] samples => throw null!;
                public static Table rec => throw null!;
                public static IEnumerable<object> rows => throw null!;
                public static IObjectStore store => throw null!;
                public static IReadOnlyCollection<string> referenced => throw null!;
            """"),

        ["docs/introspection.md"] = Prelude(""""
                public static Schema lab => throw null!;
                public static Schema subjects => throw null!;
                public static Schema ephys => throw null!;
            """", """"
            [Table(Schema = "lab_ephys")]
            public partial class Subject : Manual
            {
                public const string Definition = """
                    subject_id : int32
                    """;
            }
            """"),

        ["docs/definitions.md"] = Prelude("", """"
            [Table]
            public partial class Subject : Manual
            {
                public const string Definition = """
                    subject_id : int32
                    """;
            }

            [Table]
            public partial class Rig : Lookup
            {
                public const string Definition = """
                    rig : varchar(16)
                    """;
            }
            """"),

        // The typed make is the GraphPipeline sample's (its Connectivity table and <graph> codec are referenced).
        ["docs/populate.md"] = Prelude("""
                public static Schema lab => throw null!;
                public static Schema schema => throw null!;
                public static DataJointConnection connection => throw null!;
                public static Table recordings => throw null!;
                public static Table traces => throw null!;
                public static Table fits => throw null!;
                public static Table sessions => throw null!;
                public static Table trials => throw null!;
                public static Table drafts => throw null!;
                public static object session => throw null!;
                public static object key => throw null!;
                public static IEnumerable<object> trialRows => throw null!;
                public static double Rate(IReadOnlyList<Row> spikes) => throw null!;
                public static double ExpensiveFit(double[] trace) => throw null!;
            """, usings: "global using Samples.Graphs;", references: typeof(Samples.Graphs.GraphCodec).Assembly),

        ["docs/tables.md"] = Prelude(""""
            #nullable enable
                public static CancellationToken ct => default;
                public static DataJointConnection connection => throw null!;
                public static Schema lab => throw null!;
                public static Table subject => throw null!;
                public static Table session => throw null!;
                public static Table person => throw null!;
                public static Table archive => throw null!;
                public static Table counts => throw null!;
                public static Table stimulus => throw null!;
                public static Table orphanTable => throw null!;
                public static Table probe => throw null!;
                public static IEnumerable<object> rows => throw null!;
                public static IEnumerable<IReadOnlyDictionary<string, object?>> dicts => throw null!;
                public static object key => throw null!;
                public static QueryExpression query => throw null!;
                public static TypedTable<Person, Person.Row, Person.Key> typedPerson => throw null!;
                public static Person.Row row => throw null!;
            """", """"
            [Table]
            public partial class Person : Manual
            {
                public const string Definition = """
                    person_id : int32
                    ---
                    name : varchar(64)
                    note = null : varchar(255)
                    """;
            }

            [Table]
            public partial class Session : Manual
            {
                public const string Definition = """
                    session_id : int32
                    """;
            }
            """"),

        ["docs/errors.md"] = Prelude("""
                public static Table table => throw null!;
                public static IEnumerable<object> rows => throw null!;
                public static Table session => throw null!;
                public static object key => throw null!;
                public static CancellationToken ct => default;
            """),

        ["docs/diagnostics.md"] = Prelude("") with { Isolated = true },

        ["plugins/DataJoint.Codecs.Zarr/README.md"] = Prelude(""""
                public static TypedTable<Recording, Recording.Row, Recording.Key> typed => throw null!;
                public static Table table => throw null!;
                public static float[,,] frames => throw null!;
            """", """"
            [Table]
            public partial class Recording : Manual
            {
                public const string Definition = """
                    id : int32
                    ---
                    movie : <zarr@main>
                    """;
            }
            """"),

        ["plugins/DataJoint.Codecs.Hdf5/README.md"] = Prelude(""""
                public static Table table => throw null!;
            """"),
    };
}
