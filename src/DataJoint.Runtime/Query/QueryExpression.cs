namespace DataJoint;

/// <summary>
/// A query over tables (DataJoint's <c>QueryExpression</c>): a table, and what restriction, join, projection,
/// aggregation, union and <see cref="Top"/> make of it. Immutable; operators return new expressions, nothing runs until
/// a fetch. Rows come back as read-only dictionaries (<see cref="Row"/>) or typed records.
/// </summary>
/// <remarks>
/// A query is one SELECT: a FROM clause (a table, or tables joined on their common attributes, or derived tables), a
/// select list (each output attribute's expression in the FROM namespace), WHERE conditions, and optionally GROUP BY
/// with HAVING (an aggregation), DISTINCT (<see cref="U"/>) and ORDER BY/LIMIT (a <see cref="Top"/>). An operator adds to
/// the SELECT where the result means the same; otherwise it first turns the query into a derived table
/// (<c>(SELECT ...) AS `$1`</c>), as DataJoint Python does.
/// </remarks>
public partial class QueryExpression : IAsyncEnumerable<Row>
{
    /// <summary>
    /// One output column: its visible name, its SQL expression in the FROM namespace, its attribute, and the codec its
    /// values decode with (from the table it comes from; null for core types and computed columns).
    /// </summary>
    internal readonly record struct Column(string Name, string Sql, HeadingAttribute Attribute, AttributeCodec? Codec = null);

    /// <summary>The parts of the SELECT a query is (immutable; operators copy it with changes).</summary>
    internal sealed record Parts
    {
        /// <summary>The FROM clause.</summary>
        public required SqlFragment From { get; init; }
        /// <summary>How many tables or derived tables <see cref="From"/> joins (1: one).</summary>
        public int SourceCount { get; init; } = 1;
        /// <summary>True when <see cref="From"/> names one base table.</summary>
        public bool FromTable { get; init; }
        /// <summary>Every attribute name visible in the FROM namespace (also those projected away).</summary>
        public required IReadOnlySet<string> FromNames { get; init; }
        /// <summary>The output columns, in heading order.</summary>
        public required IReadOnlyList<Column> Columns { get; init; }
        /// <summary>The primary-key attribute names.</summary>
        public required IReadOnlyList<string> PrimaryKey { get; init; }
        /// <summary>WHERE conditions (in the FROM namespace), all of which hold.</summary>
        public IReadOnlyList<SqlFragment> Where { get; init; } = [];
        /// <summary>GROUP BY expressions of an aggregation (null: not an aggregation).</summary>
        public IReadOnlyList<string>? GroupBy { get; init; }
        /// <summary>HAVING conditions of an aggregation (on its output names).</summary>
        public IReadOnlyList<SqlFragment> Having { get; init; } = [];
        /// <summary>The order and window of a <see cref="DataJoint.Top"/> restriction.</summary>
        public TopClause? Top { get; init; }
        /// <summary>True for <c>SELECT DISTINCT</c> (a <see cref="U"/> restriction).</summary>
        public bool Distinct { get; init; }
        /// <summary>True when every table the query reads has a <c>~lineage</c> table.</summary>
        public bool LineageAvailable { get; init; }
    }

    internal QueryExpression(DataJointConnection connection, ISqlDialect dialect, Parts parts, DataJoint.Stores.IStoreProvider? stores)
    {
        Connection = connection;
        Dialect = dialect;
        Shape = parts;
        Stores = stores;
        var pk = new HashSet<string>(parts.PrimaryKey, StringComparer.Ordinal);
        Heading = new Heading(parts.Columns.Select(c => c.Attribute with { Name = c.Name, InPrimaryKey = pk.Contains(c.Name) }),
            lineageAvailable: parts.LineageAvailable);
    }

    internal DataJointConnection Connection { get; }
    /// <summary>The object stores codec columns read from and write to (null: none configured).</summary>
    internal DataJoint.Stores.IStoreProvider? Stores { get; }
    internal ISqlDialect Dialect { get; }
    /// <summary>The SELECT this query is.</summary>
    internal Parts Shape { get; }
    internal SqlFragment From => Shape.From;
    internal IReadOnlyList<Column> Columns => Shape.Columns;
    internal IReadOnlyList<string> PrimaryKeyNames => Shape.PrimaryKey;
    internal IReadOnlyList<SqlFragment> Where => Shape.Where;

    /// <summary>The attributes this query returns.</summary>
    public Heading Heading { get; }

    /// <summary>Primary-key attribute names of the result.</summary>
    public IReadOnlyList<string> PrimaryKey => PrimaryKeyNames;

    /// <summary>A query with other parts (a restricted table stays a table).</summary>
    internal virtual QueryExpression With(Parts parts) => new(Connection, Dialect, parts, Stores);

    /// <summary>True when the column is its own name in the FROM namespace (not renamed, not computed).</summary>
    internal bool IsPlain(Column c) => c.Sql == Dialect.Quote(c.Name);

    /// <summary>True when some output column is renamed or computed.</summary>
    internal bool HasDerivedColumns
    {
        get
        {
            foreach (var c in Columns) if (!IsPlain(c)) return true;
            return false;
        }
    }

    /// <summary>True for an aggregation (GROUP BY).</summary>
    internal bool IsAggregation => Shape.GroupBy is not null;

