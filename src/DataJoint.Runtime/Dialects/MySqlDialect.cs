using System.Data.Common;
using System.Globalization;
using System.Text;
using DataJoint.Definitions;
using MySqlConnector;

namespace DataJoint.Dialects;

/// <summary>
/// The MySQL / MariaDB dialect (through MySqlConnector): the SQL DataJoint Python writes, the server's catalogue
/// (<c>information_schema</c>, <c>SHOW FULL COLUMNS</c>), declaration DDL (<see cref="DataJoint.Definitions.DdlCompiler"/>) and the
/// <c>~lineage</c> table (<see cref="LineageSql"/>).
/// </summary>
internal sealed class MySqlDialect : ISqlDialect
{
    /// <summary>The session <c>sql_mode</c> statement every DataJoint session runs once, when its server connection is opened.</summary>
    public const string SessionSetup = "SET SESSION sql_mode = '" + ConnectionSettings.SqlMode + "'";

    /// <summary>The dialect of MySQL servers.</summary>
    public static MySqlDialect Instance { get; } = new(mariaDb: false);

    /// <summary>The dialect of MariaDB servers (same SQL, except where MariaDB lacks a MySQL form).</summary>
    public static MySqlDialect MariaDb { get; } = new(mariaDb: true);

    private MySqlDialect(bool mariaDb) => IsMariaDb = mariaDb;

    /// <summary>True for the MariaDB flavour.</summary>
    public bool IsMariaDb { get; }

    /// <summary>The dialect for a server version string (<c>10.11.19-MariaDB-0+deb12u1</c> → <see cref="MariaDb"/>).</summary>
    public static MySqlDialect ForServerVersion(string? serverVersion) =>
        serverVersion is not null && serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? MariaDb : Instance;

    /// <inheritdoc />
    /// <remarks>
    /// MySQL gets DataJoint Python's text exactly (<c>json_value(`m`, _utf8mb4'$.x' returning unsigned)</c>). MariaDB's
    /// <c>json_value</c> has no <c>RETURNING</c> clause, so a typed path becomes
    /// <c>CAST(json_value(`m`, _utf8mb4'$.x') AS unsigned)</c> there (Python's own text is a syntax error on MariaDB).
    /// </remarks>
    public string JsonValue(string columnSql, string path, string? returnType)
    {
        var plain = "json_value(" + columnSql + ", _utf8mb4'$." + path + "'";
        if (returnType is null) return plain + ")";
        return IsMariaDb ? "CAST(" + plain + ") AS " + returnType + ")" : plain + " returning " + returnType + ")";
    }

    /// <inheritdoc />
    public string Quote(string identifier) => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <inheritdoc />
    public string FetchExpression(HeadingAttribute attribute, string columnSql) =>
        attribute.Kind == AttributeKind.Float32 ? "CAST(" + columnSql + " AS DOUBLE)" : columnSql;

    /// <inheritdoc />
    public string CreateDatabase(string database) => "CREATE DATABASE " + Quote(database);

    /// <inheritdoc />
    public string DropDatabase(string database) => "DROP DATABASE IF EXISTS " + Quote(database);

