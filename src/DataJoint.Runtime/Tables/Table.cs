namespace DataJoint;

/// <summary>
/// A base table: its heading read from the database, plus insert, delete and drop. Restricting a table gives a
/// restricted table (still deletable); joins and projections give plain <see cref="QueryExpression"/>s.
/// </summary>
public partial class Table : QueryExpression
{
    internal Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading,
        IReadOnlyList<SqlFragment>? where = null, DataJoint.Stores.IStoreProvider? stores = null)
        : this(connection, dialect, database, name, heading, new CodecPlan(database, name, heading.Attributes, stores), where ?? [], stores)
    {
    }

    private Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading, CodecPlan codecs,
        IReadOnlyList<SqlFragment> where, DataJoint.Stores.IStoreProvider? stores)
        : base(connection, dialect, new SqlFragment(dialect.QualifiedName(database, name), []),
            heading.Attributes.Select(a => new Column(a.Name, dialect.Quote(a.Name), a, codecs.For(a.Name))).ToList(), heading.PrimaryKey, where, stores,
            fromTable: true)
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

    private protected override (string? Schema, string? Table) Location => (Database, Name);

    internal override QueryExpression WithWhere(IReadOnlyList<SqlFragment> where) =>
        new Table(Connection, Dialect, Database, Name, TableHeading, CodecPlan, where, Stores);

    /// <summary>Restricts the table; see <see cref="QueryExpression.Restrict"/>. The result is still a table.</summary>
    public new Table Restrict(object condition) => (Table)base.Restrict(condition);

    /// <summary>Anti-restriction; the result is still a table.</summary>
    public new Table Except(object condition) => (Table)base.Except(condition);

    /// <summary>Restriction.</summary>
    public static Table operator &(Table table, object condition) => table.Restrict(condition);

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
            throw new DataJointException($"Insert into {FullName}: replace and skip_duplicates cannot both be set") { Schema = Database, Table = Name };
        if (options.MaxParallelUploads < 1)
            throw new DataJointException($"Insert into {FullName}: MaxParallelUploads must be at least 1, got {options.MaxParallelUploads}")
            {
                Schema = Database,
                Table = Name,
            };
        var committing = false;
        MakeScope.CheckInsert(this, options);
        try
        {
            await using var operation = WriteSession.Enter(Connection);
            try
            {
                // Store-backed values are uploaded before the rows are written, so a committed row never points at a missing
                // object. The tracker records what this insert uploaded: if it fails, its schema-addressed objects are
                // removed (hash-addressed ones may be shared and are left for garbage collection).
                var uploads = Stores is not null && CodecPlan.HasStoreBacked
                    ? operation.TrackUploads(Stores, options.MaxParallelUploads, cancellationToken, options.VerifyExistingObjects)
                    : null;
                var plan = new InsertPlan(this, options, uploads);
                addRows(plan);
                var prepared = await plan.FinishAsync(cancellationToken).ConfigureAwait(false);
                if (prepared.Rows.Count > 0)
                {
                    var (connection, transaction) = await operation.BeginAsync(cancellationToken, singleStatement: prepared.Rows.Count == 1).ConfigureAwait(false);
                    await InsertBatcher.WriteAsync(this, connection, transaction, prepared, options, cancellationToken).ConfigureAwait(false);
                }
                committing = operation.CommitsSession;
                await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await operation.FailAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (WriteError(ex, $"insert into {FullName}", committing,
                   "the rows may or may not have been written. Check before inserting them again (or insert with SkipDuplicates).") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// The error a write operation throws: the driver's exception translated (a connection lost during COMMIT becomes a
    /// <see cref="LostConnectionException"/> with <see cref="LostConnectionException.CommitOutcomeUnknown"/>, explained by
    /// <paramref name="unknownOutcome"/>); a <see cref="DataJointException"/> is located at this table and rethrown as it is (null).
    /// </summary>
    private DataJointException? WriteError(Exception ex, string action, bool committing, string unknownOutcome)
    {
        if (Dialect.TranslateError(ex, action, Database, Name) is not { } dj)
        {
            (ex as DataJointException)?.Locate(Database, Name);
            return null;
        }
        if (!committing || dj is not LostConnectionException) return dj;
        return new LostConnectionException($"The connection to the database server was lost while committing ({action}): {unknownOutcome}", ex)
        {
            CommitOutcomeUnknown = true,
            Schema = Database,
            Table = Name,
        };
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
    public Task<long> DeleteAsync(PartIntegrity partIntegrity = PartIntegrity.Enforce, CancellationToken cancellationToken = default) =>
        DeleteAsync(new DeleteOptions { PartIntegrity = partIntegrity }, cancellationToken);

    /// <summary>
    /// Deletes the rows of this (restricted) table and, leaves first, every row of every dependent table that
    /// references them (in any database), in one transaction. With safemode on (<see cref="DeleteOptions.Safemode"/>),
    /// the rows are deleted inside the transaction, the per-table counts (<see cref="CascadePreview"/>, other schemas
    /// included) go to the confirmation, and the transaction commits only if it answers yes; otherwise it rolls back
    /// and 0 is returned. Returns the number of rows deleted from this table.
    /// </summary>
    public async Task<long> DeleteAsync(DeleteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var safemode = DataJoint.Safemode.IsOn(options.Safemode, Connection);
        var committing = false;
        try
        {
            await using var operation = WriteSession.Enter(Connection);
            try
            {
                var conn = await operation.Session.ConnectionAsync(cancellationToken).ConfigureAwait(false);
                var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
                if (options.PartIntegrity == PartIntegrity.Enforce) Dependencies.CheckPartIntegrity(this, plan);
                var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
                var counts = new long[plan.Count];
                for (var i = plan.Count - 1; i >= 0; i--)
                {
                    var (db, table, condition) = plan[i];
                    await using var cmd = Dialect.Delete(db, table, condition).CreateCommand(connection, transaction);
                    counts[i] = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                if (safemode && counts.Any(c => c > 0)
                    && !await DataJoint.Safemode.ConfirmAsync(Preview("delete", plan, counts), options.Confirm, Connection, cancellationToken).ConfigureAwait(false))
                {
                    await operation.FailAsync().ConfigureAwait(false);
                    return 0;
                }
                committing = operation.CommitsSession;
                await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
                return counts[0];
            }
            catch
            {
                await operation.FailAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (WriteError(ex, $"delete from {FullName}", committing,
                   "the rows may or may not have been deleted. Running the delete again is safe.") is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// What <see cref="DeleteAsync(DeleteOptions, CancellationToken)"/> would delete now: every table the cascade reaches
    /// (in this schema and in others) with its row count, read in one consistent snapshot. Nothing is changed.
    /// </summary>
    public Task<CascadePreview> PreviewDeleteAsync(CancellationToken cancellationToken = default) =>
        PreviewAsync("delete", cancellationToken);

    /// <summary>The cascade of a delete (rows it would remove) or a drop (tables with all their rows), computed without changes.</summary>
    private async Task<CascadePreview> PreviewAsync(string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
            return Preview(operation, plan, await CountAsync(conn, plan, restricted: operation == "delete", cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"{operation} preview of {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    private CascadePreview Preview(string operation, List<CascadeStep> plan, long[] counts) => new()
    {
        Operation = operation,
        Schema = Database,
        Table = Name,
        Tables = plan.Select((p, i) => new CascadeEntry(p.Database, p.Table, counts[i])).ToList(),
    };

    /// <summary>Row counts of the plan's tables (restricted by their cascade conditions, or whole) in one snapshot.</summary>
    private async Task<long[]> CountAsync(System.Data.Common.DbConnection conn, List<CascadeStep> plan, bool restricted, CancellationToken cancellationToken)
    {
        var counts = new long[plan.Count];
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < plan.Count; i++)
        {
            var (db, table, condition) = plan[i];
            var where = restricted && condition is not null ? new[] { condition } : [];
            await using var cmd = Dialect.Count(new SqlFragment(Dialect.QualifiedName(db, table), []), where).CreateCommand(conn, tx);
            counts[i] = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return counts;
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
                catch (Exception ex) when (Dialect.TranslateError(ex, $"delete from {FullName}", Database, Name) is { } dj)
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
    public Task DropAsync(CancellationToken cancellationToken = default) => DropAsync(new DropOptions(), cancellationToken);

    /// <summary>
    /// Drops this table and, first, every table that depends on it (in any schema); their <c>~lineage</c> rows go too.
    /// With safemode on, the tables and their row counts (<see cref="CascadePreview"/>) go to the confirmation first, and
    /// nothing is dropped unless it answers yes. Returns true when the tables were dropped.
    /// </summary>
    public async Task<bool> DropAsync(DropOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsRestricted) throw new DataJointException($"A restricted table cannot be dropped ({FullName})") { Schema = Database, Table = Name };
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
            if (DataJoint.Safemode.IsOn(options.Safemode, Connection))
            {
                var preview = Preview("drop", plan, await CountAsync(conn, plan, restricted: false, cancellationToken).ConfigureAwait(false));
                if (!await DataJoint.Safemode.ConfirmAsync(preview, options.Confirm, Connection, cancellationToken).ConfigureAwait(false)) return false;
            }
            for (var i = plan.Count - 1; i >= 0; i--)
            {
                var (db, table, _) = plan[i];
                await using (var cmd = new SqlFragment(Dialect.DropTable(db, table), []).CreateCommand(conn))
                    await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                await Dialect.DeleteLineageAsync(conn, db, table, cancellationToken).ConfigureAwait(false);
            }
            return true;
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"drop {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// What <see cref="DropAsync(DropOptions, CancellationToken)"/> would drop: this table and every table that depends on
    /// it (in any schema), with their row counts. Nothing is changed.
    /// </summary>
    public Task<CascadePreview> PreviewDropAsync(CancellationToken cancellationToken = default) =>
        PreviewAsync("drop", cancellationToken);
}