    /// <summary>The SQL expression of an output column.</summary>
    internal string ColumnSql(string name) => ColumnOf(name).Sql;

    /// <summary>An output column by name.</summary>
    internal Column ColumnOf(string name)
    {
        foreach (var c in Columns) if (c.Name == name) return c;
        throw new DataJointException($"`{name}` is not in the table heading");
    }

    /// <summary>What a restriction of this query restricts, for messages.</summary>
    internal string RestrictionTarget =>
        Shape.FromTable ? From.Sql : "a query with heading (" + string.Join(", ", Heading.Names) + ")";

    /// <summary>
    /// This query as a derived table: <c>SELECT ... FROM (this query) AS `$n`</c>, whose columns are this query's output
    /// names (so further operators see plain columns, and this query's order, grouping and window stay inside).
    /// </summary>
    internal QueryExpression Wrap()
    {
        var alias = Dialect.Quote(AliasNames.Next());
        return new QueryExpression(Connection, Dialect, new Parts
        {
            From = Dialect.Derived(SelectSql.Select(this, null), alias),
            FromNames = Heading.Names.ToHashSet(StringComparer.Ordinal),
            Columns = Columns.Select(c => c with { Sql = Dialect.Quote(c.Name) }).ToList(),
            PrimaryKey = PrimaryKeyNames,
            LineageAvailable = Shape.LineageAvailable,
        }, Stores);
    }

    // ------------------------------------------------------------------ restriction

    /// <summary>
    /// Restricts the rows (<c>q &amp; c</c> in Python). <paramref name="condition"/> may be a dictionary or an
    /// object with properties (AND of equalities on the attributes it shares with the heading; null → IS NULL; a key
    /// <c>attr.path</c> or <c>attr.path:type</c> compares the value at a JSON path of a json attribute; a dictionary or
    /// object sharing no attribute with the heading raises <see cref="RestrictionException"/>),
    /// an SQL string or <see cref="SqlCondition"/>, another query (semi-join on common attributes, whose lineages must
    /// agree), a bool, <see cref="Not"/>, an <see cref="AndList"/> (AND), a <see cref="Top"/>, a <see cref="U"/> (no
    /// restriction), or any other collection of conditions (OR).
    /// </summary>
    public QueryExpression Restrict(object condition) => Restrict(condition, semanticCheck: true);

    /// <summary>
    /// Restricts the rows; with <paramref name="semanticCheck"/> false a restriction by another query matches namesake
    /// attributes without comparing their lineage (DataJoint's <c>restrict(..., semantic_check=False)</c>).
    /// </summary>
    public QueryExpression Restrict(object condition, bool semanticCheck)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition is Top top) return ApplyTop(top);
        // A condition applies to the rows before the select list is formed: on a query whose columns are renamed or
        // computed, or whose rows are windowed or distinct, it applies to a derived table of the result instead.
        // An aggregation takes it as HAVING, on its output names.
        var q = Shape.Top is not null || Shape.Distinct || (!IsAggregation && HasDerivedColumns) ? Wrap() : this;
        var having = q.IsAggregation;
        var built = ConditionBuilder.Build(q, condition, semanticCheck, having);
        if (built is null) return q;
        return having
            ? q.With(q.Shape with { Having = [.. q.Shape.Having, built] })
            : q.With(q.Shape with { Where = [.. q.Where, built] });
    }

    /// <summary>Anti-restriction (<c>q - c</c>): the rows that do not match the condition.</summary>
    public QueryExpression Except(object condition) => Restrict(new Not(condition));

    /// <summary>Anti-restriction without the lineage check of a restriction by a query (see <see cref="Restrict(object, bool)"/>).</summary>
    public QueryExpression Except(object condition, bool semanticCheck) => Restrict(new Not(condition), semanticCheck);

    /// <summary>Restriction, same as <see cref="Restrict(object)"/>.</summary>
    public static QueryExpression operator &(QueryExpression query, object condition) => query.Restrict(condition);

    /// <summary>Anti-restriction, same as <see cref="Except(object)"/>.</summary>
    public static QueryExpression operator -(QueryExpression query, object condition) => query.Except(condition);

    /// <summary>Join, same as <see cref="Join(QueryExpression)"/>.</summary>
    public static QueryExpression operator *(QueryExpression left, QueryExpression right) => left.Join(right);

    /// <summary>Union, same as <see cref="Union"/>.</summary>
    public static QueryExpression operator +(QueryExpression left, QueryExpression right) => left.Union(right);

    // ------------------------------------------------------------------ SQL text

    /// <summary>The SELECT statement for the whole query with <c>?</c> placeholders (for logging and tests).</summary>
    public string ToSql() => SelectSql.Select(this, null).Text;

    /// <summary>
    /// The SELECT statement a fetch with <paramref name="options"/> sends: its attributes, and its order and window
    /// (a <see cref="Top"/> on this query).
    /// </summary>
    public string ToSql(FetchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var q = ForFetch(options);
        return SelectSql.Select(q, q.ResolveAttributes(options.Attributes), forFetch: true).Text;
    }

    /// <summary>The parameter values of <see cref="ToSql()"/>, in placeholder order.</summary>
    public IReadOnlyList<object?> SqlArguments => SelectSql.Select(this, null).Args;

    /// <inheritdoc />
    public override string ToString() => ToSql();
}
