using System.Data.Common;
using System.Globalization;
using DataJoint.Declare;
using DataJoint.Metadata;
using DataJoint.Definitions;

namespace DataJoint;

/// <summary>
/// A DataJoint schema: one database on a connection, the tables declared in it through this object (by class
/// name, so definitions can reference each other with <c>-&gt; Parent</c>), and its <c>~lineage</c> table.
/// </summary>
public sealed partial class Schema
{
    private readonly Dictionary<string, Table> _byClass = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _declareLock = new(1, 1);
    private readonly Dictionary<string, Task<Schema>> _others = new(StringComparer.Ordinal);

    private Schema(DataJointConnection connection, string database, ISqlDialect dialect, DataJoint.Stores.IStoreProvider? stores,
        SchemaMap? schemaMap)
    {
        CreateTables = connection.AllSettings.Database.CreateTables;
        Map = schemaMap ?? SchemaMap.Identity;
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
    /// Maps the schema names classes are bound to (<c>[Table(Schema = ...)]</c>) and definitions reference
    /// (<c>-&gt; subjects.Subject</c>) to databases; every schema reached from this one uses it.
    /// </summary>
    public SchemaMap Map { get; }

    /// <summary>
    /// False for a schema that only opens existing tables (DataJoint Python's <c>create_tables=False</c>): declaring a
    /// table that does not exist is an error instead of a <c>CREATE TABLE</c>. Defaults to the connection's
    /// <c>database.create_tables</c> setting; <see cref="OpenAsync(DataJointConnection, string, DataJoint.Stores.IStoreProvider?, SchemaMap?, CancellationToken)"/> makes a schema with it off.
    /// </summary>
    public bool CreateTables { get; private init; }

    /// <summary>
    /// Opens an existing schema for reading and writing rows without ever changing its tables: the database must
    /// exist, and no table is created (<see cref="CreateTables"/> is false). Classes are still compared with the tables
    /// they open (heading and comment), so a class that does not match a colleague's table fails instead of creating
    /// another one beside it. <paramref name="schemaMap"/> maps the schemas classes are bound to (see
    /// <see cref="SchemaMap"/>); the schemas reached through it are opened the same way.
    /// </summary>
    public static async Task<Schema> OpenAsync(DataJointConnection connection, string database,
        DataJoint.Stores.IStoreProvider? stores = null, SchemaMap? schemaMap = null, CancellationToken cancellationToken = default)
    {
        var schema = await ActivateAsync(connection, database, createIfMissing: false, stores, schemaMap, cancellationToken).ConfigureAwait(false);
        return new Schema(connection, database, schema.Dialect, stores, schemaMap) { CreateTables = false };
    }

    /// <summary>The schemas (databases) on the server, without the server's own.</summary>
    public static async Task<IReadOnlyList<string>> ListSchemasAsync(DataJointConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var conn = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await MySqlDialect.Instance.ListDatabasesAsync(conn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every user table of this schema as the server describes it (class names, tiers, headings, indexes, comments).</summary>
    public Task<DataJoint.Introspection.SchemaCatalog> ReadCatalogAsync(CancellationToken cancellationToken = default) =>
        DataJoint.Introspection.SchemaCatalog.LoadAsync(Connection, Database, cancellationToken);

    /// <summary>The foreign-key graph of this schema and every schema linked to it (parents, children, ancestors, descendants, parts).</summary>
    public Task<DataJoint.Introspection.Dependencies> ReadDependenciesAsync(CancellationToken cancellationToken = default) =>
        DataJoint.Introspection.Dependencies.LoadAsync(Connection, Database, cancellationToken);

    /// <summary>
    /// The definition text of a table (by class name such as <c>Session</c> or <c>Session.Trial</c>, or SQL name)
    /// reconstructed from the server, as DataJoint Python's <c>describe</c> prints it.
    /// </summary>
    public async Task<string> DescribeAsync(string name, CancellationToken cancellationToken = default)
    {
        var catalog = await ReadCatalogAsync(cancellationToken).ConfigureAwait(false);
        return DataJoint.Introspection.DefinitionWriter.Describe(catalog.Get(name), catalog);
    }

    /// <summary>
    /// Opens every user table of the schema at once (DataJoint Python's <c>virtual_schema</c>), keyed by class name
    /// (<c>Session</c>, <c>Session.Trial</c>), enumerated in dependency order. Nothing is created or altered.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, Table>>> OpenAllTablesAsync(CancellationToken cancellationToken = default)
    {
        var catalog = await ReadCatalogAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<KeyValuePair<string, Table>>();
        foreach (var t in catalog.Tables)
        {
            var table = new Table(Connection, Dialect, Database, t.Name, t.Heading, stores: Stores);
            result.Add(new(t.ClassName, table));
            lock (_byClass) _byClass.TryAdd(t.ClassName, table);
        }
        return result;
    }

    /// <summary>
    /// Binds <paramref name="database"/> on <paramref name="connection"/>, creating the database when it is missing
    /// and <paramref name="createIfMissing"/> is true (else a missing database is an error). <paramref name="stores"/>
    /// serves the store-backed codec columns of its tables. <paramref name="schemaMap"/> maps the schema names classes
    /// are bound to and definitions reference (<c>[Table(Schema = "subjects")]</c>, <c>-&gt; subjects.Subject</c>) to
    /// databases, e.g. <c>test_subjects</c> in a test run; <paramref name="database"/> itself is used as given.
    /// </summary>
    public static async Task<Schema> ActivateAsync(DataJointConnection connection, string database, bool createIfMissing = true,
        DataJoint.Stores.IStoreProvider? stores = null, SchemaMap? schemaMap = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        SchemaNames.Check(database);
        try
        {
            await using var conn = await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var dialect = MySqlDialect.ForServerVersion(conn.ServerVersion);
            if (!await dialect.DatabaseExistsAsync(conn, database, cancellationToken).ConfigureAwait(false))
            {
                if (!createIfMissing)
                    throw new DataJointException($"Schema `{database}` does not exist and createIfMissing is false") { Schema = database };
                await ExecAsync(conn, dialect.CreateDatabase(database), cancellationToken).ConfigureAwait(false);
                DataJointLog.CreatedSchema(connection.Loggers.Schema, database);
            }
            return new Schema(connection, database, dialect, stores, schemaMap);
        }
        catch (Exception ex) when (MySqlDialect.Instance.TranslateError(ex, $"activate schema `{database}`", database) is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>The user tables of the database (SQL names, without DataJoint's internal <c>~</c> tables).</summary>
    public Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken cancellationToken = default) =>
        ListTablesAsync(includeInternal: false, cancellationToken);

    /// <summary>
    /// The tables of the database (SQL names); with <paramref name="includeInternal"/> also DataJoint's internal ones
    /// (<c>~lineage</c>, the <c>~~name</c> job tables).
    /// </summary>
    public async Task<IReadOnlyList<string>> ListTablesAsync(bool includeInternal, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var all = await Dialect.ListTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false);
            return includeInternal ? all : all.Where(t => !t.StartsWith('~')).ToList();
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"list the tables of `{Database}`", Database) is { } dj)
        {
            throw dj;
        }
    }

    /// <summary>
    /// Opens an existing table by its SQL name (e.g. one DataJoint Python declared), reading its heading from the
    /// database. Codec columns open even when their codec is unknown; using such a column raises.
    /// </summary>
    public async Task<Table> OpenTableAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        try
        {
            await using var conn = await Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var table = await OpenAsync(conn, tableName, cancellationToken).ConfigureAwait(false);
            if (table is not null) return table;
        }
        catch (Exception ex) when (Dialect.TranslateError(ex, $"open `{Database}`.`{tableName}`", Database, tableName) is { } dj)
        {
            throw dj;
        }
        // Not a SQL name: a class name (Session, Session.Trial, or a part's unambiguous short name).
        var catalog = await ReadCatalogAsync(cancellationToken).ConfigureAwait(false);
        var info = catalog.Get(tableName);
        return new Table(Connection, Dialect, Database, info.Name, info.Heading, stores: Stores);
    }

    private async Task<Table?> OpenAsync(DbConnection conn, string tableName, CancellationToken cancellationToken)
    {
        var heading = await Dialect.ReadHeadingAsync(conn, Database, tableName, cancellationToken).ConfigureAwait(false);
        return heading is null ? null : new Table(Connection, Dialect, Database, tableName, heading, stores: Stores);
    }

    /// <summary>
    /// A table declared or opened through this schema object under its class name, or null. A part is found as
    /// <c>Master.Part</c> and also by its own short name (<c>Part</c>) when only one master has a part of that name.
    /// </summary>
    public Table? GetTable(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        lock (_byClass)
        {
            if (_byClass.TryGetValue(className, out var t)) return t;
            if (className.Contains('.', StringComparison.Ordinal)) return null;
            var suffix = "." + className;
            Table? found = null;
            foreach (var (name, table) in _byClass)
            {
                if (!name.EndsWith(suffix, StringComparison.Ordinal)) continue;
                if (found is not null) return null; // ambiguous: several masters have such a part
                found = table;
            }
            return found;
        }
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
        catch (Exception ex) when (Dialect.TranslateError(ex, $"declare {className} in `{Database}`", Database) is { } dj)
        {
            throw dj;
        }
        finally
        {
            _declareLock.Release();
        }
    }

    private async Task<Table> DeclareCoreAsync(string className, TableTier tier, string definition, string? masterClassName,
        IReadOnlyDictionary<string, Table>? knownParents, CancellationToken cancellationToken, string? sqlNameOverride = null)
    {
        Table? master = null;
        if (tier == TableTier.Part)
        {
            if (masterClassName is null) throw new DataJointException($"Part table {className} needs its master's class name");
            master = GetTable(masterClassName) ?? throw new DataJointException(
                $"Declare the master {masterClassName} before its part {className}");
        }
        if (!TableNaming.TryGetTableName(className, tier, master?.Name, out var tableName, out var nameError))
            throw new DataJointException(nameError!);
        if (sqlNameOverride is not null) tableName = sqlNameOverride;
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

        var existing = await Dialect.ReadHeadingAsync(conn, Database, tableName, cancellationToken).ConfigureAwait(false);
        var jobs = Connection.AllSettings.Jobs;
        var options = new DeclareOptions
        {
            AddJobMetadata = jobs.AddJobMetadata,
            // Python applies the rule when it creates a table; an existing table (a legacy pipeline's, or one made with the
            // setting on) is only compared with the definition.
            AllowNewPrimaryKeyFieldsInComputedTables = jobs.AllowNewPrimaryKeyFieldsInComputedTables || existing is not null,
        };
        var result = Dialect.CompileTable(Database, tableName, parsed, new Resolver(parents), Codecs.DeclareResolver, options).ThrowIfFailed();

        if (existing is not null)
        {
            await CheckSameAsync(conn, tableName, existing, result.Sql!, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RefuseToCreateAsync(conn, className, tier, tableName, cancellationToken).ConfigureAwait(false);
            if (WriteSession.Current(Connection) is not null)
                throw new DataJointException(
                    $"Cannot declare new tables inside a transaction, e.g. from inside a populate/make call (`{Database}`.`{tableName}`).");
            DeclaredStores.Check(parsed, Stores, Database, tableName);
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
    /// A Lookup class's static <c>Contents</c> (Python's <c>contents</c>) is inserted when the class is first opened through
    /// this schema object, skipping rows already there.
    public async Task<Table> TableAsync<T>(CancellationToken cancellationToken = default) where T : UserTable, ITableClass
    {
        var opened = GetTable(T.Metadata.RegistryName) is not null;
        var table = await TableAsync(T.Metadata, cancellationToken).ConfigureAwait(false);
        if (!opened && T.Metadata.Tier == TableTier.Lookup && T.Metadata.Contents is { } contents)
            await table.InsertAsync(contents, new InsertOptions { SkipDuplicates = true }, cancellationToken).ConfigureAwait(false);
        return table;
    }

    /// <summary>Declares (if needed) and opens a generated table class from its metadata.</summary>
    internal async Task<Table> TableAsync(TableMetadata info, CancellationToken cancellationToken)
    {
        if (BoundDatabase(info) is { } boundName && Map.Resolve(boundName) is var bound && bound != Database)
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
        await _declareLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A [Table(Name = ...)] class is compared with the table it names like any other class (never created
            // under another name, never opened without checking its heading and comment).
            return GetTable(info.RegistryName) ?? await DeclareCoreAsync(info.ClassName, info.Tier, info.Definition, master?.ClassName, parents,
                cancellationToken, info.SqlName).ConfigureAwait(false);
        }
        finally
        {
            _declareLock.Release();
        }
    }

    /// <summary>The database a class is bound to: its own <c>[Table(Schema = ...)]</c>, else (for a part) its master's.</summary>
    private static string? BoundDatabase(TableMetadata info) =>
        info.Schema ?? (info.Master is { } master ? BoundDatabase(master) : null);

    /// <summary>
    /// Before a CREATE TABLE: refuses when this schema only opens tables, and when a table of the same name but another
    /// tier exists (class <c>Species</c> declared Manual next to a colleague's Lookup <c>#species</c>), which would
    /// otherwise silently create a second, empty table.
    /// </summary>
    private async Task RefuseToCreateAsync(DbConnection conn, string className, TableTier tier, string tableName, CancellationToken cancellationToken)
    {
        var all = await Dialect.ListTablesAsync(conn, Database, cancellationToken).ConfigureAwait(false);
        var bare = tableName.TrimStart('#', '_');
        var partSep = bare.IndexOf("__", StringComparison.Ordinal);
        var baseName = tier == TableTier.Part && partSep > 0 ? null : bare;
        var siblings = baseName is null ? [] : all.Where(t => t != tableName && !t.StartsWith('~') && t.TrimStart('#', '_') == baseName).ToList();
        if (siblings.Count > 0)
        {
            var (_, otherTier, _) = DataJoint.Introspection.TableInfo.Classify(siblings[0]);
            throw new DataJointException(
                $"Class {className} is declared {tier} (table `{tableName}`), but schema `{Database}` has `{siblings[0]}` ({otherTier}) " +
                $"under the same name. Declare the class as {otherTier} to use that table; a second table `{tableName}` is not created.");
        }
        if (!CreateTables)
            throw new MissingTableException(
                $"Table `{Database}`.`{tableName}` (class {className}) does not exist, and this schema only opens tables " +
                "(create_tables is false): it is not created.", null);
    }

    /// <summary>
    /// Another database on the same connection, stores and schema map (for classes bound to it and
    /// <c>-&gt; otherdb.Table</c>), opened the way this one is: open-only when this schema only opens tables.
    /// </summary>
    private Task<Schema> OtherSchemaAsync(string database, CancellationToken cancellationToken)
    {
        lock (_others)
        {
            if (!_others.TryGetValue(database, out var task) || task.IsFaulted || task.IsCanceled)
                _others[database] = task = CreateTables
                    ? ActivateAsync(Connection, database, createIfMissing: true, Stores, Map, cancellationToken)
                    : OpenAsync(Connection, database, Stores, Map, cancellationToken); // an open-only schema changes no other schema either
            return task;
        }
    }

    /// <summary>
    /// A parent named by class in this database — <c>Subject</c> (→ <c>subject</c>, <c>#subject</c>, <c>_subject</c>,
    /// <c>__subject</c>), a part as <c>Session.Trial</c> (→ <c>session__trial</c>…) or by its short name <c>Trial</c> when
    /// only one master has such a part — or, as DataJoint Python writes a table of another schema, <c>otherdb.Subject</c>
    /// and <c>otherdb.Session.Trial</c> (<c>otherdb</c> mapped through <see cref="Map"/>).
    /// </summary>
    private async Task<Table?> FindByClassNameAsync(DbConnection conn, string reference, CancellationToken cancellationToken)
    {
        var segments = reference.Split('.');
        if (segments.Length <= 2 && await FindInDatabaseAsync(conn, Database, segments, cancellationToken).ConfigureAwait(false) is { } here)
            return here;
        if (segments.Length is 2 or 3 && segments[0].Length > 0 && Map.Resolve(segments[0]) is var database
            && await Dialect.DatabaseExistsAsync(conn, database, cancellationToken).ConfigureAwait(false))
            return await FindInDatabaseAsync(conn, database, segments[1..], cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary><c>Class</c>, or <c>Master.Part</c>, in <paramref name="database"/> under any tier prefix; a lone name may be a part's short name.</summary>
    private async Task<Table?> FindInDatabaseAsync(DbConnection conn, string database, string[] classNames, CancellationToken cancellationToken)
    {
        var snake = new string[classNames.Length];
        for (var i = 0; i < classNames.Length; i++)
        {
            if (TableNaming.ValidateClassName(classNames[i], out _, out _) is not { } normalized) return null;
            snake[i] = TableNaming.ToSnakeCase(normalized);
        }
        var bare = string.Join("__", snake);
        foreach (var prefix in new[] { "", "#", "_", "__" })
        {
            var heading = await Dialect.ReadHeadingAsync(conn, database, prefix + bare, cancellationToken).ConfigureAwait(false);
            if (heading is not null) return new Table(Connection, Dialect, database, prefix + bare, heading, stores: Stores);
        }
        if (classNames.Length != 1) return null;
        // A part's short name, when exactly one master has a part of that name.
        var parts = (await Dialect.ListTablesAsync(conn, database, cancellationToken).ConfigureAwait(false))
            .Where(t => DataJoint.Introspection.TableInfo.Classify(t) is { Tier: TableTier.Part } c && c.ClassName.EndsWith("." + classNames[0], StringComparison.Ordinal))
            .ToList();
        if (parts.Count != 1) return null;
        var partHeading = await Dialect.ReadHeadingAsync(conn, database, parts[0], cancellationToken).ConfigureAwait(false);
        return partHeading is null ? null : new Table(Connection, Dialect, database, parts[0], partHeading, stores: Stores);
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
        var (declared, declaredComment) = await Dialect.ReadDeclaredHeadingAsync(conn, Database, tableName, createSql, cancellationToken).ConfigureAwait(false);
        var comments = await Dialect.ReadTableCommentsAsync(conn, Database, cancellationToken).ConfigureAwait(false);
        var diffs = HeadingDiff.Compare(existing, declared).ToList();
        var existingComment = comments.FirstOrDefault(c => c.Table == tableName).Comment ?? "";
        if (existingComment != declaredComment)
            diffs.Add($"table comment: the table has \"{existingComment}\", the definition \"{declaredComment}\"");
        if (diffs.Count > 0)
            throw new DataJointException(
                $"Table `{Database}`.`{tableName}` already exists with a different heading or comment than its definition (it is not altered): " +
                string.Join("; ", diffs));
    }

    private static async Task ExecAsync(DbConnection conn, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        SqlLog.Statement(conn, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Resolver(Dictionary<string, ForeignKeyParent> parents) : IForeignKeyResolver
    {
        public ForeignKeyParent? Resolve(string reference) => parents.TryGetValue(reference, out var p) ? p : null;
    }
}
