using System.Data.Common;

namespace DataJoint.Dialects;

/// <summary>How rows are written when a key already exists.</summary>
internal enum InsertMode
{
    /// <summary>Plain insert: a duplicate key is an error.</summary>
    Insert,
    /// <summary>Keep the existing row, skip the duplicate (<c>skip_duplicates=True</c>).</summary>
    SkipDuplicates,
    /// <summary>Replace the existing row (<c>replace=True</c>).</summary>
    Replace,
}

/// <summary>One column of a SELECT list: its expression and the name it is returned under.</summary>
internal readonly record struct SelectColumn(string Sql, string Name);

/// <summary>One ORDER BY term: an expression (usually a quoted output column) and its direction.</summary>
internal readonly record struct OrderTerm(string Sql, bool Descending);

/// <summary>The parts of one SELECT statement, each already written in the statement's FROM namespace.</summary>
internal sealed record SelectStatement
{
    /// <summary>True for <c>SELECT DISTINCT</c>.</summary>
    public bool Distinct { get; init; }
    /// <summary>The select list.</summary>
    public required IReadOnlyList<SelectColumn> Columns { get; init; }
    /// <summary>The FROM clause (tables, joins, derived tables).</summary>
    public required SqlFragment From { get; init; }
    /// <summary>Conditions, all of which hold.</summary>
    public IReadOnlyList<SqlFragment> Where { get; init; } = [];
    /// <summary>The grouping expressions (null: no grouping).</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }
    /// <summary>Conditions on the groups, all of which hold.</summary>
    public IReadOnlyList<SqlFragment> Having { get; init; } = [];
    /// <summary>The order of the rows.</summary>
    public IReadOnlyList<OrderTerm>? OrderBy { get; init; }
    /// <summary>At most this many rows.</summary>
    public long? Limit { get; init; }
    /// <summary>Rows skipped first.</summary>
    public long? Offset { get; init; }
}

