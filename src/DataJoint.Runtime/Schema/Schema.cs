using System.Data.Common;
using System.Globalization;
using DataJoint.Declare;
using DataJoint.Metadata;
using DataJoint.Definitions;
using DefTier = DataJoint.Definitions.TableTier;

namespace DataJoint;

/// <summary>
/// A DataJoint schema: one database on a connection, the tables declared in it through this object (by class
/// name, so definitions can reference each other with <c>-&gt; Parent</c>), and its <c>~lineage</c> table.
/// </summary>
public sealed class Schema
{
    private readonly Dictionary<string, Table> _byClass = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _declareLock = new(1, 1);
    private readonly Dictionary<string, Task<Schema>> _others = new(StringComparer.Ordinal);

    private Schema(DataJointConnection connection, string database, ISqlDialect dialect, DataJoint.Stores.IStoreProvider? stores)
    {
        Stores = stores;
        Connection = connection;
        Database = database;
        Dialect = dialect;
    }

    /// <summary>The connection.</summary>
    public DataJointConnection Connection { get; }
    /// <summary>The database name (used verbatim).</summary>
    public string Database { get; }
    /// <summary>The object stores that store-backed codec columns (<c>&lt;blob@main&gt;</c>...) of this schema's tables use.</summary>
    public DataJoint.Stores.IStoreProvider? Stores { get; }
    /// <summary>The SQL dialect.</summary>
    internal ISqlDialect Dialect { get; }

    /// <summary>
    /// Binds <paramref name="database"/> on <paramref name="connection"/>, creating the database when it is missing
    /// and <paramref name="createIfMissing"/> is true (else a missing database is an error). <paramref name="stores"/>
    /// serves the store-backed codec columns of its tables.
    /// </summary>
    public static async Task<Schema> ActivateAsync(DataJointConnection connection, string database, bool createIfMissing = true,
        DataJoint.Stores.IStoreProvider? stores = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (string.IsNullOrWhiteSpace(database) || database.Length > 64)
            throw new DataJointException($"Invalid schema name '{database}': it must be 1 to 64 characters");
        await using var conn = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var dialect = MySqlDialect.ForServerVersion(conn.ServerVersion);
        if (!await dialect.DatabaseExistsAsync(conn, database, cancellationToken).ConfigureAwait(false))
        {
            if (!createIfMissing)
                throw new DataJointException($"Schema `{database}` does not exist and createIfMissing is false");
            await ExecAsync(conn, dialect.CreateDatabase(database), cancellationToken).ConfigureAwait(false);
            DataJointLog.CreatedSchema(connection.Loggers.Schema, database);
        }
        return new Schema(connection, database, dialect, stores);
    }

