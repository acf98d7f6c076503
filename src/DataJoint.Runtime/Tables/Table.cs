namespace DataJoint;

/// <summary>
/// A base table: its heading read from the database, plus insert, delete and drop. Restricting a table gives a
/// restricted table (still deletable); joins and projections give plain <see cref="QueryExpression"/>s.
/// </summary>
public partial class Table : QueryExpression
{
    internal Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading,
        IReadOnlyList<SqlFragment>? where = null, DataJoint.Stores.IStoreProvider? stores = null)
        : this(connection, dialect, database, name, heading, new CodecPlan(database, name, heading.Attributes, stores), null, stores)
    {
        if (where is { Count: > 0 }) throw new ArgumentException("Restrict a table with Restrict", nameof(where));
    }

    private Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading, CodecPlan codecs,
        Parts? parts, DataJoint.Stores.IStoreProvider? stores)
        : base(connection, dialect, parts ?? new Parts
        {
            From = new SqlFragment(dialect.QualifiedName(database, name), []),
            FromTable = true,
            FromNames = heading.Names.ToHashSet(StringComparer.Ordinal),
            Columns = heading.Attributes.Select(a => new Column(a.Name, dialect.Quote(a.Name), a, codecs.For(a.Name))).ToList(),
            PrimaryKey = heading.PrimaryKey,
            LineageAvailable = heading.LineageAvailable,
        }, stores)
    {
        Database = database;
        Name = name;
        TableHeading = heading;
        CodecPlan = codecs;
    }

    /// <summary>The database (schema) name.</summary>
    public string Database { get; }
    /// <summary>The SQL table name (with tier prefix).</summary>
    public string Name { get; }
    /// <summary><c>`database`.`table`</c>.</summary>
    public string FullName => Dialect.QualifiedName(Database, Name);
    /// <summary>The heading as read from the database, including hidden columns and foreign keys.</summary>
    public Heading TableHeading { get; }
    /// <summary>The tier, from the name prefix.</summary>
    public TableTier Tier => TierOf(Name);
    /// <summary>True when the table is restricted (a delete affects only matching rows).</summary>
    public bool IsRestricted => Where.Count > 0;

    /// <summary>The codecs of the heading, resolved once for the table and every query built on it.</summary>
    internal CodecPlan CodecPlan { get; }

    internal static TableTier TierOf(string name)
    {
        var rest = name.StartsWith("__", StringComparison.Ordinal) ? name[2..]
            : name.StartsWith('_') || name.StartsWith('#') ? name[1..] : name;
        if (rest.Contains("__", StringComparison.Ordinal)) return TableTier.Part;
        return name.StartsWith("__", StringComparison.Ordinal) ? TableTier.Computed
            : name.StartsWith('_') ? TableTier.Imported
            : name.StartsWith('#') ? TableTier.Lookup : TableTier.Manual;
    }

    /// <summary>A restriction of the table is still the table (deletable); any other change is a query on it.</summary>
    internal override QueryExpression With(Parts parts) =>
        parts == Shape with { Where = parts.Where }
            ? new Table(Connection, Dialect, Database, Name, TableHeading, CodecPlan, parts, Stores)
            : base.With(parts);

    /// <summary>Restricts the table; see <see cref="QueryExpression.Restrict(object)"/>. The result is still a table.</summary>
    public new Table Restrict(object condition) => Restrict(condition, semanticCheck: true);

    /// <summary>Restricts the table; see <see cref="QueryExpression.Restrict(object, bool)"/>. The result is still a table.</summary>
    public new Table Restrict(object condition, bool semanticCheck) =>
        condition is Top
            ? throw new DataJointException($"A Top of {FullName} is a query, not a table: use Restrict(Top) (or table & top), whose result is a QueryExpression")
            : (Table)base.Restrict(condition, semanticCheck);

    /// <summary>The first rows of the table in an order (a query, not a table: it cannot be deleted from).</summary>
    public QueryExpression Restrict(Top top) => ApplyTop(top);

    /// <summary>Anti-restriction; the result is still a table.</summary>
    public new Table Except(object condition) => (Table)base.Except(condition);

    /// <summary>Anti-restriction without the lineage check of a restriction by a query; the result is still a table.</summary>
    public new Table Except(object condition, bool semanticCheck) => (Table)base.Except(condition, semanticCheck);

    /// <summary>Restriction.</summary>
    public static Table operator &(Table table, object condition) => table.Restrict(condition);

    /// <summary>The first rows of the table in an order.</summary>
    public static QueryExpression operator &(Table table, Top top) => table.Restrict(top);

    /// <summary>Anti-restriction.</summary>
    public static Table operator -(Table table, object condition) => table.Except(condition);

    /// <summary>The restriction of this table as one condition (null: unrestricted).</summary>
    internal SqlFragment? RootCondition() => Where.Count == 0 ? null : Dialect.And(Where);

    // ------------------------------------------------------------------ insert

    /// <summary>Inserts one row (a dictionary, an anonymous object, a record...).</summary>
    public Task Insert1Async(object row, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        return InsertAsync([row], options, cancellationToken);
    }

    /// <summary>
    /// Inserts rows: dictionaries (<c>IReadOnlyDictionary&lt;string, object?&gt;</c>, <c>IDictionary</c>) or objects whose
    /// public properties are attributes (anonymous types, records, classes). All values are checked against the
    /// heading before anything is written; the rows go in multi-row statements sized under the server's packet
    /// limit, all in one transaction: either every row is written or none. A null value sends <c>DEFAULT</c>.
    /// </summary>
    public Task InsertAsync<TRow>(IEnumerable<TRow> rows, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return InsertCoreAsync(plan => plan.AddRows(rows), options, cancellationToken);
    }

    /// <summary>Inserts typed rows (generated mappers): each row's values in the order of <paramref name="names"/>.</summary>
    internal Task InsertValuesAsync(string[] names, IEnumerable<object?[]> rows, InsertOptions? options, CancellationToken cancellationToken) =>
        InsertCoreAsync(plan => plan.AddRows(names, rows), options, cancellationToken);

    private async Task InsertCoreAsync(Action<InsertPlan> addRows, InsertOptions? options, CancellationToken cancellationToken)
    {
        options ??= new InsertOptions();
        if (options.Replace && options.SkipDuplicates)
            throw new DataJointException($"Insert into {FullName}: replace and skip_duplicates cannot both be set");
        if (options.MaxParallelUploads < 1)
            throw new DataJointException($"Insert into {FullName}: MaxParallelUploads must be at least 1, got {options.MaxParallelUploads}");
        MakeScope.CheckInsert(this, options);
        await using var operation = WriteSession.Enter(Connection);
        try
        {
            // Store-backed values are uploaded before the rows are written, so a committed row never points at a missing
            // object. The tracker records what this insert uploaded: if it fails, its schema-addressed objects are
            // removed (hash-addressed ones may be shared and are left for garbage collection).
            var uploads = Stores is not null && CodecPlan.HasStoreBacked
                ? operation.TrackUploads(Stores, options.MaxParallelUploads, cancellationToken)
                : null;
            var plan = new InsertPlan(this, options, uploads);
            addRows(plan);
            var prepared = await plan.FinishAsync(cancellationToken).ConfigureAwait(false);
            if (prepared.Rows.Count > 0)
            {
                var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
                await InsertBatcher.WriteAsync(this, connection, transaction, prepared, options, cancellationToken).ConfigureAwait(false);
            }
            await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await operation.FailAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ------------------------------------------------------------------ delete / drop

    /// <summary>
    /// Deletes the rows of this (restricted) table and, leaves first, every row of every dependent table that
    /// references them (in any database), in one transaction. Returns the number of rows deleted from this table.
    /// </summary>
    /// <param name="partIntegrity">
    /// <see cref="PartIntegrity.Enforce"/> (default) refuses a delete that would remove rows of a part table whose
    /// master is not part of the same delete; <see cref="PartIntegrity.Ignore"/> allows it.
    /// </param>
    /// <param name="cancellationToken">Cancels the delete (the transaction rolls back).</param>
    public async Task<long> DeleteAsync(PartIntegrity partIntegrity = PartIntegrity.Enforce, CancellationToken cancellationToken = default)
    {
        await using var operation = WriteSession.Enter(Connection);
        try
        {
            var conn = await operation.Session.ConnectionAsync(cancellationToken).ConfigureAwait(false);
            var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
            if (partIntegrity == PartIntegrity.Enforce) Dependencies.CheckPartIntegrity(this, plan);
            var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
            long root = 0;
            try
            {
                for (var i = plan.Count - 1; i >= 0; i--)
                {
                    var (db, table, condition) = plan[i];
                    await using var cmd = Dialect.Delete(db, table, condition).CreateCommand(connection, transaction);
                    var n = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    if (i == 0) root = n;
                }
            }
            catch (Exception ex) when (Dialect.TranslateError(ex, $"delete from {FullName}") is { } dj)
            {
                throw dj;
            }
            await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return root;
        }
        catch
        {
            await operation.FailAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes only this table's matching rows, without cascading (fails if dependents reference them).</summary>
    public async Task<long> DeleteQuickAsync(CancellationToken cancellationToken = default)
    {
        await using var operation = WriteSession.Enter(Connection);
        try
        {
            var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
            long n;
            await using (var cmd = Dialect.Delete(Database, Name, RootCondition()).CreateCommand(connection, transaction))
            {
                try
                {
                    n = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (Dialect.TranslateError(ex, $"delete from {FullName}") is { } dj)
                {
                    throw dj;
                }
            }
            await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return n;
        }
        catch
        {
            await operation.FailAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Drops this table and, first, every table that depends on it; their <c>~lineage</c> rows go too.</summary>
    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        if (IsRestricted) throw new DataJointException($"A restricted table cannot be dropped ({FullName})");
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
        for (var i = plan.Count - 1; i >= 0; i--)
        {
            var (db, table, _) = plan[i];
            await using (var cmd = new SqlFragment(Dialect.DropTable(db, table), []).CreateCommand(conn))
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await Dialect.DeleteLineageAsync(conn, db, table, cancellationToken).ConfigureAwait(false);
        }
    }
}
