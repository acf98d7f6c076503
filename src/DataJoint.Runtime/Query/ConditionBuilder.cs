using System.Collections;

namespace DataJoint;

/// <summary>
/// Turns a restriction into an SQL condition on a query's columns (DataJoint's <c>make_condition</c>): dictionaries and
/// objects become equalities on the attributes they share with the heading, strings and <see cref="SqlCondition"/>s
/// are used as written, another query becomes a semi-join, <see cref="Not"/> negates, a collection is an OR.
/// </summary>
internal static class ConditionBuilder
{
    /// <summary>True when the condition is SQL text over attribute names, which a query with renamed columns must first wrap.</summary>
    public static bool NeedsWrap(QueryExpression query, object condition) => condition switch
    {
        string or SqlCondition => query.HasRenamedColumns,
        Not n => NeedsWrap(query, n.Condition),
        IEnumerable e when !RowAccessor.IsDictionary(condition) && condition is not string =>
            e.Cast<object>().Any(c => NeedsWrap(query, c)),
        _ => false,
    };

    /// <summary>Returns the SQL condition, or null for a no-op restriction.</summary>
    public static SqlFragment? Build(QueryExpression query, object condition)
    {
        switch (condition)
        {
            case null:
                throw new DataJointException("A restriction cannot be null");
            case bool b:
                return b ? null : query.Dialect.AlwaysFalse;
            case string s:
                return new SqlFragment(s, []);
            case SqlCondition sc:
                if (CountPlaceholders(sc.Sql) != sc.Arguments.Length)
                    throw new DataJointException($"The condition \"{sc.Sql}\" has {CountPlaceholders(sc.Sql)} placeholders but {sc.Arguments.Length} arguments");
                return new SqlFragment(sc.Sql, sc.Arguments.Select(a => a is Guid g ? g.ToByteArray(bigEndian: true) : a).ToArray());
            case Not n:
            {
                var inner = Build(query, n.Condition);
                return inner is null ? query.Dialect.AlwaysFalse : query.Dialect.Not(inner);
            }
            case QueryExpression other:
                return SemiJoin(query, other);
            case IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary:
                return Equalities(query, RowAccessor.Pairs(condition));
            case IEnumerable list:
            {
                var parts = new List<SqlFragment>();
                foreach (var item in list)
                {
                    var f = Build(query, item!);
                    if (f is null) return null; // one always-true alternative makes the OR true
                    parts.Add(f);
                }
                return parts.Count == 0 ? query.Dialect.AlwaysFalse : query.Dialect.Or(parts);
            }
            default:
                return Equalities(query, RowAccessor.Pairs(condition));
        }
    }

    private static int CountPlaceholders(string sql)
    {
        var n = 0;
        char quote = '\0';
        foreach (var c in sql)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"' or '`') quote = c;
            else if (c == '?') n++;
        }
        return n;
    }

    private static SqlFragment Equalities(QueryExpression query, IEnumerable<KeyValuePair<string, object?>> pairs) =>
        KeyCondition.Build(pairs, query.Heading, query.ColumnSql, query.Dialect, query.RestrictionTarget);

    private static SqlFragment SemiJoin(QueryExpression query, QueryExpression other)
    {
        var common = query.Heading.Names.Where(other.Heading.Contains).ToList();
        var sub = SelectSql.Select(other, common.Count == 0 ? null : common, null, null, null);
        if (common.Count == 0) return query.Dialect.Exists(sub);
        return query.Dialect.In(common.Select(query.ColumnSql).ToList(), sub);
    }
}
