namespace DataJoint;

// Union (DataJoint's `a + b`): the rows of both queries, which share their primary key.
public partial class QueryExpression
{
    /// <summary>
    /// The rows of this query and of <paramref name="other"/> (<c>a + b</c>). Both must have the same primary key and
    /// no secondary attribute in common. Without secondary attributes it is the SQL UNION of the keys. With them, each
    /// key appears once with the secondary attributes of both sides (an outer join): NULL where a side has no row for
    /// the key.
    /// </summary>
    public QueryExpression Union(QueryExpression other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(Connection, other.Connection) && Connection.Settings != other.Connection.Settings)
            throw new DataJointException("Cannot operate on QueryExpressions originating from different connections.");
        if (!PrimaryKeyNames.ToHashSet(StringComparer.Ordinal).SetEquals(other.PrimaryKeyNames))
            throw new DataJointException("The operands of a union must share the same primary key.");
        var secondary = Heading.Names.Where(n => !PrimaryKeyNames.Contains(n)).ToList();
        var otherSecondary = other.Heading.Names.Where(n => !other.PrimaryKeyNames.Contains(n)).ToList();
        if (secondary.Any(otherSecondary.Contains))
            throw new DataJointException("The operands of a union must not share any secondary attributes.");

        var d = Dialect;
        SqlFragment first, second;
        List<Column> columns;
        bool lineage;
        if (secondary.Count == 0 && otherSecondary.Count == 0)
        {
            var key = PrimaryKeyNames;
            first = SelectSql.Select(this, key);
            second = SelectSql.Select(other, key);
            columns = key.Select(ColumnOf).ToList();
            lineage = Shape.LineageAvailable && other.Shape.LineageAvailable;
        }
        else
        {
            // Every key of this query with the other's attributes where it has the key (a left join that keeps the
            // other's restriction inside), then the other's keys this query lacks, with NULL for this query's attributes.
            var outer = JoinCore(other, semanticCheck: true, left: true, nullablePk: false);
            var names = outer.Heading.Names;
            var rest = other.Except(this).Proj([.. otherSecondary, .. secondary.Select(n => n + "=NULL")]);
            first = SelectSql.Select(outer, names);
            second = SelectSql.Select(rest, names);
            // This query's secondary attributes are NULL for the other's keys.
            columns = outer.Columns.Select(c => secondary.Contains(c.Name) ? c with { Attribute = c.Attribute with { IsNullable = true } } : c).ToList();
            lineage = outer.Shape.LineageAvailable;
        }
        var alias = d.Quote(AliasNames.Next());
        return new QueryExpression(Connection, Dialect, new Parts
        {
            From = d.Union(first, second, alias),
            FromNames = columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal),
            Columns = columns.Select(c => c with { Sql = d.Quote(c.Name) }).ToList(),
            PrimaryKey = PrimaryKeyNames,
            LineageAvailable = lineage,
        }, Stores ?? other.Stores);
    }
}
