using DataJoint.Definitions;

namespace DataJoint.Introspection;

/// <summary>
/// Every user table of one schema read from the server in one go (Python's <c>virtual_schema</c> view of it), in
/// dependency order: parents before children, then by name. Tables are found by class name (<c>Session</c>,
/// <c>Session.Trial</c>), by a part's short name when it is unambiguous (<c>Trial</c>), or by SQL name.
/// </summary>
public sealed class SchemaCatalog
{
    private readonly Dictionary<string, TableInfo> _bySql;

    private SchemaCatalog(string database, IReadOnlyList<TableInfo> tables)
    {
        Database = database;
        Tables = tables;
        _bySql = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The database (schema) name.</summary>
    public string Database { get; }

    /// <summary>The user tables (no <c>~</c> tables), parents before children.</summary>
    public IReadOnlyList<TableInfo> Tables { get; }

    /// <summary>Reads every user table of <paramref name="database"/>: headings, foreign keys, indexes, comments.</summary>
    public static async Task<SchemaCatalog> LoadAsync(DataJointConnection connection, string database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var dialect = MySqlDialect.Instance;
        await using var conn = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!await dialect.DatabaseExistsAsync(conn, database, cancellationToken).ConfigureAwait(false))
            throw new DataJointException($"Schema `{database}` does not exist.");
        var tables = new List<TableInfo>();
        foreach (var (name, comment) in await dialect.ReadTableCommentsAsync(conn, database, cancellationToken).ConfigureAwait(false))
        {
            if (name.StartsWith('~')) continue;
            var heading = await dialect.ReadHeadingAsync(conn, database, name, cancellationToken).ConfigureAwait(false);
            if (heading is null) continue;
            var indexes = await dialect.ReadIndexesAsync(conn, database, name, cancellationToken).ConfigureAwait(false);
            var (className, tier, master) = TableInfo.Classify(name);
            tables.Add(new TableInfo
            {
                Database = database, Name = name, ClassName = className, Tier = tier, MasterName = master,
                Comment = comment, Heading = heading, Indexes = indexes,
            });
        }
        return new SchemaCatalog(database, Order(tables));
    }

    /// <summary>Parents before children (foreign keys within the schema), ties broken by SQL name; parts right after their master's level.</summary>
    private static List<TableInfo> Order(List<TableInfo> tables)
    {
        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var result = new List<TableInfo>(tables.Count);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        void Visit(TableInfo t)
        {
            if (done.Contains(t.Name) || !visiting.Add(t.Name)) return;
            foreach (var fk in t.Heading.ForeignKeys)
                if (fk.ParentDatabase == t.Database && byName.TryGetValue(fk.ParentTable, out var parent)) Visit(parent);
            visiting.Remove(t.Name);
            done.Add(t.Name);
            result.Add(t);
            foreach (var part in tables.Where(p => p.MasterName == t.Name).OrderBy(p => p.Name, StringComparer.Ordinal)) Visit(part);
        }
        foreach (var t in tables.Where(t => t.MasterName is null).OrderBy(t => t.Name, StringComparer.Ordinal)) Visit(t);
        foreach (var t in tables.OrderBy(t => t.Name, StringComparer.Ordinal)) Visit(t); // parts whose master is missing
        return result;
    }

    /// <summary>The table named <paramref name="name"/> (class name, a part's short name, or SQL name), or null.</summary>
    public TableInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_bySql.TryGetValue(name, out var t)) return t;
        var byClass = Tables.FirstOrDefault(x => x.ClassName == name);
        if (byClass is not null) return byClass;
        var parts = Tables.Where(x => x.MasterName is not null && x.ShortClassName == name).ToList();
        return parts.Count == 1 ? parts[0] : null;
    }

    /// <summary>The table named <paramref name="name"/>; an unknown or ambiguous name is an error listing the candidates.</summary>
    public TableInfo Get(string name)
    {
        var t = Find(name);
        if (t is not null) return t;
        var parts = Tables.Where(x => x.MasterName is not null && x.ShortClassName == name).Select(x => x.ClassName).ToList();
        if (parts.Count > 1)
            throw new DataJointException($"`{name}` is ambiguous in schema `{Database}`: it is a part of several masters ({string.Join(", ", parts)}). Use Master.Part.");
        var close = Tables.Select(x => x.ClassName).Where(c => c.Contains(name, StringComparison.OrdinalIgnoreCase)
                                                               || name.Contains(c, StringComparison.OrdinalIgnoreCase)).ToList();
        throw new MissingTableException(
            $"Schema `{Database}` has no table `{name}` (by class name or SQL name)." +
            (close.Count > 0 ? $" Did you mean {string.Join(", ", close)}?" : $" Its tables: {string.Join(", ", Tables.Select(x => x.ClassName))}."), null);
    }

    /// <summary>The parts of <paramref name="master"/>.</summary>
    public IReadOnlyList<TableInfo> Parts(TableInfo master) =>
        Tables.Where(t => t.MasterName == master.Name && t.Database == master.Database).ToList();

    internal TableInfo? BySqlName(string name) => _bySql.GetValueOrDefault(name);

    /// <summary>The name a definition uses for <paramref name="database"/>.<paramref name="table"/> seen from this schema: the class name when it is here, else <c>`db`.`table`</c>.</summary>
    internal string ReferenceName(string database, string table) =>
        database == Database && _bySql.TryGetValue(table, out var t) ? t.ClassName : TableInfo.Quote(database, table);
}
