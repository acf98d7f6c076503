namespace DataJoint;

/// <summary>
/// Renders a query as one SELECT statement (through its <see cref="ISqlDialect"/>): the select list, FROM, WHERE,
/// GROUP BY/HAVING, ORDER BY and the window, and the statements counting its rows and testing for any.
/// </summary>
internal static class SelectSql
{
    /// <summary>
    /// The SELECT statement for <paramref name="attributes"/> (null: the whole heading) of <paramref name="query"/>.
    /// <paramref name="forFetch"/> reads each attribute losslessly (<see cref="ISqlDialect.FetchExpression"/>).
    /// </summary>
    public static SqlFragment Select(QueryExpression query, IReadOnlyList<string>? attributes, bool forFetch = false)
    {
        var names = attributes ?? query.Heading.Names;
        // HAVING conditions name the aggregation's output columns, so it selects them all; a subset is read from it.
        if (query.IsAggregation && query.Shape.Having.Count > 0 && attributes is not null && !names.SequenceEqual(query.Heading.Names))
            query = query.Wrap();
        var dialect = query.Dialect;
        var columns = new SelectColumn[names.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var sql = query.ColumnSql(names[i]);
            if (forFetch) sql = dialect.FetchExpression(query.Heading[names[i]], sql);
            columns[i] = new SelectColumn(sql, names[i]);
        }
        var shape = query.Shape;
        List<OrderTerm>? order = null;
        if (shape.Top is { Order.Count: > 0 } top)
        {
            order = new List<OrderTerm>(top.Order.Count);
            foreach (var (name, desc) in top.Order)
                order.Add(new OrderTerm(names.Contains(name) ? dialect.Quote(name) : query.ColumnSql(name), desc));
        }
        return dialect.Select(new SelectStatement
        {
            Distinct = shape.Distinct,
            Columns = columns,
            From = shape.From,
            Where = shape.Where,
            GroupBy = shape.GroupBy,
            Having = shape.Having,
            OrderBy = order,
            Limit = shape.Top?.Limit,
            Offset = shape.Top is { Offset: > 0 } t ? t.Offset : null,
        });
    }

    /// <summary>The statement counting the rows of <paramref name="query"/>.</summary>
    public static SqlFragment Count(QueryExpression query)
    {
        var shape = query.Shape;
        // Without grouping, distinct rows or a window, the rows are those of FROM ... WHERE.
        if (shape.GroupBy is null && !shape.Distinct && shape.Top is null) return query.Dialect.Count(shape.From, shape.Where);
        return query.Dialect.CountRows(Select(query, null));
    }

    /// <summary>The statement testing whether <paramref name="query"/> has a row.</summary>
    public static SqlFragment Exists(QueryExpression query) => query.Dialect.SelectExists(Select(query, []));
}
