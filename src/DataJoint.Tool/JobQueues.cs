using DataJoint;

namespace DataJoint.Tool;

/// <summary>
/// Reads the job tables of a schema as DataJoint Python 2.x defines them (spec §3.5): one <c>~~name</c> table per
/// auto-populated table, with a <c>status</c> of pending, reserved, success, error or ignore.
/// </summary>
internal static class JobQueues
{
    public static readonly string[] Statuses = ["pending", "reserved", "success", "error", "ignore"];

    public sealed record Queue(string Table, string Target, IReadOnlyDictionary<string, long> Counts);

    public static async Task<IReadOnlyList<Queue>> ReadAsync(DataJointConnection connection, string database, CancellationToken ct)
    {
        var schema = await Schema.OpenAsync(connection, database, cancellationToken: ct);
        await using var conn = await connection.OpenAsync(ct);
        var all = await schema.Dialect.ListTablesAsync(conn, database, ct);
        var result = new List<Queue>();
        foreach (var name in all.Where(t => t.StartsWith("~~", StringComparison.Ordinal)))
        {
            var counts = Statuses.ToDictionary(s => s, _ => 0L);
            await using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = $"SELECT `status`, COUNT(*) FROM {schema.Dialect.QualifiedName(database, name)} GROUP BY `status`";
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) counts[r.GetString(0)] = r.GetInt64(1);
            }
            // "~~" + target name without its leading underscores: a Computed (__x) or an Imported (_x) table.
            var bare = name[2..];
            var target = all.Contains("__" + bare) ? "__" + bare : all.Contains("_" + bare) ? "_" + bare : "?";
            result.Add(new Queue(name, target, counts));
        }
        return result;
    }
}
