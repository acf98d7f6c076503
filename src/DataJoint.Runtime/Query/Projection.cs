using System.Text.RegularExpressions;

namespace DataJoint;

// Projection (DataJoint's `proj`): which attributes a query returns, renamed, copied or computed.
public partial class QueryExpression
{
    [GeneratedRegex(@"^\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*$", RegexOptions.Singleline)]
    private static partial Regex NamedItem();

    [GeneratedRegex(@"^\s*([A-Za-z_]\w*)\s*$")]
    private static partial Regex RenameSource();

    [GeneratedRegex(@"^\s*\(\s*([A-Za-z_]\w*)\s*\)\s*$")]
    private static partial Regex CopySource();

    // SQL constants that look like names but are values (DataJoint's CONSTANT_LITERALS): `x='NULL'` computes NULL.
    private static readonly HashSet<string> ConstantLiterals = new(StringComparer.OrdinalIgnoreCase)
    {
        "null", "true", "false", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
    };

    /// <summary>
    /// Projection: the primary key plus the listed attributes. Items: <c>"attr"</c>; <c>"..."</c> (every attribute);
    /// <c>"-attr"</c> (leave out a secondary attribute; a key attribute cannot be left out); <c>"new=old"</c> (rename,
    /// also of key attributes); <c>"new=(old)"</c> (a copy of <c>old</c> under a second name, with its type and codec);
    /// <c>"new=sql expression"</c> (a computed attribute, e.g. <c>"total=a+b"</c>; a JSON path <c>"age=meta.subject.age"</c>
    /// reads a json attribute).
    /// </summary>
    public QueryExpression Proj(params string[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var spec = ProjSpec.Parse(this, items);
        // A rename or computation built on an attribute that is itself renamed or computed, or any change to the select
        // list of a windowed or distinct query, needs the query as a derived table first.
        var wrap = (spec.Uses.Any(n => !IsPlain(ColumnOf(n))))
                   || ((Shape.Top is not null || Shape.Distinct) && (spec.Renames.Count > 0 || spec.Computed.Count > 0));
        return wrap ? Wrap().ProjCore(ProjSpec.Parse(this, items)) : ProjCore(spec);
    }

    /// <summary>A parsed projection: kept attributes, renames and copies (new → old), computations (new → SQL).</summary>
    private sealed record ProjSpec(HashSet<string> Keep, List<(string New, string Old, bool Copy)> Renames,
        List<(string Name, string Sql)> Computed, HashSet<string> Uses)
    {
        public static ProjSpec Parse(QueryExpression q, string[] items)
        {
            var heading = q.Heading;
            var keep = new HashSet<string>(StringComparer.Ordinal);
            var exclude = new HashSet<string>(StringComparer.Ordinal);
            var renames = new List<(string New, string Old, bool Copy)>();
            var computed = new List<(string Name, string Sql)>();
            var uses = new HashSet<string>(StringComparer.Ordinal);
            var all = false;
            foreach (var raw in items)
            {
                ArgumentNullException.ThrowIfNull(raw, nameof(items));
                var item = raw.Trim();
                if (item == "...") { all = true; continue; }
                if (item.StartsWith('-'))
                {
                    var n = item[1..].Trim();
                    if (q.PrimaryKeyNames.Contains(n)) throw new DataJointException($"Cannot exclude primary key attribute `{n}`");
                    if (!heading.Contains(n)) throw new DataJointException($"Attribute `{n}` not found.");
                    exclude.Add(n);
                    continue;
                }
                var m = NamedItem().Match(item);
                if (m.Success)
                {
                    var name = m.Groups[1].Value;
                    var source = m.Groups[2].Value;
                    if (RenameSource().Match(source) is { Success: true } r && !ConstantLiterals.Contains(source.Trim()))
                    {
                        var old = r.Groups[1].Value;
                        if (!heading.Contains(old)) throw new DataJointException($"Attribute `{old}` not found.");
                        renames.Add((name, old, false));
                        uses.Add(old);
                    }
                    else if (CopySource().Match(source) is { Success: true } c && heading.Contains(c.Groups[1].Value))
                    {
                        renames.Add((name, c.Groups[1].Value, true));
                        uses.Add(c.Groups[1].Value);
                    }
                    else
                    {
                        computed.Add((name, q.ComputedSql(source, uses)));
                    }
                    continue;
                }
                if (!heading.Contains(item)) throw new DataJointException($"Attribute `{item}` not found.");
                keep.Add(item);
            }
            // The primary key always stays (a key attribute that is renamed moves to its new name).
            var renamedAway = renames.Where(r => !r.Copy).Select(r => r.Old).ToHashSet(StringComparer.Ordinal);
            foreach (var k in q.PrimaryKeyNames) if (!renamedAway.Contains(k)) keep.Add(k);
            if (all)
                foreach (var n in heading.Names)
                    if (!q.PrimaryKeyNames.Contains(n) && !renamedAway.Contains(n)) keep.Add(n);
            keep.ExceptWith(exclude);
            // A new name may not clash with any other selected, renamed or computed name.
            var seen = new HashSet<string>(keep, StringComparer.Ordinal);
            foreach (var n in renames.Select(r => r.New).Concat(computed.Select(c => c.Name)))
                if (!seen.Add(n)) throw new DataJointException($"Attribute `{n}` already exists");
            return new ProjSpec(keep, renames, computed, uses);
        }
    }

    /// <summary>
    /// A computed attribute's SQL: a JSON path <c>attr.path[:type]</c> of a json attribute becomes the dialect's
    /// <c>json_value</c>, anything else is the expression as written, parenthesized. Attributes it names go to <paramref name="uses"/>.
    /// </summary>
    private string ComputedSql(string source, HashSet<string> uses)
    {
        var text = source.Trim();
        if (RestrictionKey.TryParse(text, out var key, out _) && key.Path is not null && Heading.TryGet(key.Attribute, out var attr)
            && attr.Kind == AttributeKind.Json)
        {
            uses.Add(key.Attribute);
            return Dialect.JsonValue(ColumnSql(key.Attribute), key.Path, key.ReturnType);
        }
        foreach (var n in ConditionBuilder.ColumnNames(text))
            if (Heading.Contains(n)) uses.Add(n);
        return Dialect.Expression(text);
    }

    private QueryExpression ProjCore(ProjSpec spec)
    {
        // Heading order: each kept attribute in place, its renames and copies right after it, computations last.
        var cols = new List<Column>();
        foreach (var c in Columns)
        {
            if (spec.Keep.Contains(c.Name)) cols.Add(c);
            foreach (var (newName, old, _) in spec.Renames)
                if (old == c.Name) cols.Add(c with { Name = newName });
        }
        foreach (var (name, sql) in spec.Computed)
            cols.Add(new Column(name, sql, new HeadingAttribute
            {
                Name = name, SqlType = "expression", Type = "expression", Kind = AttributeKind.Other, IsNullable = true,
            }));
        var pk = new List<string>();
        foreach (var k in PrimaryKeyNames)
        {
            if (spec.Keep.Contains(k)) pk.Add(k);
            foreach (var (newName, old, copy) in spec.Renames)
                if (old == k && !copy) pk.Add(newName);
        }
        return new QueryExpression(Connection, Dialect, Shape with { Columns = cols, PrimaryKey = pk }, Stores);
    }
}
