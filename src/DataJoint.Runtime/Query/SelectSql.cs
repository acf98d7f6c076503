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
        var names = attributes ?? query.Heading.Names;
        var columns = new SelectColumn[names.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var sql = query.ColumnSql(names[i]);
            if (forFetch) sql = dialect.FetchExpression(query.Heading[names[i]], sql);
            columns[i] = new SelectColumn(sql, names[i]);
        }
        return dialect.Select(columns, query.From, query.Where, orderBy is { Count: > 0 } ? OrderBy(query, orderBy) : null, limit, offset);
    }

    /// <summary>The statement counting the rows of <paramref name="query"/>.</summary>
    public static SqlFragment Count(QueryExpression query)
    {
        // A base table's rows are counted in place (a restriction is written in its own column names).
        if (query.FromTable && (query.Where.Count > 0 || !query.HasRenamedColumns)) return query.Dialect.Count(query.From, query.Where);
        return query.Dialect.CountRows(Select(query, null, null, null, null));
    }

    /// <summary>Ordering terms (<c>attr</c>, <c>attr DESC</c>, <c>KEY</c>...) checked against the heading.</summary>
    private static List<OrderTerm> OrderBy(QueryExpression query, IReadOnlyList<string> orderBy)
    {
        var parts = new List<OrderTerm>();
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
                parts.Add(new OrderTerm(n, desc));
            }
        }
        return parts;
    }
}
