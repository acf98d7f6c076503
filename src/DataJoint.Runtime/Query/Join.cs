namespace DataJoint;

// Join and extend (DataJoint's `a * b`, `a.join(b, left=True)`, `a.extend(b)`): the operands' FROM clauses joined on
// all their namesake attributes with USING, the heading ordered and keyed by functional dependency.
public partial class QueryExpression
{
    /// <summary>
    /// Joins on all namesake attributes (<c>a * b</c>); namesakes must have the same lineage (see
    /// <see cref="Join(QueryExpression, bool, bool)"/>). The result's primary key follows DataJoint's rule: if this
    /// query determines <paramref name="other"/> (every attribute of its primary key is in this heading), this query's
    /// key and its attributes first; else if <paramref name="other"/> determines this query, the other's key and
    /// attributes first; else both keys.
    /// </summary>
    public QueryExpression Join(QueryExpression other) => Join(other, semanticCheck: true, left: false);

    /// <summary>
    /// Joins on all namesake attributes. <paramref name="semanticCheck"/> (default true) refuses namesakes whose lineage
    /// differs or is unknown (<see cref="SemanticMatchException"/>); false joins on them by name. <paramref name="left"/>
    /// keeps every row of this query (a LEFT JOIN, NULLs where <paramref name="other"/> has no match); it requires this
    /// query to determine <paramref name="other"/>, as <see cref="Extend"/> does.
    /// </summary>
    public QueryExpression Join(QueryExpression other, bool semanticCheck, bool left = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        return JoinCore(other, semanticCheck, left, nullablePk: false);
    }

    /// <summary>
    /// Adds the attributes of <paramref name="other"/> to every row of this query (DataJoint's <c>extend</c>: a left
    /// join). This query must determine <paramref name="other"/>: every primary-key attribute of <paramref name="other"/>
    /// is in this heading, so no row is lost or repeated and the primary key stays this query's. Rows without a match
    /// get NULL for the new attributes.
    /// </summary>
    public QueryExpression Extend(QueryExpression other, bool semanticCheck = true)
    {
        ArgumentNullException.ThrowIfNull(other);
        return JoinCore(other, semanticCheck, left: true, nullablePk: false);
    }

