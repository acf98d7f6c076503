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
        // Opens only: a job table is read where it exists, never declared.
        var schema = await Schema.OpenAsync(connection, database, cancellationToken: ct);
        var all = await schema.ListTablesAsync(includeInternal: true, ct);
        var result = new List<Queue>();
        foreach (var name in all.Where(t => t.StartsWith("~~", StringComparison.Ordinal)))
        {
            var table = await schema.OpenTableAsync(name, ct);
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var status in Statuses)
                counts[status] = await (table & $"`status`='{status}'").CountAsync(ct);
            // "~~" + target name without its leading underscores: a Computed (__x) or an Imported (_x) table.
            var bare = name[2..];
            var target = all.Contains("__" + bare) ? "__" + bare : all.Contains("_" + bare) ? "_" + bare : "?";
            result.Add(new Queue(name, target, counts));
        }
        return result;
    }
}
