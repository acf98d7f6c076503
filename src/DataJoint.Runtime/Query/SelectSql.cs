using System.Text;

namespace DataJoint;

/// <summary>
/// Renders a query as SQL: <c>SELECT ... FROM ... WHERE ... [ORDER BY] [LIMIT]</c> and the row count. Quoting, paging
/// and lossless fetch expressions come from the query's <see cref="ISqlDialect"/>.
/// </summary>
internal static class SelectSql
{
    /// <summary>The SELECT statement for <paramref name="attributes"/> (null: the whole heading) of <paramref name="query"/>.</summary>
    public static SqlFragment Select(QueryExpression query, IReadOnlyList<string>? attributes, IReadOnlyList<string>? orderBy, long? limit, long? offset,
        bool forFetch = false)
    {
        var dialect = query.Dialect;
        var sb = new StringBuilder("SELECT ");
        var names = attributes ?? query.Heading.Names;
        if (names.Count == 0) sb.Append('1');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var sql = query.ColumnSql(names[i]);
            if (forFetch) sql = dialect.FetchExpression(query.Heading[names[i]], sql);
            var quoted = dialect.Quote(names[i]);
            sb.Append(sql);
            if (sql != quoted) sb.Append(" AS ").Append(quoted);
        }
        sb.Append(" FROM ").Append(query.From.Sql);
        var args = new List<object?>(query.From.Args);
        AppendWhere(query, sb, args);
        if (orderBy is { Count: > 0 }) sb.Append(" ORDER BY ").Append(OrderBy(query, orderBy));
        sb.Append(dialect.LimitClause(limit, offset));
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary>The statement counting the rows of <paramref name="query"/>.</summary>
    public static SqlFragment Count(QueryExpression query)
    {
        if (query.IsPlainSource || (query.Where.Count > 0 && !query.From.Sql.StartsWith('(') && !query.From.Sql.Contains(" JOIN ", StringComparison.Ordinal)))
        {
            var sb = new StringBuilder("SELECT COUNT(*) FROM ").Append(query.From.Sql);
            var args = new List<object?>(query.From.Args);
            AppendWhere(query, sb, args);
            return new SqlFragment(sb.ToString(), args.ToArray());
        }
        return SqlFragment.Concat("SELECT COUNT(*) FROM (", Select(query, null, null, null, null), ") AS `$count`");
    }

    private static void AppendWhere(QueryExpression query, StringBuilder sb, List<object?> args)
    {
        var where = query.Where;
        for (var i = 0; i < where.Count; i++)
        {
            sb.Append(i == 0 ? " WHERE (" : " AND (").Append(where[i].Sql).Append(')');
            args.AddRange(where[i].Args);
        }
    }

    private static string OrderBy(QueryExpression query, IReadOnlyList<string> orderBy)
    {
        var parts = new List<string>();
        foreach (var term in orderBy)
        {
            var t = term.Trim();
            var desc = false;
            if (t.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase)) { desc = true; t = t[..^5].Trim(); }
            else if (t.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)) t = t[..^4].Trim();
            var names = t == "KEY" ? query.PrimaryKeyNames : [t];
            foreach (var n in names)
            {
                if (!query.Heading.Contains(n)) throw new DataJointException($"Cannot order by `{n}`: it is not in the heading");
                parts.Add(query.Dialect.Quote(n) + (desc ? " DESC" : ""));
            }
        }
        return string.Join(",", parts);
    }
}
