using System.Data.Common;

namespace DataJoint;

/// <summary>What a delete does about part tables whose master rows it does not delete.</summary>
public enum PartIntegrity
{
    /// <summary>
    /// Refuse a delete that removes rows of a part table while leaving its master's rows (DataJoint's default,
    /// <c>part_integrity="enforce"</c>); only rows actually deleted count. A drop refuses to drop a part without its master.
    /// </summary>
    Enforce,
    /// <summary>Delete (or drop) the part rows anyway (<c>part_integrity="ignore"</c>).</summary>
    Ignore,
    /// <summary>
    /// Also delete the master rows whose parts the delete removes, and everything that depends on them (their other
    /// parts included): <c>part_integrity="cascade"</c>. Not for drops.
    /// </summary>
    Cascade,
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
    public static Task<List<CascadeStep>> CascadeAsync(Table table, DbConnection connection, CancellationToken cancellationToken) =>
        CascadeAsync(table.Dialect, [new CascadeStep(table.Database, table.Name, table.RootCondition())], connection, cancellationToken);

    /// <summary>
    /// The cascade from several starting tables at once (a delete and, with <see cref="PartIntegrity.Cascade"/>, the
    /// masters of the parts it reaches): every table reached, in topological order (parents first), with the OR of the
    /// conditions that reach it (a starting table's own condition among them; null: all its rows).
    /// </summary>
    public static async Task<List<CascadeStep>> CascadeAsync(ISqlDialect dialect, IReadOnlyList<CascadeStep> roots, DbConnection connection,
        CancellationToken cancellationToken)
    {
        var edges = new Dictionary<(string, string), List<((string, string) Child, ForeignKeyInfo Key)>>();
        var queue = new Queue<(string, string)>();
        var seen = new HashSet<(string, string)>();
        foreach (var r in roots)
            if (seen.Add((r.Database, r.Table))) queue.Enqueue((r.Database, r.Table));
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var children = await dialect.ReadChildrenAsync(connection, node.Item1, node.Item2, cancellationToken).ConfigureAwait(false);
            var list = new List<((string, string), ForeignKeyInfo)>();
            foreach (var (cdb, ct, key) in children)
            {
                if ((cdb, ct) == node) continue; // a table referencing itself: its rows go with the table's own condition
                list.Add(((cdb, ct), key));
                if (seen.Add((cdb, ct))) queue.Enqueue((cdb, ct));
            }
            edges[node] = list;
        }
        // Topological order (Kahn) over the discovered subgraph; the starting tables first where the order allows.
        var indegree = seen.ToDictionary(n => n, _ => 0);
        foreach (var (_, list) in edges)
            foreach (var (child, _) in list.DistinctBy(e => e.Child))
                indegree[child]++;
        var order = new List<(string, string)>();
        var ready = new Queue<(string, string)>(roots.Select(r => (r.Database, r.Table)).Distinct().Where(n => indegree[n] == 0));
        foreach (var n in seen) if (indegree[n] == 0 && !ready.Contains(n)) ready.Enqueue(n);
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            order.Add(n);
            foreach (var child in edges[n].Select(e => e.Child).Distinct())
                if (--indegree[child] == 0) ready.Enqueue(child);
        }
        if (order.Count != seen.Count)
            throw new DataJointException(
                $"Cannot cascade from {string.Join(", ", roots.Select(r => dialect.QualifiedName(r.Database, r.Table)))}: the dependent tables form a cycle");

        var own = new Dictionary<(string, string), List<SqlFragment?>>();
        foreach (var r in roots)
        {
            if (!own.TryGetValue((r.Database, r.Table), out var l)) own[(r.Database, r.Table)] = l = [];
            l.Add(r.Condition);
        }
        var conditions = new Dictionary<(string, string), SqlFragment?>();
        var incoming = new Dictionary<(string, string), List<SqlFragment>>();
        foreach (var n in order)
        {
            var parts = incoming.TryGetValue(n, out var inc) ? new List<SqlFragment>(inc) : [];
            var all = false;
            if (own.TryGetValue(n, out var mine))
                foreach (var c in mine)
                {
                    if (c is null) all = true;
                    else parts.Add(c);
                }
            var cond = all ? null : parts.Count == 0 ? dialect.AlwaysFalse : parts.Count == 1 ? parts[0] : dialect.Or(parts);
            conditions[n] = cond;
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

    /// <summary>The master of a part table (same database), or null for a table that is not a part.</summary>
    public static string? MasterOf(string table) =>
        DataJoint.Definitions.TableNaming.TryParseTableName(table, out var parsed) ? parsed?.MasterSqlName : null;

    /// <summary>
    /// DataJoint's <c>part_integrity="enforce"</c> on what a delete actually removed: the message of the first part table
    /// that lost rows while its master lost none (or was not reached), else null.
    /// </summary>
    public static string? PartIntegrityViolation(ISqlDialect dialect, List<CascadeStep> plan, IReadOnlyList<long> counts)
    {
        for (var i = 0; i < plan.Count; i++)
        {
            if (counts[i] == 0 || MasterOf(plan[i].Table) is not { } master) continue;
            var m = plan.FindIndex(s => s.Database == plan[i].Database && s.Table == master);
            if (m >= 0 && counts[m] > 0) continue;
            return $"Attempt to delete part table {dialect.QualifiedName(plan[i].Database, plan[i].Table)} before its master " +
                   $"{dialect.QualifiedName(plan[i].Database, master)}. Delete from the master first, or use part_integrity='ignore' or 'cascade'.";
        }
        return null;
    }
}
