using System.Data.Common;

namespace DataJoint;

/// <summary>SQL text with its positional arguments, composed without renumbering.</summary>
internal sealed record SqlFragment(string Sql, object?[] Args)
{
    public static SqlFragment Concat(string before, SqlFragment inner, string after) =>
        new(before + inner.Sql + after, inner.Args);

    public static SqlFragment Join(string separator, IReadOnlyList<SqlFragment> parts, string open = "(", string close = ")")
    {
        var sb = new System.Text.StringBuilder();
        var args = new List<object?>();
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) sb.Append(separator);
            sb.Append(open).Append(parts[i].Sql).Append(close);
            args.AddRange(parts[i].Args);
        }
        return new SqlFragment(sb.ToString(), args.ToArray());
    }

    /// <summary>A command running this fragment on <paramref name="connection"/> (in <paramref name="transaction"/>, if any).</summary>
    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction = null)
    {
        var cmd = connection.CreateCommand();
        cmd.CommandText = Sql;
        SqlLog.Statement(connection, Sql);
        cmd.Transaction = transaction;
        foreach (var a in Args)
        {
            var p = cmd.CreateParameter();
            p.Value = a ?? DBNull.Value;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
