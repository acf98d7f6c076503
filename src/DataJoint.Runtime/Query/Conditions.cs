using System.Collections;

namespace DataJoint;

/// <summary>
/// An SQL condition with positional <c>?</c> parameters, e.g.
/// <c>new SqlCondition("session_date &gt; ? AND quality &lt; ?", date, 0.5)</c>. Values are always sent as
/// parameters, never spliced into the text.
/// </summary>
/// <param name="Sql">Condition text in terms of attribute names; <c>?</c> marks a parameter.</param>
/// <param name="Arguments">One value per <c>?</c>, in order.</param>
public sealed record SqlCondition(string Sql, params object?[] Arguments);

/// <summary>Negates a restriction: <c>table.Restrict(new Not(cond))</c> is <c>table.Except(cond)</c>.</summary>
/// <param name="Condition">Any condition <see cref="QueryExpression.Restrict(object)"/> accepts.</param>
public sealed record Not(object Condition);

/// <summary>
/// Conditions that must all hold (<c>dj.AndList</c>): <c>q &amp; new AndList(c1, c2)</c> is <c>q &amp; c1 &amp; c2</c>. Any
/// other collection of conditions is an OR. An empty list restricts nothing; <c>q - new AndList(c1, c2)</c> removes the
/// rows matching both.
/// </summary>
public sealed class AndList : IEnumerable<object>
{
    private readonly object[] _conditions;

    /// <summary>Creates the conjunction of <paramref name="conditions"/> (each any condition a restriction accepts).</summary>
    public AndList(params object[] conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        _conditions = conditions.ToArray();
    }

    /// <summary>Creates the conjunction of <paramref name="conditions"/>.</summary>
    public AndList(IEnumerable<object> conditions) : this(conditions?.ToArray() ?? throw new ArgumentNullException(nameof(conditions)))
    {
    }

    /// <summary>The number of conditions.</summary>
    public int Count => _conditions.Length;

    /// <inheritdoc />
    public IEnumerator<object> GetEnumerator() => ((IEnumerable<object>)_conditions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// The first rows of a query in an order (<c>dj.Top</c>): <c>ORDER BY ... LIMIT ... OFFSET ...</c> as a restriction, so it
/// can be joined, restricted and projected like any query. <c>q &amp; new Top(5)</c> keeps the 5 rows with the smallest
/// primary key; <c>new Top(10, "score DESC")</c> orders by score; <c>new Top(5) { Offset = 10 }</c> skips 10 first.
/// </summary>
public sealed record Top
{
    /// <summary>The first <paramref name="limit"/> rows (null: all) in the order of <paramref name="orderBy"/>.</summary>
    /// <param name="limit">At most this many rows (default 1; null for no limit, e.g. to order with an offset).</param>
    /// <param name="orderBy">Ordering terms: <c>"attr"</c>, <c>"attr DESC"</c>, <c>"KEY"</c>, <c>"KEY DESC"</c>. None: <c>"KEY"</c>.</param>
    public Top(long? limit = 1, params string[] orderBy)
    {
        ArgumentNullException.ThrowIfNull(orderBy);
        if (limit < 0) throw new DataJointException($"Top limit must be zero or more, got {limit}");
        Limit = limit;
        OrderBy = orderBy.Length == 0 ? ["KEY"] : orderBy.ToArray();
    }

    /// <summary>At most this many rows (null: no limit).</summary>
    public long? Limit { get; init; }

    /// <summary>
    /// The ordering terms. Null means "the order of the Top this one is applied on" (DataJoint's <c>order_by=None</c>):
    /// two Tops in the same order narrow one window instead of nesting.
    /// </summary>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <summary>Rows skipped before the first one returned (default 0).</summary>
    public long Offset
    {
        get => _offset;
        init
        {
            if (value < 0) throw new DataJointException($"Top offset must be zero or more, got {value}");
            _offset = value;
        }
    }

    private readonly long _offset;
}
