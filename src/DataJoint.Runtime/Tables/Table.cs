using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace DataJoint;

/// <summary>Options of <see cref="Table.InsertAsync{TRow}"/>.</summary>
public sealed record InsertOptions
{
    /// <summary>Rows whose primary key already exists are skipped (<c>skip_duplicates=True</c>).</summary>
    public bool SkipDuplicates { get; init; }
    /// <summary>Rows whose primary key already exists replace the old row (<c>replace=True</c>).</summary>
    public bool Replace { get; init; }
    /// <summary>Row fields that are not attributes of the table are ignored instead of rejected.</summary>
    public bool IgnoreExtraFields { get; init; }
    /// <summary>
    /// How many rows encode and upload their store-backed values (<c>&lt;blob@store&gt;</c>, <c>&lt;object@store&gt;</c>...) at
    /// once in a multi-row insert (default 4; 1 = one row after the other). Rows keep their order and every row is
    /// validated before the first upload. Custom codecs of such columns must then be safe to call concurrently.
    /// </summary>
    public int MaxParallelUploads { get; init; } = DataJoint.Stores.ParallelUploads.DefaultDegree;
    /// <summary>
    /// Hash-addressed values (<c>&lt;blob@&gt;</c>, <c>&lt;attach@&gt;</c>, <c>&lt;hash@&gt;</c>) whose object already exists with
    /// the right size are downloaded and hashed too, and re-uploaded if their bytes changed (default: only the size is
    /// compared, so a truncated or extended object is replaced but one overwritten at the same size is not).
    /// </summary>
    public bool VerifyExistingObjects { get; init; }
    /// <summary>Caps the rows per INSERT statement (tests use it to force several statements).</summary>
    internal int MaxRowsPerStatement { get; init; } = DefaultRowsPerStatement;

    /// <summary>
    /// Rows per INSERT statement unless the packet limit cuts earlier. Measured: 1000-row statements insert faster
    /// than statements filling max_allowed_packet (the server parses and logs smaller statements more cheaply).
    /// </summary>
    internal const int DefaultRowsPerStatement = 1000;
}

/// <summary>What a delete does about part tables whose master rows it does not delete.</summary>
public enum PartIntegrity
{
    /// <summary>Refuse the delete (DataJoint's default, <c>part_integrity="enforce"</c>).</summary>
    Enforce,
    /// <summary>Delete the part rows anyway (<c>part_integrity="ignore"</c>).</summary>
    Ignore,
}

/// <summary>The tier of a table, recognisable from its SQL name prefix.</summary>
public enum TableTier
{
    /// <summary>Entered by hand (no prefix).</summary>
    Manual,
    /// <summary>Small reference contents (<c>#</c> prefix).</summary>
    Lookup,
    /// <summary>Filled by populate from outside data (<c>_</c> prefix).</summary>
    Imported,
    /// <summary>Filled by populate from other tables (<c>__</c> prefix).</summary>
    Computed,
    /// <summary>Part of a master table (<c>master__part</c>).</summary>
    Part,
}

/// <summary>
/// A base table: its heading read from the database, plus insert, delete and drop. Restricting a table gives a
/// restricted table (still deletable); joins and projections give plain <see cref="QueryExpression"/>s.
/// </summary>
public class Table : QueryExpression
{
    private static readonly ConcurrentDictionary<string, long> MaxStatementBytes = new(StringComparer.Ordinal);

