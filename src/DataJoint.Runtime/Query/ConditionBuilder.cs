using System.Collections;
using System.Text.RegularExpressions;

namespace DataJoint;

/// <summary>
/// Turns a restriction into an SQL condition on a query's columns (DataJoint's <c>make_condition</c>): dictionaries and
/// objects become equalities on the attributes they share with the heading, strings and <see cref="SqlCondition"/>s
/// are used as written, another query becomes a semi-join (after the lineage check), <see cref="Not"/> negates, an
/// <see cref="AndList"/> is an AND, any other collection an OR, a <see cref="U"/> restricts nothing.
/// </summary>
internal static partial class ConditionBuilder
{
    /// <summary>
    /// The condition, or null when it restricts nothing. <paramref name="onOutput"/>: the condition is written on the
    /// query's output names (an aggregation's HAVING) rather than on its FROM namespace.
    /// </summary>
    public static SqlFragment? Build(QueryExpression query, object condition, bool semanticCheck, bool onOutput)
    {
        var r = Make(new Context(query, semanticCheck, onOutput), condition, negate: false);
        return r.IsTrue ? null : r.IsFalse ? query.Dialect.AlwaysFalse : r.Sql;
    }

    private sealed record Context(QueryExpression Query, bool SemanticCheck, bool OnOutput)
    {
        public ISqlDialect Dialect => Query.Dialect;
        public string Column(string name) => OnOutput ? Dialect.Quote(name) : Query.ColumnSql(name);
    }

    /// <summary>A condition that is always true, always false, or SQL.</summary>
    private readonly record struct Result(SqlFragment? Sql, bool Constant)
    {
        public bool IsTrue => Sql is null && Constant;
        public bool IsFalse => Sql is null && !Constant;
        public static Result True => new(null, true);
        public static Result False => new(null, false);
        public static Result Of(bool value) => new(null, value);
    }

    private static Result Make(Context ctx, object? condition, bool negate)
    {
        var d = ctx.Dialect;
        while (condition is Not n)
        {
            negate = !negate;
            condition = n.Condition;
        }
        switch (condition)
        {
            case null:
                throw new RestrictionException($"Restriction of {ctx.Query.RestrictionTarget}: a condition cannot be null");
            case bool b:
                return Result.Of(negate != b);
            case string s:
                CheckAttributes(ctx.Query, s);
                return Leaf(d, new SqlFragment(s.Trim(), []), negate);
            case SqlCondition sc:
                if (CountPlaceholders(sc.Sql) != sc.Arguments.Length)
                    throw new RestrictionException(
                        $"The condition \"{sc.Sql}\" has {CountPlaceholders(sc.Sql)} placeholders but {sc.Arguments.Length} arguments");
                CheckAttributes(ctx.Query, sc.Sql);
                return Leaf(d, new SqlFragment(sc.Sql.Trim(), sc.Arguments.Select(a => a is Guid g ? g.ToByteArray(bigEndian: true) : a).ToArray()), negate);
            case U:
                return Result.Of(!negate);
            case Top:
                throw new RestrictionException(
                    $"Restriction of {ctx.Query.RestrictionTarget}: a Top restricts a query on its own (q & new Top(...)), not inside a list of conditions");
            case AndList and:
            {
                var items = new List<SqlFragment>();
                foreach (var item in and)
                {
                    var r = Make(ctx, item, negate: false);
                    if (r.IsTrue) continue;
                    if (r.IsFalse) return Result.Of(negate);
                    items.Add(r.Sql!);
                }
                return items.Count == 0 ? Result.Of(!negate) : Leaf(d, items.Count == 1 ? items[0] : d.And(items), negate);
            }
            case QueryExpression other:
                return SemiJoin(ctx, other, negate);
            case IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary:
                return Leaf(d, Equalities(ctx, RowAccessor.Pairs(condition)), negate);
            case IEnumerable list:
            {
                // A collection of conditions is an OR; a false alternative drops out, a true one makes the whole OR true.
                var items = new List<SqlFragment>();
                foreach (var item in list)
                {
                    var r = Make(ctx, item, negate: false);
                    if (r.IsFalse) continue;
                    if (r.IsTrue) return Result.Of(!negate);
                    items.Add(r.Sql!);
                }
                return items.Count == 0 ? Result.Of(negate) : Leaf(d, items.Count == 1 ? items[0] : d.Or(items), negate);
            }
            default:
                return Leaf(d, Equalities(ctx, RowAccessor.Pairs(condition)), negate);
        }
    }

    private static Result Leaf(ISqlDialect d, SqlFragment sql, bool negate) => new(negate ? d.Not(sql) : sql, false);

    private static SqlFragment Equalities(Context ctx, IEnumerable<KeyValuePair<string, object?>> pairs) =>
        KeyCondition.Build(pairs, ctx.Query.Heading, ctx.Column, ctx.Dialect, ctx.Query.RestrictionTarget);

