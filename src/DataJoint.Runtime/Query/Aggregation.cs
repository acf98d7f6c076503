namespace DataJoint;

// Aggregation (DataJoint's `aggr`): one row per row of this query, with attributes computed over the matching rows of
// another query (GROUP BY this query's primary key).
public partial class QueryExpression
{
    /// <summary>
    /// One row per row of this query, with attributes computed by aggregate functions over the matching rows of
    /// <paramref name="group"/> (DataJoint's <c>aggr</c>): <c>subject.Aggr(session, "n=count(session_idx)",
    /// "best=max(quality)")</c>. Every row of this query is kept (a LEFT JOIN, as in Python): where nothing matches,
    /// <c>count(col)</c> is 0, other aggregates NULL, and <c>count(*)</c> 1 (it counts the row of NULLs; count an attribute
    /// of <paramref name="group"/> instead). Items are those of <see cref="Proj"/>: this query's attributes (<c>"..."</c>
    /// for all), renames, and computations.
    /// </summary>
    public QueryExpression Aggr(QueryExpression group, params string[] items) => Aggr(group, excludeNonmatching: false, items);

    /// <summary>
    /// As <see cref="Aggr(QueryExpression, string[])"/>; with <paramref name="excludeNonmatching"/> only the rows of this
    /// query that match some row of <paramref name="group"/> are kept (an inner join).
    /// </summary>
    public QueryExpression Aggr(QueryExpression group, bool excludeNonmatching, params string[] items)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(items);
        var missing = PrimaryKeyNames.Where(n => !group.Heading.Contains(n)).ToList();
        if (missing.Count > 0)
            throw new DataJointException(
                "Aggregation requires the group expression to contain all primary key attributes of the grouping expression. " +
                $"Missing attributes: {PythonList(missing)}.");
        // The grouping query's rows and attributes are what GROUP BY keeps: it is one plain SELECT, or a derived table.
        var self = IsAggregation || Shape.Top is not null || Shape.Distinct || HasDerivedColumns ? Wrap() : this;
        // The group is read as a derived table when its attributes are computed (they are aggregated by name).
        var g = group.HasDerivedColumns ? group.Wrap() : group;
        var joined = self.JoinCore(g, semanticCheck: true, left: !excludeNonmatching, nullablePk: true);
        var keyed = joined.With(joined.Shape with { PrimaryKey = self.PrimaryKeyNames, GroupBy = [] });
        var spec = ProjSpec.Parse(keyed, Expand(self, items));
        // Attributes are kept as they are only from the grouping query (one value per group); its attributes that the
        // result names go into GROUP BY with its key (they depend on the key, so the groups stay the same), which
        // servers checking ONLY_FULL_GROUP_BY (MariaDB) require.
        foreach (var name in spec.Keep.Concat(spec.Renames.Select(r => r.Old)))
            if (!self.Heading.Contains(name))
                throw new DataJointException(
                    $"Attribute `{name}` of the aggregated query cannot be kept as it is: it has one value per matching row, not per " +
                    $"row of the result. Compute it with an aggregate function (e.g. \"{name}=max({name})\").");
        var grouped = self.PrimaryKeyNames
            .Concat(self.Heading.Names.Where(n => !self.PrimaryKeyNames.Contains(n) && (spec.Keep.Contains(n) || spec.Uses.Contains(n))))
            .Select(keyed.ColumnSql).ToList();
        return keyed.With(keyed.Shape with { GroupBy = grouped }).ProjCore(spec);
    }

    /// <summary>The items with <c>"..."</c> replaced by the grouping query's secondary attributes.</summary>
    private static string[] Expand(QueryExpression self, string[] items) =>
        items.Any(i => i?.Trim() == "...")
            ? [.. items.Where(i => i?.Trim() != "..."), .. self.Heading.Names.Where(n => !self.PrimaryKeyNames.Contains(n))]
            : items;

    /// <summary>
    /// <c>U(attrs).Aggr(group, ...)</c>: one row per distinct combination of <paramref name="attributes"/> in
    /// <paramref name="group"/> (all rows as one group when there are none).
    /// </summary>
    internal static QueryExpression AggregateOver(IReadOnlyList<string> attributes, QueryExpression group, string[] items)
    {
        var missing = attributes.Where(n => !group.Heading.Contains(n)).ToList();
        if (missing.Count > 0) throw new DataJointException($"Attributes {PythonList(missing)} not found in the group expression.");
        var g = group.IsAggregation || group.Shape.Top is not null || group.Shape.Distinct ? group.Wrap() : group;
        var key = attributes.ToHashSet(StringComparer.Ordinal);
        var columns = attributes.Select(g.ColumnOf).Concat(g.Columns.Where(c => !key.Contains(c.Name))).ToList();
        var keyed = g.With(g.Shape with { Columns = columns, PrimaryKey = attributes.ToList(), GroupBy = [] });
        var spec = ProjSpec.Parse(keyed, items);
        foreach (var name in spec.Keep.Concat(spec.Renames.Select(r => r.Old)))
            if (!key.Contains(name))
                throw new DataJointException(
                    $"Attribute `{name}` cannot be kept as it is in an aggregation over U({string.Join(", ", attributes)}): " +
                    $"compute it with an aggregate function (e.g. \"{name}=max({name})\").");
        return keyed.With(keyed.Shape with { GroupBy = attributes.Select(keyed.ColumnSql).ToList() }).ProjCore(spec);
    }
}

/// <summary>
/// DataJoint's universal set <c>dj.U(...)</c>: every possible combination of values of some attributes. It is not
/// queried on its own: <c>new U("species", "sex") &amp; subject</c> gives the distinct combinations that occur in
/// <c>subject</c> (with those attributes as the primary key), and <c>new U("species").Aggr(subject, "n=count(*)")</c>
/// computes per combination; <c>new U().Aggr(q, "n=count(*)")</c> over all rows of <c>q</c> (one row).
/// </summary>
public sealed class U
{
    /// <summary>The universal set of <paramref name="attributes"/>.</summary>
    public U(params string[] attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        PrimaryKey = attributes.ToArray();
    }

    /// <summary>The attributes (the primary key of what it yields).</summary>
    public IReadOnlyList<string> PrimaryKey { get; }

    /// <summary>The distinct combinations of this set's attributes in <paramref name="query"/> (<c>dj.U(...) &amp; q</c>).</summary>
    public QueryExpression Restrict(QueryExpression query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var n in PrimaryKey)
            if (!query.Heading.Contains(n)) throw new DataJointException($"Attribute `{n}` not found.");
        var q = query.IsAggregation || query.Shape.Top is not null || query.Shape.Distinct ? query.Wrap() : query;
        return q.With(q.Shape with { Distinct = true, PrimaryKey = PrimaryKey, Columns = PrimaryKey.Select(q.ColumnOf).ToList() });
    }

    /// <summary>The distinct combinations of this set's attributes in <paramref name="query"/>.</summary>
    public static QueryExpression operator &(U set, QueryExpression query)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Restrict(query);
    }

    /// <summary>
    /// One row per combination of this set's attributes occurring in <paramref name="group"/>, with attributes computed
    /// over its rows: <c>new U("species").Aggr(subject, "n=count(*)")</c>. Only combinations that occur are returned
    /// (the universal set has no rows of its own to keep).
    /// </summary>
    public QueryExpression Aggr(QueryExpression group, params string[] items)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(items);
        return QueryExpression.AggregateOver(PrimaryKey, group, items);
    }
}
