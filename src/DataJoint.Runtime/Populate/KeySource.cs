namespace DataJoint;

/// <summary>
/// The default key source of an auto-populated table (DataJoint Python's <c>key_source</c>): the join of the parents its
/// primary key references, each projected to its primary key, with renamed foreign keys (<c>-&gt; Parent.proj(x='id')</c>)
/// projected back to the child's names.
/// </summary>
internal static class KeySource
{
    public static async Task<QueryExpression> DefaultAsync(Table target, CancellationToken cancellationToken)
    {
        var heading = target.TableHeading;
        var primary = heading.ForeignKeys
            .Where(fk => fk.Columns.All(c => heading.TryGet(c, out var a) && a.InPrimaryKey))
            .ToList();
        if (primary.Count == 0)
            throw new DataJointException(
                $"A table must have dependencies from its primary key for auto-populate to work ({target.FullName} has none).");
        QueryExpression? result = null;
        await using var conn = await target.Connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var fk in primary)
        {
            var parentHeading = await target.Dialect.ReadHeadingAsync(conn, fk.ParentDatabase, fk.ParentTable, cancellationToken).ConfigureAwait(false)
                                ?? throw new MissingTableException(
                                    $"The table {target.Dialect.QualifiedName(fk.ParentDatabase, fk.ParentTable)} (a parent of {target.FullName}) is not defined.", null);
            var parent = new Table(target.Connection, target.Dialect, fk.ParentDatabase, fk.ParentTable, parentHeading, stores: target.Stores);
            var renames = fk.Columns.Select((child, i) => (Child: child, Parent: fk.ParentColumns[i]))
                .Where(p => p.Child != p.Parent).Select(p => p.Child + "=" + p.Parent).ToArray();
            var projected = parent.Proj(renames);
            result = result is null ? projected : result.Join(projected);
        }
        return result!;
    }
}
