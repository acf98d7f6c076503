using System.Text;

namespace DataJoint.Introspection;

/// <summary>
/// Reconstructs a table's definition text from the server's catalogue, as DataJoint Python's <c>describe</c> does: the
/// table comment, primary-key attributes, <c>---</c>, the other attributes; foreign keys as <c>-&gt; Parent</c> where
/// their attributes stand (<c>-&gt; [nullable] Parent</c>, <c>-&gt; [unique] Parent</c>, renamed ones as
/// <c>-&gt; Parent.proj(new="old")</c>), DataJoint types from the column markers (<c>int32</c>, <c>&lt;blob@main&gt;</c>),
/// defaults, comments, then the indexes that belong to no foreign key. Parents in the same schema are named by class
/// name (<c>Session</c>, <c>Session.Trial</c>), others as <c>`db`.`table`</c>.
/// </summary>
public static class DefinitionWriter
{
    /// <summary>The definition text of <paramref name="table"/>, seen from <paramref name="catalog"/> (its schema).</summary>
    public static string Describe(TableInfo table, SchemaCatalog catalog) => Describe(table, catalog, forClass: false);

    /// <summary>
    /// <paramref name="forClass"/>: the text a C# table class declares — a part's reference to its master is
    /// <c>-&gt; master</c>, and a parent in another schema is <c>otherdb.ClassName</c> (the generator's cross-schema form).
    /// </summary>
    internal static string Describe(TableInfo table, SchemaCatalog catalog, bool forClass)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(catalog);
        var sb = new StringBuilder();
        if (table.Comment.Length > 0) sb.Append("# ").Append(table.Comment).Append('\n');
        var heading = table.Heading;
        var fks = heading.ForeignKeys;
        var emitted = new bool[fks.Count];
        var fkIndexes = new HashSet<IndexInfo>();
        var thusFar = new HashSet<string>(StringComparer.Ordinal);
        var inKey = true;
        foreach (var attr in heading.Attributes)
        {
            if (inKey && !attr.InPrimaryKey)
            {
                sb.Append("---\n");
                inKey = false;
            }
            thusFar.Add(attr.Name);
            var fromForeignKey = false;
            for (var i = 0; i < fks.Count; i++)
            {
                var fk = fks[i];
                if (!fk.Columns.Contains(attr.Name)) continue;
                fromForeignKey = true;
                if (emitted[i] || !fk.Columns.All(thusFar.Contains)) continue;
                emitted[i] = true;
                var index = table.Indexes.FirstOrDefault(x => x.Columns.SequenceEqual(fk.Columns));
                if (index is not null) fkIndexes.Add(index);
                var props = new List<string>();
                if (fk.Columns.Any(c => heading.TryGet(c, out var a) && a.IsNullable)) props.Add("nullable");
                if (index is { IsUnique: true }) props.Add("unique");
                sb.Append("->");
                if (props.Count > 0) sb.Append(" [").Append(string.Join(", ", props)).Append(']');
                sb.Append(' ').Append(forClass && table.MasterName == fk.ParentTable && fk.ParentDatabase == table.Database
                    ? "master"
                    : forClass && fk.ParentDatabase != table.Database
                        ? fk.ParentDatabase + "." + TableInfo.Classify(fk.ParentTable).ClassName
                        : catalog.ReferenceName(fk.ParentDatabase, fk.ParentTable));
                var renames = fk.Columns.Zip(fk.ParentColumns).Where(p => p.First != p.Second).ToList();
                if (renames.Count > 0)
                    sb.Append(".proj(").Append(string.Join(", ", renames.Select(p => $"{p.First}=\"{p.Second}\""))).Append(')');
                sb.Append('\n');
            }
            if (!fromForeignKey) sb.Append(AttributeLine(attr)).Append('\n');
        }
        foreach (var index in table.Indexes)
        {
            if (fkIndexes.Contains(index)) continue;
            // The server's own index for a foreign key whose columns an explicit index does not cover.
            if (!index.IsUnique && fks.Any(fk => fk.Columns.SequenceEqual(index.Columns))) continue;
            sb.Append(index.IsUnique ? "unique index (" : "index (").Append(string.Join(", ", index.Columns)).Append(")\n");
        }
        return sb.ToString();
    }

    private static string AttributeLine(HeadingAttribute a)
    {
        var name = a.IsNullable ? a.Name + "=null" : a.Default is { } d ? a.Name + "=" + DefaultText(d, a.Kind) : a.Name;
        var type = (a.OriginalType ?? a.SqlType) + (a.IsAutoIncrement ? " auto_increment" : "");
        var line = $"{name,-20} : {type,-28} " + (a.Comment.Length > 0 ? "# " + a.Comment : "");
        return line.TrimEnd();
    }

    /// <summary>
    /// A server default as a definition writes it: <c>CURRENT_TIMESTAMP</c> as is, numbers bare, every other value in
    /// double quotes (the server reports string, date and enum defaults without quotes).
    /// </summary>
    private static string DefaultText(string serverDefault, AttributeKind kind)
    {
        var d = serverDefault;
        if (d.StartsWith("current_timestamp", StringComparison.OrdinalIgnoreCase))
        {
            var rest = d["current_timestamp".Length..];
            return "CURRENT_TIMESTAMP" + (rest is "" or "()" ? "" : rest);
        }
        if (kind is AttributeKind.Int8 or AttributeKind.Int16 or AttributeKind.Int32 or AttributeKind.Int64 or AttributeKind.UInt8
            or AttributeKind.UInt16 or AttributeKind.UInt32 or AttributeKind.UInt64 or AttributeKind.Float32 or AttributeKind.Float64
            or AttributeKind.Decimal or AttributeKind.Bool)
            return d;
        if (d.Length >= 2 && d[0] == '\'' && d[^1] == '\'') d = d[1..^1].Replace("''", "'", StringComparison.Ordinal);
        return "\"" + d.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }
}
