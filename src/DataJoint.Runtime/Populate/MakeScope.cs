namespace DataJoint;

/// <summary>
/// Marks the code running inside a <c>Make</c> of one auto-populated table (flows with async calls), so that inserts
/// into that table are allowed there and refused elsewhere, as DataJoint Python refuses them outside <c>make</c>.
/// </summary>
internal sealed class MakeScope : IDisposable
{
    private static readonly AsyncLocal<MakeScope?> Current = new();
    private readonly MakeScope? _outer;

    private MakeScope(string database, string table)
    {
        Database = database;
        Table = table;
        _outer = Current.Value;
        Current.Value = this;
    }

    public string Database { get; }
    public string Table { get; }

    /// <summary>Enters the scope of a make of <paramref name="target"/> until disposed.</summary>
    public static MakeScope Enter(Table target) => new(target.Database, target.Name);

    public void Dispose() => Current.Value = _outer;

    /// <summary>
    /// Throws unless an insert into <paramref name="table"/> is allowed here: parts, manual and lookup tables always; an
    /// auto-populated master only inside its own make or with <see cref="InsertOptions.AllowDirectInsert"/>.
    /// </summary>
    public static void CheckInsert(Table table, InsertOptions options)
    {
        if (table.Tier is not (TableTier.Computed or TableTier.Imported) || options.AllowDirectInsert) return;
        if (Current.Value is { } scope && scope.Database == table.Database && scope.Table == table.Name) return;
        throw new DataJointException(
            $"Inserts into an auto-populated table can only be done inside its make method during a populate call ({table.FullName}). " +
            "To override, set InsertOptions.AllowDirectInsert = true (Python: allow_direct_insert=True).");
    }
}
