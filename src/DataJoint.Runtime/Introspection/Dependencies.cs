namespace DataJoint.Introspection;

/// <summary>
/// The foreign-key graph around one schema, across schemas: tables of other schemas that it references or that
/// reference it are loaded too (Python's <c>dependencies</c>). Nodes are qualified names <c>`db`.`table`</c>.
/// </summary>
public sealed class Dependencies
{
    private readonly Dictionary<string, SchemaCatalog> _catalogs;
    private readonly Dictionary<string, List<string>> _parents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    private Dependencies(SchemaCatalog root, Dictionary<string, SchemaCatalog> catalogs)
    {
        Root = root;
        _catalogs = catalogs;
        foreach (var c in catalogs.Values)
            foreach (var t in c.Tables)
            {
                _parents.TryAdd(t.QualifiedName, []);
                _children.TryAdd(t.QualifiedName, []);
            }
        foreach (var c in catalogs.Values)
            foreach (var t in c.Tables)
                foreach (var fk in t.Heading.ForeignKeys)
                {
                    var parent = TableInfo.Quote(fk.ParentDatabase, fk.ParentTable);
                    if (!_parents[t.QualifiedName].Contains(parent)) _parents[t.QualifiedName].Add(parent);
                    _children.TryAdd(parent, []);
                    if (!_children[parent].Contains(t.QualifiedName)) _children[parent].Add(t.QualifiedName);
                }
    }

    /// <summary>The schema the graph was loaded for.</summary>
    public SchemaCatalog Root { get; }

    /// <summary>Every schema the graph reaches (the root's, and those linked to it by foreign keys, transitively).</summary>
    public IReadOnlyCollection<SchemaCatalog> Schemas => _catalogs.Values;

    /// <summary>Loads <paramref name="database"/> and, following foreign keys both ways, every schema linked to it.</summary>
    public static async Task<Dependencies> LoadAsync(DataJointConnection connection, string database, CancellationToken cancellationToken = default)
    {
        var catalogs = new Dictionary<string, SchemaCatalog>(StringComparer.Ordinal);
        var queue = new Queue<string>([database]);
        while (queue.Count > 0)
        {
            var db = queue.Dequeue();
            if (catalogs.ContainsKey(db)) continue;
            var catalog = await SchemaCatalog.LoadAsync(connection, db, cancellationToken).ConfigureAwait(false);
            catalogs[db] = catalog;
            foreach (var t in catalog.Tables)
                foreach (var fk in t.Heading.ForeignKeys)
                    if (!catalogs.ContainsKey(fk.ParentDatabase)) queue.Enqueue(fk.ParentDatabase);
            await using var conn = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var t in catalog.Tables)
                foreach (var (childDb, _, _) in await MySqlDialect.Instance.ReadChildrenAsync(conn, db, t.Name, cancellationToken).ConfigureAwait(false))
                    if (!catalogs.ContainsKey(childDb)) queue.Enqueue(childDb);
        }
        return new Dependencies(catalogs[database], catalogs);
    }

    /// <summary>The table with qualified name <c>`db`.`t`</c>, or a name of the root schema (class or SQL name).</summary>
    public TableInfo Get(string name)
    {
        if (name.StartsWith('`'))
        {
            foreach (var c in _catalogs.Values)
                foreach (var t in c.Tables)
                    if (t.QualifiedName == name) return t;
            throw new MissingTableException($"No table {name} among the schemas {string.Join(", ", _catalogs.Keys)}.", null);
        }
        return Root.Get(name);
    }

    /// <summary>Tables the given table references by foreign key.</summary>
    public IReadOnlyList<TableInfo> Parents(string name) => Resolve(_parents, Get(name));

    /// <summary>Tables that reference the given table by foreign key (parts included).</summary>
    public IReadOnlyList<TableInfo> Children(string name) => Resolve(_children, Get(name));

    /// <summary>Every table reached by following foreign keys upward, nearest first.</summary>
    public IReadOnlyList<TableInfo> Ancestors(string name) => Walk(_parents, Get(name));

    /// <summary>Every table reached by following foreign keys downward, nearest first.</summary>
    public IReadOnlyList<TableInfo> Descendants(string name) => Walk(_children, Get(name));

    /// <summary>The parts of a master table.</summary>
    public IReadOnlyList<TableInfo> Parts(string name)
    {
        var master = Get(name);
        return _catalogs[master.Database].Parts(master);
    }

    private IReadOnlyList<TableInfo> Resolve(Dictionary<string, List<string>> edges, TableInfo from) =>
        (edges.GetValueOrDefault(from.QualifiedName) ?? []).Select(Get).ToList();

    private IReadOnlyList<TableInfo> Walk(Dictionary<string, List<string>> edges, TableInfo from)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from.QualifiedName };
        var result = new List<TableInfo>();
        var queue = new Queue<string>([from.QualifiedName]);
        while (queue.Count > 0)
            foreach (var next in edges.GetValueOrDefault(queue.Dequeue()) ?? [])
                if (seen.Add(next))
                {
                    result.Add(Get(next));
                    queue.Enqueue(next);
                }
        return result;
    }
}
