using System.Collections;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace DataJoint;

/// <summary>
/// A query over tables: a base table, a restriction, a join or a projection. Immutable; operators return new
/// expressions, nothing runs until a fetch. Rows come back as read-only dictionaries (<see cref="Row"/>).
/// </summary>
public partial class QueryExpression : IAsyncEnumerable<Row>
{
    /// <summary>One output column: its visible name, its SQL expression in the FROM namespace, and its attribute.</summary>
    internal readonly record struct Column(string Name, string Sql, HeadingAttribute Attribute);

    private static long _aliasCounter;

    internal QueryExpression(DataJointConnection connection, ISqlDialect dialect, SqlFragment from,
        IReadOnlyList<Column> columns, IReadOnlyList<string> primaryKey, IReadOnlyList<SqlFragment> where,
        DataJoint.Stores.IStoreProvider? stores = null)
    {
        Connection = connection;
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
    internal IReadOnlyList<Column> Columns { get; }
    internal IReadOnlyList<string> PrimaryKeyNames { get; }
    internal IReadOnlyList<SqlFragment> Where { get; }

    /// <summary>The attributes this query returns.</summary>
    public Heading Heading { get; }

    /// <summary>Primary-key attribute names of the result.</summary>
    public IReadOnlyList<string> PrimaryKey => PrimaryKeyNames;

    /// <summary>Creates a copy with another WHERE list (a restricted table stays a table).</summary>
    internal virtual QueryExpression WithWhere(IReadOnlyList<SqlFragment> where) =>
        new(Connection, Dialect, From, Columns, PrimaryKeyNames, where, Stores);

    private bool HasRenamedColumns
    {
        get
        {
            foreach (var c in Columns) if (c.Sql != Dialect.Quote(c.Name)) return true;
            return false;
        }
    }

    private string ColumnSql(string name)
    {
        foreach (var c in Columns) if (c.Name == name) return c.Sql;
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
        var q = NeedsWrapFor(condition) ? Wrap() : this;
        var frag = q.BuildCondition(condition);
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

    private bool NeedsWrapFor(object condition) => condition switch
    {
        string or SqlCondition => HasRenamedColumns,
        Not n => NeedsWrapFor(n.Condition),
        IEnumerable e when !RowAccessor.IsDictionary(condition) && condition is not string =>
            e.Cast<object>().Any(NeedsWrapFor),
        _ => false,
    };

    /// <summary>Returns the SQL condition, or null for a no-op restriction.</summary>
    internal SqlFragment? BuildCondition(object condition)
    {
        switch (condition)
        {
            case null:
                throw new DataJointException("A restriction cannot be null");
            case bool b:
                return b ? null : SqlFragment.False;
            case string s:
                return new SqlFragment(s, []);
            case SqlCondition sc:
                if (CountPlaceholders(sc.Sql) != sc.Arguments.Length)
                    throw new DataJointException($"The condition \"{sc.Sql}\" has {CountPlaceholders(sc.Sql)} placeholders but {sc.Arguments.Length} arguments");
                return new SqlFragment(sc.Sql, sc.Arguments.Select(a => a is Guid g ? g.ToByteArray(bigEndian: true) : a).ToArray());
            case Not n:
            {
                var inner = BuildCondition(n.Condition);
                return inner is null ? SqlFragment.False : SqlFragment.Concat("NOT (", inner, ")");
            }
            case QueryExpression other:
                return SemiJoin(other);
            case IReadOnlyDictionary<string, object?> or IDictionary<string, object?> or IDictionary:
                return Equalities(RowAccessor.Pairs(condition));
            case IEnumerable list:
            {
                var parts = new List<SqlFragment>();
                foreach (var item in list)
                {
                    var f = BuildCondition(item!);
                    if (f is null) return null; // one always-true alternative makes the OR true
                    parts.Add(f);
                }
                return parts.Count == 0 ? SqlFragment.False : SqlFragment.Join(" OR ", parts);
            }
            default:
                return Equalities(RowAccessor.Pairs(condition));
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

    private SqlFragment Equalities(IEnumerable<KeyValuePair<string, object?>> pairs) =>
        KeyCondition.Build(pairs, Heading, ColumnSql, Dialect, RestrictionTarget);

    /// <summary>What a restriction of this query restricts, for messages.</summary>
    private protected virtual string RestrictionTarget =>
        From.Sql.StartsWith('(') || From.Sql.Contains(" JOIN ", StringComparison.Ordinal) ? "a query with heading (" + string.Join(", ", Heading.Names) + ")" : From.Sql;

    private SqlFragment SemiJoin(QueryExpression other)
    {
        var common = Heading.Names.Where(other.Heading.Contains).ToList();
        var sub = other.RenderSelect(common.Count == 0 ? null : common, null, null, null);
        if (common.Count == 0) return SqlFragment.Concat("EXISTS (", sub, ")");
        var lhs = common.Count == 1 ? ColumnSql(common[0]) : "(" + string.Join(",", common.Select(ColumnSql)) + ")";
        return SqlFragment.Concat(lhs + " IN (", sub, ")");
    }

    // ------------------------------------------------------------------ join / projection

    /// <summary>Turns this query into a derived table whose columns are its output names.</summary>
    internal QueryExpression Wrap()
    {
        var alias = Dialect.Quote("$q" + Interlocked.Increment(ref _aliasCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sub = RenderSelect(null, null, null, null);
        return new QueryExpression(Connection, Dialect, SqlFragment.Concat("(", sub, ") AS " + alias),
            Columns.Select(c => new Column(c.Name, Dialect.Quote(c.Name), c.Attribute)).ToList(), PrimaryKeyNames, [], Stores);
    }

    private bool IsPlainSource => Where.Count == 0 && !HasRenamedColumns && !From.Sql.Contains(" JOIN ", StringComparison.Ordinal)
                                  && !From.Sql.StartsWith('(');

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
        var from = common.Count == 0
            ? SqlFragment.Join(" CROSS JOIN ", [left, right], "", "")
            : new SqlFragment(left.Sql + " JOIN " + right.Sql + " USING (" + string.Join(",", common.Select(Dialect.Quote)) + ")",
                [.. left.Args, .. right.Args]);
        var cols = Columns.Select(c => new Column(c.Name, Dialect.Quote(c.Name), c.Attribute)).ToList();
        cols.AddRange(other.Columns.Where(c => !Heading.Contains(c.Name)).Select(c => new Column(c.Name, Dialect.Quote(c.Name), c.Attribute)));
        IReadOnlyList<string> pk;
        if (other.PrimaryKeyNames.All(Heading.Contains)) pk = PrimaryKeyNames;
        else if (PrimaryKeyNames.All(other.Heading.Contains)) pk = other.PrimaryKeyNames;
        else pk = [.. PrimaryKeyNames, .. other.PrimaryKeyNames.Where(n => !PrimaryKeyNames.Contains(n))];
        return new QueryExpression(Connection, Dialect, from, cols, pk, [], Stores ?? other.Stores);

        SqlFragment Source(QueryExpression q)
        {
            var alias = Dialect.Quote("$j" + Interlocked.Increment(ref _aliasCounter).ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (q.IsPlainSource) return new SqlFragment(q.From.Sql + " AS " + alias, q.From.Args);
            return SqlFragment.Concat("(", q.RenderSelect(null, null, null, null), ") AS " + alias);
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
                    var expr = source.Length > 1 && source[0] == '(' ? source : "(" + source + ")";
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
        return new QueryExpression(Connection, Dialect, From, cols, pk, Where, Stores);
    }

    // ------------------------------------------------------------------ SQL rendering

    /// <summary>Renders <c>SELECT ... FROM ... WHERE ... [ORDER BY] [LIMIT]</c>.</summary>
    internal SqlFragment RenderSelect(IReadOnlyList<string>? attributes, IReadOnlyList<string>? orderBy, long? limit, long? offset,
        bool forFetch = false)
    {
        var sb = new StringBuilder("SELECT ");
        var names = attributes ?? Heading.Names;
        if (names.Count == 0) sb.Append('1');
        for (var i = 0; i < names.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var sql = ColumnSql(names[i]);
            if (forFetch) sql = Dialect.FetchExpression(Heading[names[i]], sql);
            var quoted = Dialect.Quote(names[i]);
            sb.Append(sql);
            if (sql != quoted) sb.Append(" AS ").Append(quoted);
        }
        sb.Append(" FROM ").Append(From.Sql);
        var args = new List<object?>(From.Args);
        AppendWhere(sb, args);
        if (orderBy is { Count: > 0 }) sb.Append(" ORDER BY ").Append(RenderOrderBy(orderBy));
        sb.Append(Dialect.LimitClause(limit, offset));
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    internal void AppendWhere(StringBuilder sb, List<object?> args)
    {
        for (var i = 0; i < Where.Count; i++)
        {
            sb.Append(i == 0 ? " WHERE (" : " AND (").Append(Where[i].Sql).Append(')');
            args.AddRange(Where[i].Args);
        }
    }

    private string RenderOrderBy(IReadOnlyList<string> orderBy)
    {
        var parts = new List<string>();
        foreach (var term in orderBy)
        {
            var t = term.Trim();
            var desc = false;
            if (t.EndsWith(" DESC", StringComparison.OrdinalIgnoreCase)) { desc = true; t = t[..^5].Trim(); }
            else if (t.EndsWith(" ASC", StringComparison.OrdinalIgnoreCase)) t = t[..^4].Trim();
            var names = t == "KEY" ? PrimaryKeyNames : [t];
            foreach (var n in names)
            {
                if (!Heading.Contains(n)) throw new DataJointException($"Cannot order by `{n}`: it is not in the heading");
                parts.Add(Dialect.Quote(n) + (desc ? " DESC" : ""));
            }
        }
        return string.Join(",", parts);
    }

    /// <summary>The SELECT statement for the whole query with <c>?</c> placeholders (for logging and tests).</summary>
    public string ToSql() => RenderSelect(null, null, null, null).Sql;

    /// <summary>The parameter values of <see cref="ToSql"/>, in placeholder order.</summary>
    public IReadOnlyList<object?> SqlArguments => RenderSelect(null, null, null, null).Args;

    // ------------------------------------------------------------------ fetch

    private IReadOnlyList<string> ResolveAttributes(IReadOnlyList<string>? requested)
    {
        if (requested is null) return Heading.Names;
        var list = new List<string>();
        foreach (var r in requested)
        {
            if (r == "KEY") { foreach (var k in PrimaryKeyNames) if (!list.Contains(k)) list.Add(k); continue; }
            if (!Heading.Contains(r)) throw new DataJointException($"`{r}` is not in the heading ({string.Join(", ", Heading.Names)})");
            if (!list.Contains(r)) list.Add(r);
        }
        return list;
    }

    /// <summary>Streams the rows (ordering, paging and attributes from <paramref name="options"/>).</summary>
    public IAsyncEnumerable<Row> StreamAsync(FetchOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamEachAsync<Row>(() =>
        {
            var rows = new RowReader(this, options);
            return (rows.Sql, rows.ReadAsync);
        }, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerator<Row> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        StreamAsync(null, cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Fetches all rows into a list.</summary>
    public async Task<IReadOnlyList<Row>> FetchAsync(FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var rows = new RowReader(this, options);
        return await ReadEachAsync(rows.Sql, rows.ReadAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="ReadAllAsync{TRow}"/>, one row at a time.</summary>
    internal IAsyncEnumerable<TRow> StreamMappedAsync<TRow>(IReadOnlyList<string> names, Func<DbDataReader, TRow> map, CancellationToken cancellationToken) =>
        StreamEachAsync<TRow>(() => (RenderSelect(names, null, null, null, forFetch: true), (reader, _) => new ValueTask<TRow>(map(reader))), cancellationToken);

    /// <summary>
    /// Fetches <paramref name="names"/> (in that order, same SQL as a fetch) and maps every row straight from the data
    /// reader with <paramref name="map"/> (the generated typed mappers: no dynamic row, no boxing). Only for attributes
    /// without codecs (their values need the async codec chain).
    /// </summary>
    internal Task<List<TRow>> ReadAllAsync<TRow>(IReadOnlyList<string> names, Func<DbDataReader, TRow> map, CancellationToken cancellationToken) =>
        ReadEachAsync(RenderSelect(names, null, null, null, forFetch: true), (reader, _) => new ValueTask<TRow>(map(reader)), cancellationToken);

    /// <summary>Runs a fetch statement and reads every row with <paramref name="read"/> into a list (a plain loop: no async-iterator step per row).</summary>
    private async Task<List<T>> ReadEachAsync<T>(SqlFragment sql, Func<DbDataReader, CancellationToken, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = Command(conn, sql);
            var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    list.Add(await read(reader, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (Exception ex) when (TranslateError(ex, "fetch") is { } dj)
        {
            throw dj;
        }
        return list;
    }

    /// <summary>
    /// Runs a fetch statement and yields every row read with its reader. <paramref name="prepare"/> (statement and
    /// row reader) runs when enumeration starts, so a bad request fails there as before. Driver failures (a lost
    /// connection mid-stream) surface as <see cref="DataJointException"/> subtypes.
    /// </summary>
    private async IAsyncEnumerable<T> StreamEachAsync<T>(Func<(SqlFragment Sql, Func<DbDataReader, CancellationToken, ValueTask<T>> Read)> prepare,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sql, read) = prepare();
        await using var conn = await Guard(Connection.OpenAsync(cancellationToken)).ConfigureAwait(false);
        await using var cmd = Command(conn, sql);
        var reader = await Guard(cmd.ExecuteReaderAsync(cancellationToken)).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await Guard(reader.ReadAsync(cancellationToken)).ConfigureAwait(false))
                yield return await read(reader, cancellationToken).ConfigureAwait(false);
        }

        async Task<TResult> Guard<TResult>(Task<TResult> step)
        {
            try
            {
                return await step.ConfigureAwait(false);
            }
            catch (Exception ex) when (TranslateError(ex, "fetch") is { } dj)
            {
                throw dj;
            }
        }
    }

    /// <summary>The driver's exception as a <see cref="DataJointException"/> naming what this query reads, or null.</summary>
    private protected DataJointException? TranslateError(Exception exception, string action)
    {
        var (schema, table) = Location;
        return Dialect.TranslateError(exception, action + " from " + RestrictionTarget, schema, table);
    }

    /// <summary>The schema and table this query reads when it is one table (for errors), else nulls.</summary>
    private protected virtual (string? Schema, string? Table) Location => (null, null);

    /// <summary>What one fetch reads per row: the attributes, their column readers and codecs, the shared row shape.</summary>
    private sealed class RowReader
    {
        private readonly HeadingAttribute[] _attrs;
        private readonly ColumnReaders.ReadColumn[] _readers;
        private readonly bool _hasCodecs;
        private readonly RowShape _shape;
        private readonly CodecRead? _codecRead;

        public RowReader(QueryExpression query, FetchOptions? options)
        {
            var names = query.ResolveAttributes(options?.Attributes);
            Sql = query.RenderSelect(names, options?.OrderBy, options?.Limit, options?.Offset, forFetch: true);
            _attrs = names.Select(n => query.Heading[n]).ToArray();
            _readers = _attrs.Select(a => ColumnReaders.For(a.Kind)).ToArray();
            _hasCodecs = _attrs.Any(a => a.CodecName is not null);
            _shape = new RowShape(names);
            if (_hasCodecs)
            {
                var (schema, table) = query.Location;
                _codecRead = new CodecRead(schema, table, query.Stores,
                    options?.DownloadPath ?? query.Connection.DownloadPath ?? query.Connection.Configured.DownloadPath);
            }
        }

        public SqlFragment Sql { get; }

        /// <summary>The reader's current row, codec values decoded.</summary>
        public ValueTask<Row> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
        {
            var n = _readers.Length;
            var values = new object?[n];
            for (var i = 0; i < n; i++)
                values[i] = reader.IsDBNull(i) ? null : _readers[i](reader, i);
            return _hasCodecs ? DecodeAsync(values, cancellationToken) : new ValueTask<Row>(new Row(_shape, values));
        }

        private async ValueTask<Row> DecodeAsync(object?[] values, CancellationToken cancellationToken)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (_attrs[i].CodecName is null || values[i] is null) continue;
                try
                {
                    values[i] = await AttributeCodecs.Current.DecodeAsync(_attrs[i], values[i]!, _codecRead!, cancellationToken).ConfigureAwait(false);
                }
                catch (DataJointException ex)
                {
                    ex.Locate(_codecRead!.Schema, _codecRead.Table, _attrs[i].Name);
                    throw;
                }
            }
            return new Row(_shape, values);
        }
    }

    /// <summary>Fetches the given attributes of all rows.</summary>
    public Task<IReadOnlyList<Row>> FetchAsync(params string[] attributes) =>
        FetchAsync(new FetchOptions { Attributes = attributes });

    /// <summary>Fetches exactly one row; anything else is an error (<c>fetch1</c>).</summary>
    public async Task<Row> Fetch1Async(FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var rows = await FetchAsync(options is null ? new FetchOptions { Limit = 2 } : options with { Limit = 2 }, cancellationToken).ConfigureAwait(false);
        if (rows.Count != 1)
            throw new DataJointException($"fetch1 requires exactly one tuple in the input set (got {(rows.Count == 0 ? "none" : "more than one")}).");
        return rows[0];
    }

    /// <summary>The value of one attribute of the only row.</summary>
    public async Task<T?> Fetch1Async<T>(string attribute, CancellationToken cancellationToken = default)
    {
        var row = await Fetch1Async(new FetchOptions { Attributes = [attribute] }, cancellationToken).ConfigureAwait(false);
        return row.Get<T>(attribute);
    }

    /// <summary>The primary-key values of all rows.</summary>
    public Task<IReadOnlyList<Row>> KeysAsync(FetchOptions? options = null, CancellationToken cancellationToken = default) =>
        FetchAsync((options ?? new FetchOptions()) with { Attributes = PrimaryKeyNames }, cancellationToken);

    /// <summary>Number of rows.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        SqlFragment sql;
        if (IsPlainSource || (Where.Count > 0 && !From.Sql.StartsWith('(') && !From.Sql.Contains(" JOIN ", StringComparison.Ordinal)))
        {
            var sb = new StringBuilder("SELECT COUNT(*) FROM ").Append(From.Sql);
            var args = new List<object?>(From.Args);
            AppendWhere(sb, args);
            sql = new SqlFragment(sb.ToString(), args.ToArray());
        }
        else
        {
            sql = SqlFragment.Concat("SELECT COUNT(*) FROM (", RenderSelect(null, null, null, null), ") AS `$count`");
        }
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = Command(conn, sql);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (TranslateError(ex, "count") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>True when the query has at least one row.</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var _ in StreamAsync(new FetchOptions { Attributes = [], Limit = 1 }, cancellationToken).ConfigureAwait(false))
            return true;
        return false;
    }

    internal static DbCommand Command(DbConnection conn, SqlFragment sql, DbTransaction? tx = null)
    {
        var cmd = conn.CreateCommand();
        cmd.CommandText = sql.Sql;
        cmd.Transaction = tx;
        foreach (var a in sql.Args)
        {
            var p = cmd.CreateParameter();
            p.Value = a ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <inheritdoc />
    public override string ToString() => ToSql();
}
