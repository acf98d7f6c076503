namespace DataJoint;

/// <summary>Lists the differences between two table headings (used when re-declaring an existing table).</summary>
internal static class HeadingDiff
{
    public static List<string> Compare(Heading existing, Heading declared)
    {
        var diffs = new List<string>();
        var oldCols = existing.AllAttributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var newCols = declared.AllAttributes.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (var a in declared.AllAttributes)
            if (!oldCols.ContainsKey(a.Name)) diffs.Add($"attribute `{a.Name}` ({a.Type}) is in the definition but not in the table");
        foreach (var a in existing.AllAttributes)
            if (!newCols.ContainsKey(a.Name)) diffs.Add($"attribute `{a.Name}` ({a.Type}) is in the table but not in the definition");
        foreach (var n in declared.AllAttributes)
        {
            if (!oldCols.TryGetValue(n.Name, out var o)) continue;
            if (o.SqlType != n.SqlType) diffs.Add($"`{n.Name}` has SQL type {o.SqlType} in the table but {n.SqlType} in the definition");
            if (o.Type != n.Type) diffs.Add($"`{n.Name}` has type {o.Type} in the table but {n.Type} in the definition");
            if (o.InPrimaryKey != n.InPrimaryKey)
                diffs.Add($"`{n.Name}` is {(o.InPrimaryKey ? "" : "not ")}in the primary key of the table but {(n.InPrimaryKey ? "" : "not ")}in the definition's");
            if (o.IsNullable != n.IsNullable)
                diffs.Add($"`{n.Name}` is {(o.IsNullable ? "nullable" : "not nullable")} in the table but {(n.IsNullable ? "nullable" : "not nullable")} in the definition");
            if (o.Default != n.Default) diffs.Add($"`{n.Name}` has default {o.Default ?? "none"} in the table but {n.Default ?? "none"} in the definition");
            if (o.Comment != n.Comment) diffs.Add($"`{n.Name}` has comment \"{o.Comment}\" in the table but \"{n.Comment}\" in the definition");
        }
        if (diffs.Count == 0)
        {
            var oldOrder = string.Join(",", existing.AllAttributes.Select(a => a.Name));
            var newOrder = string.Join(",", declared.AllAttributes.Select(a => a.Name));
            if (oldOrder != newOrder) diffs.Add($"attribute order differs: table ({oldOrder}), definition ({newOrder})");
        }
        static string Fk(ForeignKeyInfo f) =>
            $"({string.Join(",", f.Columns)}) -> {f.ParentDatabase}.{f.ParentTable}({string.Join(",", f.ParentColumns)})";
        var oldFks = existing.ForeignKeys.Select(Fk).ToHashSet();
        var newFks = declared.ForeignKeys.Select(Fk).ToHashSet();
        foreach (var f in newFks.Except(oldFks)) diffs.Add($"foreign key {f} is in the definition but not in the table");
        foreach (var f in oldFks.Except(newFks)) diffs.Add($"foreign key {f} is in the table but not in the definition");
        return diffs;
    }
}
