namespace DataJoint;

/// <summary>The order and window of a <see cref="Top"/> on a query: ordering attributes, a limit and an offset.</summary>
internal sealed record TopClause(IReadOnlyList<(string Name, bool Descending)> Order, long? Limit, long Offset)
{
    /// <summary>True when both clauses order by the same terms.</summary>
    public bool SameOrder(IReadOnlyList<(string Name, bool Descending)> other) => Order.SequenceEqual(other);
}

// dj.Top: a window of a query's rows as a restriction, and the order and window of fetches (which are a Top too).
public partial class QueryExpression
{
    /// <summary>
    /// Applies a <see cref="Top"/>. On a query without one it sets the order and window. On a query with one, a Top in the
    /// same order (or with <see cref="Top.OrderBy"/> null, "inherit") narrows the window: offsets add and the limit
    /// stays inside the rows the first window kept. A Top in another order applies to the first window's rows as a
    /// derived table.
    /// </summary>
    internal QueryExpression ApplyTop(Top top)
    {
        var current = Shape.Top;
        if (current is null)
        {
            var order = top.OrderBy is null ? KeyOrder() : ParseOrder(top.OrderBy);
            return With(Shape with { Top = new TopClause(order, top.Limit, top.Offset) });
        }
        if (top.OrderBy is null || current.SameOrder(ParseOrder(top.OrderBy)))
        {
            // Rows [o1, o1+l1) of the ordered rows, then rows [o2, o2+l2) of those.
            long? limit = current.Limit is { } l1 ? Math.Max(0, l1 - top.Offset) : null;
            if (top.Limit is { } l2) limit = limit is null ? l2 : Math.Min(limit.Value, l2);
            return With(Shape with { Top = new TopClause(current.Order, limit, current.Offset + top.Offset) });
        }
        return Wrap().ApplyTop(top);
    }

    /// <summary>The primary key, ascending (an empty order when the query has no key).</summary>
    private List<(string Name, bool Descending)> KeyOrder() => PrimaryKeyNames.Select(n => (n, false)).ToList();

    /// <summary>Ordering terms (<c>attr</c>, <c>attr DESC</c>, <c>attr ASC</c>, <c>KEY</c>, <c>KEY DESC</c>) checked against the heading.</summary>
    internal List<(string Name, bool Descending)> ParseOrder(IReadOnlyList<string> terms)
    {
        var parts = new List<(string, bool)>();
        foreach (var term in terms)
        {
            ArgumentNullException.ThrowIfNull(term, nameof(terms));
            var t = term.Trim();
            var desc = false;
            if (t.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase)) { desc = true; t = t[..^5].Trim(); }
            else if (t.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)) t = t[..^4].Trim();
            if (t == "KEY")
            {
                foreach (var k in PrimaryKeyNames) parts.Add((k, desc));
                continue;
            }
            if (!Heading.Contains(t))
                throw new DataJointException($"Cannot order by `{t}`: it is not in the heading ({string.Join(", ", Heading.Names)})");
            parts.Add((t, desc));
        }
        return parts;
    }

    /// <summary>
    /// The query a fetch reads: this query with the fetch's order and window as a <see cref="Top"/> (DataJoint Python's
    /// <c>to_dicts(order_by=..., limit=..., offset=...)</c>). A limit or offset without an order uses the query's own
    /// order, or its primary key.
    /// </summary>
    internal QueryExpression ForFetch(FetchOptions? options)
    {
        if (options is null || (options.OrderBy is null && options.Limit is null && options.Offset is null)) return this;
        if (options.OrderBy is null && options.Limit is null && Shape.Top is null && options.Offset is 0) return this;
        return ApplyTop(new Top(options.Limit) { OrderBy = options.OrderBy is { Count: > 0 } o ? o : null, Offset = options.Offset ?? 0 });
    }
}
