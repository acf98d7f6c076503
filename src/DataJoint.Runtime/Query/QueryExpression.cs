using System.Text.RegularExpressions;

namespace DataJoint;

/// <summary>
/// A query over tables: a base table, a restriction, a join or a projection. Immutable; operators return new
/// expressions, nothing runs until a fetch. Rows come back as read-only dictionaries (<see cref="Row"/>).
/// </summary>
public partial class QueryExpression : IAsyncEnumerable<Row>
{
    /// <summary>
    /// One output column: its visible name, its SQL expression in the FROM namespace, its attribute, and the codec its
    /// values decode with (from the table it comes from; null for core types and computed columns).
    /// </summary>
    internal readonly record struct Column(string Name, string Sql, HeadingAttribute Attribute, AttributeCodec? Codec = null);

    private static long _aliasCounter;

    internal QueryExpression(DataJointConnection connection, ISqlDialect dialect, SqlFragment from,
        IReadOnlyList<Column> columns, IReadOnlyList<string> primaryKey, IReadOnlyList<SqlFragment> where,
        DataJoint.Stores.IStoreProvider? stores = null, bool fromTable = false)
    {
        Connection = connection;
        FromTable = fromTable;
        Stores = stores;
        Dialect = dialect;
        From = from;
        Columns = columns;
        PrimaryKeyNames = primaryKey;
        Where = where;
        var pk = new HashSet<string>(primaryKey, StringComparer.Ordinal);
        Heading = new Heading(columns.Select(c => c.Attribute with { Name = c.Name, InPrimaryKey = pk.Contains(c.Name) }));
    }

    internal DataJointConnection Connection { get; }
    /// <summary>The object stores codec columns read from and write to (null: none configured).</summary>
    internal DataJoint.Stores.IStoreProvider? Stores { get; }
    internal ISqlDialect Dialect { get; }
    internal SqlFragment From { get; }
    /// <summary>True when <see cref="From"/> names one base table (not a join or a derived table).</summary>
    internal bool FromTable { get; }
    internal IReadOnlyList<Column> Columns { get; }
    internal IReadOnlyList<string> PrimaryKeyNames { get; }
    internal IReadOnlyList<SqlFragment> Where { get; }

    /// <summary>The attributes this query returns.</summary>
    public Heading Heading { get; }

    /// <summary>Primary-key attribute names of the result.</summary>
    public IReadOnlyList<string> PrimaryKey => PrimaryKeyNames;

    /// <summary>Creates a copy with another WHERE list (a restricted table stays a table).</summary>
    internal virtual QueryExpression WithWhere(IReadOnlyList<SqlFragment> where) =>
        new(Connection, Dialect, From, Columns, PrimaryKeyNames, where, Stores, FromTable);

    /// <summary>True when a column is an expression or renamed (SQL text in attribute names then needs a wrapped query).</summary>
    internal bool HasRenamedColumns
    {
        get
        {
            foreach (var c in Columns) if (c.Sql != Dialect.Quote(c.Name)) return true;
            return false;
        }
    }

    /// <summary>The SQL expression of an output column.</summary>
    internal string ColumnSql(string name) => ColumnOf(name).Sql;

    /// <summary>An output column by name.</summary>
    internal Column ColumnOf(string name)
    {
        foreach (var c in Columns) if (c.Name == name) return c;
        throw new DataJointException($"`{name}` is not in the table heading");
    }

    // ------------------------------------------------------------------ restriction

    /// <summary>
    /// Restricts the rows (<c>q &amp; c</c> in Python). <paramref name="condition"/> may be a dictionary or an
    /// object with properties (AND of equalities on the attributes it shares with the heading; null → IS NULL; a key
    /// <c>attr.path</c> or <c>attr.path:type</c> compares the value at a JSON path of a json attribute; a dictionary or
    /// object sharing no attribute with the heading raises <see cref="RestrictionException"/>),
    /// an SQL string or <see cref="SqlCondition"/>, another query (semi-join on common attributes), a bool,
    /// <see cref="Not"/>, or a collection of conditions (OR).
    /// </summary>
    public QueryExpression Restrict(object condition)
    {
        var q = ConditionBuilder.NeedsWrap(this, condition) ? Wrap() : this;
        var frag = ConditionBuilder.Build(q, condition);
        return frag is null ? q : q.WithWhere([.. q.Where, frag]);
    }

    /// <summary>Anti-restriction (<c>q - c</c>): the rows that do not match the condition.</summary>
    public QueryExpression Except(object condition) => Restrict(new Not(condition));

    /// <summary>Restriction, same as <see cref="Restrict"/>.</summary>
    public static QueryExpression operator &(QueryExpression query, object condition) => query.Restrict(condition);

    /// <summary>Anti-restriction, same as <see cref="Except"/>.</summary>
    public static QueryExpression operator -(QueryExpression query, object condition) => query.Except(condition);

    /// <summary>Join, same as <see cref="Join"/>.</summary>
    public static QueryExpression operator *(QueryExpression left, QueryExpression right) => left.Join(right);

    /// <summary>What a restriction of this query restricts, for messages.</summary>
    internal string RestrictionTarget =>
        FromTable ? From.Sql : "a query with heading (" + string.Join(", ", Heading.Names) + ")";

    // ------------------------------------------------------------------ join / projection

