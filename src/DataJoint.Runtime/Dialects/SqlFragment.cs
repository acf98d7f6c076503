using System.Data.Common;
using System.Globalization;
using System.Text;

namespace DataJoint.Dialects;

/// <summary>SQL text with its positional arguments, composed without renumbering.</summary>
internal sealed record SqlFragment(string Sql, object?[] Args)
{
    public static SqlFragment Concat(string before, SqlFragment inner, string after) =>
        new(before + inner.Sql + after, inner.Args);

    public static SqlFragment Join(string separator, IReadOnlyList<SqlFragment> parts, string open = "(", string close = ")")
    {
        var sb = new StringBuilder();
        var args = new List<object?>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) sb.Append(separator);
            sb.Append(open).Append(parts[i].Sql).Append(close);
            args.AddRange(parts[i].Args);
        }
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary>The statement text as sent: derived-table aliases numbered in order of appearance (<see cref="AliasNames"/>).</summary>
    public string Text => AliasNames.Number(Sql);

    /// <summary>A command running this fragment on <paramref name="connection"/> (in <paramref name="transaction"/>, if any).</summary>
    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = Text;
        SqlLog.Statement(connection, cmd.CommandText);
        cmd.Transaction = transaction;
        foreach (var a in Args)
        {
            var p = cmd.CreateParameter();
            p.Value = a ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>
    /// A batch running <paramref name="statements"/> in order in one round trip (the provider sends them as one
    /// multi-statement query); the server stops at the first statement that fails.
    /// </summary>
    public static DbBatch CreateBatch(DbConnection connection, IReadOnlyList<SqlFragment> statements)
    {
        var batch = connection.CreateBatch();
        foreach (var statement in statements)
        {
            var cmd = batch.CreateBatchCommand();
            cmd.CommandText = statement.Text;
            SqlLog.Statement(connection, cmd.CommandText);
            foreach (var a in statement.Args)
            {
                var p = cmd.CreateParameter();
                p.Value = a ?? DBNull.Value;
                cmd.Parameters.Add(p);
            }
            batch.BatchCommands.Add(cmd);
        }
        return batch;
    }
}

/// <summary>
/// Names of derived tables (<c>(SELECT ...) AS `$1`</c>). A query's parts are rendered when its operators run, so an alias
/// is first a placeholder unique in the process; when a statement is sent (or shown by <c>ToSql</c>) the placeholders
/// are numbered in order of appearance, <c>$0</c>, <c>$1</c>… in hexadecimal as DataJoint Python names them. The
/// same query therefore always gives the same text.
/// </summary>
internal static class AliasNames
{
    private const char Open = '\u0001';
    private const char Close = '\u0002';
    private static long _next;

    /// <summary>A new alias placeholder (quote it like any identifier).</summary>
    public static string Next() =>
        Open + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture) + Close;

    /// <summary>Replaces the placeholders of one statement by <c>$0</c>, <c>$1</c>… in order of appearance.</summary>
    public static string Number(string sql)
    {
        var start = sql.IndexOf(Open, StringComparison.Ordinal);
        if (start < 0) return sql;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var sb = new StringBuilder(sql.Length);
        var pos = 0;
        while (start >= 0)
        {
            var end = sql.IndexOf(Close, start + 1);
            if (end < 0) break;
            sb.Append(sql, pos, start - pos);
            var token = sql.Substring(start + 1, end - start - 1);
            if (!names.TryGetValue(token, out var name))
                names[token] = name = "$" + names.Count.ToString("x", CultureInfo.InvariantCulture);
            sb.Append(name);
            pos = end + 1;
            start = sql.IndexOf(Open, pos);
        }
        sb.Append(sql, pos, sql.Length - pos);
        return sb.ToString();
    }
}