    internal Table(DataJointConnection connection, ISqlDialect dialect, string database, string name, Heading heading,
        IReadOnlyList<SqlFragment>? where = null, DataJoint.Stores.IStoreProvider? stores = null)
        : base(connection, dialect, new SqlFragment(dialect.QualifiedName(database, name), []),
            heading.Attributes.Select(a => new Column(a.Name, dialect.Quote(a.Name), a)).ToList(), heading.PrimaryKey, where ?? [], stores)
    {
        Database = database;
        Name = name;
        TableHeading = heading;
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
        new Table(Connection, Dialect, Database, Name, TableHeading, where, Stores);

    /// <summary>Restricts the table; see <see cref="QueryExpression.Restrict"/>. The result is still a table.</summary>
    public new Table Restrict(object condition) => (Table)base.Restrict(condition);

    /// <summary>Anti-restriction; the result is still a table.</summary>
    public new Table Except(object condition) => (Table)base.Except(condition);

    /// <summary>Restriction.</summary>
    public static Table operator &(Table table, object condition) => table.Restrict(condition);

    /// <summary>Anti-restriction.</summary>
    public static Table operator -(Table table, object condition) => table.Except(condition);

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
    public async Task InsertAsync<TRow>(IEnumerable<TRow> rows, InsertOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new InsertOptions();
        if (options.Replace && options.SkipDuplicates)
            throw new DataJointException($"Insert into {FullName}: replace and skip_duplicates cannot both be set");
        if (options.MaxParallelUploads < 1)
            throw new DataJointException($"Insert into {FullName}: MaxParallelUploads must be at least 1, got {options.MaxParallelUploads}");
        // Store-backed values are uploaded before the transaction starts, so a committed row never points at a missing
        // object. The tracker records what this call uploaded: if the insert fails, its schema-addressed objects are
        // removed (hash-addressed ones may be shared and are left for garbage collection).
        using var tracker = Stores is not null && TableHeading.Attributes.Any(IsStoreBacked)
            ? new DataJoint.Stores.InsertUploadTracker(Stores, options.MaxParallelUploads, cancellationToken, options.VerifyExistingObjects)
            : null;
        var commit = new CommitState();
        try
        {
            try
            {
                var prepared = await PrepareAsync(rows, options, cancellationToken, tracker).ConfigureAwait(false);
                if (prepared.Rows.Count == 0) return;
                await WriteAsync(prepared, options, cancellationToken, commit).ConfigureAwait(false);
            }
            catch when (tracker is not null && !commit.Started)
            {
                // Once COMMIT was sent, the outcome is unknown (the rows may be in): keep the objects; GC removes true orphans.
                await tracker.RollbackAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"insert into {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
        catch (DataJointException ex)
        {
            ex.Locate(Database, Name);
            throw;
        }
    }

    private static bool IsStoreBacked(HeadingAttribute a) => a.CodecName is not null && a.Store is not null;

    /// <summary>Set once COMMIT has been sent: from then on a failure does not prove the rows are absent.</summary>
    internal sealed class CommitState
    {
        public bool Started { get; set; }
    }

    internal sealed record PreparedRows(string[] Fields, List<object?[]> Rows, long[] RowBytes);

    internal async Task<PreparedRows> PrepareAsync<TRow>(IEnumerable<TRow> rows, InsertOptions options, CancellationToken cancellationToken,
        DataJoint.Stores.IStoreProvider? stores = null)
    {
        stores ??= Stores;
        var table = FullName;
        var heading = TableHeading;
        HeadingAttribute[]? attrs = null;        // attributes in field order
        string[]? fields = null;
        var list = new List<object?[]>();
        var bytes = new List<long>();
        RowAccessor? accessor = null;
        Type? accessorType = null;
        int[]? accessorMap = null;                // accessor member index -> field index (-1 ignored)
        string[]? mappedNames = null;             // typed rows: the name array the map below was built for
        int[]? mappedMap = null;
        var codecFields = new List<int>();
        var pkFields = new List<(string Name, int Field)>();
        var rowNumber = 0;
        List<(int Row, int Field, CodecWrite Where)>? pending = null;
        var storeBacked = false;

        foreach (var row in rows)
        {
            if (row is null) throw new DataJointException($"Insert into {table}: row {rowNumber} is null");
            object?[] raw;
            if (row is MappedValues mapped)
            {
                // Typed rows (generated mappers): one name array per call, so the field map is built once.
                if (!ReferenceEquals(mapped.NameArray, mappedNames))
                {
                    var names = mapped.NameArray.Where(n => Keep(n)).ToList();
                    if (fields is null) Init(names);
                    else CheckSameFields(names);
                    mappedNames = mapped.NameArray;
                    mappedMap = mappedNames.Select(n => Array.IndexOf(fields!, n)).ToArray();
                }
                raw = new object?[fields!.Length];
                var values = mapped.ValueArray;
                for (var i = 0; i < mappedMap!.Length; i++)
                {
                    var f = mappedMap[i];
                    if (f >= 0) raw[f] = values[i];
                }
            }
            else if (!RowAccessor.IsDictionary(row))
            {
                var t = row.GetType();
                if (t != accessorType)
                {
                    accessor = RowAccessor.For(t);
                    accessorType = t;
                    var names = accessor.Names.Where(n => Keep(n)).ToList();
                    if (fields is null) Init(names);
                    else CheckSameFields(names);
                    accessorMap = accessor.Names.Select(n => Array.IndexOf(fields!, n)).ToArray();
                }
                raw = new object?[fields!.Length];
                var getters = accessor!.Getters;
                for (var i = 0; i < getters.Length; i++)
                {
                    var f = accessorMap![i];
                    if (f >= 0) raw[f] = getters[i](row);
                }
            }
            else
            {
                var pairs = RowAccessor.Pairs(row).Where(p => Keep(p.Key)).ToList();
                if (fields is null) Init(pairs.Select(p => p.Key).ToList());
                else CheckSameFields(pairs.Select(p => p.Key).ToList());
                raw = new object?[fields!.Length];
                foreach (var (k, v) in pairs) raw[Array.IndexOf(fields!, k)] = v;
            }

            // Values are converted in place: the array becomes the row's statement values. Codec values are only
            // validated here; they are encoded (and uploaded) once every row has been checked.
            var converted = raw;
            Dictionary<string, object?>? key = null;
            for (var i = 0; i < converted.Length; i++)
            {
                var a = attrs![i];
                var v = raw[i];
                if (a.CodecName is not null && v is not null)
                {
                    if (key is null)
                    {
                        key = new Dictionary<string, object?>(pkFields.Count, StringComparer.Ordinal);
                        foreach (var (n, f) in pkFields) key[n] = raw[f];
                    }
                    var where = new CodecWrite(Database, Name, key, stores);
                    AttributeCodecs.Current.Validate(a, v, where);
                    pending ??= [];
                    pending.Add((rowNumber, i, where));
                    if (IsStoreBacked(a)) storeBacked = true;
                    continue;
                }
                converted[i] = ValueConverter.ToDb(a, v, table, a.CodecName is not null);
            }
            list.Add(converted!);
            rowNumber++;
        }

        if (pending is not null)
        {
            if (stores is DataJoint.Stores.InsertUploadTracker tracker) tracker.RowCount = list.Count;
            try
            {
                await EncodeAllAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested
                                                      && stores is DataJoint.Stores.InsertUploadTracker { Failure: { } failure })
            {
                // Encoding stopped because a background upload failed: that failure is the insert's error.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }
            // Uploads handed to the tracker run in the background; all must be done before the transaction.
            if (stores is DataJoint.Stores.InsertUploadTracker uploads) await uploads.DrainAsync().ConfigureAwait(false);
        }
        foreach (var row in list)
        {
            long size = 4;
            foreach (var c in row) size += ValueConverter.EstimateBytes(c!) + 1;
            bytes.Add(size);
        }
        return new PreparedRows(fields ?? [], list, bytes.ToArray());

        async Task EncodeAllAsync()
        {
            if (storeBacked && options.MaxParallelUploads > 1 && list.Count > 1)
            {
                // One work item per row (a row's fields encode in order); results land in the row's own slots.
                var byRow = pending!.GroupBy(p => p.Row).Select(g => g.ToArray()).ToArray();
                await DataJoint.Stores.ParallelUploads.ForEachAsync(byRow, options.MaxParallelUploads, async (items, ct) =>
                {
                    foreach (var item in items) await EncodeOne(item, ct).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var item in pending!) await EncodeOne(item, cancellationToken).ConfigureAwait(false);
            }
        }

        async ValueTask EncodeOne((int Row, int Field, CodecWrite Where) item, CancellationToken ct)
        {
            var a = attrs![item.Field];
            var row = list[item.Row];
            var encoded = await AttributeCodecs.Current.EncodeAsync(a, row[item.Field]!, item.Where, ct).ConfigureAwait(false);
            row[item.Field] = ValueConverter.ToDb(a, encoded, table, true);
        }

        bool Keep(string name)
        {
            if (heading.Contains(name)) return true;
            if (options.IgnoreExtraFields) return false;
            throw new DataJointException($"`{name}` is not in the table heading of {table}");
        }

        void Init(IReadOnlyList<string> names)
        {
            var set = new HashSet<string>(names, StringComparer.Ordinal);
            fields = heading.Names.Where(set.Contains).ToArray();
            attrs = fields.Select(f => heading[f]).ToArray();
            var missing = heading.Attributes.Where(a => !set.Contains(a.Name) && !a.HasDefault).Select(a => a.Name).ToList();
            if (missing.Count > 0)
                throw new DataJointException(
                    $"Cannot insert into {table}: the following attributes require values: [{string.Join(", ", missing)}]");
            for (var i = 0; i < fields.Length; i++)
            {
                if (attrs[i].CodecName is not null) codecFields.Add(i);
                if (attrs[i].InPrimaryKey) pkFields.Add((fields[i], i));
            }
        }

        void CheckSameFields(IReadOnlyList<string> names)
        {
            if (names.Count != fields!.Length || names.Any(n => Array.IndexOf(fields, n) < 0))
                throw new DataJointException($"Attempt to insert rows with different fields (table {table}, row {rowNumber}).");
        }
    }

    /// <summary>Bytes kept free of the server's packet limit for the driver's packet framing.</summary>
    private const long PacketHeadroom = 4096;

    private async Task<long> GetMaxStatementBytesAsync(DbConnection conn, CancellationToken cancellationToken)
    {
        var key = Connection.Settings.ToString();
        if (MaxStatementBytes.TryGetValue(key, out var v)) return v;
        v = await Dialect.GetMaxStatementBytesAsync(conn, cancellationToken).ConfigureAwait(false);
        MaxStatementBytes[key] = v;
        return v;
    }

    /// <summary>
    /// Builds the statements of one insert: (SQL, arguments, row count) per batch. Rows are grouped into statements of at
    /// most <paramref name="maxBytes"/> and <paramref name="maxRows"/>; a row larger than <paramref name="maxBytes"/> goes
    /// alone into a statement when it fits <paramref name="packetLimit"/> (the server's <c>max_allowed_packet</c>, default
    /// <paramref name="maxBytes"/>), and is refused naming that limit when it does not.
    /// </summary>
    internal IEnumerable<(string Sql, object?[] Args, int Count)> BuildBatches(PreparedRows prepared, InsertMode mode, long maxBytes, int maxRows = int.MaxValue,
        long? packetLimit = null)
    {
        var limit = packetLimit ?? maxBytes;
        var prefix = Dialect.InsertPrefix(Database, Name, prepared.Fields, mode);
        var suffix = Dialect.InsertSuffix(Database, Name, TableHeading.PrimaryKey, mode);
        var fixedBytes = Encoding.UTF8.GetByteCount(prefix) + Encoding.UTF8.GetByteCount(suffix) + 64;
        var budget = maxBytes - fixedBytes;
        var hardBudget = packetLimit is { } packet ? packet - PacketHeadroom - fixedBytes : budget;
        var sb = new StringBuilder(prefix.Length + suffix.Length + 1024);
        var args = new List<object?>();
        var rowsInBatch = 0;
        long batchBytes = 0;
        var param = Dialect.Parameter;
        var def = Dialect.DefaultValue;
        var width = prepared.Fields.Length;
        for (var r = 0; r < prepared.Rows.Count; r++)
        {
            var rowBytes = prepared.RowBytes[r] + width * 2;
            if (rowsInBatch > 0 && (batchBytes + rowBytes > budget || rowsInBatch >= maxRows))
            {
                sb.Append(suffix);
                yield return (sb.ToString(), args.ToArray(), rowsInBatch);
                sb.Clear();
                args.Clear();
                rowsInBatch = 0;
                batchBytes = 0;
            }
            if (rowsInBatch == 0) sb.Append(prefix);
            else sb.Append(',');
            if (rowBytes > hardBudget)
                throw new DataJointException(
                    $"Insert into {FullName}: row {r} needs about {rowBytes} bytes in its INSERT statement, more than the server's " +
                    $"max_allowed_packet ({limit} bytes). Raise max_allowed_packet on the server, or store the large values in an " +
                    "object store (<blob@store>, <attach@store>).")
                {
                    Schema = Database,
                    Table = Name,
                };
            var row = prepared.Rows[r];
            sb.Append('(');
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) sb.Append(',');
                if (ReferenceEquals(row[i], SqlDefault.Instance)) sb.Append(def);
                else { sb.Append(param); args.Add(row[i]); }
            }
            sb.Append(')');
            rowsInBatch++;
            batchBytes += rowBytes;
        }
        if (rowsInBatch > 0)
        {
            sb.Append(suffix);
            yield return (sb.ToString(), args.ToArray(), rowsInBatch);
        }
    }

    private async Task WriteAsync(PreparedRows prepared, InsertOptions options, CancellationToken cancellationToken, CommitState? commit = null)
    {
        var mode = options.Replace ? InsertMode.Replace : options.SkipDuplicates ? InsertMode.SkipDuplicates : InsertMode.Insert;
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var max = await GetMaxStatementBytesAsync(conn, cancellationToken).ConfigureAwait(false);
        // Statements of many rows stay under 16 MiB (measured faster); one larger row gets a statement of its own, up to
        // the server's max_allowed_packet.
        var budget = Math.Min(max - PacketHeadroom, 16L * 1024 * 1024);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One statement runs on the server while the next one is built here: the client's work overlaps the server's.
        Task<int>? pending = null;
        DbCommand? pendingCommand = null;
        try
        {
            foreach (var (sql, args, _) in BuildBatches(prepared, mode, budget, options.MaxRowsPerStatement, max))
            {
                var cmd = conn.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                var ps = cmd.Parameters;
                foreach (var a in args)
                {
                    var p = cmd.CreateParameter();
                    p.Value = a;
                    ps.Add(p);
                }
                if (pending is not null)
                {
                    await pending.ConfigureAwait(false);
                    await pendingCommand!.DisposeAsync().ConfigureAwait(false);
                }
                pendingCommand = cmd;
                pending = cmd.ExecuteNonQueryAsync(cancellationToken);
            }
            if (pending is not null) await pending.ConfigureAwait(false);
            if (commit is not null) commit.Started = true;
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (pending is { IsCompleted: false })
            {
                try { await pending.ConfigureAwait(false); }
                catch (DbException) { /* reported through ex or the rollback below */ }
            }
            await SafeRollbackAsync(tx).ConfigureAwait(false);
            if (Dialect.TranslateError(ex, $"insert into {FullName}", Database, Name) is { } dj)
            {
                if (dj is LostConnectionException && commit is { Started: true })
                    throw new LostConnectionException(
                        $"The connection to the database server was lost while committing the insert into {FullName}: the rows may or may not have been written. " +
                        "Check before inserting them again (or insert with SkipDuplicates).", ex)
                    {
                        CommitOutcomeUnknown = true,
                        Schema = Database,
                        Table = Name,
                    };
                throw dj;
            }
            throw;
        }
        finally
        {
            if (pendingCommand is not null) await pendingCommand.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task SafeRollbackAsync(DbTransaction tx)
    {
        try { await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false); }
        catch (DbException) { /* the connection is gone; the server rolls back */ }
        catch (InvalidOperationException) { /* already completed */ }
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
        var safemode = Safemode.IsOn(options.Safemode, Connection);
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await CascadePlanAsync(conn, cancellationToken).ConfigureAwait(false);
            if (options.PartIntegrity == PartIntegrity.Enforce) CheckPartIntegrity(plan);
            await using var tx = await conn.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var counts = new long[plan.Count];
                for (var i = plan.Count - 1; i >= 0; i--)
                {
                    var (db, table, condition) = plan[i];
                    var sql = new StringBuilder("DELETE FROM ").Append(Dialect.QualifiedName(db, table));
                    if (condition is not null) sql.Append(" WHERE ").Append(condition.Sql);
                    await using var cmd = Command(conn, new SqlFragment(sql.ToString(), condition?.Args ?? []), tx);
                    counts[i] = await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                if (safemode && counts.Any(c => c > 0))
                {
                    var preview = Preview("delete", plan, counts);
                    if (!await DataJoint.Safemode.ConfirmAsync(preview, options.Confirm, Connection, cancellationToken).ConfigureAwait(false))
                    {
                        await SafeRollbackAsync(tx).ConfigureAwait(false);
                        return 0;
                    }
                }
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return counts[0];
            }
            catch
            {
                await SafeRollbackAsync(tx).ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"delete from {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// What <see cref="DeleteAsync(DeleteOptions, CancellationToken)"/> would delete now: every table the cascade reaches
    /// (in this schema and in others) with its row count, read in one consistent snapshot. Nothing is changed.
    /// </summary>
    public async Task<CascadePreview> PreviewDeleteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await CascadePlanAsync(conn, cancellationToken).ConfigureAwait(false);
            return Preview("delete", plan, await CountPlanAsync(conn, plan, restricted: true, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"delete preview of {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    private void CheckPartIntegrity(List<(string Database, string Table, SqlFragment? Condition)> plan)
    {
        var tables = plan.Select(p => (p.Database, p.Table)).ToHashSet();
        foreach (var (db, table, _) in plan)
        {
            if (DataJoint.Definitions.TableNaming.TryParseTableName(table, out var parsed) && parsed?.MasterSqlName is { } master
                && !tables.Contains((db, master)))
                throw new DataJointException(
                    $"Attempt to delete part table {Dialect.QualifiedName(db, table)} before its master {Dialect.QualifiedName(db, master)}. " +
                    "Delete from the master first, or use part_integrity='ignore' or 'cascade'.")
                {
                    Schema = db,
                    Table = table,
                };
        }
    }

    private CascadePreview Preview(string operation, List<(string Database, string Table, SqlFragment? Condition)> plan, long[] counts) => new()
    {
        Operation = operation,
        Schema = Database,
        Table = Name,
        Tables = plan.Select((p, i) => new CascadeEntry(p.Database, p.Table, counts[i])).ToList(),
    };

    /// <summary>Row counts of the plan's tables (restricted by their cascade conditions, or whole) in one snapshot.</summary>
    private async Task<long[]> CountPlanAsync(DbConnection conn, List<(string Database, string Table, SqlFragment? Condition)> plan, bool restricted,
        CancellationToken cancellationToken)
    {
        var counts = new long[plan.Count];
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < plan.Count; i++)
        {
            var (db, table, condition) = plan[i];
            var sql = "SELECT COUNT(*) FROM " + Dialect.QualifiedName(db, table) + (restricted && condition is not null ? " WHERE " + condition.Sql : "");
            await using var cmd = Command(conn, new SqlFragment(sql, restricted ? condition?.Args ?? [] : []), tx);
            counts[i] = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return counts;
    }

    /// <summary>Deletes only this table's matching rows, without cascading (fails if dependents reference them).</summary>
    public async Task<long> DeleteQuickAsync(CancellationToken cancellationToken = default)
    {
        var where = RootCondition();
        var sql = "DELETE FROM " + FullName + (where is null ? "" : " WHERE " + where.Sql);
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = Command(conn, new SqlFragment(sql, where?.Args ?? []));
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"delete from {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }

    private SqlFragment? RootCondition() => Where.Count == 0 ? null : SqlFragment.Join(" AND ", Where);

    /// <summary>
    /// This table and its descendants in topological order (parents first), each with the condition selecting the
    /// rows a cascading delete removes.
    /// </summary>
    internal async Task<List<(string Database, string Table, SqlFragment? Condition)>> CascadePlanAsync(DbConnection conn, CancellationToken cancellationToken)
    {
        var root = (Database, Name);
        var edges = new Dictionary<(string, string), List<((string, string) Child, ForeignKeyInfo Key)>>();
        var queue = new Queue<(string, string)>();
        queue.Enqueue(root);
        var seen = new HashSet<(string, string)> { root };
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var children = await Dialect.ReadChildrenAsync(conn, node.Item1, node.Item2, cancellationToken).ConfigureAwait(false);
            var list = new List<((string, string), ForeignKeyInfo)>();
            foreach (var (cdb, ct, key) in children)
            {
                list.Add(((cdb, ct), key));
                if (seen.Add((cdb, ct))) queue.Enqueue((cdb, ct));
            }
            edges[node] = list;
        }
        // Topological order (Kahn) over the discovered subgraph.
        var indegree = seen.ToDictionary(n => n, _ => 0);
        foreach (var (_, list) in edges)
            foreach (var (child, _) in list.DistinctBy(e => e.Child))
                if (child != root) indegree[child]++;
        var order = new List<(string, string)>();
        var ready = new Queue<(string, string)>();
        ready.Enqueue(root);
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            order.Add(n);
            foreach (var child in edges[n].Select(e => e.Child).Distinct())
            {
                if (child == root) continue;
                if (--indegree[child] == 0) ready.Enqueue(child);
            }
        }
        if (order.Count != seen.Count)
            throw new DataJointException($"Cannot cascade a delete from {FullName}: the dependent tables form a cycle");

        var conditions = new Dictionary<(string, string), SqlFragment?> { [root] = RootCondition() };
        var incoming = new Dictionary<(string, string), List<SqlFragment>>();
        foreach (var n in order)
        {
            if (n != root)
                conditions[n] = incoming.TryGetValue(n, out var parts) ? SqlFragment.Join(" OR ", parts) : SqlFragment.False;
            var cond = conditions[n];
            foreach (var (child, key) in edges[n])
            {
                var lhs = key.Columns.Count == 1 ? Dialect.Quote(key.Columns[0]) : "(" + string.Join(",", key.Columns.Select(Dialect.Quote)) + ")";
                var sub = "SELECT " + string.Join(",", key.ParentColumns.Select(Dialect.Quote)) + " FROM " + Dialect.QualifiedName(n.Item1, n.Item2);
                var frag = cond is null
                    ? new SqlFragment(lhs + " IN (" + sub + ")", [])
                    : SqlFragment.Concat(lhs + " IN (" + sub + " WHERE ", cond, ")");
                if (!incoming.TryGetValue(child, out var l)) incoming[child] = l = [];
                l.Add(frag);
            }
        }
        return order.Select(n => (n.Item1, n.Item2, conditions[n])).ToList();
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
            var plan = await CascadePlanAsync(conn, cancellationToken).ConfigureAwait(false);
            if (Safemode.IsOn(options.Safemode, Connection))
            {
                var preview = Preview("drop", plan, await CountPlanAsync(conn, plan, restricted: false, cancellationToken).ConfigureAwait(false));
                if (!await DataJoint.Safemode.ConfirmAsync(preview, options.Confirm, Connection, cancellationToken).ConfigureAwait(false)) return false;
            }
            for (var i = plan.Count - 1; i >= 0; i--)
            {
                var (db, table, _) = plan[i];
                await using (var cmd = Command(conn, new SqlFragment("DROP TABLE IF EXISTS " + Dialect.QualifiedName(db, table), [])))
                    await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                var tables = await Dialect.ListTablesAsync(conn, db, cancellationToken).ConfigureAwait(false);
                if (tables.Contains(LineageTable.Name))
                {
                    await using var del = Command(conn, new SqlFragment(
                        "DELETE FROM " + Dialect.QualifiedName(db, LineageTable.Name) + " WHERE `table_name` = ?", [table]));
                    await del.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
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
    public async Task<CascadePreview> PreviewDropAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var plan = await CascadePlanAsync(conn, cancellationToken).ConfigureAwait(false);
            return Preview("drop", plan, await CountPlanAsync(conn, plan, restricted: false, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"drop preview of {FullName}", Database, Name) is { } dj)
        {
            throw dj;
        }
    }
}