    /// <inheritdoc />
    public async Task<bool> DatabaseExistsAsync(DbConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = ?", database);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListTablesAsync(DbConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name", database);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(r.GetString(0));
        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListDatabasesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT schema_name FROM information_schema.schemata " +
            "WHERE schema_name NOT IN ('information_schema', 'mysql', 'performance_schema', 'sys') ORDER BY schema_name");
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(r.GetString(0));
        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Table, string Comment)>> ReadTableCommentsAsync(DbConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT table_name, table_comment FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
            database);
        var list = new List<(string, string)>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add((r.GetString(0), r.IsDBNull(1) ? "" : r.GetString(1)));
        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<IndexInfo>> ReadIndexesAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT index_name, non_unique, column_name FROM information_schema.statistics " +
            "WHERE table_schema = ? AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index", database, table);
        var result = new List<IndexInfo>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? current = null;
        var unique = false;
        List<string>? cols = null;
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = r.GetString(0);
            if (name != current)
            {
                if (cols is not null) result.Add(new IndexInfo(current!, cols, unique));
                current = name;
                unique = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture) == 0;
                cols = [];
            }
            cols!.Add(r.GetString(2));
        }
        if (cols is not null) result.Add(new IndexInfo(current!, cols, unique));
        return result;
    }

    /// <inheritdoc />
    public async Task<Heading?> ReadHeadingAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        // Columns first, keys second: a table another session creates meanwhile is either absent from the column read
        // (null) or complete in both reads. The other order read the keys of a table not there yet and then its columns,
        // a heading without a primary key (workers declaring one job table at once reserved with an empty key condition).
        var columns = new List<(string Name, string Type, bool Nullable, string? Default, string Extra, string Comment)>();
        try
        {
            await using var cmd = Command(connection, $"SHOW FULL COLUMNS FROM {Quote(table)} IN {Quote(database)}");
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            int iField = r.GetOrdinal("Field"), iType = r.GetOrdinal("Type"), iNull = r.GetOrdinal("Null"),
                iDefault = r.GetOrdinal("Default"), iExtra = r.GetOrdinal("Extra"), iComment = r.GetOrdinal("Comment");
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var nullable = string.Equals(r.GetString(iNull), "YES", StringComparison.OrdinalIgnoreCase);
                string? def = r.IsDBNull(iDefault) ? null : r.GetString(iDefault);
                if (def == "NULL" && nullable) def = null; // MariaDB spells a NULL default as the text NULL
                columns.Add((r.GetString(iField), r.GetString(iType), nullable, def,
                    r.IsDBNull(iExtra) ? "" : r.GetString(iExtra), r.IsDBNull(iComment) ? "" : r.GetString(iComment)));
            }
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.NoSuchTable)
        {
            return null;
        }
        if (columns.Count == 0) return null;

        var pk = new List<string>();
        var fks = new List<ForeignKeyInfo>();
        await using (var cmd = Command(connection,
            "SELECT constraint_name, column_name, referenced_table_schema, referenced_table_name, referenced_column_name " +
            "FROM information_schema.key_column_usage WHERE table_schema = ? AND table_name = ? " +
            "AND (constraint_name = 'PRIMARY' OR referenced_table_name IS NOT NULL) ORDER BY constraint_name, ordinal_position",
            database, table))
        await using (var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            string? current = null;
            List<string>? cols = null, parentCols = null;
            string? pdb = null, ptable = null;
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var constraint = r.GetString(0);
                if (constraint == "PRIMARY") { pk.Add(r.GetString(1)); continue; }
                if (constraint != current)
                {
                    if (cols is not null) fks.Add(new ForeignKeyInfo(cols, pdb!, ptable!, parentCols!));
                    current = constraint; cols = []; parentCols = [];
                    pdb = r.GetString(2); ptable = r.GetString(3);
                }
                cols!.Add(r.GetString(1));
                parentCols!.Add(r.GetString(4));
            }
            if (cols is not null) fks.Add(new ForeignKeyInfo(cols, pdb!, ptable!, parentCols!));
        }

        var where = Quote(database) + "." + Quote(table);
        var attrs = new List<HeadingAttribute>(columns.Count);
        foreach (var c in columns)
            attrs.Add(HeadingAttribute.FromColumn(where, c.Name, c.Type, c.Nullable, c.Default, c.Extra, c.Comment, pk.Contains(c.Name)));
        // The lineage of the attributes (spec §3.4), for semantic joins; none when the schema has no ~lineage table.
        var lineage = await ReadLineageCoreAsync(connection, database, table, cancellationToken).ConfigureAwait(false);
        if (lineage is not null)
            for (var i = 0; i < attrs.Count; i++)
                if (lineage.TryGetValue(attrs[i].Name, out var l)) attrs[i] = attrs[i] with { Lineage = l };
        return new Heading(attrs, fks, lineageAvailable: lineage is not null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Database, string Table, ForeignKeyInfo Key)>> ReadChildrenAsync(
        DbConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT table_schema, table_name, constraint_name, column_name, referenced_column_name " +
            "FROM information_schema.key_column_usage WHERE referenced_table_schema = ? AND referenced_table_name = ? " +
            "ORDER BY table_schema, table_name, constraint_name, ordinal_position", database, table);
        var result = new List<(string, string, ForeignKeyInfo)>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        string? key = null, cdb = null, ctable = null;
        List<string>? cols = null, pcols = null;
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var k = r.GetString(0) + "\0" + r.GetString(1) + "\0" + r.GetString(2);
            if (k != key)
            {
                if (cols is not null) result.Add((cdb!, ctable!, new ForeignKeyInfo(cols, database, table, pcols!)));
                key = k; cdb = r.GetString(0); ctable = r.GetString(1); cols = []; pcols = [];
            }
            cols!.Add(r.GetString(3));
            pcols!.Add(r.GetString(4));
        }
        if (cols is not null) result.Add((cdb!, ctable!, new ForeignKeyInfo(cols, database, table, pcols!)));
        return result;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<(string Database, string Table)>> ReadReferencingTablesAsync(
        DbConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection,
            "SELECT DISTINCT table_schema, table_name FROM information_schema.key_column_usage " +
            "WHERE referenced_table_schema = ? AND table_schema <> ? ORDER BY table_schema, table_name", database, database);
        var result = new List<(string, string)>();
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add((r.GetString(0), r.GetString(1)));
        return result;
    }

    /// <inheritdoc />
    public string InsertPrefix(string database, string table, IReadOnlyList<string> columns, InsertMode mode)
    {
        var sb = new StringBuilder(mode == InsertMode.Replace ? "REPLACE INTO " : "INSERT INTO ");
        sb.Append(Quote(database)).Append('.').Append(Quote(table)).Append('(');
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Quote(columns[i]));
        }
        return sb.Append(") VALUES ").ToString();
    }

    /// <inheritdoc />
    public string InsertSuffix(string database, string table, IReadOnlyList<string> primaryKey, InsertMode mode)
    {
        if (mode != InsertMode.SkipDuplicates) return "";
        // Same clause as DataJoint Python: a no-op update of the first primary-key column.
        var first = primaryKey.Count > 0 ? primaryKey[0] : "_singleton";
        return " ON DUPLICATE KEY UPDATE " + Quote(first) + "=" + Quote(database) + "." + Quote(table) + "." + Quote(first);
    }

    /// <inheritdoc />
    public async Task<long> GetMaxStatementBytesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, "SELECT @@max_allowed_packet");
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public string LimitClause(long? limit, long? offset)
    {
        if (limit is null && offset is null) return "";
        var l = limit ?? long.MaxValue; // MySQL has no OFFSET without LIMIT
        return offset is > 0
            ? string.Create(CultureInfo.InvariantCulture, $" LIMIT {l} OFFSET {offset}")
            : string.Create(CultureInfo.InvariantCulture, $" LIMIT {l}");
    }

    /// <inheritdoc />
    public DataJointException? TranslateError(Exception exception, string context, string? schema = null, string? table = null)
    {
        switch (exception)
        {
            case DataJointException or OperationCanceledException:
                return null;
            case MySqlException ex:
                return Translate(ex, ex.Number, ex.Message, context, schema, table);
            case System.IO.IOException or System.Net.Sockets.SocketException or TimeoutException:
            case InvalidOperationException when exception.Source == "MySqlConnector":
                return new LostConnectionException($"The connection to the database server was lost ({context}): {exception.Message}", exception)
                {
                    Schema = schema,
                    Table = table,
                };
            default:
                return null;
        }
    }

    private static DataJointException Translate(MySqlException ex, int number, string message, string context, string? schema, string? table)
    {
        var text = $"{message} ({context})";
        DatabaseException result = number switch
        {
            1062 => new DuplicateEntryException(text + ". To ignore duplicate entries in insert, set skip_duplicates=True", ex),
            1217 or 1451 or 1452 or 3730 => new IntegrityException(text, ex),
            1146 => new MissingTableException(text, ex),
            1054 => new UnknownAttributeException(text, ex),
            1044 or 1045 or 1142 => new AccessDeniedException(text, ex),
            1064 => new QuerySyntaxException(text, ex),
            1213 => new DeadlockException(text + ". The transaction was rolled back; running it again is safe.", ex),
            1205 => new LockWaitTimeoutException(text + ". The transaction was rolled back; running it again is safe.", ex),
            2006 or 2013 or 1927 or 1053 or 1042 or 1152 or 1158 or 1159 or 1160 or 1161 =>
                new LostConnectionException($"The connection to the database server was lost ({context}): {message}", ex),
            0 when ex.InnerException is System.IO.IOException or System.Net.Sockets.SocketException || ex.IsTransient =>
                new LostConnectionException($"The connection to the database server was lost ({context}): {message}", ex),
            _ => new DatabaseException(text, ex),
        };
        result.Locate(schema, table);
        return result;
    }

    /// <inheritdoc />
    public DeclareResult CompileTable(string database, string table, TableDefinition definition, IForeignKeyResolver parents,
        IDeclareCodecTypeResolver codecs, DeclareOptions? options = null) =>
        DdlCompiler.Compile(database, table, definition, parents, codecs, options);

    /// <inheritdoc />
    public async Task<(Heading Heading, string Comment)> ReadDeclaredHeadingAsync(DbConnection connection, string database, string table, string createSql,
        CancellationToken cancellationToken)
    {
        var scratch = "~dj_cmp_" + Guid.NewGuid().ToString("N")[..12];
        ISqlDialect sql = this;
        var head = "CREATE TABLE IF NOT EXISTS " + sql.QualifiedName(database, table) + " (";
        if (!createSql.StartsWith(head, StringComparison.Ordinal))
            throw new DataJointException($"Unexpected CREATE TABLE text for `{database}`.`{table}`");
        try
        {
            await ExecuteAsync(connection, "CREATE TABLE " + sql.QualifiedName(database, scratch) + " (" + createSql[head.Length..], cancellationToken).ConfigureAwait(false);
            var heading = await ReadHeadingAsync(connection, database, scratch, cancellationToken).ConfigureAwait(false)
                          ?? throw new DataJointException($"Cannot read back the declared heading of `{database}`.`{table}`");
            var comments = await ReadTableCommentsAsync(connection, database, cancellationToken).ConfigureAwait(false);
            return (heading, comments.FirstOrDefault(c => c.Table == scratch).Comment ?? "");
        }
        finally
        {
            await ExecuteAsync(connection, sql.DropTable(database, scratch), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task EnsureLineageTableAsync(DbConnection connection, string database, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, LineageSql.CreateTable(database), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, string>> ReadLineageAsync(DbConnection connection, string database, string table,
        CancellationToken cancellationToken) =>
        await ReadLineageCoreAsync(connection, database, table, cancellationToken).ConfigureAwait(false)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>A table's lineage rows, or null when the database has no <c>~lineage</c> table.</summary>
    private async Task<Dictionary<string, string>?> ReadLineageCoreAsync(DbConnection connection, string database, string table,
        CancellationToken cancellationToken)
    {
        await using (var exists = Command(connection,
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", database, LineageSql.TableName))
        {
            if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                return null;
        }
        var lineage = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var cmd = Command(connection, LineageSql.SelectForTable(database));
        AddNamed(cmd, "@table_name", table);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) lineage[r.GetString(0)] = r.GetString(1);
        return lineage;
    }

    /// <inheritdoc />
    public async Task WriteLineageAsync(DbConnection connection, string database, string table, IReadOnlyList<LineageRow> rows,
        CancellationToken cancellationToken)
    {
        await using (var del = Command(connection, LineageSql.DeleteForTable(database)))
        {
            AddNamed(del, "@table_name", table);
            await del.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (rows.Count == 0) return;
        await using var up = Command(connection, LineageSql.Upsert(database, rows.Count));
        for (var i = 0; i < rows.Count; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            AddNamed(up, "@t" + n, rows[i].TableName);
            AddNamed(up, "@a" + n, rows[i].AttributeName);
            AddNamed(up, "@l" + n, rows[i].Lineage);
        }
        await up.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteLineageAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken)
    {
        if (!(await ListTablesAsync(connection, database, cancellationToken).ConfigureAwait(false)).Contains(LineageSql.TableName)) return;
        await using var del = Command(connection, LineageSql.DeleteForTable(database));
        AddNamed(del, "@table_name", table);
        await del.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddNamed(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = Command(connection, sql);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, string sql, params object?[] args)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        SqlLog.Statement(connection, sql);
        foreach (var a in args)
        {
            var p = cmd.CreateParameter();
            p.Value = a ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
