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

/// <summary>What to fetch: attributes, ordering and paging.</summary>
public sealed record FetchOptions
{
    /// <summary>Attribute names to return (default: all visible attributes). <c>"KEY"</c> expands to the primary key.</summary>
    public IReadOnlyList<string>? Attributes { get; init; }
    /// <summary>Ordering terms: <c>"attr"</c>, <c>"attr DESC"</c>, <c>"KEY"</c>, <c>"KEY DESC"</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }
    /// <summary>At most this many rows.</summary>
    public long? Limit { get; init; }
    /// <summary>Skip this many rows first (ordering should be given).</summary>
    public long? Offset { get; init; }
    /// <summary>
    /// The folder <c>&lt;attach&gt;</c> values are written to (Python's <c>download_path</c>); null: the connection's
    /// <see cref="DataJointConnection.DownloadPath"/>, else the <c>download_path</c> setting, else the working directory.
    /// </summary>
    public string? DownloadPath { get; init; }
}

/// <summary>SQL text with its positional arguments, composed without renumbering.</summary>
internal sealed record SqlFragment(string Sql, object?[] Args)
{
    public static readonly SqlFragment True = new("TRUE", []);
    public static readonly SqlFragment False = new("FALSE", []);

    public static SqlFragment Concat(string before, SqlFragment inner, string after) =>
        new(before + inner.Sql + after, inner.Args);

    public static SqlFragment Join(string separator, IReadOnlyList<SqlFragment> parts, string open = "(", string close = ")")
    {
        var sb = new System.Text.StringBuilder();
        var args = new List<object?>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) sb.Append(separator);
            sb.Append(open).Append(parts[i].Sql).Append(close);
            args.AddRange(parts[i].Args);
        }
        return new SqlFragment(sb.ToString(), args.ToArray());
    }
}
