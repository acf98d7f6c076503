namespace DataJoint;

/// <summary>A foreign key of a table: its columns and the parent columns they reference, in constraint order.</summary>
/// <param name="Columns">Child columns.</param>
/// <param name="ParentDatabase">Database of the referenced table.</param>
/// <param name="ParentTable">SQL name of the referenced table.</param>
/// <param name="ParentColumns">Referenced columns, aligned with <paramref name="Columns"/>.</param>
public sealed record ForeignKeyInfo(
    IReadOnlyList<string> Columns, string ParentDatabase, string ParentTable, IReadOnlyList<string> ParentColumns);

/// <summary>A secondary index of a table (the primary key is not one).</summary>
/// <param name="Name">The server's index name.</param>
/// <param name="Columns">Indexed columns in index order.</param>
/// <param name="IsUnique">True for a <c>UNIQUE</c> index.</param>
public sealed record IndexInfo(string Name, IReadOnlyList<string> Columns, bool IsUnique);

/// <summary>
/// The attributes of a table or query result, in column order. Hidden (<c>_</c>-prefixed) columns are kept
/// separately and never appear in <see cref="Attributes"/>.
/// </summary>
public sealed class Heading
{
    private readonly Dictionary<string, HeadingAttribute> _byName;

    /// <summary>Creates a heading; <paramref name="all"/> may contain hidden columns.</summary>
    /// <param name="all">The columns in order, hidden ones included.</param>
    /// <param name="foreignKeys">The table's foreign keys (base tables only).</param>
    /// <param name="lineageAvailable">True when the attributes' <see cref="HeadingAttribute.Lineage"/> was read from a
    /// <c>~lineage</c> table (for a query: from every table it is built on).</param>
    public Heading(IEnumerable<HeadingAttribute> all, IReadOnlyList<ForeignKeyInfo>? foreignKeys = null, bool lineageAvailable = false)
    {
        LineageAvailable = lineageAvailable;
        var list = all.ToList();
        AllAttributes = list;
        Attributes = list.Where(a => !a.IsHidden).ToList();
        PrimaryKey = Attributes.Where(a => a.InPrimaryKey).Select(a => a.Name).ToList();
        Names = Attributes.Select(a => a.Name).ToList();
        ForeignKeys = foreignKeys ?? [];
        _byName = new Dictionary<string, HeadingAttribute>(StringComparer.Ordinal);
        foreach (var a in Attributes) _byName[a.Name] = a;
    }

    /// <summary>Visible attributes in column order.</summary>
    public IReadOnlyList<HeadingAttribute> Attributes { get; }
    /// <summary>All columns including hidden ones.</summary>
    public IReadOnlyList<HeadingAttribute> AllAttributes { get; }
    /// <summary>Names of the visible attributes.</summary>
    public IReadOnlyList<string> Names { get; }
    /// <summary>Names of the visible primary-key attributes in key order.</summary>
    public IReadOnlyList<string> PrimaryKey { get; }
    /// <summary>
    /// True when the lineage of the attributes is known (the schemas involved have a <c>~lineage</c> table); without it
    /// joins skip the semantic check, as DataJoint Python does.
    /// </summary>
    public bool LineageAvailable { get; }
    /// <summary>Foreign keys (only for base tables read from the database).</summary>
    public IReadOnlyList<ForeignKeyInfo> ForeignKeys { get; }

    /// <summary>Looks up a visible attribute by name.</summary>
    public bool TryGet(string name, out HeadingAttribute attribute) => _byName.TryGetValue(name, out attribute!);

    /// <summary>True when a visible attribute has this name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The visible attribute with this name.</summary>
    public HeadingAttribute this[string name] =>
        _byName.TryGetValue(name, out var a) ? a : throw new DataJointException($"`{name}` is not in the heading");

    /// <inheritdoc />
    public override string ToString() =>
        string.Join(", ", Attributes.Select(a => (a.InPrimaryKey ? "*" : "") + a.Name + " : " + a.Type));
}