    /// <summary>Turns this query into a derived table whose columns are its output names.</summary>
    internal QueryExpression Wrap()
    {
        var alias = Dialect.Quote("$q" + Interlocked.Increment(ref _aliasCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sub = SelectSql.Select(this, null, null, null, null);
        return new QueryExpression(Connection, Dialect, Dialect.Derived(sub, alias),
            Columns.Select(c => c with { Sql = Dialect.Quote(c.Name) }).ToList(), PrimaryKeyNames, [], Stores);
    }

    /// <summary>True for an unrestricted base table without renamed columns (it can be named directly in FROM).</summary>
    internal bool IsPlainSource => Where.Count == 0 && !HasRenamedColumns && FromTable;

    /// <summary>
    /// Joins on all common attribute names (<c>a * b</c>). The result's primary key follows DataJoint's rule: if
    /// the right's key is within the left's heading, the left's key; else if the left's key is within the right's
    /// heading, the right's key; else both.
    /// </summary>
    public QueryExpression Join(QueryExpression other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var left = Source(this);
        var right = Source(other);
        var common = Heading.Names.Where(other.Heading.Contains).ToList();
        var from = common.Count == 0 ? Dialect.CrossJoin(left, right) : Dialect.JoinUsing(left, right, common);
        var cols = Columns.Select(c => c with { Sql = Dialect.Quote(c.Name) }).ToList();
        cols.AddRange(other.Columns.Where(c => !Heading.Contains(c.Name)).Select(c => c with { Sql = Dialect.Quote(c.Name) }));
        IReadOnlyList<string> pk;
        if (other.PrimaryKeyNames.All(Heading.Contains)) pk = PrimaryKeyNames;
        else if (PrimaryKeyNames.All(other.Heading.Contains)) pk = other.PrimaryKeyNames;
        else pk = [.. PrimaryKeyNames, .. other.PrimaryKeyNames.Where(n => !PrimaryKeyNames.Contains(n))];
        return new QueryExpression(Connection, Dialect, from, cols, pk, [], Stores ?? other.Stores);

        SqlFragment Source(QueryExpression q)
        {
            var alias = Dialect.Quote("$j" + Interlocked.Increment(ref _aliasCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return q.IsPlainSource ? Dialect.Aliased(q.From, alias) : Dialect.Derived(SelectSql.Select(q, null, null, null, null), alias);
        }
    }

    [GeneratedRegex(@"^\s*([a-z_][a-z0-9_]*)\s*=\s*(.+?)\s*$", RegexOptions.Singleline)]
    private static partial Regex RenameRegex();

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*$")]
    private static partial Regex NameRegex();

    /// <summary>
    /// Projection: keeps the primary key plus the listed attributes. Items: <c>"attr"</c>; <c>"..."</c> (all);
    /// <c>"-attr"</c> (exclude a secondary attribute); <c>"new=old"</c> (rename, also of key attributes);
    /// <c>"new=(sql expression)"</c> (computed attribute).
    /// </summary>
    public QueryExpression Proj(params string[] items)
    {
        var q = items.Any(i => RenameRegex().Match(i) is { Success: true } m && !NameRegex().IsMatch(m.Groups[2].Value)) && HasRenamedColumns
            ? Wrap() : this;
        return q.ProjCore(items);
    }

    private QueryExpression ProjCore(string[] items)
    {
        var keep = new HashSet<string>(PrimaryKeyNames, StringComparer.Ordinal);
        var exclude = new HashSet<string>(StringComparer.Ordinal);
        var renames = new Dictionary<string, string>(StringComparer.Ordinal); // old -> new
        var computed = new List<Column>();
        foreach (var raw in items)
        {
            var item = raw.Trim();
            if (item == "...") { foreach (var n in Heading.Names) keep.Add(n); continue; }
            if (item.StartsWith('-'))
            {
                var n = item[1..].Trim();
                if (!Heading.Contains(n)) throw new DataJointException($"`{n}` is not in the heading");
                if (PrimaryKeyNames.Contains(n)) throw new DataJointException($"Cannot exclude primary key attribute `{n}`");
                exclude.Add(n);
                continue;
            }
            var m = RenameRegex().Match(item);
            if (m.Success)
            {
                var newName = m.Groups[1].Value;
                var source = m.Groups[2].Value;
                if (NameRegex().IsMatch(source) && Heading.Contains(source))
                {
                    renames[source] = newName;
                    keep.Add(source);
                }
                else
                {
                    var expr = Dialect.Expression(source);
                    computed.Add(new Column(newName, expr, new HeadingAttribute
                    {
                        Name = newName, SqlType = "expression", Type = "expression", Kind = AttributeKind.Other, IsNullable = true,
                    }));
                }
                continue;
            }
            if (!Heading.Contains(item)) throw new DataJointException($"`{item}` is not in the heading");
            keep.Add(item);
        }
        var cols = new List<Column>();
        foreach (var c in Columns)
        {
            if (!keep.Contains(c.Name) || exclude.Contains(c.Name)) continue;
            var name = renames.TryGetValue(c.Name, out var nn) ? nn : c.Name;
            cols.Add(c with { Name = name });
        }
        cols.AddRange(computed);
        var dup = cols.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new DataJointException($"Projection produces attribute `{dup.Key}` twice");
        var pk = PrimaryKeyNames.Select(n => renames.TryGetValue(n, out var r) ? r : n).ToList();
        return new QueryExpression(Connection, Dialect, From, cols, pk, Where, Stores, FromTable);
    }

    /// <summary>The SELECT statement for the whole query with <c>?</c> placeholders (for logging and tests).</summary>
    public string ToSql() => SelectSql.Select(this, null, null, null, null).Sql;

    /// <summary>The parameter values of <see cref="ToSql"/>, in placeholder order.</summary>
    public IReadOnlyList<object?> SqlArguments => SelectSql.Select(this, null, null, null, null).Args;

    /// <inheritdoc />
    public override string ToString() => ToSql();
}
