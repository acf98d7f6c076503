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
/// <param name="Condition">Any condition <see cref="QueryExpression.Restrict"/> accepts.</param>
public sealed record Not(object Condition);
