using System.Data.Common;

namespace DataJoint;

/// <summary>How rows are written when a key already exists.</summary>
public enum InsertMode
{
    /// <summary>Plain insert: a duplicate key is an error.</summary>
    Insert,
    /// <summary>Keep the existing row, skip the duplicate (<c>skip_duplicates=True</c>).</summary>
    SkipDuplicates,
    /// <summary>Replace the existing row (<c>replace=True</c>).</summary>
    Replace,
}

/// <summary>
/// Everything that differs between database servers: identifier quoting, database DDL, catalogue queries for
/// headings and foreign keys, insert statement shapes, packet limits and paging. The rest of the runtime only
/// talks SQL through this seam, so another backend is one new implementation.
/// </summary>
public interface ISqlDialect
{
    /// <summary>Quotes one identifier (table, column or database name).</summary>
    string Quote(string identifier);

    /// <summary>Quoted <c>database.table</c>.</summary>
    string QualifiedName(string database, string table) => Quote(database) + "." + Quote(table);

    /// <summary>The placeholder for one positional parameter.</summary>
    string Parameter => "?";

    /// <summary>
    /// The select-list expression that fetches an attribute without loss (MariaDB prints FLOAT with 6 digits in the
    /// text protocol, so float32 columns are read as DOUBLE, which holds every float exactly).
    /// </summary>
    string FetchExpression(HeadingAttribute attribute, string columnSql) => columnSql;

    /// <summary>
    /// The expression reading the scalar at a JSON path of a json column, as DataJoint Python renders a restriction key
    /// <c>attr.path[:type]</c>: <c>json_value(`attr`, _utf8mb4'$.path')</c>, with <c> returning type</c> when a type is given.
    /// <paramref name="path"/> and <paramref name="returnType"/> are already validated (no quotes can occur in them).
    /// </summary>
    string JsonValue(string columnSql, string path, string? returnType) =>
        "json_value(" + columnSql + ", _utf8mb4'$." + path + "'" + (returnType is null ? "" : " returning " + returnType) + ")";

    /// <summary>SQL creating a database.</summary>
    string CreateDatabase(string database);

    /// <summary>SQL dropping a database if it exists.</summary>
    string DropDatabase(string database);

    /// <summary>True when the database exists.</summary>
    Task<bool> DatabaseExistsAsync(DbConnection connection, string database, CancellationToken cancellationToken);

    /// <summary>Names of the tables in a database (including DataJoint-internal <c>~</c> tables).</summary>
    Task<IReadOnlyList<string>> ListTablesAsync(DbConnection connection, string database, CancellationToken cancellationToken);

    /// <summary>The databases (schemas) on the server, without the server's own (<c>mysql</c>, <c>information_schema</c>, …).</summary>
    Task<IReadOnlyList<string>> ListDatabasesAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Every base table of a database with its table comment (including DataJoint-internal <c>~</c> tables).</summary>
    Task<IReadOnlyList<(string Table, string Comment)>> ReadTableCommentsAsync(DbConnection connection, string database, CancellationToken cancellationToken);

    /// <summary>The secondary indexes of a table (not the primary key), columns in index order.</summary>
    Task<IReadOnlyList<IndexInfo>> ReadIndexesAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken);

    /// <summary>Reads a table's heading from the catalogue, or null when the table does not exist.</summary>
    Task<Heading?> ReadHeadingAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken);

    /// <summary>Foreign keys in any database that reference the given table (its children).</summary>
    Task<IReadOnlyList<(string Database, string Table, ForeignKeyInfo Key)>> ReadChildrenAsync(
        DbConnection connection, string database, string table, CancellationToken cancellationToken);

    /// <summary>
    /// The statement text up to and including <c>VALUES</c> for inserting <paramref name="columns"/>
    /// (e.g. <c>INSERT INTO `db`.`t`(`a`,`b`) VALUES </c>).
    /// </summary>
    string InsertPrefix(string database, string table, IReadOnlyList<string> columns, InsertMode mode);

    /// <summary>Text appended after the value tuples (e.g. the skip-duplicates clause).</summary>
    string InsertSuffix(string database, string table, IReadOnlyList<string> primaryKey, InsertMode mode);

    /// <summary>The literal that asks for a column's default in a value tuple.</summary>
    string DefaultValue => "DEFAULT";

    /// <summary>The largest statement the server accepts, in bytes.</summary>
    Task<long> GetMaxStatementBytesAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>The paging clause (empty when both are null).</summary>
    string LimitClause(long? limit, long? offset);

    /// <summary>
    /// Maps a driver exception to a <see cref="DataJointException"/> subtype naming <paramref name="context"/> (what was
    /// being done), <paramref name="schema"/> and <paramref name="table"/>; returns null for exceptions that are not the
    /// driver's (a <see cref="DataJointException"/> already, or a cancellation), which are rethrown as they are.
    /// </summary>
    DataJointException? TranslateError(Exception exception, string context, string? schema = null, string? table = null);
}
