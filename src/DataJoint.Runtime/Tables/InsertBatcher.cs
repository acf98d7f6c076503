using System.Collections.Concurrent;
using System.Data.Common;
using System.Text;

namespace DataJoint;

/// <summary>
/// Writes the prepared rows of one insert as multi-row statements: at most <see cref="InsertOptions.MaxRowsPerStatement"/>
/// rows each and under the server's packet limit, all in the insert's transaction, with one statement running on the
/// server while the next one is built.
/// </summary>
internal static class InsertBatcher
{
    private static readonly ConcurrentDictionary<string, long> MaxStatementBytes = new(StringComparer.Ordinal);

    /// <summary>One statement: its SQL and the rows it writes (<paramref name="Count"/> rows of <paramref name="Rows"/> from <paramref name="First"/>).</summary>
    internal readonly record struct Statement(string Sql, PreparedRows Rows, int First, int Count)
    {
        /// <summary>The statement's arguments in placeholder order: the rows' values, except those sent as <c>DEFAULT</c>.</summary>
        public IEnumerable<object?> Args
        {
            get
            {
                for (var r = First; r < First + Count; r++)
                    foreach (var v in Rows.Rows[r])
                        if (!ReferenceEquals(v, SqlDefault.Instance)) yield return v;
            }
        }
    }

    /// <summary>Bytes kept free of the server's packet limit for the driver's packet framing.</summary>
    private const long PacketHeadroom = 4096;

    /// <summary>
    /// Builds the statements of one insert, each under <paramref name="maxBytes"/> and at most <paramref name="maxRows"/>
    /// rows. A row larger than <paramref name="maxBytes"/> goes alone into a statement when it fits
    /// <paramref name="packetLimit"/> (the server's <c>max_allowed_packet</c>; default <paramref name="maxBytes"/>), and is
    /// refused naming that limit when it does not.
    /// </summary>
    public static IEnumerable<Statement> Statements(Table table, PreparedRows prepared, InsertMode mode, long maxBytes, int maxRows = int.MaxValue,
        long? packetLimit = null)
    {
        var limit = packetLimit ?? maxBytes;
        var dialect = table.Dialect;
        // The statement text around the value tuples is the row shape's, made once per table and shape.
        var prefix = prepared.Shape?.Prefix(mode) ?? dialect.InsertPrefix(table.Database, table.Name, prepared.Fields, mode);
        var suffix = prepared.Shape?.Suffix(mode) ?? dialect.InsertSuffix(table.Database, table.Name, table.TableHeading.PrimaryKey, mode);
        var fixedBytes = Encoding.UTF8.GetByteCount(prefix) + Encoding.UTF8.GetByteCount(suffix) + 64;
        var budget = maxBytes - fixedBytes;
        var hardBudget = packetLimit is { } packet ? packet - PacketHeadroom - fixedBytes : budget;
        var param = dialect.Parameter;
        var def = dialect.DefaultValue;
        var width = prepared.Fields.Length;
        // Sized for the placeholders of the first statement's rows (at most 1024 characters more; it grows if needed).
        var tuple = width * (Math.Max(param.Length, def.Length) + 1) + 2;
        var sb = new StringBuilder(prefix.Length + suffix.Length + (int)Math.Min(1024L, (long)Math.Min(prepared.Rows.Count, maxRows) * tuple));
        var rowsInBatch = 0;
        long batchBytes = 0;
        for (var r = 0; r < prepared.Rows.Count; r++)
        {
            var rowBytes = prepared.RowBytes[r] + width * 2;
            if (rowsInBatch > 0 && (batchBytes + rowBytes > budget || rowsInBatch >= maxRows))
            {
                sb.Append(suffix);
                yield return new Statement(sb.ToString(), prepared, r - rowsInBatch, rowsInBatch);
                sb.Clear();
                rowsInBatch = 0;
                batchBytes = 0;
            }
            if (rowsInBatch == 0) sb.Append(prefix);
            else sb.Append(',');
            if (rowBytes > hardBudget)
                throw new DataJointException(
                    $"Insert into {table.FullName}: row {r} needs about {rowBytes} bytes in its INSERT statement, more than the server's " +
                    $"max_allowed_packet ({limit} bytes). Raise max_allowed_packet on the server, or store the large values in an " +
                    "object store (<blob@store>, <attach@store>).")
                {
                    Schema = table.Database,
                    Table = table.Name,
                };
            var row = prepared.Rows[r];
            sb.Append('(');
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) sb.Append(',');
                if (ReferenceEquals(row[i], SqlDefault.Instance)) sb.Append(def);
                else sb.Append(param);
            }
            sb.Append(')');
            rowsInBatch++;
            batchBytes += rowBytes;
        }
        if (rowsInBatch > 0)
        {
            sb.Append(suffix);
            yield return new Statement(sb.ToString(), prepared, prepared.Rows.Count - rowsInBatch, rowsInBatch);
        }
    }

    /// <summary>
    /// Runs the statements on <paramref name="connection"/> in <paramref name="transaction"/>. A failure is translated
    /// (duplicate key, foreign key...) and rethrown once no statement is running; rolling back is the caller's.
    /// </summary>
    public static async Task WriteAsync(Table table, DbConnection connection, DbTransaction? transaction, PreparedRows prepared,
        InsertOptions options, CancellationToken cancellationToken)
    {
        var max = await GetMaxStatementBytesAsync(table, connection, cancellationToken).ConfigureAwait(false);
        // Statements of many rows stay under 16 MiB (measured faster); one larger row gets a statement of its own, up to
        // the server's max_allowed_packet.
        var budget = Math.Min(max - PacketHeadroom, 16L * 1024 * 1024);
        // One statement runs on the server while the next one is built here: the client's work overlaps the server's.
        Task<int>? pending = null;
        DbCommand? pendingCommand = null;
        try
        {
            foreach (var statement in Statements(table, prepared, options.Mode, budget, options.MaxRowsPerStatement, max))
            {
                var cmd = connection.CreateCommand();
                cmd.Transaction = transaction;
                cmd.CommandText = statement.Sql;
                SqlLog.Statement(connection, statement.Sql);
                var ps = cmd.Parameters;
                foreach (var a in statement.Args)
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
        }
        catch (Exception ex)
        {
            if (pending is { IsCompleted: false })
            {
                try { await pending.ConfigureAwait(false); }
                catch (DbException) { /* reported through ex */ }
            }
            if (table.Dialect.TranslateError(ex, $"insert into {table.FullName}", table.Database, table.Name) is { } dj) throw dj;
            throw;
        }
        finally
        {
            if (pendingCommand is not null) await pendingCommand.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<long> GetMaxStatementBytesAsync(Table table, DbConnection connection, CancellationToken cancellationToken)
    {
        var key = table.Connection.ServerKey;
        if (MaxStatementBytes.TryGetValue(key, out var v)) return v;
        v = await table.Dialect.GetMaxStatementBytesAsync(connection, cancellationToken).ConfigureAwait(false);
        MaxStatementBytes[key] = v;
        return v;
    }
}
