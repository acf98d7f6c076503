namespace DataJoint;

/// <summary>
/// A base table: its heading read from the database, plus insert, delete and drop. Restricting a table gives a
/// restricted table (still deletable); joins and projections give plain <see cref="QueryExpression"/>s.
/// </summary>
public partial class Table : QueryExpression
{
    internal Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading,
        IReadOnlyList<SqlFragment>? where = null, DataJoint.Stores.IStoreProvider? stores = null)
        : this(connection, dialect, database, name, new CodecPlan(database, name, heading.Attributes, stores), heading, stores)
    {
        if (where is { Count: > 0 }) throw new ArgumentException("Restrict a table with Restrict", nameof(where));
    }

    /// <summary>A table whose heading is the one read from the database refined by its codec plan (json chains).</summary>
    private Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, CodecPlan codecs, Heading heading,
        DataJoint.Stores.IStoreProvider? stores)
        : this(connection, dialect, database, name, codecs.Refine(heading), codecs, null, stores)
    {
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
        FullName = dialect.QualifiedName(database, name);
        TableHeading = heading;
        CodecPlan = codecs;
        InsertShapes = new InsertShape.Cache(this);
    }

    /// <summary>The database (schema) name.</summary>
    public string Database { get; }
    /// <summary>The SQL table name (with tier prefix).</summary>
    public string Name { get; }
    /// <summary><c>`database`.`table`</c>.</summary>
    public string FullName { get; }
    /// <summary>The heading as read from the database, including hidden columns and foreign keys.</summary>
    public Heading TableHeading { get; }
    /// <summary>The tier, from the name prefix.</summary>
    public TableTier Tier => TierOf(Name);
    /// <summary>True when the table is restricted (a delete affects only matching rows).</summary>
    public bool IsRestricted => Where.Count > 0;

    /// <summary>The codecs of the heading, resolved once for the table and every query built on it.</summary>
    internal CodecPlan CodecPlan { get; }

    private string? _insertAction; // "insert into `db`.`table`", for messages

    /// <summary>The row shapes of this table's inserts, each worked out once (<see cref="InsertShape"/>).</summary>
    internal InsertShape.Cache InsertShapes { get; }

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

    /// <summary>Inserts typed rows (generated mappers): each row's values in the order of <paramref name="names"/>, in a new array the insert keeps.</summary>
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
        MakeScope.CheckInsert(this, options);
        await WriteAsync(_insertAction ??= $"insert into {FullName}",
            "the rows may or may not have been written. Check before inserting them again (or insert with SkipDuplicates).", async operation =>
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
                return prepared.Rows.Count;
            }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one write operation on this table in the connection's write session (a session of its own, or the current
    /// one joined under a savepoint): <paramref name="body"/> writes through the operation, which then commits (or
    /// releases its savepoint) unless the body undid it itself. A failure undoes the operation (its rows and the
    /// <c>_schema/</c> objects it uploaded) and is translated and located at this table (<see cref="WriteError"/>).
    /// </summary>
    /// <param name="action">What the operation does, for messages ("insert into `lab`.`scan`").</param>
    /// <param name="unknownOutcome">What the caller should know when the connection is lost during COMMIT.</param>
    /// <param name="body">The operation's work.</param>
    /// <param name="cancellationToken">Cancels the operation (it is undone).</param>
    private async Task<T> WriteAsync<T>(string action, string unknownOutcome, Func<WriteOperation, Task<T>> body, CancellationToken cancellationToken)
    {
        var committing = false;
        try
        {
            await using var operation = WriteSession.Enter(Connection);
            try
            {
                var result = await body(operation).ConfigureAwait(false);
                if (!operation.IsFinished)
                {
                    committing = operation.CommitsSession;
                    await operation.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
                return result;
            }
            catch
            {
                await operation.FailAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (WriteError(ex, action, committing, unknownOutcome) is { } dj)
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
        return await WriteAsync($"delete from {FullName}", "the rows may or may not have been deleted. Running the delete again is safe.", async operation =>
        {
            var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
            var plan = await PlanDeleteAsync(connection, transaction, options.PartIntegrity, cancellationToken).ConfigureAwait(false);
            var counts = new long[plan.Count];
            for (var i = plan.Count - 1; i >= 0; i--)
            {
                var (db, table, condition) = plan[i];
                await using var cmd = Dialect.Delete(db, table, condition).CreateCommand(connection, transaction);
                counts[i] = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            // part_integrity="enforce" judges what was actually deleted: a part that lost rows while its master lost
            // none rolls the whole delete back.
            if (options.PartIntegrity == PartIntegrity.Enforce && Dependencies.PartIntegrityViolation(Dialect, plan, counts) is { } violation)
                throw new DataJointException(violation) { Schema = Database, Table = Name };
            if (safemode && counts.Any(c => c > 0)
                && !await DataJoint.Safemode.ConfirmAsync(Preview("delete", plan, counts), options.Confirm, Connection, cancellationToken).ConfigureAwait(false))
            {
                await operation.FailAsync().ConfigureAwait(false);
                return 0L;
            }
            return counts[plan.FindIndex(p => p.Database == Database && p.Table == Name)];
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What <see cref="DeleteAsync(DeleteOptions, CancellationToken)"/> would delete now (a dry run): every table the
    /// cascade reaches (in this schema and in others) with its row count, read in one consistent snapshot. With
    /// <see cref="PartIntegrity.Cascade"/> the masters of the parts it reaches (and their dependents) are included; with
    /// <see cref="PartIntegrity.Enforce"/>, <see cref="CascadePreview.PartIntegrityViolation"/> says whether the delete would
    /// be refused. Nothing is changed.
    /// </summary>
    public async Task<CascadePreview> PreviewDeleteAsync(PartIntegrity partIntegrity = PartIntegrity.Enforce, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            var plan = await PlanDeleteAsync(conn, tx, partIntegrity, cancellationToken).ConfigureAwait(false);
            var counts = await CountAsync(conn, tx, plan, restricted: true, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return Preview("delete", plan, counts) with
            {
                PartIntegrityViolation = partIntegrity == PartIntegrity.Enforce ? Dependencies.PartIntegrityViolation(Dialect, plan, counts) : null,
            };
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"delete preview of {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// The tables a delete of this table's rows reaches, with their conditions. With <see cref="PartIntegrity.Cascade"/>,
    /// the master rows owning the part rows it reaches are read (in <paramref name="transaction"/>) and deleted from too,
    /// with everything that depends on them, until no part is reached without its master (Python reads the master keys
    /// the same way).
    /// </summary>
    private async Task<List<CascadeStep>> PlanDeleteAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? transaction,
        PartIntegrity partIntegrity, CancellationToken cancellationToken)
    {
        var roots = new List<CascadeStep> { new(Database, Name, RootCondition()) };
        while (true)
        {
            var plan = await Dependencies.CascadeAsync(Dialect, roots, conn, cancellationToken).ConfigureAwait(false);
            if (partIntegrity != PartIntegrity.Cascade) return plan;
            var added = false;
            foreach (var step in plan)
            {
                if (Dependencies.MasterOf(step.Table) is not { } master || plan.Any(p => p.Database == step.Database && p.Table == master)) continue;
                var link = (await Dialect.ReadChildrenAsync(conn, step.Database, master, cancellationToken).ConfigureAwait(false))
                    .FirstOrDefault(c => c.Database == step.Database && c.Table == step.Table);
                if (link.Key is null) continue; // a part without a foreign key to its master: nothing to follow
                var select = Dialect.Select(new SelectStatement
                {
                    Distinct = true,
                    Columns = link.Key.Columns.Select(c => new SelectColumn(Dialect.Quote(c), c)).ToList(),
                    From = new SqlFragment(Dialect.QualifiedName(step.Database, step.Table), []),
                    Where = step.Condition is null ? [] : [step.Condition],
                });
                var keys = new List<object?[]>();
                await using (var cmd = select.CreateCommand(conn, transaction))
                await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var v = new object?[r.FieldCount];
                        r.GetValues(v!);
                        keys.Add(v);
                    }
                }
                // Every master is followed once (its key list cannot grow: the parts' rows are fixed by the first plan).
                roots.Add(new CascadeStep(step.Database, master,
                    keys.Count == 0 ? Dialect.AlwaysFalse : Dialect.InList(link.Key.ParentColumns.Select(Dialect.Quote).ToList(), keys)));
                added = true;
            }
            if (!added) return plan;
        }
    }

    private CascadePreview Preview(string operation, List<CascadeStep> plan, long[] counts) => new()
    {
        Operation = operation,
        Schema = Database,
        Table = Name,
        Tables = plan.Select((p, i) => new CascadeEntry(p.Database, p.Table, counts[i])).ToList(),
    };

    /// <summary>Row counts of the plan's tables (restricted by their cascade conditions, or whole), read in <paramref name="transaction"/>.</summary>
    private async Task<long[]> CountAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction? transaction, List<CascadeStep> plan,
        bool restricted, CancellationToken cancellationToken)
    {
        var counts = new long[plan.Count];
        for (var i = 0; i < plan.Count; i++)
        {
            var (db, table, condition) = plan[i];
            var where = restricted && condition is not null ? new[] { condition } : [];
            await using var cmd = Dialect.Count(new SqlFragment(Dialect.QualifiedName(db, table), []), where).CreateCommand(conn, transaction);
            counts[i] = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        return counts;
    }

    /// <summary>Deletes only this table's matching rows, without cascading (fails if dependents reference them).</summary>
    public Task<long> DeleteQuickAsync(CancellationToken cancellationToken = default) =>
        WriteAsync($"delete from {FullName}", "the rows may or may not have been deleted. Running the delete again is safe.", async operation =>
        {
            var (connection, transaction) = await operation.BeginAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = Dialect.Delete(Database, Name, RootCondition()).CreateCommand(connection, transaction);
            return (long)await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Drops this table and, first, every table that depends on it; their <c>~lineage</c> rows go too.</summary>
    public Task DropAsync(CancellationToken cancellationToken = default) => DropAsync(new DropOptions(), cancellationToken);

    /// <summary>
    /// Drops this table and, first, every table that depends on it (in any schema); their <c>~lineage</c> rows go too.
    /// With safemode on, the tables and their row counts (<see cref="CascadePreview"/>) go to the confirmation first, and
    /// nothing is dropped unless it answers yes. Returns true when the tables were dropped. With
    /// <see cref="DropOptions.PartIntegrity"/> <see cref="PartIntegrity.Enforce"/> (the default), a part table is not
    /// dropped without its master, as in Python.
    /// </summary>
    public async Task<bool> DropAsync(DropOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsRestricted) throw new DataJointException($"A restricted table cannot be dropped ({FullName})") { Schema = Database, Table = Name };
        if (options.PartIntegrity == PartIntegrity.Cascade)
            throw new ArgumentException("A drop does not cascade to masters: use PartIntegrity.Enforce or PartIntegrity.Ignore.", nameof(options));
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
            if (options.PartIntegrity == PartIntegrity.Enforce)
                foreach (var step in plan)
                    if (Dependencies.MasterOf(step.Table) is { } master && !plan.Any(p => p.Database == step.Database && p.Table == master))
                        throw new DataJointException(
                            $"Attempt to drop part table {Dialect.QualifiedName(step.Database, step.Table)} before its master " +
                            $"{Dialect.QualifiedName(step.Database, master)}. Drop the master first.") { Schema = Database, Table = Name };
            if (DataJoint.Safemode.IsOn(options.Safemode, Connection))
            {
                var preview = await PreviewDropCoreAsync(conn, plan, cancellationToken).ConfigureAwait(false);
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
    /// Drops only this table (DataJoint's <c>drop_quick</c>): no cascade, no confirmation; its <c>~lineage</c> rows go
    /// too. A table that other tables reference cannot be dropped this way (<see cref="IntegrityException"/>: drop them
    /// first, or use <see cref="DropAsync(DropOptions, CancellationToken)"/>). Returns false when the table did not exist.
    /// </summary>
    public async Task<bool> DropQuickAsync(CancellationToken cancellationToken = default)
    {
        if (IsRestricted) throw new DataJointException($"A restricted table cannot be dropped ({FullName})") { Schema = Database, Table = Name };
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!(await Dialect.ListTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false)).Contains(Name)) return false;
            await using (var cmd = new SqlFragment(Dialect.DropTable(Database, Name), []).CreateCommand(conn))
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await Dialect.DeleteLineageAsync(conn, Database, Name, cancellationToken).ConfigureAwait(false);
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
    public async Task<CascadePreview> PreviewDropAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await Dependencies.CascadeAsync(this, conn, cancellationToken).ConfigureAwait(false);
            return await PreviewDropCoreAsync(conn, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"drop preview of {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    private async Task<CascadePreview> PreviewDropCoreAsync(System.Data.Common.DbConnection conn, List<CascadeStep> plan, CancellationToken cancellationToken)
    {
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var counts = await CountAsync(conn, tx, plan, restricted: false, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Preview("drop", plan, counts);
    }
}