/// <summary>
/// The SQL seam: every statement the runtime sends is written here. The default members are standard SQL (query
/// statements, conditions, joins, deletes); a dialect overrides what its server spells differently and implements
/// what is its own: identifier quoting, paging, insert shapes, the catalogue (headings, foreign keys), declaration DDL
/// and DataJoint's <c>~lineage</c> table, session setup and error translation. Another backend (PostgreSQL, as
/// DataJoint Python 2.x supports) is one new implementation of this interface and its tests.
/// </summary>
internal interface ISqlDialect
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

    /// <summary>The tables of other databases with a foreign key to a table of <paramref name="database"/>, sorted.</summary>
    Task<IReadOnlyList<(string Database, string Table)>> ReadReferencingTablesAsync(
        DbConnection connection, string database, CancellationToken cancellationToken);

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

    // ------------------------------------------------------------------ queries (standard SQL)

    /// <summary>
    /// <c>SELECT [DISTINCT] columns FROM from [WHERE (w1) AND (w2)...] [GROUP BY ... [HAVING (h1) AND ...]] [ORDER BY ...]
    /// [paging]</c>; no columns select <c>1</c>. A column whose expression is not its quoted name gets <c>AS `name`</c>.
    /// </summary>
    SqlFragment Select(SelectStatement statement)
    {
        var sb = new System.Text.StringBuilder("SELECT ");
        if (statement.Distinct) sb.Append("DISTINCT ");
        var columns = statement.Columns;
        if (columns.Count == 0) sb.Append('1');
        for (var i = 0; i < columns.Count; i++)
        {
            if (i > 0) sb.Append(',');
            var quoted = Quote(columns[i].Name);
            sb.Append(columns[i].Sql);
            if (columns[i].Sql != quoted) sb.Append(" AS ").Append(quoted);
        }
        sb.Append(" FROM ").Append(statement.From.Sql);
        var args = new List<object?>(statement.From.Args);
        AppendWhere(sb, args, statement.Where);
        if (statement.GroupBy is { } groupBy)
        {
            // No grouping expressions: the whole result is one group (an aggregation over every row).
            if (groupBy.Count > 0) sb.Append(" GROUP BY ").Append(string.Join(",", groupBy));
            for (var i = 0; i < statement.Having.Count; i++)
            {
                sb.Append(i == 0 ? " HAVING (" : " AND (").Append(statement.Having[i].Sql).Append(')');
                args.AddRange(statement.Having[i].Args);
            }
        }
        if (statement.OrderBy is { Count: > 0 } orderBy)
        {
            sb.Append(" ORDER BY ");
            for (var i = 0; i < orderBy.Count; i++)
            {
                if (i > 0) sb.Append(',');
                sb.Append(orderBy[i].Sql);
                if (orderBy[i].Descending) sb.Append(" DESC");
            }
        }
        sb.Append(LimitClause(statement.Limit, statement.Offset));
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary><c>SELECT columns FROM from [WHERE (w1) AND (w2)...]</c>.</summary>
    SqlFragment Select(IReadOnlyList<SelectColumn> columns, SqlFragment from, IReadOnlyList<SqlFragment> where) =>
        Select(new SelectStatement { Columns = columns, From = from, Where = where });

    /// <summary><c>SELECT COUNT(*) FROM from [WHERE ...]</c>.</summary>
    SqlFragment Count(SqlFragment from, IReadOnlyList<SqlFragment> where)
    {
        var sb = new System.Text.StringBuilder("SELECT COUNT(*) FROM ").Append(from.Sql);
        var args = new List<object?>(from.Args);
        AppendWhere(sb, args, where);
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary>The number of rows a SELECT returns.</summary>
    SqlFragment CountRows(SqlFragment select) => SqlFragment.Concat("SELECT COUNT(*) FROM (", select, ") AS " + Quote("$count"));

    private static void AppendWhere(System.Text.StringBuilder sb, List<object?> args, IReadOnlyList<SqlFragment> where)
    {
        for (var i = 0; i < where.Count; i++)
        {
            sb.Append(i == 0 ? " WHERE (" : " AND (").Append(where[i].Sql).Append(')');
            args.AddRange(where[i].Args);
        }
    }

    /// <summary>A SELECT as a derived table named <paramref name="alias"/> (quoted).</summary>
    SqlFragment Derived(SqlFragment select, string alias) => SqlFragment.Concat("(", select, ") AS " + alias);

    /// <summary>A table (or other FROM item) under the name <paramref name="alias"/> (quoted).</summary>
    SqlFragment Aliased(SqlFragment source, string alias) => new(source.Sql + " AS " + alias, source.Args);

    /// <summary>Every pair of rows of two FROM items.</summary>
    SqlFragment CrossJoin(SqlFragment left, SqlFragment right) => new(left.Sql + " CROSS JOIN " + right.Sql, [.. left.Args, .. right.Args]);

    /// <summary>The natural join of two FROM items on the named columns.</summary>
    SqlFragment JoinUsing(SqlFragment left, SqlFragment right, IReadOnlyList<string> columns) =>
        new(left.Sql + " JOIN " + right.Sql + " USING (" + string.Join(",", columns.Select(Quote)) + ")", [.. left.Args, .. right.Args]);

    /// <summary>
    /// The left join of two FROM items on the named columns (every row of <paramref name="left"/>, NULLs where nothing
    /// matches); without columns, every row of <paramref name="left"/> with every row of <paramref name="right"/>.
    /// </summary>
    SqlFragment LeftJoinUsing(SqlFragment left, SqlFragment right, IReadOnlyList<string> columns) =>
        new(left.Sql + " LEFT JOIN " + right.Sql + (columns.Count == 0 ? " ON TRUE" : " USING (" + string.Join(",", columns.Select(Quote)) + ")"),
            [.. left.Args, .. right.Args]);

    /// <summary>The distinct rows of two SELECTs with the same columns, as a derived table named <paramref name="alias"/> (quoted).</summary>
    SqlFragment Union(SqlFragment first, SqlFragment second, string alias) =>
        new("((" + first.Sql + ") UNION (" + second.Sql + ")) AS " + alias, [.. first.Args, .. second.Args]);

    /// <summary>True when the SELECT returns a row, as a statement of its own.</summary>
    SqlFragment SelectExists(SqlFragment select) => SqlFragment.Concat("SELECT EXISTS(", select, ")");

    /// <summary>The SQL literal NULL (a projected column without a value).</summary>
    string Null => "NULL";

    /// <summary>A computed column's expression as written by the user, parenthesized.</summary>
    string Expression(string sql) => sql.Length > 1 && sql[0] == '(' ? sql : "(" + sql + ")";

    /// <summary>A condition that no row satisfies.</summary>
    SqlFragment AlwaysFalse => new("FALSE", []);

    /// <summary>The negation of a condition.</summary>
    SqlFragment Not(SqlFragment condition) => SqlFragment.Concat("NOT (", condition, ")");

    /// <summary>True when the SELECT returns a row.</summary>
    SqlFragment Exists(SqlFragment select) => SqlFragment.Concat("EXISTS (", select, ")");

    /// <summary>True when the (tuple of) columns is among the rows of the SELECT.</summary>
    SqlFragment In(IReadOnlyList<string> columnSql, SqlFragment select) =>
        SqlFragment.Concat((columnSql.Count == 1 ? columnSql[0] : "(" + string.Join(",", columnSql) + ")") + " IN (", select, ")");

    /// <summary>True when the (tuple of) columns equals one of the rows of values: <c>(a,b) IN ((?,?),(?,?))</c>.</summary>
    SqlFragment InList(IReadOnlyList<string> columnSql, IReadOnlyList<object?[]> rows)
    {
        var sb = new System.Text.StringBuilder(columnSql.Count == 1 ? columnSql[0] : "(" + string.Join(",", columnSql) + ")").Append(" IN (");
        var args = new List<object?>();
        var tuple = columnSql.Count == 1 ? Parameter : "(" + string.Join(",", Enumerable.Repeat(Parameter, columnSql.Count)) + ")";
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(tuple);
            args.AddRange(rows[i]);
        }
        return new SqlFragment(sb.Append(')').ToString(), args.ToArray());
    }

    /// <summary>The operator joining comparisons into a conjunction (<c>a=? AND b IS NULL</c>).</summary>
    string AndOperator => " AND ";

    /// <summary>All of the conditions.</summary>
    SqlFragment And(IReadOnlyList<SqlFragment> conditions) => SqlFragment.Join(" AND ", conditions);

    /// <summary>Any of the conditions.</summary>
    SqlFragment Or(IReadOnlyList<SqlFragment> conditions) => SqlFragment.Join(" OR ", conditions);

    /// <summary>The expression is SQL NULL.</summary>
    string IsNull(string expression) => expression + " IS NULL";

    /// <summary>The expression is not SQL NULL.</summary>
    string IsNotNull(string expression) => expression + " IS NOT NULL";

    /// <summary>The expression equals the next positional parameter.</summary>
    string EqualsParameter(string expression) => expression + "=" + Parameter;

    // ------------------------------------------------------------------ writes (standard SQL)

    /// <summary><c>DELETE FROM table [WHERE condition]</c>.</summary>
    SqlFragment Delete(string database, string table, SqlFragment? where) =>
        where is null ? new SqlFragment("DELETE FROM " + QualifiedName(database, table), []) : SqlFragment.Concat("DELETE FROM " + QualifiedName(database, table) + " WHERE ", where, "");

    /// <summary>
    /// <c>INSERT INTO table (columns) SELECT ...</c> (DataJoint's insert from a query, run on the server), with the mode's
    /// handling of existing keys (<see cref="InsertPrefix"/>, <see cref="InsertSuffix"/>).
    /// </summary>
    SqlFragment InsertSelect(string database, string table, IReadOnlyList<string> columns, IReadOnlyList<string> primaryKey,
        SqlFragment select, InsertMode mode)
    {
        var head = (mode == InsertMode.Replace ? "REPLACE" : "INSERT") + " INTO " + QualifiedName(database, table) +
                   " (" + string.Join(",", columns.Select(Quote)) + ") ";
        return SqlFragment.Concat(head, select, InsertSuffix(database, table, primaryKey, mode));
    }

    /// <summary>
    /// <c>UPDATE table SET a=?, b=DEFAULT WHERE condition</c>: one assignment per attribute, <see cref="DefaultValue"/> where
    /// <paramref name="values"/> holds <see cref="SqlDefault"/>.
    /// </summary>
    SqlFragment Update(string database, string table, IReadOnlyList<string> attributes, IReadOnlyList<object?> values, SqlFragment where)
    {
        var sb = new System.Text.StringBuilder("UPDATE ").Append(QualifiedName(database, table)).Append(" SET ");
        var args = new List<object?>();
        for (var i = 0; i < attributes.Count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Quote(attributes[i])).Append('=');
            if (values[i] is SqlDefault) sb.Append(DefaultValue);
            else { sb.Append(Parameter); args.Add(values[i]); }
        }
        sb.Append(" WHERE ").Append(where.Sql);
        args.AddRange(where.Args);
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary>Drops a table if it exists.</summary>
    string DropTable(string database, string table) => "DROP TABLE IF EXISTS " + QualifiedName(database, table);

    // ------------------------------------------------------------------ declaration and the ~lineage table

    /// <summary>Compiles a parsed definition into this server's CREATE TABLE statement and the table's lineage rows.</summary>
    DataJoint.Definitions.DeclareResult CompileTable(string database, string table, DataJoint.Definitions.TableDefinition definition,
        DataJoint.Definitions.IForeignKeyResolver parents, DataJoint.Definitions.IDeclareCodecTypeResolver codecs,
        DataJoint.Definitions.DeclareOptions? options = null);

    /// <summary>
    /// The heading and table comment a CREATE TABLE statement of <paramref name="table"/> would give, as the server
    /// reports them: declared under a scratch name, read back and dropped (so type spellings are the server's own).
    /// </summary>
    Task<(Heading Heading, string Comment)> ReadDeclaredHeadingAsync(DbConnection connection, string database, string table, string createSql,
        CancellationToken cancellationToken);

    /// <summary>Creates the database's <c>~lineage</c> table if it is missing.</summary>
    Task EnsureLineageTableAsync(DbConnection connection, string database, CancellationToken cancellationToken);

    /// <summary>The lineage of a table's attributes (attribute name → <c>schema.table.attribute</c>); empty without a <c>~lineage</c> table.</summary>
    Task<IReadOnlyDictionary<string, string>> ReadLineageAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken);

    /// <summary>Replaces a table's lineage rows.</summary>
    Task WriteLineageAsync(DbConnection connection, string database, string table, IReadOnlyList<DataJoint.Definitions.LineageRow> rows,
        CancellationToken cancellationToken);

    /// <summary>Removes a table's lineage rows (nothing when the database has no <c>~lineage</c> table).</summary>
    Task DeleteLineageAsync(DbConnection connection, string database, string table, CancellationToken cancellationToken);

    // ------------------------------------------------------------------ sessions

    /// <summary>The server's version text.</summary>
    string ServerVersionQuery => "SELECT VERSION()";
}