    /// <summary>The user tables of the database (SQL names, without DataJoint's internal <c>~</c> tables).</summary>
    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var all = await Dialect.ListTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false);
        return all.Where(t => !t.StartsWith('~')).ToList();
    }

    /// <summary>Drops the database and everything in it.</summary>
    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(conn, Dialect.DropDatabase(Database), cancellationToken).ConfigureAwait(false);
        lock (_byClass) _byClass.Clear();
    }

    /// <summary>
    /// Opens an existing table by its SQL name (e.g. one DataJoint Python declared), reading its heading from the
    /// database. Codec columns open even when their codec is unknown; using such a column raises.
    /// </summary>
    public async Task<Table> OpenTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await OpenAsync(conn, tableName, cancellationToken).ConfigureAwait(false)
               ?? throw new MissingTableException($"The table `{Database}`.`{tableName}` is not defined.", null);
    }

    private async Task<Table?> OpenAsync(DbConnection conn, string tableName, CancellationToken cancellationToken)
    {
        var heading = await Dialect.ReadHeadingAsync(conn, Database, tableName, cancellationToken).ConfigureAwait(false);
        return heading is null ? null : new Table(Connection, Dialect, Database, tableName, heading, stores: Stores);
    }

    /// <summary>A table declared or opened through this schema object under its class name, or null.</summary>
    public Table? GetTable(string className)
    {
        lock (_byClass) return _byClass.TryGetValue(className, out var t) ? t : null;
    }

    /// <summary>
    /// Declares a table from a definition string at run time and returns its handle. The SQL name comes from the
    /// class name and tier (<c>Session</c> + Manual → <c>session</c>; a part gets <c>master__part</c>). Foreign keys
    /// <c>-&gt; Parent</c> resolve among the tables this schema object knows by class name (then by SQL name in
    /// the database). Declaring an existing identical table is a no-op; a different existing table is an error
    /// saying what differs (nothing is altered).
    /// </summary>
    public async Task<Table> DeclareAsync(string className, TableTier tier, string definition, string? masterClassName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(definition);
        await _declareLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await DeclareCoreAsync(className, tier, definition, masterClassName, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _declareLock.Release();
        }
    }

    private async Task<Table> DeclareCoreAsync(string className, TableTier tier, string definition, string? masterClassName,
        IReadOnlyDictionary<string, Table>? knownParents, CancellationToken cancellationToken)
    {
        Table? master = null;
        if (tier == TableTier.Part)
        {
            if (masterClassName is null) throw new DataJointException($"Part table {className} needs its master's class name");
            master = GetTable(masterClassName) ?? throw new DataJointException(
                $"Declare the master {masterClassName} before its part {className}");
        }
        if (!TableNaming.TryGetTableName(className, ToDefTier(tier), master?.Name, out var tableName, out var nameError))
            throw new DataJointException(nameError!);
        var registryName = master is null ? className : masterClassName + "." + className;

        var parsed = DefinitionParser.Parse(definition).ThrowIfFailed($"`{Database}`.`{tableName}`");
        await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var parents = new Dictionary<string, ForeignKeyParent>(StringComparer.Ordinal);
        foreach (var line in parsed.Lines)
        {
            if (line is not ForeignKeyDefinition fk || parents.ContainsKey(fk.TableName)) continue;
            var parent = fk.TableName == "master" && master is not null
                ? master
                : knownParents is not null && knownParents.TryGetValue(fk.TableName, out var known) ? known
                : GetTable(fk.TableName) ?? await FindByClassNameAsync(conn, fk.TableName, cancellationToken).ConfigureAwait(false);
            if (parent is null) continue; // the compiler reports it as unresolvable
            parents[fk.TableName] = await ToParentAsync(conn, parent, cancellationToken).ConfigureAwait(false);
        }

        var result = Dialect.CompileTable(Database, tableName, parsed, new Resolver(parents), DeclareCodecs.Resolver).ThrowIfFailed();

        var existing = await Dialect.ReadHeadingAsync(conn, Database, tableName, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            await CheckSameAsync(conn, tableName, existing, result.Sql!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await Dialect.EnsureLineageTableAsync(conn, Database, cancellationToken).ConfigureAwait(false);
            try
            {
                await ExecAsync(conn, result.Sql!, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Dialect.TranslateError(ex, $"declare `{Database}`.`{tableName}`") is { } dj)
            {
                throw dj;
            }
            await Dialect.WriteLineageAsync(conn, Database, tableName, result.Lineage, cancellationToken).ConfigureAwait(false);
            DataJointLog.Declared(Connection.Loggers.Schema, Database, tableName);
        }
        var table = await OpenAsync(conn, tableName, cancellationToken).ConfigureAwait(false)
                    ?? throw new DataJointException($"The table `{Database}`.`{tableName}` is not defined.");
        lock (_byClass) _byClass[registryName] = table;
        return table;
    }

    /// <summary>
    /// Declares (if needed) and opens the table of class <typeparamref name="T"/> from the metadata the generator
    /// emitted for it (no reflection): its definition, tier, master and the classes its foreign keys reference, which
    /// are declared first — in their own database when bound to one by <c>[Table(Schema = ...)]</c>.
    /// </summary>
    public Task<Table> TableAsync<T>(CancellationToken cancellationToken = default) where T : UserTable, ITableClass =>
        TableAsync(T.Metadata, cancellationToken);

    /// <summary>Declares (if needed) and opens a generated table class from its metadata.</summary>
    internal async Task<Table> TableAsync(TableMetadata info, CancellationToken cancellationToken)
    {
        if (info.Schema is { } bound && bound != Database)
        {
            var other = await OtherSchemaAsync(bound, cancellationToken).ConfigureAwait(false);
            return await other.TableAsync(info, cancellationToken).ConfigureAwait(false);
        }
        var existing = GetTable(info.RegistryName);
        if (existing is not null) return existing;
        var master = info.Master;
        if (master is not null) await TableAsync(master, cancellationToken).ConfigureAwait(false);
        var parents = new Dictionary<string, Table>(StringComparer.Ordinal);
        foreach (var parent in info.Parents)
        {
            if (parent.Reference == "master") continue;
            var meta = parent.Table;
            if (ReferenceEquals(meta, info)) continue;
            parents[parent.Reference] = await TableAsync(meta, cancellationToken).ConfigureAwait(false);
        }
        if (info.SqlName is not null)
        {
            var opened = await OpenTableAsync(info.SqlName, cancellationToken).ConfigureAwait(false);
            lock (_byClass) _byClass[info.RegistryName] = opened;
            return opened;
        }
        await _declareLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return GetTable(info.RegistryName) ?? await DeclareCoreAsync(info.ClassName, info.Tier, info.Definition, master?.ClassName, parents,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _declareLock.Release();
        }
    }

    /// <summary>Another database on the same connection and stores (for classes bound to it and <c>-&gt; otherdb.Table</c>).</summary>
    private Task<Schema> OtherSchemaAsync(string database, CancellationToken cancellationToken)
    {
        lock (_others)
        {
            if (!_others.TryGetValue(database, out var task) || task.IsFaulted || task.IsCanceled)
                _others[database] = task = ActivateAsync(Connection, database, createIfMissing: true, Stores, cancellationToken);
            return task;
        }
    }

    /// <summary>
    /// A parent named by class (<c>Subject</c> → <c>subject</c>, <c>#subject</c>, <c>_subject</c>, <c>__subject</c>) in this
    /// database, or as DataJoint Python writes a table of another schema, <c>otherdb.Subject</c>.
    /// </summary>
    private async Task<Table?> FindByClassNameAsync(DbConnection conn, string reference, CancellationToken cancellationToken)
    {
        var database = Database;
        var name = reference;
        var dot = reference.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            database = reference[..dot];
            name = reference[(dot + 1)..];
            if (name.Contains('.', StringComparison.Ordinal) || database.Length == 0) return null;
            if (!await Dialect.DatabaseExistsAsync(conn, database, cancellationToken).ConfigureAwait(false)) return null;
        }
        if (TableNaming.ValidateClassName(name, out _, out _) is not { } normalized) return null;
        var snake = TableNaming.ToSnakeCase(normalized);
        foreach (var prefix in new[] { "", "#", "_", "__" })
        {
            var heading = await Dialect.ReadHeadingAsync(conn, database, prefix + snake, cancellationToken).ConfigureAwait(false);
            if (heading is not null) return new Table(Connection, Dialect, database, prefix + snake, heading, stores: Stores);
        }
        return null;
    }

    private async Task<ForeignKeyParent> ToParentAsync(DbConnection conn, Table parent, CancellationToken cancellationToken)
    {
        var lineage = await Dialect.ReadLineageAsync(conn, parent.Database, parent.Name, cancellationToken).ConfigureAwait(false);
        var pk = parent.TableHeading.AllAttributes.Where(a => a.InPrimaryKey && !a.IsHidden)
            .Select(a => new ParentKeyAttribute(a.Name, a.SqlType, a.OriginalType, a.Comment,
                lineage.TryGetValue(a.Name, out var l) ? l : null))
            .ToList();
        return new ForeignKeyParent(parent.Database, parent.Name, pk);
    }

    /// <summary>
    /// Compares an existing table with what the definition declares: the definition is created under a scratch
    /// name, both headings are read back from the server (so type spellings are the server's own) and compared.
    /// </summary>
    private async Task CheckSameAsync(DbConnection conn, string tableName, Heading existing, string createSql, CancellationToken cancellationToken)
    {
        var declared = await Dialect.ReadDeclaredHeadingAsync(conn, Database, tableName, createSql, cancellationToken).ConfigureAwait(false);
        var diffs = HeadingDiff.Compare(existing, declared);
        if (diffs.Count > 0)
            throw new DataJointException(
                $"Table `{Database}`.`{tableName}` already exists with a different heading than its definition (it is not altered): " +
                string.Join("; ", diffs));
    }

    private static async Task ExecAsync(DbConnection conn, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        SqlLog.Statement(conn, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DefTier ToDefTier(TableTier tier) => tier switch
    {
        TableTier.Lookup => DefTier.Lookup,
        TableTier.Imported => DefTier.Imported,
        TableTier.Computed => DefTier.Computed,
        TableTier.Part => DefTier.Part,
        _ => DefTier.Manual,
    };

    private sealed class Resolver(Dictionary<string, ForeignKeyParent> parents) : IForeignKeyResolver
    {
        public ForeignKeyParent? Resolve(string reference) => parents.TryGetValue(reference, out var p) ? p : null;
    }
}
