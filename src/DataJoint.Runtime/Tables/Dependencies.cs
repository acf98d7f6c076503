using System.Data.Common;

namespace DataJoint;

/// <summary>What a delete does about part tables whose master rows it does not delete.</summary>
public enum PartIntegrity
{
    /// <summary>Refuse the delete (DataJoint's default, <c>part_integrity="enforce"</c>).</summary>
    Enforce,
    /// <summary>Delete the part rows anyway (<c>part_integrity="ignore"</c>).</summary>
    Ignore,
}

/// <summary>One table a cascading delete or drop reaches, with the condition selecting the rows it removes (null: all).</summary>
internal readonly record struct CascadeStep(string Database, string Table, SqlFragment? Condition);

/// <summary>
/// The foreign-key graph below a table, as DataJoint's dependencies module walks it for a cascading delete or drop: the
/// table's descendants (in any database, read from the server's catalogue) in topological order, parents first.
/// </summary>
internal static class Dependencies
{
    /// <summary>
    /// <paramref name="table"/> and its descendants in topological order (parents first), each with the condition
    /// selecting the rows a cascading delete removes: the table's own restriction, then for each child the rows whose
    /// foreign key points at a removed parent row.
    /// </summary>
    public static async Task<List<CascadeStep>> CascadeAsync(Table table, DbConnection connection, CancellationToken cancellationToken)
    {
        var dialect = table.Dialect;
        var root = (table.Database, table.Name);
        var edges = new Dictionary<(string, string), List<((string, string) Child, ForeignKeyInfo Key)>>();
        var queue = new Queue<(string, string)>();
        queue.Enqueue(root);
        var seen = new HashSet<(string, string)> { root };
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var children = await dialect.ReadChildrenAsync(connection, node.Item1, node.Item2, cancellationToken).ConfigureAwait(false);
            var list = new List<((string, string), ForeignKeyInfo)>();
            foreach (var (cdb, ct, key) in children)
            {
                list.Add(((cdb, ct), key));
                if (seen.Add((cdb, ct))) queue.Enqueue((cdb, ct));
            }
            edges[node] = list;
        }
        // Topological order (Kahn) over the discovered subgraph.
        var indegree = seen.ToDictionary(n => n, _ => 0);
        foreach (var (_, list) in edges)
            foreach (var (child, _) in list.DistinctBy(e => e.Child))
                if (child != root) indegree[child]++;
        var order = new List<(string, string)>();
        var ready = new Queue<(string, string)>();
        ready.Enqueue(root);
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            order.Add(n);
            foreach (var child in edges[n].Select(e => e.Child).Distinct())
            {
                if (child == root) continue;
                if (--indegree[child] == 0) ready.Enqueue(child);
            }
        }
        if (order.Count != seen.Count)
            throw new DataJointException($"Cannot cascade a delete from {table.FullName}: the dependent tables form a cycle");

        var conditions = new Dictionary<(string, string), SqlFragment?> { [root] = table.RootCondition() };
        var incoming = new Dictionary<(string, string), List<SqlFragment>>();
        foreach (var n in order)
        {
            if (n != root)
                conditions[n] = incoming.TryGetValue(n, out var parts) ? dialect.Or(parts) : dialect.AlwaysFalse;
            var cond = conditions[n];
            foreach (var (child, key) in edges[n])
            {
                var parentRows = dialect.Select(key.ParentColumns.Select(c => new SelectColumn(dialect.Quote(c), c)).ToList(),
                    new SqlFragment(dialect.QualifiedName(n.Item1, n.Item2), []), cond is null ? [] : [cond]);
                var frag = dialect.In(key.Columns.Select(dialect.Quote).ToList(), parentRows);
                if (!incoming.TryGetValue(child, out var l)) incoming[child] = l = [];
                l.Add(frag);
            }
        }
        return order.Select(n => new CascadeStep(n.Item1, n.Item2, conditions[n])).ToList();
    }

    /// <summary>
    /// Refuses a cascade that removes rows of a part table whose master is not part of it (DataJoint's
    /// <c>part_integrity="enforce"</c>).
    /// </summary>
    public static void CheckPartIntegrity(Table table, IReadOnlyList<CascadeStep> plan)
    {
        var tables = plan.Select(p => (p.Database, p.Table)).ToHashSet();
        foreach (var (db, name, _) in plan)
        {
            if (DataJoint.Definitions.TableNaming.TryParseTableName(name, out var parsed) && parsed?.MasterSqlName is { } master
                && !tables.Contains((db, master)))
                throw new DataJointException(
                    $"Attempt to delete part table {table.Dialect.QualifiedName(db, name)} before its master {table.Dialect.QualifiedName(db, master)}. " +
                    "Delete from the master first, or use part_integrity='ignore' or 'cascade'.");
        }
    }
}
