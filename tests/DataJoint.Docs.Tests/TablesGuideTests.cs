namespace DataJoint.Docs.Tests;

/// <summary>
/// docs/tables.md (the table API and the query algebra): every C# block compiles with the generator and the analyzer. The
/// snippets use tables and values the page introduces in its text (<c>subject</c>, <c>session</c>, <c>rows</c>...); the
/// prelude declares them with the types the page gives them, and nothing else.
/// </summary>
public class TablesGuideTests
{
    private static readonly IReadOnlyList<DocBlock> Blocks = DocCompiler.Blocks("docs/tables.md");

    private const string Prelude = """
        global using DataJoint;
        global using static TablesPageNames;

        // The typed table behind `typedPerson` ("Update").
        [Table]
        public partial class Person : Manual
        {
            public const string Definition = "person_id : int32\n---\nname : varchar(32)\nnote = null : varchar(32)";
        }

        // What the page's text introduces in words: the tables of its running example, rows, a key, a cancellation token.
        internal static class TablesPageNames
        {
            public static Schema lab => null!;
            public static Table subject => null!;
            public static Table session => null!;
            public static Table person => null!;
            public static Table probe => null!;
            public static Table stimulus => null!;
            public static Table archive => null!;
            public static Table counts => null!;
            public static Table orphanTable => null!;
            public static QueryExpression query => null!;
            public static object key => null!;
            public static IEnumerable<object> rows => null!;
            public static IEnumerable<IReadOnlyDictionary<string, object?>> dicts => null!;
            public static TypedTable<Person, Person.Row, Person.Key> typedPerson => null!;
            public static Person.Row row => null!;
            public static CancellationToken ct => default;
        }
        """;

    [Test]
    public void ThePageHasCodeBlocks()
    {
        Assert.That(Blocks, Has.Count.GreaterThanOrEqualTo(17));
        Assert.That(Blocks.Where(b => b.ExpectedDiagnostic is not null), Is.Empty);
    }

    [Test]
    public void EveryBlock_CompilesWithTheGeneratorAndAnalyzer_WithoutWarnings()
    {
        var result = DocCompiler.Compile(Blocks,
            [typeof(DataJoint.Arrow.ArrowFetch).Assembly, typeof(Apache.Arrow.RecordBatch).Assembly], Prelude);
        Assert.That(result.Problems, Is.Empty, DocCompiler.Describe(result.Problems));
    }
}
