using System.ComponentModel;

namespace DataJoint.Metadata;

/// <summary>
/// What the source generator knows about a <c>[Table]</c> class, emitted as static data so that
/// <see cref="Schema"/> declares and opens typed tables without reflection (trimming and NativeAOT keep working).
/// Built by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableMetadata
{
    /// <summary>Generated code calls this; every argument comes from the class and its definition.</summary>
    public TableMetadata(string className, TableTier tier, string definition, string? sqlName, string? schema,
        Func<TableMetadata>? master, IReadOnlyList<TableParent> parents, IReadOnlyList<string>? attributes = null, int keyCount = 0,
        Func<IEnumerable<object>>? contents = null)
    {
        _contents = contents;
        Attributes = attributes ?? [];
        KeyCount = keyCount;
        ClassName = className;
        Tier = tier;
        Definition = definition;
        SqlName = sqlName;
        Schema = schema;
        _master = master;
        Parents = parents;
    }

    private readonly Func<TableMetadata>? _master;
    private readonly Func<IEnumerable<object>>? _contents;

    /// <summary>The simple class name (<c>Session</c>; a part's own name, <c>Trial</c>).</summary>
    public string ClassName { get; }

    /// <summary>The tier from the base class.</summary>
    public TableTier Tier { get; }

    /// <summary>The definition constant.</summary>
    public string Definition { get; }

    /// <summary><c>[Table(Name = ...)]</c>: the SQL name of an existing table to open, or null.</summary>
    public string? SqlName { get; }

    /// <summary><c>[Table(Schema = ...)]</c>: the database the class is bound to, or null (the schema it is opened through).</summary>
    public string? Schema { get; }

    /// <summary>For parts: the master's metadata.</summary>
    public TableMetadata? Master => _master?.Invoke();

    /// <summary>The parents its foreign keys reference, each with the reference as written (<c>Subject</c>, <c>master</c>).</summary>
    public IReadOnlyList<TableParent> Parents { get; }

    /// <summary>
    /// The rows of the class's static <c>Contents</c> (DataJoint Python's <c>contents</c>), inserted when a Lookup class is
    /// first opened: its generated <c>Row</c> records as attribute dictionaries, other rows as written; null without one.
    /// </summary>
    public IEnumerable<object>? Contents => _contents?.Invoke();

    /// <summary>The name a schema registers the class under: <c>Session</c>, or <c>Session.Trial</c> for a part.</summary>
    public string RegistryName => _master is null ? ClassName : Master!.ClassName + "." + ClassName;

    /// <summary>
    /// The attributes of the generated <c>Row</c> (foreign keys resolved), primary key first, in heading order: the
    /// positions the generated mappers read and write.
    /// </summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>How many of <see cref="Attributes"/> form the primary key (the generated <c>Key</c>).</summary>
    public int KeyCount { get; }

    /// <summary>The metadata of <typeparamref name="T"/>.</summary>
    public static TableMetadata Of<T>() where T : ITableClass => T.Metadata;

    /// <summary>
    /// The metadata of <typeparamref name="T"/> when first asked for (a master or parent: classes may reference each
    /// other in any order), one delegate per class.
    /// </summary>
    public static Func<TableMetadata> Lazy<T>() where T : ITableClass => LazyOf<T>.Get;

    private static class LazyOf<T> where T : ITableClass
    {
        public static readonly Func<TableMetadata> Get = static () => T.Metadata;
    }
}

/// <summary>A parent of a generated table: the reference as its definition writes it, and the parent's metadata.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TableParent(string reference, Func<TableMetadata> table)
{
    /// <summary>The foreign key's reference (<c>Subject</c>, <c>Lab.Subject</c>, <c>subjects.Subject</c>, <c>master</c>).</summary>
    public string Reference { get; } = reference;

    /// <summary>The parent's metadata (resolved lazily: classes may reference each other in any order).</summary>
    public TableMetadata Table => table();
}

/// <summary>Implemented by the generator on every <c>[Table]</c> class: its static metadata.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ITableClass
{
    /// <summary>The class's table metadata.</summary>
    static abstract TableMetadata Metadata { get; }
}

/// <summary>Reads a table class's static <c>Contents</c> for its metadata (generated code calls it).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TableContents
{
    /// <summary>
    /// The rows of <paramref name="contents"/>: generated <typeparamref name="TRow"/> records become attribute dictionaries
    /// through the generated mapper (no reflection); dictionaries and other row objects are passed on as they are.
    /// </summary>
    /// <exception cref="DataJointException"><paramref name="contents"/> is not a collection of rows.</exception>
    public static IEnumerable<object> Rows<TTable, TRow, TKey>(object? contents)
        where TTable : DataJoint.UserTable, ITypedTable<TTable, TRow, TKey>
        where TRow : class
        where TKey : class => contents switch
    {
        null => [],
        string => throw new DataJointException($"{typeof(TTable).Name}.Contents must be a collection of rows, not a string"),
        System.Collections.IEnumerable rows => Map<TTable, TRow, TKey>(rows),
        _ => throw new DataJointException(
            $"{typeof(TTable).Name}.Contents must be a collection of rows (rows of its generated Row record, dictionaries or objects)"),
    };

    private static IEnumerable<object> Map<TTable, TRow, TKey>(System.Collections.IEnumerable rows)
        where TTable : DataJoint.UserTable, ITypedTable<TTable, TRow, TKey>
        where TRow : class
        where TKey : class
    {
        var names = TypedMapping<TTable, TRow, TKey>.RowNames;
        foreach (var row in rows)
        {
            if (row is not TRow typed)
            {
                yield return row ?? throw new DataJointException($"{typeof(TTable).Name}.Contents has a null row");
                continue;
            }
            var values = TypedMapping<TTable, TRow, TKey>.Values(typed);
            var dict = new Dictionary<string, object?>(names.Length, StringComparer.Ordinal);
            for (var i = 0; i < values.Length; i++) dict[names[i]] = values[i];
            yield return dict;
        }
    }
}