    /// <summary>
    /// The join. <paramref name="nullablePk"/> (aggregations) allows a left join the left operand does not determine;
    /// the key is then both operands' keys.
    /// </summary>
    internal QueryExpression JoinCore(QueryExpression other, bool semanticCheck, bool left, bool nullablePk)
    {
        if (!ReferenceEquals(Connection, other.Connection) && Connection.Settings != other.Connection.Settings)
            throw new DataJointException("Cannot operate on QueryExpressions originating from different connections.");
        if (semanticCheck) SemanticCheck.Assert(this, other);
        var selfDeterminesOther = other.PrimaryKeyNames.All(Heading.Contains);
        if (left && !selfDeterminesOther && !nullablePk)
        {
            var undetermined = other.PrimaryKeyNames.Where(n => !Heading.Contains(n)).ToList();
            throw new DataJointException(
                "Left join requires the left operand to determine the right operand (A → B). " +
                $"The following attributes from the right operand's primary key are not in the left operand: {PythonList(undetermined)}. " +
                "Use an inner join or restructure the query.");
        }

        var common = Heading.Names.Where(other.Heading.Contains).ToList();
        var a = this;
        var b = other;
        // An operand keeps its FROM clause only where the joined SELECT means the same: its namesakes in the FROM
        // namespace are exactly the join attributes, the join attributes are its own columns, and it has no grouping,
        // distinct rows or window (each needs its own SELECT). The right operand of a left join also keeps its
        // restriction inside (in the outer WHERE it would drop the rows that have no match) and is one FROM item.
        if (!a.JoinsInPlace(common)) a = a.Wrap();
        var bWrapped = !b.JoinsInPlace(common) || (left && (b.Where.Count > 0 || b.Shape.SourceCount > 1));
        if (bWrapped) b = b.Wrap();
        // Other namesakes in the FROM namespaces (attributes projected away, a table joined with itself) would be
        // ambiguous: the right operand, then the left, is read as a derived table whose namespace is its heading.
        if (Clash(a, b, common) && !bWrapped) b = b.Wrap();
        if (Clash(a, b, common)) a = a.Wrap();

        var d = Dialect;
        var from = left ? d.LeftJoinUsing(a.From, b.From, common)
            : common.Count == 0 ? d.CrossJoin(a.From, b.From) : d.JoinUsing(a.From, b.From, common);

        // Namesakes are one column in a USING join: referenced by name.
        Column Take(Column c, bool fromRight) =>
            common.Contains(c.Name) ? c with { Sql = d.Quote(c.Name) }
            : fromRight && left ? c with { Attribute = c.Attribute with { IsNullable = true } } : c;

        List<Column> columns;
        IReadOnlyList<string> pk;
        var determined = !nullablePk;
        if (determined && selfDeterminesOther)
        {
            (columns, pk) = (DependentOrder(a, b, rightIsOther: true), a.PrimaryKeyNames);
        }
        else if (determined && a.PrimaryKeyNames.All(b.Heading.Contains))
        {
            (columns, pk) = (DependentOrder(b, a, rightIsOther: false), b.PrimaryKeyNames);
        }
        else
        {
            var aKey = a.PrimaryKeyNames.ToHashSet(StringComparer.Ordinal);
            var bKey = b.PrimaryKeyNames.ToHashSet(StringComparer.Ordinal);
            columns = [
                .. a.PrimaryKeyNames.Select(n => Take(a.ColumnOf(n), false)),
                .. b.PrimaryKeyNames.Where(n => !aKey.Contains(n)).Select(n => Take(b.ColumnOf(n), true)),
                .. a.Columns.Where(c => !aKey.Contains(c.Name) && !bKey.Contains(c.Name)).Select(c => Take(c, false)),
                .. b.Columns.Where(c => !bKey.Contains(c.Name) && !aKey.Contains(c.Name) && !a.Heading.Contains(c.Name)).Select(c => Take(c, true)),
            ];
            pk = [.. a.PrimaryKeyNames, .. b.PrimaryKeyNames.Where(n => !aKey.Contains(n))];
        }

        return new QueryExpression(Connection, Dialect, new Parts
        {
            From = from,
            SourceCount = a.Shape.SourceCount + b.Shape.SourceCount,
            FromNames = a.Shape.FromNames.Union(b.Shape.FromNames).ToHashSet(StringComparer.Ordinal),
            Columns = columns,
            PrimaryKey = pk,
            Where = [.. a.Where, .. b.Where],
            LineageAvailable = a.Shape.LineageAvailable && b.Shape.LineageAvailable,
        }, Stores ?? other.Stores);

        // The determining side's key, then its other attributes, then the dependent side's remaining attributes.
        List<Column> DependentOrder(QueryExpression determining, QueryExpression dependent, bool rightIsOther)
        {
            var key = determining.PrimaryKeyNames.ToHashSet(StringComparer.Ordinal);
            return [
                .. determining.PrimaryKeyNames.Select(n => Take(determining.ColumnOf(n), !rightIsOther)),
                .. determining.Columns.Where(c => !key.Contains(c.Name)).Select(c => Take(c, !rightIsOther)),
                .. dependent.Columns.Where(c => !determining.Heading.Contains(c.Name)).Select(c => Take(c, rightIsOther)),
            ];
        }
    }

    private static bool Clash(QueryExpression a, QueryExpression b, List<string> common) =>
        a.Shape.FromNames.Any(n => b.Shape.FromNames.Contains(n) && !common.Contains(n));

    /// <summary>True when this query's FROM clause can be joined as it is on <paramref name="common"/>.</summary>
    private bool JoinsInPlace(IReadOnlyList<string> common) =>
        !IsAggregation && !Shape.Distinct && Shape.Top is null
        && common.All(n => IsPlain(ColumnOf(n)))
        && (Shape.SourceCount == 1 || common.Count == 0);

    /// <summary>A list as Python prints it (<c>['a', 'b']</c>), for messages that match DataJoint Python's.</summary>
    internal static string PythonList(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => "'" + i + "'")) + "]";
}
