using DataJoint.Definitions;

namespace DataJoint.Introspection;

/// <summary>
/// One table of a schema as the server describes it: SQL name, the class name DataJoint Python gives it
/// (<c>Session</c>, <c>Session.Trial</c> for a part), tier, table comment, heading (columns, primary key, foreign keys)
/// and secondary indexes.
/// </summary>
public sealed record TableInfo
{
    /// <summary>The database (schema) name.</summary>
    public required string Database { get; init; }
    /// <summary>The SQL table name (<c>#session_type</c>, <c>__analysis__unit</c>).</summary>
    public required string Name { get; init; }
    /// <summary>The class name: <c>SessionType</c>, or <c>Analysis.Unit</c> for a part; the SQL name for a table DataJoint did not name.</summary>
    public required string ClassName { get; init; }
    /// <summary>The part's own class name (<c>Unit</c>), or <see cref="ClassName"/> for a table that is not a part.</summary>
    public string ShortClassName => MasterName is null ? ClassName : ClassName[(ClassName.LastIndexOf('.') + 1)..];
    /// <summary>The tier its name says, or null for a name DataJoint does not make.</summary>
    public TableTier? Tier { get; init; }
    /// <summary>For a part: the master's SQL name.</summary>
    public string? MasterName { get; init; }
    /// <summary>The table comment (the definition's first <c>#</c> line).</summary>
    public string Comment { get; init; } = "";
    /// <summary>Columns, primary key and foreign keys.</summary>
    public required Heading Heading { get; init; }
    /// <summary>Secondary indexes (unique or not), including those the server made for foreign keys.</summary>
    public IReadOnlyList<IndexInfo> Indexes { get; init; } = [];
    /// <summary><c>`database`.`name`</c>.</summary>
    public string QualifiedName => Quote(Database, Name);

    internal static string Quote(string database, string table) => "`" + database + "`.`" + table + "`";

    internal static (string ClassName, TableTier? Tier, string? Master) Classify(string sqlName)
    {
        if (!TableNaming.TryParseTableName(sqlName, out var p)) return (sqlName, null, null);
        return p!.Tier == TableTier.Part ? (p.MasterClassName + "." + p.ClassName, TableTier.Part, p.MasterSqlName) : (p.ClassName, p.Tier, null);
    }
}
