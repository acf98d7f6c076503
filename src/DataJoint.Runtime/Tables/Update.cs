namespace DataJoint;

// update1: the corrective change of one existing row (DataJoint's Table.update1).
public partial class Table
{
    /// <summary>
    /// Changes attributes of one existing row (DataJoint's <c>update1</c>): <paramref name="row"/> (a dictionary or an
    /// object with properties) gives the full primary key and the attributes to set; a null value resets the attribute
    /// to its default (<c>SET a=DEFAULT</c>, as Python's <c>None</c>). Values are checked as an insert checks them and codec
    /// values are encoded (and uploaded) with the row's key. Exactly one row must have the key. DataJoint's workflow
    /// inserts and deletes whole rows; an update is for corrections.
    /// </summary>
    public async Task Update1Async(object row, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (IsRestricted) throw Located(new DataJointException("Update cannot be applied to a restricted table."));
        var pairs = RowAccessor.Pairs(row).ToList();
        foreach (var (name, _) in pairs)
            if (!TableHeading.Contains(name)) throw Located(new DataJointException($"Attribute `{name}` not found.") { Attribute = name });
        var given = pairs.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        if (!PrimaryKeyNames.All(given.Contains))
            throw Located(new DataJointException("The argument of update1 must supply all primary key values."));
        var updated = pairs.Where(p => !TableHeading[p.Key].InPrimaryKey).ToList();
        if (updated.Count == 0)
            throw Located(new DataJointException($"update1 of {FullName}: the row has no attribute to update besides the primary key."));
        foreach (var (name, value) in updated)
            if (value is null or DBNull && !TableHeading[name].HasDefault)
                throw Located(new DataJointException(
                    $"update1 of {FullName}: `{name}` has no default (NOT NULL without a default), so null cannot reset it.") { Attribute = name });

        var key = Restrict(pairs.Where(p => TableHeading[p.Key].InPrimaryKey).ToDictionary(p => p.Key, p => p.Value));
        var where = key.RootCondition()!;
        await WriteAsync($"update1 of {FullName}", "the row may or may not have been updated. Fetch it to check before updating it again.", async operation =>
        {
            // The row must exist before anything is encoded or uploaded.
            if (await key.CountAsync(cancellationToken).ConfigureAwait(false) != 1)
                throw new DataJointException("Update can only be applied to one existing entry.");
            var options = new InsertOptions();
            var uploads = Stores is not null && CodecPlan.HasStoreBacked
                ? operation.TrackUploads(Stores, options.MaxParallelUploads, cancellationToken)
                : null;
            var plan = new InsertPlan(this, options, uploads, requireAll: false);
            plan.AddRows([pairs.ToDictionary(p => p.Key, p => p.Value)]);
            var prepared = await plan.FinishAsync(cancellationToken).ConfigureAwait(false);
            var names = new List<string>();
            var values = new List<object?>();
            for (var i = 0; i < prepared.Fields.Length; i++)
            {
                if (TableHeading[prepared.Fields[i]].InPrimaryKey) continue;
                names.Add(prepared.Fields[i]);
                values.Add(prepared.Rows[0][i]);
            }
            var (connection, transaction) = await operation.BeginAsync(cancellationToken, singleStatement: true).ConfigureAwait(false);
            await using var cmd = Dialect.Update(Database, Name, names, values, where).CreateCommand(connection, transaction);
            // Matched rows (MySqlConnector reports found, not changed, rows): 0 when the row vanished meanwhile.
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                throw new DataJointException("Update can only be applied to one existing entry.");
            return 1;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exception with this table's schema and name.</summary>
    private DataJointException Located(DataJointException ex)
    {
        ex.Locate(Database, Name);
        return ex;
    }
}