    /// <summary>
    /// The rows of the query whose common attributes match a row of <paramref name="other"/> (DataJoint's
    /// <c>(a,b) in (SELECT a,b ...)</c>); negated, the rows matching none. Namesakes must have the same lineage.
    /// </summary>
    private static Result SemiJoin(Context ctx, QueryExpression other, bool negate)
    {
        var query = ctx.Query;
        var d = ctx.Dialect;
        if (ctx.SemanticCheck) SemanticCheck.Assert(query, other);
        var common = other.Heading.Names.Where(query.Heading.Contains).ToList();
        // An aggregation selects its output names; a window (ORDER BY ... LIMIT) cannot sit directly in an IN subquery on
        // MariaDB (error 1235): both are read as derived tables.
        if (other.IsAggregation || other.Shape.Top is not null) other = other.Wrap();
        if (common.Count == 0)
        {
            // Without common attributes any row of a non-empty set matches.
            var exists = d.Exists(SelectSql.Select(other, []));
            return Leaf(d, exists, negate);
        }
        if (negate)
        {
            // SQL's NOT IN is never true when the subquery holds a NULL; a NULL matches nothing, so it is left out.
            var nullable = common.Where(n => other.Heading[n].IsNullable).ToList();
            if (nullable.Count > 0)
            {
                if (other.Shape.Distinct || other.HasDerivedColumns) other = other.Wrap();
                other = other.With(other.Shape with
                {
                    Where = [.. other.Where, .. nullable.Select(n => new SqlFragment(d.IsNotNull(other.ColumnSql(n)), []))],
                });
            }
        }
        var sub = SelectSql.Select(other, common);
        return Leaf(d, d.In(common.Select(ctx.Column).ToList(), sub), negate);
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

    // ------------------------------------------------------------------ attributes named in SQL text

    /// <summary>
    /// Refuses a condition whose text names an attribute the query does not have, as DataJoint Python does
    /// (<c>Attribute `x` is not found in query.</c>), instead of an SQL error at fetch time. The names are found as Python's
    /// <c>extract_column_names</c> finds them: back-quoted names, and lower-case words outside quotes that are not
    /// followed by <c>(</c> and are not SQL words.
    /// </summary>
    private static void CheckAttributes(QueryExpression query, string sql)
    {
        foreach (var name in ColumnNames(sql))
            if (!query.Heading.Contains(name))
                throw new RestrictionException(
                    $"Attribute `{name}` is not found in query. (Restriction \"{sql}\" of {query.RestrictionTarget}; the heading has " +
                    $"{string.Join(", ", query.Heading.Names)}.)")
                {
                    Attribute = name,
                };
    }

    /// <summary>The attribute names an SQL condition text refers to (Python's <c>extract_column_names</c>).</summary>
    internal static IReadOnlyCollection<string> ColumnNames(string sql)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var s = EscapedQuote().Replace(sql, "");
        s = SingleQuoted().Replace(s, "");
        s = DoubleQuoted().Replace(s, "");
        foreach (Match m in BackQuoted().Matches(s)) result.Add(m.Groups[1].Value);
        s = BackQuoted().Replace(s, "");
        s = SpaceBeforeParen().Replace(s, "(");
        s = FunctionCall().Replace(s, "(");
        foreach (Match m in Word().Matches(s))
            if (!SqlWords.Contains(m.Value)) result.Add(m.Value);
        return result;
    }

    // Python's list (is, in, between, like, and, or, null, not, interval and time units) plus other SQL words a
    // condition may spell in lower case; a word here is never taken for an attribute.
    private static readonly HashSet<string> SqlWords = new(StringComparer.Ordinal)
    {
        "is", "in", "between", "like", "and", "or", "null", "not", "interval", "second", "minute", "hour", "day", "month", "week", "year",
        "true", "false", "unknown", "select", "from", "where", "exists", "any", "all", "some", "case", "when", "then", "else", "end",
        "as", "distinct", "asc", "desc", "regexp", "rlike", "div", "mod", "xor", "binary", "collate", "escape", "microsecond",
        "quarter", "current_timestamp", "current_date", "current_time", "group", "by", "having", "order", "limit", "offset", "union",
        "join", "using", "on", "signed", "unsigned", "sounds",
    };

    [GeneratedRegex(@"(\\"")|(\\')")]
    private static partial Regex EscapedQuote();

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex SingleQuoted();

    [GeneratedRegex(@"""[^""]*""")]
    private static partial Regex DoubleQuoted();

    [GeneratedRegex(@"`([a-z][a-z_0-9]*)`")]
    private static partial Regex BackQuoted();

    [GeneratedRegex(@"\s*\(")]
    private static partial Regex SpaceBeforeParen();

    [GeneratedRegex(@"(\b[a-z][a-z_0-9]*)\(")]
    private static partial Regex FunctionCall();

    [GeneratedRegex(@"\b[a-z][a-z_0-9]*\b")]
    private static partial Regex Word();
}
